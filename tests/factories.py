"""factory_boy factories for every model, writing through the app's session."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import factory
from factory.alchemy import SQLAlchemyModelFactory

from shop.accounts.users import hash_password
from shop.core import clock
from shop.extensions import db
from shop.models import (
    AuditEvent,
    Cart,
    CartItem,
    Category,
    DeliveryMethod,
    DeliveryRateTable,
    Facility,
    FacilityClass,
    FacilityKind,
    FacilityOrder,
    FacilityOrderStatus,
    ImageReviewState,
    Kanwil,
    MailStatus,
    Order,
    OrderLine,
    OrderStatus,
    OutboxMail,
    PartnerKey,
    Product,
    ProductImage,
    ProductStatus,
    ProductVariant,
    RevenueSplitRule,
    ReviewSubmission,
    Role,
    SplitBasis,
    StockMovement,
    StockReason,
    TimeZone,
    User,
    Workshop,
    WorkshopKind,
)

TEST_PASSWORD = "Uji-coba-Etalase-42"
_HASHED = hash_password(TEST_PASSWORD)


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class KanwilFactory(BaseFactory):
    class Meta:
        model = Kanwil

    code = factory.Sequence(lambda n: f"KW{n}")
    name = factory.Sequence(lambda n: f"Kanwil Ditjenpas Provinsi {n}")
    province = factory.Sequence(lambda n: f"Provinsi {n}")
    timezone = TimeZone.WIB


class FacilityFactory(BaseFactory):
    class Meta:
        model = Facility

    kanwil = factory.SubFactory(KanwilFactory)
    kind = FacilityKind.LAPAS
    facility_class = FacilityClass.IIA
    city = factory.Sequence(lambda n: f"Kota{n}")
    name = factory.LazyAttribute(lambda o: f"Lapas Kelas {o.facility_class.value} {o.city}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    address = "Jl. Pemasyarakatan No. 1"
    phone = "(061) 555 0101"
    showroom_hours = factory.LazyFunction(lambda: {"mon": ["08:00", "15:00"]})
    description = "Bengkel kerja kayu dan roti."
    is_active = True


class WorkshopFactory(BaseFactory):
    class Meta:
        model = Workshop

    facility = factory.SubFactory(FacilityFactory)
    name = factory.Sequence(lambda n: f"Bengkel Kayu {n}")
    kind = WorkshopKind.WOOD


class CategoryFactory(BaseFactory):
    class Meta:
        model = Category

    slug = factory.Sequence(lambda n: f"kategori-{n}")
    name = factory.Sequence(lambda n: f"Kategori {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    is_food = False


class ProductFactory(BaseFactory):
    class Meta:
        model = Product

    facility = factory.SubFactory(FacilityFactory)
    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Kursi Jati {n}")
    slug = factory.Sequence(lambda n: f"kursi-jati-{n}")
    description = "Kursi kayu jati buatan bengkel kerja."
    status = ProductStatus.PUBLISHED
    weight_grams = 5000
    published_at = factory.LazyFunction(clock.now)
    # The database refuses a product pending review that was never submitted.
    submitted_at = factory.LazyAttribute(
        lambda o: clock.now() if o.status == ProductStatus.PENDING_REVIEW else None
    )
    variants = factory.RelatedFactoryList(
        "tests.factories.ProductVariantFactory", factory_related_name="product", size=1
    )


class ProductVariantFactory(BaseFactory):
    class Meta:
        model = ProductVariant

    product = factory.SubFactory(ProductFactory, variants=[])
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    option_label = ""
    price_idr = 150_000
    hpp_idr = 90_000
    stock = 10


class ProductImageFactory(BaseFactory):
    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    position = 0
    alt_text = "Kursi jati dari depan"
    width = 800
    height = 600
    master_key = factory.Sequence(lambda n: f"masters/00/{n:032d}.jpg")
    renditions = factory.LazyFunction(
        lambda: [{"width": 320, "height": 240, "format": "webp", "key": "img/00/x.webp"}]
    )
    review_state = ImageReviewState.APPROVED
    rejection_reason = factory.LazyAttribute(
        lambda image: (
            "Wajah terlihat di latar." if image.review_state is ImageReviewState.REJECTED else None
        )
    )


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"petugas{n}@etalase.demo")
    name = factory.Sequence(lambda n: f"Petugas {n}")
    password_hash = _HASHED
    role = Role.CENTRAL
    is_active = True


class StaffFactory(UserFactory):
    role = Role.STAFF
    facility = factory.SubFactory(FacilityFactory)


class KanwilUserFactory(UserFactory):
    role = Role.KANWIL
    kanwil = factory.SubFactory(KanwilFactory)


class AuditEventFactory(BaseFactory):
    class Meta:
        model = AuditEvent

    actor_label = "cli"
    action = "product.create"
    object_type = "product"
    object_id = "1"
    changes = factory.LazyFunction(dict)


class StockMovementFactory(BaseFactory):
    class Meta:
        model = StockMovement

    variant = factory.SubFactory(ProductVariantFactory)
    quantity = 5
    stock_after = 15
    reason = StockReason.PRODUCED
    note = ""
    actor_label = "cli"


class ReviewSubmissionFactory(BaseFactory):
    class Meta:
        model = ReviewSubmission

    product = factory.SubFactory(ProductFactory, status=ProductStatus.PENDING_REVIEW)
    no_faces = True
    no_names = True
    no_identifying_details = True
    photos_where_allowed = True
    no_people = None


# --- Cart, orders, payments and the ledger (checkout issue) -------------------------------


class DeliveryRateTableFactory(BaseFactory):
    class Meta:
        model = DeliveryRateTable

    facility = factory.SubFactory(FacilityFactory)
    pickup_enabled = True
    courier_enabled = True
    same_city_per_kg_idr = 8_000
    same_province_per_kg_idr = 15_000
    other_province_per_kg_idr = 40_000
    minimum_charge_idr = 10_000


class RevenueSplitRuleFactory(BaseFactory):
    class Meta:
        model = RevenueSplitRule

    facility = factory.SubFactory(FacilityFactory)
    valid_from = factory.LazyFunction(lambda: datetime(2020, 1, 1, tzinfo=UTC))
    basis = SplitBasis.SALES
    pnbp_bp = 5000
    premi_bp = 3500
    capital_bp = 1500
    source = "Laporan Lapas Kelas IIB Bangli: 50% PNBP, 35% premi, 15% biaya dari penjualan"


class CartFactory(BaseFactory):
    class Meta:
        model = Cart

    token = factory.Sequence(lambda n: f"cart-token-{n:040d}")


class CartItemFactory(BaseFactory):
    class Meta:
        model = CartItem

    cart = factory.SubFactory(CartFactory)
    variant = factory.SubFactory(ProductVariantFactory)
    quantity = 1


# --- Fulfilment in the back office ---------------------------------------------------------


class OrderFactory(BaseFactory):
    """A paid order (by the demo gateway) with no parts; add `FacilityOrderFactory` rows."""

    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"ETL-2026-{n + 900000:06d}")
    status = OrderStatus.PAID
    buyer_name = "Siti Aminah"
    buyer_email = "siti.aminah@contoh.id"
    buyer_phone = "+6281234567890"
    address_line = "Jl. Merdeka No. 10"
    city = "Kota Medan"
    province = "Sumatera Utara"
    postal_code = "20112"
    gateway = "demo"
    subtotal_idr = 250_000
    shipping_idr = 10_000
    total_idr = 260_000
    placed_at = factory.LazyFunction(clock.now)
    expires_at = factory.LazyFunction(clock.now)
    paid_at = factory.LazyFunction(clock.now)


class FacilityOrderFactory(BaseFactory):
    """A facility's paid part, sent by courier, with one line of its own product."""

    class Meta:
        model = FacilityOrder

    order = factory.SubFactory(OrderFactory)
    facility = factory.SubFactory(FacilityFactory)
    status = FacilityOrderStatus.PAID
    delivery_method = DeliveryMethod.COURIER
    weight_grams = 400
    subtotal_idr = 250_000
    shipping_idr = 10_000
    lines = factory.LazyAttribute(
        lambda part: [
            OrderLine(
                product_name="Kemeja Batik Tulis", sku="BTK-L", option_label="L",
                unit_price_idr=250_000, unit_hpp_idr=140_000, unit_weight_grams=400, quantity=1,
            )
        ]
    )  # fmt: skip


class OutboxMailFactory(BaseFactory):
    """A mail that failed for good: what an admin finds in the outbox and sends again."""

    class Meta:
        model = OutboxMail

    template = "order_confirmation"
    recipients = factory.Sequence(lambda n: f"pembeli{n}@contoh.id")
    subject = "Pesanan ETL-0001 sudah dibayar"
    body_text = "Terima kasih."
    body_html = "<p>Terima kasih.</p>"
    locale = "id"
    message_id = factory.Sequence(lambda n: f"<{n}@etalase.local>")
    status = MailStatus.FAILED
    attempts = 6
    last_error = "ConnectionRefusedError: [Errno 111] Connection refused"
    next_attempt_at = None


class PartnerKeyFactory(BaseFactory):
    """An active partner key whose secret is `etl_test-<n>` (only its hash is stored)."""

    class Meta:
        model = PartnerKey
        exclude = ("secret",)

    name = factory.Sequence(lambda n: f"Mitra {n}")
    contact = factory.Sequence(lambda n: f"mitra{n}@contoh.id")
    secret = factory.Sequence(lambda n: f"etl_test-{n}")
    prefix = factory.LazyAttribute(lambda o: o.secret[:8])
    key_hash = factory.LazyAttribute(lambda o: hashlib.sha256(o.secret.encode()).hexdigest())
