"""File-system steps that must never leave a half-written result."""

from __future__ import annotations

import errno
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


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where the system
    or its file system cannot. No library wraps this call: ctypes, as for ``prctl``."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def replace_dir(new: Path, target: Path, aside: Path | None = None) -> None:
    """Put the folder ``new`` in the place of ``target`` (which may not exist yet).

    The two are exchanged in one step where the system can (Linux): ``target`` is never missing,
    not even for a moment, and a build killed then leaves it whole. Elsewhere the old folder is
    moved aside (into ``aside``, default beside ``target``), the new one renamed in: never a mix
    of both. Then the old one is removed. ``new`` and ``aside`` must be on ``target``'s file
    system.
    """
    if target.exists() and _exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)  # the old folder, now under the new one's name
        return
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
