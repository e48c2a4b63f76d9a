"""The public impact page: what the workshops sold and earned, nationally and per Kanwil."""

from __future__ import annotations

from datetime import date

from flask import current_app, render_template, request
from flask.typing import ResponseReturnValue

from shop.core import clock
from shop.extensions import cache
from shop.reporting import impact
from shop.storefront import bp

PERIODS = ("all", "year")


def _figures(period: str) -> impact.ImpactFigures:
    """The figures of a period, computed at most once per IMPACT_CACHE_SECONDS (per language
    and per worker when the cache is in memory, shared through Redis when configured)."""
    now = clock.now()
    # "This year" starts on 1 January in WIB; each entry's own local date is compared with it.
    year = clock.local_date(now).year
    key = f"impact:{period}:{year}"
    figures = cache.get(key)
    if figures is None:
        since = date(year, 1, 1) if period == "year" else None
        figures = impact.impact_figures(since=since, now=now)
        cache.set(key, figures, timeout=current_app.config["IMPACT_CACHE_SECONDS"])
    return figures


@bp.get("/impact")
def impact_page() -> ResponseReturnValue:
    period = request.args.get("period", "all")
    if period not in PERIODS:
        period = "all"
    figures = _figures(period)
    return render_template(
        "shop/impact.html",
        figures=figures,
        period=period,
        year=clock.local_date(figures.computed_at).year,
        cache_minutes=max(current_app.config["IMPACT_CACHE_SECONDS"] // 60, 1),
    )
