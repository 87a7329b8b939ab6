"""The alerts benchmark runs end to end at tiny sizes (the real run is not a test)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import BASE_DIR, child_env


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_benchmark_script_runs_and_prints_its_table():
    result = subprocess.run(
        [sys.executable, "benchmarks/alerts.py", "--smoke", "--concurrency", "1"],
        cwd=BASE_DIR,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    assert "(a) match 1 posting vs 300 alerts" in out
    assert "SQL and FilterSet agree on the sample" in out and "40/40" in out
    assert "(b) daily digest: 20 new postings × 300 alerts" in out
    assert "(c) send 40 emails" in out
    assert "40 / 40 / 40" in out  # received, distinct recipients, rows marked sent
