"""What the read side accepts from a user, checked once for the CLI and the dashboard alike.

    check_date("2025-13", "--since")      # SettingsError: ... expected YYYY, YYYY-MM or YYYY-MM-DD ...
    check_measure("deaths")               # SettingsError listing the measures
    check_window(since, until)            # both dates, and since not after until

A mistyped filter must not look like "nothing found": each check raises
:class:`~crosswire.errors.SettingsError` (exit status 2 in the CLI, 400 from the dashboard) with
what was expected and the valid choices. The measures are those of ``data/claims.toml`` plus
``other`` (what a figure is when no measure fits).
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import TYPE_CHECKING

from .errors import SettingsError

if TYPE_CHECKING:
    from .extract.vocab import Vocab

DATE_FORMS = "YYYY, YYYY-MM or YYYY-MM-DD (for example 2025, 2025-01 or 2025-01-31)"
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def measures(v: Vocab | None = None) -> tuple[str, ...]:
    """Every measure a claim can have: those of the claims vocabulary ``v`` (an engine's
    ``resources.claims_vocab``, read from its --data folder; the bundled file's when None), then 'other'."""
    from .extract.vocab import vocab

    return (*(m.name for m in (v or vocab()).measures), "other")


def _suggest(value: str, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(value.casefold(), list(choices), n=2, cutoff=0.6)
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""


def check_measure(value: str | None, v: Vocab | None = None) -> str | None:
    """``value`` if it is a measure of ``v`` (see :func:`measures`; case ignored, returned in lower case);
    SettingsError listing them if not."""
    if value is None or value == "":
        return None
    wanted = value.strip().casefold()
    choices = measures(v)
    if wanted in choices:
        return wanted
    raise SettingsError(f"unknown measure {value!r}{_suggest(wanted, choices)}; the measures are: "
                        f"{', '.join(choices)}")


def check_date(value: str | None, what: str = "date") -> str | None:
    """``value`` if it is a calendar date at year, month or day precision; SettingsError saying the forms if not."""
    if value is None or value == "":
        return None
    text = value.strip()
    m = _DATE.fullmatch(text)
    ok = m is not None
    if m is not None:
        year, month, day = m.groups()
        try:
            dt.date(int(year), int(month or 1), int(day or 1))
        except ValueError:
            ok = False
    if not ok:
        raise SettingsError(f"cannot read {value!r} as {what}: expected {DATE_FORMS}")
    return text


def check_window(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """Both ends of a window checked, and ``since`` not after ``until`` (each at the other's precision)."""
    since, until = check_date(since, "--since"), check_date(until, "--until")
    if since and until and since[:len(until)] > until:
        raise SettingsError(f"--since {since} is after --until {until}: nothing can be in that window")
    return since, until
