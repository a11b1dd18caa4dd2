"""Cache tools: stats and prune (entries of deleted recordings go, other engines' entries of current ones stay)."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest

from kbgen.models import Segment, Session, Transcript
from kbgen.transcribe import TranscriptCache, transcribe_sessions
from kbgen.transcribe.cache import CacheStats, PruneResult, cache_key, keys_in_use, media_hash, media_hashes
from kbgen.transcribe.engine import EngineKey
from tests.helpers_media import write_media

KEY = EngineKey("fake", "fake-1", {"beam_size": 5})
OTHER = EngineKey("other", "big-2", {"beam_size": 1})


class Engine:
    name, model_id = "fake", "fake-1"

    def transcribe(self, audio, language=None) -> Transcript:
        d = len(audio) / 16000
        return Transcript((Segment(0.0, d, f"{d:.1f} s"),), "en", d, "fake", "fake")


def session(sid: str, media: Path) -> Session:
    return Session(id=sid, title=sid, date=dt.date(2026, 1, 15), mentors=("ana",), topics=(),
                   visibility="public", consent=True, media=media)


def must_not_load():
    raise AssertionError("engine made on a cache hit")


@pytest.fixture
def filled(tmp_path):
    """Three recordings cached under KEY, two of them also under OTHER."""
    rec = tmp_path / "recordings"
    sessions = [session(n, write_media(rec / f"{n}.wav", s)) for n, s in (("a", 1.0), ("b", 1.5), ("c", 2.0))]
    cache = TranscriptCache(tmp_path / ".kbgen")
    transcribe_sessions(sessions, cache, Engine, tmp_path, key=KEY)
    transcribe_sessions(sessions[:2], cache, Engine, tmp_path, key=OTHER)
    return tmp_path, sessions, cache


def test_stats_count_entries_and_bytes_per_engine(filled):
    _, _, cache = filled
    st = cache.stats()
    sizes = [p.stat().st_size for p in cache.entries()]
    assert st.entries == 5 and st.bytes == sum(sizes) and st.unreadable == 0 and st.temp_files == 0
    assert list(st.by_engine) == ["fake fake-1", "other big-2"]
    assert st.by_engine["fake fake-1"][0] == 3 and st.by_engine["other big-2"][0] == 2
    assert sum(b for _, b in st.by_engine.values()) == st.bytes


def test_stats_of_an_empty_or_missing_cache(tmp_path):
    assert TranscriptCache(tmp_path / "none").stats() == CacheStats()
    assert TranscriptCache(tmp_path / "none").prune(set()) == PruneResult()


def test_stats_count_damaged_entries_and_temp_files(filled):
    _, _, cache = filled
    cache.entries()[0].write_text("{broken")
    (cache.entries()[1].parent / ".tmp-x.json").write_text("half")
    st = cache.stats()
    assert st.entries == 5 and st.unreadable == 1 and st.temp_files == 1 and st.temp_bytes == 4


def test_prune_removes_only_entries_of_deleted_recordings(filled):
    root, sessions, cache = filled
    gone = sessions[2].media
    gone_hash = media_hash(gone)
    gone.unlink()
    before = {p: p.stat().st_size for p in cache.entries()}
    keep = media_hashes(s.media for s in sessions)  # the missing file is skipped
    assert gone_hash not in keep and len(keep) == 2
    res = cache.prune(keep)
    assert res.removed == 1 and res.kept == 4 and res.temp_removed == 0
    removed = set(before) - set(cache.entries())
    assert res.freed == sum(before[p] for p in removed)
    assert [p.stem for p in removed] == [cache_key(gone_hash, KEY, None)]
    # both engines' entries of current recordings still hit: switching back costs nothing
    for key in (KEY, OTHER):
        res = transcribe_sessions(sessions[:2], cache, must_not_load, root, key=key)
        assert res.cached == ["a", "b"]
    assert not any(p.is_dir() and not any(p.iterdir()) for p in cache.dir.iterdir())  # no empty folders


def test_prune_keeps_renamed_and_touched_recordings(filled):
    root, sessions, cache = filled
    moved = sessions[0].media.with_name("renamed.wav")
    os.replace(sessions[0].media, moved)
    os.utime(moved, (1_000_000_000, 1_000_000_000))
    res = cache.prune(media_hashes([moved, sessions[1].media, sessions[2].media]))
    assert res.removed == 0 and res.kept == 5
    assert transcribe_sessions([session("a", moved)], cache, must_not_load, root, key=KEY).cached == ["a"]


def test_prune_removes_damaged_entries_and_old_temp_files_only(filled):
    _, sessions, cache = filled
    cache.entries()[0].write_text("{broken")
    folder = cache.entries()[1].parent
    old, fresh = folder / ".tmp-old.json", folder / ".tmp-new.json"
    old.write_text("x" * 10)
    fresh.write_text("y")
    hour_ago = time.time() - 3700
    os.utime(old, (hour_ago, hour_ago))
    res = cache.prune(media_hashes(s.media for s in sessions))
    assert res.removed == 1 and res.temp_removed == 1 and res.kept == 4
    assert not old.exists() and fresh.exists()  # a run may be writing that one right now


def test_changed_content_or_options_miss_and_keys_in_use(filled):
    root, sessions, cache = filled
    used = keys_in_use([*sessions, session("imported", None)], KEY)
    assert used == {p.stem for p in cache.entries()} - keys_in_use(sessions[:2], OTHER)
    changed = EngineKey("fake", "fake-1", {"beam_size": 2})
    assert not (keys_in_use(sessions, changed) & {p.stem for p in cache.entries()})
    res = transcribe_sessions(sessions[:1], cache, Engine, root, key=changed)
    assert res.transcribed == ["a"]
    write_media(sessions[1].media, 1.2)  # new content under the old name
    assert transcribe_sessions(sessions[1:2], cache, Engine, root, key=KEY).transcribed == ["b"]


def test_entries_store_the_media_hash_and_notes_round_trip(tmp_path):
    cache = TranscriptCache(tmp_path)
    t = Transcript((Segment(0, 1, "hi"),), "en", 1.0, "e", "m", notes=("collapsed a loop: 'x' repeated 5 times",))
    cache.put("ab" * 32, t, meta={"media_sha256": "f" * 64})
    assert cache.get("ab" * 32) == t
    assert cache.prune({"f" * 64}).kept == 1 and cache.prune(set()).removed == 1


def test_a_transcript_read_before_comes_back_unread_until_used(tmp_path, monkeypatch):
    """The second time an entry is read (a later build), only its remembered digest and head are:
    the segments are read when first used, equal to the stored ones, and let go by unload()."""
    import dataclasses
    import json
    import pickle

    import kbgen.transcribe.cache as cache_module
    from kbgen.fingerprint import transcript_digest
    from kbgen.models import StoredTranscript, Word

    t = Transcript((Segment(0.0, 1.5, "Hello there.", "Ana", (Word(" Hello", 0.0, 0.5),)),
                    Segment(2.0, 3.0, "Bye.")), "en", 3.0, "fake", "fake-1", ("a note",))
    TranscriptCache(tmp_path).put("k" * 64, t)
    first = TranscriptCache(tmp_path)
    read_now = first.get("k" * 64)  # the first read: the whole file
    assert read_now == t and "segments" in read_now.__dict__
    first.save_index()
    reads = []
    real = cache_module.transcript_from_dict
    monkeypatch.setattr(cache_module, "transcript_from_dict", lambda d: reads.append(1) or real(d))
    later = TranscriptCache(tmp_path).get("k" * 64)
    assert isinstance(later, StoredTranscript) and reads == []
    assert (later.duration, later.notes, later.is_empty, later.is_blank) == (3.0, ("a note",), False, False)
    assert transcript_digest(later) == transcript_digest(t) and reads == []
    assert later.segments == t.segments and later == t and t == later and reads == [1]
    later.unload()
    assert later.text == t.text and reads == [1, 1]  # read again when used again
    plain = pickle.loads(pickle.dumps(later))
    assert type(plain) is Transcript and plain == t
    assert dataclasses.replace(later, language="fr").language == "fr"
    # A changed entry is not taken for the one remembered.
    TranscriptCache(tmp_path).put("k" * 64, dataclasses.replace(t, language="fr"))
    again = TranscriptCache(tmp_path).get("k" * 64)
    assert again.language == "fr" and not isinstance(again, StoredTranscript)
    assert json.loads((tmp_path / "transcript-index.json").read_text())
