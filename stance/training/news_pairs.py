"""NLI training pairs shaped like the product's inputs: attributed news contents.

Two sources under ``../shared/data`` (train splits for training, dev splits for dev):

* **PolNeAR** attributions (source, cue, content spans in real political news).  Each relation gives
  ``(attributed sentence, content)``, labelled by the fixture guide's attribution rule: an asserting cue
  entails its content, a denial contradicts it, a doubt or a negated cue is neutral.  The contents also
  go through :func:`stance.synthetic.synthesize` (negations, swapped actors, denial rewrites ...), so the
  model sees content-against-content pairs of news length.
* **MegaVeridicality** frames ("John was advised that a particular thing happened", with the annotators'
  commitment from -3 to +3) are filled with a PolNeAR source and content: "Senate aides were advised that
  <content>".  Commitment >= 1.5 is entailment, <= -1.5 contradiction, |x| <= 0.5 neutral; the bands in
  between are dropped as unclear.  This teaches what hundreds of cue verbs do to what they embed.

Everything is deterministic in ``seed``.
"""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

from stance.stages.cues import attitude_of
from stance.data.nli import NLIExample, data_path
from stance.training.synthetic import synthesize

_ATTITUDE_LABEL = {"asserts": "entailment", "denies": "contradiction", "doubts": "neutral"}
_SUBJECT = re.compile(r"^(John|Someone|A particular person)\b")
_FRAME_END = "that a particular thing happened"


def _join(text: str, segs) -> str:
    return " ".join(" ".join(text[a:b].split()) for a, b in sorted(segs))


_NOT_A_CLAUSE = re.compile(r"^(to|why|how|what|whether|if|for|about|of|on|him|her|them)\b", re.I)


def _proposition(content: str) -> str | None:
    """The content as a stand-alone proposition, or None for fragments ("to change ACA", "why ...")."""
    content = re.sub(r"^that\s+", "", content.strip(" ,;:"), flags=re.I)
    if not 20 <= len(content) <= 300 or len(content.split()) < 4 or _NOT_A_CLAUSE.match(content):
        return None
    return content


def polnear_relations(articles) -> list[tuple[str, str, str, str]]:
    """``(sentence, source, cue, content)`` for every relation with a short, contiguous-enough extent."""
    out = []
    for art in articles:
        for r in art.relations:
            segs = list(r.source) + list(r.cue) + list(r.content)
            if not segs or not r.content or not r.cue:
                continue
            a, b = min(s for s, _ in segs), max(e for _, e in segs)
            sentence = " ".join(art.text[a:b].split())
            content = _proposition(_join(art.text, r.content))
            if content is None or len(sentence) > 400:
                continue
            out.append((sentence, _join(art.text, r.source), _join(art.text, r.cue), content))
    return out


def attribution_pairs(relations, seed: int, max_synthetic: int) -> list[NLIExample]:
    """Attributed sentence vs its content (attitude-labelled), plus synthetic edits of the contents.

    Asserting cues are most of the corpus; their pairs are capped at twice the others so that the
    set teaches what denials and doubts do rather than "a sentence entails its own clause"."""
    rng = random.Random(seed)
    framed = [NLIExample(sentence, content, _ATTITUDE_LABEL[attitude_of(cue, content)], "polnear")
              for sentence, _source, cue, content in relations if sentence.lower() != content.lower()]
    rest = [x for x in framed if x.label != "entailment"]
    ent = [x for x in framed if x.label == "entailment"]
    out = rest + rng.sample(ent, min(len(ent), 2 * len(rest)))
    contents = [c[0].upper() + c[1:] for _, _, _, c in relations]
    rng.shuffle(contents)
    # group contents into pseudo-articles of 8 so the "different sentence" neutrals stay on topic-ish
    groups = [contents[i:i + 8] for i in range(0, len(contents), 8)]
    out += [NLIExample(x.premise, x.hypothesis, x.label, "polnear_synthetic")
            for x in synthesize(groups, max_synthetic, seed)]
    return out


def mv2_frames(path: Path) -> list[tuple[str, float]]:
    """``(frame, commitment)`` for MegaVeridicality's "that a particular thing happened" items."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            text = row["text"].replace(" n't", "n't").strip()
            if text.endswith(_FRAME_END) and _SUBJECT.match(text):
                out.append((text[: -len(_FRAME_END)].strip(), float(row["targets"][0]["label"])))
    return out


def _label(commitment: float) -> str | None:
    if commitment >= 1.5:
        return "entailment"
    if commitment <= -1.5:
        return "contradiction"
    if abs(commitment) <= 0.5:
        return "neutral"
    return None


def veridicality_pairs(frames, relations, seed: int, per_frame: int = 2) -> list[NLIExample]:
    rng = random.Random(seed)
    with_source = [r for r in relations if r[1] and len(r[1]) <= 60]
    out = []
    if not with_source:
        return out
    for frame, commitment in frames:
        label = _label(commitment)
        if label is None:
            continue
        for _ in range(per_frame):
            _, source, _, content = rng.choice(with_source)
            subject = source[0].upper() + source[1:]
            premise = _SUBJECT.sub(lambda _m: subject, frame, count=1) + " that " + content
            out.append(NLIExample(premise, content[0].upper() + content[1:], label, "veridicality"))
    return out


def news_pairs(data_dir: Path | str | None, split: str, seed: int, max_synthetic: int = 4000,
               per_frame: int = 2) -> dict[str, list[NLIExample]]:
    """``{"polnear": [...], "veridicality": [...]}`` from the ``split`` ("train" or "dev") parts."""
    from stance.data.polnear import load_split

    root = data_path(data_dir, "attribution", "polnear")
    relations = polnear_relations(load_split(split, root))
    frames = mv2_frames(data_path(data_dir, "factuality", f"MV2_mv2_{split}.jsonl"))
    return {"polnear": attribution_pairs(relations, seed, max_synthetic),
            "veridicality": veridicality_pairs(frames, relations, seed, per_frame)}


def news_sentences(text: str) -> list[str]:
    """An article's sentences of news length (30 to 300 characters), whitespace normalised."""
    from stance.stages.sentences import split_sentences

    return [" ".join(s.text.split()) for s in split_sentences(text) if 30 <= len(s.text) <= 300]


_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")
_STOP_NAMES = frozenset({"The", "But", "And", "In", "It", "He", "She", "They", "We", "This", "That", "Mr", "Mrs", "Ms"})


def _names(sentence: str) -> frozenset:
    return frozenset(n for n in _NAME.findall(sentence) if n not in _STOP_NAMES)


def overlap_neutrals(articles, n: int, seed: int, min_shared: int = 2, max_jaccard: float = 0.25) -> list[NLIExample]:
    """Hard neutrals: two sentences of *different* articles that name the same two actors but say
    different things ("Russia cultivates ties with the Taliban" / "Russia paid the Taliban bounties").
    Sharing actors is not entailment; the model had learnt to read it as such.  Low word overlap keeps
    paraphrases out; some noise remains (two articles can report one fact in other words)."""
    rng = random.Random(seed)
    by_name: dict[str, list[tuple[int, str, frozenset, frozenset]]] = {}
    for ai, art in enumerate(articles):
        for s in news_sentences(art.text):
            names = _names(s)
            if len(names) >= min_shared:
                words = frozenset(w.lower() for w in re.findall(r"[A-Za-z]+", s))
                for name in names:
                    by_name.setdefault(name, []).append((ai, s, names, words))
    keys = sorted(by_name)
    out, seen, tries = [], set(), 0
    while len(out) < n and tries < 50 * n and keys:
        tries += 1
        group = by_name[rng.choice(keys)]
        (a1, s1, n1, w1), (a2, s2, n2, w2) = rng.choice(group), rng.choice(group)
        if a1 == a2 or len(n1 & n2) < min_shared or (s1, s2) in seen:
            continue
        if len(w1 & w2) / max(1, len(w1 | w2)) > max_jaccard:
            continue
        seen.add((s1, s2))
        out.append(NLIExample(s1, s2, "neutral", "news_overlap"))
    return out


def unlabelled_news_pairs(data_dir: Path, seed: int, n: int, cross_article: int = 0) -> list[tuple[str, str]]:
    """News-shaped pairs with no label: neighbouring sentences of one article (both orders) and a
    headline against one of its body's sentences; with ``cross_article``, that many more pairs of
    sentences from *different* PolNeAR articles naming the same two actors (where the student is too
    generous; the teacher decides what they are).  Only train splits: PolNeAR train, FNC-1 train bodies
    outside the body-disjoint dev share."""
    from stance.data import nli as D
    from stance.data.polnear import load_split
    from stance.data.stance_csv import read_fnc_csvs, split_by_body

    if not n and not cross_article:
        return []
    rng = random.Random(seed)
    pairs = []
    articles = load_split("train", D.data_path(data_dir, "attribution", "polnear"))
    for art in articles:
        ss = news_sentences(art.text)
        pairs += [(a, b) for a, b in zip(ss, ss[1:])] + [(b, a) for a, b in zip(ss, ss[1:])]
    fnc = read_fnc_csvs(D.data_path(data_dir, "fnc1", "train_bodies.csv"), D.data_path(data_dir, "fnc1", "train_stances.csv"))
    train, _dev = split_by_body(fnc.stances, 0.1, seed)   # the same body-disjoint dev share as `stance train`
    body_sents = {b: news_sentences(fnc.bodies[b]) for b in sorted({s.body_id for s in train})}
    for ss in body_sents.values():
        pairs += [(a, b) for a, b in zip(ss, ss[1:])]
    for s in train:
        ss = body_sents.get(s.body_id)
        if ss:
            pairs.append((rng.choice(ss), " ".join(s.headline.split())))
    pairs = sorted(set(pairs))
    rng.shuffle(pairs)
    pairs = pairs[:n]
    if cross_article:
        taken = set(pairs)
        pairs += [p for p in dict.fromkeys((x.premise, x.hypothesis) for x in overlap_neutrals(articles, cross_article, seed))
                  if p not in taken]
    return pairs
