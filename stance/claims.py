"""Stage 2, claims: sentences that assert something, with spans and attribution."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .attribution import attribute
from .corpus import Corpus, Document
from .sentences import split_sentences


@dataclass(frozen=True)
class Claim:
    id: str
    doc_id: str
    text: str
    start: int          # character span in the original document text
    end: int
    speaker: str
    verb: str | None    # reporting verb ("said", "denied", ...) or None for the author's own claim
    is_denial: bool
    attributed: bool
    is_headline: bool = False


@dataclass(frozen=True)
class ClaimOptions:
    min_words: int = 4
    max_words: int = 120
    drop_questions: bool = True
    keep_headline: bool = True
    boilerplate: tuple[str, ...] = ()
    dateline: str | None = None

    @classmethod
    def from_config(cls, cfg: dict) -> "ClaimOptions":
        return cls(min_words=int(cfg.get("min_words", 4)), max_words=int(cfg.get("max_words", 120)),
                   drop_questions=bool(cfg.get("drop_questions", True)),
                   keep_headline=bool(cfg.get("keep_headline", True)),
                   boilerplate=tuple(cfg.get("boilerplate", ())), dateline=cfg.get("dateline"))


def author_of(doc: Document) -> str:
    return f"{doc.source or doc.id} (author)"


def extract_claims(doc: Document, opts: ClaimOptions) -> list[Claim]:
    boiler = [re.compile(p, re.I) for p in opts.boilerplate]
    dateline = re.compile(opts.dateline) if opts.dateline else None
    author = author_of(doc)
    claims: list[Claim] = []
    previous = None
    previous_text = ""
    sentences = split_sentences(doc.text)
    first_real = True
    for sent in sentences:
        text, start = sent.text, sent.start
        if any(b.search(text) for b in boiler):
            continue
        if dateline:
            m = dateline.match(text)
            if m and len(text[m.end():].split()) >= opts.min_words:
                text, start = text[m.end():], start + m.end()
        n_words = len(text.split())
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
        att = attribute(text, author, previous, previous_text)
        previous, previous_text = att, text
        claims.append(Claim(id=f"{doc.id}#{len(claims) + 1:03d}", doc_id=doc.id, text=text, start=start,
                            end=start + len(text), speaker=att.speaker, verb=att.verb,
                            is_denial=att.is_denial, attributed=att.attributed, is_headline=is_headline))
        first_real = False
    return claims


def extract_all(corpus: Corpus, opts: ClaimOptions) -> list[Claim]:
    return [c for doc in corpus.documents for c in extract_claims(doc, opts)]
