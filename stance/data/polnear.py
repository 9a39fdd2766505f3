"""PolNeAR (Political News Attribution Relations): reader, BIO tags and token-level scoring.

The corpus lives in ``../shared/data/attribution/polnear/{train,dev}`` (never committed): one
``text/NAME.txt`` per article and one or more ``attributions/NAME_ANNOTATOR.ann`` brat files.
Articles annotated twice use the first ``.ann`` in sorted order.  Each attribution relation ties a
Source (optional), a Cue and a Content span; spans may be discontinuous.

Scoring is token level: a token is a ``\\w+`` run or a single punctuation character; a gold token
belongs to a role when it lies inside one of that role's spans.  Precision, recall and F1 are
micro-averaged over all tokens of all dev articles, one figure per role.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from stance.data import DEFAULT_DATA_DIR
from stance.errors import StanceError

ROLES = ("Source", "Cue", "Content")
DEFAULT_DIR = DEFAULT_DATA_DIR / "attribution" / "polnear"
_TOKEN = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class Relation:
    source: tuple[tuple[int, int], ...]   # segments; empty for Attribution-no-source
    cue: tuple[tuple[int, int], ...]
    content: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Article:
    name: str
    text: str
    relations: tuple[Relation, ...]

    def role_spans(self, role: str) -> list[tuple[int, int]]:
        attr = {"Source": "source", "Cue": "cue", "Content": "content"}[role]
        return [seg for r in self.relations for seg in getattr(r, attr)]


def polnear_dir(path: str | Path | None = None) -> Path:
    p = Path(path) if path else DEFAULT_DIR
    if not (p / "train").is_dir() and not (p / "dev").is_dir():
        raise StanceError(f"{p}: PolNeAR not found; it is read from ../shared/data/attribution/polnear "
                          f"(pass --polnear DIR)")
    return p


def _segments(spec: str) -> tuple[tuple[int, int], ...]:
    out = []
    for part in spec.split(";"):
        a, b = part.split()
        out.append((int(a), int(b)))
    return tuple(out)


def parse_ann(ann: str) -> tuple[Relation, ...]:
    spans: dict[str, tuple[str, tuple[tuple[int, int], ...]]] = {}
    events: list[str] = []
    for line in ann.splitlines():
        if re.match(r"T\d+\t", line):  # a span's text may run over several lines: skip the rest
            tid, rest = line.split("\t", 1)
            head = rest.split("\t", 1)[0]
            role, _, seg = head.partition(" ")
            spans[tid] = (role, _segments(seg))
        elif re.match(r"E\d+\t", line):
            events.append(line.split("\t", 1)[1])
    rels = []
    for ev in events:
        parts = dict(p.split(":", 1) for p in ev.split() if ":" in p)
        kind = ev.split(":", 1)[0]
        if kind not in ("Attribution", "Attribution-no-source") or "Content" not in parts or "Cue" not in parts:
            continue  # Discuss / Discard: spans the annotators set aside
        get = lambda k: spans[parts[k]][1] if k in parts and parts[k] in spans else ()  # noqa: E731
        rels.append(Relation(get("Source"), get("Cue"), get("Content")))
    return tuple(rels)


def load_split(split: str, path: str | Path | None = None, limit: int | None = None) -> list[Article]:
    root = polnear_dir(path) / split
    if not root.is_dir():
        raise StanceError(f"{root}: PolNeAR split '{split}' not found; expected train/ or dev/")
    anns: dict[str, Path] = {}
    for f in sorted((root / "attributions").glob("*.ann")):
        name = f.stem.rsplit("_", 1)[0]
        anns.setdefault(name, f)  # first annotator in sorted order
    out = []
    for name, f in sorted(anns.items()):
        txt = root / "text" / f"{name}.txt"
        if not txt.exists():
            continue
        out.append(Article(name, txt.read_text(encoding="utf-8"), parse_ann(f.read_text(encoding="utf-8"))))
        if limit and len(out) >= limit:
            break
    return out


def char_spans(text: str, relations) -> tuple[list[str | None], list[int]]:
    """Role and span number of every character (None / -1 outside any attribution); an earlier
    relation's span is never overwritten by a later one."""
    roles: list[str | None] = [None] * len(text)
    ids = [-1] * len(text)
    k = 0
    for r in relations:
        for role, segs in (("Source", r.source), ("Cue", r.cue), ("Content", r.content)):
            for a, b in segs:
                k += 1
                for i in range(max(0, a), min(len(text), b)):
                    if roles[i] is None:
                        roles[i], ids[i] = role, k
    return roles, ids


def char_roles(text: str, relations) -> list[str | None]:
    return char_spans(text, relations)[0]


def tokens(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _TOKEN.finditer(text)]


def token_roles(text: str, char_role: list[str | None]) -> list[str | None]:
    out = []
    for a, b in tokens(text):
        seen = [char_role[i] for i in range(a, b) if char_role[i]]
        out.append(max(set(seen), key=seen.count) if seen else None)
    return out


@dataclass(frozen=True)
class RoleScore:
    precision: float
    recall: float
    f1: float
    gold: int
    predicted: int


def score_roles(pairs: list[tuple[list[str | None], list[str | None]]]) -> dict[str, RoleScore]:
    """``pairs``: (gold token roles, predicted token roles) per article."""
    out = {}
    for role in ROLES:
        tp = fp = fn = 0
        for gold, pred in pairs:
            for g, p in zip(gold, pred):
                tp += g == role and p == role
                fp += g != role and p == role
                fn += g == role and p != role
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[role] = RoleScore(round(prec, 4), round(rec, 4), round(f1, 4), tp + fn, tp + fp)
    return out


def score_spans(articles: list[Article], spans_of) -> dict[str, RoleScore]:
    """Token-level scores of predicted ``(role, start, end)`` spans (``spans_of(text)``) against gold."""
    pairs = []
    for art in articles:
        pred: list[str | None] = [None] * len(art.text)
        for role, a, b in spans_of(art.text):
            for i in range(max(0, a), min(len(art.text), b)):
                if pred[i] is None:
                    pred[i] = role
        pairs.append((token_roles(art.text, char_roles(art.text, art.relations)), token_roles(art.text, pred)))
    return score_roles(pairs)
