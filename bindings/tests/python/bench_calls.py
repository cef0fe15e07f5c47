"""Median cost of one cached search through the Python bindings (run by
scripts/bindings-bench.sh; not a test: pytest collects only test_*.py)."""

import os
import sys
import tempfile
import time

sys.path.insert(0, os.environ["MYCITY_FFI_DIR"])
import mycity_ffi  # noqa: E402

with tempfile.TemporaryDirectory() as d:
    core = mycity_ffi.MyCity.open(d, None)
    core.set_city("da-nang")
    for _ in range(2_000):
        core.search_places("cau rong", 5)
    times = []
    for _ in range(20_000):
        t = time.perf_counter_ns()
        core.search_places("cau rong", 5)
        times.append(time.perf_counter_ns() - t)
    times.sort()
    print(f"python search_places median_ns={times[len(times) // 2]}")
