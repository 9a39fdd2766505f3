"""Who asserts a claim: speaker, reporting verb, and whether the claim is a denial.

Rule-based over the sentence surface, tried in this order (first plausible match wins):
  1. quote then speaker:  '"...," Gen. John Nicholson, commander ..., said in 2018.'
  2. inverted:            '..., said Dmitry Peskov, press secretary to ...'  /  ', writes Solomon,'
  3. trailing:            '..., U.S. intelligence officials say, according to CNN.'
  4. leading:             'Taliban spokesman Zabihullah Mujahid denied that ...'
  5. "According to SPEAKER, ..."
Passive hedges ("is said to", "were said to be") are not attributions: the author reports them.
A pronoun speaker ("he said") takes the previous claim's speaker; a bare quotation right after
an attributed quotation continues it.  Everything else is the author's (the document's source).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

VERBS = (
    "said", "says", "say", "told", "tells", "added", "adds", "stated", "noted", "argued", "argues",
    "insisted", "insists", "maintained", "maintains", "claimed", "warned", "warns", "denied", "denies",
    "deny", "dismissed", "dismisses", "rejected", "rejects", "accused", "accuses", "suggested",
    "suggests", "reported", "confirmed", "confirms", "acknowledged", "acknowledges", "alleged", "alleges",
    "asserted", "asserts", "explained", "wrote", "writes", "tweeted", "announced", "announces",
    "believes", "concluded", "disputed", "disputes", "refuted", "refutes", "stressed", "described",
    "concurred", "testified", "predicted", "cautioned",
)
# ambiguous as nouns ("reports", "claims", "states"): only a verb when "that" follows
NEEDS_THAT = ("states", "reports", "claims", "notes", "estimates")
DENIAL_VERBS = {"denied", "denies", "deny", "dismissed", "dismisses", "rejected", "rejects",
                "refuted", "refutes", "disputed", "disputes"}
DENIAL_CUES = re.compile(
    r"(without foundation|baseless|unfounded|idle gossip|not credible|\bhoax\b|\bsmear|fabricat\w+|"
    r"no (such|convincing) evidence|unsubstantiated|categorically)", re.I)

_V = "|".join(sorted(VERBS, key=len, reverse=True))
_VT = "|".join(NEEDS_THAT)
_ADV = r"(?:(?:has|have|had|also|previously|repeatedly|strongly|later|again|then|publicly|privately|\w+ly)\s+)*"
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
    "sources", "book", "congressman", "senator", "member", "members", "staff",
}
_LEAD_IN = re.compile(r"^(?:in|on|at|after|before|during|last|now|since|for|as|when|while|but|and|"
                      r"however|yet|true to form|in response)\b[^,]*,\s*", re.I)
_QUOTE_THEN = re.compile(rf"[”\"]\s*(?P<speaker>(?:(?:a|an|the)\s+)?[A-Za-z][^“”\"]{{1,160}}?)\s+{_ADV}(?P<verb>{_V})\b")
_INVERTED = re.compile(
    rf"(?:^|[,”\"])\s*(?P<verb>said|says|added|wrote|writes|noted|told)\s+"
    rf"(?P<speaker>[A-Z][^,.“”\"]{{1,80}}(?:,\s*[^.“”\"]{{2,100}}?)?)(?:,|\.?$)")
_TRAILING = re.compile(
    rf"[,”\"]\s*(?P<speaker>[^,“”\"]{{2,120}}?)\s+{_ADV}(?P<verb>{_V})(?:\s+[^,.“”\"]{{1,40}})?"
    rf"\s*(?:,\s*according to [^.]+)?\.?[”\"]?$")
_VERB_ANY = re.compile(rf"\b(?P<verb>{_V})\b|\b(?P<verb2>{_VT})\s+that\b")
_ACCORDING = re.compile(r"\baccording to (?:reporting by |a report by |reports by |reporting from )?"
                        r"(?P<speaker>(?:the )?[A-Za-z][^,.“”\"]{1,80}?)(?=,|\s+on\b|\s+in\b|\.|$)", re.I)
_PASSIVE_HEDGE = re.compile(r"\b(?:is|are|was|were|been|being)\s+(?:\w+ly\s+)?(?:said|reported|believed|alleged|claimed)\s+to\b", re.I)
_PRONOUN = re.compile(r"^(he|she|they|we|i)$", re.I)
_RELATIVE = re.compile(r",\s*(?:who|which|whose)\b[^,]*,?", re.I)


@dataclass(frozen=True)
class Attribution:
    speaker: str
    verb: str | None
    is_denial: bool
    attributed: bool  # False when the speaker is the document's author


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


def _find(s: str) -> tuple[str, str] | None:
    m = _QUOTE_THEN.search(s)
    if m and _plausible(_tidy(m.group("speaker"))):
        return _tidy(m.group("speaker")), m.group("verb")
    m = _INVERTED.search(s)
    if m and _plausible(_tidy(m.group("speaker"))):
        return _tidy(m.group("speaker")), m.group("verb")
    m = _TRAILING.search(s)
    if m and _plausible(_tidy(m.group("speaker"))):
        return _tidy(m.group("speaker")), m.group("verb")
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
            return cand, (m.group("verb") or m.group("verb2"))
    m = _ACCORDING.search(s)
    if m and _plausible(_tidy(m.group("speaker"))):
        return _tidy(m.group("speaker")), "according to"
    return None


def attribute(sentence: str, author: str, previous: "Attribution | None" = None,
              previous_text: str = "") -> Attribution:
    """Attribute ``sentence``; ``previous`` (the claim before it) resolves pronouns and quote runs."""
    s = sentence.strip()
    found = _find(s)
    denial_cue = bool(DENIAL_CUES.search(s))
    if not found:
        starts_quote = s[:1] in "“\""
        if starts_quote and previous and previous.attributed and re.search(r"[“”\"]", previous_text):
            return Attribution(previous.speaker, previous.verb, denial_cue or previous.is_denial, True)
        return Attribution(author, None, False, attributed=False)
    speaker, verb = found
    if _PRONOUN.match(_head(speaker)):
        if previous and previous.attributed:
            speaker = previous.speaker
        else:
            return Attribution(author, None, False, attributed=False)
    verb = verb.lower()
    return Attribution(speaker, verb, verb in DENIAL_VERBS or denial_cue, attributed=True)
