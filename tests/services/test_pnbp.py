"""PNBP deposits: recorded with their proof, corrected by new entries, set against the ledger."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from shop.accounts.scoping import OutOfScope
from shop.core import audit, clock, unit_of_work
from shop.finance import pnbp
from shop.models import AuditEvent, DepositIsAppendOnly, LedgerEntry, PnbpDeposit
from tests.checkout.helpers import place, two_facilities
from tests.checkout.test_ledger import _pay_demo
from tests.factories import FacilityFactory, KanwilUserFactory, StaffFactory, UserFactory
from tests.pnbp_helpers import details, image_bytes, pdf_bytes, record, storage, stored_files

# The facilities are in WIB: their ledger entries carry the day in Jakarta.
TODAY = clock.today()
THIS_MONTH = (TODAY.replace(day=1), TODAY)


def _position(user, *, kanwil_id=None, period=THIS_MONTH):
    return pnbp.position(user, date_from=period[0], date_to=period[1], kanwil_id=kanwil_id)


def _lines(position) -> dict[str, tuple[int, int, int]]:
    return {
        line.name: (line.accrued_idr, line.deposited_idr, line.outstanding_idr)
        for line in position.facilities
    }


def _this_month(**overrides):
    return {"period_start": THIS_MONTH[0], "period_end": TODAY, "paid_on": TODAY, **overrides}


@pytest.fixture
def shop(db):
    """Two facilities in two regions, one paid order between them and one left unpaid."""
    shop = two_facilities()
    _pay_demo(place(shop))
    place(shop, batik=1, coffee=1)
    return shop


def _nothing_written(db) -> bool:
    deposits = db.session.scalar(select(func.count()).select_from(PnbpDeposit))
    events = db.session.scalar(select(func.count()).where(AuditEvent.action.like("pnbp_deposit.%")))
    return deposits == 0 and events == 0 and stored_files() == []


def test_accrued_is_the_pnbp_the_ledger_took_from_paid_orders(db, shop) -> None:
    lines = _lines(_position(UserFactory()))
    # 2 batik: margin 2 x (250.000 - 140.000), 15% PNBP; 3 coffee: 3 x (85.000 - 50.000), 15%.
    assert lines == {
        "Lapas Kelas I Medan": (33_000, 0, 33_000),
        "Rutan Kelas IIA Kupang": (15_750, 0, 15_750),
    }
    assert sum(a for a, _, _ in lines.values()) == db.session.scalar(
        select(func.sum(LedgerEntry.pnbp_idr))
    )


def test_facility_region_and_national_lines_add_up(db, shop) -> None:
    record(shop.batik_lapas, amount_idr=20_000, **_this_month())
    record(shop.coffee_rutan, amount_idr=15_750, **_this_month())
    # Deposited for another period: counted there, not here.
    record(shop.batik_lapas, amount_idr=5_000, period_start=date(2026, 10, 1),
           period_end=date(2026, 10, 31))  # fmt: skip
    position = _position(UserFactory())
    assert _lines(position) == {
        "Lapas Kelas I Medan": (33_000, 20_000, 13_000),
        "Rutan Kelas IIA Kupang": (15_750, 15_750, 0),
    }
    regions = {
        k.name: (k.accrued_idr, k.deposited_idr, k.outstanding_idr) for k in position.kanwils
    }
    assert regions == {
        "Kanwil Ditjenpas Sumatera Utara": (33_000, 20_000, 13_000),
        "Kanwil Ditjenpas Nusa Tenggara Timur": (15_750, 15_750, 0),
    }
    national = position.national
    assert (national.accrued_idr, national.deposited_idr, national.outstanding_idr) == (
        48_750, 35_750, 13_000,
    )  # fmt: skip
    table = position.facility_table()
    assert list(table.totals or ()) == ["Jumlah", "", 48_750, 35_750, 13_000]
    assert [list(row) for row in table.rows] == [
        ["Rutan Kelas IIA Kupang", "Kanwil Ditjenpas Nusa Tenggara Timur", 15_750, 15_750, 0],
        ["Lapas Kelas I Medan", "Kanwil Ditjenpas Sumatera Utara", 33_000, 20_000, 13_000],
    ]
    assert list(position.kanwil_table().totals or ()) == ["Nasional", 48_750, 35_750, 13_000]
    only_ntt = _position(UserFactory(), kanwil_id=shop.coffee_rutan.kanwil_id)
    assert list(_lines(only_ntt)) == ["Rutan Kelas IIA Kupang"]
    assert only_ntt.national.accrued_idr == 15_750


def test_a_correction_replaces_the_amount_and_keeps_the_original_in_history(db, shop) -> None:
    central = UserFactory()
    first = record(shop.batik_lapas, amount_idr=30_000, **_this_month())
    fixed = pnbp.correct_deposit(
        actor=central, deposit=first, details=details(amount_idr=33_000, ntpn=first.ntpn,
                                                       **_this_month()),
        reason="Salah ketik jumlah", storage=storage(), now=clock.now(),
    )  # fmt: skip
    unit_of_work.commit()
    assert _lines(_position(central))["Lapas Kelas I Medan"] == (33_000, 33_000, 0)
    assert [d.id for d in pnbp.history(first)] == [first.id, fixed.id]
    assert not first.counts and fixed.counts and fixed.corrects_id == first.id
    assert fixed.proof_key == first.proof_key  # no new file: the proof is kept
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "pnbp_deposit.correct")
    ).one()
    assert event.object_id == str(fixed.id)
    assert event.changes["amount_idr"] == [30_000, 33_000]
    assert event.changes["corrects_id"] == [None, first.id]
    with pytest.raises(pnbp.AlreadyCorrected):
        pnbp.correct_deposit(
            actor=central, deposit=first, details=details(**_this_month()), reason="lagi",
            storage=storage(), now=clock.now(),
        )  # fmt: skip
    again = pnbp.correct_deposit(
        actor=central, deposit=fixed, details=details(amount_idr=32_000, **_this_month()),
        reason="Jumlah di bukti", proof=pnbp.Proof("baru.png", image_bytes("PNG")),
        storage=storage(), now=clock.now(),
    )  # fmt: skip
    unit_of_work.commit()
    assert pnbp.head(first).id == again.id
    assert again.proof_content_type == "image/png" and again.proof_key != first.proof_key
    assert _lines(_position(central))["Lapas Kelas I Medan"] == (33_000, 32_000, 1_000)


def test_voiding_counts_nothing_and_frees_the_ntpn(db, shop) -> None:
    central = UserFactory()
    wrong = record(shop.coffee_rutan, amount_idr=15_750, **_this_month())
    void = pnbp.correct_deposit(
        actor=central, deposit=wrong, details=None, reason="Dicatat untuk UPT yang salah",
        storage=storage(), now=clock.now(),
    )  # fmt: skip
    unit_of_work.commit()
    assert void.is_void and void.amount_idr == 0 and void.ntpn is None
    assert _lines(_position(central))["Rutan Kelas IIA Kupang"] == (15_750, 0, 15_750)
    assert (
        db.session.scalar(select(func.count()).where(AuditEvent.action == "pnbp_deposit.void")) == 1
    )
    with pytest.raises(pnbp.AlreadyVoid):
        pnbp.correct_deposit(actor=central, deposit=void, details=None, reason="x",
                             storage=storage(), now=clock.now())  # fmt: skip
    right = record(shop.batik_lapas, ntpn=wrong.ntpn, amount_idr=15_750, **_this_month())
    assert right.counts


def test_a_correction_needs_a_reason(db, shop) -> None:
    first = record(shop.batik_lapas)
    with pytest.raises(pnbp.InvalidDeposit) as error:
        pnbp.correct_deposit(actor=UserFactory(), deposit=first, details=None, reason=" ",
                             storage=storage(), now=clock.now())  # fmt: skip
    assert set(error.value.errors) == {"reason"}
    assert db.session.scalar(select(func.count()).select_from(PnbpDeposit)) == 1


BAD_INPUT = {
    "billing code too short": ({"billing_code": "82026110123"}, None, "billing_code"),
    "billing code with letters": ({"billing_code": "82026110123456A"}, None, "billing_code"),
    "NTPN too short": ({"ntpn": "ABC123"}, None, "ntpn"),
    "NTPN with symbols": ({"ntpn": "ABCD1234EFGH567!"}, None, "ntpn"),
    "amount zero": ({"amount_idr": 0}, None, "amount_idr"),
    "amount negative": ({"amount_idr": -33_000}, None, "amount_idr"),
    "paid tomorrow": ({"paid_on": TODAY + timedelta(days=2)}, None, "paid_on"),
    "period backwards": ({"period_start": date(2026, 11, 30), "period_end": date(2026, 11, 1)},
                         None, "period_end"),
    "no proof": ({}, b"", "proof"),
    "text renamed to .pdf": ({}, b"just some notes, not a receipt\n", "proof"),
    "zip renamed to .pdf": ({}, b"PK\x03\x04" + b"\x00" * 200, "proof"),
    "PDF cut short": ({}, b"%PDF-1.4\n1 0 obj << >> endobj\n", "proof"),
    "PNG cut short": ({}, image_bytes("PNG")[:40], "proof"),
    "oversized": ({}, b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024) + b"\n%%EOF\n", "proof"),
}  # fmt: skip


@pytest.mark.parametrize(("overrides", "proof", "field"), BAD_INPUT.values(), ids=BAD_INPUT)
def test_bad_input_is_refused_with_a_message_and_nothing_written(
    db, overrides, proof, field
) -> None:
    facility = FacilityFactory()
    with pytest.raises(pnbp.InvalidDeposit) as error:
        pnbp.record_deposit(
            actor=UserFactory(), facility_id=facility.id, details=details(**overrides),
            proof=pnbp.Proof("bukti.pdf", pdf_bytes() if proof is None else proof),
            storage=storage(), now=clock.now(),
        )  # fmt: skip
    assert list(error.value.errors) == [field]
    assert str(error.value)
    assert _nothing_written(db)


@pytest.mark.parametrize("image_format", ["JPEG", "PNG"])
def test_images_are_accepted_by_their_content_whatever_their_name(db, image_format) -> None:
    deposit = record(FacilityFactory(), proof=image_bytes(image_format))
    expected = {"JPEG": "image/jpeg", "PNG": "image/png"}[image_format]
    assert deposit.proof_content_type == expected
    assert deposit.proof_key.startswith("private/pnbp/")
    assert pnbp.read_proof(deposit, storage())[0] == image_bytes(image_format)


def test_the_ntpn_is_upper_cased_and_a_duplicate_refused(db) -> None:
    first = record(FacilityFactory(), ntpn="abcd 1234 efgh 5678", billing_code="8202-6110-1234-567")
    assert (first.ntpn, first.billing_code) == ("ABCD1234EFGH5678", "820261101234567")
    with pytest.raises(pnbp.DuplicateNtpn) as error:
        record(FacilityFactory(), ntpn="ABCD1234efgh5678")
    assert list(error.value.errors) == ["ntpn"]
    other = record(FacilityFactory())
    with pytest.raises(pnbp.DuplicateNtpn):
        pnbp.correct_deposit(
            actor=UserFactory(), deposit=other, details=details(ntpn=first.ntpn),
            reason="NTPN salah", storage=storage(), now=clock.now(),
        )  # fmt: skip
    assert db.session.scalar(select(func.count()).select_from(PnbpDeposit)) == 2
    assert len(stored_files()) == 2


def test_a_failure_after_storing_the_proof_leaves_no_file_behind(db, monkeypatch) -> None:
    def broken(**_kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        record(FacilityFactory())
    assert _nothing_written(db)


def test_deposits_cannot_be_changed_or_deleted(db) -> None:
    deposit = record(FacilityFactory())
    deposit.amount_idr = 1
    with pytest.raises(DepositIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(deposit)
    with pytest.raises(DepositIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_kanwil_users_record_and_see_their_region_only(db, shop) -> None:
    sumut = KanwilUserFactory(kanwil=shop.batik_lapas.kanwil)
    mine = record(shop.batik_lapas, actor=sumut, **_this_month())
    with pytest.raises(OutOfScope):
        record(shop.coffee_rutan, actor=sumut)
    theirs = record(shop.coffee_rutan, **_this_month())
    with pytest.raises(OutOfScope):
        pnbp.get_deposit(sumut, theirs.id)
    with pytest.raises(OutOfScope):
        pnbp.correct_deposit(actor=sumut, deposit=theirs, details=None, reason="bukan milik",
                             storage=storage(), now=clock.now())  # fmt: skip
    assert pnbp.get_deposit(sumut, mine.id) == mine
    assert list(_lines(_position(sumut))) == ["Lapas Kelas I Medan"]
    assert _position(sumut, kanwil_id=shop.coffee_rutan.kanwil_id).facilities == []
    listed = db.session.scalars(pnbp.deposits(sumut, pnbp.DepositFilter())).all()
    assert listed == [mine]


def test_staff_see_their_facility_and_cannot_record(db, shop) -> None:
    staff = StaffFactory(facility=shop.coffee_rutan)
    with pytest.raises(pnbp.MayNotRecord):
        record(shop.coffee_rutan, actor=staff)
    assert _nothing_written(db)
    assert list(_lines(_position(staff))) == ["Rutan Kelas IIA Kupang"]
