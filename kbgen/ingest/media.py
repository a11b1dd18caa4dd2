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

An Ogg file (Vorbis, Opus) declares no duration, but a complete one ends with a page that
carries the end-of-stream flag; one whose last page lacks it was cut short and is refused
(:func:`_ogg_ends_complete`). Files with nothing to check against (an mp3 stripped of its
Xing frame, a FLAC stripped of its ``STREAMINFO``) are taken as whole when they decode.
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


# Ogg pages (RFC 3533 section 6): "OggS", version 0, header_type flags, granule position (8),
# serial (4), page sequence (4), CRC (4), number of segments, then that many lacing values
# (each a segment's size), then the segments. The flag 0x04 marks a logical stream's last page.
_OGG_HEADER = 27
_OGG_EOS = 0x04
#: The largest page there can be: the header, 255 lacing values, 255 segments of 255 bytes.
_OGG_MAX_PAGE = _OGG_HEADER + 255 + 255 * 255


def _ogg_crc_table() -> tuple[int, ...]:
    table = []
    for i in range(256):
        r = i << 24
        for _ in range(8):
            r = ((r << 1) ^ 0x04C11DB7) if r & 0x80000000 else r << 1
        table.append(r & 0xFFFFFFFF)
    return tuple(table)


_OGG_CRC = _ogg_crc_table()


def _ogg_page_crc(page: bytes) -> int:
    """Ogg's CRC-32 (polynomial 0x04C11DB7, no reflection, no final xor; zlib's is reflected)."""
    crc, table = 0, _OGG_CRC
    for b in page:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ table[(crc >> 24) ^ b]
    return crc


def _ogg_ends_complete(path: Path) -> bool | None:
    """Whether the last whole page in an Ogg file carries the end-of-stream flag.

    Written by hand because no library reads the flag: FFmpeg (and so PyAV) decodes an Ogg
    stream cut short as a shorter recording, without a word. A whole file's last page ends
    its logical stream (in a file of several streams, the last one to end), so it carries
    the flag; a file cut at a page boundary ends on a page without it, and one cut inside a
    page ends on a partial page, passed over here for the whole page before it (a page is at
    most ``_OGG_MAX_PAGE`` bytes, so reading twice that from the end finds it). A page counts
    only when its CRC matches: "OggS" can occur inside compressed audio. Bytes after the last
    page (a tag a tagger appended) are ignored. None when the file cannot be read.
    """
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            size = f.tell()
            f.seek(max(0, size - 2 * _OGG_MAX_PAGE))
            tail = f.read()
    except OSError:
        return None
    i = len(tail)
    while (i := tail.rfind(b"OggS", 0, i)) >= 0:
        if tail[i + 4 : i + 5] != b"\0" or i + _OGG_HEADER > len(tail):
            continue
        body = i + _OGG_HEADER + tail[i + 26]
        end = body + sum(tail[i + _OGG_HEADER : body])
        if end > len(tail):
            continue  # cut inside this page
        page = tail[i:end]
        crc = int.from_bytes(page[22:26], "little")
        if _ogg_page_crc(page[:22] + bytes(4) + page[26:]) != crc:
            continue
        return bool(page[5] & _OGG_EOS)
    return False  # not one whole page in the last 128 KiB


def _is_ogg(format_name: str) -> bool:
    return format_name.startswith("ogg")


def _declared_duration(container, stream, path: Path) -> float | None:
    """The duration the file's header declares for ``stream``, or None (see module docstring)."""
    fmt = container.format.name
    if fmt == "wav":
        return _wav_declared_seconds(path)
    if fmt == "mp3" and not _mp3_has_length_header(path):
        return None
    if fmt in ("aac", "adts") or _is_ogg(fmt):
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
    is damaged, decodes to less than 90% of the duration its header declares, or (Ogg) stops
    without its end-of-stream page.
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
        is_ogg = _is_ogg(container.format.name)
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
    if is_ogg and _ogg_ends_complete(path) is False:
        raise MediaError(
            f"{shown}: cut short: the Ogg stream stops at {decoded:.1f} s without its end-of-stream page; "
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
