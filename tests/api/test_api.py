"""The public API as a partner uses it: what it lists, how it pages, caches, limits and counts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from shop.core import clock
from shop.database import db
from shop.models import (
    AuditEvent,
    FacilityClass,
    FacilityKind,
    ImageReviewState,
    PartnerKeyUsage,
    ProductStatus,
)
from tests.factories import (
    CategoryFactory,
    FacilityFactory,
    PartnerKeyFactory,
    ProductFactory,
    ProductImageFactory,
    ProductVariantFactory,
)


def _slugs(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["slug"] for item in response.get_json()["items"]]


def test_only_public_products_and_approved_photos_appear(app, client):
    shown = ProductFactory(slug="kursi-tayang")
    ProductImageFactory(product=shown, alt_text="Disetujui")
    ProductImageFactory(product=shown, review_state=ImageReviewState.PENDING, alt_text="Draf")
    ProductImageFactory(product=shown, review_state=ImageReviewState.REJECTED, alt_text="Ditolak")
    ProductFactory(slug="kursi-draf", status=ProductStatus.DRAFT, published_at=None)
    ProductFactory(
        slug="kursi-menunggu",
        status=ProductStatus.PENDING_REVIEW,
        published_at=None,
    )
    ProductFactory(slug="kursi-upt-tutup", facility=FacilityFactory(is_active=False))
    db.session.commit()

    assert _slugs(client.get("/api/v1/products")) == ["kursi-tayang"]
    for hidden in ("kursi-draf", "kursi-menunggu", "kursi-upt-tutup"):
        assert client.get(f"/api/v1/products/{hidden}").status_code == 404
    detail = client.get("/api/v1/products/kursi-tayang").get_json()
    assert [image["alt"] for image in detail["images"]] == ["Disetujui"]
    body = client.get("/api/v1/products/kursi-tayang").get_data(as_text=True)
    assert "masters/" not in body and "hpp" not in body and "Draf" not in body
    assert detail["variants"][0]["price_idr"] == 150_000
    assert detail["image"]["renditions"][0]["url"].startswith("http://localhost/")


def test_an_lpka_product_shows_only_its_reviewed_photos(app, client):
    lpka = FacilityFactory(kind=FacilityKind.LPKA, facility_class=FacilityClass.I)
    product = ProductFactory(facility=lpka, slug="tas-lpka")
    ProductImageFactory(product=product, review_state=ImageReviewState.PENDING)
    db.session.commit()
    detail = client.get("/api/v1/products/tas-lpka").get_json()
    assert detail["images"] == [] and detail["image"] is None


def test_filters_and_search(app, client):
    furniture, food = CategoryFactory(slug="furnitur"), CategoryFactory(slug="makanan")
    binjai = FacilityFactory(city="Binjai")
    ProductFactory(name="Kursi Jati Ukir", slug="kursi-ukir", category=furniture, facility=binjai)
    cheap = ProductFactory(name="Keripik Singkong", slug="keripik", category=food)
    cheap.variants[0].price_idr = 20_000
    sold_out = ProductFactory(name="Sambal Roa", slug="sambal", category=food)
    sold_out.variants[0].stock = 0
    db.session.commit()

    assert _slugs(client.get("/api/v1/products?category=makanan&sort=price_asc")) == [
        "keripik",
        "sambal",
    ]
    assert _slugs(client.get(f"/api/v1/products?facility={binjai.slug}")) == ["kursi-ukir"]
    assert _slugs(client.get("/api/v1/products?max_price=50000")) == ["keripik"]
    assert "sambal" not in _slugs(client.get("/api/v1/products?in_stock=true"))
    assert _slugs(client.get("/api/v1/products?q=jati ukir")) == ["kursi-ukir"]
    assert _slugs(client.get("/api/v1/products?q=kerip")) == ["keripik"]
    unknown = client.get("/api/v1/products?category=tidak-ada").get_json()
    assert unknown["items"] == [] and unknown["unknown_filters"] == ["category"]
    bad = client.get("/api/v1/products?limit=1000")
    assert bad.status_code == 422 and bad.get_json()["errors"]["query"]["limit"]


@pytest.mark.parametrize("sort", ["newest", "price_asc", "price_desc", "relevance"])
def test_cursors_walk_every_product_once(app, client, sort):
    for n in range(11):
        product = ProductFactory(name=f"Batik Tulis {n}", slug=f"batik-{n}")
        product.variants[0].price_idr = 100_000 + (n % 3) * 1000  # ties on price
    db.session.commit()
    seen: list[str] = []
    url = f"/api/v1/products?limit=3&sort={sort}&q=batik"
    pages = 0
    while url:
        body = client.get(url).get_json()
        seen += [item["slug"] for item in body["items"]]
        url = body["next"] and body["next"].removeprefix("http://localhost")
        pages += 1
    assert pages == 4
    assert sorted(seen) == sorted(f"batik-{n}" for n in range(11))
    assert len(seen) == len(set(seen))


def test_a_cursor_of_another_sort_or_made_up_is_refused(app, client):
    for n in range(3):
        ProductFactory(slug=f"meja-{n}")
    db.session.commit()
    cursor = client.get("/api/v1/products?limit=1").get_json()["next_cursor"]
    refused = client.get(f"/api/v1/products?limit=1&sort=price_asc&cursor={cursor}")
    assert refused.status_code == 400
    assert refused.get_json()["error"] == "invalid_cursor"
    assert client.get("/api/v1/products?cursor=n.bm90LWEtY3Vyc29y").status_code == 400


def test_etag_answers_304_and_cors_headers(app, client):
    ProductFactory(slug="lemari")
    db.session.commit()
    first = client.get("/api/v1/products", headers={"Origin": "https://mitra.example"})
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in first.headers
    etag = first.headers["ETag"]
    again = client.get("/api/v1/products", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    preflight = client.options(
        "/api/v1/products",
        headers={
            "Origin": "https://mitra.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "Authorization",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    product = ProductFactory(slug="lemari-baru")
    db.session.commit()
    changed = client.get("/api/v1/products", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and product.slug in _slugs(changed)


def test_facilities_and_categories(app, client):
    parent = CategoryFactory(slug="kriya")
    child = CategoryFactory(slug="anyaman", parent=parent)
    facility = FacilityFactory()
    FacilityFactory(is_active=False, city="Tutup")
    ProductFactory(category=child, facility=facility)
    db.session.commit()
    listed = client.get("/api/v1/facilities").get_json()
    facilities = listed["items"]
    assert [(f["slug"], f["products"]) for f in facilities] == [(facility.slug, 1)]
    assert (listed["page"], listed["pages"], listed["total"]) == (1, 1, 1)
    assert client.get("/api/v1/facilities?page=0").status_code == 422
    categories = {c["slug"]: c for c in client.get("/api/v1/categories").get_json()["items"]}
    assert categories["kriya"]["products"] == 1 and categories["anyaman"]["parent"] == "kriya"


def test_keys_are_checked_and_use_is_counted(app, client):
    key = PartnerKeyFactory(secret="etl_rahasia-mitra")
    revoked = PartnerKeyFactory(
        secret="etl_kunci-lama", created_at=clock.now() - timedelta(days=1), revoked_at=clock.now()
    )
    db.session.commit()
    assert (
        client.get(
            "/api/v1/categories", headers={"Authorization": "Bearer etl_rahasia-mitra"}
        ).status_code
        == 200
    )
    assert (
        client.get("/api/v1/products", headers={"X-Api-Key": "etl_rahasia-mitra"}).status_code
        == 200
    )
    wrong = client.get("/api/v1/products", headers={"X-Api-Key": "etl_salah"})
    assert wrong.status_code == 401 and wrong.get_json()["error"] == "invalid_key"
    gone = client.get(
        "/api/v1/products",
        headers={"Authorization": "Bearer etl_kunci-lama", "Accept-Language": "en"},
    )
    assert gone.status_code == 401 and gone.get_json()["error"] == "revoked_key"
    assert "revoked" in gone.get_json()["message"]
    db.session.expire_all()
    rows = db.session.scalars(sa.select(PartnerKeyUsage)).all()
    assert [(row.key_id, row.day, row.requests) for row in rows] == [(key.id, clock.today(), 2)]
    assert revoked.id not in {row.key_id for row in rows}


def test_openapi_document_and_docs_page(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    assert {"/api/v1/products", "/api/v1/products/{slug}", "/api/v1/facilities",
            "/api/v1/categories"} <= set(spec["paths"])  # fmt: skip
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "/api/v1/products/{slug}" in text and "min_price" in text
    # Nothing loaded from another site (the CSP would block it): a page made on the server.
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"(https?:)?//", text)


def test_admin_partner_keys_shown_once_revoked_and_audited(app, client, login_as):
    central = login_as("central")
    made = client.post("/admin/partners", data={"name": "Toko Mitra", "contact": "api@mitra.id"})
    assert made.status_code == 200
    text = made.get_data(as_text=True)
    secret = text.split('class="secret-key">')[1].split("<")[0]
    assert secret.startswith("etl_")
    assert secret not in client.get("/admin/partners").get_data(as_text=True)
    # A signed-in browser calling the API gets no cookie back either.
    assert "Set-Cookie" not in client.get("/api/v1/categories").headers
    api = app.test_client()
    assert api.get("/api/v1/categories", headers={"X-Api-Key": secret}).status_code == 200
    from shop.models import PartnerKey

    key = db.session.scalar(sa.select(PartnerKey))
    assert key.key_hash != secret and secret not in (key.prefix + key.key_hash)
    detail = client.get(f"/admin/partners/{key.id}").get_data(as_text=True)
    assert "Toko Mitra" in detail
    assert client.post(f"/admin/partners/{key.id}/revoke").status_code == 302
    assert api.get("/api/v1/categories", headers={"X-Api-Key": secret}).status_code == 401
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.actor_id == central.id)
    ).all()
    assert set(actions) == {"partner_key.create", "partner_key.revoke"}


def test_admin_partner_keys_refuse_other_roles(app, client, login_as):
    login_as("kanwil")
    assert client.get("/admin/partners").status_code == 403
    assert (
        client.post("/admin/partners", data={"name": "X", "contact": "x@x.id"}).status_code == 403
    )


def test_unknown_product_variant_query(app, client):
    ProductVariantFactory()
    db.session.commit()
    assert client.get("/api/v1/products/tidak-ada").get_json()["error"] == "not_found"
