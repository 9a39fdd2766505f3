"""Distillation on CPU: a trained teacher's logits over many pairs (computed once, kept on disk) and the losses.

On 2 CPU cores a 109M-parameter teacher scores a few dozen pairs a second (bf16), so labelling a few hundred
thousand pairs takes an hour or more.  ``teacher_logits`` saves after every chunk, and a stopped run
resumes where it was (the file records a fingerprint of the pairs and of the teacher's weights; either
changing starts afresh).  Logits are stored in ``LABELS`` order, mapped by name from the teacher's
``config.id2label``, so a teacher with another label order still teaches the right class.
"""
from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import numpy as np

from stance.errors import StanceError
from stance.labels import THREE_WAY as LABELS, canonical_label

LABEL_ID = {lab: i for i, lab in enumerate(LABELS)}
NOT_ENT_ID = -1            # a 2-way not_entailment row: neutral or contradiction


def fingerprint(pairs) -> str:
    h = hashlib.sha256()
    for p, q in pairs:
        h.update(p.encode("utf-8") + b"\x00" + q.encode("utf-8") + b"\x01")
    return h.hexdigest()


def label_order(id2label: dict) -> list[int]:
    """The teacher's output index of each of ``LABELS``, by name."""
    by_name = {canonical_label(str(v)): int(k) for k, v in id2label.items()}
    missing = [lab for lab in LABELS if lab not in by_name]
    if missing:
        raise StanceError(f"the teacher's config.id2label {dict(id2label)} lacks {missing}; "
                          "pass a 3-way NLI model (train one with `stance train`)")
    return [by_name[lab] for lab in LABELS]


def _save(path: Path, logits: np.ndarray, done: int, meta: dict) -> None:
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez(tmp, logits=logits, done=np.array(done), meta=np.array(json.dumps(meta)))
    tmp.replace(path)


def teacher_logits(teacher: str | Path, pairs: list[tuple[str, str]], path: str | Path, max_length: int = 128,
                   chunk: int = 2048, precision: str = "bf16", threads: int | None = None, note=None) -> np.ndarray:
    """(len(pairs), 3) logits of ``teacher`` (a folder written by ``stance train``), resumable via ``path``."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from stance.models.loading import _first_line, length_batches, resolve_model, weights_sha256
    from stance.models.scorer import encode_pairs

    fix = "pass a trained NLI model folder (e.g. `stance train --config configs/train_teacher_mpnet.yaml`)"
    ident, folder = resolve_model(str(teacher), fix)
    meta = {"pairs": fingerprint(pairs), "n": len(pairs), "teacher": str(teacher),
            "teacher_sha256": weights_sha256(folder), "max_length": max_length, "labels": list(LABELS)}
    path = Path(path)
    logits, done = np.zeros((len(pairs), 3), dtype=np.float32), 0
    if path.exists():
        try:
            with np.load(path) as z:
                if json.loads(str(z["meta"])) == meta:
                    logits, done = z["logits"].astype(np.float32), int(z["done"])
        except (OSError, ValueError, KeyError):
            pass   # unreadable: start afresh (it is only a cache)
    if done >= len(pairs):
        return logits
    try:
        tok = AutoTokenizer.from_pretrained(ident, local_files_only=folder is not None)
        model = AutoModelForSequenceClassification.from_pretrained(ident, dtype=torch.float32,
                                                                   local_files_only=folder is not None)
    except (OSError, ValueError, RuntimeError) as exc:
        raise StanceError(f"{teacher}: cannot load the teacher ({_first_line(exc)}); {fix}") from None
    order = label_order(model.config.id2label)
    if threads:
        torch.set_num_threads(threads)
    model.eval()
    t0, start = time.monotonic(), done
    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bf16"):
        while done < len(pairs):
            part = pairs[done:done + chunk]
            for idx in length_batches([len(p) + len(h) for p, h in part], 64):
                batch = tok.pad(encode_pairs(tok, [part[i] for i in idx], max_length), padding=True, return_tensors="pt")
                z = model(**batch).logits.float().numpy()
                logits[[done + i for i in idx]] = z[:, order]
            done += len(part)
            _save(path, logits, done, meta)
            if note and (done >= len(pairs) or (done // chunk) % 8 == 0):
                rate = (done - start) / max(time.monotonic() - t0, 1e-9)
                note(stage="teacher_labels", done=done, of=len(pairs), pairs_per_s=round(rate, 1))
    return logits


def nli_loss(logits, labels):
    """3-way cross-entropy; for 2-way not_entailment rows, -log(P(neutral)+P(contradiction))."""
    import torch

    logp = torch.log_softmax(logits.float(), dim=-1)
    three = labels >= 0
    loss = torch.zeros((), device=logits.device)
    if three.any():
        loss = loss - logp[three].gather(1, labels[three].unsqueeze(1)).sum()
    if (~three).any():
        loss = loss - torch.logsumexp(logp[~three][:, 1:], dim=-1).sum()
    return loss / len(labels)


def kd_loss(logits, teacher_logits, gold, alpha: float, temperature: float):
    """Distillation: ``alpha`` x KL(teacher || student) at ``temperature`` (times T^2, so the gradient scale
    does not depend on T) plus ``1 - alpha`` x the gold cross-entropy on rows that have a gold label
    (``gold`` = -100 for none; -1 = 2-way not_entailment, as in ``nli_loss``)."""
    import torch.nn.functional as F

    t = temperature
    loss = alpha * F.kl_div(F.log_softmax(logits / t, -1), F.softmax(teacher_logits.float() / t, -1),
                            reduction="batchmean") * t * t
    has = gold != -100
    if alpha < 1 and has.any():
        loss = loss + (1 - alpha) * nli_loss(logits[has], gold[has]) * has.float().mean()
    return loss


def distillation_loss(cfg: dict, mix, ddir: Path, work: Path, note, teacher: str):
    """The ``distill:`` section: the teacher scores the training pairs and unlabelled news pairs (once,
    resumably, in WORK/teacher_logits.npz); those pairs join ``mix.train`` with no gold label, and the
    returned loss trains on both.  Dev pairs are never shown to the teacher's labelling."""
    import torch

    from stance.data.nli import NLIExample
    from stance.training.news_pairs import unlabelled_news_pairs

    spec = cfg["distill"]
    seed = int(cfg["seed"])
    unl = unlabelled_news_pairs(ddir, seed, int(spec["unlabelled"]), int(spec["cross_article"]))
    gold = [LABEL_ID.get(x.label, NOT_ENT_ID) for x in mix.train] + [-100] * len(unl)
    mix.train += [NLIExample(p, h, "", "news_unlabelled") for p, h in unl]
    mix.counts["news_unlabelled"] = len(unl)
    note(stage="distill_data", labelled=len(gold) - len(unl), unlabelled=len(unl), teacher=spec["teacher"])
    z = teacher_logits(teacher, [(x.premise, x.hypothesis) for x in mix.train],
                       work / "teacher_logits.npz", int(cfg["max_length"]), precision=cfg.get("precision", "bf16"),
                       note=note)
    z_t, gold_t = torch.from_numpy(z), torch.tensor(gold)
    alpha, temp = float(spec["alpha"]), float(spec["kd_temperature"])

    def loss_fn(logits, batch):
        b = torch.as_tensor(batch)
        return kd_loss(logits, z_t[b].to(logits.device), gold_t[b].to(logits.device), alpha, temp)
    return loss_fn
