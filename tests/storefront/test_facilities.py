"""The facilities: the list by Kanwil and kind, each profile with its showroom in local time."""

from __future__ import annotations

from datetime import UTC, datetime

from shop.catalogue.browse import PER_PAGE, is_open_at
from shop.models import FacilityKind, ProductStatus, TimeZone
from tests.factories import FacilityFactory, KanwilFactory, ProductFactory, WorkshopFactory


def test_list_filters_by_kanwil_and_kind(client, db) -> None:
    bali = KanwilFactory(code="BALI", province="Bali")
    FacilityFactory(name="Lapas Kelas IIA Kerobokan", kanwil=bali)
    FacilityFactory(name="LPKA Kelas II Karangasem", kanwil=bali, kind=FacilityKind.LPKA,
                    facility_class="II")  # fmt: skip
    FacilityFactory(name="Rutan Kelas IIA Ambon")
    FacilityFactory(name="Lapas Tutup", is_active=False)
    page = client.get("/facilities").get_data(as_text=True)
    assert "Kerobokan" in page and "Karangasem" in page and "Ambon" in page
    assert "Lapas Tutup" not in page
    page = client.get("/facilities?kanwil=bali&kind=lpka").get_data(as_text=True)
    assert "Karangasem" in page and "Kerobokan" not in page and "Ambon" not in page
    assert client.get("/facilities?kanwil=xx&kind=penjara").status_code == 200
    # A NUL in a query is refused before any view (shop/security.py).
    assert client.get("/facilities?kanwil=%00&kind=penjara").status_code == 400


def test_profile_shows_workshops_hours_in_local_time_and_products(client, db) -> None:
    maluku = KanwilFactory(code="MALUKU", province="Maluku", timezone=TimeZone.WIT)
    facility = FacilityFactory(
        name="Rutan Kelas IIA Ambon",
        slug="rutan-kelas-iia-ambon",
        kanwil=maluku,
        kind=FacilityKind.RUTAN,
        showroom_hours={"mon": ["08:00", "15:00"], "fri": ["08:00", "11:30"]},
    )
    WorkshopFactory(facility=facility, name="Dapur Sambal Roa")
    ProductFactory(facility=facility, name="Sambal Roa")
    ProductFactory(facility=facility, name="Sambal Draf", status=ProductStatus.DRAFT)
    page = client.get("/facilities/rutan-kelas-iia-ambon").get_data(as_text=True)
    assert "Rutan · Kelas IIA" in page
    assert "Dapur Sambal Roa" in page
    assert "08:00\u201311:30 WIT" in page and "Tutup" in page
    assert "Sambal Roa" in page and "Sambal Draf" not in page


def test_opening_is_judged_in_the_facility_time_zone(db) -> None:
    facility = FacilityFactory(
        kanwil=KanwilFactory(timezone=TimeZone.WIT), showroom_hours={"mon": ["08:00", "15:00"]}
    )
    # Monday 23:30 UTC is Tuesday 08:30 in Jayapura: closed (Tuesday has no hours).
    assert not is_open_at(facility, datetime(2026, 11, 30, 23, 30, tzinfo=UTC))
    # Monday 00:30 UTC is Monday 09:30 WIT: open, though 00:30 would be closed in UTC.
    assert is_open_at(facility, datetime(2026, 11, 30, 0, 30, tzinfo=UTC))


def test_inactive_facility_is_a_404(client, db) -> None:
    FacilityFactory(slug="lapas-tutup", is_active=False)
    assert client.get("/facilities/lapas-tutup").status_code == 404


def test_list_is_paged_and_searchable_by_name_or_city(client, db) -> None:
    kanwil = KanwilFactory(code="JATIM", province="Jawa Timur")
    for n in range(50):
        FacilityFactory(name=f"Lapas Kelas IIA Kota {n:02d}", city=f"Kota {n:02d}", kanwil=kanwil)
    FacilityFactory(name="Rutan Kelas IIB Situbondo", city="Situbondo", kanwil=kanwil)
    first = client.get("/facilities").get_data(as_text=True)
    # 51 facilities, 48 a page: the last ones are on page 2, linked from page 1.
    assert "51 UPT" in first and "Halaman 1 dari 2" in first
    assert "Lapas Kelas IIA Kota 00" in first and "Situbondo" not in first
    assert 'href="/facilities?page=2"' in first
    second = client.get("/facilities?page=2").get_data(as_text=True)
    assert "Situbondo" in second and "Lapas Kelas IIA Kota 00" not in second
    found = client.get("/facilities?q=situbondo").get_data(as_text=True)
    assert "Rutan Kelas IIB Situbondo" in found and "Kota 01" not in found
    assert "1 UPT" in found
    by_city = client.get("/facilities?q=kota+07&kanwil=jatim").get_data(as_text=True)
    assert "Lapas Kelas IIA Kota 07" in by_city and "Kota 08" not in by_city
    # A page past the end shows the last one; rubbish is ignored, not an error.
    assert "Situbondo" in client.get("/facilities?page=99").get_data(as_text=True)
    assert client.get("/facilities?page=abc&q=" + "x" * 500).status_code == 200


def test_a_facility_page_shows_a_catalogue_page_of_products_and_links_to_the_rest(
    client, db
) -> None:
    facility = FacilityFactory()
    ProductFactory.create_batch(PER_PAGE + 1, facility=facility)
    db.session.commit()
    page = client.get(f"/facilities/{facility.slug}").get_data(as_text=True)
    assert page.count('<li class="product-card">') == PER_PAGE
    assert f'<a href="/products?facility={facility.slug}">Lihat semua produk' in page
    catalogue = client.get(f"/products?facility={facility.slug}").get_data(as_text=True)
    assert f"{PER_PAGE + 1} produk ditemukan" in catalogue

    smaller = FacilityFactory()
    ProductFactory.create_batch(2, facility=smaller)
    db.session.commit()
    page = client.get(f"/facilities/{smaller.slug}").get_data(as_text=True)
    assert page.count('<li class="product-card">') == 2
    assert "Lihat semua produk" not in page
