"""Reporting frames that stand apart from what they report, and reports that run on.

"“P.” Mujahid said in a statement." (a frame after a quotation), "Lawrence Franklin writes:" (a colon
frame before the sentence it introduces), and "Mujahid denied that P. The group has never needed
foreign funds." (a report running on past its sentence): the claim takes the frame's source, cue and
attitude, with spans pointing into the frame sentence (or none, for a run-on).  Used by
``stance.stages.claims``; works on tagger spans (``stance.models.tagger``) or the rules alone.
"""
from __future__ import annotations

import re

from stance.stages.attribution import attribute


def spans_in(spans, start: int, text: str) -> list[tuple[str, int, int]]:
    """The tagger's (role, start, end) spans clipped to the sentence text[start:...], relative to it."""
    end = start + len(text)
    return [(sp.role, max(sp.start, start) - start, min(sp.end, end) - start) for sp in spans
            if sp.end > start and sp.start < end]


def continued_report(text: str, contents, previous, previous_text: str):
    """A sentence the tagger reads as reported content with no cue of its own, right after an attributed
    claim: the report runs on ("He said the payments began in 2019. The money moved through Kabul."), so
    the previous source still speaks, with the same cue and attitude.  Spans stay inside the sentence: the
    source and cue are in the sentence before (``source_span`` and ``cue_span`` None, as for a quote run)."""
    from stance.stages.attribution import Attribution, _plausible, _trim

    if not _plausible(previous.speaker):
        return None   # a source the tagger cut badly ("the oft" of "the oft-heard claim"): no run-on from it
    covered = sum(b - a for a, b in contents)
    if covered < 0.5 * len(text.strip()):
        return None   # a stray content word or two: the sentence is the author's
    own = attribute(text, "", previous, previous_text)
    if own.attributed or own.cue_span:
        return None   # a cue or hedge of its own ("It is also unclear whether ..."): the rules read it
    content = _trim(text, contents[0][0], contents[-1][1])
    if content[1] - content[0] < 2:
        return None
    segs = tuple(sp for sp in (_trim(text, a, b) for a, b in contents) if sp[1] > sp[0])
    return Attribution(previous.speaker, previous.verb, previous.is_denial, True, None, None, content,
                       previous.attitude, previous.cue_text), segs


OPEN_QUOTE = ("“", '"', "‘", "''", "``")
CLOSE_QUOTE = ("”", '"', "’", "''")
# what may follow a reporting verb when the sentence reports nothing of its own: "said in a statement",
# "told reporters on Monday", "recalled in an interview", "added."
_ADJUNCT = re.compile(r"^(?:(?:reporters|journalists)\b\s*)?(?:(?:in|on|at|to|during|via|through|with|from|after|before|"
                      r"over|by|when|while|last|this|earlier|later|recently|yesterday|today|tonight|\w+day)\b"
                      r"(?!.*\b(?:that|he|she|they|we|i|it|is|are|was|were|has|have|had|will|would)\b)[^“”\"]*)?$", re.I)
_ADJUNCT_WORDS = 6


def closes_quote(text: str, claim, start: int) -> bool:
    """The claim is one whole quotation that ends right before ``start`` (only spaces between): the
    next sentence may be its frame ("“P.” he said.")."""
    quote = claim.text.strip()
    if not quote.startswith(OPEN_QUOTE) or not quote.endswith(CLOSE_QUOTE) or not text[claim.end:start].isspace():
        return False
    inner = quote[1:-1].strip("'`")
    return not any(q in inner for q in ("“", "”", '"'))   # a quote with a frame of its own inside: not only a quote


def reporting_frame(text: str, tagged, start: int, author: str, previous, previous_text: str):
    """The sentence is only a reporting frame, with no content of its own ("Mujahid said in a statement.",
    "he added.", "Mitchell recalled in an interview."): its source and cue, spans relative to the
    sentence, or None.  Pronoun sources resolve as the rules resolve them."""
    from stance.stages.attribution import _PRONOUN, Attribution, _trim
    from stance.stages.cues import DENIAL_VERBS, attitude_of

    s = text.strip()
    if not s or s.startswith(OPEN_QUOTE) or len(s.split()) > 15:
        return None
    rules = attribute(text, author, previous, previous_text)
    inside = spans_in(tagged or (), start, text)
    t_cues = [x for x in inside if x[0] == "Cue"]
    t_sources = [x for x in inside if x[0] == "Source"]
    t_content = [x for x in inside if x[0] == "Content" and len(text[x[1]:x[2]].split()) > 2]
    if rules.attributed and rules.cue_span and rules.source_span:
        rest = text[rules.content_span[0]:rules.content_span[1]] if rules.content_span else ""
        rest = rest.strip(" .,;:!")
        if rest != s.strip(" .,;:!") and len(rest.split()) <= _ADJUNCT_WORDS and _ADJUNCT.match(rest) and not t_content:
            return rules
    if t_cues and t_sources and not t_content:
        cue = t_cues[0]
        src = min(t_sources, key=lambda x: abs(x[1] - cue[1]))
        sspan = _trim(text, src[1], src[2])
        speaker = text[sspan[0]:sspan[1]]
        if _PRONOUN.match(speaker.strip()):
            if not rules.attributed:
                return None
            speaker = rules.speaker
        verb = text[cue[1]:cue[2]].lower()
        return Attribution(speaker, verb, verb.split()[-1] in DENIAL_VERBS if verb.split() else False, True,
                           sspan, (cue[1], cue[2]), None, attitude_of(verb), text[cue[1]:cue[2]])
    return None


def reattributed(quote, frame, start: int):
    """The quotation as its frame's source says it: source and cue spans point into the frame sentence
    (document offsets), and the whole quotation is the content (a cue read inside it was the quoted
    speaker's words)."""
    from dataclasses import replace

    from stance.stages.attribution import _trim
    from stance.stages.cues import attitude_of
    from stance.stages.speakers import speaker_key

    a, b = _trim(quote.text, 0, len(quote.text))
    content_span = (quote.start + a, quote.start + b)
    content = quote.text[a:b]
    shift = (lambda sp: None if sp is None else (start + sp[0], start + sp[1]))  # noqa: E731
    return replace(quote, speaker=frame.speaker, verb=frame.verb, is_denial=frame.is_denial, attributed=True,
                   source_span=shift(frame.source_span), cue=frame.cue_text or frame.verb,
                   cue_span=shift(frame.cue_span), content=content, content_span=content_span,
                   content_spans=(content_span,), attitude=attitude_of(frame.cue_text or frame.verb, content),
                   speaker_id=speaker_key(frame.speaker), refers_to=None, resolved_content="")
