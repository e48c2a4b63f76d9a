"""Charts as inline SVG drawn on the server (pygal): no JavaScript, numbers readable as text.

Each chart is an `<svg role="img">` whose `<title>` names it and whose `<desc>` carries every
value as text ("Penjualan per bulan: Jan 2026 Rp1.200.000; Feb 2026 ..."), so a screen reader
reads the figures and a page works without scripts. pygal's tooltip script and comments are
left out; each point or bar carries an SVG `<title>` instead, which browsers show on hover.
Labels are escaped by the XML serialiser, never pasted into markup. With nothing to draw, a
short placeholder paragraph stands in for the chart.

Used by both web layers (like `shop.formatting`): callers pass `value_format=rupiah` or a count
formatter, and already translated titles and labels.
"""

from __future__ import annotations

import math
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence

# Babel (the core's translations) before pygal: it probes optional modules while pygal's hook
# (taken out below) would turn each failed probe into a warning.
import babel.support  # noqa: F401
from markupsafe import Markup
from pygal import HorizontalBar, Line, PluginImportFixer
from pygal.etree import etree as pygal_etree
from pygal.style import Style

from shop.core.i18n import lazy_gettext as _l

# pygal appends a legacy import hook for its map plugins (which we do not use) to sys.meta_path.
# It has no find_spec(), so on Python 3.11 every later failed import anywhere in the process
# (an optional dependency probed with try/except ImportError) first raises an ImportWarning,
# an error under pytest's filterwarnings=error. Take it out again.
sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, PluginImportFixer)]
# The tree is post-processed with xml.etree below; pygal would switch to lxml if it were installed.
pygal_etree.to_etree()

EMPTY_MESSAGE = _l("Belum ada data untuk periode ini.")

# The viewBox is small so that text stays legible when a phone scales the chart down to its
# width; on a wide screen the chart grows up to MAX_WIDTH_PX.
WIDTH = 400
LINE_HEIGHT = 280
BAR_ROW_HEIGHT = 30
BAR_CHROME_HEIGHT = 80  # title, axis and margins around the bars
MAX_WIDTH_PX = 640
Y_TICKS = 5  # about this many value labels on a line chart's axis
MAX_X_LABELS = 4  # month labels shown under a line chart; the others stay in the <desc>
LABEL_CHARS = 22  # long facility or Kanwil names are shortened on the axis (full in <title>)
VALUE_ROOM = 0.6  # share of the longest bar added right of it for its value, written there
VALUE_GAP = 4

# The colours and type of static/css/etalase.css and admin.css (brand, accent, sun, ok, ink).
STYLE = Style(
    background="transparent",
    plot_background="#ffffff",
    foreground="#1d2430",
    foreground_strong="#1d2430",
    foreground_subtle="#4a5363",
    guide_stroke_color="#e3dccf",
    major_guide_stroke_color="#e3dccf",
    colors=("#0f5c5a", "#a8471c", "#e9b949", "#2b6a2f", "#4a5363"),
    font_family='system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Ubuntu, sans-serif',
    title_font_size=15,
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=12,
    value_font_size=12,
    tooltip_font_size=12,
    stroke_width="2.5",
    stroke_width_hover="3.5",
    opacity=".9",
    opacity_hover="1",
    transition="0ms",
)
COMMON = {
    "style": STYLE,
    "js": [],  # pygal's tooltip script is loaded from a CDN: never
    "disable_xml_declaration": True,
    "explicit_size": False,  # viewBox only: the page decides the size
    "width": WIDTH,
    "truncate_label": LABEL_CHARS,
    "margin": 12,
    "margin_right": 28,  # the last month label is centred on the plot's edge
    "legend_at_bottom": True,
    "legend_at_bottom_columns": 2,
    "truncate_legend": -1,  # "Penjualan kotor" fits its column; pygal would cut it at 360 px
}

Series = Sequence[tuple[str, Sequence[int]]]


def line_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Series,
    value_format: Callable[[int], str],
) -> Markup:
    """Values over time (months or days in `labels`), one line per series, from zero up."""
    _check(labels, series)
    if _is_empty(series):
        return _placeholder(title)
    every = math.ceil(len(labels) / MAX_X_LABELS)
    numbers = [int(value) for _name, values in series for value in values]
    chart = Line(
        **_config(title, value_format),
        height=LINE_HEIGHT,
        include_x_axis=True,
        y_labels=_ticks(min(0, *numbers), max(0, *numbers)),
        show_legend=len(series) > 1,
        x_labels_major_every=every,
        x_label_rotation=30,  # dates as "12 Nov 2026" overlap when set side by side
        show_minor_x_labels=every == 1,
        dots_size=3,
    )
    chart.x_labels = list(labels)
    for name, values in series:
        chart.add(name, [int(value) for value in values])
    root = chart.render_tree()
    _finish(
        root,
        title=title,
        labels=labels,
        series=series,
        value_format=value_format,
        drawn_labels=labels,
    )
    return Markup(ET.tostring(root, encoding="unicode"))


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Series,
    value_format: Callable[[int], str],
) -> Markup:
    """Horizontal bars, one row per label (Kanwil, category), each value written after its bar.

    Long names are shortened on the axis (in full on hover and in the description).
    """
    _check(labels, series)
    if _is_empty(series):
        return _placeholder(title)
    numbers = [int(value) for _name, values in series for value in values]
    low, high = min(0, *numbers), max(0, *numbers)
    chart = HorizontalBar(
        **_config(title, value_format),
        height=BAR_CHROME_HEIGHT + BAR_ROW_HEIGHT * len(labels) * len(series),
        show_legend=len(series) > 1,
        print_values=True,
        print_values_position="top",
        show_x_labels=False,
        # Room right of the longest bar for its value.
        range=(low, high + (high - low) * VALUE_ROOM),
    )
    # pygal draws the first label at the bottom; a list reads from the top.
    drawn_labels = list(reversed(labels))
    chart.x_labels = [_shorten(label) for label in _without_common_words(drawn_labels)]
    for name, values in series:
        chart.add(name, [int(value) for value in reversed(values)])
    root = chart.render_tree()
    _finish(
        root,
        title=title,
        labels=labels,
        series=series,
        value_format=value_format,
        drawn_labels=drawn_labels,
    )
    _full_names_on_axis(root, labels=drawn_labels)
    _values_after_bars(root)
    return Markup(ET.tostring(root, encoding="unicode"))


def describe(
    *, title: str, labels: Sequence[str], series: Series, value_format: Callable[[int], str]
) -> str:
    """The chart as a sentence: "Judul: Jan 2026 Rp1.200; Feb 2026 Rp900." (per series)."""

    def pairs(values: Sequence[int]) -> str:
        return "; ".join(
            f"{label} {value_format(int(value))}"
            for label, value in zip(labels, values, strict=True)
        )

    if len(series) == 1:
        return f"{title}: {pairs(series[0][1])}."
    return f"{title}. " + " ".join(f"{name}: {pairs(values)}." for name, values in series)


def _config(title: str, value_format: Callable[[int], str]) -> dict[str, object]:
    return {
        **COMMON,
        "title": title,
        # pygal hands axis values as floats; rupiah and counts are whole numbers.
        "value_formatter": lambda value: value_format(round(value)),
    }


def _ticks(low: int, high: int) -> list[int]:
    """Whole, round axis values (steps of 1, 2 or 5 times a power of ten) from low to high.

    pygal would pick fractional steps for small counts, which whole-number labels repeat.
    """
    rough = max(1, (high - low) / Y_TICKS)
    power = 10 ** math.floor(math.log10(rough))
    step = next(power * m for m in (1, 2, 5, 10) if power * m >= rough)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [n * step for n in range(first, max(last, first + 1) + 1)]


def _check(labels: Sequence[str], series: Series) -> None:
    for name, values in series:
        if len(values) != len(labels):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(labels)} labels")


def _is_empty(series: Series) -> bool:
    return not any(value for _name, values in series for value in values)


def _without_common_words(labels: Sequence[str]) -> list[str]:
    """ "Kanwil Ditjenpas Riau", "Kanwil Ditjenpas Bali" -> "Riau", "Bali": the words every
    label begins with say nothing on the axis (the title says what the rows are) and, cut to
    the axis width, left every Kanwil as the same "Kanwil Ditjenpas…"."""
    split = [label.split() for label in labels]
    if len(split) < 2:
        return list(labels)
    common = 0
    while (
        all(len(words) > common + 1 for words in split)
        and len({words[common] for words in split}) == 1
    ):
        common += 1
    return [" ".join(words[common:]) for words in split]


def _shorten(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else f"{label[: LABEL_CHARS - 1].rstrip()}…"


def _placeholder(title: str) -> Markup:
    return Markup('<p class="chart-empty"><strong>{}</strong> {}</p>').format(
        title, str(EMPTY_MESSAGE)
    )


def _finish(
    root: ET.Element,
    *,
    title: str,
    labels: Sequence[str],
    series: Series,
    value_format: Callable[[int], str],
    drawn_labels: Sequence[str],
) -> None:
    """Accessible and script-free: role="img", <title> and <desc> first, pygal's JS out.

    `drawn_labels` are the labels in the order pygal drew them, in full.
    """
    chart_id = root.get("id", "chart")
    for child in list(root):
        if child.tag is ET.Comment or child.tag == "title":
            root.remove(child)
    for parent in root.iter():
        for child in list(parent):
            # pygal always inlines a <script> with its config, and a tooltip box for it.
            if child.tag == "script" or "tooltip-overlay" in child.get("class", "").split():
                parent.remove(child)
    _hover_titles(root, labels=drawn_labels, names=[name for name, _values in series])
    title_node = ET.Element("title", id=f"{chart_id}-title")
    title_node.text = title
    desc_node = ET.Element("desc", id=f"{chart_id}-desc")
    desc_node.text = describe(title=title, labels=labels, series=series, value_format=value_format)
    root.insert(0, desc_node)
    root.insert(0, title_node)
    root.set("role", "img")
    root.set("aria-label", title)
    root.set("aria-describedby", f"{chart_id}-desc")
    root.set("width", "100%")
    root.set("style", f"height:auto;max-width:{MAX_WIDTH_PX}px;display:block")
    root.set("class", f"{root.get('class', '')} chart".strip())


def _hover_titles(root: ET.Element, *, labels: Sequence[str], names: Sequence[str]) -> None:
    """Each point or bar gets a <title> ("Jan 2026: Rp1.200"), which browsers show on hover.

    It replaces the <desc> data pygal leaves there for its tooltip script.
    """
    for group in _series_groups(root):
        name = names[_series_index(group)]
        points = [element for element in group.iter() if any(map(_is_point_data, element))]
        if not points:
            continue  # the group that draws a series' line; its dots are in another
        for label, point in zip(labels, points, strict=True):
            data = [child for child in point if _is_point_data(child)]
            value = next(c.text for c in data if c.get("class") == "value")
            for child in data:
                point.remove(child)
            hover = ET.Element("title")
            hover.text = f"{name} · {label}: {value}" if len(names) > 1 else f"{label}: {value}"
            point.insert(0, hover)


def _full_names_on_axis(root: ET.Element, *, labels: Sequence[str]) -> None:
    """pygal titles the label axis of horizontal charts with indices: the full names instead."""
    for axis in root.iter("g"):
        if "axis" not in axis.get("class", "").split():
            continue
        for title in axis.iter("title"):
            if title.text and title.text.isdigit() and int(title.text) < len(labels):
                title.text = labels[int(title.text)]


def _values_after_bars(root: ET.Element) -> None:
    """Write each value just right of its bar (pygal centres it on the bar's end)."""
    bars: dict[int, list[ET.Element]] = {}
    texts: dict[int, list[ET.Element]] = {}
    for group in _series_groups(root):
        index = _series_index(group)
        bars.setdefault(index, []).extend(
            rect for rect in group.iter("rect") if "reactive" in rect.get("class", "").split()
        )
        texts.setdefault(index, []).extend(
            text for text in group.iter("text") if text.get("class") == "value"
        )
    for index, rects in bars.items():
        for rect, text in zip(rects, texts.get(index, []), strict=True):
            end = float(rect.get("x", 0)) + float(rect.get("width", 0))
            text.set("x", f"{end + VALUE_GAP:.1f}")
            text.set("text-anchor", "start")


def _series_groups(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter("g") if "series" in g.get("class", "").split()]


def _series_index(group: ET.Element) -> int:
    serie = next(c for c in group.get("class", "").split() if c.startswith("serie-"))
    return int(serie.removeprefix("serie-"))


def _is_point_data(element: ET.Element) -> bool:
    return element.tag == "desc" and bool(element.get("class"))
