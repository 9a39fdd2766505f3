"""Training recipes: the NLI cross-encoder, the attribution tagger, and the pairs they are built from."""
from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path


def _staging(path: Path) -> Path:
    return path.with_name(path.name + ".tmp")


@contextmanager
def staged_dir(path: Path):
    """Write a folder (a checkpoint, the best model, an output) as ``<path>.tmp`` and swap it in only once
    the block has written all of it: a killed run never leaves a half-written ``path``."""
    tmp = _staging(path)
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    yield tmp
    shutil.rmtree(path, ignore_errors=True)
    tmp.rename(path)


def recover_checkpoint(ckpt: Path, last_file: str) -> bool:
    """A run killed inside ``staged_dir``'s swap, between removing the old checkpoint and the rename,
    leaves only the new one, complete once ``last_file`` (written last) is in it.  Move it into place so
    that ``--resume`` continues from it instead of starting over."""
    tmp = _staging(ckpt)
    if (ckpt / last_file).exists() or not (tmp / last_file).exists():
        return False
    shutil.rmtree(ckpt, ignore_errors=True)
    tmp.rename(ckpt)
    return True
