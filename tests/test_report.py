import json

import pytest

pytestmark = pytest.mark.slow  # runs the pipeline or loads the bundled model

from stance.errors import StanceError
from stance.pipeline import analyze, run
from stance.stages.report import OUTPUT_FILES, check_out_dir

from conftest import EXAMPLE


@pytest.fixture(scope="module")
def tiny_run(tiny_model, tmp_path_factory):
    out = tmp_path_factory.mktemp("rep") / "out"
    return run(EXAMPLE, out=out, model=str(tiny_model), quiet=True, config={"targets": {"stance_model": "rules"}},
               targets=["Russia paid bounties to Taliban-linked militants to kill US troops"])


def test_all_outputs_written(tiny_run):
    names = {p.name for p in tiny_run.out_dir.iterdir()}
    assert set(OUTPUT_FILES) <= names and "target_stances.jsonl" in names
    assert not any(n.endswith(".tmp") for n in names)


def test_contradictions_jsonl_schema_and_ranking(tiny_run):
    rows = [json.loads(x) for x in (tiny_run.out_dir / "contradictions.jsonl").read_text().splitlines()]
    # every scored pair once: as a ranked row, or listed under the row it restates
    listed = [(r["claim_a"], r["claim_b"]) for r in rows] + [tuple(x) for r in rows for x in r["restated_by"]]
    assert sorted(listed) == sorted((s.pair.a.id, s.pair.b.id) for s in tiny_run.scored)
    need = {"rank", "doc_a", "doc_b", "claim_a", "claim_b", "text_a", "text_b", "speaker_a", "speaker_b", "score"}
    assert need <= set(rows[0])
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    assert all(a["score"] >= b["score"] for a, b in zip(rows, rows[1:]))
    assert all(r["doc_a"] != r["doc_b"] for r in rows)


def test_pairs_jsonl_has_both_directions(tiny_run):
    row = json.loads((tiny_run.out_dir / "pairs.jsonl").read_text().splitlines()[0])
    for key in ("a_to_b", "b_to_a"):
        assert set(row[key]) == {"entailment", "neutral", "contradiction"}
        assert sum(row[key].values()) == pytest.approx(1, abs=1e-3)


def test_run_json_records_model_hash_config_versions_timings(tiny_run):
    info = json.loads((tiny_run.out_dir / "run.json").read_text())
    assert len(info["model"]["weights_sha256"]) == 64
    assert info["model"]["device"] == "cpu" and info["model"]["compute_dtype"] == "float32"
    assert info["config"]["pairs"]["top_k"] == 8 and info["versions"]["torch"]
    assert {"corpus", "claims", "pairs", "scores", "matrices", "targets"} <= set(info["timings_s"])   # targets given
    assert info["counts"]["documents"] == 5 and info["counts"]["pairs_scored"] == len(tiny_run.scored)
    n = info["counts"]   # four predictions per pair asked (sentences and contents, both ways), each distinct one once
    assert n["nli_requested"] == 4 * n["pairs_scored"] and n["nli_distinct"] <= n["nli_requested"]
    assert n["nli_predictions"] + n["nli_from_cache"] == n["nli_distinct"]


def test_html_is_self_contained_and_md_has_sections(tiny_run):
    html = (tiny_run.out_dir / "report.html").read_text()
    assert html.count('<script type="application/json" id="stance-data">') == 1   # the data, embedded once
    assert "http://" not in html and "https://" not in html and "<script src" not in html and "<link" not in html
    md = (tiny_run.out_dir / "report.md").read_text()
    for section in ("## Who contradicts whom", "## Speaker × speaker", "## Documents", "## Document × document",
                    "## Top supports", "## Stance toward targets", "## Document pairs"):
        assert section in md
    assert md.index("## Who contradicts whom") < md.index("## Speaker × speaker") < md.index("## Document × document")
    header = (tiny_run.out_dir / "matrix_contradiction.csv").read_text().splitlines()[0]
    assert header.split(",")[1:] == [d.id for d in tiny_run.corpus.documents]


def test_existing_output_needs_overwrite(tiny_run, tiny_model):
    with pytest.raises(StanceError, match="--overwrite"):
        check_out_dir(tiny_run.out_dir, overwrite=False)
    res = run(EXAMPLE, out=tiny_run.out_dir, model=str(tiny_model), quiet=True, overwrite=True)
    assert (res.out_dir / "report.md").exists()


def _fail_on_nth_write(monkeypatch, n):
    """Let the report write n-1 files into its staging folder, then fail (a full disk, a kill)."""
    import stance.stages.report as report

    real, calls = report.atomic_write_text, []

    def flaky(path, text):
        calls.append(path)
        if len(calls) == n:
            raise OSError("disk full")
        return real(path, text)

    monkeypatch.setattr(report, "atomic_write_text", flaky)
    return calls


def test_failed_run_leaves_no_output_folder(tmp_path, tiny_model, monkeypatch):
    calls = _fail_on_nth_write(monkeypatch, 4)
    out = tmp_path / "out"
    with pytest.raises(OSError, match="disk full"):
        run(EXAMPLE, out=out, model=str(tiny_model), quiet=True)
    assert len(calls) == 4 and calls[0].parent.name.endswith(".partial")  # files were staged before the failure
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_failed_rerun_keeps_the_previous_report(tmp_path, tiny_model, monkeypatch):
    out = tmp_path / "out"
    run(EXAMPLE, out=out, model=str(tiny_model), quiet=True)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    _fail_on_nth_write(monkeypatch, 3)
    with pytest.raises(OSError):
        run(EXAMPLE, out=out, model=str(tiny_model), quiet=True, overwrite=True)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_analyze_writes_nothing(tiny_model, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = analyze(EXAMPLE, model=str(tiny_model), quiet=True)
    assert res.out_dir is None and list(tmp_path.iterdir()) == []


def _claim(cid, doc, text, speaker, attitude, content=None, cue=None):
    from stance.stages.claims import Claim

    start = 0
    content = content or text
    cs = text.index(content)
    return Claim(cid, doc, text, start, len(text), speaker, cue, attitude == "denies", speaker != f"{doc} (author)",
                 content=content, content_span=(cs, cs + len(content)), content_spans=((cs, cs + len(content)),),
                 cue_span=(text.index(cue), text.index(cue) + len(cue)) if cue else None, cue=cue,
                 source_span=(0, len(speaker)) if text.startswith(speaker) else None,
                 attitude=attitude, speaker_id=speaker)


def _hand_report(tmp_path):
    """A report rendered from hand-made judgements: what a reader sees, checked line by line."""
    from stance.stages.corpus import Document
    from stance.stages.judge import Judgement

    a_text = "Mujahid denied that the Taliban took Russia's money & said it's \"a smear\" <b>."
    b_text = "Russia paid bounties to the Taliban, officials said."
    docs = (Document("nyt", a_text, "NYT account", "New York Times"), Document("trt", b_text, "TRT", "TRT World"))
    a = _claim("nyt#001", "nyt", a_text, "Mujahid", "denies", "the Taliban took Russia's money", "denied")
    b = _claim("trt#001", "trt", b_text, "officials", "asserts", "Russia paid bounties to the Taliban", "said")
    return _report_of(tmp_path, docs, a, b, Judgement("denies", 0.9, 0.05, 0.9, 0.05, "a"))


def _report_of(tmp_path, docs, a, b, judgement):
    from stance.stages.corpus import Corpus
    from stance.stages.matrices import claim_matrix, doc_matrix
    from stance.stages.pairs import ClaimPair
    from stance.stages.report import ReportData, write_report
    from stance.stages.scores import ScoredPair

    s = ScoredPair(ClaimPair(a, b, 0.8, 0.8, 0.8), ("entailment", "neutral", "contradiction"), (0.1, 0.8, 0.1),
                   (0.1, 0.8, 0.1), 0.1, 0.1, (0.1, 0.1, 0.8), (0.9, 0.05, 0.05), judgement)
    scored = (s,)
    data = ReportData(Corpus(docs, "hand"), (a, b), scored, claim_matrix([a, b], list(scored)),
                      doc_matrix([d.id for d in docs], list(scored)), (),
                      {"corpus": {"location": "hand"}, "model": {"name_or_path": "m", "weights_sha256": "0" * 64,
                                                                 "temperature": 1.0},
                       "versions": {"stance": "0"}, "counts": {"claims_per_doc": {"nyt": 1, "trt": 1}},
                       "config": {"matrices": {"doc_top_k": 3, "doc_aggregation": "net"}}})
    return write_report(data, tmp_path / "hand", overwrite=False)


def test_report_leads_with_who_contradicts_whom(tmp_path):
    out = _hand_report(tmp_path)
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "### 1. Mujahid denies what officials assert (denies, 0.90)" in md
    # Markdown is not HTML-escaped: apostrophes, quotes, ampersands and angle brackets stay as written
    assert "Russia's money & said it's \"a smear\" <b>." in md
    assert "&#39;" not in md and "&amp;" not in md and "&quot;" not in md and "&lt;" not in md
    assert "\n     - content: “the Taliban took Russia's money”" in md
    assert "| Mujahid | officials | 0.90 | 1/1 | denies 1 |" in md
    # the page's data: the pair oriented (the denier first), both claims with their spans, the speaker matrix
    from stance.stages.page import embed_json

    html = (out / "report.html").read_text(encoding="utf-8")
    raw = html[html.index('id="stance-data">') + len('id="stance-data">'):]
    raw = raw[:raw.index("</script>")]
    assert "<b>" not in raw and "\\u003cb\\u003e" in raw and "&" not in raw   # document text cannot close the script
    page = json.loads(raw)
    [pair] = page["pairs"]
    a, b = page["claims"][pair["a"]], page["claims"][pair["b"]]
    assert (pair["relation"], pair["score"], a["speaker"], b["speaker"]) == ("denies", 0.9, "Mujahid", "officials")
    assert [page["docs"][a["doc"]]["id"], page["docs"][b["doc"]]["id"]] == ["nyt", "trt"]
    marks = {role: a["text"][s:e] for role, s, e in a["marks"]}
    assert marks == {"source": "Mujahid", "cue": "denied", "content": "the Taliban took Russia's money"}
    assert page["paragraphs"][a["para"]][a["at"]:].startswith(a["text"])        # the sentence in its context
    assert page["speaker_matrix"]["speakers"] == ["Mujahid", "officials"] and page["speaker_matrix"]["cells"][0][2:] == [0.9, 1]
    assert embed_json({"x": "</script><script>"}) == '{"x":"\\u003c/script\\u003e\\u003cscript\\u003e"}'
    rows = [json.loads(x) for x in (out / "contradictions.jsonl").read_text().splitlines()]
    assert rows[0]["relation"] == "denies" and rows[0]["attitude_a"] == "denies" and rows[0]["attitude_b"] == "asserts"
    assert rows[0]["source_a"] == "Mujahid" and rows[0]["content_b"] == "Russia paid bounties to the Taliban"
    speakers = (out / "matrix_speakers.csv").read_text().splitlines()
    assert speakers[0].startswith("speaker,") and len(speakers) == 3


def test_a_negated_content_shows_what_the_judgement_compared(tmp_path):
    """"Iraq said the woman was not his wife" against "the army detained his wife" is a denial: the report
    says so beside the claim, and contradictions.jsonl keeps the attitude as written and as read."""
    from stance.stages.corpus import Document
    from stance.stages.judge import Judgement

    a_text = "An Iraqi official said the woman detained in Lebanon was not the wife of al-Baghdadi."
    b_text = "The Lebanese army detained the wife of al-Baghdadi."
    docs = (Document("ap", a_text, "AP", "AP"), Document("leb", b_text, "Lebanon", "L"))
    a = _claim("ap#001", "ap", a_text, "An Iraqi official", "asserts",
               "the woman detained in Lebanon was not the wife of al-Baghdadi", "said")
    b = _claim("leb#001", "leb", b_text, "leb (author)", "asserts")
    out = _report_of(tmp_path, docs, a, b, Judgement("denies", 0.7, 0.1, 0.7, 0.1, "a"))
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "\n     - a negated content, read as denying: “the woman detained in Lebanon was the wife of al-Baghdadi”" in md
    assert md.count("read as denying") == 1                   # the plain assertion gets no such line
    [row] = [json.loads(x) for x in (out / "contradictions.jsonl").read_text().splitlines()]
    assert (row["attitude_a"], row["read_attitude_a"], row["read_attitude_b"]) == ("asserts", "denies", "asserts")
    assert row["read_a"] == "the woman detained in Lebanon was the wife of al-Baghdadi"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "a negated content, read as denying: “the woman detained in Lebanon was the wife of al-Baghdadi”" in html
