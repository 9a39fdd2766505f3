"""A labelled news claim-pair set built from FNC-1 *train* bodies: tuning data that is not the fixture.

The fixture (tests/fixtures/claim_pairs.jsonl) is a check, never tuning data.  The judgement's
thresholds need news claim pairs labelled by the same guide (tests/fixtures/README.md), so this
builds them from other articles: for an FNC-1 training headline, its ``agree`` bodies report the
claim and its ``disagree`` bodies debunk it.  The headline and the bodies run through the pipeline's
claim extraction and candidate pairing (similarity only, no NLI: the sampling must not favour what
the model gets right), and pairs are drawn per headline from four kinds: headline x agree body,
headline x disagree body, agree x disagree body, agree x agree body.

Only the bodies of the ``tune`` half of bench_doc_conflict.py's seeded split are used, so its
``check`` half stays body-disjoint from anything tuned here.  The committed file
(data/fnc_claim_pairs.jsonl) holds references (body id and character span, or the
headline's sha1 and span), labels and a ``split`` (``tune`` / ``check`` by headline), never FNC-1 text;
``materialise`` rebuilds the text from ../shared/data/fnc1.

    python benchmarks/fnc_claim_pairs.py candidates --out .cache/fnc_pairs/candidates.jsonl
    python benchmarks/fnc_claim_pairs.py materialise [--split tune|check|all] --out out/fnc_claim_pairs.jsonl
    stance eval --pairs out/fnc_claim_pairs.jsonl
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from stance.data.fnc_claims import LABELLED, load_fnc, sha1  # noqa: E402
from stance.errors import StanceError  # noqa: E402

KINDS = ("headline-agree", "headline-disagree", "agree-disagree", "agree-agree")


def candidates(a) -> int:
    from bench_doc_conflict import groups

    from stance.config import load_yaml
    from stance.pipeline import load_claim_tagger
    from stance.stages.claims import ClaimOptions, extract_all
    from stance.stages.corpus import Corpus, Document
    from stance.stages.pairs import PairOptions, candidate_pairs

    data = load_fnc(Path(a.data))
    cfg = load_yaml(ROOT / "configs" / "default.yaml")
    copts, popts = ClaimOptions.from_config(cfg["claims"]), PairOptions.from_config(cfg["pairs"])
    tagger = load_claim_tagger(cfg)
    heads = groups(data, "tune", a.seed, a.headlines, (3, 2))
    prefix = "fnc"
    if a.training:
        heads, prefix = training_headlines(data, heads, a.seed, a.training), "fnct"
    rng = random.Random(a.seed + 7)
    out = []
    for hi, (head, agree, disagree) in enumerate(heads):
        split = "tune" if hi % 2 == 0 else "check"     # halves by headline: tune thresholds on one, check on the other
        stance = {"h": "headline"} | {f"b{b}": "agree" for b in agree} | {f"b{b}": "disagree" for b in disagree}
        docs = (Document(id="h", text=head),) + tuple(Document(id=f"b{b}", text=data.bodies[b]) for b in agree + disagree)
        claims = extract_all(Corpus(docs, f"fnc:{head[:30]}"), copts, tagger)
        by_kind: dict[str, list] = {k: [] for k in KINDS}
        for p in candidate_pairs(claims, popts):
            kinds = sorted((stance[p.a.doc_id], stance[p.b.doc_id]))
            kind = {("agree", "headline"): "headline-agree", ("disagree", "headline"): "headline-disagree",
                    ("agree", "disagree"): "agree-disagree", ("agree", "agree"): "agree-agree"}.get(tuple(kinds))
            if kind:
                by_kind[kind].append(p)
        for kind, pairs in by_kind.items():
            pairs = sorted(pairs, key=lambda p: (-p.similarity, p.a.id, p.b.id))[: a.pool]
            for p in rng.sample(pairs, min(a.per_kind, len(pairs))):
                x, y = (p.a, p.b) if rng.random() < 0.5 else (p.b, p.a)   # premise / hypothesis order at random
                rec = {"id": f"{prefix}-{hi:02d}-{len(out):04d}", "split": "train" if a.training else split, "kind": kind,
                       "headline_sha1": sha1(head)}
                for role, c in (("premise", x), ("hypothesis", y)):
                    # a headline can hold more than one claim ("... in January? Nope, the story is fake")
                    rec[f"{role}_ref"] = (["headline", sha1(head), c.start, c.end] if c.doc_id == "h"
                                          else [int(c.doc_id[1:]), c.start, c.end])
                    rec[role] = c.text
                    rec[f"{role}_doc"] = "headline" if c.doc_id == "h" else f"fnc-body-{c.doc_id[1:]}"
                rec["similarity"] = round(float(p.similarity), 3)
                rec["headline"] = head
                out.append(rec)
        print(f"[{hi + 1}/{len(heads)}] {len(claims)} claims, {len(out)} pairs so far", file=sys.stderr, flush=True)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out), encoding="utf-8")
    print(f"{len(out)} candidate pairs from {len(heads)} headlines -> {a.out}")
    return 0


def training_headlines(data, labelled, seed: int, n: int):
    """Headlines for *training* pairs: ``tune``-half bodies only, and no story that touches the labelled
    set's 40 headlines.  FNC-1 repeats one story under many headlines that share bodies, so a story is a
    connected component of headlines and their related (agree / disagree / discuss) bodies; every component
    holding a labelled headline is left out."""
    import networkx as nx

    from bench_doc_conflict import groups

    g = nx.Graph()
    for s in data.stances:
        if s.stance != "unrelated":          # an unrelated pairing joins two stories by chance
            g.add_edge(("h", s.headline), ("b", s.body_id))
    story = {node: i for i, nodes in enumerate(nx.connected_components(g)) for node in nodes}
    banned = {story[("h", head)] for head, _, _ in labelled}
    pool = groups(data, "tune", seed, 100000, (3, 2), min_agree=1, min_disagree=0)
    # one headline per story (the one with the most disagreeing bodies): more stories, fewer rewordings of one
    seen, out = set(banned), []
    for h, ag, dg in sorted(pool, key=lambda x: (-len(x[2]), x[0])):
        if story[("h", h)] not in seen:
            seen.add(story[("h", h)])
            out.append((h, ag, dg))
    random.Random(seed + 3).shuffle(out)
    return out[:n]


def materialise(a) -> int:
    from stance.data.fnc_claims import materialise as build

    rows = build(a.labels, a.data, a.split)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(rows)} labelled pairs ({a.split}) -> {a.out}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("command", choices=("candidates", "materialise"))
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "fnc1"))
    ap.add_argument("--labels", default=str(LABELLED))
    ap.add_argument("--split", choices=("tune", "check", "all"), default="all")
    ap.add_argument("--headlines", type=int, default=40)
    ap.add_argument("--per-kind", type=int, default=3)
    ap.add_argument("--pool", type=int, default=12, help="draw from the most similar N pairs of each kind")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--training", type=int, default=0,
                    help="candidates: N headlines for training pairs, from stories disjoint from the labelled set")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    try:
        return candidates(a) if a.command == "candidates" else materialise(a)
    except StanceError as e:   # FNC-1 absent, or a reference it does not hold: one line, exit 2
        print(e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
