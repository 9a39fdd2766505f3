"""The report page as a person uses it, in headless Chromium (selenium + Debian's chromium-driver):
the first screen, the relation and speaker filters with their counts, a matrix cell's evidence,
document text that tries to be markup, and a 1,000-document page's size."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

DESKTOP, NARROW = (1366, 900), (400, 900)


def _binary(*names: str) -> str | None:
    return next((p for p in (shutil.which(n) for n in names) if p), None)


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    driver_path, chrome = _binary("chromedriver"), _binary("chromium", "chromium-browser", "google-chrome")
    if not (driver_path and chrome):
        pytest.skip("headless Chromium not found: `make setup` installs Debian's chromium and chromium-driver")
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = chrome
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                f"--window-size={DESKTOP[0]},{DESKTOP[1]}"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path), options=opts)
    yield driver
    driver.quit()


def open_page(browser, path: Path, size=DESKTOP):
    from selenium.webdriver.support.ui import WebDriverWait

    browser.set_window_size(*size)
    browser.get(path.resolve().as_uri())
    WebDriverWait(browser, 20).until(lambda d: d.find_element("tag name", "body").get_attribute("data-ready") == "1")
    assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] if hasattr(browser, "get_log") else True


def page_json(path: Path) -> dict:
    html = path.read_text(encoding="utf-8")
    raw = re.search(r'<script type="application/json" id="stance-data">(.*?)</script>', html, re.S).group(1)
    return json.loads(raw)


def cards(browser, where="#group-list"):
    return browser.find_elements("css selector", f"{where} article.card")


def shown(browser) -> int:
    return int(browser.find_element("id", "shown").text.split()[0])


def in_first_screen(browser, element) -> bool:
    return browser.execute_script("const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight;",
                                  element)


def test_bundled_report_first_screen_filters_and_matrix(browser, e2e_run, tmp_path):
    out = e2e_run[0]
    page = out / "report.html"
    data = page_json(page)
    open_page(browser, page)

    # the top conflict cards, with the attributes the page and its tests select on
    first = cards(browser)
    assert first and first[0].get_attribute("data-relation") in ("denies", "disputes", "contradicts")
    scores = [float(c.get_attribute("data-score")) for c in first]
    assert scores[0] == max(p["score"] for p in data["pairs"] if p["relation"] in ("denies", "disputes", "contradicts"))
    # the strongest conflict is on the first screen; design card 2 (TRT's caution disputes the New York Times
    # account) is among the first four groups (three rank above it: Trump's two denials and design card 1;
    # whether its heading still fits the first screen depends on how the header wraps, e.g. the model path)
    assert in_first_screen(browser, first[0])
    trt = [c for c in first if c.get_attribute("data-relation") == "disputes" and c.get_attribute("data-doc-a") == "trt-caution"
           and "should be treated with caution" in c.text]
    groups = browser.find_elements("css selector", "#group-list .group")
    trt_group = [i for i, g in enumerate(groups) if trt and trt[0] in g.find_elements("css selector", "article.card")]
    assert trt and trt_group and trt_group[0] < 4
    # source, cue and content are marked inside the sentence
    assert trt[0].find_elements("css selector", "mark.content") and trt[0].find_elements("css selector", "em.cue")
    browser.save_screenshot(str(tmp_path / "desktop.png"))

    # relation filter: the counts beside each relation, and what remains shown
    n = {r: sum(p["relation"] == r for p in data["pairs"]) for r in ("denies", "disputes", "contradicts", "supports")}
    assert browser.find_element("id", "count-disputes").text == f"({n['disputes']})"
    assert shown(browser) == n["denies"] + n["disputes"] + n["contradicts"]
    browser.find_element("id", "rel-disputes").click()
    assert shown(browser) == n["denies"] + n["contradicts"]
    assert all(c.get_attribute("data-relation") != "disputes" for c in cards(browser))
    browser.find_element("id", "rel-supports").click()
    assert shown(browser) == n["denies"] + n["contradicts"] + n["supports"]
    browser.find_element("id", "f-reset").click()
    assert shown(browser) == n["denies"] + n["disputes"] + n["contradicts"]

    # speaker filter: only pairs with that speaker on either side, and the counts follow
    speaker = data["claims"][data["pairs"][0]["a"]]["speaker"]
    box = browser.find_element("id", "f-speaker")
    box.send_keys(speaker)
    expected = [p for p in data["pairs"] if p["relation"] != "supports" and
                speaker.lower() in (data["claims"][p["a"]]["speaker"] + "\0" + data["claims"][p["b"]]["speaker"]).lower()]
    assert shown(browser) == len(expected) > 0
    assert all(speaker.lower() in (c.get_attribute("data-source-a") + c.get_attribute("data-source-b")).lower()
               for c in cards(browser))
    browser.find_element("id", "f-reset").click()

    # a document matrix cell: hover text with value and counts, click lists that cell's evidence
    cell = browser.find_elements("css selector", "#doc-matrix td.cell")[0]
    row, col = cell.get_attribute("data-row"), cell.get_attribute("data-col")
    assert re.search(r"conflict \d\.\d\d, \d+ conflicting and \d+ supporting of \d+ claim pairs", cell.get_attribute("title"))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell)
    cell.click()
    assert browser.find_element("id", "evidence").is_displayed()
    assert row in browser.find_element("id", "evidence-title").text and col in browser.find_element("id", "evidence-title").text
    for c in cards(browser, "#evidence-list"):
        assert {c.get_attribute("data-doc-a"), c.get_attribute("data-doc-b")} == {row, col}
    # a claim's sentence in context
    ctx_button = browser.find_elements("css selector", "#group-list button.ctx")[0]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", ctx_button)
    ctx_button.click()
    assert browser.find_elements("css selector", "#group-list .context:not([hidden]) mark")

    open_page(browser, page, NARROW)
    browser.save_screenshot(str(tmp_path / "narrow.png"))
    assert (tmp_path / "desktop.png").stat().st_size > 10_000 and (tmp_path / "narrow.png").stat().st_size > 10_000
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", html) and "https://" not in html and "http://" not in html


def test_spokesman_denial_is_on_the_first_screen(browser, e2e_run):
    open_page(browser, e2e_run[0] / "report.html")
    hits = [c for c in cards(browser) if "Mujahid" in c.text and c.get_attribute("data-relation") == "denies"]
    assert hits and in_first_screen(browser, hits[0])


HOSTILE = ('Officials said Russia paid bounties </script><script>window.__xss = 1</script> to militants '
           '<img src=x onerror="window.__xss = 2"> in Afghanistan.')
DENIAL = 'The Taliban denied that Russia paid bounties to militants in Afghanistan <b onmouseover="window.__xss=3">.'


class DenialScorer:
    """Contents with "Russia paid bounties" on both sides entail each other: the denial conflicts."""
    labels = ("entailment", "neutral", "contradiction")

    def predict(self, pairs, batch_size=None):
        import numpy as np

        return np.array([[0.9, 0.05, 0.05] if "bounties" in p and "bounties" in h else [0.1, 0.8, 0.1] for p, h in pairs])


def test_document_text_is_data_never_markup(browser, tmp_path):
    from stance.pipeline import run

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "hostile.txt").write_text(HOSTILE + "\n", encoding="utf-8")
    (corpus / "denial.txt").write_text(DENIAL + "\n", encoding="utf-8")
    res = run(corpus, out=tmp_path / "out", scorer=DenialScorer(), quiet=True, config={"claims": {"tagger": None}})
    page = res.out_dir / "report.html"
    html = page.read_text(encoding="utf-8")
    assert "</script><script>window.__xss" not in html and "<img src=x" not in html   # escaped in the JSON too
    open_page(browser, page)
    assert browser.execute_script("return window.__xss === undefined")
    [card] = cards(browser)
    assert "</script><script>window.__xss = 1</script>" in card.text and '<img src=x onerror="window.__xss = 2">' in card.text
    assert not browser.find_elements("css selector", "#group-list img, #group-list script, #group-list b[onmouseover]")
    browser.execute_script("document.querySelectorAll('#group-list *').forEach(e => e.dispatchEvent(new MouseEvent('mouseover')))")
    assert browser.execute_script("return window.__xss === undefined")


def test_thousand_document_page_is_small_and_filters(browser, tmp_path):
    """A report for 1,000 documents and 20,000 judged claim pairs (hand-made judgements, the real
    renderer): under 5 MB, and the browser opens and filters it."""
    from stance.stages.corpus import Corpus, Document
    from stance.stages.judge import Judgement
    from stance.stages.matrices import claim_matrix, doc_matrix, speaker_matrix
    from stance.stages.pairs import ClaimPair
    from stance.stages.report import ReportData, write_report
    from stance.stages.scores import ScoredPair
    from test_report import _claim

    import random

    rng = random.Random(0)
    docs, claims = [], []
    for d in range(1000):
        sents = [f"Official {d % 37} said that event {d}-{i} happened near town {rng.randint(0, 99)} on day {i}."
                 for i in range(8)]
        text = "\n\n".join(sents)
        docs.append(Document(f"doc{d:04d}", text, f"Headline {d}", f"Outlet {d % 50}", "2020-06-30"))
        for i, sent in enumerate(sents):
            start = text.index(sent)
            c = _claim(f"doc{d:04d}#{i:03d}", f"doc{d:04d}", sent, f"Official {d % 37}",
                       rng.choice(("asserts", "asserts", "denies", "doubts")), sent[sent.index("event"):-1], "said")
            claims.append(type(c)(**{**c.__dict__, "start": start, "end": start + len(sent),
                                     "content_span": (start + sent.index("event"), start + len(sent) - 1),
                                     "content_spans": (), "cue_span": (start + sent.index("said"), start + sent.index("said") + 4),
                                     "source_span": (start, start + len(f"Official {d % 37}"))}))
    scored = []
    for _ in range(20_000):
        a, b = rng.sample(claims, 2)
        if a.doc_id == b.doc_id:
            continue
        a, b = (a, b) if a.id < b.id else (b, a)
        rel = rng.choice(("denies", "disputes", "contradicts", "supports", "neutral", "neutral"))
        score = rng.random()
        scored.append(ScoredPair(ClaimPair(a, b, 0.6, 0.6, 0.6), ("entailment", "neutral", "contradiction"),
                                 (0.2, 0.6, 0.2), (0.2, 0.6, 0.2), 0.2, 0.2, (0.2, 0.6, 0.2), (0.2, 0.6, 0.2),
                                 Judgement(rel, score, 1 - score, score, 1 - score, "a")))
    ids = [d.id for d in docs]
    data = ReportData(Corpus(tuple(docs), "synthetic"), tuple(claims), tuple(scored), claim_matrix(claims, scored),
                      doc_matrix(ids, scored, max_docs=40), (),
                      {"corpus": {"location": "synthetic"}, "model": {"name_or_path": "m", "weights_sha256": "0" * 64},
                       "versions": {"stance": "0"}, "counts": {"claims_per_doc": {d: 8 for d in ids}},
                       "config": {"matrices": {"doc_top_k": 3, "doc_aggregation": "disagreement"}}},
                      speakers=speaker_matrix(scored))
    out = write_report(data, tmp_path / "big", overwrite=False)
    page = out / "report.html"
    assert page.stat().st_size < 5 * 2 ** 20
    open_page(browser, page)
    data_json = page_json(page)
    # the 1,500 strongest pairs, plus each shown matrix cell's own evidence
    assert 1500 <= len(data_json["pairs"]) < len(scored) and len(data_json["doc_matrix"]["docs"]) == 40
    conflicts = sum(p["relation"] != "supports" for p in data_json["pairs"])
    assert shown(browser) == conflicts
    browser.find_element("id", "rel-denies").click()
    assert shown(browser) == conflicts - sum(p["relation"] == "denies" for p in data_json["pairs"])
    assert len(browser.find_elements("css selector", "#doc-matrix tbody tr")) == 40
