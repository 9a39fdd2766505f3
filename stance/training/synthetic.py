"""Synthetic news NLI pairs built from real news sentences by meaning-changing edits.

Contradictions: negation (insert or remove "not"), antonym swaps, changed numbers and
years, swapped actors (Iran <-> Russia ...), and denial rewrites ("X denied that S").
Entailments: clause dropping (a leading main clause), hedged restatement ("reportedly"),
and attribution ("officials said that S" => "it was reported that S").
Neutrals: a different sentence of the same article (same topic, different content).
Every generator returns ``None`` when its edit does not apply, so pairs are never forced.
"""
from __future__ import annotations

import random
import re

from stance.data.nli import NLIExample

_AUX = r"\b(is|are|was|were|has|have|had|will|would|can|could|should|did|does|do|may|might|must)\b"
_ANTONYMS = {
    "increased": "decreased", "rose": "fell", "won": "lost", "accepted": "rejected",
    "confirmed": "denied", "approved": "rejected", "allowed": "banned", "before": "after",
    "more": "fewer", "higher": "lower", "larger": "smaller", "killed": "spared",
    "arrested": "released", "admitted": "denied", "supported": "opposed", "agreed": "refused",
    "true": "false", "alive": "dead", "open": "closed", "guilty": "innocent", "first": "last",
    "increase": "decrease", "success": "failure", "win": "lose", "legal": "illegal",
}
_ANTONYMS.update({v: k for k, v in list(_ANTONYMS.items())})
_ACTORS = ["Iran", "Russia", "China", "Pakistan", "Syria", "Israel", "Turkey", "France",
           "Britain", "Germany", "North Korea", "Saudi Arabia", "Iraq", "India", "Mexico"]
_ACTOR_RE = re.compile(r"\b(" + "|".join(map(re.escape, _ACTORS)) + r")\b")
_SPEAKERS = ["Officials", "The government", "A spokesman", "Police", "The company",
             "Local authorities", "The ministry"]
_HEDGES = ["Reportedly, {s}", "It is said that {s}", "According to reports, {s}"]
_NUM = re.compile(r"\b\d[\d,]*\b")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-2]\d)\b")


_FUNCTION_WORDS = {"the", "a", "an", "it", "this", "that", "these", "those", "there", "he", "she", "they",
                   "we", "his", "her", "their", "its", "some", "many", "most", "one", "two", "in", "on",
                   "at", "after", "before", "when", "while", "if", "as", "by", "for", "from", "with"}


def _lc_first(s: str) -> str:
    """Lower-case the first word only when it is a function word (keep names capitalised)."""
    first = s.split(" ", 1)[0]
    return s[0].lower() + s[1:] if first.lower() in _FUNCTION_WORDS else s


def _strip_end(s: str) -> str:
    return s.rstrip(" .")


def negate(s: str, rng: random.Random) -> str | None:
    if re.search(r"\b(not|n't|never|no)\b", s):
        out = re.sub(r"\s+not\b|n't\b", "", s, count=1)
        return out if out != s else None
    m = re.search(_AUX, s)
    if not m:
        return None
    return s[: m.end()] + " not" + s[m.end():]


def antonym(s: str, rng: random.Random) -> str | None:
    words = [w for w in re.findall(r"\b[a-z]+\b", s) if w in _ANTONYMS]
    if not words:
        return None
    w = rng.choice(words)
    return re.sub(rf"\b{w}\b", _ANTONYMS[w], s, count=1)


def change_number(s: str, rng: random.Random) -> str | None:
    years = list(_YEAR.finditer(s))
    if years:
        m = rng.choice(years)
        new = str(int(m.group(0)) + rng.choice([-3, -2, -1, 1, 2, 3]))
        return s[: m.start()] + new + s[m.end():]
    nums = [m for m in _NUM.finditer(s) if m.group(0).replace(",", "").isdigit()]
    if not nums:
        return None
    m = rng.choice(nums)
    n = int(m.group(0).replace(",", ""))
    new = n * rng.choice([2, 3, 10]) + rng.randint(1, 9) if n < 1000 else n // rng.choice([2, 3, 10])
    if new == n:
        return None
    return s[: m.start()] + f"{new:,}" + s[m.end():]


def swap_actor(s: str, rng: random.Random) -> str | None:
    found = _ACTOR_RE.findall(s)
    if not found:
        return None
    old = rng.choice(found)
    new = rng.choice([a for a in _ACTORS if a != old])
    return re.sub(rf"\b{re.escape(old)}\b", new, s)


def deny(s: str, rng: random.Random) -> str:
    return f"{rng.choice(_SPEAKERS)} denied that {_lc_first(_strip_end(s))}."


def drop_clause(s: str, rng: random.Random) -> str | None:
    """Keep a leading main clause ending at a comma; only when it is long enough to stand."""
    m = re.match(r"^([A-Z][^,;:\"“]{25,}?),\s+(which|who|while|as|after|and|but|according)\b", s)
    if not m:
        return None
    head = m.group(1)
    if re.search(r"\b(if|although|though|when|while|unless|because)\b", head, re.I):
        return None
    return head + "."


def hedge(s: str, rng: random.Random) -> str:
    return rng.choice(_HEDGES).format(s=_lc_first(_strip_end(s))) + "."


def attribute(s: str, rng: random.Random) -> tuple[str, str]:
    core = _lc_first(_strip_end(s))
    return f"{rng.choice(_SPEAKERS)} said that {core}.", f"It was reported that {core}."


def _usable(s: str) -> bool:
    n = len(s.split())
    return 8 <= n <= 45 and not s.endswith("?") and '"' not in s[:1]


def synthesize(articles: list[list[str]], n_pairs: int, seed: int, source: str = "synthetic") -> list[NLIExample]:
    """Build about ``n_pairs`` pairs from ``articles`` (lists of sentences), balanced by label."""
    rng = random.Random(seed)
    pool = [(ai, s) for ai, sents in enumerate(articles) for s in sents if _usable(s)]
    rng.shuffle(pool)
    contra = [negate, antonym, change_number, swap_actor]
    out: list[NLIExample] = []
    counts = {"entailment": 0, "neutral": 0, "contradiction": 0}
    target = n_pairs // 3 + 1

    def add(p, h, lab):
        if p and h and p != h and counts[lab] < target:
            out.append(NLIExample(p, h, lab, source))
            counts[lab] += 1

    for ai, s in pool:
        if min(counts.values()) >= target:
            break
        kind = rng.random()
        if kind < 0.45:
            # contradiction: an edit of s, or a denial of s; random direction
            if rng.random() < 0.2:
                d = deny(s, rng)
                add(*((s, d) if rng.random() < 0.5 else (d, s)), "contradiction")
            else:
                fn = rng.choice(contra)
                h = fn(s, rng)
                if h:
                    add(*((s, h) if rng.random() < 0.5 else (h, s)), "contradiction")
        elif kind < 0.8:
            r = rng.random()
            if r < 0.4:
                add(s, drop_clause(s, rng), "entailment")
            elif r < 0.7:
                add(s, hedge(s, rng), "entailment")
            else:
                add(*attribute(s, rng), "entailment")
        else:
            others = [x for x in articles[ai] if x != s and _usable(x)]
            if others:
                add(s, rng.choice(others), "neutral")
    rng.shuffle(out)
    return out
