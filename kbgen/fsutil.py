"""File-system steps that must never leave a half-written result."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def write_atomic(target: Path, text: str, durable: bool = False) -> None:
    """Write ``text`` to ``target`` through a temporary file beside it and :func:`os.replace`, so
    the file is whole or absent; ``durable`` also syncs it to disk first (cache entries)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=target.suffix, dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def replace_dir(new: Path, target: Path, aside: Path | None = None) -> None:
    """Put the folder ``new`` in the place of ``target`` (which may not exist yet).

    The old folder is moved aside (into ``aside``, default beside ``target``), the new one
    renamed in, then the old one removed: at no moment is ``target`` a mix of both. ``new`` and
    ``aside`` must be on ``target``'s file system.
    """
    old = None
    if target.exists():
        old = (aside or target.parent) / f".{target.name}-old-{os.getpid()}"
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def link_or_copy(src: Path, dst: Path) -> None:
    """``dst`` as a hard link to ``src`` (no bytes copied), or a copy with its times where the file
    system cannot link (another device): either way the same bytes and modification time."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
