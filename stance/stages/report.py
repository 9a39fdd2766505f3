"""Stage 6, report: Markdown, self-contained HTML, CSV matrices and JSONL records.

Everything is written into a staging folder first (each file itself written atomically), and
the staging folder is renamed onto ``--out`` at the end, so an interrupted run never leaves an
output folder that looks complete.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from stance.stages.claims import Claim
from stance.stages.corpus import Corpus
from stance.errors import StanceError
from stance.iohelpers import atomic_write_text
from stance.stages.judge import CONFLICTS, reading, reading_memo
from stance.stages.page import embed_json, flipped_note, oriented, page_data, segments
from stance.stages.matrices import (ClaimMatrix, DocMatrix, SpeakerMatrix, is_conflict, ranked_supports, ranked_with_restatements,
                       speaker_matrix)
from stance.stages.scores import ScoredPair
from stance.stages.targets import TargetStance

OUTPUT_FILES = ("report.md", "report.html", "matrix_contradiction.csv", "matrix_support.csv", "matrix_speakers.csv",
                "doc_pairs.csv", "claims.jsonl", "pairs.jsonl", "contradictions.jsonl", "run.json")


@dataclass(frozen=True)
class ReportData:
    corpus: Corpus
    claims: tuple[Claim, ...]
    scored: tuple[ScoredPair, ...]
    claim_matrix: ClaimMatrix
    doc_matrix: DocMatrix
    targets: tuple[TargetStance, ...]
    run_info: dict
    top_n: int = 15
    contradiction_threshold: float = 0.5
    support_threshold: float = 0.5
    speakers: SpeakerMatrix | None = None
    groups_shown: int = 12
    page_pairs: int = 1500      # claim pairs embedded in report.html (the strongest conflicts, then supports)


@dataclass(frozen=True)
class ConflictGroup:
    """Conflicts of one relation between two speakers: "A denies what B asserts"."""
    relation: str
    speaker_neg: str          # the side that denies or doubts (for contradicts: the first speaker)
    speaker_pos: str
    pairs: tuple[ScoredPair, ...]

    @property
    def score(self) -> float:
        return self.pairs[0].score

    @property
    def headline(self) -> str:
        from stance.stages.speakers import is_plural

        many = is_plural(self.speaker_neg)
        verb = {"denies": "deny" if many else "denies", "disputes": "doubt" if many else "doubts"}.get(self.relation)
        if verb:
            return f"{self.speaker_neg} {verb} what {self.speaker_pos} {'assert' if is_plural(self.speaker_pos) else 'asserts'}"
        return f"{self.speaker_neg} and {self.speaker_pos} assert incompatible claims"


def conflict_groups(scored, collapsed: bool = False) -> list[ConflictGroup]:
    """Conflicts grouped by relation and speaker pair, restatements left out (unless ``collapsed``
    says the caller already did that)."""
    from stance.stages.matrices import ranked_contradictions

    groups: dict[tuple[str, str, str], list[ScoredPair]] = {}
    for s in (scored if collapsed else ranked_contradictions(list(scored))):
        if not is_conflict(s):
            continue
        a, b = oriented(s)
        sa, sb = a.speaker_id or a.speaker, b.speaker_id or b.speaker
        if s.relation == "contradicts":
            sa, sb = sorted((sa, sb))
        groups.setdefault((s.relation, sa, sb), []).append(s)
    out = [ConflictGroup(r, a, b, tuple(sorted(v, key=lambda s: (-s.score, s.pair.a.id, s.pair.b.id))))
           for (r, a, b), v in groups.items()]
    out.sort(key=lambda g: (-g.score, CONFLICTS.index(g.relation), g.speaker_neg, g.speaker_pos))
    # a claim that leads one group leads no other before every claim had its turn: one denial opposed
    # by five speakers would otherwise fill the first screen
    seen: set[str] = set()
    first, later = [], []
    for g in out:
        lead = oriented(g.pairs[0])[0].id
        (later if lead in seen else first).append(g)
        seen.add(lead)
    return first + later


def check_out_dir(out: Path, overwrite: bool) -> None:
    if out.exists() and not out.is_dir():
        raise StanceError(f"{out}: output path exists and is a file; pass another --out")
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise StanceError(f"{out}: output folder exists and is not empty; pass --overwrite or another --out")


def _span(sp) -> list[int] | None:
    return None if sp is None else [sp[0], sp[1]]


def claim_record(c: Claim) -> dict:
    return {"id": c.id, "doc": c.doc_id, "text": c.text, "span": [c.start, c.end],
            "source": c.speaker, "source_span": _span(c.source_span), "speaker": c.speaker,
            "speaker_id": c.speaker_id, "cue": c.cue, "cue_span": _span(c.cue_span),
            "content": c.content, "content_span": _span(c.content_span),
            "content_spans": [list(x) for x in c.content_spans], "attitude": c.attitude,
            "verb": c.verb, "is_denial": c.is_denial, "attributed": c.attributed, "is_headline": c.is_headline,
            "refers_to": c.refers_to, "resolved_content": c.resolved_content or None}


def _pair_record(s: ScoredPair) -> dict:
    j = s.judgement
    return {"claim_a": s.pair.a.id, "claim_b": s.pair.b.id, "doc_a": s.pair.a.doc_id, "doc_b": s.pair.b.doc_id,
            "similarity": s.pair.similarity, "embedding_similarity": s.pair.embedding_similarity,
            "lexical_similarity": s.pair.lexical_similarity,
            "relation": s.relation, "score": s.score,
            "a_to_b": dict(zip(s.labels, s.forward)), "b_to_a": dict(zip(s.labels, s.backward)),
            "contradiction": s.contradiction, "support": s.support,
            "content_a_to_b": dict(zip(s.labels, s.content_forward)),
            "content_b_to_a": dict(zip(s.labels, s.content_backward)),
            "content_same": j.same if j else None, "content_opposed": j.opposed if j else None,
            "judgement_support": j.support if j else None}


def _contradiction_record(rank: int, s: ScoredPair, threshold: float, restated=(), read=reading) -> dict:
    a, b = s.pair.a, s.pair.b
    ra, rb = read(a), read(b)
    return {"rank": rank, "score": s.score, "relation": s.relation, "flagged": is_conflict(s),
            "doc_a": a.doc_id, "doc_b": b.doc_id, "claim_a": a.id, "claim_b": b.id,
            "text_a": a.text, "text_b": b.text,
            "source_a": a.speaker, "source_b": b.speaker, "speaker_a": a.speaker_id or a.speaker,
            "speaker_b": b.speaker_id or b.speaker, "cue_a": a.cue, "cue_b": b.cue,
            "attitude_a": a.attitude, "attitude_b": b.attitude, "content_a": a.content, "content_b": b.content,
            # what the judgement compared: the contents as NLI read them, and the attitudes toward those
            # ("X said P was not true" reads as X denying P)
            "read_a": ra[0], "read_b": rb[0], "read_attitude_a": ra[1], "read_attitude_b": rb[1],
            "content_span_a": _span(a.content_span), "content_span_b": _span(b.content_span),
            "verb_a": a.verb, "verb_b": b.verb, "denial_a": a.is_denial, "denial_b": b.is_denial,
            "span_a": [a.start, a.end], "span_b": [b.start, b.end], "support": s.support,
            "sentence_contradiction": s.contradiction, "similarity": s.pair.similarity,
            "restated_by": [list(x) for x in restated]}


def _jsonl(records) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def _matrix_csv(ids, m: np.ndarray, corner: str = "doc") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([corner] + list(ids))
    for i, d in enumerate(ids):
        w.writerow([d] + ["" if np.isnan(v) else f"{v:.4f}" for v in m[i]])
    return buf.getvalue()


def _doc_pairs_csv(dm: DocMatrix) -> str:
    """Every document pair with a judged claim pair (the sparse long form of the document matrices)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["doc_a", "doc_b", "conflict", "support", "n_conflicts", "n_supports", "n_pairs"])
    for p in dm.pairs:
        w.writerow([p.doc_a, p.doc_b, f"{p.contradiction:.4f}", f"{p.support:.4f}", p.n_contradictions,
                    p.n_supports, p.n_pairs])
    return buf.getvalue()


def _asset(name: str) -> str:
    from importlib.resources import files

    return files("stance.stages").joinpath("templates", name).read_text(encoding="utf-8")


def _env():
    from jinja2 import Environment, PackageLoader

    # HTML is escaped; Markdown is not (an apostrophe in a quote must stay an apostrophe)
    env = Environment(loader=PackageLoader("stance.stages", "templates"),
                      autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["pct"] = lambda v: "–" if v is None else f"{v:.2f}"
    env.globals["flipped_note"] = flipped_note
    return env


def render(data: ReportData) -> dict[str, str]:
    """Return {file name: content} for every output file."""
    docs = data.corpus.by_id()
    ranked = ranked_with_restatements(list(data.scored))
    contradictions = [s for s, _ in ranked]
    supports = ranked_supports(list(data.scored))
    dm = data.doc_matrix
    sm = data.speakers or speaker_matrix(list(data.scored))
    groups = conflict_groups(contradictions, collapsed=True)
    texts = {d.id: d.text for d in data.corpus.documents}
    n_flagged = sum(1 for s in data.scored if is_conflict(s))
    ctx = {
        "groups": groups[:data.groups_shown], "n_groups": len(groups), "speakers": sm,
        "segments": lambda c: segments(c, texts[c.doc_id]), "oriented": oriented,
        "relation_counts": {r: sum(1 for s in data.scored if s.relation == r) for r in
                            ("contradicts", "denies", "disputes", "supports", "neutral", "unrelated")},
        "info": data.run_info, "docs": list(data.corpus.documents), "doc_by_id": docs,
        "n_claims": len(data.claims), "n_pairs": len(data.scored),
        "top_contradictions": contradictions[:data.top_n], "top_supports": supports[:data.top_n],
        "doc_pairs": list(dm.pairs), "targets": list(data.targets),
        "doc_pairs_shown": max(len(dm.doc_ids), data.top_n),
        "target_of": {(t.doc_id, t.target): t for t in data.targets},
        "target_texts": list(dict.fromkeys(t.target for t in data.targets)),
        "cthr": data.contradiction_threshold, "sthr": data.support_threshold,
        "n_flagged": n_flagged,
        "n_restated": n_flagged - sum(1 for s in contradictions if is_conflict(s)),
        "two_way": "contradiction" not in (data.scored[0].labels if data.scored else ("contradiction",)),
    }
    env = _env()
    files = {"report.md": env.get_template("report.md.j2").render(**ctx)}
    ctx_html = dict(ctx)
    page = page_data(data, data.page_pairs, sm, (contradictions, supports))
    ctx_html.update(page_json=embed_json(page), page_pairs=len(page["pairs"]),
                    page_css=_asset("report.css"), page_js=_asset("report.js"))
    files["report.html"] = env.get_template("report.html.j2").render(**ctx_html)
    files["matrix_contradiction.csv"] = _matrix_csv(dm.doc_ids, dm.contradiction)
    files["matrix_support.csv"] = _matrix_csv(dm.doc_ids, dm.support)
    files["matrix_speakers.csv"] = _matrix_csv(sm.speakers, sm.score, "speaker")
    files["doc_pairs.csv"] = _doc_pairs_csv(dm)
    files["claims.jsonl"] = _jsonl(claim_record(c) for c in data.claims)
    files["pairs.jsonl"] = _jsonl(_pair_record(s) for s in data.scored)
    read = reading_memo()   # each claim's reading once, however many rows it is on
    files["contradictions.jsonl"] = _jsonl(_contradiction_record(i + 1, s, data.contradiction_threshold, restated, read)
                                           for i, (s, restated) in enumerate(ranked))
    if data.targets:
        files["target_stances.jsonl"] = _jsonl({"doc": t.doc_id, "target": t.target, "stance": t.stance,
                                                "relatedness": t.relatedness, "entailment": t.entailment,
                                                "contradiction": t.contradiction, "evidence_claim": t.evidence_claim,
                                                "evidence_text": t.evidence_text} for t in data.targets)
    files["run.json"] = run_json(data.run_info)
    return files


def write_report(data: ReportData, out: Path, overwrite: bool) -> Path:
    check_out_dir(out, overwrite)
    return write_files(render(data), out, overwrite)


def run_json(info: dict) -> str:
    return json.dumps(info, indent=2, ensure_ascii=False, default=str) + "\n"


def write_files(files: dict[str, str], out: Path, overwrite: bool) -> Path:
    """Write {name: content} into ``out`` atomically (staging folder, then one rename)."""
    check_out_dir(out, overwrite)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        for name, content in files.items():
            atomic_write_text(staging / name, content)
        if out.exists():
            trash = out.with_name(f".{out.name}.old")
            shutil.rmtree(trash, ignore_errors=True)
            out.rename(trash)
            staging.rename(out)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            staging.rename(out)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return out
