"""``stance eval``: score an NLI model on labelled pairs, or document stance on labelled targets.

Inputs: any JSONL with ``premise``, ``hypothesis``, ``label`` (``--pairs``); the formats in
``../shared/data`` (``--nli-dataset sick|snli|xnli|rte PATH``); or document stances (``--stances``).
Output keys are always the same, so scripts can rely on them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from stance.data import nli as D
from stance.errors import StanceError
from stance.iohelpers import atomic_write_text
from stance.models.scorer import THREE_WAY, Scorer

STANCES = ("agree", "disagree", "discuss", "unrelated")


@dataclass(frozen=True)
class LabelledPair:
    premise: str
    hypothesis: str
    label: str
    line: int


@dataclass(frozen=True)
class EvalResult:
    n: int
    accuracy: float
    macro_f1: float
    labels: tuple[str, ...]
    per_class: dict
    confusion: list
    predictions: tuple[str, ...]
    probabilities: np.ndarray
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {"n": self.n, "accuracy": self.accuracy, "macro_f1": self.macro_f1, "labels": list(self.labels),
                "per_class": self.per_class, "confusion": self.confusion}


def read_jsonl_records(path: Path, required: tuple[str, ...], allowed: dict[str, tuple[str, ...]] | None = None) -> list[tuple[int, dict]]:
    if not path.exists():
        raise StanceError(f"{path}: file not found; pass an existing JSONL file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise StanceError(f"{path}: not UTF-8 text; pass a JSONL file (one JSON object per line)") from None
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            raise StanceError(f"{path}:{n}: not valid JSON; the file must be JSONL (one JSON object per line)") from None
        if not isinstance(obj, dict):
            raise StanceError(f"{path}:{n}: expected a JSON object with fields {', '.join(required)}")
        for f in required:
            if f not in obj:
                raise StanceError(f"{path}:{n}: missing field '{f}'; every line needs {', '.join(required)}")
            if not isinstance(obj[f], str) or not obj[f].strip():
                raise StanceError(f"{path}:{n}: field '{f}' is empty; give it text")
        for f, ok in (allowed or {}).items():
            if obj[f].strip().lower() not in ok:
                raise StanceError(f"{path}:{n}: unknown {f} '{obj[f]}'; use one of {', '.join(ok)}")
        rows.append((n, obj))
    if not rows:
        raise StanceError(f"{path}: no records; the file is empty")
    return rows


def read_pairs(path: str | Path) -> list[LabelledPair]:
    rows = read_jsonl_records(Path(path), ("premise", "hypothesis", "label"), {"label": THREE_WAY})
    return [LabelledPair(o["premise"], o["hypothesis"], o["label"].strip().lower(), n) for n, o in rows]


def read_nli_dataset(kind: str, path: str | Path, holdout_config: str | Path | None = None
                     ) -> tuple[list[LabelledPair], bool, list[str]]:
    """Returns (pairs, two_way, notes).  RTE is 2-way: gold entailment / not_entailment.

    SICK files that carry a ``SemEval_set`` column are scored on their TRIAL rows only (the
    bundled model trains on TRAIN).  ``holdout_config`` (a training config) restricts SNLI and
    XNLI to exactly the part that training held back.
    """
    p = Path(path)
    if not p.exists():
        raise StanceError(f"{p}: dataset file not found; pass the path to the {kind} file under ../shared/data")
    notes: list[str] = []
    sick_split = None
    if kind == "sick":
        with open(p, encoding="utf-8-sig") as fh:
            if "SemEval_set" in fh.readline():
                sick_split = "TRIAL"
                notes.append("SICK: TRIAL rows only (TRAIN rows are training data)")
    loaders = {"sick": lambda: D.load_sick(p, sick_split), "snli": lambda: D.load_snli(p),
               "xnli": lambda: D.load_xnli(p), "rte": lambda: D.load_rte(p), "anli": lambda: D.load_anli(p)}
    if kind not in loaders:
        raise StanceError(f"--nli-dataset: unknown dataset '{kind}'; use sick, snli, xnli, rte or anli")
    try:
        items = loaders[kind]()
    except (KeyError, ValueError, json.JSONDecodeError) as exc:
        raise StanceError(f"{p}: not in the {kind} format ({type(exc).__name__}: {exc}); check the file") from None
    if holdout_config and kind in ("snli", "xnli", "anli"):
        from stance.config import load_train_config

        cfg = load_train_config(holdout_config)
        key = {"snli": "snli_dev", "xnli": "xnli", "anli": "anli"}[kind]
        if key in cfg["sources"]:   # a recipe that does not train on the set leaves all of it to score
            n_dev = int(cfg["sources"][key]["holdout"])
            _, items = D.split_holdout(items, n_dev, int(cfg["seed"]))
            notes.append(f"{kind}: the {n_dev} pairs held back by {holdout_config} (seed {cfg['seed']})")
    return [LabelledPair(x.premise, x.hypothesis, x.label, i + 1) for i, x in enumerate(items)], kind == "rte", notes


def metrics(gold: list[str], pred: list[str], labels: tuple[str, ...]) -> tuple[float, float, dict, list]:
    from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

    p, r, f, s = precision_recall_fscore_support(gold, pred, labels=list(labels), zero_division=0)
    per = {lab: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4), "f1": round(float(f[i]), 4),
                 "support": int(s[i])} for i, lab in enumerate(labels)}
    acc = round(float(accuracy_score(gold, pred)), 4)
    # macro-F1 over the classes that occur in gold or predictions: a class absent from both
    # (no "disagree" in a small stance set) would otherwise count as F1 = 0
    present = [i for i, lab in enumerate(labels) if lab in set(gold) | set(pred)]
    return acc, round(float(np.mean(f[present])), 4), per, confusion_matrix(gold, pred, labels=list(labels)).tolist()


def evaluate_pairs(pairs: list[LabelledPair], scorer: Scorer, two_way: bool = False,
                   batch_size: int | None = None, notes: list[str] | None = None) -> EvalResult:
    probs = scorer.predict([(x.premise, x.hypothesis) for x in pairs], batch_size)
    labels = tuple(scorer.labels)
    notes = list(notes or [])
    if getattr(scorer, "temperature", 1.0) != 1.0:
        notes.append(f"model calibration applied: temperature {scorer.temperature} (argmax labels unchanged)")
    if two_way or labels == ("entailment", "not_entailment"):
        e = labels.index("entailment")
        pred = ["entailment" if row[e] >= 0.5 else "not_entailment" for row in probs]
        gold = ["entailment" if x.label == "entailment" else "not_entailment" for x in pairs]
        eval_labels = ("entailment", "not_entailment")
        if labels != ("entailment", "not_entailment"):
            notes.append("2-way scoring: neutral and contradiction collapsed to not_entailment")
    else:
        pred = [labels[i] for i in probs.argmax(1)]
        gold = [x.label for x in pairs]
        eval_labels = THREE_WAY
    acc, mf1, per, conf = metrics(gold, pred, eval_labels)
    return EvalResult(len(pairs), acc, mf1, eval_labels, per, conf, tuple(pred), probs, tuple(notes))


# how the fixture's labelling guide reads each relation (tests/fixtures/README.md): a denial of what
# the other asserts is a contradiction; a doubt about P is neutral against P itself, but contradicts
# a claim of confidence in the evidence for P; supports entails only in the premise -> hypothesis direction


def relation_label(j, premise_claim, hypothesis_claim, forward_entailment: float, support_threshold: float) -> str:
    from stance.stages.cues import CONFIDENCE

    if j.relation in ("contradicts", "denies"):
        return "contradiction"
    if j.relation == "disputes":
        asserting = hypothesis_claim if j.direction == "a" else premise_claim
        return "contradiction" if CONFIDENCE.search(asserting.text) else "neutral"
    if j.relation == "supports":
        return "entailment" if forward_entailment >= support_threshold else "neutral"
    return "neutral"


def text_claim(text: str, doc_id: str, tagger=None):
    """A labelled text as one claim, through the same attribution as the pipeline's claims
    (the tagger's spans where it finds a cue, else the rules)."""
    from stance.stages.attribution import attribute
    from stance.stages.claims import claim_from, tagged_attribution
    from stance.stages.corpus import Document

    author = f"{doc_id} (author)"
    found = tagged_attribution(text, 0, tagger.tag(text), author, None, "") if tagger is not None else None
    att, segs = found if found else (attribute(text, author), None)
    return claim_from(Document(id=doc_id, text=text), doc_id, text, 0, att, False, author, segs)


def judged_inputs(pairs: list[LabelledPair], scorer: Scorer, batch_size: int | None = None, tagger=None):
    """What the judgement reads for labelled pairs: both texts as attributed claims, and NLI of their
    contents in both directions (rows 0..n-1 premise -> hypothesis, n..2n-1 back)."""
    from stance.stages.judge import nli_content
    from stance.stages.scores import predict_unique

    if "contradiction" not in tuple(scorer.labels):
        raise StanceError(f"{scorer.info.name_or_path}: a 2-way model cannot score the judgement; "
                          f"use --nli-only or a 3-way model")
    claims = [(text_claim(x.premise, "premise", tagger), text_claim(x.hypothesis, "hypothesis", tagger))
              for x in pairs]
    cont = [(nli_content(a), nli_content(b)) for a, b in claims]
    return claims, predict_unique(scorer, cont + [(b, a) for a, b in cont], batch_size)


def judged_labels(claims, probs, labels: tuple[str, ...], opts) -> tuple[list[str], np.ndarray]:
    """The NLI label each pair's judgement maps to (``relation_label``), and support / rest / conflict."""
    from stance.stages.judge import judge_contents, reading

    e, c, n = labels.index("entailment"), labels.index("contradiction"), len(claims)
    pred, shown = [], np.zeros((n, 3))
    for i, (a, b) in enumerate(claims):
        ra, rb = reading(a), reading(b)
        j, f, _ = judge_contents(a, b, probs[i], probs[n + i], labels, 1.0, opts, readings=(ra, rb))
        # the premise entails the hypothesis in its own direction: for a denial against an assertion
        # ("Iraq denied she is his wife" -> "she is not his wife, says Iraq") that is the contents contradicting
        opposite = {ra[1], rb[1]} == {"asserts", "denies"}
        pred.append(relation_label(j, a, b, float(f[c] if opposite else f[e]), opts.support_threshold))
        shown[i] = [j.support, max(0.0, 1 - j.support - j.score), j.score]
    return pred, shown


def evaluate_pairs_judged(pairs: list[LabelledPair], scorer: Scorer, judge_options=None,
                          batch_size: int | None = None, notes: list[str] | None = None, tagger=None) -> EvalResult:
    """Score labelled pairs with the product's judgement: both texts become attributed claims, their
    contents are compared by NLI in both directions, and the relation maps to an NLI label."""
    from stance.stages.judge import JudgeOptions

    claims, probs = judged_inputs(pairs, scorer, batch_size, tagger)
    pred, shown = judged_labels(claims, probs, tuple(scorer.labels), judge_options or JudgeOptions())
    gold = [x.label for x in pairs]
    acc, mf1, per, conf = metrics(gold, pred, THREE_WAY)
    notes = list(notes or []) + ["judgement: attributed contents by NLI + attitudes, relation mapped to NLI labels "
                                 "(README: the pair judgement); probabilities shown are support / rest / conflict"]
    return EvalResult(len(pairs), acc, mf1, THREE_WAY, per, conf, tuple(pred), shown, tuple(notes))


def evaluate_stances(stances_file: str | Path, corpus: str | Path, scorer: Scorer, config=None) -> EvalResult:
    from stance.pipeline import analyze

    rows = read_jsonl_records(Path(stances_file), ("doc", "target", "stance"), {"stance": STANCES})
    targets = list(dict.fromkeys(o["target"] for _, o in rows))
    res = analyze(corpus, config=config, targets=targets, scorer=scorer, quiet=True)
    got = {(t.doc_id, t.target): t.stance for t in res.targets}
    docs = {d.id for d in res.corpus.documents}
    for n, o in rows:
        if o["doc"] not in docs:
            raise StanceError(f"{stances_file}:{n}: document '{o['doc']}' is not in the corpus {corpus}; "
                              f"fix the doc field or pass --corpus")
    gold = [o["stance"].lower() for _, o in rows]
    pred = [got[(o["doc"], o["target"])] for _, o in rows]
    acc, mf1, per, conf = metrics(gold, pred, STANCES)
    return EvalResult(len(rows), acc, mf1, STANCES, per, conf, tuple(pred), np.zeros((len(rows), 0)))


def format_result(res: EvalResult, pairs: list[LabelledPair] | None = None, show_errors: int = 50) -> str:
    lines = [f"n={res.n}  accuracy={res.accuracy:.4f}  macro-F1={res.macro_f1:.4f}"]
    lines += [f"note: {n}" for n in res.notes]
    lines.append("")
    lines.append(f"{'label':<16}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}")
    for lab in res.labels:
        m = res.per_class[lab]
        lines.append(f"{lab:<16}{m['precision']:>10.4f}{m['recall']:>10.4f}{m['f1']:>10.4f}{m['support']:>10d}")
    lines.append("")
    lines.append("confusion (rows = gold, columns = predicted):")
    w = max(len(x) for x in res.labels) + 2
    lines.append(" " * w + "".join(f"{lab[:13]:>15}" for lab in res.labels))
    for lab, row in zip(res.labels, res.confusion):
        lines.append(f"{lab:<{w}}" + "".join(f"{v:>15d}" for v in row))
    if pairs is not None and res.probabilities.size:
        wrong = [(x, p, pr) for x, p, pr in zip(pairs, res.predictions, res.probabilities)
                 if (p != x.label and not (p == "not_entailment" and x.label != "entailment"))]
        lines.append("")
        lines.append(f"misclassified: {len(wrong)}" + (f" (first {show_errors})" if len(wrong) > show_errors else ""))
        for x, p, pr in wrong[:show_errors]:
            probs = " ".join(f"{v:.2f}" for v in pr)
            lines.append(f"  line {x.line}: gold={x.label} pred={p} probs=[{probs}]")
            lines.append(f"    P: {x.premise[:150]}")
            lines.append(f"    H: {x.hypothesis[:150]}")
    return "\n".join(lines)


def write_json(res: EvalResult, path: str | Path) -> None:
    atomic_write_text(path, json.dumps(res.to_json(), indent=2) + "\n")
