"""The domain model. Importing this package registers every table on `Base.metadata`."""

from shop.models.accounts import Role, User
from shop.models.audit import AuditEvent
from shop.models.base import Base
from shop.models.cart import Cart, CartItem
from shop.models.catalogue import (
    CatalogueVersion,
    Category,
    ImageReviewState,
    ImportRun,
    ImportState,
    PhotoProcessing,
    Product,
    ProductImage,
    ProductStatus,
    ProductTextRevision,
    ProductVariant,
    TextRevisionState,
)
from shop.models.channels import SalesChannel
from shop.models.delivery import DeliveryMethod, DeliveryRateTable, DeliveryZone
from shop.models.exports import ReportExport
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
from shop.models.labels import LabelScan, VariantLabel
from shop.models.ledger import (
    LedgerEntry,
    LedgerEntryKind,
    LedgerIsAppendOnly,
    RevenueSplitRule,
    SplitBasis,
)
from shop.models.operations import JobState, MailStatus, OutboxMail, ScheduledRun
from shop.models.orders import (
    FacilityOrder,
    FacilityOrderStatus,
    Order,
    OrderLine,
    OrderNumberCounter,
    OrderStatus,
    ReservationState,
    StockReservation,
)
from shop.models.partners import PartnerKey, PartnerKeyUsage
from shop.models.payments import (
    AttemptStatus,
    PaymentAttempt,
    Refund,
    RefundLine,
    RefundStatus,
    WebhookEvent,
)
from shop.models.pnbp import DepositIsAppendOnly, PnbpDeposit
from shop.models.quotes import QuoteLine, QuotePart, QuoteRequest, QuoteStatus, QuoteTransfer
from shop.models.reconciliation import ReconciliationRun
from shop.models.review import ReviewSubmission
from shop.models.stock import StockMovement, StockReason
from shop.models.tills import (
    SaleEvent,
    Stand,
    StandReturn,
    StandSale,
    StandSaleLine,
    StandSaleStatus,
    StandStatus,
    TillPayment,
)

__all__ = [
    "WEEKDAYS",
    "AttemptStatus",
    "AuditEvent",
    "Base",
    "Cart",
    "CartItem",
    "CatalogueVersion",
    "Category",
    "DeliveryMethod",
    "DeliveryRateTable",
    "DeliveryZone",
    "DepositIsAppendOnly",
    "Facility",
    "FacilityClass",
    "FacilityKind",
    "FacilityOrder",
    "FacilityOrderStatus",
    "ImageReviewState",
    "ImportRun",
    "ImportState",
    "JobState",
    "Kanwil",
    "LabelScan",
    "LapasSpecialty",
    "LedgerEntry",
    "LedgerEntryKind",
    "LedgerIsAppendOnly",
    "MailStatus",
    "Order",
    "OrderLine",
    "OrderNumberCounter",
    "OrderStatus",
    "OutboxMail",
    "PartnerKey",
    "PartnerKeyUsage",
    "PaymentAttempt",
    "PhotoProcessing",
    "PnbpDeposit",
    "Product",
    "ProductImage",
    "ProductStatus",
    "ProductTextRevision",
    "ProductVariant",
    "QuoteLine",
    "QuotePart",
    "QuoteRequest",
    "QuoteStatus",
    "QuoteTransfer",
    "ReconciliationRun",
    "Refund",
    "RefundLine",
    "RefundStatus",
    "ReportExport",
    "ReservationState",
    "RevenueSplitRule",
    "ReviewSubmission",
    "Role",
    "SaleEvent",
    "SalesChannel",
    "ScheduledRun",
    "SplitBasis",
    "Stand",
    "StandReturn",
    "StandSale",
    "StandSaleLine",
    "StandSaleStatus",
    "StandStatus",
    "StockMovement",
    "StockReason",
    "StockReservation",
    "TextRevisionState",
    "TillPayment",
    "TimeZone",
    "User",
    "VariantLabel",
    "WebhookEvent",
    "Workshop",
    "WorkshopKind",
]
