"""NLI label names: one table of the synonyms datasets and model configs use.

Labels are always mapped by name (``config.id2label``), never by position.
"""
from __future__ import annotations

import re

THREE_WAY = ("entailment", "neutral", "contradiction")
NOT_ENTAILMENT = "not_entailment"

_SYNONYMS = {
    "entailment": "entailment", "entail": "entailment", "entails": "entailment",
    "entailed": "entailment", "support": "entailment", "supports": "entailment",
    "neutral": "neutral", "not_enough_info": "neutral", "nei": "neutral",
    "contradiction": "contradiction", "contradict": "contradiction", "contradicts": "contradiction",
    "contradictory": "contradiction", "refute": "contradiction", "refutes": "contradiction",
    "not_entailment": "not_entailment", "non_entailment": "not_entailment",
    "not_entailed": "not_entailment", "no_entailment": "not_entailment",
}


_SYNONYMS.update({"e": "entailment", "n": "neutral", "c": "contradiction"})  # one-letter dataset labels


def canonical_label(raw: str) -> str | None:
    """``entailment`` / ``neutral`` / ``contradiction`` / ``not_entailment``, or None when unknown."""
    key = re.sub(r"[\s\-]+", "_", str(raw).strip().lower())
    return _SYNONYMS.get(key)
