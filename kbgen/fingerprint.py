"""Did the render stage's inputs change since the last build? Digests, keys and a manifest say.

A build with nothing changed computes and renders nothing: the build's inputs (the published
sessions, their transcripts, the roster, kbgen.yml, the build date, mkdocs.yml's bits kbgen
uses) are reduced to one digest; when it equals the last build's and kbgen's folders are as
that build left them, the knowledge and render stages are skipped. Otherwise the render stage's
inputs (published sessions with their transcripts and enrichment, the roster, hints, statuses,
settings) and kbgen's own code are reduced to one digest. When it equals the digest of the last
build and kbgen's folders in the docs dir are exactly as that build left them (same files,
sizes and modification times), rendering is skipped and MkDocs builds from the pages already
there. When it differs, each session's files carry a key (:func:`key_of`) and :class:`Reuse`
takes the last render's file whose key is the same, so only what changed is rendered.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from .fsutil import link_or_copy, write_atomic
from .models import Transcript

_CODE: dict[tuple[str, ...], str] = {}


def code_digest(*parts: str) -> str:
    """A digest of kbgen's own code, templates and assets (or of the named files and folders of
    the package only): another version computes and renders again. Read once per process."""
    if parts not in _CODE:
        here = Path(__file__).parent
        roots = [here / p for p in parts] or [here]
        files = sorted({f for r in roots for f in ([r] if r.is_file() else r.rglob("*"))
                        if f.is_file() and f.suffix in (".py", ".j2", ".css", ".js", ".po")})
        h = hashlib.sha256()
        for f in files:
            h.update(f.relative_to(here).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
        _CODE[parts] = h.hexdigest()
    return _CODE[parts]


def transcript_digest(t: Transcript) -> str:
    """A digest of a transcript's content (its segments' times, text, speakers and words).

    Remembered on the (immutable) transcript: a build asks for it several times per session.
    """
    known = t.__dict__.get("_digest")
    if known is None:
        # JSON of the values only: pickle would write a string repeated by identity (one object
        # used twice) differently from the same text parsed twice, so a transcript fresh from the
        # engine and the same one read back from the cache would differ.
        data = json.dumps([t.language, t.duration, [[s.start, s.end, s.text, s.speaker,
                                                     [[w.text, w.start, w.end] for w in s.words]]
                                                    for s in t.segments]], ensure_ascii=False)
        known = hashlib.sha256(data.encode()).hexdigest()
        object.__setattr__(t, "_digest", known)  # a frozen dataclass: not a field, not compared
    return known


def _canon(obj):
    """A JSON-able form of ``obj`` that is the same in every process (sets sorted, no ids)."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, Transcript):
        return ["Transcript", transcript_digest(obj), list(obj.notes), obj.engine, obj.model]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return [type(obj).__name__, {f.name: _canon(getattr(obj, f.name)) for f in dataclasses.fields(obj)}]
    if hasattr(obj, "model_dump"):  # pydantic settings
        return [type(obj).__name__, _canon(obj.model_dump(mode="json"))]
    if isinstance(obj, dict):
        if all(type(k) is str for k in obj):  # the usual case: sorted by key, no JSON per item
            return [[k, _canon(obj[k])] for k in sorted(obj)]
        return sorted(([_canon(k), _canon(v)] for k, v in obj.items()), key=json.dumps)
    if isinstance(obj, (set, frozenset)):
        return sorted((_canon(x) for x in obj), key=json.dumps)
    if isinstance(obj, (list, tuple)):
        return [_canon(x) for x in obj]
    if isinstance(obj, (Path, dt.date, dt.datetime, dt.time)):
        return str(obj)
    if isinstance(obj, enum.Enum):
        return _canon(obj.value)
    if isinstance(obj, re.Pattern):
        return ["re", obj.pattern, obj.flags]
    if hasattr(obj, "__dict__"):
        return [type(obj).__name__, _canon(vars(obj))]
    if hasattr(obj, "__slots__"):
        return [type(obj).__name__, {k: _canon(getattr(obj, k)) for k in obj.__slots__ if hasattr(obj, k)}]
    raise TypeError(f"cannot fingerprint a {type(obj).__name__}")


def fingerprint(inputs: object) -> str:
    """A digest of ``inputs`` and kbgen's code (another version: another fingerprint)."""
    return content_digest([code_digest(), inputs])


def content_digest(obj: object) -> str:
    """A digest of ``obj``'s value alone (see :func:`_canon`), the same in every process."""
    data = json.dumps(_canon(obj), separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def manifest(folders: Iterable[Path]) -> dict[str, list[int]]:
    """Every file under ``folders``: path -> [size, mtime in ns]."""
    out: dict[str, list[int]] = {}
    for folder in folders:
        for base, _, files in os.walk(folder):
            for name in files:
                p = os.path.join(base, name)
                st = os.stat(p)
                out[p] = [st.st_size, st.st_mtime_ns]
    return out


class RenderState:
    """The last render's digest and manifest, in ``cache_dir/render-state.json``."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self._files: dict[str, list[int]] | None = None  # the folders as they are, read once
        self._state: dict | None = None  # the file as the last build left it, read once

    def _read(self) -> dict:
        if self._state is None:
            try:
                state = json.loads(self.file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                state = {}
            self._state = state if isinstance(state, dict) else {}
        return self._state

    def unchanged(self, digest: str, folders: Iterable[Path], kind: str = "digest") -> bool:
        """The last build had this ``digest`` (of its render inputs, or with ``kind="inputs"`` of
        the build's own inputs) and left the folders as they are now."""
        state = self._read()
        if not state or state.get(kind) != digest:
            return False
        if self._files is None:
            self._files = manifest(folders)
        return state.get("files") == self._files

    def save(self, digest: str, folders: Iterable[Path], inputs: str = "", keys: dict[str, str] | None = None) -> None:
        self._files = manifest(folders)
        self._state = {"digest": digest, "inputs": inputs, "files": self._files, "keys": keys or {}}
        write_atomic(self.file, json.dumps(self._state, sort_keys=True))

    def keys(self) -> dict[str, str]:
        """The last render's file keys (kept as they are when rendering is skipped)."""
        keys = self._read().get("keys")
        return keys if isinstance(keys, dict) else {}

    def reuse(self, where: Callable[[str], Path]) -> Reuse:
        """What the last render left that a new one may take again (read before :meth:`forget`)."""
        state = self._read()
        keys, files = state.get("keys"), state.get("files")
        return Reuse(where, keys if isinstance(keys, dict) else {}, files if isinstance(files, dict) else {})

    def forget(self) -> None:
        self._files = None
        self._state = {}
        self.file.unlink(missing_ok=True)


class Reuse:
    """Render only what changed: a file the last render wrote with the same key is taken again.

    Each of the render stage's costly files (a session's page, its search document, downloads
    and media copy) is written with a key: a digest of everything that file is made from and
    kbgen's code. ``take`` links the last render's file into the new stage when the key is the
    same and the file is as the last build left it (size and modification time in its
    manifest); otherwise the caller makes the file. ``where`` maps a stage path to where the
    last render's file lives (the docs dir, or the search documents' folder).
    """

    def __init__(self, where: Callable[[str], Path], keys: dict[str, str], files: dict[str, list[int]]) -> None:
        self.where = where
        self.old_keys = keys
        self.old_files = files
        self.keys: dict[str, str] = {}  # the new render's files and keys
        self.taken = 0

    def take(self, rel: str, key: str, dest: Path) -> bool:
        self.keys[rel] = key
        if self.old_keys.get(rel) != key:
            return False
        src = self.where(rel)
        try:
            st = os.stat(src)
        except OSError:
            return False
        if self.old_files.get(str(src)) != [st.st_size, st.st_mtime_ns]:
            return False  # changed by hand since: made again
        link_or_copy(src, dest)  # the same bytes and times: the manifest still matches
        self.taken += 1
        return True


def key_of(*parts: object) -> str:
    """A render key: kbgen's code and ``parts`` (see :func:`fingerprint`)."""
    return fingerprint(list(parts))
