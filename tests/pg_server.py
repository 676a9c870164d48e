"""A throwaway PostgreSQL server for the tests and benchmarks: a new cluster in a temporary folder,
listening on 127.0.0.1 on a free port, removed when stopped.

    with throwaway_server() as server:          # raises PgUnavailable (with the reason) if it cannot start
        url = server.create_database("kb_1")    # postgresql://crosswire@127.0.0.1:PORT/kb_1

The server binaries (initdb, pg_ctl) are looked up on PATH, then in Debian's /usr/lib/postgresql/*/bin.
initdb refuses to run as root, so as root the cluster is made and run by the ``postgres`` user (Debian's
package creates it) through ``runuser``. The cluster trusts local connections and runs without fsync:
it holds test data only.

A server does not outlive the process that started it: it is stopped when the ``with`` block ends, when
the process exits (atexit), and on SIGTERM or SIGHUP (then the process dies of the signal as before). A
process killed outright (SIGKILL) cannot stop it: its folder keeps the starter's pid (``owner.pid``), and
the next server started on this machine stops and removes every server whose starter is gone.
"""
from __future__ import annotations

import atexit
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

USER = "crosswire"
PREFIX = "crosswire-pg-"  # the folders of the servers, in the temporary directory
OWNER = "owner.pid"  # in a server's folder: the pid of the process that started it


class PgUnavailable(RuntimeError):
    """Why no PostgreSQL server could be started here."""


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    folder: Path
    port: int
    run_as: list[str]

    @property
    def admin_url(self) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stop(folder: Path, run_as: list[str], pg_ctl: str) -> None:
    """Stop the server of ``folder`` (if it runs) and remove the folder."""
    if (folder / "data" / "postmaster.pid").exists():
        subprocess.run([*run_as, pg_ctl, "-D", str(folder / "data"), "-m", "immediate", "-w", "stop"],
                       capture_output=True, timeout=60)
    shutil.rmtree(folder, ignore_errors=True)


def reap_orphans(run_as: list[str], pg_ctl: str) -> list[Path]:
    """Stop and remove the servers whose starting process is gone (killed outright); the folders removed.
    A folder without ``owner.pid`` (being set up, or made by an older version) is left alone."""
    reaped = []
    for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
        try:
            owner = int((folder / OWNER).read_text().strip())
        except (OSError, ValueError):
            continue
        if owner != os.getpid() and not _alive(owner):
            _stop(folder, run_as, pg_ctl)
            reaped.append(folder)
    return reaped


_running: dict[Path, tuple[list[str], str]] = {}  # this process's servers: folder -> (run_as, pg_ctl)


def _stop_all() -> None:
    for folder, (run_as, pg_ctl) in list(_running.items()):
        _stop(folder, run_as, pg_ctl)
        _running.pop(folder, None)


def _on_signal(signum: int, _frame: object) -> None:
    """SIGTERM / SIGHUP: stop this process's servers, then die of the signal as without the handler."""
    _stop_all()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _stop_on_exit() -> None:
    """Once per process: the servers are stopped at exit and on SIGTERM / SIGHUP (where the default
    handler is set, in the main thread)."""
    if getattr(_stop_on_exit, "done", False):
        return
    _stop_on_exit.done = True  # type: ignore[attr-defined]
    atexit.register(_stop_all)
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(sig) == signal.SIG_DFL:
                signal.signal(sig, _on_signal)


def _run(cmd: list[str], what: str) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise PgUnavailable(f"{what} failed ({proc.returncode}): {(proc.stderr or proc.stdout).strip()[-500:]}")


@contextmanager
def throwaway_server(durable: bool = False) -> Iterator[Server]:
    """``durable``: the server's default fsync and full-page writes (for benchmarks); else test settings."""
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not initdb or not pg_ctl:
        raise PgUnavailable("PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or in "
                            "/usr/lib/postgresql/*/bin; install Debian's `postgresql` package (.ci/install-system-deps.sh)")
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise PgUnavailable("psycopg is not installed (pip install -e '.[postgres]')") from exc
    run_as: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root: the cluster belongs to the postgres user
        runuser = shutil.which("runuser")
        try:
            import pwd

            pw = pwd.getpwnam("postgres")
        except KeyError as exc:
            raise PgUnavailable("running as root and there is no `postgres` user to run the server as") from exc
        if not runuser:
            raise PgUnavailable("running as root and `runuser` is missing (needed to run initdb as postgres)")
        run_as = [runuser, "-u", "postgres", "--"]
    reap_orphans(run_as, pg_ctl)
    folder = Path(tempfile.mkdtemp(prefix=PREFIX))
    (folder / OWNER).write_text(str(os.getpid()))
    data = folder / "data"
    if run_as:
        os.chmod(folder, 0o755)
        os.chown(folder, pw.pw_uid, pw.pw_gid)
    port = _free_port()
    _stop_on_exit()
    _running[folder] = (run_as, pg_ctl)
    try:
        _run([*run_as, initdb, "-D", str(data), "-U", USER, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
             "initdb")
        opts = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200"
        if not durable:
            opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        _run([*run_as, pg_ctl, "-D", str(data), "-l", str(folder / "server.log"), "-o", opts, "-w", "-t", "60",
              "start"], "pg_ctl start")
        yield Server(folder, port, run_as)
    finally:
        _running.pop(folder, None)
        _stop(folder, run_as, pg_ctl)


if __name__ == "__main__":  # start one by hand: prints its URL and waits
    import sys
    import time

    with throwaway_server() as srv:
        print(srv.create_database(sys.argv[1] if len(sys.argv) > 1 else "crosswire"), flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
