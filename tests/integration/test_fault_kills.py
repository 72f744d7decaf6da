"""The kill -9 loop of `make check-faults` (check/faults.py), small: two kills of each process —
the web server under writes, the worker, an import, a reindex, the daily rematch — on the suite's
database engine (SQLite, or PostgreSQL when the suite runs there). Nothing committed may be lost,
no import may be half visible, and `search check` must be clean once the worker has caught up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.database import POSTGRES_URL

SCRIPT = Path(__file__).resolve().parents[2] / "check" / "faults.py"


def test_two_kills_of_each_process_lose_nothing(tmp_path):
    database = ["--no-sqlite", "--postgres", POSTGRES_URL] if POSTGRES_URL else []
    result = subprocess.run([sys.executable, str(SCRIPT), "--kills", "2", "--rows", "150", "--base-rows", "200",  # noqa: S603
                             *database], capture_output=True, text=True, timeout=3600, cwd=tmp_path)
    engine = "postgresql" if POSTGRES_URL else "sqlite"
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"10 kills on {engine}, 0 lost, 0 half-imports, search check clean" in result.stdout, result.stdout
