"""Stage 2, claims: sentences that assert something, with spans and attribution."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from stance.cache import CorruptCache, DiskStore, cached_map, files_sha256
from stance.stages.attribution import attribute
from stance.stages.frames import OPEN_QUOTE, closes_quote, continued_report, reporting_frame, reattributed, spans_in
from stance.stages.corpus import Corpus, Document
from stance.stages.sentences import split_sentences


@dataclass(frozen=True)
class Claim:
    """A sentence as an attributed proposition: who (source), how (cue), what (content), attitude.

    Every span is a (start, end) character offset into the document text; ``source_span`` is None
    for the document's author, ``cue_span`` None for a plain assertion.
    """
    id: str
    doc_id: str
    text: str
    start: int          # character span of the sentence in the original document text
    end: int
    speaker: str        # the source as written ("Taliban spokesman Zabihullah Mujahid"), or "<doc> (author)"
    verb: str | None    # the reporting cue, lower-cased ("said", "denied", "according to", "is said to")
    is_denial: bool
    attributed: bool
    is_headline: bool = False
    source_span: tuple[int, int] | None = None
    cue: str | None = None              # the cue as written, with any evidential predicate
    cue_span: tuple[int, int] | None = None
    content: str = ""                   # the reported proposition, compared across documents
    content_span: tuple[int, int] | None = None
    content_spans: tuple[tuple[int, int], ...] = ()   # segments when the content is discontinuous
    attitude: str = "asserts"           # asserts | denies | doubts
    speaker_id: str = ""                # normalised speaker (stance.speakers) for the speaker matrix
    refers_to: str | None = None        # an anaphoric content ("any such relationship") stands for this claim's
    resolved_content: str = ""          # ... content, which NLI reads in its place (``resolve_references``)

    @property
    def source(self) -> str:
        return self.speaker


@dataclass(frozen=True)
class ClaimOptions:
    min_words: int = 4
    max_words: int = 120
    drop_questions: bool = True
    keep_headline: bool = True
    boilerplate: tuple[str, ...] = ()
    dateline: str | None = None
    all_attributions: bool = False      # every tagged attribution in a sentence, not only the main one

    @classmethod
    def from_config(cls, cfg: dict) -> "ClaimOptions":
        return cls(min_words=int(cfg.get("min_words", 4)), max_words=int(cfg.get("max_words", 120)),
                   drop_questions=bool(cfg.get("drop_questions", True)),
                   keep_headline=bool(cfg.get("keep_headline", True)),
                   boilerplate=tuple(cfg.get("boilerplate", ())), dateline=cfg.get("dateline"),
                   all_attributions=bool(cfg.get("all_attributions", False)))


def author_of(doc: Document) -> str:
    return f"{doc.source or doc.id} (author)"


_SOURCE_LEAD = re.compile(r"^(?:(?:(?:according|thanks)\s+to|to|of|by|from|for|with|in)\s+)?(?:(?:reporting|(?:a|the)\s+report|reports)\s+"
                          r"(?:by|from)\s+)?", re.I)
_EXPLETIVE = re.compile(r"^(?:it|this|that|there|what|which)$", re.I)
_COMPLEMENTIZER = re.compile(r"^\s*(?:that|whether|if)?\s*$", re.I)
_TAIL_NAME = re.compile(r"^(?:[A-Z][\w.&’'-]*)(?:\s+(?:[A-Z][\w.&’'-]*|of|the|for|and)){0,4}$")


def _extend_source(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """A source the tagger cut short ("officials" in "U.S. intelligence officials", "and Afghan officials"
    in "US and Afghan officials") takes back up to four words before it, while the whole still reads as
    a speaker (``attribution._plausible``) and no comma, colon or quote intervenes."""
    from stance.stages.attribution import _plausible

    a, b = span
    head = re.split(r"[,;:“”\"(]", text[:a])[-1]
    words = list(re.finditer(r"\S+", head))
    for n in range(min(4, len(words)), 0, -1):
        start = words[-n].start() + (a - len(head))
        if _plausible(text[start:b]):
            return start, b
    return span


def tagged_attributions(text: str, start: int, spans, author: str, previous, previous_text: str,
                        every: bool = True) -> list:
    """Every attribution the tagger finds in the sentence text[start:...], the main one first (its
    longest content): "Officials said P, while Mujahid denied Q" is two claims with two sources.  After
    the main one, each further cue with a content of at least ``MIN_SECOND_WORDS`` words left over makes
    another (``every``; else the main one only).  Empty when the tagger found no cue there (the rules
    then decide)."""
    found = tagged_attribution(text, start, spans, author, previous, previous_text, split=every)
    out = [found] if found else []
    while every and found and found[0].cue_span:
        att, segs = found
        taken = [att.cue_span, *segs] + ([att.source_span] if att.source_span else [])
        used = [(start + a, start + b) for a, b in taken]
        spans = [sp for sp in spans if not any(sp.start < b and a < sp.end for a, b in used)]
        found = tagged_attribution(text, start, spans, author, previous, previous_text, main=out[0][0], split=True)
        if found and len(text[found[0].content_span[0]:found[0].content_span[1]].split()) >= MIN_SECOND_WORDS:
            out.append(found)
        else:
            break
    return out


MIN_SECOND_WORDS = 3   # a second attribution in a sentence needs a content that can state something


_FUNCTION_WORDS = frozenset({"in", "with", "at", "on", "of", "for", "to", "by", "from", "into", "about", "and", "or",
                             "but", "the", "a", "an", "as", "that", "has", "have", "had", "is", "was", "were", "are"})


def tagged_attribution(text: str, start: int, spans, author: str, previous, previous_text: str, main=None,
                       split: bool = False):
    """An Attribution from tagger spans inside the sentence text[start:...], or None when the tagger
    found no cue there (the rules then decide).  Spans come back relative to the sentence.  ``main``: the
    sentence's main attribution when this is a further one; with no source of its own, the main source
    speaks ("Trump denied P, tweeting that Q"; "Mujahid denied P and called the report a smear")."""
    from stance.stages.attribution import _PRONOUN, Attribution, _frame, _plausible, _trim, attribute, headline_source
    from stance.stages.cues import DENIAL_CUES, DENIAL_VERBS, attitude_of

    inside = spans_in(spans, start, text)
    cues = [x for x in inside if x[0] == "Cue"]
    contents = [(a, b) for r, a, b in inside if r == "Content" and b - a > 1]
    if main is None and not cues and contents and previous is not None and previous.attributed:
        return continued_report(text, contents, previous, previous_text)
    if not cues or not contents:
        return None
    if not any(x[0] == "Source" for x in inside) and len(contents) > 1:
        # "Woman detained in Lebanon is not his wife, says Iraq": the tagger reads the trailing name as
        # more content; a short capitalised tail right after a cue, ending the sentence, is the source
        a, b = contents[-1]
        if _TAIL_NAME.match(text[a:b]) and not text[b:].strip(" .!\"”’'") and any(
                0 <= a - x[2] <= 2 for x in cues):
            contents.pop()
            inside.append(("Source", a, b))
    colon = next((x for x in cues if text[x[1]:x[2]].strip() == ":"), None)
    if colon is not None and headline_source(text[:colon[1]]):
        # a headline's "Brian Williams: No, our meteorologist was not peeing": all after the colon is content
        contents = [(colon[2], len(text))]
    # one attribution per claim: the longest content, the cue nearest to it, the source nearest to
    # that cue; other content segments join only when no other cue stands between them and it
    primary = max(contents, key=lambda c: c[1] - c[0])
    def gap(x, c):  # distance between a span and a content; "denied that P" is as close as "denied P"
        if x[2] <= c[0] and _COMPLEMENTIZER.match(text[x[2]:c[0]]):
            return 0
        return max(0, c[0] - x[2], x[1] - c[1])
    cue = min(cues, key=lambda x: gap(x, primary))
    others = [x for x in cues if x is not cue]
    # ... nor, when every attribution makes a claim (``split``), when another cue is nearer to them
    # ("Fowler said P — and he noted Q": P is what "said" reports, and its own claim)
    segs = sorted(c for c in contents if c == primary or not any(
        min(c[1], primary[1]) <= x[1] < max(c[0], primary[0]) or (split and gap(x, c) < gap(cue, c))
        for x in others))
    # a stray one-word "source" the tagger reads in a preposition or article ("in", "with") is noise
    sources = [x for x in inside if x[0] == "Source" and text[x[1]:x[2]].strip().lower() not in _FUNCTION_WORDS]
    rules = None

    def by_rules():  # the rules' reading, only when the tagger leaves the source open
        nonlocal rules
        rules = rules or attribute(text, author, previous, previous_text)
        return rules

    content = _trim(text, segs[0][0], segs[-1][1])
    if content[1] - content[0] < 2:
        return None
    content, _, extra = _frame(text, content, None)
    cue_text = text[cue[1]:cue[2]] + (f" … {extra}" if extra else "")
    sspan = None
    if sources:
        src = min(sources, key=lambda x: abs(x[1] - cue[1]))
        tagged_source = _trim(text, src[1], src[2])
        sspan = _extend_source(text, tagged_source)
        lead = _SOURCE_LEAD.match(text[sspan[0]:sspan[1]])
        if lead and lead.end() < sspan[1] - sspan[0]:  # "According to reporting by NBC News" -> "NBC News"
            sspan = (sspan[0] + lead.end(), sspan[1])
        if content[0] < sspan[0] < content[1] <= tagged_source[0]:  # words the source took back from the content
            content = _trim(text, content[0], sspan[0])
    if sspan and not _EXPLETIVE.match(text[sspan[0]:sspan[1]]):
        speaker = text[sspan[0]:sspan[1]]
        if _PRONOUN.match(speaker.strip()):
            # "Fowler said P, and he noted Q": a name earlier in the sentence, else the speaker before
            named = [_trim(text, x[1], x[2]) for x in sources if x[2] <= src[1]]
            named = [text[a:b] for a, b in named if not _PRONOUN.match(text[a:b]) and _plausible(text[a:b])]
            if named:
                speaker = named[-1]
            else:
                speaker = previous.speaker if previous and previous.attributed else \
                    (by_rules().speaker if by_rules().attributed else None)
        attributed = speaker is not None
        speaker = speaker or author
    elif main is not None:
        sspan, speaker, attributed = main.source_span, main.speaker, main.attributed
    elif by_rules().attributed:
        sspan, speaker, attributed = rules.source_span, rules.speaker, True
    else:
        sspan, speaker, attributed = None, author, False
    segs = tuple(_trim(text, max(a, content[0]), min(b, content[1])) for a, b in segs
                 if min(b, content[1]) > max(a, content[0]))
    verb = text[cue[1]:cue[2]].lower()
    att = attitude_of(cue_text, text[content[0]:content[1]])
    return Attribution(speaker, verb, verb.split()[-1] in DENIAL_VERBS or bool(DENIAL_CUES.search(text)), attributed,
                       sspan, (cue[1], cue[2]), content, att, cue_text), segs


def extract_claims(doc: Document, opts: ClaimOptions, tagger=None) -> list[Claim]:
    boiler = [re.compile(p, re.I) for p in opts.boilerplate]
    dateline = re.compile(opts.dateline) if opts.dateline else None
    author = author_of(doc)
    claims: list[Claim] = []
    previous = None
    previous_text = ""
    sentences = split_sentences(doc.text)
    tagged = tagger.tag(doc.text) if tagger is not None else None
    first_real = True
    colon_frame = None   # "Caddell continued:" — the sentence after it is what the frame's source says
    for sent in sentences:
        text, start = sent.text, sent.start
        opening, colon_frame = colon_frame, None
        if any(b.search(text) for b in boiler):
            continue
        if dateline:
            m = dateline.match(text)
            if m and len(text[m.end():].split()) >= opts.min_words:
                text, start = text[m.end():], start + m.end()
        n_words = len(text.split())
        if claims and closes_quote(doc.text, claims[-1], start):
            frame = reporting_frame(text, tagged, start, author, previous, previous_text)
            if frame is not None:   # "“P. Q.” Mujahid said in a statement.": the quote before is Mujahid's
                claims[-1] = reattributed(claims[-1], frame, start)
                previous = frame
                previous_text = claims[-1].text   # a quote that follows runs on from this speaker
                first_real = False
                continue
        if text.rstrip().endswith(":") and not text.lstrip().startswith(OPEN_QUOTE):
            frame = reporting_frame(text, tagged, start, author, previous, previous_text)
            if frame is not None:   # a frame of what follows, no claim of its own
                colon_frame, previous, previous_text = (frame, start), frame, text
                first_real = False
                continue
        line = doc.text[doc.text.rfind("\n", 0, sent.start) + 1: (doc.text.find("\n", sent.end) + 1 or len(doc.text) + 1) - 1]
        is_headline = first_real and line.strip() == sent.text and not text.rstrip().endswith((".", "?", "!", '"', "”"))
        is_headline = is_headline or (first_real and line.strip() == sent.text and n_words <= 25
                                      and "\n" in doc.text[sent.end:sent.end + 3])
        if n_words < opts.min_words or n_words > opts.max_words:
            continue
        if opts.drop_questions and text.rstrip(" ”\"").endswith("?"):
            continue
        if is_headline and not opts.keep_headline:
            first_real = False
            continue
        found = tagged_attributions(text, start, tagged, author, previous, previous_text, opts.all_attributions) \
            if tagged else []
        found = found or [(attribute(text, author, previous, previous_text), None)]
        previous, previous_text = found[0][0], text
        for k, (att, segs) in enumerate(found):
            claim = claim_from(doc, f"{doc.id}#{len(claims) + 1:03d}", text, start, att, is_headline, author, segs)
            if k == 0 and opening is not None and att.cue_span is None:
                # no cue of its own: the colon frame before it ("The New York Times reports:") says it
                claim = reattributed(claim, *opening)
                previous = opening[0]
            claims.append(claim)
        first_real = False
    return resolve_references(claims)


# A content that points back instead of stating ("This type of agreement ... is without foundation",
# "denied that the insurgents have any such relationship", "dismissed the allegations"): compared as
# written it matches nothing, so the denial looks neutral toward the very claim it answers.
ANAPHORIC_CONTENT = re.compile(
    r"^(?:that\s+)?[“\"‘']?(?:this|these|those|such)\b|"
    # "the story", "the Russian bounty story", "the intelligence about Russian bounties": a report that
    # carries no proposition of its own ("the claims that P" and "reports of P" carry one)
    r"^(?:that\s+)?[“\"‘']?(?:the|these|those)\s+(?:[\w-]+\s+){0,3}?(?:reports?|reporting|allegations?|claims?|"
    r"accusations?|stor(?:y|ies)|rumou?rs?|charges?|intelligence|information|matter)"
    r"(?=\s*$|\s*[,.;:”\"’')]|\s+(?:about|on|regarding|concerning|as|is|are|was|were|has|have|had|remains?|should|"
    r"must|would|could|from|in)\b)|"
    r"^(?:that\s+)?(?:it|this|that)[.”\"’']*$|"
    r"\b(?:any such|no such|such an?|(?:this|that) (?:type|kind|sort) of|(?:these|those) (?:types|kinds|sorts) of)\b", re.I)


_PRONOUN_CONTENT = re.compile(r"^[“\"‘']?(?:this|that|it|these|those)[.”\"’']*$", re.I)


def resolve_references(claims: list[Claim]) -> list[Claim]:
    """A denial or doubt whose content points back (``ANAPHORIC_CONTENT``) answers the story's own
    claim: news states its central allegation first (the headline's content, whatever its attitude,
    else the lead) and later quotes
    who rejects "such" a thing.  A bare pronoun ("But this is not convincing") answers the sentence
    just before it instead.  Such a claim keeps its words and spans, and records the claim it stands
    for (``refers_to``) and that claim's content (``resolved_content``, what NLI reads)."""
    from dataclasses import replace

    def stating(c):
        return c.attitude == "asserts" and not ANAPHORIC_CONTENT.search(c.content)
    # the headline states the story even when it doubts it ("Reports that P should be treated with caution")
    lead = next((c for c in claims if c.is_headline), None) or next((c for c in claims if stating(c)), None)
    if lead is not None and ANAPHORIC_CONTENT.search(lead.content):
        lead = None
    out = []
    for i, c in enumerate(claims):
        if c.attitude in ("denies", "doubts") and ANAPHORIC_CONTENT.search(c.content):
            before = claims[i - 1] if i else None
            # "officials accused Russia of P, although Russian officials dismissed such claims": an accusation
            # in the same sentence is what it answers, as is the sentence just before for a bare pronoun
            near = before is not None and stating(before) and (
                before.start == c.start or _PRONOUN_CONTENT.match(c.content.strip()))
            target = before if near else lead if lead is not None and claims.index(lead) < i else None
            if target is not None:
                c = replace(c, refers_to=target.id, resolved_content=target.content)
        out.append(c)
    return out


def claim_from(doc: Document, cid: str, text: str, start: int, att, is_headline: bool, author: str,
           segments=None) -> Claim:
    from stance.stages.speakers import speaker_key

    shift = (lambda sp: None if sp is None else (start + sp[0], start + sp[1]))  # noqa: E731
    content_span = shift(att.content_span) or (start, start + len(text))
    return Claim(id=cid, doc_id=doc.id, text=text, start=start, end=start + len(text), speaker=att.speaker,
                 verb=att.verb, is_denial=att.is_denial, attributed=att.attributed, is_headline=is_headline,
                 source_span=shift(att.source_span), cue=att.cue_text, cue_span=shift(att.cue_span),
                 content=doc.text[content_span[0]:content_span[1]], content_span=content_span,
                 content_spans=tuple(shift(x) for x in segments) if segments else (content_span,),
                 attitude=att.attitude,
                 speaker_id=author if not att.attributed else speaker_key(att.speaker))


def claims_namespace(opts: ClaimOptions, tagger=None) -> str:
    """Everything that changes a document's claims: the options, the tagger's weights and the code of
    the extraction modules (so that a code change never reads stale claims)."""
    from pathlib import Path

    here = Path(__file__).resolve().parent
    code = files_sha256([here / f for f in ("sentences.py", "claims.py", "attribution.py", "cues.py", "speakers.py")] +
                        [here.parent / "models" / "tagger.py"])
    tag = getattr(tagger, "weights_sha256", None) if tagger is not None else "rules"
    return f"claims|{code}|{tag}|{opts!r}"


def claim_to_json(c: Claim) -> dict:
    from dataclasses import asdict

    return asdict(c)


def claim_from_json(d: dict) -> Claim:
    span = (lambda x: None if x is None else (int(x[0]), int(x[1])))  # noqa: E731
    return Claim(**{**d, "source_span": span(d["source_span"]), "cue_span": span(d["cue_span"]),
                    "content_span": span(d["content_span"]), "content_spans": tuple(span(x) for x in d["content_spans"])})


def extract_all(corpus: Corpus, opts: ClaimOptions, tagger=None, progress: bool = False, store=None) -> list[Claim]:
    """Every document's claims; with ``tagger`` (``stance.tagger``) its spans lead where it finds a cue.
    With ``store`` (a ``ClaimStore``), documents already extracted with the same options, tagger and
    code are read back, and new ones are written 64 documents at a time."""
    from stance.stages.speakers import normalise

    docs = list(corpus.documents)
    keys = [(d.id, d.text, d.title or "", d.source or "", d.date or "", d.kind or "") for d in docs]
    bar = []

    def compute(idx: list[int]) -> list[list[Claim]]:
        if progress and not bar and len(docs) > 50:
            from tqdm import tqdm

            bar.append(tqdm(total=len(docs), desc="claims", unit="doc", leave=False))
        out = []
        for i in idx:
            out.append(extract_claims(docs[i], opts, tagger))
            if bar:
                bar[0].update(1)
        return out

    per_doc = cached_map(store, keys, compute, chunk=64)
    if bar:
        bar[0].close()
    return normalise([c for found in per_doc for c in found])


class ClaimStore(DiskStore):
    """Claims per document (JSON values) in the shared cache."""

    def decode(self, raw: bytes) -> list[Claim]:
        try:
            return [claim_from_json(d) for d in json.loads(raw.decode("utf-8"))]
        except (ValueError, TypeError, KeyError) as exc:
            raise CorruptCache(f"malformed claims entry ({exc})") from None

    def encode(self, value: list[Claim]) -> bytes:
        return json.dumps([claim_to_json(c) for c in value], ensure_ascii=False).encode("utf-8")
