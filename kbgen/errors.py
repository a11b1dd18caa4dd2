"""One exception tree for everything a user can get wrong.

Every error is a :class:`click.ClickException`: the CLI prints its message and exits
non-zero, with no traceback. A traceback always means a bug in kbgen.
"""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass
from pathlib import Path

import click


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input: where it is and what to do about it."""

    path: str
    where: str  # "line 3", "field 'date'", "" when the whole file is at fault
    message: str

    def sort_key(self) -> tuple:
        """File, then line number as a number (line 4 before line 10), then the rest."""
        m = re.match(r"line (\d+)", self.where)
        return (self.path, int(m.group(1)) if m else 0, self.where, self.message)

    def __str__(self) -> str:
        loc = f"{self.path}: {self.where}: " if self.where else f"{self.path}: "
        return loc + self.message


def colour() -> bool | None:
    """Whether output may be coloured: never where NO_COLOR is set (no-color.org), else on a
    terminal only (None: click strips styles from what goes to a pipe or a file)."""
    return False if os.environ.get("NO_COLOR") else None


class KbgenError(click.ClickException):
    """Base of all user-facing errors."""

    exit_code = 1

    def show(self, file=None) -> None:
        """"Error:" in red on a terminal, as click prints it otherwise."""
        click.echo(click.style("Error:", fg="red", bold=True) + " " + self.format_message(),
                   file=file, err=file is None, color=colour())


class ConfigError(KbgenError):
    """kbgen.yml or mkdocs.yml is wrong."""


class ValidationError(KbgenError):
    """One or more inputs are invalid; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem], what: str = "input") -> None:
        self.problems = sorted(problems, key=Problem.sort_key)
        lines = [f"{len(self.problems)} problem(s) in the {what}:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class IngestError(ValidationError):
    """Sidecars, the roster or recordings are invalid."""


class MediaError(KbgenError):
    """A recording cannot be decoded (empty, damaged, cut short, not media)."""


class TranscribeError(KbgenError):
    """Transcription failed for reasons other than bad media (model missing...)."""


class BuildError(KbgenError):
    """Rendering or the MkDocs build failed; the previous site is left as it was."""


def rel(path: Path, root: Path | None) -> str:
    """Path as the user should see it: relative to the project root when inside it."""
    if root is not None:
        # abspath, not resolve: a symlink is shown where it is, not where it points.
        for p, r in ((os.path.abspath(path), os.path.abspath(root)),
                     (Path(path).resolve(), Path(root).resolve())):
            try:
                return str(Path(p).relative_to(r))
            except ValueError:
                pass
    return str(path)


_DISK_HINTS = {
    errno.ENOSPC: "the disk is full: free some space and build again",
    errno.EDQUOT: "the disk quota is used up: free some space and build again",
    errno.EROFS: "the file system is read-only: build where kbgen may write, or remount it",
    errno.EACCES: "kbgen may not write there: check the folder's owner and permissions",
    errno.EPERM: "kbgen may not write there: check the folder's owner and permissions",
    errno.EFBIG: "the file is larger than this system allows (ulimit -f?)",
}


def disk_error(exc: OSError, root: Path | None,
               after: str = " Nothing was published: the previous site is unchanged.",
               unnamed: str = "a file kbgen writes") -> BuildError:
    """A command stopped by the file system (full disk, read-only folder, permissions), named
    (``unnamed``: what to name where the error does not say which file)."""
    target = exc.filename2 or exc.filename  # a copy names its source first, the file it writes second
    name = rel(Path(os.fsdecode(target)), root) if target else unnamed
    hint = _DISK_HINTS.get(exc.errno or 0, "fix it and run the command again")
    return BuildError(f"{name}: {exc.strerror or exc}; {hint}.{after}")
