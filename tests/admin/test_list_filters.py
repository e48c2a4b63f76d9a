"""Back-office list filters come from GET forms: a bad value is a message and is ignored, never
a 500; the pager keeps the filters and replaces only the page."""

from __future__ import annotations

import pytest

from shop.models import ProductStatus
from tests.factories import FacilityFactory, FacilityOrderFactory, ProductFactory

BAD_FILTERS = [
    ("/admin/products", {"status": "hilang", "q": "kursi"}, "Status"),
    ("/admin/orders", {"status": "dibakar"}, "Status"),
    ("/admin/audit", {"since": "kemarin"}, "field-error"),
    ("/admin/pnbp/deposits", {"facility": "x", "from": "2026-02-30"}, "field-error"),
    ("/admin/pnbp", {"kanwil": "abc", "to": "besok"}, "field-error"),
    ("/admin/reports", {"kanwil": "x", "from": "2026-13-01"}, "Tanggal tidak terbaca"),
    ("/admin/reports/entries", {"kind": "penjara", "entry_kind": "hadiah"}, "Saringan tidak"),
    ("/admin/reports/entries", {"after": "bukan-kursor"}, "halaman pertama"),
    ("/admin/reports/facilities", {"facility": "99999999999"}, "Saringan tidak"),
]


@pytest.mark.parametrize(("url", "args", "message"), BAD_FILTERS)
def test_a_bad_filter_value_is_a_message_not_an_error(client, login_as, url, args, message):
    login_as("central")
    response = client.get(url, query_string=args)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_an_unknown_status_is_ignored_and_the_rest_still_applies(client, login_as) -> None:
    facility = FacilityFactory()
    login_as("staff", facility=facility)
    ProductFactory(facility=facility, name="Kursi Jati", status=ProductStatus.DRAFT)
    ProductFactory(facility=facility, name="Meja Rotan", status=ProductStatus.DRAFT)
    page = client.get("/admin/products?status=hilang&q=kursi").get_data(as_text=True)
    assert "Kursi Jati" in page and "Meja Rotan" not in page
    assert "Saringan ini diabaikan." in page
    drafts = client.get("/admin/products?status=draft").get_data(as_text=True)
    assert "Kursi Jati" in drafts and "Saringan ini diabaikan." not in drafts


def test_the_pager_keeps_the_filters(client, login_as) -> None:
    facility = FacilityFactory()
    login_as("staff", facility=facility)
    for _ in range(31):
        FacilityOrderFactory(facility=facility)
    first = client.get("/admin/orders?status=&page=1").get_data(as_text=True)
    assert 'rel="next" href="/admin/orders?status=&amp;page=2"' in first
    second = client.get("/admin/orders?page=2&status=").get_data(as_text=True)
    assert 'rel="prev" href="/admin/orders?status=&amp;page=1"' in second
    assert 'rel="next"' not in second
