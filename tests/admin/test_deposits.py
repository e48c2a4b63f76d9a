"""The PNBP pages: the position, recording and correcting deposits, and their private proofs."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from sqlalchemy import func, select

from shop.core import clock
from shop.finance import pnbp
from shop.models import AuditEvent, PnbpDeposit
from tests.checkout.helpers import place, two_facilities
from tests.checkout.test_ledger import _pay_demo
from tests.factories import FacilityFactory
from tests.pnbp_helpers import fresh_ntpn, image_bytes, pdf_bytes, record, stored_files

# The facilities are in WIB: their ledger entries carry the day in Jakarta.
TODAY = clock.today()


@pytest.fixture
def shop(db):
    shop = two_facilities()
    _pay_demo(place(shop))
    return shop


def _form(facility, *, proof: bytes | None = None, name: str = "bukti.pdf", **overrides):
    data = {
        "facility_id": str(facility.id),
        "period_start": TODAY.replace(day=1).isoformat(),
        "period_end": TODAY.isoformat(),
        "billing_code": "820261101234567",
        "ntpn": fresh_ntpn().lower(),
        "amount_idr": "Rp33.000",
        "paid_on": TODAY.isoformat(),
        "note": "Setoran bulan ini",
        "proof": (io.BytesIO(pdf_bytes() if proof is None else proof), name),
    }
    data.update(overrides)
    return data


def _count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(PnbpDeposit))


def test_central_records_a_deposit_and_the_position_shows_it(db, client, login_as, shop) -> None:
    login_as("central")
    assert "PNBP" in client.get("/admin/").get_data(as_text=True)
    response = client.post(
        "/admin/pnbp/deposits/new", data=_form(shop.batik_lapas, amount_idr="20.000")
    )
    assert response.status_code == 302
    deposit = db.session.scalars(select(PnbpDeposit)).one()
    assert response.headers["Location"].endswith(f"/admin/pnbp/deposits/{deposit.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert deposit.ntpn in page and "Rp20.000" in page and "Koreksi setoran ini" in page
    position = client.get("/admin/pnbp").get_data(as_text=True)
    # Accrued 33.000 from the batik sale, 20.000 deposited, 13.000 outstanding.
    assert "Lapas Kelas I Medan" in position and "Rutan Kelas IIA Kupang" in position
    assert "Rp33.000" in position and "Rp20.000" in position and "Rp13.000" in position
    assert f"/admin/pnbp/deposits?facility={shop.batik_lapas.id}" in position
    listing = client.get(f"/admin/pnbp/deposits?facility={shop.batik_lapas.id}")
    assert deposit.ntpn in listing.get_data(as_text=True)
    assert (
        db.session.scalar(select(func.count()).where(AuditEvent.action == "pnbp_deposit.record"))
        == 1
    )


BAD_FORMS = {
    "billing code": ({"billing_code": "1234"}, "15 angka"),
    "NTPN": ({"ntpn": "12-34"}, "16 huruf atau angka"),
    "amount": ({"amount_idr": "0"}, "lebih dari Rp0"),
    "future": ({"paid_on": "2999-01-01"}, "masa depan"),
    "renamed text": ({"proof": b"bukan pdf sama sekali"}, "PDF, JPEG"),
    "oversized": ({"proof": b"%PDF-1.4\n" + b"0" * 300_000 + b"%%EOF"}, "Batasnya 0.25 MB"),
    "no proof": ({"proof": b"", "name": ""}, "Unggah bukti setor"),
}  # fmt: skip


@pytest.mark.parametrize(("overrides", "message"), BAD_FORMS.values(), ids=BAD_FORMS)
def test_a_bad_deposit_form_says_why_inline_and_writes_nothing(
    db, client, login_as, monkeypatch, overrides, message
) -> None:
    # A small limit keeps the upload in memory (the test client spools large ones to files).
    monkeypatch.setattr(pnbp, "MAX_PROOF_BYTES", 256 * 1024)
    login_as("central")
    response = client.post("/admin/pnbp/deposits/new", data=_form(FacilityFactory(), **overrides))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and 'class="field-error"' in page
    assert _count(db) == 0 and stored_files() == []


def test_a_duplicate_ntpn_is_refused_on_the_form(db, client, login_as) -> None:
    login_as("central")
    first = record(FacilityFactory())
    response = client.post(
        "/admin/pnbp/deposits/new", data=_form(FacilityFactory(), ntpn=first.ntpn.lower())
    )
    assert response.status_code == 422
    assert "sudah tercatat" in response.get_data(as_text=True)
    assert _count(db) == 1


def test_a_correction_through_the_form_replaces_the_deposit(db, client, login_as, shop) -> None:
    login_as("central")
    first = record(shop.batik_lapas, amount_idr=30_000, period_start=TODAY.replace(day=1),
                   period_end=TODAY, paid_on=TODAY)  # fmt: skip
    missing_reason = client.post(
        f"/admin/pnbp/deposits/{first.id}/correct",
        data={**_form(shop.batik_lapas, ntpn=first.ntpn, amount_idr="33000"), "reason": ""},
    )
    assert missing_reason.status_code == 422 and _count(db) == 1
    form = _form(shop.batik_lapas, ntpn=first.ntpn, amount_idr="33000",
                 proof=image_bytes("JPEG"), name="foto.jpg")  # fmt: skip
    response = client.post(
        f"/admin/pnbp/deposits/{first.id}/correct", data={**form, "reason": "Salah ketik"}
    )
    assert response.status_code == 302
    fixed = db.session.scalars(select(PnbpDeposit).where(PnbpDeposit.corrects_id == first.id)).one()
    old_page = client.get(f"/admin/pnbp/deposits/{first.id}").get_data(as_text=True)
    assert f"Diganti koreksi #{fixed.id}" in old_page and "Koreksi setoran ini" not in old_page
    assert "Rp30.000" in old_page and "Rp33.000" in old_page  # both in the history
    again = client.post(f"/admin/pnbp/deposits/{first.id}/void", data={"reason": "lagi"})
    assert again.status_code == 422 and "sudah dikoreksi" in again.get_data(as_text=True)
    assert "Rp0" in client.get("/admin/pnbp").get_data(as_text=True)  # nothing outstanding
    void = client.post(f"/admin/pnbp/deposits/{fixed.id}/void", data={"reason": "Salah UPT"})
    assert void.status_code == 302 and _count(db) == 3
    assert "Dibatalkan" in client.get(void.headers["Location"]).get_data(as_text=True)


def test_a_kanwil_user_works_in_their_region_only(db, client, login_as, shop) -> None:
    login_as("kanwil", kanwil=shop.batik_lapas.kanwil)
    theirs = record(shop.coffee_rutan)
    form_page = client.get("/admin/pnbp/deposits/new").get_data(as_text=True)
    assert "Lapas Kelas I Medan" in form_page and "Rutan Kelas IIA Kupang" not in form_page
    assert client.post("/admin/pnbp/deposits/new", data=_form(shop.coffee_rutan)).status_code == 404
    assert (
        client.get(f"/admin/pnbp/deposits/new?facility={shop.coffee_rutan.id}").status_code == 404
    )
    for url in (f"/admin/pnbp/deposits/{theirs.id}", f"/admin/pnbp/deposits/{theirs.id}/proof"):
        assert client.get(url).status_code == 404
    response = client.post(f"/admin/pnbp/deposits/{theirs.id}/void", data={"reason": "x"})
    assert response.status_code == 404
    position = client.get("/admin/pnbp").get_data(as_text=True)
    assert "Lapas Kelas I Medan" in position and "Rutan Kelas IIA Kupang" not in position
    assert theirs.ntpn not in client.get("/admin/pnbp/deposits").get_data(as_text=True)
    assert client.post("/admin/pnbp/deposits/new", data=_form(shop.batik_lapas)).status_code == 302


def test_staff_see_their_facility_and_cannot_record(db, client, login_as, shop) -> None:
    login_as("staff", facility=shop.coffee_rutan)
    mine = record(shop.coffee_rutan)
    record(shop.batik_lapas)
    assert client.get("/admin/pnbp/deposits/new").status_code == 403
    assert client.post("/admin/pnbp/deposits/new", data=_form(shop.coffee_rutan)).status_code == 403
    assert (
        client.post(f"/admin/pnbp/deposits/{mine.id}/void", data={"reason": "x"}).status_code == 403
    )
    page = client.get(f"/admin/pnbp/deposits/{mine.id}").get_data(as_text=True)
    assert mine.ntpn in page and "Koreksi setoran ini" not in page and "Catat setoran" not in page
    position = client.get("/admin/pnbp").get_data(as_text=True)
    assert "Rutan Kelas IIA Kupang" in position and "Lapas Kelas I Medan" not in position
    assert client.get(f"/admin/pnbp/deposits/{mine.id}/proof").status_code == 200
    assert _count(db) == 2


def test_the_proof_is_a_scoped_download_and_never_public(db, client, login_as, app) -> None:
    deposit = record(FacilityFactory(), proof=image_bytes("PNG"))
    url = f"/admin/pnbp/deposits/{deposit.id}/proof"
    anonymous = app.test_client()
    assert anonymous.get(url).status_code == 302
    key = deposit.proof_key
    for public in (f"/media/{key}", f"/media/img/../{key}", f"/media/img/%2e%2e/{key}"):
        assert anonymous.get(public).status_code == 404
    login_as("central")
    response = client.get(url)
    assert response.status_code == 200
    assert response.data == image_bytes("PNG")
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="bukti-setor-pnbp-{deposit.ntpn}.png"'
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    assert client.get("/admin/pnbp/deposits/999999/proof").status_code == 404


def test_bad_period_filters_are_a_message_not_an_error(client, login_as) -> None:
    login_as("central")
    response = client.get("/admin/pnbp?from=2026-12-31&to=2026-12-01")
    assert response.status_code == 200
    assert "tidak boleh sebelum" in response.get_data(as_text=True)
    odd = client.get("/admin/pnbp?from=kemarin&kanwil=abc")
    assert odd.status_code == 200 and "field-error" in odd.get_data(as_text=True)
    listing = client.get("/admin/pnbp/deposits?facility=x&to=2026-13-01")
    assert listing.status_code == 200 and "field-error" in listing.get_data(as_text=True)


def test_the_position_exports_read_back_to_the_screen_numbers(db, client, login_as, shop) -> None:
    record(shop.batik_lapas, amount_idr=20_000, period_start=TODAY.replace(day=1), period_end=TODAY)
    kanwil_user = login_as("kanwil", kanwil=shop.batik_lapas.kanwil)
    page = client.get("/admin/pnbp").get_data(as_text=True)
    assert "/admin/reports/export/pnbp-facilities.csv" in page
    period = {"from": TODAY.replace(day=1).isoformat(), "to": TODAY.isoformat()}
    response = client.get("/admin/reports/export/pnbp-facilities.csv", query_string=period)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    medan = next(row for row in rows if row and row[0] == "Lapas Kelas I Medan")
    # Accrued 33.000, deposited 20.000, outstanding 13.000: the same as the screen.
    assert medan[-3:] == ["33000", "20000", "13000"]
    # The other region's facility is in no line of this kanwil user's export.
    assert kanwil_user.kanwil_id != shop.coffee_rutan.kanwil_id
    assert "Rutan Kelas IIA Kupang" not in response.get_data(as_text=True)
    workbook = client.get("/admin/reports/export/pnbp-kanwil.xlsx", query_string=period)
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.data)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert any(row[-3:] == [33000, 20000, 13000] for row in values)
