"""Text from stored reports made safe to print on a terminal.

    click.echo(safe(title))           # C0/C1 control characters (ESC, CSI, BEL, ...) removed
    rows = safe_data(rows)            # the same, for every string in a JSON-like structure
    click.echo(dumps(data))           # JSON whose strings cannot carry a C1 control either

A report title holding ``ESC ]52;...`` or ``ESC [2J`` would otherwise reach the terminal through
``crosswire show``/``docs`` and be obeyed (set the clipboard, clear the screen, rewrite the title bar).
Kept: newline and tab. Removed: U+0000-U+001F except those two, U+007F and U+0080-U+009F (the C1 set,
which some terminals read as 8-bit escapes): the control functions of ECMA-48, which is what terminals
obey.
Stored data is never changed: this is for printing only.
"""
from __future__ import annotations

import json
import re
from typing import Any

CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_C1 = re.compile("[\x7f-\x9f]")


def safe(text: str) -> str:
    """``text`` without control characters other than newline and tab."""
    return CONTROLS.sub("", text)


def safe_data(data: Any) -> Any:
    """A copy of ``data`` (dicts, lists, tuples, strings, other scalars) with every string made safe."""
    if isinstance(data, str):
        return safe(data)
    if isinstance(data, dict):
        return {k: safe_data(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [safe_data(v) for v in data]
    return data


def dumps(data: Any, indent: int | None = 1) -> str:
    """JSON for the terminal: C0 controls are escaped by json itself, C1 controls are escaped too."""
    text = json.dumps(data, ensure_ascii=False, indent=indent, default=str)
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
