"""Sentence segmentation with character spans, robust to news text.

pysbd handles abbreviations ("U.S.", "Gen.", "Dr."), quotes and decimals; we add paragraph
splitting first so headlines and lines without a full stop stay separate sentences.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pysbd


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int  # character offsets into the original document
    end: int


_PARA = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*")


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=False)


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences; each keeps its exact span in ``text``."""
    out: list[Sentence] = []
    for para in _PARA.finditer(text):
        block = para.group(0)
        base = para.start()
        cursor = 0
        for piece in _segmenter().segment(block):
            stripped = piece.strip()
            if not stripped:
                continue
            idx = block.find(stripped, cursor)
            if idx < 0:  # pysbd normalised something; fall back to a fuzzy cursor
                idx = cursor
            cursor = idx + len(stripped)
            out.append(Sentence(stripped, base + idx, base + idx + len(stripped)))
    return out
