"""Processing one 12-megapixel phone photo: time and peak memory, next to only decoding it.

Each measurement runs in a fresh process (so peak memory is that step's alone, read from the
kernel's max RSS, which also counts Pillow's C buffers that tracemalloc cannot see). Timings are
medians of several runs and shown as a ratio to decoding the whole JPEG, measured in the same run.

Run: `make bench` or `.venv/bin/python -m bench.bench_images`.
"""

from __future__ import annotations

import io
import multiprocessing
import resource
import statistics
import time
from collections.abc import Callable

from PIL import Image, ImageDraw

from bench.report import write_section

WIDTH, HEIGHT = 4000, 3000  # 12 megapixels, a common phone camera
RUNS = 5
LIMIT = 30 * 1024 * 1024


def make_photo() -> bytes:
    """A busy 12 MP JPEG (gradients and shapes compress like a real photo, not a flat colour)."""
    image = Image.linear_gradient("L").resize((WIDTH, HEIGHT)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for n in range(0, WIDTH, 37):
        draw.line([(n, 0), (WIDTH - n, HEIGHT)], fill=(n % 255, 90, 255 - n % 255), width=5)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def decode_whole(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        image.load()


def decode_with_draft(data: bytes) -> None:
    from shop.catalogue.images import MASTER_MAX_SIDE

    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", (MASTER_MAX_SIDE, MASTER_MAX_SIDE * HEIGHT // WIDTH))
        image.load()


def all_renditions(data: bytes) -> None:
    from shop.catalogue.images import prepare_image

    prepare_image(data, max_bytes=LIMIT)


def nothing(_data: bytes) -> None:
    """The process with its imports only: the floor under every other peak."""


STEPS: dict[str, Callable[[bytes], None]] = {
    "imports only (no image work)": nothing,
    "decode the whole JPEG (baseline)": decode_whole,
    "decode with Image.draft at master size": decode_with_draft,
    "clean + master + all renditions (WebP and JPEG)": all_renditions,
}


def _child(step: str, data: bytes, queue: multiprocessing.Queue) -> None:
    from shop.catalogue import images  # noqa: F401  (imports are not part of the measurement)

    started = time.perf_counter()
    STEPS[step](data)
    elapsed = time.perf_counter() - started
    queue.put((elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def measure(step: str, data: bytes) -> tuple[float, float]:
    """(median seconds, median peak RSS in MiB) over RUNS fresh processes."""
    context = multiprocessing.get_context("spawn")
    times, peaks = [], []
    for _ in range(RUNS):
        queue = context.Queue()
        process = context.Process(target=_child, args=(step, data, queue))
        process.start()
        elapsed, peak = queue.get(timeout=120)
        process.join()
        times.append(elapsed)
        peaks.append(peak)
    return statistics.median(times), statistics.median(peaks)


def main() -> None:
    data = make_photo()
    results = {step: measure(step, data) for step in STEPS}
    baseline = results["decode the whole JPEG (baseline)"][0]
    lines = [
        f"One {WIDTH}x{HEIGHT} JPEG ({len(data) / 1_048_576:.1f} MB), median of {RUNS} runs, "
        "each in a fresh process. Peak memory is the process's max RSS (Python, Pillow's C "
        "buffers and the imports: compare with the first row).",
        "",
        "| step | time | ratio to decode | peak memory |",
        "|---|---:|---:|---:|",
    ]
    for step, (seconds, peak) in results.items():
        ratio = "-" if STEPS[step] is nothing else f"{seconds / baseline:.2f}"
        lines.append(f"| {step} | {seconds * 1000:.0f} ms | {ratio} | {peak:.0f} MiB |")
    body = "\n".join(lines)
    print(body)
    write_section("images", "Photo processing (12 MP JPEG)", body)


if __name__ == "__main__":
    main()
