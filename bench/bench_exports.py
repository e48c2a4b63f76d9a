"""Exporting a report of 100,000 rows as CSV and XLSX: time and peak memory.

The rows come from a generator, as a report's do, so each export is compared with only
iterating the same rows (the baseline: what the report itself costs), and with holding them
in a list (what an export that is not streamed would need at least). Each step runs in a fresh
process, so its peak memory (the kernel's max RSS) is its own. Times are CPU time of that
process (the machines here are shared, so wall time says more about the neighbours), medians
of several runs, and shown as a ratio to the baseline.

Run: `make bench` or `.venv/bin/python -m bench.bench_exports`.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import resource
import statistics
import time
from collections.abc import Callable, Iterator
from datetime import date

from bench.report import write_section

ROWS = 100_000
RUNS = 3


def make_table(count: int):
    """A ledger-like report: facility, month, day, four rupiah columns and a quantity."""
    from shop.reporting.tables import Column, ColumnKind, ReportTable

    def rows() -> Iterator[list]:
        for n in range(count):
            gross = 25_000 + (n * 7_919) % 2_500_000
            yield [
                f"Lapas Kelas IIA Nomor {n % 600} — kerajinan",
                date(2026, 1 + n % 12, 1),
                date(2026, 1 + n % 12, 1 + n % 28),
                gross,
                gross * 30 // 100,
                gross * 20 // 100,
                -(gross * 3 // 100),
                1 + n % 5,
            ]

    columns = [
        Column("facility", "UPT"),
        Column("month", "Bulan", ColumnKind.MONTH),
        Column("day", "Tanggal", ColumnKind.DATE),
        Column("gross", "Penjualan", ColumnKind.IDR),
        Column("pnbp", "PNBP", ColumnKind.IDR),
        Column("premi", "Premi", ColumnKind.IDR),
        Column("fee", "Biaya Stripe", ColumnKind.IDR),
        Column("items", "Barang", ColumnKind.COUNT),
    ]
    return ReportTable(
        name="bench",
        title="Bench",
        columns=columns,
        rows=rows(),
        caption=("Periode: 2026",),
    )


def nothing(_count: int) -> int:
    """The process with its imports only: the floor under every other peak."""
    return 0


def iterate_rows(count: int) -> int:
    return sum(1 for _row in make_table(count).rows)


def hold_rows(count: int) -> int:
    rows = list(make_table(count).rows)
    return len(rows)


def export_csv(count: int) -> int:
    from shop.reporting.exports import csv_stream

    return sum(len(chunk.encode()) for chunk in csv_stream(make_table(count)))


def export_xlsx(count: int) -> int:
    from shop.reporting.exports import xlsx_stream

    return sum(len(chunk) for chunk in xlsx_stream(make_table(count)))


def openpyxl_plain(count: int) -> int:
    """openpyxl's write-only sheet with the bare values: no formats, styles or checks."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in make_table(count).rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return len(output.getvalue())


def xlsxwriter_plain(count: int) -> int:
    """XlsxWriter in constant-memory mode with the bare values, as `openpyxl_plain` (dates need
    a number format in XlsxWriter, so the two date columns get one)."""
    import xlsxwriter

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
    sheet = workbook.add_worksheet()
    day = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for number, row in enumerate(make_table(count).rows):
        sheet.write_string(number, 0, row[0])
        sheet.write_datetime(number, 1, row[1], day)
        sheet.write_datetime(number, 2, row[2], day)
        for column in range(3, 8):
            sheet.write_number(number, column, row[column])
    workbook.close()
    return len(output.getvalue())


STEPS: dict[str, Callable[[int], int]] = {
    "imports only": nothing,
    "iterate the rows (baseline)": iterate_rows,
    "hold the rows in a list": hold_rows,
    "CSV export, streamed": export_csv,
    "XLSX export (XlsxWriter, constant memory)": export_xlsx,
    "openpyxl write-only alone, bare values": openpyxl_plain,
    "XlsxWriter constant memory alone, bare values": xlsxwriter_plain,
}


def _child(step: str, count: int, queue: multiprocessing.Queue) -> None:
    import xlsxwriter  # noqa: F401  (imports are not part of the measurement)
    from openpyxl import Workbook  # noqa: F401

    from shop.reporting import (
        tables,  # noqa: F401
    )

    started = time.process_time()
    size = STEPS[step](count)
    elapsed = time.process_time() - started
    queue.put((elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, size))


def measure(step: str, count: int) -> tuple[float, float, int]:
    """(median seconds, median peak RSS in MiB, output bytes) over RUNS fresh processes."""
    context = multiprocessing.get_context("spawn")
    times, peaks, size = [], [], 0
    for _ in range(RUNS):
        queue = context.Queue()
        process = context.Process(target=_child, args=(step, count, queue))
        process.start()
        elapsed, peak, size = queue.get(timeout=600)
        process.join()
        times.append(elapsed)
        peaks.append(peak)
    return statistics.median(times), statistics.median(peaks), size


def main() -> None:
    load_before = os.getloadavg()
    results = {step: measure(step, ROWS) for step in STEPS}
    load_after = os.getloadavg()
    baseline = results["iterate the rows (baseline)"][0]
    floor = results["imports only"][1]
    lines = [
        f"{ROWS:,} rows of 8 columns (text, month, date, 4 rupiah, count) from a generator, "
        f"median of {RUNS} runs, each in a fresh process. Time is the process's CPU time; "
        "peak memory is its max RSS; "
        "'above imports' subtracts the process with the imports only. XLSX is built completely "
        "before its first byte is sent (a zip needs the whole sheet), in a temporary file.",
        "",
        "| step | CPU time | ratio to iterating | peak memory | above imports | output |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for step, (seconds, peak, size) in results.items():
        ratio = "-" if STEPS[step] is nothing else f"{seconds / baseline:.1f}"
        output = (
            f"{size / 1_048_576:.1f} MB"
            if STEPS[step] in (export_csv, export_xlsx, openpyxl_plain, xlsxwriter_plain)
            else "-"
        )
        lines.append(
            f"| {step} | {seconds * 1000:,.0f} ms | {ratio} | {peak:.0f} MiB "
            f"| {max(peak - floor, 0):.0f} MiB | {output} |"
        )
    openpyxl_seconds = results["openpyxl write-only alone, bare values"][0]
    xlsxwriter_seconds = results["XlsxWriter constant memory alone, bare values"][0]
    speedup = openpyxl_seconds / xlsxwriter_seconds
    lines += [
        "",
        f"XlsxWriter (constant memory) writes the same values {speedup:.1f}"
        " times as fast as openpyxl (write-only), so the export uses XlsxWriter; both keep memory"
        " flat. Load average (1, 5, 15 min) before: "
        + ", ".join(f"{value:.1f}" for value in load_before)
        + "; after: "
        + ", ".join(f"{value:.1f}" for value in load_after)
        + " (CPU time is what the process itself used, whatever the neighbours do).",
    ]
    body = "\n".join(lines)
    print(body)
    write_section("exports", f"Report exports ({ROWS:,} rows)", body)


if __name__ == "__main__":
    main()
