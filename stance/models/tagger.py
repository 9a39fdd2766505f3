"""Attribution tagger: a token-classification model that marks Source, Cue and Content spans.

Trained on PolNeAR train (``stance train-tagger``) with BIO tags per role; labels are read by name
from ``config.id2label``.  ``tag(text)`` runs overlapping windows over a whole text and returns
character spans, so spans are offsets into the original document.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from stance.errors import StanceError

ROLES = ("Source", "Cue", "Content")
BIO = ("O",) + tuple(f"{p}-{r}" for r in ROLES for p in ("B", "I"))


@dataclass(frozen=True)
class Span:
    role: str
    start: int
    end: int


def window_starts(n: int, body: int, stride: int) -> list[int]:
    """Start offsets of overlapping windows of ``body`` pieces over ``n`` pieces; the last ends at n."""
    if n <= body:
        return [0]
    starts = list(range(0, n - body + 1, stride))
    if starts[-1] + body < n:
        starts.append(n - body)
    return starts


def load_tagger(path: str | Path, window: int = 256, stride: int = 192, device: str | None = None) -> "AttributionTagger":
    import torch

    from stance.models.loading import load_hf_model

    tok, model, folder = load_hf_model(
        str(path), "token-classification", dtype=torch.float32,
        fix="train it with `stance train-tagger`, pass a tagger folder or reachable hub id in claims.tagger, "
            "or set claims.tagger: null for rules only")
    tok.model_max_length = 10 ** 9  # whole documents are tokenised once, then cut into windows here
    names = {int(i): str(v) for i, v in model.config.id2label.items()}
    if set(names.values()) != set(BIO):
        raise StanceError(f"{path}: tagger labels {sorted(names.values())} are not the BIO tags {list(BIO)}; "
                          f"retrain it with `stance train-tagger`")
    model.eval()
    tagger = AttributionTagger(tok, model, names, window, stride, device or "cpu")
    from stance.models.loading import weights_sha256

    tagger.weights_sha256 = weights_sha256(folder)   # the claim cache's namespace
    return tagger


class AttributionTagger:
    def __init__(self, tokenizer, model, id2label: dict[int, str], window: int, stride: int, device: str):
        self.tokenizer, self.model, self.id2label = tokenizer, model.to(device), id2label
        self.window, self.stride, self.device = window, stride, device

    def token_logits(self, text: str) -> tuple[np.ndarray, list[tuple[int, int]]]:
        """Logits for every word piece of ``text`` (windows overlap; a piece takes its most central window),
        then pooled per word: the pieces of one word share one label."""
        import torch

        enc = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        ids, offs = enc["input_ids"], enc["offset_mapping"]
        words = enc.word_ids() if enc.is_fast else list(range(len(ids)))
        n = len(ids)
        body = self.window - 2
        starts = window_starts(n, body, self.stride)
        out = np.zeros((n, len(self.id2label)), dtype=np.float32)
        best = np.full(n, -1.0)
        cls, sep = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id
        batch = [[cls] + ids[s:s + body] + [sep] for s in starts]
        width = max(len(b) for b in batch)
        inp = torch.tensor([b + [0] * (width - len(b)) for b in batch])
        mask = torch.tensor([[1] * len(b) + [0] * (width - len(b)) for b in batch])
        with torch.inference_mode():
            logits = self.model(input_ids=inp.to(self.device), attention_mask=mask.to(self.device)).logits
        logits = logits.float().cpu().numpy()
        for w, s in enumerate(starts):
            m = min(body, n - s)
            for j in range(m):
                centrality = min(j, m - 1 - j)
                if centrality > best[s + j]:
                    best[s + j] = centrality
                    out[s + j] = logits[w, j + 1]
        return pool_words(out, words), [tuple(o) for o in offs]

    def tag(self, text: str) -> list[Span]:
        if not text.strip():
            return []
        logits, offs = self.token_logits(text)
        labels = [self.id2label[int(i)] for i in logits.argmax(1)]
        return bio_to_spans(labels, offs, text)

    def tag_many(self, texts: list[str]) -> list[list[Span]]:
        return [self.tag(t) for t in texts]


def pool_words(logits: np.ndarray, word_ids: list) -> np.ndarray:
    """Every piece takes the mean logits of its word's pieces.  Labelled piece by piece, "Asymmetric"
    (as + ##ym + ##metric) could start a span in mid-word, and a claim read "ymmetric use of ..."."""
    out = logits.copy()
    i, n = 0, len(word_ids)
    while i < n:
        j = i + 1
        while j < n and word_ids[i] is not None and word_ids[j] == word_ids[i]:
            j += 1
        if j - i > 1:
            out[i:j] = logits[i:j].mean(0)
        i = j
    return out


def bio_to_spans(labels: list[str], offsets: list[tuple[int, int]], text: str) -> list[Span]:
    """Merge BIO word-piece labels into character spans; an I- after O or another role opens a span."""
    spans: list[Span] = []
    cur: list | None = None
    for lab, (a, b) in zip(labels, offsets):
        if b <= a:
            continue
        if lab == "O":
            if cur:
                spans.append(Span(*cur))
            cur = None
            continue
        prefix, role = lab.split("-", 1)
        # word pieces of one word continue the span whatever their tag says
        glued = cur is not None and a == cur[2] and not text[a - 1:a].isspace()
        if cur and (role == cur[0]) and (prefix == "I" or glued):
            cur[2] = b
        else:
            if cur:
                spans.append(Span(*cur))
            cur = [role, a, b]
    if cur:
        spans.append(Span(*cur))
    return spans


def write_label_config(out: Path) -> None:
    cfg = json.loads((out / "config.json").read_text())
    cfg["id2label"] = {str(i): lab for i, lab in enumerate(BIO)}
    cfg["label2id"] = {lab: i for i, lab in enumerate(BIO)}
    (out / "config.json").write_text(json.dumps(cfg, indent=2) + "\n")


class LazyTagger:
    """The tagger at ``path``, loaded on first use: a run whose claims all come from the claim cache
    never loads it.  ``weights_sha256`` (the cache's namespace) is read from the file without loading."""

    def __init__(self, path: str | Path):
        from stance.models.loading import weights_sha256

        self.path = Path(path)
        self.weights_sha256 = weights_sha256(self.path) or str(path)
        self._tagger = None

    def tag(self, text: str) -> list[Span]:
        if self._tagger is None:
            self._tagger = load_tagger(self.path)
        return self._tagger.tag(text)
