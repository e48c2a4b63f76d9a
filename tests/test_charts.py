"""Charts are safe inline SVG that carries its numbers as text, with one mark per value."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from flask import Flask

from shop.formatting import rupiah
from shop.reporting import charts

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = ["Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026", "Mei 2026", "Jun 2026", "Jul 2026"]
SALES = [1_200_000, 950_000, 0, 3_400_000, 250_000, 1_800_000, 2_200_000]
KANWIL = [
    "Kanwil Kemenkumham DKI Jakarta",
    "Kanwil Jawa Tengah",
    "Kanwil Papua Barat Daya",
]


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def marks(root: ET.Element, tag: str) -> list[ET.Element]:
    """The drawn points or bars: pygal's 'reactive' shapes in the series' groups."""
    return [
        shape
        for group in root.iter(SVG + "g")
        if "series" in group.get("class", "").split()
        for shape in group.iter(SVG + tag)
        if "reactive" in shape.get("class", "").split()
    ]


def test_line_chart_is_accessible_inline_svg_with_the_numbers_as_text() -> None:
    markup = charts.line_chart(
        title="Penjualan per bulan",
        labels=MONTHS,
        series=[("Penjualan", SALES)],
        value_format=rupiah,
    )
    assert not str(markup).startswith("<?xml")
    root = parse(markup)

    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Penjualan per bulan"
    assert root.get("viewBox") and root.get("width") == "100%" and root.get("height") is None
    first, second = list(root)[:2]
    assert first.tag == SVG + "title" and first.text == "Penjualan per bulan"
    assert second.tag == SVG + "desc" and root.get("aria-describedby") == second.get("id")
    assert second.text == (
        "Penjualan per bulan: Jan 2026 Rp1.200.000; Feb 2026 Rp950.000; Mar 2026 Rp0; "
        "Apr 2026 Rp3.400.000; Mei 2026 Rp250.000; Jun 2026 Rp1.800.000; Jul 2026 Rp2.200.000."
    )
    assert len(marks(root, "circle")) == len(SALES)


def test_each_point_has_a_hover_title_and_no_script_is_left() -> None:
    root = parse(
        charts.line_chart(
            title="Penjualan", labels=MONTHS, series=[("Penjualan", SALES)], value_format=rupiah
        )
    )
    hovers = [
        e.find(SVG + "title").text for e in root.iter(SVG + "g") if "dots" in e.get("class", "")
    ]
    assert hovers[3] == "Apr 2026: Rp3.400.000"
    text = ET.tostring(root, encoding="unicode")
    assert "<script" not in text and "ns0:script" not in text
    assert "javascript" not in text.lower() and "pygal.js" not in text
    assert len(root.findall(f".//{SVG}desc")) == 1


def test_bar_chart_draws_one_bar_per_value_in_reading_order() -> None:
    values = [15_200_000, 4_500_000, 120_000]
    root = parse(
        charts.bar_chart(
            title="Penjualan per Kanwil",
            labels=KANWIL,
            series=[("Penjualan", values)],
            value_format=rupiah,
        )
    )
    bars = marks(root, "rect")
    assert len(bars) == 3
    # The first label is drawn at the top.
    by_height = sorted(bars, key=lambda bar: float(bar.get("y")))
    assert [float(b.get("width")) for b in by_height] == sorted(
        (float(b.get("width")) for b in bars), reverse=True
    )
    printed = [t.text for t in root.iter(SVG + "text") if t.get("class") == "value"]
    assert sorted(printed) == sorted(rupiah(v) for v in values)
    desc = root.find(SVG + "desc").text
    assert desc == (
        "Penjualan per Kanwil: Kanwil Kemenkumham DKI Jakarta Rp15.200.000; "
        "Kanwil Jawa Tengah Rp4.500.000; Kanwil Papua Barat Daya Rp120.000."
    )
    hovers = {e.find(SVG + "title").text for e in root.iter(SVG + "g") if e.get("class") == "bar"}
    assert "Kanwil Kemenkumham DKI Jakarta: Rp15.200.000" in hovers


def test_several_series_are_named_in_the_description_and_legend() -> None:
    root = parse(
        charts.bar_chart(
            title="Per kategori",
            labels=["Batik", "Mebel"],
            series=[("Penjualan", [900_000, 400_000]), ("Refund", [50_000, 0])],
            value_format=rupiah,
        )
    )
    assert len(marks(root, "rect")) == 4
    assert root.find(SVG + "desc").text == (
        "Per kategori. Penjualan: Batik Rp900.000; Mebel Rp400.000. "
        "Refund: Batik Rp50.000; Mebel Rp0."
    )
    legend = [t.text for t in root.iter(SVG + "text") if t.text in ("Penjualan", "Refund")]
    assert sorted(legend) == ["Penjualan", "Refund"]


def test_series_names_in_the_legend_are_not_cut() -> None:
    root = parse(
        charts.line_chart(
            title="Penjualan menurut waktu",
            labels=MONTHS[:2],
            series=[("Penjualan kotor", [900_000, 400_000]), ("Bersih", [800_000, 350_000])],
            value_format=rupiah,
        )
    )
    legend = {t.text for t in root.iter(SVG + "text")} & {"Penjualan kotor", "Bersih"}
    assert legend == {"Penjualan kotor", "Bersih"}


@pytest.mark.parametrize("chart", [charts.line_chart, charts.bar_chart])
def test_hostile_labels_are_escaped(chart) -> None:
    hostile = 'Lapas <script>alert("x")</script> & "Rutan"'
    markup = chart(
        title="Judul <img src=x onerror=alert(1)>",
        labels=[hostile, "Biasa"],
        series=[("<b>seri</b>", [1_000, 2_000])],
        value_format=rupiah,
    )
    text = str(markup)
    assert "<script" not in text and "<img" not in text and "<b>" not in text
    root = parse(markup)  # still well-formed
    assert hostile in root.find(SVG + "desc").text
    assert not [e for e in root.iter() if e.tag in (SVG + "script", SVG + "img", SVG + "b")]


@pytest.mark.parametrize("chart", [charts.line_chart, charts.bar_chart])
@pytest.mark.parametrize(
    ("labels", "series"),
    [([], []), ([], [("Penjualan", [])]), (["Jan 2026", "Feb 2026"], [("Penjualan", [0, 0])])],
)
def test_nothing_to_draw_gives_a_short_placeholder(chart, labels, series) -> None:
    markup = str(chart(title="Penjualan", labels=labels, series=series, value_format=rupiah))
    assert "<svg" not in markup
    assert markup == (
        '<p class="chart-empty"><strong>Penjualan</strong> Belum ada data untuk periode ini.</p>'
    )


def test_placeholder_follows_the_users_language_and_escapes_the_title(app: Flask) -> None:
    # A back-office page (the storefront's language is its address's: /en/...).
    with app.test_request_context("/admin/reports", headers={"Accept-Language": "en"}):
        markup = str(charts.bar_chart(title="<i>Sales</i>", labels=[], series=[], value_format=str))
    assert markup == (
        '<p class="chart-empty"><strong>&lt;i&gt;Sales&lt;/i&gt;</strong> '
        "No data for this period yet.</p>"
    )


def test_a_series_that_does_not_match_the_labels_is_refused() -> None:
    with pytest.raises(ValueError, match="2 values for 3 labels"):
        charts.line_chart(
            title="x", labels=["a", "b", "c"], series=[("s", [1, 2])], value_format=str
        )


def test_importing_charts_leaves_no_import_hook_that_warns() -> None:
    """pygal's legacy hook made every failed import warn: an error under filterwarnings."""
    code = (
        "import shop.reporting.charts\n"
        "try:\n    import no_such_module_anywhere\nexcept ImportError:\n    print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_small_counts_get_whole_distinct_axis_labels() -> None:
    root = parse(
        charts.line_chart(
            title="Barang terjual",
            labels=MONTHS[:3],
            series=[("Barang", [1, 3, 2])],
            value_format=str,
        )
    )
    axis = next(g for g in root.iter(SVG + "g") if g.get("class", "").split()[:2] == ["axis", "y"])
    assert [text.text for text in axis.iter(SVG + "text")] == ["0", "1", "2", "3"]


def test_kanwil_bars_are_named_by_what_tells_them_apart(app: Flask) -> None:
    names = ["Kanwil Ditjenpas Riau", "Kanwil Ditjenpas Bali", "Kanwil Ditjenpas Papua Barat"]
    with app.test_request_context():
        root = parse(
            charts.bar_chart(
                title="Penjualan bersih per Kanwil",
                labels=names,
                series=[("Bersih", [300, 200, 100])],
                value_format=rupiah,
            )
        )
    axis = {text.text for text in root.iter(SVG + "text")}
    assert {"Riau", "Bali", "Papua Barat"} <= axis
    assert not [label for label in axis if label and label.startswith("Kanwil Ditjenpas")]
