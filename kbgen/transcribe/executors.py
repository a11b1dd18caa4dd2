"""Where transcription runs: in this process, in local worker processes, or on a Dask cluster.

An executor takes the files the cache could not answer and yields each one's outcome as soon as
it is ready, so the caller can write it to the cache at once (an interrupted run resumes where
it stopped). Decoding happens where the engine runs: a worker gets a media path, a language and
an :class:`EngineSpec`, and sends back a :class:`FileOutcome` (a transcript, or the MediaError
message), never audio.

- :class:`InProcessExecutor`: one engine made by any callable (a closure is fine), files one
  after another; the default, and what tests with fake engines use.
- :class:`LocalExecutor`: ``jobs`` worker processes (spawn), each building its engine once from
  the spec and using ``cores // jobs`` CPU threads unless ``cpu_threads`` is set.
- :class:`DaskExecutor`: one task per file on a ``dask.distributed`` cluster. Workers need kbgen
  installed and the recordings at the same paths (a shared file system); each worker process
  keeps its engine between tasks, keyed by the spec.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import TranscribeConfig
from ..errors import MediaError, TranscribeError, rel
from ..models import Transcript
from .engine import SAMPLE_RATE, Engine

if TYPE_CHECKING:
    import numpy as np

#: The factory a spec uses unless told otherwise: called as factory(config, root, **extra).
DEFAULT_FACTORY = "kbgen.transcribe.executors:configured_engine"


def configured_engine(config: TranscribeConfig, root: Path | None, cache_dir: str | None = None) -> Engine:
    """The engine ``config.engine`` names (faster-whisper or openai-whisper), made where this runs.

    A module-level function, so a spec can name it for worker processes (the factories
    :func:`~kbgen.transcribe.engines.make_engine` returns are closures, which do not pickle).
    """
    from .engines import make_engine

    factory, _ = make_engine(config, root, Path(cache_dir) if cache_dir is not None else None)
    return factory()


@dataclass(frozen=True)
class EngineSpec:
    """A picklable recipe for an engine, so another process can build the same one.

    ``factory`` is "module:callable", called as ``factory(config, root, **dict(extra))``;
    ``root`` is the project root as text (paths in the config are relative to it).
    """

    config: TranscribeConfig = field(default_factory=TranscribeConfig)
    root: str | None = None
    factory: str = DEFAULT_FACTORY
    extra: tuple[tuple[str, Any], ...] = ()

    def build(self) -> Engine:
        """Import the factory and make the engine (cheap for faster-whisper: it loads on first use)."""
        module, _, name = self.factory.partition(":")
        if not module or not name:
            raise ValueError(f"engine factory {self.factory!r}: expected 'module:callable'")
        make = getattr(importlib.import_module(module), name)
        return make(self.config, Path(self.root) if self.root is not None else None, **dict(self.extra))

    def token(self) -> str:
        """A stable text identity, for the per-worker engine cache."""
        return json.dumps(
            {"factory": self.factory, "root": self.root, "config": self.config.model_dump(mode="json"),
             "extra": [list(kv) for kv in self.extra]},
            sort_keys=True, default=repr,
        )

    def with_threads(self, threads: int) -> EngineSpec:
        """The same spec with ``cpu_threads`` set (which never changes the words)."""
        return replace(self, config=self.config.model_copy(update={"cpu_threads": threads}))


@dataclass(frozen=True)
class Task:
    """One file to transcribe; ``seconds`` is its probed length when known."""

    sid: str
    media: Path
    language: str | None
    seconds: float | None = None
    hotwords: str | None = None
    channels: tuple[str, ...] = ()  # one speaker per audio channel, in channel order


def decode_for(media: Path, root: Path | None, channels: tuple[str, ...] = ()) -> np.ndarray:
    """The audio an engine needs: mono, or one row per named channel (checked against the file)."""
    from ..ingest.media import decode_audio

    if not channels:
        return decode_audio(media, root)
    audio = decode_audio(media, root, channels=True)
    if audio.shape[0] < len(channels):
        raise MediaError(f"{rel(media, root)}: has {audio.shape[0]} audio channel(s) but its sidecar's "
                         f"`channels:` names {len(channels)} speakers; name one per channel or remove the field")
    return audio


def apply_engine(engine: Engine, audio: np.ndarray, language: str | None, hotwords: str | None = None,
                 channels: tuple[str, ...] = ()) -> Transcript:
    """Run ``engine`` on mono audio, or on each channel with its speaker's name, merged by time."""
    kw = {"hotwords": hotwords} if hotwords else {}
    if not channels:
        return engine.transcribe(audio, language, **kw)
    detected = None
    if language is None and hasattr(engine, "detect_language"):
        # One language for the whole recording, heard on all its channels at once: each channel
        # on its own (a quiet one, a short one) could be taken for another language.
        detected = engine.detect_language(audio[: len(channels)].mean(axis=0))
        if detected is not None:
            language, kw["probability"] = detected
    segments = []
    last = None
    for index, name in enumerate(channels):
        last = engine.transcribe(audio[index], language, **kw)
        segments += [replace(seg, speaker=name) for seg in last.segments]
    segments.sort(key=lambda s: (s.start, s.end))
    return Transcript(tuple(segments), last.language, audio.shape[-1] / SAMPLE_RATE, last.engine, last.model,
                      last.notes, detected[1] if detected is not None and segments else None)


@dataclass(frozen=True)
class FileOutcome:
    """What transcribing one file gave: a transcript, or an error message.

    ``fatal`` marks an error that stops the whole run (the model cannot load), as opposed to
    a file that cannot be decoded.
    """

    transcript: Transcript | None = None
    error: str | None = None
    audio_seconds: float = 0.0
    took: float = 0.0
    fatal: bool = False


#: started(task, seconds): a file went to the engine (seconds of audio, when known).
Started = Callable[[Task, float | None], None]


def cores() -> int:
    """CPU cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


# ----------------------------------------------------------------------------- worker side

_ENGINES: dict[str, tuple[Engine, threading.Lock]] = {}
_ENGINES_LOCK = threading.Lock()


def _engine_for(spec: EngineSpec) -> tuple[Engine, threading.Lock]:
    """This process's engine for ``spec``, built on first use (a Dask worker may run tasks in threads)."""
    token = spec.token()
    with _ENGINES_LOCK:
        if token not in _ENGINES:
            _ENGINES[token] = (spec.build(), threading.Lock())
        return _ENGINES[token]


def transcribe_file(media: str, language: str | None, spec: EngineSpec, root: str | None = None,
                    hotwords: str | None = None, channels: tuple[str, ...] = ()) -> FileOutcome:
    """Decode and transcribe one file where this runs (a worker). Picklable in and out.

    The media is decoded before the engine is built, so a bad file costs no model load.
    """
    root_path = Path(root) if root is not None else None
    try:
        audio = decode_for(Path(media), root_path, channels)
    except MediaError as exc:
        if not Path(media).exists():
            return FileOutcome(error=f"{exc.message} (on the worker {_host()}; Dask workers need the "
                                     f"recordings at the same path as the machine that runs kbgen)")
        return FileOutcome(error=exc.message)
    seconds = audio.shape[-1] / SAMPLE_RATE
    try:
        engine, lock = _engine_for(spec)
        t0 = time.perf_counter()
        with lock:
            transcript = apply_engine(engine, audio, language or None, hotwords, channels)
    except TranscribeError as exc:
        return FileOutcome(error=exc.message, audio_seconds=seconds, fatal=True)
    return FileOutcome(transcript, audio_seconds=seconds, took=time.perf_counter() - t0)


def _host() -> str:
    import socket

    return socket.gethostname()


def _ignore_sigint() -> None:
    """Worker initializer: Ctrl-C goes to the main process, which stops the workers itself; a
    killed main process takes its workers with it."""
    import signal

    from ..lock import die_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()


# ----------------------------------------------------------------------------- executors


class InProcessExecutor:
    """Files one after another in this process, with one engine made on the first miss.

    ``engine`` is an engine already made (to read its key); ``engine_factory`` makes one.
    Decoding comes first, so bad media never makes the engine.
    """

    def __init__(self, engine_factory: Callable[[], Engine], root: Path | None = None,
                 engine: Engine | None = None) -> None:
        self.engine_factory = engine_factory
        self.root = root
        self.engine = engine

    def run(self, tasks: list[Task], started: Started) -> Iterator[tuple[Task, FileOutcome]]:
        for task in tasks:
            try:
                audio = decode_for(task.media, self.root, task.channels)
            except MediaError as exc:
                yield task, FileOutcome(error=exc.message)
                continue
            if self.engine is None:
                self.engine = self.engine_factory()
            seconds = audio.shape[-1] / SAMPLE_RATE
            started(task, seconds)
            t0 = time.perf_counter()
            transcript = apply_engine(self.engine, audio, task.language or None, task.hotwords, task.channels)
            yield task, FileOutcome(transcript, audio_seconds=seconds, took=time.perf_counter() - t0)

    def close(self) -> None:
        pass


def _unexpected(task: Task, exc: BaseException, root: Path | None, where: str) -> FileOutcome:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    what = f"{type(exc).__name__}: {reason}" if reason else type(exc).__name__
    return FileOutcome(error=f"{rel(task.media, root)}: transcription failed in {where} ({what})")


class LocalExecutor:
    """``jobs`` worker processes on this machine; each builds its engine once from ``spec``.

    With ``cpu_threads`` 0 in the spec's config, each worker gets ``max(1, cores // workers)``
    threads, so the workers together use the machine without oversubscribing it. At most
    ``workers`` files are in flight: the next file is sent when one comes back, so a file is
    "transcribing" only while a worker has it, and Ctrl-C loses at most those.
    """

    def __init__(self, jobs: int, spec: EngineSpec, root: Path | None = None, context: str = "spawn") -> None:
        if jobs < 1:
            raise ValueError("jobs must be at least 1")
        self.jobs = jobs
        self.spec = spec
        self.root = root
        self.context = context
        self.pool = None

    def worker_spec(self, workers: int) -> EngineSpec:
        if self.spec.config.cpu_threads:
            return self.spec
        return self.spec.with_threads(max(1, cores() // workers))

    def run(self, tasks: list[Task], started: Started) -> Iterator[tuple[Task, FileOutcome]]:
        import multiprocessing
        from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, ProcessPoolExecutor, wait

        if not tasks:
            return
        workers = min(self.jobs, len(tasks))
        spec = self.worker_spec(workers)
        root = str(self.root) if self.root is not None else None
        self.pool = pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context(self.context), initializer=_ignore_sigint
        )
        queue = list(tasks)
        running: dict[Any, Task] = {}
        finished = False
        try:
            while queue or running:
                while queue and len(running) < workers:
                    task = queue.pop(0)
                    try:
                        fut = pool.submit(transcribe_file, str(task.media), task.language, spec, root,
                                          task.hotwords, task.channels)
                    except BrokenExecutor as exc:  # a worker died earlier: the pool takes no more work
                        yield task, _unexpected(task, exc, self.root, "a worker process")
                        continue
                    running[fut] = task
                    started(task, task.seconds)
                if not running:
                    break
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for fut in sorted(done, key=lambda f: tasks.index(running[f])):
                    task = running.pop(fut)
                    try:
                        outcome = fut.result()
                    except Exception as exc:  # noqa: BLE001 - a worker crashed (killed, out of memory): one file fails
                        outcome = _unexpected(task, exc, self.root, "a worker process")
                    yield task, outcome
            finished = True
        finally:
            if finished:
                pool.shutdown(wait=True)
            else:
                self.kill()

    def kill(self) -> None:
        """Stop the workers now (Ctrl-C, or the caller gave up): running files are lost, not waited for."""
        pool, self.pool = self.pool, None
        if pool is None:
            return
        # ProcessPoolExecutor has no public way to stop a running task; terminating its
        # processes makes the pool "broken", and shutdown then returns at once.
        for p in list((getattr(pool, "_processes", None) or {}).values()):
            with contextlib.suppress(Exception):
                p.terminate()
        pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            self.pool = None


def _dask_task(media: str, language: str | None, spec: EngineSpec, root: str | None,
               hotwords: str | None = None, channels: tuple[str, ...] = ()) -> FileOutcome:
    return transcribe_file(media, language, spec, root, hotwords, channels)


class DaskExecutor:
    """One task per file on the ``dask.distributed`` scheduler at ``address`` (tcp://host:8786).

    Workers keep their engine between tasks (a module-level cache keyed by the spec). Run them
    with one thread each (``dask worker ADDR --nthreads 1``) and let the model use the cores,
    or set ``transcribe.cpu_threads`` to split them. About twice as many files as the cluster
    has threads are in flight, so new workers get work and Ctrl-C cancels the rest.
    """

    def __init__(self, address: str, spec: EngineSpec, root: Path | None = None, timeout: float = 30) -> None:
        self.address = address
        self.spec = spec
        self.root = root
        self.timeout = timeout
        self.client = None

    def _connect(self):
        try:
            from distributed import Client
        except ImportError:
            raise TranscribeError(
                f"transcribe.scheduler is set ({self.address}) but dask.distributed is not installed; "
                f"run `pip install 'dask[distributed]'` or remove the setting"
            ) from None
        try:
            return Client(self.address, timeout=self.timeout)
        except (OSError, TimeoutError) as exc:
            raise TranscribeError(
                f"cannot reach the Dask scheduler at {self.address} ({exc}); start it with "
                f"`dask scheduler` and workers with `dask worker {self.address}`, or check transcribe.scheduler"
            ) from None

    def run(self, tasks: list[Task], started: Started) -> Iterator[tuple[Task, FileOutcome]]:
        if not tasks:
            return
        from distributed import as_completed

        self.client = client = self._connect()
        root = str(self.root) if self.root is not None else None
        queue = list(tasks)
        running: dict[Any, Task] = {}
        ac = as_completed()
        finished = False

        def window() -> int:
            return max(1, sum(client.nthreads().values())) * 2

        def refill() -> None:
            while queue and len(running) < window():
                task = queue.pop(0)
                fut = client.submit(_dask_task, str(task.media), task.language, self.spec, root,
                                    task.hotwords, task.channels, pure=False,
                                    key=f"kbgen-transcribe-{task.sid}-{uuid.uuid4().hex[:8]}")
                running[fut] = task
                ac.add(fut)
                started(task, task.seconds)

        try:
            refill()
            for fut in ac:
                task = running.pop(fut)
                try:
                    outcome = fut.result()
                except Exception as exc:  # noqa: BLE001 - a worker died or the task failed there
                    outcome = _unexpected(task, exc, self.root, "a Dask worker")
                fut.release()
                yield task, outcome
                refill()
            finished = True
        finally:
            if not finished and running:
                with contextlib.suppress(Exception):
                    client.cancel(list(running))
            self.close()

    def close(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            with contextlib.suppress(Exception):
                client.close()


__all__ = [
    "DEFAULT_FACTORY",
    "DaskExecutor",
    "EngineSpec",
    "FileOutcome",
    "InProcessExecutor",
    "LocalExecutor",
    "Task",
    "configured_engine",
    "cores",
    "transcribe_file",
]
