"""CI runs mypy over the whole package with the settings of pyproject.toml ([tool.mypy])."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_package_is_mypy_clean_with_untyped_defs_disallowed() -> None:
    import importlib.util

    assert importlib.util.find_spec("mypy") is not None, "mypy is missing: pip install -e '.[dev]' (pins mypy)"
    cache = ROOT / ".mypy_cache"
    proc = subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
                           "--cache-dir", str(cache)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"mypy found errors:\n{proc.stdout}{proc.stderr}"
    assert "Success" in proc.stdout, proc.stdout


def test_mypy_settings_cover_the_package_strictly() -> None:
    import tomllib

    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert conf["files"] == ["crosswire"] and conf["disallow_untyped_defs"] is True
    dev = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]["dev"]
    assert any(d.startswith("mypy==") for d in dev), "mypy must be pinned in the dev extra"
