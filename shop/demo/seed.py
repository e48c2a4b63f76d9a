"""Writing the demo data. Idempotent: each row is found by its natural key before it is added."""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from slugify import slugify
from sqlalchemy import select

from shop.accounts.users import create_user
from shop.catalogue import images
from shop.catalogue import products as catalogue
from shop.core import clock, unit_of_work
from shop.core.storage import Storage
from shop.database import db
from shop.demo import sales
from shop.demo.hierarchy import (
    CATEGORIES,
    FACILITIES,
    HOURS_FRIDAY,
    HOURS_SATURDAY,
    HOURS_WEEKDAYS,
    KANWIL,
    facility_name,
)
from shop.demo.pictures import ILLUSTRATION_VARIANTS, draw_illustration
from shop.demo.products import TEMPLATES, Template
from shop.models import (
    Category,
    DeliveryRateTable,
    Facility,
    FacilityKind,
    ImageReviewState,
    Kanwil,
    Product,
    ProductImage,
    ProductStatus,
    Role,
    User,
    Workshop,
    WorkshopKind,
)

DEMO_PASSWORD = "Etalase-Demo-2026!"
PRODUCTS_PER_WORKSHOP = 3
SEED = 20261201
KIND_LETTER = {
    FacilityKind.LAPAS: "L",
    FacilityKind.RUTAN: "R",
    FacilityKind.LPKA: "K",
    FacilityKind.LPP: "P",
    FacilityKind.BAPAS: "B",
}
STREETS = ["Jl. Pemasyarakatan", "Jl. Sudirman", "Jl. Pahlawan", "Jl. Merdeka", "Jl. Gatot Subroto"]
NAME_WORDS_IGNORED = {"bengkel", "dapur", "kerajinan", "klien", "asli"}


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: Role
    scope: str


DEMO_ACCOUNTS = [
    DemoAccount("admin@etalase.demo", Role.ADMIN, ""),
    DemoAccount("pusat@etalase.demo", Role.CENTRAL, ""),
    # One Kanwil account for every region that has demo facilities, so each region's review
    # queue and reports can be tried: kanwil.riau@..., kanwil.bali@..., kanwil.sumut@...
    *(
        DemoAccount(f"kanwil.{code.lower()}@etalase.demo", Role.KANWIL, code)
        for code in sorted({row[0] for row in FACILITIES})
    ),
    DemoAccount("staff.binjai@etalase.demo", Role.STAFF, "lapas-kelas-iia-binjai"),
    DemoAccount("staff.pekanbaru@etalase.demo", Role.STAFF, "lapas-kelas-iia-pekanbaru"),
    DemoAccount("staff.kerobokan@etalase.demo", Role.STAFF, "lapas-kelas-iia-kerobokan"),
]


@dataclass
class SeedReport:
    kanwil: int = 0
    facilities: int = 0
    categories: int = 0
    products: int = 0
    images: int = 0
    users: int = 0
    orders: int = 0


def planned_product_count() -> int:
    return sum(len(f[5]) * PRODUCTS_PER_WORKSHOP for f in FACILITIES)


def seed_demo(
    *,
    storage: Storage,
    max_image_bytes: int,
    on_product: Callable[[], None] | None = None,
    on_order: Callable[[], None] | None = None,
    rendition_widths: tuple[int, ...] = images.RENDITION_WIDTHS,
    history_orders: int = sales.HISTORY_ORDERS,
    now: datetime | None = None,
) -> SeedReport:
    """Add whatever part of the demo data is missing, committing facility by facility,
    then the sales history of the last twelve months up to `now`.

    `rendition_widths` lets tests make fewer renditions of each picture; the site uses all.
    """
    report = SeedReport()
    kanwil = _seed_kanwil(report)
    categories = _seed_categories(report)
    unit_of_work.commit()
    rng = random.Random(SEED)
    template_turns: dict[WorkshopKind, int] = defaultdict(int)
    pictures = _Illustrations(storage, max_image_bytes, rendition_widths)
    for number, row in enumerate(FACILITIES):
        facility = _seed_facility(row, kanwil, report, number)
        _seed_delivery_rates(facility, number)
        for workshop, templates in _workshop_plan(facility, template_turns):
            for template in templates:
                _seed_product(facility, workshop, template, categories, rng, pictures, report)
                if on_product:
                    on_product()
        unit_of_work.commit()
    _seed_accounts(report)
    report.orders = sales.seed_sales_history(
        now=now or clock.now(), orders=history_orders, on_order=on_order
    )
    return report


def _seed_kanwil(report: SeedReport) -> dict[str, Kanwil]:
    existing = {k.code: k for k in db.session.scalars(select(Kanwil))}
    for code, name, province, timezone in KANWIL:
        if code not in existing:
            existing[code] = Kanwil(code=code, name=name, province=province, timezone=timezone)
            db.session.add(existing[code])
            report.kanwil += 1
    return existing


def _seed_categories(report: SeedReport) -> dict[str, Category]:
    existing = {c.slug: c for c in db.session.scalars(select(Category))}
    for position, (slug, name, name_en, parent, is_food) in enumerate(CATEGORIES):
        if slug not in existing:
            existing[slug] = Category(
                slug=slug,
                name=name,
                name_en=name_en,
                parent=existing[parent] if parent else None,
                position=position,
                is_food=is_food,
            )
            db.session.add(existing[slug])
            report.categories += 1
    return existing


def _seed_delivery_rates(facility: Facility, number: int) -> None:
    """Courier rates for most demo facilities; every fourth offers showroom pickup only."""
    if number % 4 == 3 or db.session.scalar(
        select(DeliveryRateTable.id).where(DeliveryRateTable.facility_id == facility.id)
    ):
        return
    db.session.add(
        DeliveryRateTable(
            facility=facility,
            pickup_enabled=True,
            courier_enabled=True,
            same_city_per_kg_idr=8_000 + 1_000 * (number % 3),
            same_province_per_kg_idr=15_000 + 1_000 * (number % 4),
            other_province_per_kg_idr=35_000 + 5_000 * (number % 3),
            minimum_charge_idr=10_000,
        )
    )


def _seed_facility(
    row: tuple, kanwil: dict[str, Kanwil], report: SeedReport, number: int
) -> Facility:
    code, kind, specialty, klass, city, workshops, active = row
    name = facility_name(kind, specialty, klass, city)
    facility = db.session.scalar(select(Facility).where(Facility.name == name))
    if facility is None:
        hours = {**HOURS_WEEKDAYS, **HOURS_FRIDAY}
        if number % 3 == 0:
            hours.update(HOURS_SATURDAY)
        workshop_names = ", ".join(w[1].lower() for w in workshops)
        facility = Facility(
            kanwil=kanwil[code],
            name=name,
            slug=slugify(name),
            kind=kind,
            specialty=specialty,
            facility_class=klass,
            city=city,
            address=f"{STREETS[number % len(STREETS)]} No. {number * 7 % 120 + 1}, {city}",
            phone=f"(0{600 + number * 13}) {7000000 + number * 104729 % 999999}",
            email=f"humas@{slugify(name).replace('-', '')[:24]}.go.id",
            showroom_hours=hours,
            description=(
                f"{name} membina warga binaan melalui kegiatan kerja: {workshop_names}. "
                "Setiap pembelian dicatat sebagai pendapatan unit, termasuk PNBP dan premi "
                "bagi warga binaan yang bekerja."
            ),
            is_active=active,
        )
        db.session.add(facility)
        db.session.flush()
        report.facilities += 1
    present = {w.name for w in facility.workshops}
    for workshop_kind, workshop_name in workshops:
        if workshop_name not in present:
            db.session.add(
                Workshop(
                    facility=facility,
                    name=workshop_name,
                    kind=workshop_kind,
                    description=f"{workshop_name} {name}.",
                )
            )
    db.session.flush()
    db.session.refresh(facility)
    return facility


def _workshop_plan(
    facility: Facility, turns: dict[WorkshopKind, int]
) -> Iterator[tuple[Workshop, list[Template]]]:
    """For each workshop, the templates that fit its name first, then the kind's in rotation."""
    for workshop in facility.workshops:
        pool = TEMPLATES[workshop.kind]
        words = {
            w for w in re.findall(r"\w{4,}", workshop.name.lower()) if w not in NAME_WORDS_IGNORED
        }
        fitting = [
            t for t in pool if words & set(re.findall(r"\w{4,}", f"{t.name} {t.blurb}".lower()))
        ]
        chosen = fitting[:PRODUCTS_PER_WORKSHOP]
        while len(chosen) < PRODUCTS_PER_WORKSHOP:
            candidate = pool[turns[workshop.kind] % len(pool)]
            turns[workshop.kind] += 1
            if candidate not in chosen:
                chosen.append(candidate)
        yield workshop, chosen


def _sku_prefix(facility: Facility) -> str:
    city = "".join(part[:3] for part in facility.city.upper().split())[:6]
    return f"{KIND_LETTER[facility.kind]}{facility.facility_class.value}-{city}"


def _seed_product(
    facility: Facility,
    workshop: Workshop,
    template: Template,
    categories: dict[str, Category],
    rng: random.Random,
    pictures: _Illustrations,
    report: SeedReport,
) -> None:
    # Draw the random numbers even for products that exist, so a re-run sees the same sequence.
    base_price = rng.randrange(template.price[0], template.price[1] + 1, 500) // 500 * 500
    stocks = [rng.choice([0, 1, 2, 3, 5, 8, 12, 20, 35]) for _ in template.options or ("",)]
    # Drawn even where fewer photos are made, so the random sequence stays the same.
    image_count = min(rng.randint(1, 4), ILLUSTRATION_VARIANTS)
    age_days = rng.randint(0, 120)
    ordinal = rng.randint(0, 99)
    name = template.name
    if db.session.scalar(
        select(Product.id).where(Product.facility_id == facility.id, Product.name == name)
    ):
        return
    category = categories[template.category]
    prefix = _sku_prefix(facility)
    number = len(facility.products) + 1
    options = template.options or ("",)
    variants = [
        catalogue.VariantInput(
            sku=f"{prefix}-{number:03d}{'-' + slugify(option).upper() if option else ''}",
            option_label=option,
            price_idr=base_price
            + (i * 5_000 if option in ("XL", "43", "Besar", "500 g", "250 g") else 0),
            hpp_idr=base_price * rng.randint(50, 70) // 100,
            stock=0 if template.lead_time_days else stocks[i],
        )
        for i, option in enumerate(options)
    ]
    status = ProductStatus.PUBLISHED
    if ordinal < 6:
        status = ProductStatus.DRAFT
    elif ordinal < 10:
        status = ProductStatus.PENDING_REVIEW
    food = category.is_food
    product = catalogue.create_product(
        facility=facility,
        actor_label="seed-demo",
        status=status,
        data=catalogue.ProductInput(
            name=name,
            category=category,
            weight_grams=template.weight_grams,
            variants=variants,
            description=(
                f"{template.blurb} Dibuat oleh warga binaan di {workshop.name} {facility.name}. "
                "Hasil penjualan kembali ke unit untuk premi, PNBP dan modal produksi."
            ),
            workshop=workshop,
            made_to_order=template.lead_time_days is not None,
            lead_time_days=template.lead_time_days,
            pirt_number=f"P-IRT No. {2063201000000 + facility.id * 1000 + number}-{28 + number % 3}"
            if food and "Segar" not in name
            else None,
            halal_certificate=f"ID{31110000000000000 + facility.id * 10000 + number}"
            if food and ordinal % 2 == 0
            else None,
            shelf_life_days=(7 if "Segar" in name or "Hidroponik" in name else 180)
            if food
            else None,
            is_flagship=number == 1,
        ),
    )
    if status is ProductStatus.PUBLISHED:
        product.published_at = clock.now() - timedelta(days=age_days, hours=ordinal)
    for index in range(image_count):
        # Unpublished products' photos wait for review, as do some new photos of products on
        # sale; those not in a draft were submitted, so the demo queue has photos to decide.
        pending = status is not ProductStatus.PUBLISHED or (
            index == image_count - 1 and index > 0 and ordinal % 5 == 0
        )
        prepared, master_key, renditions = pictures.get(
            category.slug, number + index, public=not pending
        )
        db.session.add(
            ProductImage(
                product=product,
                position=index,
                alt_text=f"{name} buatan {workshop.name} {facility.name}, foto {index + 1}",
                width=prepared.width,
                height=prepared.height,
                master_key=master_key,
                renditions=renditions,
                review_state=ImageReviewState.PENDING if pending else ImageReviewState.APPROVED,
                submitted_at=clock.now() if pending and status is not ProductStatus.DRAFT else None,
            )
        )
        report.images += 1
    report.products += 1


class _Illustrations:
    """Each category's few drawings, prepared and stored once, then shared by its products.

    Preparing (resizing, encoding four widths twice) was most of the first start's time when
    every product photo was drawn on its own. The files are named by their content, so products
    sharing a drawing share its files (`photos.forget_files` keeps them while one is in use).
    """

    def __init__(self, storage: Storage, max_bytes: int, widths: tuple[int, ...]) -> None:
        self._storage, self._max_bytes, self._widths = storage, max_bytes, widths
        self._done: dict[tuple[str, int, bool], tuple[images.PreparedImage, str, list]] = {}

    def get(
        self, category_slug: str, index: int, *, public: bool
    ) -> tuple[images.PreparedImage, str, list]:
        """A drawing's stored files. Photos waiting for review get drawings of their own
        (mirrored), so no public copy of an approved photo also shows them before review."""
        key = (category_slug, index % ILLUSTRATION_VARIANTS, public)
        if key not in self._done:
            picture = draw_illustration(category_slug, index, mirrored=not public)
            prepared = images.prepare_image(picture, max_bytes=self._max_bytes, widths=self._widths)
            self._done[key] = (
                prepared,
                *images.store_prepared(self._storage, prepared, public=public),
            )
        return self._done[key]


def _seed_accounts(report: SeedReport) -> None:
    for account in DEMO_ACCOUNTS:
        if db.session.scalar(select(User.id).where(User.email == account.email)):
            continue
        create_user(
            email=account.email,
            name=_account_name(account),
            role=account.role,
            password=DEMO_PASSWORD,
            facility_slug=account.scope if account.role is Role.STAFF else None,
            kanwil_code=account.scope if account.role is Role.KANWIL else None,
            actor_label="seed-demo",
        )
        report.users += 1
    unit_of_work.commit()


def _account_name(account: DemoAccount) -> str:
    return {
        Role.ADMIN: "Admin Etalase",
        Role.CENTRAL: "Petugas Ditjenpas Pusat",
        Role.KANWIL: f"Petugas Kanwil {account.scope.title()}",
        Role.STAFF: f"Petugas {account.scope.replace('-', ' ').title()}",
    }[account.role]
