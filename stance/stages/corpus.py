"""Stage 1, corpus: a folder of .txt/.md files (optional manifest.json) or a JSONL file."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from stance.errors import StanceError

TEXT_SUFFIXES = (".txt", ".md")
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    title: str | None = None
    source: str | None = None
    date: str | None = None
    kind: str | None = None
    path: str | None = None


@dataclass(frozen=True)
class Corpus:
    documents: tuple[Document, ...]
    location: str
    skipped: tuple[str, ...] = ()  # "path: reason" for files skipped with skip_bad_files

    def by_id(self) -> dict[str, Document]:
        return {d.id: d for d in self.documents}


def _read_text(path: Path, max_bytes: int) -> str:
    """Return the UTF-8 text of ``path`` or raise a one-line StanceError saying what is wrong."""
    size = path.stat().st_size
    if size > max_bytes:
        raise StanceError(f"{path}: file is {size:,} bytes, over the {max_bytes:,}-byte cap; "
                          f"split it, raise corpus.max_file_bytes, or pass --skip-bad-files")
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise StanceError(f"{path}: binary file (NUL bytes), not text; remove it or pass --skip-bad-files")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StanceError(f"{path}: not valid UTF-8 (byte {exc.start}); re-save it as UTF-8 "
                          f"or pass --skip-bad-files") from None
    if not text.strip():
        raise StanceError(f"{path}: file is empty or whitespace only; remove it or pass --skip-bad-files")
    return text


def _load_manifest(folder: Path) -> dict[str, dict]:
    path = folder / MANIFEST
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise StanceError(f"{path}: malformed manifest ({str(exc).splitlines()[0]}); "
                          f"fix the JSON or delete the manifest") from None
    entries = data.get("documents") if isinstance(data, dict) else data
    if not isinstance(entries, list) or not all(isinstance(e, dict) and e.get("file") for e in entries):
        raise StanceError(f"{path}: manifest must hold a list of objects with a 'file' field "
                          f"(under \"documents\"); fix the manifest")
    out = {}
    for e in entries:
        if not (folder / e["file"]).exists():
            raise StanceError(f"{path}: lists '{e['file']}', which is not in {folder}; fix the manifest entry")
        out[e["file"]] = e
    return out


def _check_unique(docs: list[Document], where: str) -> None:
    seen: dict[str, str] = {}
    for d in docs:
        if d.id in seen:
            raise StanceError(f"{where}: duplicate document id '{d.id}' ({seen[d.id]} and {d.path}); "
                              f"give each document a unique id")
        seen[d.id] = d.path or d.id


def load_folder(folder: Path, max_bytes: int, skip_bad_files: bool) -> Corpus:
    manifest = _load_manifest(folder)
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
    docs, skipped = [], []
    for path in files:
        try:
            text = _read_text(path, max_bytes)
        except StanceError as exc:
            if not skip_bad_files:
                raise
            skipped.append(str(exc))
            continue
        meta = manifest.get(path.name, {})
        doc_id = str(meta.get("id") or meta.get("short") or path.stem)
        docs.append(Document(id=doc_id, text=text, title=meta.get("title"), source=meta.get("source"),
                             date=meta.get("date"), kind=meta.get("kind"), path=str(path)))
    _check_unique(docs, str(folder))
    return Corpus(tuple(docs), str(folder), tuple(skipped))


def load_jsonl(path: Path, max_bytes: int, skip_bad_files: bool = False) -> Corpus:
    """One document per line, read as a stream: the size cap applies to each document, not to the file
    (a JSONL corpus of thousands of articles is naturally larger than any one article)."""
    docs, skipped = [], []
    with open(path, "rb") as fh:
        head = fh.read(8192)
        if b"\x00" in head:
            raise StanceError(f"{path}: binary file (NUL bytes), not text; pass a JSONL file of {{\"id\", \"text\"}} lines")
        fh.seek(0)
        for n, raw in enumerate(fh, 1):
            try:
                line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise StanceError(f"{path}:{n}: not valid UTF-8 (byte {exc.start}); re-save the file as UTF-8") from None
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError:
                raise StanceError(f"{path}:{n}: not valid JSON; each line must be one "
                                  f'{{"id": ..., "text": ...}} object') from None
            if not isinstance(obj, dict) or not obj.get("id") or not isinstance(obj.get("text"), str):
                raise StanceError(f"{path}:{n}: needs string fields 'id' and 'text'; fix that line")
            if not obj["text"].strip():
                raise StanceError(f"{path}:{n}: document '{obj['id']}' has empty text; remove the line or fill it")
            size = len(obj["text"].encode("utf-8"))
            if size > max_bytes:
                if skip_bad_files:
                    skipped.append(f"{path}:{n} (document '{obj['id']}' is {size:,} bytes)")
                    continue
                raise StanceError(f"{path}:{n}: document '{obj['id']}' is {size:,} bytes, over the {max_bytes:,}-byte "
                                  f"cap; split it, raise corpus.max_file_bytes, or pass --skip-bad-files")
            docs.append(Document(id=str(obj["id"]), text=obj["text"], title=obj.get("title"),
                                 source=obj.get("source"), date=obj.get("date"), kind=obj.get("kind"),
                                 path=f"{path}:{n}"))
    if not docs:
        raise StanceError(f"{path}: file is empty or has no documents; add {{\"id\", \"text\"}} lines")
    _check_unique(docs, str(path))
    return Corpus(tuple(docs), str(path), tuple(skipped))


def load_corpus(location: str | Path, max_file_bytes: int = 2_000_000, skip_bad_files: bool = False) -> Corpus:
    path = Path(location)
    if not path.exists():
        raise StanceError(f"{path}: corpus not found; pass a folder of .txt/.md files or a .jsonl file")
    corpus = load_folder(path, max_file_bytes, skip_bad_files) if path.is_dir() else load_jsonl(path, max_file_bytes, skip_bad_files)
    if not corpus.documents:
        raise StanceError(f"{path}: empty corpus (no usable .txt/.md documents); add documents or point at another folder")
    return corpus
