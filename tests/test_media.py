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


# ---------------------------------------------------------------------------- Ogg cut short


def _ogg(rec, monkeypatch, name: str, seconds: float):
    """A noise recording in Ogg: "v.ogg" Vorbis (FFmpeg's own encoder: stereo only, and
    experimental), "o.ogg" and "o.opus" Opus."""
    if name.startswith("v"):
        monkeypatch.setitem(FORMATS, "ogg", ("ogg", "vorbis", None))
        return write_media(rec / name, seconds, kind="noise", channels=2,
                           codec_options={"options": {"strict": "experimental"}})
    return write_media(rec / name, seconds, kind="noise")


OGG_NAMES = ["v.ogg", "o.ogg", "o.opus"]
OGG_CUT = re.compile(r"cut short: the Ogg stream stops at (\d+\.\d) s without its end-of-stream page")


def _assert_ogg_cut_short(path, root) -> float:
    with pytest.raises(MediaError) as err:
        decode_audio(path, root)
    m = OGG_CUT.search(err.value.message)
    assert m, err.value.message
    assert err.value.message == (
        f"recordings/{path.name}: cut short: the Ogg stream stops at {m[1]} s without its end-of-stream page; "
        "the file is damaged or was not copied completely; copy or export the recording again from its source"
    )
    return float(m[1])


@pytest.mark.parametrize("name", OGG_NAMES)
def test_whole_ogg_is_accepted(rec, monkeypatch, name):
    path = _ogg(rec, monkeypatch, name, 20.0)
    assert probe(path).audio_codec == ("vorbis" if name.startswith("v") else "opus")
    assert abs(decode_audio(path).shape[0] / 16000 - 20.0) <= 0.1


@pytest.mark.parametrize("name", OGG_NAMES)
def test_truncated_ogg_is_cut_short(rec, tmp_path, monkeypatch, name):
    """The first 30% of an Ogg decodes, with no error from FFmpeg, as a shorter recording
    (the issue: 25 s of a 90 s file): its last page lacks the end-of-stream flag."""
    path = _ogg(rec, monkeypatch, name, 20.0)
    damage(path, "truncate", 0.3)
    assert 4.0 < _assert_ogg_cut_short(path, tmp_path) < 8.0


@pytest.mark.parametrize("name", ["v.ogg", "o.opus"])
def test_ogg_cut_at_a_page_boundary_is_cut_short(rec, tmp_path, monkeypatch, name):
    """Cut exactly before its last page: every page left is whole, none ends the stream (and
    the decoded length may look whole: FFmpeg's last Vorbis page holds a few ms)."""
    path = _ogg(rec, monkeypatch, name, 5.0)
    data = path.read_bytes()
    path.write_bytes(data[: data.rfind(b"OggS")])
    assert 3.0 < _assert_ogg_cut_short(path, tmp_path) <= 5.0
    # Cut a few bytes into the last page: the page before it is the last whole one.
    path.write_bytes(data[:-10])
    _assert_ogg_cut_short(path, tmp_path)


def test_ogg_with_bytes_after_its_last_page_is_accepted(rec, monkeypatch):
    """A tagger may append an ID3v1 tag (128 bytes) to any file: the stream is still whole."""
    path = _ogg(rec, monkeypatch, "o.ogg", 3.0)
    path.write_bytes(path.read_bytes() + b"TAG" + bytes(125))
    assert abs(decode_audio(path).shape[0] / 16000 - 3.0) <= 0.1


# ---------------------------------------------------------------------------- headers stripped


def _mp3_frame_length(header: bytes) -> int:
    """Bytes in an MPEG-1 Layer III frame, from its 4-byte header."""
    kbps = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)[header[2] >> 4]
    rate = (44100, 48000, 32000)[(header[2] >> 2) & 3]
    return 144 * kbps * 1000 // rate + ((header[2] >> 1) & 1)


def test_mp3_without_its_id3_tag_decodes_fully(rec, tmp_path):
    """Cut up to its first frame: the Xing frame is still there, and still catches a cut."""
    path = write_media(rec / "tagless.mp3", 20.0, kind="noise")
    data = path.read_bytes()
    assert data[:3] == b"ID3"
    b = data[6:10]
    start = 10 + ((b[0] & 0x7F) << 21 | (b[1] & 0x7F) << 14 | (b[2] & 0x7F) << 7 | (b[3] & 0x7F))
    assert data[start] == 0xFF and data[start + 1] & 0xE0 == 0xE0
    path.write_bytes(data[start:])
    assert abs(probe(path).declared_duration - 20.0) < 0.1
    assert abs(decode_audio(path).shape[0] / 16000 - 20.0) <= 0.1
    damage(path, "truncate", 0.4)
    _assert_cut_short(path, tmp_path, 20.0)


def test_mp3_without_id3_or_xing_frame_decodes_fully(rec):
    """Nothing left declares its length (so a cut could not be told): accepted because all
    of its audio decodes."""
    path = write_media(rec / "bare.mp3", 20.0, kind="noise")
    data = path.read_bytes()
    b = data[6:10]
    start = 10 + ((b[0] & 0x7F) << 21 | (b[1] & 0x7F) << 14 | (b[2] & 0x7F) << 7 | (b[3] & 0x7F))
    assert any(tag in data[start : start + 200] for tag in (b"Xing", b"Info"))
    start += _mp3_frame_length(data[start : start + 4])
    assert data[start] == 0xFF and data[start + 1] & 0xE0 == 0xE0
    path.write_bytes(data[start:])
    assert probe(path).declared_duration is None
    # Without the LAME tag the encoder's delay and padding are decoded too: a few ms more.
    assert abs(decode_audio(path).shape[0] / 16000 - 20.0) <= 0.1


def test_flac_without_its_metadata_decodes_fully(rec):
    """Cut up to its first frame ("fLaC" and the STREAMINFO block gone): the frames carry
    their own rate and size, so all of the audio decodes, with no length to check it by."""
    path = write_media(rec / "bare.flac", 20.0, kind="noise")
    data = path.read_bytes()
    assert data[:4] == b"fLaC"
    i, last = 4, False
    while not last:  # metadata blocks: 1 bit "last", 7 bits type, 24 bits length
        last = bool(data[i] & 0x80)
        i += 4 + int.from_bytes(data[i + 1 : i + 4], "big")
    assert data[i] == 0xFF and data[i + 1] & 0xFE == 0xF8  # a FLAC frame's sync code
    path.write_bytes(data[i:])
    info = probe(path)
    assert info.format_name == "flac" and info.declared_duration is None
    assert abs(decode_audio(path).shape[0] / 16000 - 20.0) <= 0.1
