"""Who asserts a claim, through which cue, what content, with which attitude (rules).

Rule-based over the sentence surface, tried in this order (first plausible match wins):
  1. quote then speaker:  '"...," Gen. John Nicholson, commander ..., said in 2018.'
  2. inverted:            '..., said Dmitry Peskov, press secretary to ...'  /  ', writes Solomon,'
  3. trailing:            '..., U.S. intelligence officials say, according to CNN.'
  4. leading:             'Taliban spokesman Zabihullah Mujahid denied that ...'
  5. "According to SPEAKER, ..."
Passive hedges ("is said to", "were said to be") are the author's report of an unnamed source: the
cue is the hedge and the source the author.  A pronoun speaker ("he said") takes the previous
claim's speaker; a bare quotation right after an attributed quotation continues it.  Everything
else is the author's (the document's source).  Inside the content, evidential frames ("P should be
treated with caution", "P is without foundation") move their predicate into the cue, so the
content is the proposition P and the attitude says what the source does with it.

All spans are (start, end) character offsets into the sentence; ``stance.claims`` shifts them
into the document.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from stance.stages.cues import DENIAL_CUES, DENIAL_VERBS, HEDGE, NEEDS_THAT, REPORTING_VERBS, attitude_of, evidential_frame

Span = tuple[int, int]

_V = "|".join(sorted(REPORTING_VERBS, key=len, reverse=True))
_VT = "|".join(NEEDS_THAT)
_ADV = r"(?:(?:has|have|had|also|previously|repeatedly|strongly|later|again|then|publicly|privately|\w+ly)\s+)*"
_NEG = r"(?:(?:did|does|do|would|could|has|have|had)(?:n['’]t|\s+not)\s+(?:\w+ly\s+)?)?"
# negated or withheld reporting: "did not confirm", "declined to confirm" (a doubt cue)
_NEGV = (r"(?:(?:did|does|do|would|could|will|has|have|had)(?:n['’]t|\s+not)\s+(?:\w+ly\s+)?"
         r"(?:confirm|verify|corroborate|say|deny|dispute)|(?:declined|refused|failed) to (?:confirm|verify|corroborate))")
_ROLE = {
    "official", "officials", "spokesman", "spokeswoman", "spokesperson", "spokesmen", "intelligence",
    "press", "secretary", "commander", "source", "sources", "analyst", "analysts", "expert", "experts",
    "lawmakers", "officer", "officers", "minister", "ministers", "ministry", "government", "agency",
    "senior", "former", "top", "military", "administration", "state", "media", "authorities", "director",
    "adviser", "advisers", "investigators", "diplomat", "diplomats", "representative", "representatives",
    "people", "familiar", "with", "the", "matter", "a", "an", "of", "for", "to", "and", "in", "at", "on",
    "report", "reporting", "by", "president", "his", "her", "their", "its", "group", "document",
    "several", "some", "many", "other", "local", "federal", "national", "western", "briefed",
    "assessment", "unit", "council", "department", "envoy", "chief", "head", "leader", "leaders",
    "book", "congressman", "senator", "member", "members", "staff",
}
_LEAD_IN = re.compile(r"^(?:in|on|at|after|before|during|last|now|since|for|as|when|while|but|and|"
                      r"however|yet|true to form|in response)\b[^,]*,\s*", re.I)
_QUOTE_THEN = re.compile(rf"[”\"]\s*(?P<speaker>(?:(?:a|an|the)\s+)?[A-Za-z][^“”\"]{{1,160}}?)\s+{_ADV}(?P<verb>{_NEG}(?:{_V}))\b")
_INVERTED = re.compile(
    r"(?:^|[,”\"])\s*(?P<verb>said|says|added|wrote|writes|noted|told)\s+"
    r"(?P<speaker>[A-Z][^,.“”\"]{1,80}(?:,\s*[^.“”\"]{2,100}?)?)(?:,|\.?$)")
_TRAILING = re.compile(
    rf"[,”\"]\s*(?P<speaker>[^,“”\"]{{2,120}}?)\s+{_ADV}(?P<verb>{_NEG}(?:{_V}))(?:\s+[^,.“”\"]{{1,40}})?"
    rf"\s*(?:,\s*according to [^.]+)?\.?[”\"]?$")
# multi-word doubt cues: "raised doubts about whether P", "cast doubt on P", "questioned whether P"
_DOUBTV = (r"(?:raised|raises|raising|cast|casts|casting|expressed|expresses|voiced|voices)\s+(?:\w+\s+)?"
           r"doubts?\s+(?:about|on|over)(?:\s+(?:whether|if))?|questioned\s+whether|questions\s+whether")
_VERB_ANY = re.compile(rf"\b(?P<verb>{_DOUBTV}|{_NEGV}|{_NEG}(?:{_V}))\b|\b(?P<verb2>{_VT})\s+that\b")
_ACCORDING = re.compile(r"\b(?P<cue>according to) (?:reporting by |a report by |reports by |reporting from )?"
                        r"(?P<speaker>(?:the )?[A-Za-z][^,.“”\"]{1,80}?)(?=,|\s+on\b|\s+in\b|\.|$)", re.I)
_PASSIVE_HEDGE = re.compile(r"\b(?:is|are|was|were|been|being)\s+(?:\w+ly\s+)?(?:said|reported|believed|alleged|claimed)\s+to\b", re.I)
_PRONOUN = re.compile(r"^(he|she|they|we|i)$", re.I)
_RELATIVE = re.compile(r",\s*(?:who|which|whose)\b[^,]*,?", re.I)
# a second coordinated predicate ends the reported content: "denied that P and called the report a smear"
_CONTENT_END = re.compile(r"\s+and\s+(?:called|said|added|described|dismissed|accused|insisted|urged|vowed|"
                          r"warned|argued|noted|rejected|denied)\b|,\s+(?:tweeting|saying|calling|adding|claiming|"
                          r"arguing|noting|writing|insisting)\b|[;:]\s", re.I)


@dataclass(frozen=True)
class Attribution:
    speaker: str            # the source as written (a pronoun resolved to the previous source)
    verb: str | None        # the reporting cue, lower-cased ("denied", "according to", "is said to")
    is_denial: bool
    attributed: bool        # False when the speaker is the document's author
    source_span: Span | None = None    # into the sentence; None for the author
    cue_span: Span | None = None
    content_span: Span | None = None
    attitude: str = "asserts"
    cue_text: str | None = None        # the cue as written, including any evidential predicate


def _head(speaker: str) -> str:
    return _RELATIVE.sub("", speaker).split(",")[0].strip()


def _plausible(speaker: str) -> bool:
    """A speaker noun phrase: capitalised words, abbreviations and role words; 1-10 tokens in its head."""
    head = _head(speaker)
    if _PRONOUN.match(head):
        return True
    words = head.replace("’s", "").replace("'s", "").split()
    if not 1 <= len(words) <= 10 or len(speaker.split()) > 24:
        return False
    if words[0].lower() in {"it", "this", "that", "there", "what", "which", "preventing"}:
        return False
    ok = all(w[:1].isupper() or w[:1].isdigit() or w.lower().strip(".,’'") in _ROLE for w in words)
    return ok and (any(w[:1].isupper() for w in words)
                   or any(w.lower() in {"officials", "official", "sources", "authorities", "investigators"} for w in words))


def _tidy(speaker: str) -> str:
    speaker = _LEAD_IN.sub("", speaker.strip(" ,.:;“”\"'"))
    speaker = re.sub(r",\s*(?:in|on|at|during|for|from)\s+[a-z].*$", "", speaker)
    speaker = _RELATIVE.sub("", speaker).strip(" ,")
    speaker = re.sub(r"^(?:the|a|an)\s+(?=[A-Z])", "", speaker)
    return speaker


def _locate(s: str, text: str, lo: int, hi: int) -> Span:
    """Span of ``text`` inside s[lo:hi] (falls back to its head, then to the whole region)."""
    for cand in (text, _head(text)):
        i = s.find(cand, lo, hi)
        if cand and i >= 0:
            return i, i + len(cand)
    return lo, hi


def _trim(s: str, a: int, b: int) -> Span:
    """Strip spaces, commas, full stops and unbalanced quotes from both ends of s[a:b]."""
    while a < b and s[a] in " ,;:.\u2014\u2013-\n\t":
        a += 1
    while b > a and s[b - 1] in " ,;:.\u2014\u2013-\n\t":
        b -= 1
    for _ in range(2):
        seg = s[a:b]
        if seg and seg[0] in "“\"" and not re.search(r"[”\"]", seg[1:]):   # ("" is in every string)
            a += 1
        seg = s[a:b]
        if seg and seg[-1] in "”\"" and not re.search(r"[“\"]", seg[:-1]):
            b -= 1
        while a < b and s[a] in " ,;:." or (b > a and s[b - 1] in " ,;:."):
            a += s[a] in " ,;:." if a < b else 0
            b -= s[b - 1] in " ,;:." if b > a else 0
    return a, b


def _after_that(s: str, i: int) -> int:
    m = re.match(r"\s*:\s*|\s*(?:that|as)?\s+", s[i:])   # "said: P", "said that P", "said P"
    return i + (m.end() if m else 0)


def _find(s: str) -> tuple[str, str, Span, Span, Span] | None:
    """(speaker, verb, source span, cue span, content span) or None."""
    m = _QUOTE_THEN.search(s)
    if m and _plausible(_tidy(m.group("speaker"))):
        sp = _tidy(m.group("speaker"))
        opening = max(s.rfind("“", 0, m.start()), s.rfind('"', 0, m.start()))
        return sp, m.group("verb"), _locate(s, sp, *m.span("speaker")), m.span("verb"), \
            _trim(s, max(opening, 0), m.start() + 1)
    m = _INVERTED.search(s)
    if m and _plausible(_tidy(m.group("speaker"))):
        sp = _tidy(m.group("speaker"))
        content = _trim(s, 0, m.start() + 1)
        if len(s[content[0]:content[1]].split()) < 4 and len(s[m.end():].split()) >= 4:
            content = _trim(s, m.end(), len(s))  # "In March of that year, writes Solomon, Tehran ..."
        return sp, m.group("verb"), _locate(s, sp, *m.span("speaker")), m.span("verb"), content
    m = _TRAILING.search(s)
    if m and _plausible(_tidy(m.group("speaker"))):
        sp = _tidy(m.group("speaker"))
        return sp, m.group("verb"), _locate(s, sp, *m.span("speaker")), m.span("verb"), _trim(s, 0, m.start() + 1)
    for m in _VERB_ANY.finditer(s):  # leading: the first verb whose prefix is a plausible subject
        prefix = s[: m.start()]
        if not prefix.strip() or re.search(r"[“”\"]", prefix):
            break
        if re.search(r",\s*(?:who|which|whose)\b[^,]*$", prefix):
            continue  # inside a relative clause: "The official, who ... insisted on anonymity, said"
        if _PASSIVE_HEDGE.match(s[m.start() - 20 if m.start() >= 20 else 0: m.end() + 4][-40:]) or \
                re.search(r"\b(is|are|was|were|been|being)\s+(\w+ly\s+)?$", prefix):
            break  # "X is said to ...": a hedge reported by the author, not X speaking
        cand = _tidy(re.sub(r"\s+(?:has|have|had|also|previously|repeatedly|\w+ly)\s*$", "", prefix.strip()))
        cand = re.sub(r"(\s+(?:has|have|had|also|previously|repeatedly|\w+ly))+$", "", cand)
        if cand and _plausible(cand):
            vspan = m.span("verb") if m.group("verb") else m.span("verb2")
            start = _after_that(s, vspan[1])
            end = len(s)
            stop = _CONTENT_END.search(s, start)
            if stop:
                end = stop.start()
            return cand, (m.group("verb") or m.group("verb2")), _locate(s, cand, 0, m.start()), vspan, \
                _trim(s, start, end)
    m = _ACCORDING.search(s)
    if m and _plausible(_tidy(m.group("speaker"))):
        sp = _tidy(m.group("speaker"))
        comma = s.find(",", m.end())
        rel = re.match(r",\s*(?:who|which|whose)\b[^,]*,", s[comma:]) if comma > 0 else None
        if rel:  # "According to X, who was briefed, P."
            comma += rel.end() - 1
        if len(s[:m.start()].split()) <= 2 and comma > 0:  # "(But,) according to X, P."
            content = _trim(s, comma + 1, len(s))
        else:                            # "P, according to X."
            content = _trim(s, 0, m.start())
        return sp, "according to", _locate(s, sp, *m.span("speaker")), m.span("cue"), content
    m = _HEADLINE_COLON.match(s)
    if m and headline_source(m["speaker"]) and len(m["content"].split()) >= 3:
        colon = m.end("speaker")
        return m["speaker"], ":", m.span("speaker"), (colon, colon + 1), _trim(s, m.start("content"), len(s))
    return None


# a headline's "NASA: Viral news on days of darkness is hoax": a short speaker, a colon, the claim.
# Section labels ("BREAKING:", "WATCH:", "SEE IT:") are no speakers.
_HEADLINE_NAME = re.compile(r"[A-Z][\w.&’'-]*(?:\s+[A-Z][\w.&’'-]*){0,3}")
_HEADLINE_COLON = re.compile(rf"^(?P<speaker>{_HEADLINE_NAME.pattern}):\s+(?P<content>\S.*)$", re.S)
_SECTION_LABELS = frozenset({"breaking", "breaking news", "watch", "update", "updated", "exclusive", "video", "photos",
                             "photo", "report", "news", "see it", "opinion", "analysis", "live", "editorial", "read",
                             "listen", "revealed", "just in", "must see", "pics", "pictures", "graphic", "warning", "see also",
                             "related", "fears", "more", "watch now"})


def headline_source(prefix: str) -> str | None:
    """The speaker of a "Speaker: claim" headline prefix, or None when it is a section label or no name."""
    prefix = prefix.strip()
    if prefix.lower() in _SECTION_LABELS or not _HEADLINE_NAME.fullmatch(prefix) or not _plausible(prefix):
        return None
    return prefix


def _frame(s: str, content: Span, cue: Span | None) -> tuple[Span, Span | None, str | None]:
    """Apply an evidential frame inside the content: returns (content, cue span, extra cue text)."""
    a, b = content
    f = evidential_frame(s[a:b])
    if not f:
        return content, cue, None
    ca, cb, pa, pb = f
    return _trim(s, a + ca, a + cb), cue, s[a + pa:a + pb]


def attribute(sentence: str, author: str, previous: "Attribution | None" = None,
              previous_text: str = "") -> Attribution:
    """Attribute ``sentence``; ``previous`` (the claim before it) resolves pronouns and quote runs."""
    lead = len(sentence) - len(sentence.lstrip())
    s = sentence.strip()
    found = _find(s)
    denial_cue = bool(DENIAL_CUES.search(s))
    shift = (lambda sp: None if sp is None else (sp[0] + lead, sp[1] + lead))  # noqa: E731
    if not found:
        starts_quote = s[:1] in "“\""
        content = _trim(s, 0, len(s))
        if starts_quote and previous and previous.attributed and re.search(r"[“”\"]", previous_text):
            content, _, extra = _frame(s, content, None)
            att = attitude_of(" ".join(x for x in (previous.verb, extra) if x), s[content[0]:content[1]]) \
                if extra else previous.attitude
            return Attribution(previous.speaker, previous.verb, denial_cue or previous.is_denial, True,
                               None, None, shift(content), att, extra or previous.cue_text)
        hedge = HEDGE.search(s)
        cue = hedge.span() if hedge else None
        content, _, extra = _frame(s, content, cue)
        if extra:
            cue = (s.find(extra), s.find(extra) + len(extra))
        cue_text = s[cue[0]:cue[1]] if cue else None
        att = attitude_of(cue_text, s[content[0]:content[1]])
        return Attribution(author, cue_text.lower() if (cue_text and hedge and not extra) else None,
                           False, attributed=False, source_span=None, cue_span=shift(cue),
                           content_span=shift(content), attitude=att, cue_text=cue_text)
    speaker, verb, sspan, vspan, cspan = found
    if _PRONOUN.match(_head(speaker)):
        if previous and previous.attributed:
            speaker = previous.speaker
        else:
            return attribute_author(s, author, lead)
    cspan, _, extra = _frame(s, cspan, vspan)
    cue_text = s[vspan[0]:vspan[1]] + (f" … {extra}" if extra else "")
    att = attitude_of(cue_text, s[cspan[0]:cspan[1]])
    verb = verb.lower()
    is_denial = verb.split()[-1] in DENIAL_VERBS or denial_cue
    return Attribution(speaker, verb, is_denial, True, shift(sspan), shift(vspan), shift(cspan), att, cue_text)


def attribute_author(s: str, author: str, lead: int = 0) -> Attribution:
    content = _trim(s, 0, len(s))
    return Attribution(author, None, False, False, None, None, (content[0] + lead, content[1] + lead), "asserts")
