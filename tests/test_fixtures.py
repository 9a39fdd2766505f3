"""Schema and label counts of the hand-labelled fixture set."""
import json
from collections import Counter

from conftest import FIXTURES

DOCS = {"iran-bounties-report", "iran-too-rewards-taliban", "russia-bounties-nyt-account", "trt-caution",
        "us-warned-iran-isis-k"}


def load(name):
    return [json.loads(line) for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def test_claim_pairs_schema_and_counts():
    rows = load("claim_pairs.jsonl")
    assert len(rows) >= 150
    for r in rows:
        assert {"id", "premise", "hypothesis", "label", "premise_doc", "hypothesis_doc"} <= set(r)
        assert r["label"] in {"entailment", "neutral", "contradiction"}
        assert r["premise_doc"] in DOCS and r["hypothesis_doc"] in DOCS
        assert r["premise"].strip() and r["hypothesis"].strip()
    assert len({r["id"] for r in rows}) == len(rows)
    assert len({(r["premise"], r["hypothesis"]) for r in rows}) == len(rows)
    counts = Counter(r["label"] for r in rows)
    assert min(counts.values()) >= 40, counts
    cross = sum(r["premise_doc"] != r["hypothesis_doc"] for r in rows)
    assert cross / len(rows) > 0.5


def test_design_card_cases_are_present():
    rows = load("claim_pairs.jsonl")
    notes = " ".join(r.get("note", "") for r in rows)
    assert "design-card: taliban denial" in notes and "design-card: trt caution" in notes
    for r in rows:
        if "design-card" in r.get("note", ""):
            assert r["label"] == "contradiction"


def test_doc_stances_schema():
    rows = load("doc_stances.jsonl")
    assert {r["doc"] for r in rows} == DOCS
    assert all(r["stance"] in {"agree", "disagree", "discuss", "unrelated"} for r in rows)
    per_doc = Counter(r["doc"] for r in rows)
    assert all(3 <= n <= 5 for n in per_doc.values())
