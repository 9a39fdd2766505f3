"""The interactive report page's data: one JSON object embedded once in ``report.html``.

The page (``templates/report.html.j2`` with ``report.js`` and ``report.css`` inlined) renders
everything from this object with DOM text nodes, never markup, so document text cannot inject
HTML.  The embedded JSON escapes ``<``, ``>``, ``&`` and the JavaScript line separators, so no
document text can close the ``<script>`` element either.

Size is bounded whatever the corpus: at most ``max_pairs`` claim pairs are embedded (conflicts by
score, then the strongest supports), with only the claims, paragraphs and documents they need; the
document and speaker matrices carry their ``max_docs`` / ``max_speakers`` most conflicted rows,
ordered by hierarchical clustering so that groups that conflict together sit together.
"""
from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import numpy as np

from stance.stages.judge import CONFLICTS
from stance.stages.speakers import is_plural

if TYPE_CHECKING:
    from stance.stages.claims import Claim
    from stance.stages.scores import ScoredPair

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\r\n\s*\r\n")
CONTEXT_CHARS = 700     # a paragraph longer than this is cut to a window around the sentence


def embed_json(obj) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``</script>``, no markup characters."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    for raw, esc in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, esc)
    return text


def paragraph_of(text: str, start: int, end: int) -> tuple[str, int]:
    """The paragraph holding [start, end) (blank-line separated; one line when the text has no blank
    lines), cut to ``CONTEXT_CHARS`` around the sentence; returns (paragraph, its offset in ``text``)."""
    breaks = [m.end() for m in _PARAGRAPH_BREAK.finditer(text, 0, start)]
    lo = breaks[-1] if breaks else 0
    nxt = _PARAGRAPH_BREAK.search(text, end)
    hi = nxt.start() if nxt else len(text)
    if lo == 0 and hi == len(text) and "\n" in text:   # no blank lines: the line is the paragraph
        lo = text.rfind("\n", 0, start) + 1
        nl = text.find("\n", end)
        hi = nl if nl >= 0 else len(text)
    if hi - lo > CONTEXT_CHARS:
        pad = max(0, (CONTEXT_CHARS - (end - start)) // 2)
        lo, hi = max(lo, start - pad), min(hi, end + pad)
    return text[lo:hi], lo


def _order(matrix: np.ndarray) -> list[int]:
    """Rows ordered so that rows with similar conflict profiles are neighbours (average-linkage
    clustering with optimal leaf ordering); the identity for tiny matrices."""
    n = len(matrix)
    if n < 3:
        return list(range(n))
    from scipy.cluster.hierarchy import leaves_list, linkage, optimal_leaf_ordering
    from scipy.spatial.distance import pdist

    x = np.nan_to_num(matrix, nan=0.0)
    d = pdist(x, "euclidean")
    if not np.any(d):
        return list(range(n))
    z = optimal_leaf_ordering(linkage(d, "average"), d)
    return [int(i) for i in leaves_list(z)]


def flipped_note(c) -> str | None:
    """"a negated content, read as denying: “P”" for a claim the judgement reads as the opposite attitude
    toward its positive proposition; both reports print it beside the claim."""
    from stance.stages.judge import flipped_reading

    f = flipped_reading(c)
    return None if f is None else f"a negated content, read as {'denying' if f[0] == 'denies' else 'asserting'}: “{f[1]}”"


def oriented(s: ScoredPair):
    """(negative side, positive side) for denies / disputes; (a, b) otherwise."""
    if s.judgement and s.judgement.direction == "b":
        return s.pair.b, s.pair.a
    return s.pair.a, s.pair.b


def segments(c: Claim, doc_text: str) -> list[tuple[str, str]]:
    """The claim's sentence cut into (role, text) pieces: source, cue, content or plain text."""
    marks = []
    for role, sp in (("source", c.source_span), ("cue", c.cue_span)):
        if sp:
            marks.append((sp[0], sp[1], role))
    for sp in c.content_spans or ((c.content_span,) if c.content_span else ()):
        if sp and (sp[0], sp[1]) != (c.start, c.end):
            marks.append((sp[0], sp[1], "content"))
    marks = sorted((max(a, c.start), min(b, c.end), r) for a, b, r in marks if b > c.start and a < c.end)
    out, pos = [], c.start
    for a, b, role in marks:
        if a < pos:
            continue  # overlapping marks: keep the first
        if a > pos:
            out.append(("text", doc_text[pos:a]))
        out.append((role, doc_text[a:b]))
        pos = b
    if pos < c.end:
        out.append(("text", doc_text[pos:c.end]))
    return out


def _marks(c, doc_text: str) -> list[list]:
    """Source, cue and content spans relative to the sentence start: [[role, start, end], ...]."""
    out, pos = [], 0
    for role, piece in segments(c, doc_text):
        if role != "text":
            out.append([role, pos, pos + len(piece)])
        pos += len(piece)
    return out


def page_data(data, max_pairs: int = 1500, speakers=None, ranked: tuple[list, list] | None = None) -> dict:
    """The JSON object behind the page (``data`` is a ``ReportData``; ``speakers`` its speaker matrix;
    ``ranked`` the pairs already sorted by conflict and by support, when the caller has them)."""
    from stance.stages.matrices import ranked_contradictions, ranked_supports

    scored = list(data.scored)
    by_conflict, by_support = ranked or (ranked_contradictions(scored), ranked_supports(scored))
    conflicts = [s for s in by_conflict if s.relation in CONFLICTS]
    supports = [s for s in by_support if s.relation == "supports"]
    # up to a fifth of the page for supports; conflicts fill the rest
    chosen = conflicts[:max_pairs - min(len(supports), max_pairs // 5)]
    chosen += supports[:max(0, max_pairs - len(chosen))]
    # every cell of the document matrix shown keeps its own evidence, even past the cap
    have = {id(s) for s in chosen}
    ranked_ids = {id(s) for s in by_conflict}   # restatements are not in it: the page never repeats them
    shown_docs = set(data.doc_matrix.doc_ids)
    for dp in data.doc_matrix.pairs:
        if dp.doc_a in shown_docs and dp.doc_b in shown_docs:
            for s in dp.top_contradictions + dp.top_supports:
                if s.relation in CONFLICTS and id(s) not in ranked_ids:
                    continue
                if id(s) not in have:
                    have.add(id(s))
                    chosen.append(s)

    docs = list(data.corpus.documents)
    doc_index = {d.id: i for i, d in enumerate(docs)}
    texts = {d.id: d.text for d in docs}
    claim_index: dict[str, int] = {}
    claims_out: list[dict] = []
    paragraphs: list[str] = []
    para_index: dict[tuple[str, int], int] = {}

    def claim_ref(c) -> int:
        if c.id in claim_index:
            return claim_index[c.id]
        para, off = paragraph_of(texts[c.doc_id], c.start, c.end)
        key = (c.doc_id, off)
        if key not in para_index:
            para_index[key] = len(paragraphs)
            paragraphs.append(para)
        claim_index[c.id] = len(claims_out)
        claims_out.append({"id": c.id, "doc": doc_index[c.doc_id], "text": c.text, "speaker": c.speaker_id or c.speaker,
                           "source": c.speaker, "cue": c.cue, "attitude": c.attitude, "content": c.content,
                           "refers": c.resolved_content or None, "reads": flipped_note(c), "marks": _marks(c, texts[c.doc_id]), "para": para_index[key], "at": c.start - off})
        return claim_index[c.id]

    pairs_out = []
    for s in chosen:
        neg, pos = oriented(s)
        j = s.judgement
        pairs_out.append({"a": claim_ref(neg), "b": claim_ref(pos), "relation": s.relation, "score": round(s.score, 4),
                          "support": round(j.support if j else s.support, 4), "similarity": s.pair.similarity,
                          "same": j.same if j else None, "opposed": j.opposed if j else None})

    dm = data.doc_matrix
    order = _order(dm.contradiction)
    ids = [dm.doc_ids[i] for i in order]
    doc_cells = []
    for r, i in enumerate(order):
        for c, j in enumerate(order):
            if i != j and dm.n_pairs[i, j]:
                doc_cells.append([r, c, round(float(dm.contradiction[i, j]), 4), int(dm.n_contradictions[i, j]),
                                  int(dm.n_supports[i, j]), int(dm.n_pairs[i, j])])

    sm = speakers if speakers is not None else data.speakers
    sp_ids, sp_cells = [], []
    if sm is not None and len(sm.speakers):
        sorder = _order(sm.score)
        sp_ids = [sm.speakers[i] for i in sorder]
        for r, i in enumerate(sorder):
            for c, j in enumerate(sorder):
                if i != j and not np.isnan(sm.score[i, j]):
                    sp_cells.append([r, c, round(float(sm.score[i, j]), 4), int(sm.n_conflicts[i, j])])

    info = data.run_info
    counts = {r: sum(1 for s in scored if s.relation == r) for r in
              ("contradicts", "denies", "disputes", "supports", "neutral", "unrelated")}
    return {
        "meta": {"corpus": str(info.get("corpus", {}).get("location", "")),
                 "model": info.get("model", {}).get("name_or_path"),
                 "model_sha256": (info.get("model", {}).get("weights_sha256") or "")[:12],
                 "version": info.get("versions", {}).get("stance"),
                 "documents": len(docs), "claims": len(data.claims), "pairs_judged": len(scored),
                 "pairs_embedded": len(pairs_out), "relations": counts,
                 "conflict_threshold": data.contradiction_threshold,
                 "doc_aggregation": info.get("config", {}).get("matrices", {}).get("doc_aggregation"),
                 "doc_pairs_total": len(dm.pairs), "groups_shown": data.groups_shown},
        "docs": [{"id": d.id, "title": d.title, "source": d.source, "date": d.date} for d in docs],
        "claims": claims_out,
        "paragraphs": paragraphs,
        "pairs": pairs_out,
        "doc_matrix": {"docs": [doc_index[d] for d in ids], "cells": doc_cells,
                       "of": len(dm.all_doc_ids or dm.doc_ids)},
        "speaker_matrix": {"speakers": sp_ids, "cells": sp_cells},
        # speakers that take a plural verb in the group headlines ("officials assert")
        "plural_speakers": sorted({c["speaker"] for c in claims_out if is_plural(c["speaker"])}),
    }
