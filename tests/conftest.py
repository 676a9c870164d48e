from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from crosswire import Crosswire

FIXTURES = Path(__file__).parent / "fixtures"
sys.path.insert(0, str(Path(__file__).parent))  # tests/pg_server.py


# The suite runs on SQLite; with CROSSWIRE_TEST_DB=postgresql every test's knowledge base (the `db` fixture)
# is a new database on a throwaway PostgreSQL server, and tests marked sqlite_only are skipped.
# CROSSWIRE_TEST_PG=postgresql://user@host:port/postgres uses that server instead of starting one.
ON_POSTGRES = os.environ.get("CROSSWIRE_TEST_DB", "sqlite").lower().startswith("postgres")
_names = itertools.count(1)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not ON_POSTGRES:
        return
    skip = pytest.mark.skip(reason="looks at the SQLite file itself (CROSSWIRE_TEST_DB=postgresql)")
    for item in items:
        if "sqlite_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Any]:
    """A PostgreSQL server on 127.0.0.1 for the session (skipped, with the reason, where none can start)."""
    from pg_server import PgUnavailable, Server, throwaway_server

    given = os.environ.get("CROSSWIRE_TEST_PG")
    if given:
        from urllib.parse import urlsplit

        parts = urlsplit(given)

        class Given(Server):
            def url(self, database: str) -> str:
                return given.rsplit("/", 1)[0] + "/" + database

            @property
            def admin_url(self) -> str:
                return given

        yield Given(Path("."), parts.port or 5432, [])
        return
    try:
        with throwaway_server() as server:
            yield server
    except PgUnavailable as exc:
        if ON_POSTGRES:
            pytest.exit(f"CROSSWIRE_TEST_DB=postgresql but no server: {exc}", returncode=3)
        pytest.skip(f"no PostgreSQL server: {exc}")


@pytest.fixture
def pg_url(pg_server: Any) -> Iterator[str]:
    """A new, empty database on the session's server."""
    name = f"kb_{os.getpid()}_{next(_names)}"
    url = pg_server.create_database(name)
    yield url
    pg_server.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A knowledge base location on each backend: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "kb.db")
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def another_db(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """A function giving one more empty knowledge base location per call, on the suite's backend."""
    made: list[str] = []
    files: list[str] = []

    def make() -> str:
        if not ON_POSTGRES:  # a new file each call (the same name each time gave a full knowledge base again)
            files.append(str(tmp_path / f"kb{len(files) + 2}.db"))
            return files[-1]
        server = request.getfixturevalue("pg_server")
        name = f"kb_{os.getpid()}_{next(_names)}"
        made.append(name)
        return str(server.create_database(name))

    yield make
    if made:
        server = request.getfixturevalue("pg_server")
        for name in made:
            server.drop_database(name)


@pytest.fixture
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if ON_POSTGRES:
        return str(request.getfixturevalue("pg_url"))
    return str(tmp_path / "kb.db")


@pytest.fixture
def engine(db: str) -> Crosswire:
    cw = Crosswire(db=db)
    yield cw
    cw.close()


@pytest.fixture(scope="module")
def cw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crosswire]:
    """One engine for a module's extraction tests (a module may define its own ``cw`` instead)."""
    engine = Crosswire(db=str(tmp_path_factory.mktemp("cw") / "kb.db"))
    yield engine
    engine.close()


@pytest.fixture
def run_cli(db: str):
    """Run the CLI in process against a temporary knowledge base; returns the click Result."""
    from crosswire.cli import cli

    def run(*args: str):
        return CliRunner().invoke(cli, ["--db", db, *args], obj={}, catch_exceptions=False)

    return run
