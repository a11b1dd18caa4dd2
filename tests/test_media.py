"""Probing and decoding recordings: every format, and every way a file can be bad."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pytest

from kbgen.errors import MediaError
from kbgen.ingest.media import decode_audio, probe
from tests.helpers_media import FORMATS, damage, write_media


@pytest.fixture
def rec(tmp_path):
    """The recordings folder of a temp project; errors are shown relative to tmp_path."""
    return tmp_path / "recordings"


@pytest.mark.parametrize("suffix", sorted(FORMATS))
def test_each_format_decodes_to_its_duration(rec, tmp_path, suffix):
    path = write_media(rec / f"tone.{suffix}", 2.5)
    audio = decode_audio(path, tmp_path)
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert abs(audio.shape[0] / 16000 - 2.5) <= 0.1
    # A 0.3 tone stays a 0.3 tone: float scaling, no s16 clipping or silence.
    assert 0.25 < float(np.abs(audio[8000:-8000]).max()) < 0.35
    info = probe(path, tmp_path)
    assert info.has_audio and info.channels == 1 and info.sample_rate == 48000
    assert info.duration is not None and abs(info.duration - 2.5) <= 0.1
    assert info.has_video == (suffix in ("mp4", "mov"))


def test_stereo_44k_becomes_mono_16k(rec):
    path = write_media(rec / "stereo.flac", 1.0, rate=44100, channels=2)
    assert probe(path).channels == 2
    audio = decode_audio(path)
    assert abs(audio.shape[0] - 16000) <= 16


def test_other_sample_rate_asked_for(rec):
    audio = decode_audio(write_media(rec / "a.wav", 1.0), sample_rate=8000)
    assert audio.shape[0] == 8000


def test_silence_decodes_to_zeros(rec):
    audio = decode_audio(write_media(rec / "quiet.m4a", 1.0, kind="silence"))
    assert float(np.abs(audio).max()) < 1e-3


def test_decodes_with_no_ffmpeg_on_path(rec, tmp_path, monkeypatch):
    """PyAV's wheel carries its own FFmpeg libraries: no `ffmpeg` program is needed."""
    files = [write_media(rec / f"x.{s}", 1.0) for s in ("mp3", "m4a", "webm", "mp4", "mov")]
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert shutil.which("ffmpeg") is None
    for f in files:
        assert abs(decode_audio(f).shape[0] / 16000 - 1.0) <= 0.1


# ---------------------------------------------------------------------------- bad files


def test_empty_file(rec, tmp_path):
    path = rec / "empty.mp3"
    rec.mkdir()
    path.write_bytes(b"")
    with pytest.raises(MediaError) as err:
        decode_audio(path, tmp_path)
    assert err.value.message == (
        "recordings/empty.mp3: the file is empty (0 bytes); "
        "copy or export the recording again from its source, or remove it"
    )
    with pytest.raises(MediaError, match="empty"):
        probe(path, tmp_path)


def test_missing_file(rec, tmp_path):
    with pytest.raises(MediaError, match=r"^recordings/gone\.wav: no such file"):
        decode_audio(rec / "gone.wav", tmp_path)


def test_text_file_named_mp3(rec, tmp_path):
    rec.mkdir()
    path = rec / "notes.mp3"
    path.write_text("These are my meeting notes, not a recording.\n" * 20)
    with pytest.raises(MediaError) as err:
        decode_audio(path, tmp_path)
    assert err.value.message.startswith("recordings/notes.mp3: not a media file FFmpeg can read (")
    with pytest.raises(MediaError, match="not a media file"):
        probe(path, tmp_path)


def test_video_without_audio(rec, tmp_path):
    path = write_media(rec / "slides.mp4", 1.0, audio=False)
    info = probe(path, tmp_path)
    assert info.has_video and not info.has_audio and info.channels == 0
    with pytest.raises(MediaError, match=r"^recordings/slides\.mp4: has no audio stream \(video only\)"):
        decode_audio(path, tmp_path)


CUT_SHORT = re.compile(r"cut short: decoded (\d+\.\d) s of (\d+\.\d) s \((\d+)%\)")


def _assert_cut_short(path, root, declared: float):
    with pytest.raises(MediaError) as err:
        decode_audio(path, root)
    msg = err.value.message
    assert msg.startswith(f"recordings/{path.name}: cut short: decoded ")
    m = CUT_SHORT.search(msg)
    assert m, msg
    decoded, total, pct = float(m[1]), float(m[2]), int(m[3])
    assert abs(total - declared) < 0.1
    assert decoded < 0.9 * total and abs(pct - round(100 * decoded / total)) <= 1
    return decoded


@pytest.mark.parametrize("suffix", ["mp3", "flac", "webm", "wav"])
def test_truncated_file_is_cut_short(rec, tmp_path, suffix):
    """Cut to 40% of its bytes: FFmpeg decodes what is there without a word; we refuse."""
    path = write_media(rec / f"long.{suffix}", 20.0, kind="noise")
    damage(path, "truncate", 0.4)
    decoded = _assert_cut_short(path, tmp_path, 20.0)
    assert 6.0 < decoded < 10.0


@pytest.mark.parametrize("suffix", ["mp3", "flac", "webm"])
def test_zeroed_middle_is_cut_short(rec, tmp_path, suffix):
    """The middle 60% overwritten with zeros: the decoder resyncs past it, silently short."""
    path = write_media(rec / f"holes.{suffix}", 20.0, kind="noise")
    damage(path, "zero", 0.2, 0.8)
    _assert_cut_short(path, tmp_path, 20.0)


@pytest.mark.parametrize("suffix", ["m4a", "mp4"])
def test_damaged_packets_are_refused(rec, tmp_path, suffix):
    """In mp4 the index survives, so the damaged packets fail to decode one by one."""
    path = write_media(rec / f"bad.{suffix}", 20.0, kind="noise")
    damage(path, "random", 0.2, 0.8)
    with pytest.raises(MediaError, match=rf"^recordings/bad\.{suffix}: damaged: \d+ of \d+ packets failed"):
        decode_audio(path, tmp_path)


def test_ogg_with_damaged_pages_is_refused(rec, tmp_path):
    path = write_media(rec / "bad.ogg", 20.0, kind="noise")
    damage(path, "zero", 0.2, 0.8)
    with pytest.raises(MediaError, match=r"^recordings/bad\.ogg: damaged: reading stopped at \d+\.\d s"):
        decode_audio(path, tmp_path)


def test_m4a_cut_before_its_index(rec, tmp_path):
    """FFmpeg writes the moov index at the end: a truncated m4a does not open at all."""
    path = write_media(rec / "cut.m4a", 5.0, kind="noise")
    damage(path, "truncate", 0.4)
    with pytest.raises(MediaError, match=r"^recordings/cut\.m4a: not a media file .*cut before its index"):
        decode_audio(path, tmp_path)


# ---------------------------------------------------------------------------- no duration


def test_webm_without_duration_decodes_fully(rec):
    """A live recorder (a browser's MediaRecorder) cannot seek back to write the duration."""
    path = write_media(rec / "live.webm", 3.0, unseekable=True)
    info = probe(path)
    assert info.declared_duration is None
    assert abs(decode_audio(path).shape[0] / 16000 - 3.0) <= 0.1


def test_vbr_mp3_without_xing_header_is_not_called_short(rec):
    """Without a Xing header FFmpeg guesses the duration from the first frame's bit rate:
    here 2-3x too long. That guess must not be taken for a damaged file."""
    path = write_media(rec / "vbr.mp3", 6.0, kind="quiet-then-noise", options={"write_xing": "0"},
                       codec_options={"qscale": 4})
    info = probe(path)
    assert info.duration > 9.0  # FFmpeg's guess, from the quiet (low bit rate) start
    assert info.declared_duration is None
    assert abs(decode_audio(path).shape[0] / 16000 - 6.0) <= 0.1


def test_ogg_duration_is_not_trusted(rec):
    info = probe(write_media(rec / "a.ogg", 1.0))
    assert info.declared_duration is None and info.duration is not None


def test_streamed_wav_with_unknown_size(rec):
    """Recorders that stream WAV leave 0xFFFFFFFF as the data size: no duration to check."""
    path = write_media(rec / "stream.wav", 1.0)
    data = bytearray(path.read_bytes())
    i = data.index(b"data")
    data[i + 4 : i + 8] = b"\xff\xff\xff\xff"
    path.write_bytes(bytes(data))
    assert probe(path).declared_duration is None
    assert abs(decode_audio(path).shape[0] / 16000 - 1.0) <= 0.05


def test_container_without_any_samples_is_empty(tmp_path):
    import pytest

    from kbgen.errors import MediaError
    from kbgen.ingest.media import decode_audio
    from tests.conftest import write_wav

    path = write_wav(tmp_path / "recordings" / "nothing.wav", seconds=0)
    with pytest.raises(MediaError, match=r"recordings/nothing.wav: empty"):
        decode_audio(path, tmp_path)


def test_channels_kept_apart_for_one_speaker_per_track(rec):
    path = write_media(rec / "two.flac", 1.0, channels=2)
    both = decode_audio(path, channels=True)
    assert both.shape[0] == 2 and abs(both.shape[1] - 16000) <= 16
    assert decode_audio(path).ndim == 1
