"""A small load generator: `wrk` when it is installed, else threads of `http.client`.

Both report requests per second and latency percentiles over a fixed time. The Python client
is slower than wrk and shares the CPUs with the server, so it caps the fastest routes first:
ratios to a fast baseline then understate the gap rather than hide it.
"""

from __future__ import annotations

import http.client
import re
import shutil
import subprocess
import threading
import time
import urllib.request
from urllib.parse import urlsplit

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def measure(url: str, *, seconds: float, connections: int) -> dict[str, float]:
    """rps, p50, p90, p99 (ms) and the count of non-2xx answers for `url`."""
    with urllib.request.urlopen(url, timeout=60) as response:  # warm-up, and a check
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}")
        response.read()
    if shutil.which("wrk"):
        return _wrk(url, seconds, connections)
    return _threads(url, seconds, connections)


def _wrk(url: str, seconds: float, connections: int) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{int(seconds)}s", "--latency",
         "--timeout", "10s", url],
        capture_output=True, text=True, check=True, timeout=seconds + 60,
    ).stdout  # fmt: skip
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for pct in ("50", "90", "99"):
        value, unit = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        result[f"p{pct}"] = float(value) * UNITS[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["errors"] = float(errors.group(1)) if errors else 0.0
    return result


def _threads(url: str, seconds: float, connections: int) -> dict[str, float]:
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    deadline = time.perf_counter() + seconds

    def worker(slot: int) -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            try:
                connection.request("GET", target)
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    errors[slot] += 1
            except OSError:
                errors[slot] += 1
            finally:
                connection.close()
            latencies[slot].append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    every = sorted(ms for slot in latencies for ms in slot)
    if not every:
        raise RuntimeError(f"{url}: no request finished in {seconds} s")

    def pct(p: float) -> float:
        return every[min(len(every) - 1, int(len(every) * p))]

    return {"rps": len(every) / elapsed, "p50": pct(0.50), "p90": pct(0.90),
            "p99": pct(0.99), "errors": float(sum(errors))}  # fmt: skip
