"""Probe and decode recordings with PyAV (its wheel carries FFmpeg: no system ffmpeg needed).

FFmpeg stops quietly at damage: a 60 s mp3 with damaged bytes decodes as 20 s with no error.
So :func:`decode_audio` decodes packet by packet, and compares what it decoded with the
duration the file *declares* in its header; a recording that decodes short is refused with a
:class:`~kbgen.errors.MediaError` that names the file, instead of being transcribed in part.

Only durations written in a header are trusted for that check (mp4/m4a ``moov``, Matroska and
WebM ``Duration``, FLAC ``STREAMINFO``, WAV ``data`` size, mp3 Xing/Info/VBRI). FFmpeg fills
in the duration of other files from their size (mp3 without a Xing header, ADTS AAC) or from
their last page (Ogg), so those already match a truncated file and can be far off a good one
(a VBR mp3 without a Xing header "lasts" 24 s for 10 s of audio): the check is skipped for them.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import MediaError, rel

#: Decoded audio shorter than this share of the declared duration is refused as cut short.
MIN_DECODED_FRACTION = 0.9
#: More than this share of packets failing to decode is refused as damaged, even when the
#: file declares no duration to compare with.
MAX_BAD_PACKET_FRACTION = 0.05

_REDO = "copy or export the recording again from its source"


@dataclass(frozen=True)
class MediaInfo:
    """What a recording's container says about it (nothing is decoded)."""

    duration: float | None  # seconds, from container or stream metadata; None when unknown
    has_audio: bool
    has_video: bool
    channels: int  # of the first audio stream; 0 without audio
    sample_rate: int  # of the first audio stream; 0 without audio
    format_name: str  # FFmpeg's demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
    audio_codec: str = ""  # e.g. "aac", "" without audio
    #: The duration a header declares, trusted to detect a file that decodes short; None when
    #: the file has none (FFmpeg estimated it, or it is missing).
    declared_duration: float | None = None


def _open(path: Path, root: Path | None):
    """av.open with every way it fails turned into a MediaError that names the file."""
    import av

    shown = rel(path, root)
    try:
        size = Path(path).stat().st_size
    except FileNotFoundError:
        raise MediaError(f"{shown}: no such file; check the path or restore the recording") from None
    except OSError as exc:
        raise MediaError(f"{shown}: cannot read: {exc.strerror}") from None
    if size == 0:
        raise MediaError(f"{shown}: the file is empty (0 bytes); {_REDO}, or remove it")
    try:
        return av.open(str(path), mode="r", metadata_errors="ignore")
    except av.error.FFmpegError as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise MediaError(
            f"{shown}: not a media file FFmpeg can read ({reason}); it may be damaged, "
            f"incomplete (an mp4/m4a cut before its index) or not a recording at all; {_REDO}"
        ) from None
    except OSError as exc:
        raise MediaError(f"{shown}: cannot read: {exc.strerror}") from None


def _seconds(value, time_base) -> float | None:
    if value is None or time_base is None:
        return None
    return float(value * time_base)


def _mkv_tag_seconds(stream) -> float | None:
    """Matroska writers (FFmpeg, browsers) put a per-stream DURATION tag like 00:01:00.008000000."""
    tag = (stream.metadata or {}).get("DURATION") or (stream.metadata or {}).get("duration")
    if not tag:
        return None
    try:
        h, m, s = tag.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)
    except ValueError:
        return None


def _wav_declared_seconds(path: Path) -> float | None:
    """Seconds the WAV header's ``data`` chunk declares (FFmpeg clamps it to the file size)."""
    try:
        with open(path, "rb") as f:
            head = f.read(12)
            if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
                return None
            byte_rate = None
            for _ in range(64):  # chunks before "data": fmt, LIST, fact...
                hdr = f.read(8)
                if len(hdr) < 8:
                    return None
                cid, size = hdr[:4], struct.unpack("<I", hdr[4:])[0]
                if cid == b"fmt ":
                    fmt = f.read(size + (size & 1))
                    if len(fmt) < 16:
                        return None
                    byte_rate = struct.unpack("<I", fmt[8:12])[0]
                elif cid == b"data":
                    # 0 and 0xFFFFFFFF: written by a streaming recorder that never came back
                    # to fill in the size; nothing is declared.
                    if not byte_rate or size in (0, 0xFFFFFFFF):
                        return None
                    return size / byte_rate
                else:
                    f.seek(size + (size & 1), 1)
    except OSError:
        return None
    return None


def _mp3_has_length_header(path: Path) -> bool:
    """Whether the first mp3 frame is a Xing/Info/VBRI header (which holds the frame count)."""
    try:
        with open(path, "rb") as f:
            data = f.read(64 * 1024)
    except OSError:
        return False
    start = 0
    if data[:3] == b"ID3" and len(data) >= 10:
        b = data[6:10]
        start = 10 + ((b[0] & 0x7F) << 21 | (b[1] & 0x7F) << 14 | (b[2] & 0x7F) << 7 | (b[3] & 0x7F))
        if start >= len(data):
            try:
                with open(path, "rb") as f:
                    f.seek(start)
                    data = f.read(4096)
                    start = 0
            except OSError:
                return False
    # The first frame sync after the tag; the length header sits in that frame's first bytes.
    i = start
    while i < len(data) - 1 and not (data[i] == 0xFF and data[i + 1] & 0xE0 == 0xE0):
        i += 1
    window = data[i : i + 200]
    return any(tag in window for tag in (b"Xing", b"Info", b"VBRI"))


def _declared_duration(container, stream, path: Path) -> float | None:
    """The duration the file's header declares for ``stream``, or None (see module docstring)."""
    fmt = container.format.name
    if fmt == "wav":
        return _wav_declared_seconds(path)
    if fmt == "mp3" and not _mp3_has_length_header(path):
        return None
    if fmt in ("ogg", "aac", "adts") or fmt.startswith("ogg"):
        return None
    if fmt not in ("mp3", "flac") and not fmt.startswith(("mov", "matroska")):
        return None  # formats whose duration we have not checked FFmpeg's source for
    dur = _seconds(stream.duration, stream.time_base)
    if dur is None:
        dur = _mkv_tag_seconds(stream)
    if dur is None and container.duration is not None:
        # The container's duration covers every stream: only trust it for the audio when
        # the audio is the only stream (a video's picture may run longer than its sound).
        if len(container.streams) == 1:
            dur = container.duration / 1_000_000
    if dur is not None and dur <= 0:
        return None
    return dur


def probe(path: Path, root: Path | None = None) -> MediaInfo:
    """Read a recording's container metadata. Raises MediaError if it is not readable media."""
    path = Path(path)
    with _open(path, root) as container:
        audio = container.streams.audio[0] if container.streams.audio else None
        duration = None
        declared = None
        if audio is not None:
            duration = _seconds(audio.duration, audio.time_base) or _mkv_tag_seconds(audio)
            declared = _declared_duration(container, audio, path)
        if duration is None and container.duration is not None:
            duration = container.duration / 1_000_000
        return MediaInfo(
            duration=duration,
            has_audio=audio is not None,
            has_video=bool(container.streams.video),
            channels=audio.codec_context.channels if audio is not None else 0,
            sample_rate=audio.codec_context.sample_rate if audio is not None else 0,
            format_name=container.format.name,
            audio_codec=audio.codec_context.name if audio is not None else "",
            declared_duration=declared,
        )


def decode_audio(path: Path, root: Path | None = None, sample_rate: int = 16000,
                 channels: bool = False) -> np.ndarray:
    """Decode the first audio stream to mono float32 at ``sample_rate`` (in [-1, 1]).

    With ``channels``, keep the channels apart: an array of shape (channels, samples), for
    recordings with one track per speaker.

    Raises MediaError, naming the file, when it is empty, not media, has no audio stream,
    is damaged, or decodes to less than 90% of the duration its header declares.
    """
    import av

    path = Path(path)
    shown = rel(path, root)
    chunks: list[np.ndarray] = []
    n_samples = 0
    packets = bad_packets = 0
    first_bad: tuple[float, str] | None = None
    with _open(path, root) as container:
        if not container.streams.audio:
            what = "video only" if container.streams.video else "no streams"
            raise MediaError(f"{shown}: has no audio stream ({what}); export the recording with its sound")
        stream = container.streams.audio[0]
        declared = _declared_duration(container, stream, path)
        resampler = None
        setup = None

        def resample(frame):
            nonlocal resampler, setup
            # A stream may change layout or rate midway (and damage can make it seem to);
            # PyAV's resampler takes one input format, so start a new one on a change.
            key = (frame.format.name, frame.layout.name, frame.sample_rate)
            out = []
            if key != setup:
                if resampler is not None:
                    out += resampler.resample(None)
                layout = frame.layout.name if channels else "mono"
                resampler = av.AudioResampler(format="fltp" if channels else "flt", layout=layout, rate=sample_rate)
                setup = key
            return out + resampler.resample(frame)

        def keep(frames):
            nonlocal n_samples
            for f in frames:
                arr = f.to_ndarray()
                arr = arr if channels else arr.reshape(-1)
                chunks.append(arr)
                n_samples += arr.shape[-1]

        try:
            for packet in container.demux(stream):
                # The last packet demux() yields is empty: decoding it drains the decoder.
                packets += packet.size > 0
                try:
                    frames = packet.decode()
                except av.error.FFmpegError as exc:
                    # One bad packet is a glitch FFmpeg skips over; count them and judge below.
                    bad_packets += 1
                    if first_bad is None:
                        first_bad = (n_samples / sample_rate, getattr(exc, "strerror", None) or str(exc))
                    continue
                for frame in frames:
                    keep(resample(frame))
            if resampler is not None:
                keep(resampler.resample(None))
        except av.error.FFmpegError as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            at = n_samples / sample_rate
            raise MediaError(
                f"{shown}: damaged: reading stopped at {at:.1f} s ({reason}); {_REDO}"
            ) from None

    decoded = n_samples / sample_rate
    if packets and bad_packets / packets > MAX_BAD_PACKET_FRACTION:
        at, reason = first_bad or (0.0, "")
        raise MediaError(
            f"{shown}: damaged: {bad_packets} of {packets} packets failed to decode "
            f"(the first at {at:.1f} s: {reason}); {_REDO}"
        )
    if declared is not None and decoded < MIN_DECODED_FRACTION * declared:
        raise MediaError(
            f"{shown}: cut short: decoded {decoded:.1f} s of {declared:.1f} s ({decoded / declared:.0%}); "
            f"the file is damaged or was not copied completely; {_REDO}"
        )
    if not chunks:
        raise MediaError(f"{shown}: empty: its audio stream holds no sound at all (0 s decoded); {_REDO}")
    if channels:
        width = max(c.shape[0] for c in chunks)  # a layout change midway: pad to the widest
        chunks = [c if c.shape[0] == width else np.resize(c, (width, c.shape[1])) for c in chunks]
        return np.concatenate(chunks, axis=1).astype(np.float32, copy=False)
    return np.concatenate(chunks).astype(np.float32, copy=False)


__all__ = ["MediaInfo", "probe", "decode_audio", "MIN_DECODED_FRACTION"]
