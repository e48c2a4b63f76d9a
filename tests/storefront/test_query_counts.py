"""The number of SQL queries of a page does not grow with the number of products or photos."""

from __future__ import annotations

import pytest

from shop.core import clock
from shop.models import (
    Category,
    Facility,
    ImageReviewState,
    Product,
    ProductImage,
    ProductStatus,
    ProductVariant,
    Workshop,
)
from tests.factories import CategoryFactory, FacilityFactory, KanwilFactory, WorkshopFactory
from tests.storefront.helpers import RENDITIONS, QueryCounter

PAGES = [
    "/",
    "/products",
    "/products?q=kursi&in_stock=1&sort=price_asc",
    "/products/kursi-0",
    "/facilities",
    "/facilities/lapas-uji",
    "/sitemap.xml",
]


def _add_products(db, home: Facility, workshop: Workshop, category: Category, numbers) -> None:
    """Products alternating between `home` and facilities of their own, 2 variants, 3 photos."""
    for n in numbers:
        facility = home if n % 2 == 0 else FacilityFactory(kanwil=KanwilFactory())
        db.session.add(
            Product(
                facility=facility, workshop_id=workshop.id if facility is home else None,
                category=category, name=f"Kursi {n}", slug=f"kursi-{n}",
                status=ProductStatus.PUBLISHED, weight_grams=1000, published_at=clock.now(),
                is_flagship=n % 3 == 0,
                variants=[ProductVariant(sku=f"K-{n}-{v}", option_label=f"V{v}",
                                         price_idr=1000 + n, stock=v) for v in range(2)],
                images=[ProductImage(position=i, alt_text="Kursi", width=640, height=480,
                                     master_key=f"masters/{n}-{i}.jpg", renditions=RENDITIONS,
                                     review_state=ImageReviewState.APPROVED) for i in range(3)],
            )
        )  # fmt: skip
    db.session.commit()


def _count(app, url: str) -> int:
    client = app.test_client()
    client.get(url)  # warm-up: the first request may load things once per process
    with QueryCounter() as counter:
        assert client.get(url).status_code == 200, url
    return counter.count


@pytest.mark.parametrize("url", PAGES)
def test_queries_do_not_grow_with_the_catalogue(app, db, url: str) -> None:
    home = FacilityFactory(slug="lapas-uji")
    workshop = WorkshopFactory(facility=home)
    category = CategoryFactory()
    _add_products(db, home, workshop, category, range(10))
    small = _count(app, url)
    _add_products(db, home, workshop, category, range(10, 200))
    large = _count(app, url)
    assert large == small, f"{url}: {small} queries with 10 products, {large} with 200"
