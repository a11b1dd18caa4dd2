"""One build at a time per project, and scratch space that dead builds cannot leave behind.

Two builds of one project share the docs folder (kbgen swaps its rendered folders into it
before MkDocs runs) and the site folder: an internal build running beside a public one could
put its pages into the public site. So every command that writes them (``build``, ``serve``'s
rebuilds, ``cache --prune``) holds the project's lock, from before it writes anything until its
site is swapped in.

The lock is ``flock`` on ``<cache_dir>/build.lock``: the kernel releases it when the holder's
process ends however it ends (``kill -9`` included), so a dead build never leaves a stale lock.
Written with the standard library, not ``filelock``: the waiting build names the holder (its
process, audience and start), which ``filelock`` does not record, and a thread that already
holds the lock (``serve`` around its rebuild) takes it again without waiting on itself.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import BuildError, ConfigError

LOCK_FILE = "build.lock"
#: Build scratch space (the site being built, the render stage, the old site being removed).
#: Only a build holding the lock writes here, so whatever the next holder finds was left by a
#: build that died.
SCRATCH = "scratch"

_held = threading.local()  # .depth: {lock file: depth} of the locks this thread holds


def _depth() -> dict[str, int]:
    if not hasattr(_held, "depth"):
        _held.depth = {}
    return _held.depth


def _open_lock(cache_dir: Path, shown: str) -> int:
    """The lock file's descriptor, ``cache_dir`` made if missing; a clear error where it cannot
    be a folder of kbgen's (a file, /dev/null, /proc/self)."""
    if cache_dir.exists() and not cache_dir.is_dir():
        raise ConfigError(f"cache_dir {shown}: is not a folder; set `cache_dir:` in kbgen.yml to a folder of "
                          "its own (the default is .kbgen)")
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        return os.open(cache_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise ConfigError(f"cache_dir {shown}: cannot be written ({exc.strerror}); set `cache_dir:` in kbgen.yml "
                          "to a folder kbgen can write (the default is .kbgen)") from None


def _holder(fd: int) -> str:
    try:
        info = json.loads(os.pread(fd, 4096, 0) or b"{}")
        started = time.strftime("%H:%M:%S", time.localtime(float(info["started"])))
        return f"{info['what']} (process {int(info['pid'])}, started {started})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another kbgen command"


@contextmanager
def project_lock(cache_dir: Path, what: str, shown: str, echo: Callable[[str], None] | None = None,
                 wait: bool = True, site_dir: Path | None = None) -> Iterator[None]:
    """Hold the project's build lock (``<cache_dir>/build.lock``) for the ``with`` block.

    ``what`` says who holds it (``"the public build"``), for the message another build shows
    while it waits. With ``wait=False`` a busy lock is a :class:`BuildError` instead. Taken again
    by the thread that holds it, it is a no-op (another thread waits as another process would).
    Once taken, what dead builds left is removed (:func:`clear_scratch`; ``site_dir``: also
    their site copies beside it, where earlier versions built, and where a build still does when
    the cache is on another file system).
    """
    import fcntl

    key = str((cache_dir / LOCK_FILE).resolve())
    held = _depth()
    if held.get(key):  # this thread holds it already (serve's rebuild around the build)
        held[key] += 1
        try:
            yield
        finally:
            held[key] -= 1
        return
    fd = _open_lock(cache_dir, shown)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            if not wait:
                raise BuildError(f"another kbgen command is building this project: {holder}; nothing was "
                                 "changed. Wait for it to finish and run this again (without --no-wait, kbgen "
                                 "waits by itself)") from None
            if echo is not None:
                echo(f"waiting for {holder} to finish: one build of a project at a time (Ctrl-C stops)")
            fcntl.flock(fd, fcntl.LOCK_EX)
        info = json.dumps({"what": what, "pid": os.getpid(), "started": time.time()}).encode()
        os.ftruncate(fd, 0)
        os.pwrite(fd, info, 0)
        held[key] = 1
        try:
            clear_scratch(cache_dir, site_dir)
            yield
        finally:
            del held[key]
    finally:
        os.close(fd)  # releases the lock (forked workers that inherited it are gone by now)


def scratch_dir(cache_dir: Path, beside: Path | None = None) -> Path:
    """The build's scratch folder: under the cache, where no web server serves it. ``beside``:
    a folder the scratch must share a file system with (the site's, for an atomic swap); where
    the cache is on another one, that folder's parent is the scratch space."""
    path = cache_dir / SCRATCH
    path.mkdir(parents=True, exist_ok=True)
    if beside is not None:
        beside.parent.mkdir(parents=True, exist_ok=True)
        if os.stat(path).st_dev != os.stat(beside.parent).st_dev:
            return beside.parent
    return path


def clear_scratch(cache_dir: Path, site_dir: Path | None = None) -> None:
    """Remove what dead builds left in the scratch folder, and their site copies beside
    ``site_dir`` (``.site-new-*``, ``.site-old-*``); the caller holds the lock, so no live build
    of this project has anything there."""
    path = cache_dir / SCRATCH
    entries = list(path.iterdir()) if path.is_dir() else []
    if site_dir is not None and site_dir.parent.is_dir():
        entries += [p for pattern in (f".{site_dir.name}-new-*", f".{site_dir.name}-old-*")
                    for p in site_dir.parent.glob(pattern)]
        old = sorted((p for p in entries if p.name.startswith(f".{site_dir.name}-old-") and p.is_dir()),
                     key=lambda p: p.stat().st_mtime)
        if old and not site_dir.exists():  # killed between the two renames of a swap: put it back
            os.replace(old[-1], site_dir)
            entries.remove(old[-1])
    for entry in entries:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def die_with_parent() -> None:
    """In a child process: be killed when the process that started it dies (Linux), so a killed
    build leaves no worker or Pagefind process running. No-op elsewhere."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the line above: nobody would kill us
        os._exit(1)
