"""Products in the back office: create with inline errors, edit audited, archive or delete."""

from __future__ import annotations

from sqlalchemy import select

from shop.models import AuditEvent, Product, ProductStatus, StockMovement
from tests.factories import CategoryFactory, FacilityFactory, ProductFactory, WorkshopFactory


def _form(category, **overrides):
    data = {
        "name": "Kursi Jati Lipat", "category_id": category.id, "workshop_id": 0,
        "description": "Kursi lipat dari kayu jati.", "weight_grams": 4000,
        "variants-0-sku": "KJL-01", "variants-0-option_label": "",
        "variants-0-price_idr": "Rp450.000", "variants-0-hpp_idr": "300000",
        "variants-0-stock": 4, "variants-0-low_stock_threshold": 1, "save": "1",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_staff_create_a_draft_with_its_opening_stock(client, db, login_as) -> None:
    facility = FacilityFactory()
    workshop = WorkshopFactory(facility=facility)
    staff = login_as("staff", facility=facility)
    category = CategoryFactory()
    response = client.post("/admin/products/new", data=_form(category, workshop_id=workshop.id))
    assert response.status_code == 302
    product = db.session.scalar(select(Product).where(Product.name == "Kursi Jati Lipat"))
    assert product.facility_id == staff.facility_id
    assert product.status is ProductStatus.DRAFT
    assert product.variants[0].price_idr == 450_000
    assert product.variants[0].stock == 4
    movement = db.session.scalar(select(StockMovement))
    assert (movement.quantity, movement.reason.value) == (4, "initial")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kursi Jati Lipat" in page and "Rp450.000" in page


def test_bad_input_is_shown_next_to_its_field_and_nothing_is_saved(client, db, login_as) -> None:
    login_as("staff")
    category = CategoryFactory()
    response = client.post(
        "/admin/products/new",
        data=_form(category, name="", weight_grams="berat", **{"variants-0-price_idr": "0"}),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="name-error"' in page
    assert 'id="weight_grams-error"' in page
    assert 'id="variants-0-price_idr-error"' in page
    assert db.session.scalar(select(Product)) is None


def test_another_variant_row_can_be_added_without_javascript(client, db, login_as) -> None:
    login_as("staff")
    category = CategoryFactory()
    data = _form(category, add_variant="1")
    data.pop("save")
    response = client.post("/admin/products/new", data=data)
    assert 'name="variants-1-sku"' in response.get_data(as_text=True)
    assert db.session.scalar(select(Product)) is None


def test_editing_a_published_product_keeps_it_published_and_is_audited(
    client, db, login_as
) -> None:
    product = ProductFactory(name="Meja Kopi")
    login_as("staff", facility=product.facility)
    variant = product.variants[0]
    response = client.post(
        f"/admin/products/{product.id}/edit",
        data={
            "name": "Meja Kopi Jati", "category_id": product.category_id, "workshop_id": 0,
            "description": product.description, "weight_grams": product.weight_grams,
            "variants-0-variant_id": variant.id, "variants-0-sku": variant.sku,
            "variants-0-price_idr": "175000", "variants-0-low_stock_threshold": 2, "save": "1",
        },
    )  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(product)
    assert product.status is ProductStatus.PUBLISHED
    # The new name waits for a reviewer; the price changes at once.
    assert product.name == "Meja Kopi"
    assert product.pending_revision.name == "Meja Kopi Jati"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "product.update"))
    assert "name" not in event.changes
    assert event.changes[f"variant:{variant.id}"][1]["price_idr"] == 175_000
    assert event.changes[f"variant:{variant.id}"][0]["price_idr"] == 150_000
    assert event.actor_id is not None


def test_a_product_ever_published_is_archived_not_deleted(client, db, login_as) -> None:
    product = ProductFactory()
    login_as("staff", facility=product.facility)
    client.post(f"/admin/products/{product.id}/delete")
    assert db.session.get(Product, product.id) is not None
    client.post(f"/admin/products/{product.id}/archive")
    db.session.refresh(product)
    assert product.status is ProductStatus.ARCHIVED
    assert "Kursi" not in client.get("/").get_data(as_text=True)


def test_a_draft_never_published_can_be_deleted(client, db, login_as) -> None:
    product = ProductFactory(status=ProductStatus.DRAFT, published_at=None)
    product_id = product.id
    login_as("staff", facility=product.facility)
    response = client.post(f"/admin/products/{product_id}/delete")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Product, product_id) is None


def test_the_list_searches_filters_and_shows_stock_of_each_variant(client, db, login_as) -> None:
    facility = FacilityFactory()
    ProductFactory(facility=facility, name="Batik Tulis Tarakan")
    ProductFactory(
        facility=facility, name="Rak Buku", status=ProductStatus.DRAFT, published_at=None
    )
    ProductFactory(name="Batik Orang Lain")
    login_as("staff", facility=facility)
    page = client.get("/admin/products?q=batik").get_data(as_text=True)
    assert "Batik Tulis Tarakan" in page
    assert "Batik Orang Lain" not in page and "Rak Buku" not in page
    page = client.get("/admin/products?status=draft").get_data(as_text=True)
    assert "Rak Buku" in page and "Batik Tulis" not in page
    assert ">10</a>" in page
