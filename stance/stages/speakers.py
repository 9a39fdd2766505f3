"""Speaker normalisation: "Peskov", "Dmitry Peskov" and "Dmitry Peskov, press secretary to
Russia's President" are one speaker.

Per source string: drop appositions and relative clauses, titles ("Gen.", "President"), and role
words before a name ("Taliban spokesman Zabihullah Mujahid" -> "Zabihullah Mujahid").  Phrases
with no proper name ("U.S. intelligence officials") keep their words.  Across a corpus, a bare
surname or a shorter name merges into the one longer name that ends with it.
"""
from __future__ import annotations

import re
from dataclasses import replace

_TITLES = {"gen", "gen.", "general", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "sen", "sen.",
           "rep", "rep.", "president", "secretary", "minister", "prime", "vice", "congressman", "congresswoman",
           "senator", "governor", "gov.", "judge", "lt.", "col.", "adm.", "admiral", "sir", "former", "the",
           "press", "spokesman", "spokeswoman", "spokesperson", "commander", "chief", "director", "ambassador",
           "envoy", "adviser", "advisor", "speaker", "leader", "candidate", "nominee", "democratic", "republican",
           "gop", "u.s.", "us", "state", "foreign", "defense", "national", "security", "house", "white"}
_SUFFIX = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_APPOS = re.compile(r",.*$|\s+\((?:[^)]*)\)|\s+(?:who|which|whose)\b.*$")


def _tokens(s: str) -> list[str]:
    return s.replace("’s ", " ").replace("'s ", " ").split()


def speaker_key(source: str) -> str:
    """The name under which a source is counted (before corpus-level merging)."""
    s = _APPOS.sub("", source.strip()).strip(" .,:;“”\"'")
    toks = _tokens(s)
    if not toks:
        return source.strip()
    # the trailing run of capitalised tokens after the last lower-case or title word is the name
    run: list[str] = []
    for t in reversed(toks):
        if t[:1].isupper() and t.lower() not in _TITLES:
            run.insert(0, t)
        elif t.lower() in _SUFFIX and not run:
            run.insert(0, t)
        else:
            break
    has_lower = any(t[:1].islower() for t in toks)
    if run and (has_lower or any(t.lower() in _TITLES for t in toks)) and len(run) < len(toks):
        return " ".join(run)
    return " ".join(toks)


def _surname(name: str) -> str:
    toks = [t for t in name.split() if t.lower() not in _SUFFIX]
    return toks[-1] if toks else name


def _name_like(key: str) -> bool:
    """A proper name: every word capitalised ("Dmitry Peskov"), not a description ("U.S. intelligence officials")."""
    return all(t[:1].isupper() or t.lower() in _SUFFIX for t in key.split())


def merge_keys(keys: list[str]) -> dict[str, str]:
    """Map each key to its canonical name: the longest key that ends with it (surname match)."""
    uniq = sorted(set(keys), key=lambda k: (-len(k.split()), k))
    by_surname: dict[str, list[str]] = {}   # candidates share the surname: no all-pairs scan over speakers
    for o in uniq:
        if _name_like(o) and len(o.split()) <= 5:
            by_surname.setdefault(_surname(o), []).append(o)
    out = {}
    for k in uniq:
        if not _name_like(k) or len(k.split()) > 4:
            out[k] = k
            continue
        longer = [o for o in by_surname.get(_surname(k), []) if o != k and len(o.split()) > len(k.split())]
        targets = {out.get(o, o) for o in longer}
        out[k] = targets.pop() if len(targets) == 1 else k
    return out


def normalise(claims: list) -> list:
    """Claims with ``speaker_id`` merged across the corpus (author claims keep the author label)."""
    keys = [c.speaker_id for c in claims if c.attributed]
    canon = merge_keys(keys)
    return [replace(c, speaker_id=canon.get(c.speaker_id, c.speaker_id)) if c.attributed else c for c in claims]


# head nouns of speakers that take a plural verb ("officials assert", "Authorities deny")
_PLURAL_HEADS = frozenset({"officials", "authorities", "sources", "investigators", "analysts", "experts", "diplomats",
                           "officers", "lawmakers", "militants", "insurgents", "leaders", "spokesmen", "people",
                           "agencies", "members", "residents", "critics", "scientists", "researchers", "witnesses",
                           "commanders", "republicans", "democrats", "prosecutors", "police", "reports", "they", "we",
                           "americans", "russians", "governments", "ministers"})


def is_plural(speaker: str) -> bool:
    """Does a speaker as shown ("U.S. intelligence officials", "Trump", "NBC News") take a plural verb?
    Only its head noun counts: the last word before an apposition or "(author)"."""
    head = _APPOS.sub("", speaker or "").strip().split()
    return bool(head) and head[-1].lower().strip(".,") in _PLURAL_HEADS
