"""The throwaway PostgreSQL server of the tests (tests/pg_server.py) does not outlive the process that
started it: stopped on SIGTERM, and reaped by the next start when that process was killed outright."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import pg_server

START = f"""
import sys, time
sys.path.insert(0, {str(Path(__file__).parent)!r})
from pg_server import throwaway_server
with throwaway_server() as srv:
    print(srv.folder, flush=True)
    time.sleep(600)
"""


def server_running(folder: Path) -> bool:
    pid_file = folder / "data" / "postmaster.pid"
    if not pid_file.exists():
        return False
    return pg_server._alive(int(pid_file.read_text().split()[0]))


def start_in_a_process() -> tuple[subprocess.Popen[str], Path]:
    if not pg_server._binary("initdb"):
        pytest.skip("no PostgreSQL server binaries")
    proc = subprocess.Popen([sys.executable, "-c", START], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line:
        pytest.skip(f"no server started: {proc.communicate(timeout=60)[1][-300:]}")
    folder = Path(line)
    assert server_running(folder)
    return proc, folder


def test_sigterm_stops_the_server_and_removes_its_folder() -> None:
    proc, folder = start_in_a_process()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == -signal.SIGTERM  # still dies of the signal
    assert not folder.exists() and not server_running(folder)


def test_a_server_whose_starter_was_killed_is_reaped_by_the_next_start() -> None:
    proc, folder = start_in_a_process()
    proc.kill()
    proc.wait(timeout=60)
    assert server_running(folder)  # nothing could stop it
    run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and folder not in pg_server.reap_orphans(run_as, pg_server._binary("pg_ctl") or ""):
        time.sleep(0.1)
    assert not folder.exists() and not server_running(folder)
