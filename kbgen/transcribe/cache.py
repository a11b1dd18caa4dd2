"""Transcripts cached by content: renaming or touching a recording still hits.

The key is sha256 over the recording's bytes, the engine, the model's identity, the options
that change the words, the language and :data:`SCHEMA_VERSION`. Entries are JSON files under
``<cache_dir>/transcripts/<key[:2]>/<key>.json``, written to a temporary file in the same
folder and moved into place with :func:`os.replace`, so an entry is whole or absent; one that
cannot be read back is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from ..models import Segment, Transcript, Word
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


def cache_key(media_sha256: str, key: EngineKey, language: str | None) -> str:
    """The entry's name: sha256 over everything that decides the transcript."""
    material = {
        "schema": SCHEMA_VERSION,
        "media": media_sha256,
        "engine": key.engine,
        "model": key.model_id,
        "options": key.options,
        "language": language or None,
    }
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
    return Transcript(segments, str(d["language"]), float(d["duration"]), str(d["engine"]), str(d["model"]))


class TranscriptCache:
    """Transcripts on disk under ``cache_dir/transcripts``, keyed by :func:`cache_key`."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = Path(cache_dir)
        self.dir = self.cache_dir / "transcripts"

    def path_for(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.json"

    def get(self, key: str) -> Transcript | None:
        """The cached transcript, or None when absent, unreadable, or from another schema."""
        try:
            entry = json.loads(self.path_for(key).read_text(encoding="utf-8"))
            if entry.get("schema") != SCHEMA_VERSION or entry.get("key") != key:
                return None
            return transcript_from_dict(entry["transcript"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def put(self, key: str, transcript: Transcript, source: str = "", meta: dict[str, Any] | None = None) -> Path:
        """Store ``transcript`` under ``key`` atomically; ``source`` is the recording's name."""
        target = self.path_for(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        entry = {
            "schema": SCHEMA_VERSION,
            "key": key,
            "source": source,  # for `kbgen cache` to tell people what an entry belongs to
            **(meta or {}),
            "transcript": transcript_to_dict(transcript),
        }
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(entry, f, ensure_ascii=False, indent=1, default=str)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        return target

    def entries(self) -> list[Path]:
        """Every entry file (sorted), for listing and pruning."""
        if not self.dir.is_dir():
            return []
        return sorted(p for p in self.dir.glob("*/*.json") if not p.name.startswith(".tmp-"))


__all__ = ["SCHEMA_VERSION", "TranscriptCache", "cache_key", "media_hash"]
