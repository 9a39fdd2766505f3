"""YAML config loading with one-line errors."""
from __future__ import annotations

from pathlib import Path

import yaml

from .errors import StanceError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "configs" / "default.yaml"


def load_yaml(path: str | Path) -> dict:
    p = Path(path)
    if not p.exists():
        raise StanceError(f"{p}: config file not found; pass --config with an existing YAML file")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        where = getattr(exc, "problem_mark", None)
        loc = f" at line {where.line + 1}" if where else ""
        raise StanceError(f"{p}: malformed YAML{loc}; fix the syntax or restore it from git") from None
    if not isinstance(data, dict):
        raise StanceError(f"{p}: config must be a YAML mapping of keys to values; fix the file")
    return data
