"""Under load and through a crash, every acknowledged write is stored exactly once.

Runs tools/load_check.py (gunicorn on loopback, 50 participants × 20 actions) on SQLite, on
SQLite with a SIGKILL in the middle, and on PostgreSQL when TEST_DATABASE_URL is set.
"""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


def free_port() -> int:
    """A port no one listens on now: tests run beside other servers, never on a fixed port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_check(*args: str) -> str:
    result = subprocess.run([sys.executable, str(ROOT / "tools/load_check.py"), *args,
                             "--port", str(free_port())],
                            capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "responses: {303:" in result.stdout
    return result.stdout


def test_concurrent_participants_on_sqlite():
    print(run_check())


def test_crash_in_the_middle_loses_nothing_acknowledged():
    output = run_check("--crash")
    assert "killed with SIGKILL" in output


@pytest.mark.postgres
def test_concurrent_participants_on_postgresql():
    if not POSTGRES_URL:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("TEST_DATABASE_URL is required in this run")
        pytest.skip("set TEST_DATABASE_URL to run the load check on PostgreSQL")
    print(run_check("--database-url", POSTGRES_URL))
