"""File-system steps that must never leave a half-written result."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def replace_dir(new: Path, target: Path) -> None:
    """Put the folder ``new`` in the place of ``target`` (which may not exist yet).

    The old folder is moved aside, the new one renamed in, then the old one removed: at no
    moment is ``target`` a mix of both. ``new`` must be on the same file system (a sibling).
    """
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}-old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
