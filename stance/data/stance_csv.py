"""The official FNC-1 CSV formats (``Body ID,articleBody`` and ``Headline,Body ID[,Stance]``), also used
by ARC: one validated reader for NLI training, ``stance fnc`` and the benchmarks."""
from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from stance.errors import StanceError
from stance.iohelpers import atomic_write_text

FNC_LABELS = ("agree", "disagree", "discuss", "unrelated")
RELATED_LABELS = frozenset(("agree", "disagree", "discuss"))

csv.field_size_limit(10**8)


@dataclass(frozen=True)
class StanceExample:
    headline: str
    body_id: str
    stance: str | None


@dataclass(frozen=True)
class FNCData:
    bodies: dict[str, str]            # Body ID -> articleBody
    stances: list[StanceExample]      # one per headline-body pair, in file order
    labelled: bool                    # the stances file has a Stance column

    @property
    def gold(self) -> list[str]:
        return [s.stance for s in self.stances]


def _read_csv(path: Path, required: tuple[str, ...], kind: str, fix: str) -> tuple[list[str], list[dict]]:
    if not path.exists():
        raise StanceError(f"{path}: {kind} file not found; {fix}")
    if path.is_dir():
        raise StanceError(f"{path}: is a folder, not a {kind} CSV file; {fix}")
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip() for h in (reader.fieldnames or [])]
            missing = [c for c in required if c not in header]
            if missing:
                found = ", ".join(header) or "none"
                raise StanceError(f"{path}: missing column(s) {', '.join(missing)} (found: {found}); "
                                  f"the {kind} CSV needs the header {','.join(required)}")
            rows = [{(k or "").strip(): v for k, v in r.items()} for r in reader]
    except UnicodeDecodeError:
        raise StanceError(f"{path}: not UTF-8 text; re-save the {kind} CSV as UTF-8") from None
    except csv.Error as exc:
        raise StanceError(f"{path}: malformed CSV ({exc}); fix the quoting of the {kind} file") from None
    return header, rows


def read_fnc_csvs(bodies_csv: str | Path, stances_csv: str | Path) -> FNCData:
    """Read ``Body ID,articleBody`` and ``Headline,Body ID[,Stance]`` (the official FNC-1 formats)."""
    bodies_csv, stances_csv = Path(bodies_csv), Path(stances_csv)
    _, body_rows = _read_csv(bodies_csv, ("Body ID", "articleBody"), "bodies",
                             "pass --bodies the FNC-1 bodies CSV (columns Body ID,articleBody)")
    bodies = {(r.get("Body ID") or "").strip(): r.get("articleBody") or "" for r in body_rows}
    header, stance_rows = _read_csv(stances_csv, ("Headline", "Body ID"), "stances",
                                    "pass --stances the FNC-1 stances CSV (columns Headline,Body ID[,Stance])")
    labelled = "Stance" in header
    stances = []
    for line, r in enumerate(stance_rows, start=2):
        body_id = (r.get("Body ID") or "").strip()
        if body_id not in bodies:
            raise StanceError(f"{stances_csv}: line {line}: Body ID '{body_id}' is not in {bodies_csv}; "
                              f"pass the bodies file that belongs to these stances")
        stance = None
        if labelled:
            stance = (r.get("Stance") or "").strip().lower()
            if stance not in FNC_LABELS:
                raise StanceError(f"{stances_csv}: line {line}: Stance '{r.get('Stance')}' is not one of "
                                  f"{', '.join(FNC_LABELS)}; fix the label or drop the Stance column")
        stances.append(StanceExample(r.get("Headline") or "", body_id, stance))
    if not stances:
        raise StanceError(f"{stances_csv}: no headline-body rows; pass a non-empty stances CSV")
    return FNCData(bodies, stances, labelled)


def write_fnc_csvs(data: FNCData, bodies_csv: Path, stances_csv: Path,
                   predictions: Sequence[str] | None = None) -> None:
    """Write the official formats (``predictions`` replaces the Stance column when given)."""
    used = sorted({s.body_id for s in data.stances}, key=lambda b: (len(b), b))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["Body ID", "articleBody"])
    w.writerows([b, data.bodies[b]] for b in used)
    atomic_write_text(bodies_csv, buf.getvalue())
    write_predictions_csv(data.stances, predictions or data.gold, stances_csv)


def write_predictions_csv(stances: Sequence[StanceExample], labels: Sequence[str], path: Path) -> None:
    """Official submission format: ``Headline,Body ID,Stance``."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["Headline", "Body ID", "Stance"])
    w.writerows([s.headline, s.body_id, lab] for s, lab in zip(stances, labels))
    atomic_write_text(path, buf.getvalue())


def split_by_body(stances: list[StanceExample], dev_fraction: float, seed: int) -> tuple[list, list]:
    """Body-disjoint split: every headline of a body lands on the same side."""
    body_ids = sorted({s.body_id for s in stances}, key=lambda b: (len(b), b))
    rng = random.Random(seed)
    rng.shuffle(body_ids)
    n_dev = max(1, int(len(body_ids) * dev_fraction))
    dev_bodies = set(body_ids[:n_dev])
    train = [s for s in stances if s.body_id not in dev_bodies]
    dev = [s for s in stances if s.body_id in dev_bodies]
    return train, dev
