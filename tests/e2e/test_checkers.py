"""axe-core finds no accessibility violation on the public pages, on a phone and a desktop,
and the catalogue does not shift under the visitor's thumb (CLS under 0.1)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from shop import payments
from shop.core import clock
from shop.payments import events
from tests.checkers.tools import AXE_JS, require
from tests.checkout.helpers import place, two_facilities
from tests.e2e.test_storefront import shop_data  # noqa: F401  (the fixture)

PAGES = [
    "/",
    "/products",
    "/products?q=batik&facility=lapas-kelas-iia-tarakan",
    "/products/kain-batik-tulis-tarakan",
    "/products/gula-semut-jahe-merah",
    "/facilities",
    "/facilities/lapas-kelas-iia-tarakan",
    "/impact",
    "/cart",
    "/no-such-page",
]

CLS_OBSERVER = """
window.__cls = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.__cls += entry.value;
  }
}).observe({ type: "layout-shift", buffered: true });
"""


@pytest.fixture
def paid_order(db) -> None:
    """One paid order, so /impact shows its per-Kanwil table (a region that scrolls on a phone)."""
    now = clock.now()
    attempt = payments.start_payment(order=place(two_facilities(), now=now), now=now)
    assert events.simulate_demo_payment(attempt=attempt, outcome="pay", now=now) == "paid"


@pytest.mark.usefixtures("shop_data", "paid_order")
def test_no_axe_violations_and_no_sideways_scroll(live_server: str, page: Page) -> None:
    axe = require(AXE_JS).read_text()
    problems = []
    for path in PAGES:
        page.goto(f"{live_server}{path}")
        # Through the DevTools protocol: the page's CSP (no inline script) stays in force.
        page.evaluate(f"() => {{ {axe}\n}}")
        result = page.evaluate("() => axe.run(document, { resultTypes: ['violations'] })")
        problems += [
            f"{path}: {v['id']} ({v['impact']}): {v['help']} at {n['target']}"
            for v in result["violations"]
            for n in v["nodes"]
        ]
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            problems.append(f"{path}: scrolls {overflow} px sideways")
    assert problems == [], "\n".join(problems)


@pytest.mark.usefixtures("shop_data")
def test_the_catalogue_does_not_shift_while_loading(live_server: str, page: Page) -> None:
    page.add_init_script(CLS_OBSERVER)
    page.goto(f"{live_server}/products", wait_until="load")
    page.wait_for_timeout(1000)
    assert page.evaluate("window.__cls") < 0.1
