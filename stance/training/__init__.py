"""Training recipes: the NLI cross-encoder, the attribution tagger, and the pairs they are built from."""
from __future__ import annotations

import shutil
from pathlib import Path


def recover_checkpoint(ckpt: Path, last_file: str) -> bool:
    """A checkpoint is written to ``<ckpt>.tmp`` and renamed into place; a run killed between removing
    the old one and the rename leaves only the new one, complete once ``last_file`` (written last) is in
    it.  Move it into place so that ``--resume`` continues from it instead of starting over."""
    tmp = ckpt.with_name(ckpt.name + ".tmp")
    if (ckpt / last_file).exists() or not (tmp / last_file).exists():
        return False
    shutil.rmtree(ckpt, ignore_errors=True)
    tmp.rename(ckpt)
    return True
