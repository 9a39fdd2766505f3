"""Claim pairs the project labelled on FNC-1 *train* articles (``data/*.jsonl``), rebuilt from references.

The label files hold no FNC-1 text: each side of a pair is ``[body_id, start, end]`` into
``fnc1/train_bodies.csv`` or ``["headline", sha1, start, end]`` into a training headline.  This module
turns them back into text from ``../shared/data/fnc1`` (and says so when that is absent).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from stance.errors import StanceError

PROJECT = Path(__file__).resolve().parents[2]
LABELLED = PROJECT / "data" / "fnc_claim_pairs.jsonl"        # tuning and check pairs (tune / check halves)
TRAINING = PROJECT / "data" / "fnc_news_train.jsonl"         # training pairs, from stories disjoint from those


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def load_fnc(fnc_dir: str | Path):
    from stance.data.stance_csv import read_fnc_csvs

    fnc_dir = Path(fnc_dir)
    if not (fnc_dir / "train_bodies.csv").exists():
        raise StanceError(f"{fnc_dir}: FNC-1 not found; the labelled claim pairs are rebuilt from ../shared/data/fnc1 "
                          f"(train_bodies.csv, train_stances.csv); pass its folder")
    return read_fnc_csvs(fnc_dir / "train_bodies.csv", fnc_dir / "train_stances.csv")


def materialise(labels: str | Path, fnc_dir: str | Path, split: str = "all", data=None) -> list[dict]:
    """The labelled pairs of ``labels`` (one ``split`` or all) with their premise and hypothesis text."""
    data = data or load_fnc(fnc_dir)
    heads = {sha1(s.headline): s.headline for s in data.stances}
    rows = []
    for n, line in enumerate(Path(labels).read_text(encoding="utf-8").splitlines(), 1):
        r = json.loads(line)
        if split != "all" and r["split"] != split:
            continue
        texts = []
        for ref in (r["premise_ref"], r["hypothesis_ref"]):
            try:
                texts.append(heads[ref[1]][ref[2]:ref[3]] if ref[0] == "headline"
                             else data.bodies[str(ref[0])][ref[1]:ref[2]])
            except (KeyError, IndexError) as e:
                raise StanceError(f"{labels}:{n}: reference {ref} is not in {fnc_dir} ({e}); is it FNC-1 train?") from e
        rows.append({"id": r["id"], "premise": texts[0], "hypothesis": texts[1], "label": r["label"],
                     "premise_doc": r["premise_doc"], "hypothesis_doc": r["hypothesis_doc"], "kind": r["kind"],
                     "split": r["split"]})
    return rows
