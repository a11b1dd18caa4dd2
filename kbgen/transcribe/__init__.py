"""The transcribe stage: Sessions with media in, Transcripts out, cached by content.

A fully cached run makes no engine, here or anywhere: the cache is asked first, in this
process, and only the misses go to an executor (this process, local worker processes, or a
Dask cluster; see :mod:`.executors`). Each transcript is written to the cache the moment it
comes back, so an interrupted run resumes where it stopped. A recording that cannot be decoded
is recorded as a failure and the others go on. Whisper's loops are collapsed on the way out
(:mod:`.loops`); the cache keeps what the engine wrote, so a better loop rule needs no
re-transcription. Heavy imports (faster-whisper, PyAV, dask) happen inside the functions.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import MediaError, TranscribeError, rel
from ..models import LANGUAGE_SURE, Session, Transcript
from .cache import TranscriptCache, cache_key
from .engine import Engine, EngineKey, FasterWhisperEngine, engine_key
from .executors import DaskExecutor, EngineSpec, FileOutcome, InProcessExecutor, LocalExecutor, Task
from .loops import collapse_loops
from .progress import Progress

#: on_event(kind, session_id, detail). Kinds: "cached", "transcribing" (the file went to the
#: engine; detail is the audio length, or "queued" when a worker has it and its length is
#: unknown), "transcribed" (detail like "transcribed 63.2 s in 2.1 s"), "failed" (detail is
#: the error message), "note" (detail is one of the transcript's notes, e.g. a collapsed loop).
EventCallback = Callable[[str, str, str], None]


@dataclass
class TranscribeResult:
    """What :func:`transcribe_sessions` produced, by session id (in the sessions' order)."""

    transcripts: dict[str, Transcript] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)  # MediaError messages
    cached: list[str] = field(default_factory=list)  # ids answered from the cache
    transcribed: list[str] = field(default_factory=list)  # ids the engine ran on


def transcribe_sessions(
    sessions: list[Session],
    cache: TranscriptCache,
    engine_factory: Callable[[], Engine] | None = None,
    root: Path | None = None,
    on_event: EventCallback | None = None,
    *,
    key: EngineKey | None = None,
    spec: EngineSpec | None = None,
    jobs: int = 1,
    scheduler: str | None = None,
    progress: Progress | None = None,
    collapse: bool = True,
    hotwords: Mapping[str, str] | None = None,
) -> TranscribeResult:
    """Transcribe every session that has media, from the cache where possible.

    Where the engine runs: ``jobs`` 1 and no ``scheduler`` is this process, with the engine
    from ``engine_factory`` (any callable) or else ``spec.build()``; ``jobs`` > 1 is that many
    local worker processes and ``scheduler`` a Dask cluster, both building the engine from
    ``spec`` (a picklable :class:`EngineSpec`, required for them).

    ``key`` is the engine's cache identity (:func:`engine_key` for faster-whisper), or a function
    of a session's language and sidecar giving it and the language the key is for
    (:meth:`~.routing.Router.key`, what :func:`~.engines.make_engine` returns), which may refuse
    the session (:class:`~.routing.LanguageRefused`: recorded in ``failures``). Given, a cache hit
    never makes an engine; left out, one engine is made in this process up front to read its
    ``key`` (or ``name`` and ``model_id``), which is cheap for :class:`FasterWhisperEngine` since
    it loads its model on first use.

    Sessions without media are skipped. A :class:`MediaError` (or a crashed worker) is recorded
    in ``failures`` and the others go on; a :class:`TranscribeError` (the model cannot load)
    stops the run. ``progress`` is told the audio to do and each file done. ``collapse``
    applies :func:`collapse_loops` to every transcript returned (cached or new).
    """
    if engine_factory is None and spec is None:
        raise ValueError("transcribe_sessions needs an engine_factory or a spec")
    parallel = jobs > 1 or scheduler is not None
    if parallel and spec is None:
        raise ValueError("jobs > 1 or a scheduler needs a spec: worker processes cannot use a closure")
    factory: Callable[[], Engine] = engine_factory or spec.build

    def emit(kind: str, sid: str, detail: str) -> None:
        if on_event is not None:
            on_event(kind, sid, detail)

    def finish(sid: str, transcript: Transcript, cached_as: str | None = None) -> Transcript:
        """``cached_as``: the transcript's cache key; a loop scan that found nothing is remembered."""
        before = len(transcript.notes)
        if collapse:
            known = cache.loop_scan(cached_as) if cached_as else None
            if known is None:
                collapsed = collapse_loops(transcript)
                if cached_as:
                    cache.remember_loop_scan(cached_as, None if collapsed is transcript else collapsed)
                transcript = collapsed
            elif known is not True:
                transcript = known
        for note in transcript.notes[before:]:
            emit("note", sid, note)
        return transcript

    result = TranscribeResult()
    engine: Engine | None = None
    todo: list[Task] = []
    keys: dict[str, tuple[str, str, EngineKey]] = {}  # sid -> (media sha256, cache key, engine key)
    done_seconds = 0.0
    key_for = key if callable(key) else None
    with_media = [s for s in sessions if s.media is not None]
    for session in with_media:
        sid, media = session.id, Path(session.media)
        if key_for is not None:
            try:
                session_key, language = key_for(session.language or None,
                                                rel(session.sidecar or media, root))
            except TranscribeError as exc:  # its language: no model for it (routing.LanguageRefused)
                _fail(result, emit, sid, exc.format_message())
                continue
        else:
            if key is None:
                engine = factory()
                key = getattr(engine, "key", None) or EngineKey(engine.name, engine.model_id, {})
            session_key, language = key, session.language or None
        shown = rel(media, root)
        try:
            digest = cache.media_hash(media)
        except FileNotFoundError:
            _fail(result, emit, sid, f"{shown}: no such file; check the path or restore the recording")
            continue
        except OSError as exc:
            _fail(result, emit, sid, f"{shown}: cannot read: {exc.strerror}")
            continue
        words = (hotwords or {}).get(sid) or None
        k = cache_key(digest, session_key, language, words, session.channels)
        hit = cache.get(k)
        if hit is not None:
            result.transcripts[sid] = finish(sid, hit, cached_as=k)
            result.cached.append(sid)
            done_seconds += hit.duration
            emit("cached", sid, "cached")
            continue
        keys[sid] = (digest, k, session_key)
        todo.append(Task(sid, media, session.language or None, hotwords=words, channels=session.channels))

    cache.save_media_hashes()
    cache.save_index()
    if todo and (progress is not None or parallel):
        todo = _probed(todo, root, longest_first=parallel)
    expected = {t.sid: t.seconds for t in todo}
    if progress is not None:
        progress.begin(done_seconds + sum(s or 0.0 for s in expected.values()), done_seconds, len(todo))

    def started(task: Task, seconds: float | None) -> None:
        emit("transcribing", task.sid, f"{seconds:.1f} s of audio" if seconds is not None else "queued")

    if todo:
        if scheduler is not None:
            executor = DaskExecutor(scheduler, spec, root)
        elif jobs > 1 and len(todo) > 1:  # one file is faster here than in a fresh process
            executor = LocalExecutor(jobs, spec, root)
        else:
            executor = InProcessExecutor(factory, root, engine)
        try:
            with contextlib.closing(executor.run(todo, started)) as outcomes:
                for task, outcome in outcomes:
                    _take(task, outcome, keys[task.sid], cache, result, emit, finish, progress,
                          expected.get(task.sid))
        finally:
            executor.close()
            if progress is not None:
                progress.close()
    elif progress is not None:
        progress.close()

    order = {s.id: i for i, s in enumerate(sessions)}
    result.transcripts = dict(sorted(result.transcripts.items(), key=lambda kv: order[kv[0]]))
    result.failures = dict(sorted(result.failures.items(), key=lambda kv: order[kv[0]]))
    result.transcribed.sort(key=order.__getitem__)
    return result


def _fail(result: TranscribeResult, emit, sid: str, message: str) -> None:
    result.failures[sid] = message
    emit("failed", sid, message)


def _probed(tasks: list[Task], root: Path | None, longest_first: bool) -> list[Task]:
    """Tasks with their container durations (unknown stays None: decoding will say what is wrong).

    For workers, longest first: the last file to start is a short one, so workers finish together.
    """
    from ..ingest.media import probe

    out = []
    for t in tasks:
        try:
            seconds = probe(t.media, root).duration
        except MediaError:
            seconds = None
        out.append(replace(t, seconds=seconds))
    if longest_first:
        out.sort(key=lambda t: -(t.seconds or 0.0))
    return out


def _take(task: Task, outcome: FileOutcome, ids: tuple[str, str, EngineKey], cache: TranscriptCache,
          result: TranscribeResult, emit, finish, progress: Progress | None, expected: float | None) -> None:
    """One file came back: cache it at once (a later interruption keeps it), then report it."""
    if outcome.fatal:
        raise TranscribeError(outcome.error or "the engine failed")
    if outcome.transcript is None:
        _fail(result, emit, task.sid, outcome.error or f"{task.media.name}: transcription failed")
        if progress is not None:
            progress.failed(expected)
        return
    digest, k, key = ids
    cache.put(
        k,
        outcome.transcript,
        source=task.media.name,
        meta={
            "media_sha256": digest,
            "engine": key.engine,
            "model_id": key.model_id,
            "options": key.options,
            "language": task.language or None,
        },
    )
    result.transcripts[task.sid] = finish(task.sid, outcome.transcript, cached_as=k)
    result.transcribed.append(task.sid)
    if progress is not None:
        progress.finished(outcome.audio_seconds, expected)
    emit("transcribed", task.sid, f"transcribed {outcome.audio_seconds:.1f} s in {outcome.took:.1f} s"
                                  + detected_note(outcome.transcript))


def detected_note(t: Transcript) -> str:
    """"; language detected: French (95%)" for a transcript whose language was detected, with a
    hint to set it when the model was unsure; "" when the language was given."""
    if t.language_probability is None:
        return ""
    from ..directory.places import language_name

    note = f"; language detected: {language_name(t.language)} ({t.language_probability:.0%})"
    if t.language_probability < LANGUAGE_SURE:
        note += "; unsure: set `language:` in its sidecar if that is wrong"
    return note


__all__ = [
    "DaskExecutor",
    "Engine",
    "EngineKey",
    "EngineSpec",
    "LocalExecutor",
    "Progress",
    "collapse_loops",
    "EventCallback",
    "FasterWhisperEngine",
    "TranscribeResult",
    "TranscriptCache",
    "engine_key",
    "transcribe_sessions",
]
