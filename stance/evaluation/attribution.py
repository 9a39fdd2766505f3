"""``stance eval --polnear``: token-level Source / Cue / Content scores on PolNeAR (dev by default).

Extractors:
  ``rules``:  the pipeline's claim extraction (sentences + ``stance.attribution``); every claim with a
              cue contributes its source, cue and content spans (plain author sentences contribute none:
              PolNeAR marks only attributions);
  ``tagger``: the token-classification model (``stance.tagger``) over the whole article;
  ``hybrid``: the claim extraction as the pipeline runs it with ``claims.tagger`` set.
"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

from stance.data import polnear as P
from stance.errors import StanceError
from stance.iohelpers import atomic_write_text


def spans_rules(text: str, opts, tagger=None) -> list[tuple[str, int, int]]:
    from stance.stages.claims import extract_claims
    from stance.stages.corpus import Document

    out = []
    for c in extract_claims(Document(id="a", text=text), opts, tagger=tagger):
        if not c.cue_span and not c.attributed:
            continue   # the author's own sentence: PolNeAR marks no attribution there
        if c.source_span:
            out.append(("Source", *close_appositive(text, c.source_span)))
        if c.cue_span:   # a report running on from the sentence before has its cue there
            out.append(("Cue", *c.cue_span))
        for a, b in c.content_spans:
            out.append(("Content", a, b))
    return out


def close_appositive(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """PolNeAR's convention for "Rendell, a Clinton surrogate, said": the comma (or dash) that closes an
    appositive is part of the Source (on its train split: 477 closing commas inside the span, 55 outside),
    while a source with no appositive leaves the comma after it outside (384 to none).  Claims keep the
    source as written; the eval maps it to the annotators' span."""
    a, b = span
    for mark in (",", "—", "--"):
        if mark in text[a:b]:
            m = re.match(r"\s*" + re.escape(mark), text[b:])
            if m:
                return a, b + m.end()
    return span


def spans_tagger(text: str, tagger) -> list[tuple[str, int, int]]:
    return [(s.role, s.start, s.end) for s in tagger.tag(text)]


def evaluate_polnear(split: str = "dev", extractor: str = "rules", *, polnear=None, tagger_path=None,
                     config=None, limit: int | None = None) -> dict:
    from stance.stages.claims import ClaimOptions
    from stance.pipeline import load_config, resolve_path

    if extractor not in ("rules", "tagger", "hybrid"):
        raise StanceError(f"--extractor: '{extractor}' is not an extractor; use rules, tagger or hybrid")
    cfg, _ = load_config(config)
    opts = ClaimOptions.from_config(cfg["claims"])
    tagger = None
    if extractor in ("tagger", "hybrid"):
        from stance.models.tagger import load_tagger

        tagger = load_tagger(resolve_path(tagger_path or cfg["claims"].get("tagger") or "models/stance-attribution-minilm"))
    articles = P.load_split(split, polnear, limit=limit)
    t0 = time.perf_counter()
    if extractor == "tagger":
        scores = P.score_spans(articles, lambda text: spans_tagger(text, tagger))
    else:
        scores = P.score_spans(articles, lambda text: spans_rules(text, opts, tagger if extractor == "hybrid" else None))
    return {"split": split, "extractor": extractor, "articles": len(articles),
            "seconds": round(time.perf_counter() - t0, 1),
            "roles": {r: s.__dict__ for r, s in scores.items()},
            "mean_f1": round(sum(s.f1 for s in scores.values()) / len(scores), 4)}


def format_polnear(res: dict) -> str:
    lines = [f"PolNeAR {res['split']}: {res['articles']} articles, extractor={res['extractor']}, "
             f"token-level, {res['seconds']}s", "",
             f"{'role':<10}{'precision':>10}{'recall':>10}{'f1':>10}{'gold':>9}{'predicted':>11}"]
    for r, s in res["roles"].items():
        lines.append(f"{r:<10}{s['precision']:>10.4f}{s['recall']:>10.4f}{s['f1']:>10.4f}{s['gold']:>9d}{s['predicted']:>11d}")
    lines.append(f"\nmean F1 {res['mean_f1']:.4f}")
    return "\n".join(lines)


def write_polnear_json(res: dict, path: str | Path) -> None:
    atomic_write_text(path, json.dumps(res, indent=2) + "\n")
