import json

import pytest

from stance.stages.corpus import load_corpus
from stance.errors import StanceError

from conftest import EXAMPLE


def test_example_corpus_uses_manifest_ids_and_metadata():
    c = load_corpus(EXAMPLE)
    ids = [d.id for d in c.documents]
    assert ids == ["iran-bounties-report", "iran-too-rewards-taliban", "russia-bounties-nyt-account",
                   "trt-caution", "us-warned-iran-isis-k"]
    trt = c.by_id()["trt-caution"]
    assert trt.source == "TRT World opinion" and trt.kind == "opinion"
    assert trt.text.startswith("Reports that the Russians")


def test_folder_without_manifest_uses_file_stems(tmp_path):
    (tmp_path / "alpha.txt").write_text("One claim here today.", encoding="utf-8")
    (tmp_path / "beta.md").write_text("Another claim here today.", encoding="utf-8")
    (tmp_path / "ignored.csv").write_text("a,b", encoding="utf-8")
    assert [d.id for d in load_corpus(tmp_path).documents] == ["alpha", "beta"]


def test_jsonl_corpus(tmp_path):
    f = tmp_path / "docs.jsonl"
    f.write_text(json.dumps({"id": "a", "text": "Alpha says so.", "source": "S"}) + "\n" +
                 json.dumps({"id": "b", "text": "Beta says no."}) + "\n", encoding="utf-8")
    c = load_corpus(f)
    assert [d.id for d in c.documents] == ["a", "b"] and c.documents[0].source == "S"


@pytest.mark.parametrize("content, expected", [
    (b"", "empty or whitespace"),
    (b"   \n\t\n", "empty or whitespace"),
    (b"\x00\x01binary\x00", "binary file"),
    (b"caf\xe9 latin-1 text", "not valid UTF-8"),
])
def test_bad_files_name_the_file_and_the_fix(tmp_path, content, expected):
    (tmp_path / "good.txt").write_text("A good document with a claim.", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    with pytest.raises(StanceError) as exc:
        load_corpus(tmp_path)
    msg = str(exc.value)
    assert str(bad) in msg and expected in msg and "--skip-bad-files" in msg and "\n" not in msg
    c = load_corpus(tmp_path, skip_bad_files=True)
    assert [d.id for d in c.documents] == ["good"] and len(c.skipped) == 1


def test_size_cap(tmp_path):
    (tmp_path / "big.txt").write_text("word " * 1000, encoding="utf-8")
    with pytest.raises(StanceError, match="over the 100-byte cap"):
        load_corpus(tmp_path, max_file_bytes=100)


def test_empty_corpus(tmp_path):
    with pytest.raises(StanceError, match="empty corpus"):
        load_corpus(tmp_path)
    with pytest.raises(StanceError, match="corpus not found"):
        load_corpus(tmp_path / "missing")


def test_duplicate_ids(tmp_path):
    (tmp_path / "a.txt").write_text("First document text.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Second document text.", encoding="utf-8")
    (tmp_path / "manifest.json").write_text(json.dumps({"documents": [
        {"file": "a.txt", "short": "same"}, {"file": "b.txt", "short": "same"}]}), encoding="utf-8")
    with pytest.raises(StanceError, match="duplicate document id 'same'"):
        load_corpus(tmp_path)
    f = tmp_path / "d.jsonl"
    f.write_text('{"id": "x", "text": "t1"}\n{"id": "x", "text": "t2"}\n', encoding="utf-8")
    with pytest.raises(StanceError, match="duplicate document id 'x'"):
        load_corpus(f)


def test_malformed_manifest(tmp_path):
    (tmp_path / "a.txt").write_text("First document text.", encoding="utf-8")
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(StanceError, match="malformed manifest"):
        load_corpus(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"documents": [{"file": "zzz.txt"}]}), encoding="utf-8")
    with pytest.raises(StanceError, match="lists 'zzz.txt'"):
        load_corpus(tmp_path)


def test_bad_jsonl_line(tmp_path):
    f = tmp_path / "d.jsonl"
    f.write_text('{"id": "x", "text": "ok"}\nnot json\n', encoding="utf-8")
    with pytest.raises(StanceError, match=r"d.jsonl:2: not valid JSON"):
        load_corpus(f)


def test_jsonl_size_cap_is_per_document_and_the_file_may_be_larger(tmp_path):
    path = tmp_path / "c.jsonl"
    lines = [json.dumps({"id": f"d{i}", "text": "word " * 15}) for i in range(10)]   # 75 bytes each, 1 KB in all
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(load_corpus(path, max_file_bytes=100).documents) == 10
    path.write_text("\n".join(lines + [json.dumps({"id": "big", "text": "word " * 100})]) + "\n", encoding="utf-8")
    with pytest.raises(StanceError, match=r"c.jsonl:11: document 'big' is 500 bytes, over the 100-byte cap"):
        load_corpus(path, max_file_bytes=100)
    c = load_corpus(path, max_file_bytes=100, skip_bad_files=True)
    assert len(c.documents) == 10 and "big" in c.skipped[0]
    path.write_bytes(b'{"id": "x", "text": "caf\xe9"}\n')
    with pytest.raises(StanceError, match="c.jsonl:1: not valid UTF-8"):
        load_corpus(path)
