"""Readers for the labelled sets under ``../shared/data`` (NLI, stance CSVs, PolNeAR).

The data is never committed; :func:`data_path` names the missing file and how to provide it.
"""
from __future__ import annotations

from pathlib import Path

from stance.config import PROJECT_ROOT
from stance.errors import DataMissingError

DEFAULT_DATA_DIR = PROJECT_ROOT.parent / "shared" / "data"


def data_path(data_dir: Path | str | None, *parts: str) -> Path:
    root = Path(data_dir) if data_dir else DEFAULT_DATA_DIR
    path = root.joinpath(*parts)
    if not path.exists():
        raise DataMissingError(
            f"{path}: training/evaluation data not found; put the shared data folder at "
            f"../shared/data beside the project or pass --data-dir"
        )
    return path
