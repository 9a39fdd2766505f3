"""End to end: `stance run` on the bundled example corpus with the bundled model."""
import json

import pytest

pytestmark = pytest.mark.slow  # runs the pipeline or loads the bundled model


from conftest import EXAMPLE, TARGETS, bundled_model_or_skip  # noqa: F401  (e2e_run: a session fixture)

@pytest.fixture(scope="module")
def e2e_out(e2e_run):
    return e2e_run[0]


def jsonl(path):
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def test_output_structure(e2e_out):
    for name in ("report.md", "report.html", "matrix_contradiction.csv", "matrix_support.csv", "claims.jsonl",
                 "pairs.jsonl", "contradictions.jsonl", "run.json", "target_stances.jsonl"):
        assert (e2e_out / name).stat().st_size > 0, name
    info = json.loads((e2e_out / "run.json").read_text())
    assert info["model"]["labels"] == ["entailment", "neutral", "contradiction"]
    assert info["counts"]["documents"] == 5 and info["counts"]["pairs_scored"] > 100
    rows = jsonl(e2e_out / "contradictions.jsonl")
    assert rows[0]["rank"] == 1 and rows[0]["score"] >= rows[-1]["score"]
    assert len(jsonl(e2e_out / "target_stances.jsonl")) == 5 * len(TARGETS)


def test_known_speakers_are_attributed(e2e_out):
    claims = jsonl(e2e_out / "claims.jsonl")

    def find(prefix):
        return next(c for c in claims if c["text"].startswith(prefix))

    mujahid = find("Taliban spokesman Zabihullah Mujahid denied")
    assert mujahid["speaker"] == "Taliban spokesman Zabihullah Mujahid" and mujahid["is_denial"]
    assert find("Iran has been paying bounties")["speaker"] == "U.S. intelligence officials"
    assert find("The Kremlin had not been informed")["speaker"].startswith("Dmitry Peskov")
    assert find("Reports that the Russians put out hits")["speaker"] == "TRT World opinion (author)"
    doc = (EXAMPLE / "002_13fe666cd85b8211.txt").read_text(encoding="utf-8")
    assert doc[mujahid["span"][0]:mujahid["span"][1]] == mujahid["text"]


def rank_of(rows, doc_a_pred, text_a_pred, doc_b_pred, text_b_pred):
    for r in rows:
        for (da, ta, db, tb) in ((r["doc_a"], r["text_a"], r["doc_b"], r["text_b"]),
                                 (r["doc_b"], r["text_b"], r["doc_a"], r["text_a"])):
            if doc_a_pred(da) and text_a_pred(ta) and doc_b_pred(db) and text_b_pred(tb):
                return r["rank"]
    return None


def _is_bounty_assertion(text):
    t = text.lower()
    return ("bount" in t or "reward" in t or "hits on" in t) and ("russia" in t or "gru" in t)


def _cards(rows):
    """The example's two flagship conflicts in ``rows``: the Taliban spokesman's denial against an
    assertion of Russian bounty payments (denies), and TRT's caution against the NYT account (disputes)."""

    def sides(r):
        return ((r["speaker_a"], r["attitude_a"], r["text_a"], r["doc_a"]),
                (r["speaker_b"], r["attitude_b"], r["text_b"], r["doc_b"]))

    denial = [r for r in rows if r["relation"] == "denies" and any(
        s[0] == "Zabihullah Mujahid" and s[1] == "denies" and o[1] == "asserts" and _is_bounty_assertion(o[2])
        for s, o in (sides(r), sides(r)[::-1]))]
    caution = [r for r in rows if r["relation"] == "disputes" and any(
        "should be treated with caution" in s[2] and s[1] == "doubts" and o[3] == "russia-bounties-nyt-account"
        and o[1] == "asserts" for s, o in (sides(r), sides(r)[::-1]))]
    return denial, caution


def test_caution_card_is_found_as_disputes(e2e_out):
    _, caution = _cards(jsonl(e2e_out / "contradictions.jsonl"))
    assert caution and caution[0]["score"] >= 0.5 and caution[0]["flagged"]


def test_denial_card_is_found_as_denies(e2e_out):
    denial, _ = _cards(jsonl(e2e_out / "contradictions.jsonl"))
    assert denial and denial[0]["score"] >= 0.5 and denial[0]["flagged"]


def test_caution_card_ranks_in_the_top_10(e2e_out):
    _, caution = _cards(jsonl(e2e_out / "contradictions.jsonl")[:10])
    assert caution


def test_denial_card_ranks_in_the_top_10(e2e_out):
    denial, _ = _cards(jsonl(e2e_out / "contradictions.jsonl")[:10])
    assert denial


def test_demo_output_prints_the_caution_card_and_a_denial(e2e_run):
    printed = e2e_run[1]
    head = printed[printed.index("Who contradicts whom"):]
    assert "should be treated with caution" in head and "Russia is said to have offered" in head
    assert "1. denies" in head and "Trump denied that he was briefed" in head


def test_demo_output_prints_the_spokesman_denial(e2e_run):
    assert "Zabihullah Mujahid denies what" in e2e_run[1]


def test_speaker_matrix_and_report_lead_with_conflicts(e2e_out):
    md = (e2e_out / "report.md").read_text(encoding="utf-8")
    first = md[md.index("## Who contradicts whom"):md.index("## Speaker × speaker")]
    assert "should be treated with caution" in first and "denies what" in first
    assert "&#39;" not in md and "&quot;" not in md
    header = (e2e_out / "matrix_speakers.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[0] == "speaker" and "Zabihullah Mujahid" in header
    assert sum("Peskov" in h for h in header) <= 1
    # the headline count agrees with the relation counts, and with the ranked rows plus their restatements
    import re

    n, den, dis, con = map(int, re.search(r"\*\*(\d+)\*\* pairs conflict: (\d+) denies, (\d+) disputes, (\d+) contradicts",
                                          md).groups())
    rows = jsonl(e2e_out / "contradictions.jsonl")
    assert n == den + dis + con == sum(1 + len(r["restated_by"]) for r in rows if r["flagged"])


def test_target_stances_come_from_the_fnc_head(e2e_out, tmp_path):
    """One stance model: `stance run --target` gives the labels `stance fnc` gives on the same texts."""
    import csv

    from stance.stages.corpus import load_corpus
    from stance.fnc.predict import run_fnc

    docs = load_corpus(EXAMPLE).documents
    bodies, stances = tmp_path / "bodies.csv", tmp_path / "stances.csv"
    with open(bodies, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Body ID", "articleBody"])
        w.writerows([d.id, d.text] for d in docs)
    with open(stances, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Headline", "Body ID"])
        w.writerows([t, d.id] for t in TARGETS for d in docs)
    fnc = run_fnc(bodies, stances, model=str(bundled_model_or_skip()), predictions_out=tmp_path / "p.csv", quiet=True)
    expected = {(d.id, t): lab for (t, d), lab in zip([(t, d) for t in TARGETS for d in docs], fnc.predictions)}
    got = {(r["doc"], r["target"]): r["stance"] for r in jsonl(e2e_out / "target_stances.jsonl")}
    assert got == expected


def test_the_page_shows_each_conflict_once_as_the_jsonl_ranks_it(e2e_out):
    """Restatements are listed under the row they restate, and the page does not bring them back as a
    document cell's evidence: its filter counts are the ranked conflicts of contradictions.jsonl."""
    import collections
    import json

    html = (e2e_out / "report.html").read_text(encoding="utf-8")
    raw = html[html.index('id="stance-data">') + len('id="stance-data">'):]
    page = json.loads(raw[:raw.index("</script>")])
    rows = [json.loads(x) for x in (e2e_out / "contradictions.jsonl").read_text().splitlines()]
    conflicts = ("denies", "disputes", "contradicts")
    on_page = collections.Counter(p["relation"] for p in page["pairs"] if p["relation"] in conflicts)
    ranked = collections.Counter(r["relation"] for r in rows if r["relation"] in conflicts)
    assert on_page == ranked
