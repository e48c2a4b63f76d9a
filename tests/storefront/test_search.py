"""Full-text search: prefix matching, relevance, and an index that follows every change."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from shop.catalogue import search
from shop.catalogue.browse import CatalogueQuery, browse
from shop.models import ProductStatus
from tests.factories import (
    CategoryFactory,
    FacilityFactory,
    ProductFactory,
    ProductVariantFactory,
    WorkshopFactory,
)


def _names(q: str) -> list[str]:
    return [p.name for p in browse(CatalogueQuery(q=q)).products]


def test_prefix_while_typing_finds_the_word(db) -> None:
    ProductFactory(name="Kain Batik Tulis Tarakan", description="Motif pesisir.")
    ProductFactory(name="Kursi Jati", description="Kayu tua.")
    assert _names("bati") == ["Kain Batik Tulis Tarakan"]
    assert _names("BATIK tulis") == ["Kain Batik Tulis Tarakan"]
    assert _names("batik kursi") == []


def test_name_matches_rank_above_description_matches(db) -> None:
    ProductFactory(name="Tas Anyaman", description="Cocok dibawa ke pantai, bukan batik.")
    ProductFactory(name="Batik Cap Kawung", description="Kain katun.")
    assert _names("batik") == ["Batik Cap Kawung", "Tas Anyaman"]


def test_searches_category_facility_workshop_and_accents(db) -> None:
    facility = FacilityFactory(name="Lapas Kelas IIA Binjai", city="Binjai")
    workshop = WorkshopFactory(facility=facility, name="Bengkel Tenun Ikat")
    ProductFactory(
        name="Selendang",
        facility=facility,
        workshop_id=workshop.id,
        category=CategoryFactory(name="Kain Tradisional", name_en="Traditional cloth"),
    )
    assert _names("binjai") == ["Selendang"]
    assert _names("tenun") == ["Selendang"]
    assert _names("traditional") == ["Selendang"]
    assert _names("kaín") == ["Selendang"]


def test_operators_and_symbols_typed_by_a_visitor_are_plain_text(db) -> None:
    ProductFactory(name="Kopi Arabika Flores")
    assert _names('"kopi" * (') == ["Kopi Arabika Flores"]
    assert _names("kopi:* & !") == ["Kopi Arabika Flores"]
    assert search.matches("*** ::: ") is None


def test_index_follows_changes_of_products_and_what_they_belong_to(db) -> None:
    facility = FacilityFactory(name="Rutan Kelas IIB Ambon", city="Ambon")
    workshop = WorkshopFactory(facility=facility, name="Bengkel Kayu")
    category = CategoryFactory(name="Perabot", name_en="Furniture")
    product = ProductFactory(
        name="Bangku Panjang", facility=facility, workshop_id=workshop.id, category=category
    )
    product.name = "Bangku Taman"
    db.session.commit()
    assert _names("taman") == ["Bangku Taman"]
    assert _names("panjang") == []
    category.name = "Mebel"
    facility.city = "Tual"
    workshop.name = "Bengkel Pertukangan"
    db.session.commit()
    assert _names("mebel tual pertukangan") == ["Bangku Taman"]
    ProductVariantFactory(product=product, option_label="Merbau", sku="AMB-MERBAU")
    assert _names("merbau") == ["Bangku Taman"]
    db.session.delete(product)
    db.session.commit()
    assert db.session.execute(text("SELECT count(*) FROM product_search")).scalar() == 0


def test_search_never_shows_what_is_not_public(db) -> None:
    ProductFactory(name="Batik Draf", status=ProductStatus.DRAFT)
    ProductFactory(name="Batik Tutup", facility=FacilityFactory(is_active=False))
    ProductFactory(name="Batik Tayang")
    assert _names("batik") == ["Batik Tayang"]


@pytest.mark.parametrize("typed", ["", "   ", "-"])
def test_empty_queries_list_everything(db, typed: str) -> None:
    ProductFactory(name="Sambal Roa")
    assert _names(typed) == ["Sambal Roa"]


def test_products_made_by_the_catalogue_service_are_found(db) -> None:
    from shop.catalogue.products import ProductInput, VariantInput, create_product

    facility = FacilityFactory(city="Lahat")
    create_product(
        facility=facility,
        actor_label="test",
        status=ProductStatus.PUBLISHED,
        data=ProductInput(
            name="Gula Semut Jahe Merah",
            category=CategoryFactory(),
            weight_grams=250,
            variants=[VariantInput(sku="lht-1", price_idr=29_500, stock=4, option_label="250 g")],
        ),
    )
    db.session.commit()
    assert _names("gula jahe") == ["Gula Semut Jahe Merah"]
    assert _names("lht") == ["Gula Semut Jahe Merah"]
