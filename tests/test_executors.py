"""Transcription in worker processes: a local pool (jobs=2) and a Dask cluster, with fake and real engines.

The fake engine lives in tests/fake_engine.py so spawned workers can import it; it writes a
file per engine built, so the tests can count engines and see which process made them.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import shutil
import time
from pathlib import Path

import pytest

from kbgen.config import TranscribeConfig
from kbgen.errors import TranscribeError
from kbgen.models import Session
from kbgen.transcribe import TranscriptCache, transcribe_sessions
from kbgen.transcribe.engine import EngineKey, engine_key
from kbgen.transcribe.executors import DaskExecutor, EngineSpec, LocalExecutor, Task, cores, transcribe_file
from tests.conftest import ROOT
from tests.helpers_media import write_media

KEY = EngineKey("fake", "fake-1", {"beam_size": 5})


def session(sid: str, media: Path, language: str = "en") -> Session:
    return Session(id=sid, title=sid, date=dt.date(2026, 1, 15), mentors=("ana",), topics=(),
                   visibility="public", consent=True, language=language, media=media)


@pytest.fixture
def project(tmp_path):
    """Four recordings of different lengths; a cache; a folder where fake engines log their builds."""
    rec = tmp_path / "recordings"
    sessions = [session(f"s{i}", write_media(rec / f"s{i}.wav", 0.5 + 0.5 * i)) for i in range(4)]
    log = tmp_path / "builds"
    log.mkdir()
    return tmp_path, sessions, TranscriptCache(tmp_path / ".kbgen"), log


def fake_spec(root: Path, log: Path, **extra) -> EngineSpec:
    return EngineSpec(TranscribeConfig(), str(root), "tests.fake_engine:make",
                      (("log_dir", str(log)), *sorted(extra.items())))


def builds(log: Path) -> list[str]:
    return sorted(p.name for p in log.iterdir())


def no_workers_left() -> bool:
    """No worker process is alive (reaping may lag a moment behind the pool's own thread)."""
    deadline = time.monotonic() + 5
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    return multiprocessing.active_children() == []


def no_closure():
    raise AssertionError("workers build their engine from the spec, never from this factory")


# ----------------------------------------------------------------------------- spec


def test_spec_builds_its_engine_and_splits_threads(tmp_path):
    spec = fake_spec(tmp_path, tmp_path, delay=0.0)
    engine = spec.build()
    assert engine.name == "fake" and len(builds(tmp_path)) == 1
    assert spec.token() == fake_spec(tmp_path, tmp_path, delay=0.0).token()
    assert spec.with_threads(3).config.cpu_threads == 3 and spec.with_threads(3).token() != spec.token()
    ex = LocalExecutor(4, spec)
    assert ex.worker_spec(4).config.cpu_threads == max(1, cores() // 4)
    pinned = EngineSpec(TranscribeConfig(cpu_threads=2))
    assert LocalExecutor(4, pinned).worker_spec(4) is pinned  # a configured thread count is kept
    built = EngineSpec().build()  # the default: what config names, routed by language
    assert type(built).__name__ == "RoutedEngine" and type(built.engine("tiny.en")).__name__ == "FasterWhisperEngine"
    with pytest.raises(ValueError, match="module:callable"):
        EngineSpec(factory="nocolon").build()


def test_parallel_needs_a_spec(project):
    root, sessions, cache, _ = project
    with pytest.raises(ValueError, match="needs a spec"):
        transcribe_sessions(sessions, cache, no_closure, root, key=KEY, jobs=2)


# ----------------------------------------------------------------------------- local processes


def test_two_local_workers_transcribe_everything_and_cache_as_they_go(project):
    root, sessions, cache, log = project
    events: list = []
    res = transcribe_sessions(sessions, cache, None, root, lambda *e: events.append(e), key=KEY,
                              spec=fake_spec(root, log, delay=0.2), jobs=2)
    assert res.transcribed == ["s0", "s1", "s2", "s3"] and not res.failures
    assert list(res.transcripts) == ["s0", "s1", "s2", "s3"]  # sessions' order, whatever came back first
    assert [res.transcripts[f"s{i}"].duration for i in range(4)] == [0.5, 1.0, 1.5, 2.0]
    made = builds(log)
    assert 1 <= len(made) <= 2  # one engine per worker, not per file
    pids = {res.transcripts[s].model.split()[0] for s in res.transcripts}
    assert f"pid={os.getpid()}" not in pids  # the work happened in worker processes
    threads = {res.transcripts[s].model.split()[1] for s in res.transcripts}
    assert threads == {f"threads={max(1, cores() // 2)}"}
    # longest first, "transcribing" when a worker takes a file (its probed length), one line per file
    starts = [e for e in events if e[0] == "transcribing"]
    assert [e[1] for e in starts] == ["s3", "s2", "s1", "s0"] and starts[0][2] == "2.0 s of audio"
    assert sorted(e[1] for e in events if e[0] == "transcribed") == ["s0", "s1", "s2", "s3"]
    assert len(cache.entries()) == 4

    for p in log.iterdir():
        p.unlink()
    again = transcribe_sessions(sessions, cache, None, root, key=KEY, spec=fake_spec(root, log), jobs=2)
    assert again.cached == ["s0", "s1", "s2", "s3"] and again.transcripts == res.transcripts
    assert builds(log) == []  # cache hits make no engine, here or in a worker


def test_bad_media_fails_alone_in_a_worker(project):
    root, sessions, cache, log = project
    broken = root / "recordings" / "broken.mp3"
    broken.write_text("not audio")
    res = transcribe_sessions([session("bad", broken), *sessions[:2]], cache, None, root, key=KEY,
                              spec=fake_spec(root, log), jobs=2)
    assert sorted(res.transcripts) == ["s0", "s1"]
    assert list(res.failures) == ["bad"] and res.failures["bad"].startswith("recordings/broken.mp3: ")


def test_a_model_that_cannot_load_stops_the_run(project):
    root, sessions, cache, log = project
    with pytest.raises(TranscribeError, match="cannot load the Whisper model broken"):
        transcribe_sessions(sessions, cache, None, root, key=KEY, spec=fake_spec(root, log, fail_model=True),
                            jobs=2)
    assert no_workers_left()


def test_a_worker_that_dies_fails_its_file_not_the_run(project):
    root, sessions, cache, log = project
    res = transcribe_sessions(sessions, cache, None, root, key=KEY, spec=fake_spec(root, log, crash_on=2.0),
                              jobs=2)
    assert "s3" in res.failures
    assert "transcription failed in a worker process (BrokenProcessPool" in res.failures["s3"]
    assert set(res.transcripts) | set(res.failures) == {"s0", "s1", "s2", "s3"}
    assert no_workers_left()
    # what did work is cached; the next run does the rest
    rest = transcribe_sessions(sessions, cache, None, root, key=KEY, spec=fake_spec(root, log), jobs=2)
    assert sorted(rest.cached) == sorted(res.transcripts) and sorted(rest.transcribed) == sorted(res.failures)


def test_ctrl_c_stops_the_workers_and_keeps_what_came_back(project):
    root, sessions, cache, log = project

    def interrupt(kind, sid, detail):
        if kind == "transcribed":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        transcribe_sessions(sessions, cache, None, root, interrupt, key=KEY, spec=fake_spec(root, log, delay=0.5),
                            jobs=2)
    assert no_workers_left()  # no worker left running
    assert len(cache.entries()) == 1 and cache.temp_files() == []
    res = transcribe_sessions(sessions, cache, None, root, key=KEY, spec=fake_spec(root, log), jobs=2)
    assert len(res.cached) == 1 and len(res.transcribed) == 3


# ----------------------------------------------------------------------------- Dask


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster:
        yield cluster


def test_dask_cluster_transcribes_one_task_per_file(project, dask_cluster):
    root, sessions, cache, log = project
    address = dask_cluster.scheduler_address
    events: list = []
    res = transcribe_sessions(sessions, cache, None, root, lambda *e: events.append(e), key=KEY,
                              spec=fake_spec(root, log, delay=0.1), scheduler=address)
    assert res.transcribed == ["s0", "s1", "s2", "s3"] and not res.failures
    assert [res.transcripts[f"s{i}"].duration for i in range(4)] == [0.5, 1.0, 1.5, 2.0]
    assert 1 <= len(builds(log)) <= 2  # each worker keeps its engine between tasks
    assert f"pid={os.getpid()}" not in {t.model.split()[0] for t in res.transcripts.values()}
    assert len(cache.entries()) == 4

    for p in log.iterdir():
        p.unlink()
    more = [*sessions, session("s9", write_media(root / "recordings" / "s9.wav", 3.0))]
    res2 = transcribe_sessions(more, cache, None, root, key=KEY, spec=fake_spec(root, log, delay=0.1),
                               scheduler=address)
    assert res2.cached == ["s0", "s1", "s2", "s3"] and res2.transcribed == ["s9"]
    assert builds(log) == []  # the worker that took s9 still had its engine


def test_dask_reports_bad_media(project, dask_cluster):
    root, sessions, cache, log = project
    broken = root / "recordings" / "broken.mp3"
    broken.write_text("not audio")
    res = transcribe_sessions([session("bad", broken), sessions[0]], cache, None, root, key=KEY,
                              spec=fake_spec(root, log), scheduler=dask_cluster.scheduler_address)
    assert list(res.transcripts) == ["s0"] and res.failures["bad"].startswith("recordings/broken.mp3: ")


def test_a_worker_that_cannot_see_the_file_says_why(tmp_path):
    out = transcribe_file(str(tmp_path / "recordings" / "gone.m4a"), "en", fake_spec(tmp_path, tmp_path), str(tmp_path))
    assert out.transcript is None and not out.fatal
    assert out.error.startswith("recordings/gone.m4a: no such file; ")
    assert "Dask workers need the recordings at the same path" in out.error
    assert builds(tmp_path) == []  # bad media builds no engine


def test_unreachable_scheduler_is_a_clear_error(project):
    pytest.importorskip("distributed")
    root, sessions, cache, log = project
    executor = DaskExecutor("tcp://127.0.0.1:9", fake_spec(root, log), root, timeout=1)
    with pytest.raises(TranscribeError, match=r"^cannot reach the Dask scheduler at tcp://127.0.0.1:9 "):
        list(executor.run([Task("s0", sessions[0].media, "en")], lambda *a: None))


# ----------------------------------------------------------------------------- real model


@pytest.mark.model
def test_real_model_in_two_local_workers(tmp_path):
    rec = tmp_path / "recordings"
    rec.mkdir()
    names = ("negotiating-first-job-offer.m4a", "starting-in-data-science.mp3")
    for name in names:
        shutil.copy(ROOT / "recordings" / name, rec / name)
    sessions = [session(Path(n).stem, rec / n) for n in names]
    config = TranscribeConfig()
    key = engine_key(config, tmp_path)
    cache = TranscriptCache(tmp_path / ".kbgen")
    res = transcribe_sessions(sessions, cache, None, tmp_path, key=key, spec=EngineSpec(config, str(tmp_path)),
                              jobs=2)
    assert not res.failures and res.transcribed == [s.id for s in sessions]
    for s in sessions:
        t = res.transcripts[s.id]
        assert t.engine == "faster-whisper" and t.duration > 60 and len(t.text.split()) > 100
    again = transcribe_sessions(sessions, cache, no_closure, tmp_path, key=key)
    assert again.cached == [s.id for s in sessions]
    assert {s: t.text for s, t in again.transcripts.items()} == {s: t.text for s, t in res.transcripts.items()}
