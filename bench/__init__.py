"""Benchmarks: each `bench_*.py` prints its numbers and writes its section of docs/performance.md."""
