from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from crosswire import Crosswire

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "kb.db")


@pytest.fixture
def engine(db: str) -> Crosswire:
    cw = Crosswire(db=db)
    yield cw
    cw.close()


@pytest.fixture
def run_cli(db: str):
    """Run the CLI in process against a temporary knowledge base; returns the click Result."""
    from crosswire.cli import cli

    def run(*args: str):
        return CliRunner().invoke(cli, ["--db", db, *args], obj={}, catch_exceptions=False)

    return run
