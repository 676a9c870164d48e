"""Docs checked by tests: every CLI command and every setting is in the README; the API is locked."""
from __future__ import annotations

from pathlib import Path

import click

import crosswire
from crosswire.cli import cli
from crosswire.settings import SETTINGS

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    out = []
    for name, cmd in group.commands.items():
        out.append(f"{prefix}{name}")
        if isinstance(cmd, click.Group):
            out += _commands(cmd, f"{prefix}{name} ")
    return out


def test_every_command_is_documented_in_the_readme() -> None:
    missing = [c for c in _commands(cli) if f"crosswire {c}" not in README]
    assert not missing, f"README lacks: {missing}"


def test_every_command_has_help() -> None:
    for name in _commands(cli):
        cmd = cli
        for part in name.split():
            cmd = cmd.commands[part]  # type: ignore[attr-defined]
        assert cmd.help, f"{name} has no --help text"


def test_every_setting_is_documented() -> None:
    for s in SETTINGS:
        assert f"`{s.name}`" in README and s.env in README, s.name


def test_public_api_is_locked() -> None:
    assert sorted(crosswire.__all__) == [
        "BadFormat", "BinaryInput", "Claim", "Crosswire", "CrosswireError", "Document", "EmptyInput", "Entity",
        "IngestReport", "InputError", "Mention", "NotFound", "Quantity", "Quote", "Rejection", "RemovedLine",
        "Segment", "SettingsError", "StoreError", "TimeRef", "TooLarge"]
    for name in crosswire.__all__:
        assert hasattr(crosswire, name)
