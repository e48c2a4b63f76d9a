"""The domain model. Importing this package registers every table on `Base.metadata`."""

from shop.models.accounts import Role, User
from shop.models.audit import AuditEvent
from shop.models.base import Base
from shop.models.catalogue import (
    Category,
    ImageReviewState,
    Product,
    ProductImage,
    ProductStatus,
    ProductVariant,
)
from shop.models.facilities import (
    WEEKDAYS,
    Facility,
    FacilityClass,
    FacilityKind,
    Kanwil,
    LapasSpecialty,
    TimeZone,
    Workshop,
    WorkshopKind,
)
from shop.models.review import ReviewSubmission
from shop.models.stock import StockMovement, StockReason

__all__ = [
    "WEEKDAYS",
    "AuditEvent",
    "Base",
    "Category",
    "Facility",
    "FacilityClass",
    "FacilityKind",
    "ImageReviewState",
    "Kanwil",
    "LapasSpecialty",
    "Product",
    "ProductImage",
    "ProductStatus",
    "ProductVariant",
    "ReviewSubmission",
    "Role",
    "StockMovement",
    "StockReason",
    "TimeZone",
    "User",
    "Workshop",
    "WorkshopKind",
]
