"""Transcripts cached by content: renaming or touching a recording still hits.

The key is sha256 over the recording's bytes, the engine, the model's identity, the options
that change the words, the language and :data:`SCHEMA_VERSION`. Entries are JSON files under
``<cache_dir>/transcripts/<key[:2]>/<key>.json``, written to a temporary file in the same
folder and moved into place with :func:`os.replace`, so an entry is whole or absent; one that
cannot be read back is a miss, never an error.

Each entry also records the sha256 of its recording (``media_sha256``), so :meth:`TranscriptCache.prune`
can drop the entries of recordings that are gone while keeping those of current recordings under
other engines or options (switching back still hits).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from ..fingerprint import transcript_digest
from ..fsutil import write_atomic
from ..models import Segment, StoredTranscript, Transcript, Word, transcript_head
from .engine import EngineKey

#: Bump when the entry layout or what a transcript holds changes: old entries become misses.
SCHEMA_VERSION = 2  # 2: segments carry their words
_CHUNK = 1 << 20

_HASH_MEMO: dict[tuple[str, int, int], str] = {}


def media_hash(path: Path) -> str:
    """sha256 (hex) of a file's bytes, read in 1 MB chunks; memoised per (path, size, mtime)."""
    path = Path(path)
    st = path.stat()
    memo = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    cached = _HASH_MEMO.get(memo)
    if cached is not None:
        return cached
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    _HASH_MEMO[memo] = digest = h.hexdigest()
    return digest


def cache_key(media_sha256: str, key: EngineKey, language: str | None, hotwords: str | None = None,
              channels: tuple[str, ...] = ()) -> str:
    """The entry's name: sha256 over everything that decides the transcript.

    ``hotwords`` and per-channel speaker names enter the key only when given, so entries
    written without them keep their keys.
    """
    material = {
        "schema": SCHEMA_VERSION,
        "media": media_sha256,
        "engine": key.engine,
        "model": key.model_id,
        "options": key.options,
        "language": language or None,
    }
    if hotwords:
        material["hotwords"] = hotwords
    if channels:
        material["channels"] = list(channels)
    blob = json.dumps(material, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def transcript_to_dict(t: Transcript) -> dict[str, Any]:
    return {
        "language": t.language,
        "duration": t.duration,
        "engine": t.engine,
        "model": t.model,
        "segments": [
            {
                "start": s.start,
                "end": s.end,
                "text": s.text,
                **({"speaker": s.speaker} if s.speaker else {}),
                **({"words": [[w.text, w.start, w.end] for w in s.words]} if s.words else {}),
            }
            for s in t.segments
        ],
        **({"notes": list(t.notes)} if t.notes else {}),
        **({"language_probability": t.language_probability} if t.language_probability is not None else {}),
    }


def transcript_from_dict(d: dict[str, Any]) -> Transcript:
    segments = tuple(
        Segment(
            float(s["start"]),
            float(s["end"]),
            str(s["text"]),
            s.get("speaker"),
            tuple(Word(str(w), float(a), float(b)) for w, a, b in s.get("words", ())),
        )
        for s in d["segments"]
    )
    notes = tuple(str(n) for n in d.get("notes", ()))
    p = d.get("language_probability")
    return Transcript(segments, str(d["language"]), float(d["duration"]), str(d["engine"]), str(d["model"]), notes,
                      None if p is None else float(p))


#: Temporary files older than this are left over from a killed run and are removed by prune.
STALE_TEMP_SECONDS = 3600


@dataclass(frozen=True)
class CacheStats:
    """What the cache holds. ``by_engine`` maps "engine model" to (entries, bytes)."""

    entries: int = 0
    bytes: int = 0
    by_engine: dict[str, tuple[int, int]] = field(default_factory=dict)
    unreadable: int = 0  # entries of another schema or damaged: misses, removed by prune
    temp_files: int = 0  # leftovers of interrupted writes
    temp_bytes: int = 0


@dataclass(frozen=True)
class PruneResult:
    """What :meth:`TranscriptCache.prune` removed and kept."""

    removed: int = 0  # entries
    freed: int = 0  # bytes, entries and temporary files together
    temp_removed: int = 0
    kept: int = 0


def media_hashes(paths: Iterable[Path]) -> set[str]:
    """sha256 of each recording that exists (missing files are skipped: their entries are unused)."""
    out = set()
    for p in paths:
        try:
            out.add(media_hash(Path(p)))
        except OSError:
            pass
    return out


def keys_in_use(sessions: Iterable[Any], key: Any) -> set[str]:
    """Cache keys the current sessions (with media) would look up under ``key`` (an EngineKey,
    or a function of the language as :func:`~kbgen.transcribe.transcribe_sessions` takes)."""
    from ..errors import TranscribeError

    keys = set()
    for s in sessions:
        if getattr(s, "media", None) is None:
            continue
        try:
            engine, language = key(s.language or None, "") if callable(key) else (key, s.language or None)
            keys.add(cache_key(media_hash(s.media), engine, language))
        except (OSError, TranscribeError):
            pass
    return keys


class _FileMemo:
    """What kbgen learnt of files, remembered across builds in one JSON file: file name ->
    [identity..., value]. A value holds while the file's identity (stat fields) is the same.
    Read on first use; :meth:`save` writes it when something was learnt, dropping files gone."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self._data: dict[str, list] | None = None
        self._changed = False

    def _known(self) -> dict[str, list]:
        if self._data is None:
            try:
                data = json.loads(self.file.read_bytes())
            except (OSError, ValueError):
                data = {}
            self._data = data if isinstance(data, dict) else {}
        return self._data

    def get(self, name: str, ident: list) -> Any:
        entry = self._known().get(name)
        if isinstance(entry, list) and len(entry) == len(ident) + 1 and entry[:-1] == ident:
            return entry[-1]
        return None

    def put(self, name: str, ident: list, value: Any) -> None:
        self._known()[name] = [*ident, value]
        self._changed = True

    def save(self) -> None:
        if not self._changed or self._data is None:
            return
        kept = {name: entry for name, entry in sorted(self._data.items()) if Path(name).exists()}
        try:
            write_atomic(self.file, json.dumps(kept, ensure_ascii=False))
        except OSError:
            return  # only a shortcut: the files are read again next time
        self._changed = False


class TranscriptCache:
    """Transcripts on disk under ``cache_dir/transcripts``, keyed by :func:`cache_key`."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = Path(cache_dir)
        self.dir = self.cache_dir / "transcripts"
        self._hashes = _FileMemo(self.cache_dir / "media-hashes.json")  # recording -> sha256
        self._index = _FileMemo(self.cache_dir / "transcript-index.json")  # entry -> [digest, head]

    def media_hash(self, path: Path) -> str:
        """:func:`media_hash`, remembered across builds in ``cache_dir/media-hashes.json``.

        A recording is read again only when its identity changed: device, inode, size,
        modification and status-change times (the last is set by the system on any write, so
        a file rewritten with its old modification time is still read again). Without it,
        every build would read every recording whole: hours of audio and video, gigabytes.
        """
        path = Path(path)
        st = path.stat()
        ident = [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]
        name = str(path.resolve())
        known = self._hashes.get(name, ident)
        if known is not None:
            return str(known)
        digest = media_hash(path)
        self._hashes.put(name, ident, digest)
        return digest

    def media_hashes(self, paths: Iterable[Path]) -> set[str]:
        """:func:`media_hashes` through :meth:`media_hash`: recordings unchanged since a build
        are not read again. What was learnt is saved."""
        out = set()
        for p in paths:
            try:
                out.add(self.media_hash(Path(p)))
            except OSError:
                pass
        self.save_media_hashes()
        return out

    def save_media_hashes(self) -> None:
        """Write what :meth:`media_hash` learnt (entries of files that are gone are dropped)."""
        self._hashes.save()

    def path_for(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.json"

    def get(self, key: str) -> Transcript | None:
        """The cached transcript, or None when absent, unreadable, or from another schema.

        An entry read before (and unchanged since) comes back as a :class:`StoredTranscript`:
        its segments are read when first used, which a build whose knowledge is cached never does.
        """
        def pick(entry: dict) -> dict:
            if entry.get("schema") != SCHEMA_VERSION or entry.get("key") != key:
                raise ValueError("another schema or key")
            return entry["transcript"]

        try:
            return self._open(self.path_for(key), pick)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def _open(self, path: Path, pick: Callable[[Any], dict]) -> Transcript:
        """The transcript ``pick`` finds in the JSON file ``path``; raises what reading it raises.

        The digest and head of each file read are remembered with the file's identity (inode,
        size, mtime) in ``cache_dir/transcript-index.json``; a file known and unchanged is not
        read now, only when its segments are first used.
        """
        st = path.stat()
        ident = [st.st_ino, st.st_size, st.st_mtime_ns]
        known = self._index.get(str(path), ident)
        if isinstance(known, list) and len(known) == 2:
            return StoredTranscript.lazy(partial(stored_segments, path, pick), known[0], known[1])
        t = transcript_from_dict(pick(json.loads(path.read_bytes())))
        self._index.put(str(path), ident, [transcript_digest(t), transcript_head(t)])
        return t

    def save_index(self) -> None:
        """Write what :meth:`get` learnt of the files it read (those now gone are dropped)."""
        self._index.save()

    def put(self, key: str, transcript: Transcript, source: str = "", meta: dict[str, Any] | None = None) -> Path:
        """Store ``transcript`` under ``key`` atomically; ``source`` is the recording's name."""
        target = self.path_for(key)
        entry = {
            "schema": SCHEMA_VERSION,
            "key": key,
            "source": source,  # for `kbgen cache` to tell people what an entry belongs to
            **(meta or {}),
            "transcript": transcript_to_dict(transcript),
        }
        write_atomic(target, json.dumps(entry, ensure_ascii=False, indent=1, default=str), durable=True)
        return target

    def loop_scan(self, key: str) -> Transcript | bool | None:
        """What this version of the loop scan found in the entry ``key``: True for no loop, the
        collapsed transcript when it found some, None when it has not scanned it (or cannot tell)."""
        marker = self._loop_marker(key)
        try:
            return True if marker.stat().st_size == 0 else self._open(marker, lambda data: data)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def remember_loop_scan(self, key: str, collapsed: Transcript | None) -> None:
        """Remember what :func:`collapse_loops` made of the entry ``key``: None for nothing (an
        empty file), else the collapsed transcript."""
        marker = self._loop_marker(key)
        try:
            if collapsed is None:
                marker.parent.mkdir(parents=True, exist_ok=True)
                marker.touch()
            else:
                write_atomic(marker, json.dumps(transcript_to_dict(collapsed), ensure_ascii=False))
        except OSError:
            pass  # only a shortcut: the scan runs again next time

    def _loop_scans(self) -> Path:
        from ..fingerprint import code_digest

        # Beside the entries, not among them; named by the scan's code, so a new scan looks again.
        return self.cache_dir / "loop-scan" / code_digest("transcribe/loops.py")[:16]

    def _loop_marker(self, key: str) -> Path:
        return self._loop_scans() / key[:2] / key

    def entries(self) -> list[Path]:
        """Every entry file (sorted), for listing and pruning."""
        if not self.dir.is_dir():
            return []
        return sorted(p for p in self.dir.glob("*/*.json") if not p.name.startswith(".tmp-"))

    def temp_files(self) -> list[Path]:
        """Temporary files of writes in progress, or left by a killed run."""
        if not self.dir.is_dir():
            return []
        return sorted(self.dir.glob("*/.tmp-*"))

    def _read_entry(self, path: Path) -> dict[str, Any] | None:
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("schema") != SCHEMA_VERSION or entry.get("key") != path.stem:
            return None
        return entry

    def stats(self) -> CacheStats:
        """Count entries and bytes, per engine and model; damaged or old-schema entries apart."""
        entries = size = unreadable = 0
        by_engine: dict[str, tuple[int, int]] = {}
        for path in self.entries():
            try:
                n = path.stat().st_size
            except OSError:
                continue
            entries += 1
            size += n
            entry = self._read_entry(path)
            if entry is None:
                unreadable += 1
                continue
            label = f"{entry.get('engine') or '?'} {entry.get('model_id') or '?'}"
            count, total = by_engine.get(label, (0, 0))
            by_engine[label] = (count + 1, total + n)
        temps = self.temp_files()
        temp_bytes = sum(_size(p) for p in temps)
        return CacheStats(entries, size, dict(sorted(by_engine.items())), unreadable, len(temps), temp_bytes)

    def prune(
        self, keep_media: set[str], temp_age: float = STALE_TEMP_SECONDS, now: float | None = None
    ) -> PruneResult:
        """Remove entries whose recording (by sha256) is not in ``keep_media``, and stale temp files.

        Entries of current recordings stay whatever engine, model or options wrote them. Damaged
        and old-schema entries (never hits) go too, as do temporary files older than ``temp_age``
        seconds (younger ones may be a run writing right now). Emptied folders are removed.
        """
        removed = freed = temp_removed = kept = 0
        for path in self.entries():
            entry = self._read_entry(path)
            if entry is not None and entry.get("media_sha256") in keep_media:
                kept += 1
                continue
            n = _size(path)
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            removed += 1
            freed += n
        now = time.time() if now is None else now
        for path in self.temp_files():
            try:
                st = path.stat()
                if now - st.st_mtime < temp_age:
                    continue
                path.unlink()
            except OSError:
                continue
            temp_removed += 1
            freed += st.st_size
        current = self._loop_scans()
        if current.parent.is_dir():  # what the loop scan found in removed entries, or another version's
            for version in current.parent.iterdir():
                if version != current:
                    shutil.rmtree(version, ignore_errors=True)
                    continue
                for marker in version.glob("*/*"):
                    if not self.path_for(marker.name).exists():
                        marker.unlink(missing_ok=True)
        if self.dir.is_dir():
            for folder in self.dir.iterdir():
                if folder.is_dir():
                    try:
                        folder.rmdir()  # only when empty
                    except OSError:
                        pass
        return PruneResult(removed, freed, temp_removed, kept)


def stored_segments(path: Path, pick: Callable[[Any], dict] = lambda data: data) -> tuple[Segment, ...]:
    """A :class:`StoredTranscript`'s segments, read from the JSON file ``path`` when first used
    (``pick`` finds the transcript in the file's data)."""
    from ..errors import BuildError

    try:
        return transcript_from_dict(pick(json.loads(path.read_bytes()))).segments
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BuildError(f"{path}: this cached transcript was removed or changed during the build ({exc}); "
                         "run the build again") from None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


__all__ = [
    "SCHEMA_VERSION",
    "CacheStats",
    "PruneResult",
    "TranscriptCache",
    "cache_key",
    "keys_in_use",
    "media_hash",
    "media_hashes",
]
