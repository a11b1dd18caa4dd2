"""File-system steps that must never leave a half-written result."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Mapping
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


def project_file(value: str, base: Path, protected: Mapping[str, Path] | None, what: str, example: str,
                 noun: str = "file", or_else: str = "") -> Path:
    """The file ``value`` names: relative to ``base`` (the project), inside it, out of the
    ``protected`` folders (name -> folder: the cache, the site...), with no symbolic link in any
    part of its path (a link could lead out of the project, or into the cache), and a regular file.
    Raises ValueError saying why not: ``what`` names the field ("photo"), ``example`` is such a
    path, ``noun`` the kind of file ("image"), ``or_else`` another way ("or give an https:// URL")."""
    import re

    if re.search(r"[\x00-\x1f\x7f]", value):
        raise ValueError(f"{what} {value!r} contains control characters; rename the file")
    rel_path = Path(value)
    if not value.strip() or rel_path.is_absolute() or ".." in rel_path.parts:
        raise ValueError(f"{what} '{value}' must be a path inside the project, relative to it, such as '{example}'")
    try:
        return _checked_file(rel_path, value, base, protected, what, example, noun, or_else)
    except OSError as exc:  # a name too long, a folder that cannot be read: said as this field's problem
        raise ValueError(f"{what} '{value}': {exc.strerror or exc}") from None


def _checked_file(rel_path: Path, value: str, base: Path, protected, what: str, example: str, noun: str,
                  or_else: str) -> Path:
    for part in [*reversed(rel_path.parents[:-1]), rel_path]:
        if (base / part).is_symlink():
            raise ValueError(f"{what} '{value}': '{part}' is a symbolic link; put the {noun} itself in the project")
    path = base / rel_path
    for name, folder in (protected or {}).items():
        if path.resolve().is_relative_to(Path(folder).resolve()):
            raise ValueError(f"{what} '{value}' is inside {name}; keep {what}s in a folder of their own, such as "
                             f"{Path(example).parent}/")
    if not path.exists():
        raise ValueError(f"{what} '{value}' not found; put the {noun} in the project (the path is relative to the "
                         f"folder with kbgen.yml){or_else}")
    if not path.is_file():
        article = "an" if noun[:1] in "aeiou" else "a"
        raise ValueError(f"{what} '{value}' is not a regular file; give the path of {article} {noun} file")
    return path
