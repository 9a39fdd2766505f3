"""``stance train``: fine-tune a 3-way NLI cross-encoder from a local encoder and local data.

Resumable: a checkpoint (weights, optimizer, scheduler, step, best score) is written every
``checkpoint_every`` steps under ``OUT/checkpoint``; ``--resume`` continues from it with the
same batch order.  The best dev checkpoint (mean macro-F1 over ``dev.select_on``) is kept in
``OUT/best``; at the end a temperature is fitted on dev and the model is written to ``OUT``.
"""
from __future__ import annotations

import logging
import json
import math
import random
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from stance.config import PROJECT_ROOT
from stance.data import nli as D
from stance.data.stance_csv import read_fnc_csvs, split_by_body
from stance.iohelpers import atomic_write_text
from stance.models.loading import minilm_path
from stance.training.kd import LABEL_ID, LABELS, NOT_ENT_ID, distillation_loss, nli_loss
from stance.training import recover_checkpoint, staged_dir
from stance.training.synthetic import synthesize

log = logging.getLogger(__name__)



def resolve_base_model(name: str) -> str:
    if name == "minilm":
        return minilm_path("base_model")
    p = Path(name)
    if not p.is_absolute():
        p = PROJECT_ROOT / p if (PROJECT_ROOT / p).exists() else p
    return str(p)


@dataclass
class Mixture:
    train: list
    dev: dict = field(default_factory=dict)      # name -> list[NLIExample]
    counts: dict = field(default_factory=dict)   # source -> n train


def _cap(items: list, n: int | None, seed: int) -> list:
    if n is None or n >= len(items):
        return items
    rng = random.Random(seed)
    return rng.sample(items, n)


def fnc_pairs(stances, bodies, n_sentences: int) -> list[D.NLIExample]:
    """Headline as hypothesis vs the body's most TF-IDF-related sentences as premise."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from stance.stages.sentences import split_sentences

    mapping = {"agree": "entailment", "disagree": "contradiction", "discuss": "neutral", "unrelated": "neutral"}
    body_sents = {b: [s.text for s in split_sentences(bodies[b])] or [bodies[b]]
                  for b in {s.body_id for s in stances}}
    vec = TfidfVectorizer(stop_words="english", sublinear_tf=True)
    vec.fit([t for ss in body_sents.values() for t in ss] + [s.headline for s in stances])
    body_mats = {b: vec.transform(ss) for b, ss in body_sents.items()}
    out = []
    for s in stances:
        sims = (body_mats[s.body_id] @ vec.transform([s.headline]).T).toarray().ravel()
        top = sorted(np.argsort(-sims)[:n_sentences])
        premise = " ".join(body_sents[s.body_id][i] for i in top)
        out.append(D.NLIExample(" ".join(premise.split()), " ".join(s.headline.split()),
                                mapping[s.stance.strip().lower()], "fnc1"))
    return out


def build_mixture(cfg: dict, data_dir: Path) -> Mixture:
    seed = cfg["seed"]
    src = cfg["sources"]
    per_dev = cfg["dev"]["per_set"]
    train, dev, counts = [], {}, {}

    def add(name, items):  # a source's pairs, capped at ``max``, each seen ``repeat`` times per epoch
        items = _cap(items, src[name].get("max"), seed) * int(src[name].get("repeat") or 1)
        train.extend(items)
        counts[name] = len(items)

    p = lambda *a: D.data_path(data_dir, *a)  # noqa: E731
    if "lingnli" in src:
        items = []
        for f in sorted(p("nli", "lingnli").glob("*.jsonl")):
            items += D.load_mnli_jsonl(f, "lingnli")
        add("lingnli", items)
    if "protocols" in src:
        items = []
        for sub in ("base", "edit_other", "edit_premise", "contrast"):
            items += D.load_protocols_tsv(p("nli", "nli_new_protocols", sub, "train.tsv"), "protocols")
        add("protocols", items)
    if "mnli_dev" in src:
        add("mnli_dev", D.load_mnli_jsonl(p("nli", "mnli_dev", "dev_matched.jsonl"), "mnli_dev"))
    if "taxinli_mismatched" in src:
        add("taxinli_mismatched", D.load_taxinli_mismatched(p("nli", "taxinli", "taxinli10k_MNLIDev.tsv")))
    if "snli_dev" in src:
        tr, dv = D.split_holdout(D.load_snli(p("nli", "snli", "snli_1.0_dev.jsonl")), src["snli_dev"]["holdout"], seed)
        dev["snli"] = dv
        add("snli_dev", tr)
    if "sick" in src:
        f = p("nli", "sick", "SICK_train_trial.txt")
        dev["sick"] = D.load_sick(f, "TRIAL")
        add("sick", D.load_sick(f, "TRAIN"))
    if "xnli" in src:
        tr, dv = D.split_holdout(D.load_xnli(p("nli", "xnli_en", "validation.tsv")), src["xnli"]["holdout"], seed)
        dev["xnli"] = dv
        add("xnli", tr)
    rte_dev = D.load_rte(p("nli", "rte", "dev.tsv")) if ("rte" in src or "rte3" in src) else []
    if rte_dev:
        dev["rte"] = rte_dev
    if "rte" in src:
        add("rte", D.load_rte(p("nli", "rte", "train.tsv")))
    if "rte3" in src:
        dev_keys = {(x.premise, x.hypothesis) for x in rte_dev}
        add("rte3", [x for x in D.load_rte3(p("nli", "rte3_3way", "rte3_dev_3way.jsonl"))
                     if (x.premise, x.hypothesis) not in dev_keys])
    if "healthver" in src:
        add("healthver", D.load_healthver(p("nli", "healthver", "dev.csv")))
    if "cad_snli" in src:
        add("cad_snli", D.load_protocols_tsv(p("nli", "cad_snli", "train.tsv"), "cad_snli"))
    if "climate_fever" in src:
        add("climate_fever", D.load_climate_fever(p("claims", "climate_fever", "climate-fever.jsonl")))
    if "conjnli" in src:  # heuristic, noisy labels: capped
        add("conjnli", D.load_conjnli(p("nli", "conjnli", "adversarial_train_15k.tsv")))
    if "control" in src:
        add("control", D.load_mnli_jsonl(p("nli", "control", "dev.jsonl"), "control"))
    if "wanli" in src:
        add("wanli", D.load_wanli(p("nli", "wanli_sample", "train_sample.jsonl")))
    if "anli" in src:  # adversarial NLI: only dev rounds are here, so each round's held-back part is its dev
        held, train_anli = [], []
        for r in (1, 2, 3):
            tr, dv = D.split_holdout(D.load_anli(p("nli", "anli_dev", f"R{r}.dev.jsonl")), src["anli"]["holdout"], seed)
            held += dv
            train_anli += tr
        dev["anli"] = _cap(held, per_dev, seed)
        add("anli", train_anli)
    if "polnear" in src or "veridicality" in src:
        from stance.training.news_pairs import news_pairs

        ncfg = src.get("polnear") or {}
        tr_news = news_pairs(data_dir, "train", seed, ncfg.get("synthetic", 4000))
        dv_news = news_pairs(data_dir, "dev", seed + 1, per_dev)
        for name in ("polnear", "veridicality"):
            if name in src:
                add(name, tr_news[name])
                dev[name] = _cap(dv_news[name], per_dev, seed)
    if "news_overlap" in src:  # hard neutrals: same actors, different propositions (PolNeAR train / dev)
        from stance.data.polnear import load_split
        from stance.training.news_pairs import overlap_neutrals

        root = D.data_path(data_dir, "attribution", "polnear")
        add("news_overlap", overlap_neutrals(load_split("train", root), src["news_overlap"].get("n") or 4000, seed))
        dev["news_overlap"] = overlap_neutrals(load_split("dev", root), per_dev, seed + 1)
    if "fnc1" in src or "synthetic" in src:
        fnc_data = read_fnc_csvs(p("fnc1", "train_bodies.csv"), p("fnc1", "train_stances.csv"))
        bodies, stances = fnc_data.bodies, fnc_data.stances
        fcfg = src.get("fnc1", {})
        tr, dv = split_by_body(stances, fcfg.get("dev_fraction", 0.1), seed)
        if "fnc1" in src:
            dev_sample = _cap(dv, per_dev * 2, seed)
            dev["fnc1"] = fnc_pairs(dev_sample, bodies, fcfg.get("sentences", 2))
            # balance: keep every agree/disagree, fill with discuss/unrelated
            rng = random.Random(seed)
            rel = [s for s in tr if s.stance in ("agree", "disagree")]
            other = [s for s in tr if s.stance not in ("agree", "disagree")]
            n = fcfg.get("max", 6000)
            chosen = (rel if len(rel) < n // 2 else rng.sample(rel, n // 2))
            chosen += rng.sample(other, min(len(other), n - len(chosen)))
            add("fnc1", fnc_pairs(chosen, bodies, fcfg.get("sentences", 2)))
        if "synthetic" in src:
            from stance.stages.sentences import split_sentences

            train_bodies = sorted({s.body_id for s in tr})
            arts = [[s.text for s in split_sentences(bodies[b])] for b in train_bodies]
            syn = synthesize(arts, src["synthetic"]["n"], seed)
            train.extend(syn)
            counts["synthetic"] = len(syn)
            dev_bodies = sorted({s.body_id for s in dv})
            dev["synthetic"] = synthesize([[s.text for s in split_sentences(bodies[b])] for b in dev_bodies],
                                          per_dev, seed + 1)
    if "fnc_news" in src:  # news claim pairs labelled by the fixture's guide (data/README.md); dev: the tune half
        from stance.data.fnc_claims import LABELLED, TRAINING, materialise

        as_nli = lambda rows: [D.NLIExample(r["premise"], r["hypothesis"], r["label"], "fnc_news") for r in rows]  # noqa: E731
        rows = materialise(TRAINING, p("fnc1"))
        # contradiction is symmetric: each contradicting pair also teaches the other direction
        rows += [r | {"premise": r["hypothesis"], "hypothesis": r["premise"]} for r in rows if r["label"] == "contradiction"]
        if src["fnc_news"].get("balance"):
            # similarity sampling yields mostly neutral pairs (76%); left as is they teach the model a neutral prior
            by = {lab: [r for r in rows if r["label"] == lab] for lab in ("entailment", "neutral", "contradiction")}
            n = min(len(v) for v in by.values())
            rows = [r for lab in by for r in _cap(by[lab], n, seed)]
        add("fnc_news", as_nli(rows))
        dev["fnc_news"] = as_nli(materialise(LABELLED, p("fnc1"), "tune"))
    random.Random(seed).shuffle(train)
    return Mixture(train=train, dev=dev, counts=counts)


def encode_examples(examples, tokenizer, max_length: int):
    from stance.models.scorer import encode_pairs

    enc = encode_pairs(tokenizer, [(e.premise, e.hypothesis) for e in examples], max_length)
    labels = [LABEL_ID.get(e.label, NOT_ENT_ID) for e in examples]
    return enc, labels


def epoch_batches(enc, cfg: dict, seed: int) -> list[list[int]]:
    """Length-grouped batches (shuffled megabatches sorted by length): less padding, same randomness.

    ``cfg["length_grouping"]: false`` gives plain shuffled batches (the benchmark's baseline)."""
    bs = cfg["batch_size"]
    rng = random.Random(seed)
    idx = list(range(len(enc["input_ids"])))
    rng.shuffle(idx)
    if not cfg.get("length_grouping", True):
        return [idx[j:j + bs] for j in range(0, len(idx), bs)]
    mega = bs * 50
    batches = []
    for s in range(0, len(idx), mega):
        chunk = sorted(idx[s:s + mega], key=lambda i: len(enc["input_ids"][i]))
        batches += [chunk[j:j + bs] for j in range(0, len(chunk), bs)]
    rng.shuffle(batches)
    return batches


def train_step(model, tokenizer, enc, labels, batch, opt, sched, precision: str = "fp32",
               pad_to: int | None = None, loss_fn=None) -> float:
    """One optimiser step; ``precision: bf16`` runs forward and backward under CPU/GPU bf16 autocast
    (the weights and the optimiser stay fp32).  The loss is cross-entropy on ``labels``, or
    ``loss_fn(fp32 logits, batch)`` when given (distillation)."""
    import torch

    feats = tokenizer.pad({k: [enc[k][i] for i in batch] for k in enc.keys()},
                          padding="max_length" if pad_to else True, max_length=pad_to, return_tensors="pt")
    dev = next(model.parameters()).device
    feats = {k: v.to(dev) for k, v in feats.items()}
    with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=precision == "bf16"):
        logits = model(**feats).logits
    if loss_fn is not None:
        loss = loss_fn(logits.float(), batch)
    else:
        loss = nli_loss(logits, torch.tensor([labels[i] for i in batch], device=dev))
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    sched.step()
    opt.zero_grad(set_to_none=True)
    return float(loss.item())


def evaluate_sets(model, tokenizer, dev: dict, max_length: int, limit: int | None = None) -> dict:
    """Accuracy and macro-F1 per dev set; RTE is scored 2-way (neutral+contradiction = not_entailment)."""
    import torch
    from sklearn.metrics import accuracy_score, f1_score

    model.eval()
    res = {}
    for name, items in dev.items():
        items = items[:limit] if limit else items
        logits = _logits(model, tokenizer, [(x.premise, x.hypothesis) for x in items], max_length)
        pred = logits.argmax(1)
        if name == "rte":
            gold = [0 if x.label == "entailment" else 1 for x in items]
            pred = [0 if p == 0 else 1 for p in pred]
            res[name] = {"n": len(items), "accuracy": accuracy_score(gold, pred),
                         "macro_f1": f1_score(gold, pred, average="macro")}
        else:
            gold = [LABEL_ID[x.label] for x in items]
            res[name] = {"n": len(items), "accuracy": accuracy_score(gold, pred),
                         "macro_f1": f1_score(gold, pred, average="macro", labels=[0, 1, 2])}
    model.train()
    torch.set_grad_enabled(True)
    return res


def _logits(model, tokenizer, pairs, max_length, bs=64):
    import torch

    from stance.models.loading import length_batches
    from stance.models.scorer import encode_pairs

    out = np.zeros((len(pairs), model.config.num_labels), dtype=np.float32)
    dev = next(model.parameters()).device
    with torch.inference_mode():
        for idx in length_batches([len(p) + len(h) for p, h in pairs], bs):
            batch = tokenizer.pad(encode_pairs(tokenizer, [pairs[i] for i in idx], max_length),
                                  padding=True, return_tensors="pt")
            out[idx] = model(**{k: v.to(dev) for k, v in batch.items()}).logits.float().cpu().numpy()
    return out


def fit_temperature(logits: np.ndarray, gold: np.ndarray) -> float:
    """Temperature minimising dev negative log-likelihood (grid search; robust and dependency-free)."""
    best_t, best_nll = 1.0, float("inf")
    for t in np.arange(0.5, 3.01, 0.05):
        z = logits / t
        z = z - z.max(1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(1, keepdims=True))
        nll = -logp[np.arange(len(gold)), gold].mean()
        if nll < best_nll:
            best_t, best_nll = float(t), float(nll)
    return round(best_t, 2)


def stage_log(work: Path, echo: bool = False):
    """``note(**fields)``: one JSON line per stage in WORK/log.jsonl (what each run did, and when)."""
    def note(**kw):
        with open(work / "log.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%S"), **kw}) + "\n")
        if echo:
            log.info(json.dumps(kw))
    return note


def data_root(cfg: dict, data_dir: str | None = None) -> Path:
    """``--data-dir``, else the config's ``data_dir`` (relative to the project root)."""
    ddir = Path(data_dir or cfg.get("data_dir", "../shared/data"))
    return ddir if ddir.is_absolute() else (PROJECT_ROOT / ddir).resolve()


def train(config_path: str | Path, out_dir: str | Path, resume: bool = False, data_dir: str | None = None,
          quiet: bool = False, work: str | Path = ".cache/nli-train") -> dict:
    import torch
    from tqdm import tqdm
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, get_linear_schedule_with_warmup

    from stance.config import load_train_config

    cfg = load_train_config(config_path)
    out, work = Path(out_dir), Path(work)
    work.mkdir(parents=True, exist_ok=True)
    ckpt, best_dir = work / "checkpoint", work / "best"

    note = stage_log(work)
    ddir = data_root(cfg, data_dir)
    seed = int(cfg["seed"])
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(int(cfg.get("threads", 2)))

    t0 = time.time()
    mix = build_mixture(cfg, ddir)
    note(stage="data", train=len(mix.train), counts=mix.counts, dev={k: len(v) for k, v in mix.dev.items()},
         config=str(config_path))
    if not quiet:
        log.info(f"training pairs: {len(mix.train)} {mix.counts}; dev sets: "
              f"{ {k: len(v) for k, v in mix.dev.items()} } ({time.time() - t0:.0f}s)")

    kd = (distillation_loss(cfg, mix, ddir, work, note, resolve_base_model(cfg["distill"]["teacher"]))
          if cfg.get("distill") else None)

    base = resolve_base_model(cfg["base_model"])
    if resume:
        recover_checkpoint(ckpt, "state.json")
    start_from = ckpt if (resume and (ckpt / "state.json").exists()) else base
    tokenizer = AutoTokenizer.from_pretrained(base)
    id2label = {i: lab for i, lab in enumerate(LABELS)}
    # fp32 master weights whatever the folder holds (the shipped model is saved in fp16)
    model = AutoModelForSequenceClassification.from_pretrained(
        str(start_from), num_labels=3, id2label=id2label, label2id={v: k for k, v in id2label.items()},
        dtype=torch.float32)
    enc, labels = encode_examples(mix.train, tokenizer, cfg["max_length"])
    batch_cfg = {"batch_size": cfg["batch_size"], "length_grouping": cfg.get("length_grouping", True)}
    steps_per_epoch = math.ceil(len(labels) / cfg["batch_size"])
    total = steps_per_epoch * int(cfg.get("epochs", 1))
    if cfg.get("max_steps"):
        total = min(total, int(cfg["max_steps"]))
    opt = torch.optim.AdamW(model.parameters(), lr=float(cfg["learning_rate"]), weight_decay=float(cfg["weight_decay"]))
    sched = get_linear_schedule_with_warmup(opt, int(total * float(cfg["warmup_ratio"])), total)
    state = {"step": 0, "best_score": -1.0, "best_step": 0, "history": []}
    if start_from == ckpt:
        state = json.loads((ckpt / "state.json").read_text())
        opt.load_state_dict(torch.load(ckpt / "optimizer.pt", weights_only=True))
        sched.load_state_dict(torch.load(ckpt / "scheduler.pt", weights_only=True))
        torch.set_rng_state(torch.load(ckpt / "rng.pt", weights_only=True))
        note(stage="resume", step=state["step"])
        if not quiet:
            log.info(f"resuming from step {state['step']}")

    select_on = [k for k in cfg["dev"]["select_on"] if k in mix.dev]
    if missing := [k for k in cfg["dev"]["select_on"] if k not in mix.dev]:
        # a dev set exists only when its source is in the recipe (fnc_news, anli): say what selection ignores
        log.warning(f"dev.select_on: no dev set {missing} in this mixture (sources: {sorted(mix.dev)}); "
                    f"the checkpoint is chosen on {select_on}")
        note(stage="select_on", ignored=missing, used=select_on)
    per_dev = int(cfg["dev"]["per_set"])

    def run_eval(step):
        res = evaluate_sets(model, tokenizer, mix.dev, cfg["max_length"], per_dev)
        score = float(np.mean([res[k]["macro_f1"] for k in select_on])) if select_on else 0.0
        state["history"].append({"step": step, "score": score, **{k: round(v["macro_f1"], 4) for k, v in res.items()}})
        note(stage="dev", **state["history"][-1])
        if not quiet:
            log.info(f"step {step}: dev mean macro-F1 {score:.4f} " +
                  " ".join(f"{k}={v['macro_f1']:.3f}" for k, v in res.items()))
        if score > state["best_score"]:
            state["best_score"], state["best_step"] = score, step
            with staged_dir(best_dir) as tmp:
                model.save_pretrained(tmp)

    def save_ckpt(step):
        with staged_dir(ckpt) as tmp:
            model.save_pretrained(tmp)
            torch.save(opt.state_dict(), tmp / "optimizer.pt")
            torch.save(sched.state_dict(), tmp / "scheduler.pt")
            torch.save(torch.get_rng_state(), tmp / "rng.pt")
            (tmp / "state.json").write_text(json.dumps({**state, "step": step}))   # last: marks it complete

    model.train()
    step = state["step"]
    precision = cfg.get("precision", "fp32")
    fwd = torch.compile(model) if cfg.get("compile") else model
    bar = tqdm(total=total, initial=step, disable=quiet, desc="train", mininterval=5)
    epoch = -1
    while step < total:
        if step // steps_per_epoch != epoch:  # a fresh batch order every epoch, reproducible on resume
            epoch = step // steps_per_epoch
            batches = epoch_batches(enc, batch_cfg, seed + epoch)
            if epoch and step % steps_per_epoch == 0:
                note(stage="epoch", epoch=epoch, step=step)
        b = batches[step % steps_per_epoch]
        loss = train_step(fwd, tokenizer, enc, labels, b, opt, sched, precision, loss_fn=kd)
        step += 1
        bar.update(1)
        bar.set_postfix(loss=f"{loss:.3f}", ep=epoch, refresh=False)
        if step % int(cfg["eval_every"]) == 0 or step == total:
            run_eval(step)
        if step % int(cfg["checkpoint_every"]) == 0 or step == total:
            state["step"] = step
            save_ckpt(step)
    bar.close()
    report = finalize(cfg, out, mix, tokenizer, quiet=quiet, config_path=config_path, state=state, work=work)
    note(stage="done", out=str(out), best_step=state["best_step"], best_dev_score=state["best_score"])
    return report


def finalize(cfg: dict, out: Path, mix: Mixture, tokenizer, quiet: bool, config_path, state: dict,
             work: Path) -> dict:
    """Load the best checkpoint, fit temperature on dev, score full dev sets, write the model folder."""
    from transformers import AutoModelForSequenceClassification

    from stance.models.scorer import CALIBRATION_FILE

    best = work / "best" if (work / "best").exists() else work / "checkpoint"
    model = AutoModelForSequenceClassification.from_pretrained(str(best))
    model.eval()
    three = [x for k, v in mix.dev.items() if k != "rte" for x in v]
    logits = _logits(model, tokenizer, [(x.premise, x.hypothesis) for x in three], cfg["max_length"])
    temperature = fit_temperature(logits, np.array([LABEL_ID[x.label] for x in three]))
    metrics = evaluate_sets(model, tokenizer, mix.dev, cfg["max_length"])
    if cfg.get("save_fp16", True):
        model = model.half()
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / "final.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp, safe_serialization=True)
    tokenizer.save_pretrained(tmp)
    atomic_write_text(tmp / CALIBRATION_FILE, json.dumps(
        {"temperature": temperature, "fitted_on": "dev splits: " + ", ".join(k for k in mix.dev if k != "rte"),
         "thresholds": {}}, indent=2))
    report = {"best_step": state.get("best_step"), "best_dev_score": state.get("best_score"),
              "dev": metrics, "train_counts": mix.counts, "history": state.get("history", []),
              "config": cfg, "config_path": str(config_path), "temperature": temperature}
    atomic_write_text(tmp / "training_metrics.json", json.dumps(report, indent=2, default=str))
    for f in tmp.iterdir():
        target = out / f.name
        if target.exists():
            target.unlink()
        f.rename(target)
    tmp.rmdir()
    if not quiet:
        log.info(json.dumps({k: v for k, v in metrics.items()}, indent=1))
    return report
