"""Cue lexicons in one place: reporting verbs, denial and doubt expressions, hedges, modals.

An attitude is what a source commits to about the content it reports:
  ``asserts``: the content is true ("said", "confirmed", "according to", "is said to");
  ``denies``:  the content is false ("denied", "rejected", "dismissed ... as a hoax", "without foundation");
  ``doubts``:  the content is questioned without being denied ("should be treated with caution",
               "wasn't corroborated broadly", "remains unclear whether", "did not confirm", "may have").
"""
from __future__ import annotations

import re

ATTITUDES = ("asserts", "denies", "doubts")

REPORTING_VERBS = (
    "said", "says", "say", "told", "tells", "added", "adds", "stated", "noted", "argued", "argues",
    "insisted", "insists", "maintained", "maintains", "claimed", "warned", "warns", "denied", "denies",
    "deny", "dismissed", "dismisses", "rejected", "rejects", "accused", "accuses", "suggested",
    "suggests", "reported", "confirmed", "confirms", "acknowledged", "acknowledges", "alleged", "alleges",
    "asserted", "asserts", "explained", "wrote", "writes", "tweeted", "announced", "announces",
    "believes", "concluded", "disputed", "disputes", "refuted", "refutes", "stressed", "described",
    "concurred", "testified", "predicted", "cautioned", "doubted", "doubts", "questioned", "questions",
)
# ambiguous as nouns ("reports", "claims", "states"): only a verb when "that" follows
NEEDS_THAT = ("states", "reports", "claims", "notes", "estimates")

DENIAL_VERBS = frozenset({"denied", "denies", "deny", "denying", "dismissed", "dismisses", "dismissing", "rejected",
                          "rejects", "rejecting", "refuted", "refutes", "refuting", "disputed", "disputes", "disputing",
                          "disclaimed", "disclaims", "disavowed", "disavows", "repudiated", "repudiates",
                          "debunked", "debunks"})
DOUBT_VERBS = frozenset({"doubted", "doubts", "questioned", "questions", "cautioned"})

# sentence-level denial cues as the FNC-1 head's features were trained with (keep stable)
DENIAL_CUES = re.compile(
    r"(without foundation|baseless|unfounded|idle gossip|not credible|\bhoax\b|\bsmear|fabricat\w+|"
    r"no (such|convincing) evidence|unsubstantiated|categorically)", re.I)
# expressions that assert the falsity of what they qualify
DENIAL_EXPR = re.compile(
    r"(without (?:any )?foundation|baseless|unfounded|idle gossip|\bhoax\b|\bsmear|fabricat\w+|"
    r"\bfalse\b|\buntrue\b|not true|\bnonsense\b|\blies\b|categorically|fake news|no such)", re.I)
# expressions that question what they qualify, without denying it
DOUBT_EXPR = re.compile(
    r"(treated with caution|reason for caution|(?:reason|cause) for (?:skepticism|scepticism|doubt)|"
    r"(?:was|were|is|are|has|have|had)(?:n['’]t| not)(?: been)?(?: \w+ly)? (?:corroborated|confirmed|verified|proven)|"
    r"\bunclear\b|\bunconfirmed\b|\bunsubstantiated\b|\bunverified\b|\bcontested\b|\bquestionable\b|"
    r"not (?:yet )?conclusive|not credible|no (?:convincing |hard |clear )?evidence|less confidence|"
    r"dissenting view|not (?:very |entirely |wholly )?(?:convincing|persuasive)|\bunconvincing\b|\bdoubts?\b|\bdoubtful\b|\bskeptic\w*|\bsceptic\w*|cast(?:s|ing)? doubt)", re.I)
# negated reporting: the source withholds commitment
NEGATED_CUE = re.compile(
    r"\b(?:did|does|do|would|could|will|has|have|had)(?:n['’]t| not)\s+(?:\w+ly\s+)?(?:confirm|verify|corroborate|say|deny|dispute)\b|"
    r"\b(?:declined|refused|unable|failed)\s+to\s+(?:confirm|verify|corroborate|comment|respond)\b|\bnot aware of\b|"
    # non-committal: "neither confirmed nor denied", "has not commented on", "has yet to comment on"
    r"\bconfirm\w*\s+nor\s+den\w*|\b(?:has|have|had|did)(?:n['’]t| not)\s+(?:yet\s+)?"
    r"(?:publicly\s+)?(?:commented|comment|responded|respond)\b|\b(?:has|have|had)\s+yet\s+to\s+(?:comment|respond|confirm)\b", re.I)
MODAL = re.compile(r"\b(may|might|could) have\b|\bpossibly\b|\bperhaps\b", re.I)
# the author hedges by attributing without a named source: the content stays asserted by that source
HEDGE = re.compile(r"\b(reportedly|allegedly|purportedly|apparently|(?:is|are|was|were)\s+(?:\w+ly\s+)?"
                   r"(?:said|reported|believed|alleged|thought)\s+to)\b", re.I)
# a claim of confidence in the evidence for its content (the fixture guide: doubt opposes it)
CONFIDENCE = re.compile(r"\b(confident|certain|conclusive|solid|corroborated|convinced|high confidence|"
                        r"strong evidence|credible)\b", re.I)
# target-stance hedges: evidence that the document does not take the claim as established
STANCE_HEDGE = re.compile(r"\b(reportedly|allegedly|is said to|are said to|was said to|were said to|"
                          r"may have|might have|unclear|unconfirmed|not corroborated|apparently|purportedly|"
                          r"claims? that|according to)\b", re.I)


def attitude_of(cue: str | None, content: str = "") -> str:
    """The source's attitude from its cue (frames such as "P is without foundation" put their
    predicate into the cue first, see ``evidential_frame``)."""
    cue_l = (cue or "").lower()
    words = set(re.findall(r"[a-z]+", cue_l))
    if NEGATED_CUE.search(cue_l):
        return "doubts"
    if words & DENIAL_VERBS or DENIAL_EXPR.search(cue_l):
        return "denies"
    # a modal that qualifies the reporting ("may have said") withholds commitment; a modal inside the
    # content ("officials said Russia may have ...") is a hedged assertion of that possibility
    if words & DOUBT_VERBS or DOUBT_EXPR.search(cue_l) or MODAL.search(cue_l):
        return "doubts"
    return "asserts"


_PRED_DENY = (r"(?:entirely |completely |totally |simply |categorically |patently |demonstrably |absolutely )?"
              r"(?:without (?:any )?foundation|baseless|unfounded|false|bogus|made up(?!\s+of\b)|"
              r"untrue|not true|an? (?:hoax|smear|lie|fabrication|fake|myth|prank)|fabricated|nonsense|idle gossip)")
_PRED_DOUBT = (r"(?:unsubstantiated|unverified|unconfirmed|contested|questionable|not credible|"
               r"not (?:yet )?conclusive|in doubt|doubtful|not (?:very |entirely |wholly )?(?:convincing|persuasive)|"
               r"unconvincing)")
_COPULA = r"(?:is|are|was|were|remains?|remained|appears? to be|seems? to be|has been|have been)"
_FRAMES = (
    # "But this is not convincing", "That is false": the content is the pronoun, which points back
    re.compile(rf"^(?:(?:but|and|yet|still|so|however),?\s+)?(?P<c>this|that|it|these|those)\s+"
               rf"(?P<pred>{_COPULA}\s+(?:{_PRED_DENY}|{_PRED_DOUBT}))\b(?!\s+(?:that|to|whether|if)\b)", re.I),
    re.compile(r"^(?P<pred>it (?:is|was) (?:simply |entirely |completely )?(?:false|untrue|not true) that)\s+(?P<c>.{8,})$", re.I),
    re.compile(rf"^(?P<c>.{{8,}}?)\s+[“\"]?(?P<pred>{_COPULA}\s+(?:{_PRED_DENY}|{_PRED_DOUBT}))\b", re.I),
    re.compile(r"^(?P<c>.{8,}?)\s+[“\"]?(?P<pred>(?:should|must|need to|ought to) be (?:treated|taken|viewed|read) with "
               r"(?:\w+ )?(?:caution|skepticism|scepticism|a grain of salt))", re.I),
    re.compile(r"^(?P<c>.{8,}?)\s+[“\"]?(?P<pred>(?:was|were|is|are|has|have|had)(?:n['’]t| not)(?: been)?(?: \w+ly)? "
               r"(?:corroborated|confirmed|verified|proven))", re.I),
    re.compile(r"^(?P<pred>it (?:is|was|remains|remained) (?:still |also |now |however )?(?:unclear|not clear|"
               r"uncertain|unknown) (?:whether|if))\s+(?P<c>.{8,})$", re.I),
)
# nouns that carry a proposition after "that": "the claim that P", "rumors that P", "reports that P"
REPORT_NOUNS = (r"(?:reports?|claims?|allegations?|suggestions?|assertions?|accusations?|stor(?:y|ies)|rumou?rs?|"
                r"speculation|notion|idea)")
_REPORT_NOUN = re.compile(rf"^(?:the\s+)?{REPORT_NOUNS}\s+(?:that|of)\s+", re.I)


def evidential_frame(content: str) -> tuple[int, int, int, int] | None:
    """"P should be treated with caution", "P is without foundation", "it is unclear whether P":
    returns (content start, content end, predicate start, predicate end) within ``content``."""
    for rx in _FRAMES:
        m = rx.search(content)
        if m:
            a, b = m.span("c")
            lead = _REPORT_NOUN.match(content[a:b])
            if lead:
                a += lead.end()
            return a, b, m.start("pred"), m.end("pred")
    return None


# FNC-1 head features: whole-word counts after the FNC-1 baseline's hedging / refuting lists
# (the trained head depends on them: keep stable)
HEDGING_WORDS = ("reportedly", "allegedly", "alleged", "purportedly", "purported", "supposedly", "apparently",
                 "claim", "claims", "claimed", "rumor", "rumors", "rumour", "rumours", "rumored", "rumoured",
                 "unconfirmed", "unverified", "speculation", "speculated", "suspected", "believed", "possibly",
                 "may", "might", "could", "appears", "seems", "according")
REFUTING_WORDS = ("fake", "fraud", "hoax", "false", "deny", "denies", "denied", "denial", "debunk", "debunked",
                  "debunks", "bogus", "myth", "untrue", "refute", "refuted", "refutes", "retract", "retracted",
                  "prank", "pranks", "satire", "satirical", "doubt", "doubts", "dismissed", "rejected",
                  "misleading", "nope", "not", "no", "never", "despite")
FNC_HEDGE_RE = re.compile(r"\b(?:" + "|".join(HEDGING_WORDS) + r")\b", re.I)
FNC_REFUTE_RE = re.compile(r"\b(?:" + "|".join(REFUTING_WORDS) + r")\b|n't\b", re.I)
