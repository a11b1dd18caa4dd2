"""The transcribe stage: Sessions with media in, Transcripts out, cached by content.

A fully cached run loads no model: the engine is created on the first cache miss, once.
A recording that cannot be decoded is recorded as a failure and the others go on.
Heavy imports (faster-whisper, PyAV) happen inside the functions that need them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import MediaError, rel
from ..models import Session, Transcript
from .cache import TranscriptCache, cache_key, media_hash
from .engine import Engine, EngineKey, FasterWhisperEngine, engine_key

#: on_event(kind, session_id, detail). Kinds: "cached", "transcribing" (before the engine
#: runs; detail is the audio length), "transcribed" (detail like "transcribed 63.2 s in
#: 2.1 s"), "failed" (detail is the error message).
EventCallback = Callable[[str, str, str], None]


@dataclass
class TranscribeResult:
    """What :func:`transcribe_sessions` produced, by session id."""

    transcripts: dict[str, Transcript] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)  # MediaError messages
    cached: list[str] = field(default_factory=list)  # ids answered from the cache
    transcribed: list[str] = field(default_factory=list)  # ids the engine ran on


def transcribe_sessions(
    sessions: list[Session],
    cache: TranscriptCache,
    engine_factory: Callable[[], Engine],
    root: Path | None = None,
    on_event: EventCallback | None = None,
    *,
    key: EngineKey | None = None,
) -> TranscribeResult:
    """Transcribe every session that has media, from the cache where possible.

    ``key`` is the engine's identity (:func:`engine_key` for faster-whisper). Given, a cache
    hit never calls ``engine_factory``; left out, the factory is called once up front to read
    the engine's ``key`` (or ``name`` and ``model_id``), which is still cheap for
    :class:`FasterWhisperEngine` since it loads its model on first use. Sessions without media
    are skipped. A :class:`MediaError` is recorded in ``failures`` and the others go on; a
    TranscribeError (the model cannot load) stops the run.
    """
    from ..ingest.media import decode_audio

    def emit(kind: str, sid: str, detail: str) -> None:
        if on_event is not None:
            on_event(kind, sid, detail)

    result = TranscribeResult()
    engine: Engine | None = None
    for session in sessions:
        if session.media is None:
            continue
        if key is None:
            engine = engine_factory()
            key = getattr(engine, "key", None) or EngineKey(engine.name, engine.model_id, {})
        sid, media = session.id, Path(session.media)
        shown = rel(media, root)
        try:
            try:
                digest = media_hash(media)
            except FileNotFoundError:
                raise MediaError(f"{shown}: no such file; check the path or restore the recording") from None
            except OSError as exc:
                raise MediaError(f"{shown}: cannot read: {exc.strerror}") from None
            k = cache_key(digest, key, session.language)
            hit = cache.get(k)
            if hit is not None:
                result.transcripts[sid] = hit
                result.cached.append(sid)
                emit("cached", sid, "cached")
                continue
            audio = decode_audio(media, root)  # before the model loads: bad media costs no load
        except MediaError as exc:
            result.failures[sid] = exc.message
            emit("failed", sid, exc.message)
            continue
        if engine is None:
            engine = engine_factory()
        seconds = audio.shape[0] / 16000
        emit("transcribing", sid, f"{seconds:.1f} s of audio")
        t0 = time.perf_counter()
        transcript = engine.transcribe(audio, session.language or None)
        took = time.perf_counter() - t0
        cache.put(
            k,
            transcript,
            source=media.name,
            meta={
                "media_sha256": digest,
                "engine": key.engine,
                "model_id": key.model_id,
                "options": key.options,
                "language": session.language or None,
            },
        )
        result.transcripts[sid] = transcript
        result.transcribed.append(sid)
        emit("transcribed", sid, f"transcribed {seconds:.1f} s in {took:.1f} s")
    return result


__all__ = [
    "Engine",
    "EngineKey",
    "EventCallback",
    "FasterWhisperEngine",
    "TranscribeResult",
    "TranscriptCache",
    "engine_key",
    "transcribe_sessions",
]
