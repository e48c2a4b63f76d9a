"""The public impact page: what the workshops sold and earned, nationally and per Kanwil."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app, render_template, request
from flask.typing import ResponseReturnValue

from shop.extensions import cache
from shop.models.base import utcnow
from shop.reporting import impact
from shop.storefront import bp

PERIODS = ("all", "year")
# "This year" starts on 1 January in Jakarta; each entry's own local date is compared with it.
YEAR_ZONE = ZoneInfo("Asia/Jakarta")


def _figures(period: str) -> impact.ImpactFigures:
    """The figures of a period, computed at most once per IMPACT_CACHE_SECONDS (per language
    and per worker when the cache is in memory, shared through Redis when configured)."""
    now = utcnow()
    year = now.astimezone(YEAR_ZONE).year
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
        year=figures.computed_at.astimezone(YEAR_ZONE).year,
        cache_minutes=max(current_app.config["IMPACT_CACHE_SECONDS"] // 60, 1),
    )
