"""The source-aware pair judgement: who says what, and how that makes two claims conflict.

Inputs per pair: the two claims' attitudes (asserts / denies / doubts) and NLI of their *contents*
in both directions.  Let E = max(P(entail, a->b), P(entail, b->a)) ("the contents state the same
proposition", either one implying the other), E> = P(entail, asserted content -> denied or doubted
content), and C = mean(P(contradiction)) over both directions ("the contents are incompatible";
``opposed_combine: max`` takes either direction's reading instead).

  attitudes            conflict score              relation if conflict >= threshold   support
  asserts / asserts    C                           contradicts                         E
  asserts / denies     E>                          denies                              C
  asserts / doubts     doubt_weight * E>           disputes                            doubt_weight * C
  denies  / denies     C                           contradicts                         E
  doubts  / either     doubt_weight * C            contradicts                         E

Denying P against asserting not-P is agreement, so opposite attitudes swap the roles of E and C.
Denying P conflicts with asserting Q when Q implies P, not the other way: "the GRU paid bounties to
Taliban-linked militants" is incompatible with denying "the Taliban have ties to an intelligence
agency", but denying "Russia paid bounties" leaves "Russia cultivates ties with the Taliban" standing.
Near-duplicate contents (the same words up to quotes, dashes or a dateline, and no negation or number
on one side only) state the same proposition: E = 1, C = 0, whatever the model says.
A content whose main clause is negated is read as its positive proposition with the opposite attitude
("X said the woman was not his wife": X denies that she was), so asserting not-P meets asserting P as a
denial, through E>, which the model reads better than a contradiction between the two sentences.
A doubt is a weaker commitment than a denial, so it scales by ``doubt_weight``.  Otherwise the
pair ``supports`` when support clears its threshold, is ``neutral`` when the sentences are related
(similarity >= ``related_floor``), and ``unrelated`` when not.  ``score`` is the conflict score:
one number in [0, 1] that ranks contradicts, denies and disputes together.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from stance.stages.cues import REPORT_NOUNS

RELATIONS = ("contradicts", "denies", "disputes", "supports", "neutral", "unrelated")
CONFLICTS = ("contradicts", "denies", "disputes")
_SUBJECT_PRONOUN = re.compile(r"^(he|she)\b", re.I)
_THAT = re.compile(r"^(?:that|whether|if),?\s+", re.I)   # "denied [that] P": the complementizer is not P


@dataclass(frozen=True)
class JudgeOptions:
    conflict_threshold: float = 0.5
    support_threshold: float = 0.5
    doubt_weight: float = 0.8
    related_floor: float = 0.35
    opposed_combine: str = "mean"   # C over the two directions: "mean", or "max" (either direction's reading)

    @classmethod
    def from_config(cls, cfg: dict) -> "JudgeOptions":
        return cls(float(cfg.get("conflict_threshold", 0.5)), float(cfg.get("support_threshold", 0.5)),
                   float(cfg.get("doubt_weight", 0.8)), float(cfg.get("related_floor", 0.35)),
                   str(cfg.get("opposed_combine", "mean")))


@dataclass(frozen=True)
class Judgement:
    relation: str
    score: float        # conflict in [0, 1]
    support: float
    same: float         # E (for denies / disputes E→): the contents state the same proposition
    opposed: float      # C: the contents are incompatible
    direction: str | None = None   # for denies / disputes: "a" when a holds the negative attitude


def combine(x: float, y: float, rule: str) -> float:
    """Two directions' probabilities as one: "mean", "max" or "min"."""
    if rule == "max":
        return max(x, y)
    if rule == "min":
        return min(x, y)
    return (x + y) / 2


def judge(attitude_a: str, attitude_b: str, ent_ab: float, ent_ba: float, con_ab: float, con_ba: float,
          similarity: float, opts: JudgeOptions = JudgeOptions()) -> Judgement:
    same = max(ent_ab, ent_ba)
    opposed = combine(con_ab, con_ba, opts.opposed_combine)
    pair = {attitude_a, attitude_b}
    direction = None
    if pair == {"asserts"}:
        conflict, support, kind = opposed, same, "contradicts"
    elif pair == {"asserts", "denies"}:
        direction = "a" if attitude_a == "denies" else "b"
        same = ent_ba if direction == "a" else ent_ab      # the assertion entails what is denied
        conflict, support, kind = same, opposed, "denies"
    elif pair == {"asserts", "doubts"}:
        direction = "a" if attitude_a == "doubts" else "b"
        same = ent_ba if direction == "a" else ent_ab
        conflict, support, kind = opts.doubt_weight * same, opts.doubt_weight * opposed, "disputes"
    elif pair == {"denies"}:
        conflict, support, kind = opposed, same, "contradicts"
    else:  # a doubt against a doubt or a denial: they agree about P; opposite contents conflict weakly
        conflict, support, kind = opts.doubt_weight * opposed, same, "contradicts"
    if conflict >= opts.conflict_threshold and conflict >= support:
        relation = kind
    elif support >= opts.support_threshold:
        relation = "supports"
    elif similarity >= opts.related_floor:
        relation = "neutral"
    else:
        relation = "unrelated"
    return Judgement(relation, round(float(conflict), 5), round(float(support), 5), round(float(same), 5),
                     round(float(opposed), 5), direction if relation in ("denies", "disputes") else None)


_WORD = re.compile(r"[a-z0-9]+")
# words whose presence on one side only can flip a proposition: never near-duplicates then
_POLARITY = re.compile(r"^(?:not|no|never|nor|none|nobody|nothing|without|false|fake|hoax|deny|denied|denies|"
                       r"t|isn|wasn|aren|weren|didn|doesn|don|won|can|cannot|couldn|shouldn|hasn|haven|hadn|\d+)$")


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    return _WORD.findall(text)


def near_duplicate(a: str, b: str, ratio: float = 0.85) -> bool:
    """Two texts that say the same thing in the same words (quotes, dashes, a dateline or a word of
    difference): they entail each other whatever a model says.  A negation or a number on one side
    only is never a near-duplicate."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    if wa == wb:
        return True
    diff = set(wa) ^ set(wb)
    if any(_POLARITY.match(w) for w in diff):
        return False
    return SequenceMatcher(None, wa, wb, autojunk=False).ratio() >= ratio


def judge_contents(a, b, forward, backward, labels: tuple[str, ...], similarity: float,
                   opts: JudgeOptions = JudgeOptions(), duplicate: bool | None = None, readings=None):
    """The judgement of claims ``a`` and ``b`` from NLI of their contents (``forward``: a -> b), with
    the attitudes their readings give (``readings``: both ``reading``s, when the caller has them).
    Near-duplicate contents entail both ways whatever the model said (``duplicate``: already known
    by the caller, else tested here).  Returns the judgement and the content probabilities it used."""
    import numpy as np

    e = labels.index("entailment")
    (text_a, attitude_a), (text_b, attitude_b) = readings or (reading(a), reading(b))
    if duplicate is None:
        duplicate = near_duplicate(text_a, text_b)
    if duplicate:  # the model reads some reworded quotes as contradiction
        forward = backward = np.eye(len(labels))[e]
    c = labels.index("contradiction") if "contradiction" in labels else None
    con = (lambda p: float(p[c])) if c is not None else (lambda p: 0.0)  # noqa: E731
    j = judge(attitude_a, attitude_b, float(forward[e]), float(backward[e]), con(forward), con(backward),
              similarity, opts)
    return j, forward, backward


# a short content opening with a determiner is a noun phrase that points elsewhere ("denied the rumor",
# "dismissed the claims", "confirmed it"), not a proposition: two of them match as text without saying
# the same thing.  A short clause ("he was briefed") is kept.
MIN_CONTENT_WORDS = 4
_NOUN_PHRASE = re.compile(r"^(?:the|a|an|this|these|that|those|such|its|their|his|her|it|them|any|all|both|reports?)\b",
                          re.I)


def nli_content(claim) -> str:
    """The text of a claim's content as NLI reads it (``reading``)."""
    return reading(claim)[0]


def flipped_reading(claim) -> tuple[str, str] | None:
    """(attitude as read, proposition) when the judgement reads a negated content as the opposite
    attitude toward its positive proposition ("the woman was not his wife": denies "the woman was his
    wife"); None otherwise.  The reports show it beside the claim, so a reader sees what was compared."""
    text, attitude = reading(claim)
    return (attitude, text) if attitude != claim.attitude else None


def reading(claim) -> tuple[str, str]:
    """The text of a claim's content as NLI reads it: without a leading "that", and a leading "he"/"she"
    becomes the source's name ("Trump denied that he was briefed" -> "Trump was briefed").  A content
    that points back ("such a relationship") reads as the claim it stands for (``resolved_content``);
    one too short to be a proposition ("the rumor") is read as its whole sentence.  Hedges that only
    mark the author's distance ("reportedly", "is said to have") are dropped: the proposition is the same.
    A verdict reads as what it finds ("accused Russia of arming the Taliban" -> "Russia was arming the
    Taliban"), a dismissal as what it dismisses ("the story as a hoax" -> "the story"), a denied knowledge
    or involvement as the source's own ("X had knowledge of P"), and an asserted content that is no
    clause ("a complacent stance toward | Moscow") as its whole sentence.  "The claim that P" reads as P.
    A content whose main clause is negated ("the woman was not his wife") reads as the positive
    proposition with the opposite attitude: asserting not-P is denying P, so the judgement compares
    what the other side asserts with P itself.  Returns (text, attitude)."""
    attitude = claim.attitude
    if claim.resolved_content:
        return propositional(_THAT.sub("", claim.resolved_content, count=1)), attitude
    raw = claim.content or claim.text
    text = _DISMISSED_AS.sub("", _THAT.sub("", raw, count=1))
    text = _CLAIM_THAT.sub("", text, count=1)
    if text != raw:   # "(Reports) that P have surfaced": the tail says where the reports are, not P
        m = _REPORTS_SPREAD.search(text)
        text = text[:m.start()] if m and is_clause(text[:m.start()]) else text
    if len(_words(text)) < MIN_CONTENT_WORDS and _NOUN_PHRASE.match(text.strip(" “\"'‘")):
        return propositional(claim.text), attitude
    if claim.attributed and _VERDICT_VERBS.intersection((claim.verb or "").split()[-1:]):
        text = accused_of(text)
    if claim.attributed and claim.attitude in ("denies", "doubts") and _SELF_NOUN.match(text):
        # "Trump disclaimed knowledge of the matter": what he denies is that he had it
        text = f"{_name(claim)} had " + _SELF_NOUN.sub("", text, count=1)
    positive = positive_form(text) if attitude in _FLIPPED else None
    if positive and is_clause(positive):  # before the clause test: "Managua explosion not a meteorite"
        text, attitude = positive, _FLIPPED[attitude]
    elif claim.attitude == "asserts" and (not is_clause(text) or _AUX_ONLY.match(claim.verb or "")):
        # a stance toward a thing ("a complacent stance toward | Moscow", "an eager supporter of | the
        # peace process") or a fragment: what the source asserts is the whole sentence
        return propositional(claim.text), attitude
    if claim.attributed and _SUBJECT_PRONOUN.match(text):
        text = _SUBJECT_PRONOUN.sub(_name(claim), text, count=1)
    return propositional(text), attitude


def _name(claim) -> str:
    return (claim.speaker_id or claim.speaker).split(",")[0]


# "denied (any) knowledge of / involvement in P": a thing the source itself would have had
_SELF_NOUN = re.compile(r"^(?:any\s+|all\s+)?(?=(?:prior\s+)?(?:knowledge|involvement|role|part|responsibility|wrongdoing|"
                        r"contacts?|links?|ties|connections?)\b)", re.I)
# a tagger "cue" of auxiliaries alone ("Asymmetric use of bounties | has | also been employed") is no cue
_AUX_ONLY = re.compile(r"^(?:(?:has|have|had|is|are|was|were|been|be|being|also|not)\s*)+$", re.I)


# "dismissed the story as a hoax": the denied content is "the story"; the rest is the denial itself
_DISMISSED_AS = re.compile(
    r"\s+as\s+(?:an?\s+|the\s+|being\s+)?[“\"‘']?(?:[\w-]+\s+){0,3}?[“\"‘']?(?:hoax|smear|lies?|fabrication|nonsense|"
    r"fake(?:\s+news)?|propaganda|gossip|rumou?rs?|baseless|unfounded|false|untrue|fiction|fantasy|"
    r"conspiracy(?:\s+theor(?:y|ies))?|unsubstantiated|speculation|groundless|absurd|ridiculous)\b.*$", re.I)
# verbs that pass a verdict on someone for something: "accused Russia of arming the Taliban"
_VERDICT_VERBS = frozenset({"accused", "accuses", "accusing", "blamed", "blames", "blaming", "criticized",
                            "criticised", "criticizes", "criticises", "slammed", "slams", "faulted", "faults",
                            "condemned", "condemns", "charged", "suspected", "suspects", "lambasted", "chided",
                            "praised", "praises", "credited", "credits", "thanked", "thanks", "attacked"})
_VERDICT = re.compile(r"^(?P<who>[^,;:]{2,80}?)\s+(?:of|for)\s+(?P<neg>not\s+)?(?P<verb>[a-z]+ing)\b(?P<rest>.*)$", re.S)
_VERDICT_MORE = re.compile(r"\s+and\s+(?:of|for)\s+(not\s+)?([a-z]+ing)\b")


def accused_of(text: str) -> str:
    """"Trump of being too accommodating to Moscow" -> "Trump was too accommodating to Moscow";
    "Russia of arming the Taliban" -> "Russia was arming the Taliban": the proposition of the verdict."""
    m = _VERDICT.match(text)
    if not m:
        return text
    aux = " was not " if m["neg"] else " was "
    rest = m["rest"].lstrip() if m["verb"] == "being" else m["verb"] + m["rest"]
    rest = _VERDICT_MORE.sub(lambda x: " and was " + (x[1] or "") + x[2], rest)
    return m["who"] + aux + rest


# a finite verb somewhere: an auxiliary, a modal, a past form, or a present form after a name or pronoun
_FINITE = re.compile(
    r"\b(?:is|are|was|were|am|be|been|has|have|had|will|would|can|could|may|might|shall|should|must|do|does|did|"
    r"\w+n['’]t|cannot)\b|\b[a-z]{2,}ed\b|"
    r"\b(?:said|paid|made|took|gave|told|went|came|sent|knew|thought|found|left|met|held|ran|brought|began|kept|"
    r"led|won|lost|built|spent|sold|bought|fought|hit|put|set|cut|shot|struck|saw|got|became|fell|rose|stood|"
    r"wrote|spoke|broke|chose|drove|flew|grew|threw|meant|felt|heard|sought|taught|caught|let|lay|laid|"
    r"sat|forgot|hid|rode|sang|swore|woke|withdrew|overtook|undertook|underwent|upheld|oversaw)\b|"
    r"(?:\b[A-Z][\w.'’-]*|\b(?:he|she|it|who|which|that|this|one))\s+(?:\w+ly\s+)?[a-z]{2,}s\b")


def is_clause(text: str) -> bool:
    """Does the text state something (a finite verb), or only name a thing ("Moscow", "the Afghan peace
    process", "killing U.S. soldiers")?  Generous on purpose: a clause read as its whole sentence costs
    little, a noun phrase read as a proposition costs the pair."""
    words = text.strip(" “\"'‘").split()
    if not words or (words[0].islower() and words[0].endswith("ing") and len(words[0]) > 5) or words[0] == "to":
        return False
    if _FINITE.search(text):
        return True
    # a Title Case headline ("Arrested Woman Is Not The Wife of ISIS Leader"): its verbs are capitalised
    caps = sum(w[:1].isupper() for w in words)
    return caps >= 0.6 * len(words) and bool(_FINITE.search(" ".join(w if w.isupper() and len(w) > 1 else w.lower()
                                                                    for w in words)))


def reading_memo():
    """``reading`` remembered per claim id: pairs share claims (each claim has up to top_k partners),
    so a stage that reads every pair's two contents computes each claim's reading once."""
    memo: dict[str, tuple[str, str]] = {}

    def read(claim) -> tuple[str, str]:
        found = memo.get(claim.id)
        if found is None:
            found = memo[claim.id] = reading(claim)
        return found
    return read


def content_reader():
    """``nli_content`` remembered per claim id (``reading_memo``)."""
    read = reading_memo()
    return lambda claim: read(claim)[0]


_HEDGE_ADVERB = re.compile(r"\b(?:reportedly|allegedly|purportedly|supposedly|apparently),?\s+", re.I)
_HEDGE_RAISING = re.compile(r"\b(is|are|was|were)\s+(?:\w+ly\s+)?(?:said|reported|believed|alleged|thought|understood|"
                            r"claimed|rumou?red)\s+to\s+(have|be)\b", re.I)
_RAISED = {("is", "have"): "has", ("are", "have"): "have", ("was", "have"): "had", ("were", "have"): "had"}


# "(And,) even if P, Q" asserts Q, not P: the antecedent is only supposed
_CONDITION = re.compile(r"^(?:(?:and|but|so|yet)\b,?\s*)?(?:even\s+)?(?:if|unless|whether\s+or\s+not)\s+[^,;]{3,200},\s*",
                        re.I)


def propositional(text: str) -> str:
    """"Russia is said to have offered rewards" -> "Russia has offered rewards"; "X reportedly paid" ->
    "X paid".  The attitude (asserts) already records the hedge; NLI compares the propositions.
    A leading condition is dropped: "even if Russia is supplying the Taliban, any support is recent"
    states only that any support is recent."""
    rest = _CONDITION.sub("", text, count=1)
    if rest != text and is_clause(rest):
        text = rest[:1].upper() + rest[1:] if text[:1].isupper() else rest
    text = _HEDGE_ADVERB.sub("", text)
    return _HEDGE_RAISING.sub(lambda m: _RAISED.get((m[1].lower(), m[2].lower()), m[1]), text)


# "the claim that P", "rumors that P", "the congressman's claim that P": what is compared is P
_CLAIM_THAT = re.compile(
    r"^(?:the\s+|a\s+|these\s+|those\s+|(?:his|her|their|its)\s+|[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,3}['’]s?\s+|"
    rf"[a-z]+['’]s\s+)?(?:[\w-]+\s+)?{REPORT_NOUNS}\s+that\s+(?=\S)", re.I)

_REPORTS_SPREAD = re.compile(r"\s+(?:have|has|had|are|were|is|was)\s+(?:\w+ly\s+|also\s+|now\s+|long\s+)?(?:been\s+)?"
                             r"(?:emerged|surfaced|circulat\w+|spread\w*|appeared|swirl\w+|resurfaced)\b.*$", re.I)

# a main clause negated by its auxiliary ("was not", "haven't", "has never"), or a bare "never"
_FLIPPED = {"asserts": "denies", "denies": "asserts"}
# (not "may not" / "might not": a hedge, not a denial)
_AUX = r"(?:is|are|was|were|am|has|have|had|do|does|did|will|would|can|could|shall|should|must)"
_NEGATED = re.compile(rf"\b(?P<aux>{_AUX})\s+(?:not|never)\s+|\b(?P<naux>is|are|was|were|has|have|had|does|do|did|"
                      r"wo|would|ca|could|should)n[’']t\s+|\b(?P<cannot>cannot)\s+|\bnever\s+", re.I)
_CONTRACTED = {"wo": "will", "ca": "can"}
# the negation belongs to the main clause only when nothing before it opens another clause
_CLAUSE_BEFORE = re.compile(r"[,;:–—(]|\s-\s|\b(?:that|which|who|whom|whose|whether|if|because|while|although|though|when|"
                            r"where|as|since|after|before|unless|until|and|but|or|so|than|said|says|say|why|how|what)\b", re.I)
# "not clear", "could not confirm", "not yet known", "cannot be ruled out": withheld knowledge is a doubt
# (the cue's business), not the negation of a proposition; nor is "not only", "not just", "not until"
_NOT_A_DENIAL = re.compile(r"^(?:yet\s+|immediately\s+|been\s+|be\s+|able\s+to\s+|entirely\s+|fully\s+)*"
                           r"(?:clear|known|sure|certain|confirm\w*|verif\w*|corroborat\w*|ruled\s+out|rule\s+out|prove\w*|"
                           r"establish\w*|determined|only|just|long|until|respond\w*|comment\w*|return\w*|repl\w+|"
                           r"available|aware|know|knew|yet|exclude\w*|deny|denied)\b", re.I)
# "No, our meteorologist was not …", "Contrary to reports, she has not …": the frame of an answer
_ANSWER = re.compile(r"^(?:no|nope)\s*[,!.:]\s*|^(?:contrary\s+to\s+[^,]{1,40}|in\s+fact|however|instead|so\s+far|"
                     r"indeed|actually|in\s+reality),\s*", re.I)
# a headline "Managua explosion not a meteorite": a noun phrase, "not", a noun phrase
_HEADLINE_NOT = re.compile(r"^(?P<np>[^,;:]{3,60}?)\s+not\s+(?P<rest>(?:a|an|the|his|her|their|its)\s+.+)$", re.I)
_MAX_SUBJECT_WORDS = 14


def positive_form(text: str) -> str | None:
    """The positive proposition of a content whose main clause is negated, else None:
    "the woman was not the wife of al-Baghdadi" -> "the woman was the wife of al-Baghdadi",
    "terrorists haven't crossed the border" -> "terrorists have crossed the border",
    "Managua explosion not a meteorite" -> "Managua explosion is a meteorite".  A negation inside a
    subordinate clause, after a conjunction, or on withheld knowledge ("it was not clear") is left."""
    text = _ANSWER.sub("", text.strip(" “\"'‘"), count=1)
    m = _NEGATED.search(text)
    if m:
        before, after = text[:m.start()], text[m.end():]
        if (not before.strip() or len(before.split()) > _MAX_SUBJECT_WORDS or _CLAUSE_BEFORE.search(before)
                or _NOT_A_DENIAL.match(after)):
            return None
        aux = m["aux"] or _CONTRACTED.get((m["naux"] or "").lower(), m["naux"]) or ("can" if m["cannot"] else "")
        return before + (aux + " " if aux else "") + after
    h = _HEADLINE_NOT.match(text)
    if h and not is_clause(h["np"]) and not _CLAUSE_BEFORE.search(h["np"]):
        return f"{h['np']} is {h['rest']}"
    return None
