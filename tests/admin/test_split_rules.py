"""Split rules in the back office: central adds one after a preview, kanwil users read theirs."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from shop import payments
from shop.core import clock
from shop.models import AuditEvent, LedgerEntry, RevenueSplitRule
from shop.payments import events
from tests.checkout.helpers import place, two_facilities


def _today():
    return clock.today()


def _form(facility_id: int, **overrides) -> dict[str, str]:
    values = {
        "facility_id": str(facility_id),
        "first_day": _today().isoformat(),
        "basis": "sales",
        "pnbp_pct": "50",
        "premi_pct": "35",
        "capital_pct": "15",
        "source": "Laporan Lapas Bangli: 50% PNBP, 35% premi, 15% biaya, dari penjualan",
        "preview": "1",
    }
    values.update(overrides)
    return values


def _rules(db) -> int:
    return db.session.scalar(select(func.count()).select_from(RevenueSplitRule))


def _pay(shop, *, at):
    order = place(shop, now=at)
    attempt = payments.start_payment(order=order, now=at)
    events.simulate_demo_payment(attempt=attempt, outcome="pay", now=at)
    return order


def test_central_previews_last_months_sales_then_saves_and_the_next_sale_follows(
    db, client, login_as
) -> None:
    shop = two_facilities()
    last_month = clock.now().replace(day=1) - timedelta(days=10)
    _pay(shop, at=last_month)  # batik 2 x Rp250.000 in Medan; built-in rule: from margin
    login_as("central")
    page = client.get("/admin/split-rules").get_data(as_text=True)
    assert "Bawaan sistem" in page and "Lapas Kelas I Medan" in page
    preview = client.post("/admin/split-rules/new", data=_form(shop.batik_lapas.id))
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200, text
    assert "Pratinjau" in text and "Rp500.000" in text
    assert "Rp250.000" in text  # 50% PNBP of Rp500.000, from sales
    assert _rules(db) == 0  # a preview saves nothing
    fingerprint = text.split('name="previewed" type="hidden" value="')[1].split('"')[0]
    saved = client.post(
        "/admin/split-rules/new",
        data={**_form(shop.batik_lapas.id, preview=""), "save": "1", "previewed": fingerprint},
    )
    assert saved.status_code == 302
    rule = db.session.scalars(select(RevenueSplitRule)).one()
    assert (rule.facility_id, rule.pnbp_bp, rule.premi_bp, rule.capital_bp) == (
        shop.batik_lapas.id, 5000, 3500, 1500,
    )  # fmt: skip
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "split_rule.create")
        )
        == 1
    )
    order = _pay(shop, at=clock.now())
    entries = db.session.scalars(
        select(LedgerEntry).where(LedgerEntry.order_id == order.id, LedgerEntry.kind == "sale")
    ).all()
    by_facility = {e.facility_id: e for e in entries}
    batik, coffee = by_facility[shop.batik_lapas.id], by_facility[shop.coffee_rutan.id]
    assert (batik.split_rule_id, batik.pnbp_idr, batik.premi_idr) == (rule.id, 250_000, 175_000)
    assert coffee.split_rule_id is None and coffee.pnbp_bp == 1500  # keeps the national default
    listing = client.get("/admin/split-rules").get_data(as_text=True)
    assert "50% PNBP · 35% premi · 15% modal" in listing


def test_a_save_with_other_fields_than_previewed_shows_the_new_preview(db, client, login_as):
    shop = two_facilities()
    login_as("central")
    response = client.post(
        "/admin/split-rules/new",
        data={**_form(shop.batik_lapas.id, preview=""), "save": "1", "previewed": "stale"},
    )
    assert response.status_code == 200
    assert "Pratinjau" in response.get_data(as_text=True)
    assert _rules(db) == 0


def test_shares_must_add_up_and_the_first_day_not_be_past(db, client, login_as) -> None:
    shop = two_facilities()
    login_as("central")
    wrong_sum = client.post(
        "/admin/split-rules/new", data=_form(shop.batik_lapas.id, capital_pct="10")
    )
    assert wrong_sum.status_code == 422
    assert "berjumlah tepat 100% (sekarang 95%)" in wrong_sum.get_data(as_text=True)
    yesterday = (_today() - timedelta(days=1)).isoformat()
    past = client.post("/admin/split-rules/new", data=_form(0, first_day=yesterday))
    assert past.status_code == 422
    assert "tidak boleh di masa lalu" in past.get_data(as_text=True)
    no_source = client.post("/admin/split-rules/new", data=_form(0, source=" "))
    assert no_source.status_code == 422
    assert _rules(db) == 0


def test_kanwil_users_read_their_regions_rules_only(db, client, login_as) -> None:
    shop = two_facilities()
    login_as("kanwil", kanwil=shop.batik_lapas.kanwil)
    page = client.get("/admin/split-rules").get_data(as_text=True)
    assert "Lapas Kelas I Medan" in page
    assert "Rutan Kelas IIA Kupang" not in page
    assert "Tambah aturan" not in page
    assert client.get("/admin/split-rules/new").status_code == 403
    assert client.post("/admin/split-rules/new", data=_form(0)).status_code == 403
    assert _rules(db) == 0


def test_staff_do_not_see_split_rules(db, client, login_as) -> None:
    login_as("staff")
    assert client.get("/admin/split-rules").status_code == 403
