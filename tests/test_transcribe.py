"""The transcribe stage: the cache, the engine seam, and the real model on silence and noise."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kbgen.config import TranscribeConfig
from kbgen.errors import TranscribeError
from kbgen.models import Segment, Session, Transcript
from kbgen.transcribe import TranscriptCache, transcribe_sessions
from kbgen.transcribe import cache as cache_mod
from kbgen.transcribe.cache import SCHEMA_VERSION, cache_key, media_hash
from kbgen.transcribe.engine import EngineKey, FasterWhisperEngine, engine_key, resolve_model
from tests.helpers_media import write_media

KEY = EngineKey("fake", "fake-1", {"beam_size": 5, "vad_filter": True, "batch_size": 8, "compute_type": "int8"})


class CountingEngine:
    """A fake engine: one segment naming how long the audio was; counts its calls."""

    name = "fake"
    model_id = "fake-1"

    def __init__(self) -> None:
        self.calls = 0

    def transcribe(self, audio, language=None) -> Transcript:
        self.calls += 1
        d = len(audio) / 16000
        return Transcript((Segment(0.0, d, f"<b>{d:.1f}</b> seconds"),), language or "en", d, self.name, "fake")


class Factory:
    """An engine factory that counts how often it is called."""

    def __init__(self) -> None:
        self.made = 0
        self.engine = CountingEngine()

    def __call__(self) -> CountingEngine:
        self.made += 1
        return self.engine


def must_not_load():
    raise AssertionError("the engine factory was called, so a model would have loaded")


def session(sid: str, media: Path | None, language: str = "en") -> Session:
    return Session(id=sid, title=sid, date=dt.date(2026, 1, 15), mentors=("ana",), topics=(),
                   visibility="public", consent=True, language=language, media=media)


@pytest.fixture
def project(tmp_path):
    """Two recordings of different lengths in a project; a cache under .kbgen."""
    rec = tmp_path / "recordings"
    a = write_media(rec / "a.wav", 1.0)
    b = write_media(rec / "b.mp3", 2.0)
    return tmp_path, [session("a", a), session("b", b)], TranscriptCache(tmp_path / ".kbgen")


def run(sessions, cache, factory, root=None, key=KEY, events=None):
    cb = (lambda *e: events.append(e)) if events is not None else None
    return transcribe_sessions(sessions, cache, factory, root, cb, key=key)


# ---------------------------------------------------------------------------- cache


def test_first_run_transcribes_second_is_all_cached(project):
    root, sessions, cache = project
    f = Factory()
    events: list = []
    first = run(sessions, cache, f, root, events=events)
    assert f.made == 1 and f.engine.calls == 2  # one engine for all misses
    assert first.transcribed == ["a", "b"] and not first.failures
    assert first.transcripts["b"].segments[0].text == "<b>2.0</b> seconds"
    assert [e[0] for e in events] == ["transcribing", "transcribed", "transcribing", "transcribed"]
    assert events[1][1] == "a" and events[1][2].startswith("transcribed 1.0 s in ")

    events.clear()
    second = run(sessions, cache, must_not_load, root, events=events)
    assert second.cached == ["a", "b"] and second.transcripts == first.transcripts
    assert events == [("cached", "a", "cached"), ("cached", "b", "cached")]


def test_hit_is_by_content_not_name(project):
    root, sessions, cache = project
    run(sessions, cache, Factory(), root)
    src = sessions[0].media
    renamed = src.with_name("renamed-copy.wav")
    os.replace(src, renamed)
    os.utime(renamed, (1_000_000_000, 1_000_000_000))  # touched: a new mtime
    res = run([session("a2", renamed)], cache, must_not_load, root)
    assert res.cached == ["a2"]


def test_changed_content_misses(project):
    root, sessions, cache = project
    run(sessions, cache, Factory(), root)
    write_media(sessions[0].media, 1.5)  # same name, new recording
    f = Factory()
    res = run(sessions, cache, f, root)
    assert res.transcribed == ["a"] and res.cached == ["b"] and f.engine.calls == 1


@pytest.mark.parametrize("change", [
    {"options": {**KEY.options, "beam_size": 1}},
    {"options": {**KEY.options, "vad_filter": False}},
    {"options": {**KEY.options, "compute_type": "float16"}},
    {"model_id": "fake-2"},
    {"engine": "other"},
])
def test_changed_engine_or_options_miss(project, change):
    root, sessions, cache = project
    run(sessions, cache, Factory(), root)
    key = EngineKey(**{**KEY.__dict__, **change})
    f = Factory()
    res = run(sessions, cache, f, root, key=key)
    assert res.transcribed == ["a", "b"]


def test_changed_language_misses(project):
    root, sessions, cache = project
    run(sessions, cache, Factory(), root)
    res = run([session("a", sessions[0].media, language="es")], cache, Factory(), root)
    assert res.transcribed == ["a"]


def test_schema_version_is_part_of_the_key(project, monkeypatch):
    root, sessions, cache = project
    run(sessions, cache, Factory(), root)
    monkeypatch.setattr(cache_mod, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    assert run(sessions, cache, Factory(), root).transcribed == ["a", "b"]


def test_entry_layout(project):
    root, sessions, cache = project
    run(sessions, cache, Factory(), root)
    digest = media_hash(sessions[1].media)
    key = cache_key(digest, KEY, "en")
    path = cache.path_for(key)
    assert path == root / ".kbgen" / "transcripts" / key[:2] / f"{key}.json"
    entry = json.loads(path.read_text())
    assert entry["schema"] == SCHEMA_VERSION and entry["key"] == key
    assert entry["source"] == "b.mp3" and entry["media_sha256"] == digest
    assert entry["model_id"] == "fake-1" and entry["options"]["beam_size"] == 5
    assert entry["transcript"]["segments"][0]["text"] == "<b>2.0</b> seconds"
    assert len(cache.entries()) == 2


def test_writes_leave_no_temp_files(project):
    root, sessions, cache = project
    run(sessions, cache, Factory(), root)
    names = [p.name for p in (root / ".kbgen").rglob("*") if p.is_file()]
    # Two entries, what the loop scan found in each (nothing: an empty marker), the media hashes.
    assert len(names) == 5 and not [n for n in names if n.startswith(".tmp-")]
    assert len(cache.entries()) == 2


def test_failed_write_leaves_neither_entry_nor_temp(tmp_path, monkeypatch):
    cache = TranscriptCache(tmp_path)
    t = Transcript((Segment(0, 1, "hi"),), "en", 1.0)

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    import kbgen.fsutil

    monkeypatch.setattr(kbgen.fsutil.os, "fsync", boom)  # the disk fills up mid-write, temp file already made
    with pytest.raises(OSError):
        cache.put("ab" * 32, t)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    assert cache.get("ab" * 32) is None


@pytest.mark.parametrize("content", ["", "{not json", '{"schema": 1}', "[]", '"x"'])
def test_corrupt_entry_is_a_miss_and_is_rewritten(project, content):
    root, sessions, cache = project
    run(sessions, cache, Factory(), root)
    entry = cache.path_for(cache_key(media_hash(sessions[0].media), KEY, "en"))
    entry.write_text(content)
    f = Factory()
    res = run(sessions, cache, f, root)
    assert res.transcribed == ["a"] and res.cached == ["b"]
    assert json.loads(entry.read_text())["transcript"]["duration"] == 1.0


def test_round_trip_keeps_speakers_and_text(tmp_path):
    cache = TranscriptCache(tmp_path)
    t = Transcript((Segment(0.0, 1.5, "Olá <script>", "S1"), Segment(1.5, 2.0, "ok")), "pt", 2.0, "e", "m")
    cache.put("cd" * 32, t, source="x.m4a")
    assert cache.get("cd" * 32) == t


def test_media_hash_is_memoised_and_notices_changes(tmp_path, monkeypatch):
    path = write_media(tmp_path / "a.wav", 0.5)
    first = media_hash(path)
    opened = []
    real_open = open

    def spy(p, *a, **k):
        opened.append(p)
        return real_open(p, *a, **k)

    monkeypatch.setattr("builtins.open", spy)
    assert media_hash(path) == first and opened == []
    path.write_bytes(path.read_bytes() + b"\0\0")
    assert media_hash(path) != first and opened


def test_media_hashes_are_remembered_across_builds(tmp_path, monkeypatch):
    """A new process does not read a recording again unless the file changed."""
    import kbgen.transcribe.cache as cache_module

    path = write_media(tmp_path / "a.wav", 0.5)
    first = TranscriptCache(tmp_path / ".kbgen")
    digest = first.media_hash(path)
    first.save_media_hashes()
    read: list[Path] = []
    real = cache_module.media_hash
    monkeypatch.setattr(cache_module, "media_hash", lambda p: read.append(p) or real(p))
    cache_module._HASH_MEMO.clear()  # as in a fresh process
    later = TranscriptCache(tmp_path / ".kbgen")
    assert later.media_hash(path) == digest and read == []
    path.write_bytes(path.read_bytes() + b"\0\0")  # changed: read again, and remembered anew
    assert later.media_hash(path) != digest and read == [path]
    later.save_media_hashes()
    path.unlink()
    TranscriptCache(tmp_path / ".kbgen").save_media_hashes()  # nothing learnt: the file stays as it was
    other = TranscriptCache(tmp_path / ".kbgen")
    write_media(tmp_path / "b.wav", 0.5)
    other.media_hash(tmp_path / "b.wav")
    other.save_media_hashes()  # the gone recording's entry is dropped
    assert list(json.loads((tmp_path / ".kbgen" / "media-hashes.json").read_text())) == [
        str((tmp_path / "b.wav").resolve())]


# ---------------------------------------------------------------------------- stage


def test_bad_media_is_recorded_and_the_others_go_on(project):
    root, sessions, cache = project
    broken = root / "recordings" / "broken.m4a"
    broken.write_bytes(b"")
    events: list = []
    f = Factory()
    res = run([session("x", broken), *sessions], cache, f, root, events=events)
    assert res.failures == {"x": "recordings/broken.m4a: the file is empty (0 bytes); "
                                  "copy or export the recording again from its source, or remove it"}
    assert sorted(res.transcripts) == ["a", "b"]
    assert events[0] == ("failed", "x", res.failures["x"])


def test_only_bad_media_loads_no_model(project):
    root, _, cache = project
    text = root / "recordings" / "notes.mp3"
    text.write_text("not audio")
    res = run([session("n", text), session("gone", root / "recordings" / "gone.wav")], cache,
              must_not_load, root)
    assert sorted(res.failures) == ["gone", "n"]
    assert res.failures["gone"].startswith("recordings/gone.wav: no such file")


def test_sessions_without_media_are_skipped(project):
    root, sessions, cache = project
    res = run([session("imported", None), sessions[0]], cache, Factory(), root)
    assert list(res.transcripts) == ["a"] and not res.failures


def test_without_a_key_the_engine_names_itself(project):
    root, sessions, cache = project
    f = Factory()
    res = transcribe_sessions(sessions, cache, f, root)
    assert f.made == 1 and res.transcribed == ["a", "b"]
    assert run(sessions, cache, must_not_load, root, key=EngineKey("fake", "fake-1", {})).cached == ["a", "b"]


def test_conftest_fake_engine_fits_the_seam(project, fake_engine):
    root, sessions, cache = project
    res = transcribe_sessions(sessions, cache, lambda: fake_engine, root)
    assert fake_engine.calls == 2 and res.transcripts["a"].text


# ---------------------------------------------------------------------------- engine (no model load)


def test_engine_key_of_the_bundled_model_is_stable():
    k1 = engine_key(TranscribeConfig())
    k2 = engine_key(TranscribeConfig(cpu_threads=1, device="cpu"))  # do not change the words
    assert k1 == k2 and k1.engine == "faster-whisper" and k1.model_id.startswith("ct2-sha256:")
    assert k1.options == {"beam_size": 5, "vad_filter": True, "batch_size": 8, "compute_type": "int8"}
    assert engine_key(TranscribeConfig(beam_size=2)) != k1


def test_model_given_by_name_or_folder(tmp_path):
    assert engine_key(TranscribeConfig(model="base.en")).model_id == "base.en"
    folder = tmp_path / "models" / "mine"
    folder.mkdir(parents=True)
    (folder / "model.bin").write_bytes(b"weights" * 1000)
    (folder / "config.json").write_text("{}")
    ref = resolve_model(TranscribeConfig(model="models/mine"), tmp_path)
    assert ref.folder == folder.resolve() and ref.label == "models/mine"
    before = engine_key(TranscribeConfig(model="models/mine"), tmp_path).model_id
    (folder / "model.bin").write_bytes(b"other weights" * 1000)
    assert engine_key(TranscribeConfig(model="models/mine"), tmp_path).model_id != before


def test_missing_model_folder_is_a_clear_error(tmp_path):
    with pytest.raises(TranscribeError) as err:
        FasterWhisperEngine(TranscribeConfig(model="./models/nope"), tmp_path)
    assert err.value.message.startswith("transcribe.model: model folder models/nope not found; ")
    (tmp_path / "empty").mkdir()
    with pytest.raises(TranscribeError, match=r"transcribe.model: empty has no model.bin"):
        engine_key(TranscribeConfig(model="./empty"), tmp_path)


def test_unloadable_model_is_a_clear_error(tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "model.bin").write_bytes(b"not a model")
    (folder / "config.json").write_text("{}")
    engine = FasterWhisperEngine(TranscribeConfig(model="./broken", device="cpu"), tmp_path)
    with pytest.raises(TranscribeError, match=r"^cannot load the Whisper model broken on cpu \("):
        engine.transcribe(np.ones(16000, np.float32), "en")


def test_empty_audio_needs_no_model():
    engine = FasterWhisperEngine(TranscribeConfig())
    t = engine.transcribe(np.zeros(0, np.float32), "en")
    assert t.segments == () and t.duration == 0.0 and engine._model is None


def test_importing_kbgen_transcribe_loads_no_whisper():
    code = ("import sys, kbgen, kbgen.transcribe, kbgen.ingest.media; "
            "print(any(m in sys.modules for m in ('faster_whisper', 'ctranslate2', 'av')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------------------- real model


@pytest.fixture(scope="module")
def real_engine():
    return FasterWhisperEngine(TranscribeConfig())


@pytest.mark.model
@pytest.mark.parametrize("kind", ["silence", "noise"])
def test_silence_and_noise_give_no_words(real_engine, kind):
    """Whisper invents text on silence ("Thank you."); the VAD gate must keep it out."""
    rng = np.random.default_rng(0)
    audio = np.zeros(20 * 16000, np.float32) if kind == "silence" else \
        np.clip(0.3 * rng.standard_normal(20 * 16000), -1, 1).astype(np.float32)
    t = real_engine.transcribe(audio, "en")
    assert t.segments == () and t.text == ""
    assert t.duration == 20.0 and t.language == "en"
    assert t.engine == "faster-whisper" and t.model == "tiny.en"


@pytest.mark.model
@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng to synthesise speech")
def test_synthetic_speech_end_to_end(tmp_path, real_engine):
    """espeak-ng speech through decode, engine and cache: words found, times in order."""
    wav = tmp_path / "recordings" / "speech.wav"
    wav.parent.mkdir()
    text = ("Welcome to the mentoring session. Today we talk about negotiating a job offer. "
            "Always ask for the salary range first.")
    subprocess.run(["espeak-ng", "-s", "150", "-w", str(wav), text], check=True, capture_output=True)
    cache = TranscriptCache(tmp_path / ".kbgen")
    key = engine_key(real_engine.config)
    res = transcribe_sessions([session("s", wav)], cache, lambda: real_engine, tmp_path, key=key)
    t = res.transcripts["s"]
    words = t.text.lower()
    assert "mentoring" in words and "salary" in words, words
    ends = [0.0]
    for seg in t.segments:
        assert ends[-1] - 0.01 <= seg.start <= seg.end <= t.duration + 0.01 and seg.text == seg.text.strip()
        ends.append(seg.end)
    again = transcribe_sessions([session("s", wav)], cache, must_not_load, tmp_path, key=key)
    assert again.transcripts["s"] == t



# ---------------------------------------------------------------------------- interrupted runs


class InterruptOnThird(CountingEngine):
    def transcribe(self, audio, language=None) -> Transcript:
        if self.calls == 2:
            raise KeyboardInterrupt  # Ctrl-C during the third file
        return super().transcribe(audio, language)


def test_an_interrupted_run_keeps_what_it_finished_and_resumes(tmp_path):
    rec = tmp_path / "recordings"
    sessions = [session(f"s{i}", write_media(rec / f"s{i}.wav", 0.5 * (i + 1))) for i in range(5)]
    cache = TranscriptCache(tmp_path / ".kbgen")
    engine = InterruptOnThird()
    with pytest.raises(KeyboardInterrupt):
        transcribe_sessions(sessions, cache, lambda: engine, tmp_path, key=KEY)
    files = [p for p in (tmp_path / ".kbgen" / "transcripts").rglob("*") if p.is_file()]
    assert len(files) == 2 and not [p for p in files if p.name.startswith(".tmp-")]
    for p in files:
        json.loads(p.read_text())  # whole entries
    assert cache.stats().temp_files == 0
    f = Factory()
    res = run(sessions, cache, f, tmp_path)
    assert res.cached == ["s0", "s1"] and res.transcribed == ["s2", "s3", "s4"] and f.engine.calls == 3


# ---------------------------------------------------------------------------- loops in the stage


class LoopingEngine(CountingEngine):
    def transcribe(self, audio, language=None) -> Transcript:
        self.calls += 1
        segs = (Segment(0.0, 2.0, "Welcome."),) + tuple(Segment(2.0 + i, 2.9 + i, "Thank you.") for i in range(6))
        return Transcript(segs, "en", 10.0, "fake", "fake")


def test_loops_are_collapsed_on_the_way_out_and_the_cache_keeps_the_raw_output(project):
    root, sessions, cache = project
    events: list = []
    res = run(sessions[:1], cache, lambda: LoopingEngine(), root, events=events)
    t = res.transcripts["a"]
    assert [s.text for s in t.segments] == ["Welcome.", "Thank you."]
    assert t.notes == ("collapsed a loop: 'thank you' repeated 6 times at 00:02-00:08",)
    assert ("note", "a", t.notes[0]) in events
    raw = cache.get(cache_key(media_hash(sessions[0].media), KEY, "en"))
    assert len(raw.segments) == 7 and raw.notes == ()  # a better loop rule needs no re-transcription
    again = run(sessions[:1], cache, must_not_load, root)
    assert again.transcripts["a"] == t
    off = transcribe_sessions(sessions[:1], cache, must_not_load, root, key=KEY, collapse=False)
    assert len(off.transcripts["a"].segments) == 7


# ---------------------------------------------------------------------------- progress


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_progress_eta_counts_audio_not_files():
    from kbgen.transcribe.progress import Progress

    clock = Clock()
    p = Progress(file=io.StringIO(), now=clock)
    assert not p.enabled  # not a terminal: no bar, numbers only
    p.begin(total=3600.0, done=600.0, files=3)  # 10 of 60 minutes cached
    assert p.rate is None and p.eta is None
    assert p.describe() == "10.0/60.0 min of audio, ETA ?"
    clock.t += 60.0
    p.finished(1200.0, 1200.0)  # 20 minutes of audio in 60 s: 20x real time
    assert p.rate == pytest.approx(20.0)
    assert p.eta == pytest.approx(1800.0 / 20.0)  # 30 minutes left at 20x: 90 s
    assert p.describe() == "30.0/60.0 min of audio, 20.0x real time, ETA 01:30"
    clock.t += 30.0
    p.failed(600.0)  # its audio leaves the total
    assert p.total == 3000.0 and p.eta == pytest.approx(1200.0 / (1200.0 / 90.0))
    clock.t += 60.0
    p.finished(1250.0, 1200.0)  # longer than probed: the total follows
    assert p.total == 3050.0 and p.done == 3050.0 and p.eta == 0.0
    assert p.describe().endswith("ETA 00:00")
    p.close()


def test_progress_clock_format():
    from kbgen.transcribe.progress import clock

    assert clock(59.6) == "01:00" and clock(3725) == "1:02:05" and clock(-3) == "00:00"


def test_progress_bar_when_forced(project):
    from kbgen.transcribe.progress import Progress

    root, sessions, cache = project
    out = io.StringIO()
    p = Progress(file=out, force=True)
    res = transcribe_sessions(sessions, cache, Factory(), root, key=KEY, progress=p)
    assert res.transcribed == ["a", "b"]
    text = out.getvalue()
    assert "transcribing" in text and "100%" in text and "0.1/0.1 min of audio" in text
    assert p.done == pytest.approx(3.0) and p.total == pytest.approx(3.0)
    # all cached: counted done at once, no bar drawn
    out2 = io.StringIO()
    p2 = Progress(file=out2, force=True)
    run_cached = transcribe_sessions(sessions, cache, must_not_load, root, key=KEY, progress=p2)
    assert run_cached.cached == ["a", "b"] and p2.done == pytest.approx(3.0) and out2.getvalue() == ""


def test_one_speaker_per_channel_is_named_and_merged_by_time(tmp_path):
    """Each channel is transcribed alone; segments carry the channel's speaker, in time order."""
    import datetime as dt
    import fractions

    import av
    import numpy as np

    from kbgen.models import Segment, Session, Transcript
    from kbgen.transcribe import transcribe_sessions
    from kbgen.transcribe.cache import TranscriptCache
    from kbgen.transcribe.engine import EngineKey

    rate = 16000
    t = np.arange(rate * 2) / rate
    left = np.where(t < 1, np.sin(2 * np.pi * 440 * t) * 0.4, 0)  # speaks first
    right = np.where(t >= 1, np.sin(2 * np.pi * 440 * t) * 0.4, 0)  # answers
    path = tmp_path / "recordings" / "call.flac"
    path.parent.mkdir(parents=True)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("flac", rate=rate)
        stream.layout = "stereo"
        frame = av.AudioFrame.from_ndarray((np.stack([left, right]) * 32767).astype(np.int16), format="s16p",
                                           layout="stereo")
        frame.sample_rate, frame.pts, frame.time_base = rate, 0, fractions.Fraction(1, rate)
        for p in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(p)

    class LoudPartEngine:
        name, model_id = "fake", "loud"

        def transcribe(self, audio, language=None, hotwords=None):
            loud = np.flatnonzero(np.abs(audio) > 0.1)
            start = loud[0] / rate
            return Transcript((Segment(start, start + 0.5, f"words at {start:.0f}"),), "en", len(audio) / rate)

    session = Session("call", "Call", dt.date(2026, 1, 1), ("ana",), (), "public", True, media=path,
                      channels=("Ana", "Jordan"))
    result = transcribe_sessions([session], TranscriptCache(tmp_path / "cache"), LoudPartEngine, tmp_path,
                                 key=EngineKey("fake", "loud", {}))
    segs = result.transcripts["call"].segments
    assert [(s.speaker, s.text) for s in segs] == [("Ana", "words at 0"), ("Jordan", "words at 1")]

    mono = Session("mono", "M", dt.date(2026, 1, 1), ("ana",), (), "public", True,
                   media=write_mono(tmp_path / "recordings" / "mono.wav"), channels=("Ana", "Jordan"))
    result = transcribe_sessions([mono], TranscriptCache(tmp_path / "cache"), LoudPartEngine, tmp_path,
                                 key=EngineKey("fake", "loud", {}))
    assert "has 1 audio channel(s) but its sidecar's `channels:` names 2 speakers" in result.failures["mono"]


def write_mono(path):
    from tests.conftest import write_wav

    return write_wav(path, 0.5)
