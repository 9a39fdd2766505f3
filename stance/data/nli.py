"""Loaders for the labelled NLI, stance and claim sets under ``../shared/data``.

Every loader maps its source's labels *honestly* onto ``entailment`` / ``neutral`` /
``contradiction``.  Two-way ``not_entailment`` labels stay ``not_entailment``: training
treats them as "neutral or contradiction" (see :mod:`stance.training.nli`), never as contradiction.
"""
from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from stance.labels import canonical_label
from stance.data import DEFAULT_DATA_DIR, data_path  # noqa: F401  (re-exported for loaders' callers)

LABELS = ("entailment", "neutral", "contradiction")
NOT_ENTAILMENT = "not_entailment"

csv.field_size_limit(10**8)


@dataclass(frozen=True)
class NLIExample:
    premise: str
    hypothesis: str
    label: str  # one of LABELS or NOT_ENTAILMENT
    source: str


def norm_label(raw: str) -> str | None:
    return canonical_label(raw)


def _clean(s: str | None) -> str:
    return " ".join((s or "").split())


def _mk(p, h, lab, src) -> NLIExample | None:
    p, h = _clean(p), _clean(h)
    lab = norm_label(lab) if lab is not None else None
    if not p or not h or lab is None:
        return None
    return NLIExample(p, h, lab, src)


def _jsonl(path: Path) -> Iterator[dict]:
    """JSONL rows through ``datasets`` (Arrow-backed, cached under ~/.cache/huggingface/datasets)."""
    import datasets

    datasets.disable_progress_bars()
    datasets.logging.set_verbosity_error()
    yield from datasets.load_dataset("json", data_files=str(path), split="train")


def _tsv(path: Path) -> Iterator[dict]:
    """TSV rows with the csv module: some files here have ragged rows (a stray tab in a sentence) and
    unbalanced quotes, which ``datasets``' pandas-based CSV reader rejects; DictReader keeps the row."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        yield from csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)


def _keep(items: Iterable[NLIExample | None]) -> list[NLIExample]:
    return [x for x in items if x is not None]


# --- individual sources ---------------------------------------------------------------

def load_snli(path: Path) -> list[NLIExample]:
    return _keep(_mk(r["sentence1"], r["sentence2"], r["gold_label"], "snli")
                 for r in _jsonl(path) if r.get("gold_label") != "-")


def load_sick(path: Path, split: str | None = None) -> list[NLIExample]:
    """SICK tsv; ``split`` is TRAIN or TRIAL (column ``SemEval_set``)."""
    rows = _tsv(path)
    return _keep(_mk(r["sentence_A"], r["sentence_B"], r["entailment_label"], "sick")
                 for r in rows if split is None or r.get("SemEval_set", "").upper() == split.upper())


def load_xnli(path: Path) -> list[NLIExample]:
    names = {"0": "entailment", "1": "neutral", "2": "contradiction"}
    return _keep(_mk(r["premise"], r["hypothesis"], names.get(r["label"].strip(), r["label"]), "xnli")
                 for r in _tsv(path))


def load_rte(path: Path) -> list[NLIExample]:
    """GLUE RTE: 2-way, ``not_entailment`` is kept as such."""
    return _keep(_mk(r["sentence1"], r["sentence2"], r["label"], "rte") for r in _tsv(path))


def load_rte3(path: Path) -> list[NLIExample]:
    return _keep(_mk(r["premise"], r["hypothesis"], r["label"], "rte3") for r in _jsonl(path))


def load_mnli_jsonl(path: Path, source: str) -> list[NLIExample]:
    return _keep(_mk(r["premise"], r["hypothesis"], r["label"], source) for r in _jsonl(path))


def load_protocols_tsv(path: Path, source: str) -> list[NLIExample]:
    return _keep(_mk(r["sentence1"], r["sentence2"], r["gold_label"], source) for r in _tsv(path))


def load_taxinli_mismatched(path: Path) -> list[NLIExample]:
    matched = {"fiction", "government", "slate", "telephone", "travel"}
    return _keep(_mk(r["prem"], r["hyp"], r["label"], "taxinli")
                 for r in _tsv(path) if r.get("genre") not in matched)


def load_healthver(path: Path) -> list[NLIExample]:
    with open(path, encoding="utf-8", newline="") as fh:
        return _keep(_mk(r["evidence"], r["claim"], r["label"], "healthver") for r in csv.DictReader(fh))


def load_climate_fever(path: Path) -> list[NLIExample]:
    out = []
    for r in _jsonl(path):
        for ev in r.get("evidences", []):
            out.append(_mk(ev.get("evidence"), r.get("claim"), ev.get("evidence_label"), "climate_fever"))
    return _keep(out)


def load_conjnli(path: Path) -> list[NLIExample]:
    return _keep(_mk(r["Premise"], r["Hypothesis"], r["Label"], "conjnli") for r in _tsv(path))


def load_wanli(path: Path) -> list[NLIExample]:
    return _keep(_mk(r["premise"], r["hypothesis"], r.get("gold") or r.get("label"), "wanli") for r in _jsonl(path))


def load_anli(path: Path) -> list[NLIExample]:
    return _keep(_mk(r.get("context") or r.get("premise"), r["hypothesis"], r["label"], "anli")
                 for r in _jsonl(path))


def split_holdout(items: list, n_dev: int, seed: int) -> tuple[list, list]:
    """Deterministic shuffle, then the first ``n_dev`` items are the held-back dev part."""
    idx = list(range(len(items)))
    random.Random(seed).shuffle(idx)
    dev = [items[i] for i in idx[:n_dev]]
    train = [items[i] for i in idx[n_dev:]]
    return train, dev
