"""Test recordings made on the fly with numpy + PyAV: tones or noise in every format we read."""

from __future__ import annotations

import fractions
import io
from pathlib import Path

import av
import numpy as np

#: suffix -> (FFmpeg muxer, audio encoder, video encoder or None)
FORMATS: dict[str, tuple[str, str, str | None]] = {
    "wav": ("wav", "pcm_s16le", None),
    "mp3": ("mp3", "libmp3lame", None),
    "m4a": ("ipod", "aac", None),
    "ogg": ("ogg", "libopus", None),
    "opus": ("opus", "libopus", None),
    "webm": ("webm", "libopus", None),
    "flac": ("flac", "flac", None),
    "mp4": ("mp4", "aac", "mpeg4"),
    "mov": ("mov", "aac", "mpeg4"),
}


def signal(seconds: float, rate: int = 48000, kind: str = "sine", channels: int = 1) -> np.ndarray:
    """(channels, n) float32: a 440 Hz tone at 0.3, white noise at 0.3 std, silence, or
    "quiet-then-noise" (a faint tone, then noise: a VBR encoder's bit rate jumps midway)."""
    n = int(round(seconds * rate))
    if kind == "quiet-then-noise":
        x = np.clip(0.3 * np.random.default_rng(0).standard_normal(n), -1, 1)
        x[: n // 2] = 0.001 * np.sin(2 * np.pi * 200 * np.arange(n // 2) / rate)
    elif kind == "sine":
        x = 0.3 * np.sin(2 * np.pi * 440 * np.arange(n) / rate)
    elif kind == "noise":
        x = np.clip(0.3 * np.random.default_rng(0).standard_normal(n), -1, 1)
    else:
        x = np.zeros(n)
    return np.tile(x.astype(np.float32), (channels, 1))


class _Unseekable(io.RawIOBase):
    """A write-only stream: muxers that cannot seek back leave the duration out of the header."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def write(self, b) -> int:
        self.data += bytes(b)
        return len(b)


def write_media(
    path: Path,
    seconds: float = 2.0,
    *,
    kind: str = "sine",
    rate: int = 48000,
    channels: int = 1,
    audio: bool = True,
    video: bool | None = None,
    unseekable: bool = False,
    options: dict[str, str] | None = None,
    codec_options: dict[str, object] | None = None,
) -> Path:
    """Write a recording in the format its suffix names (see FORMATS)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt, acodec, vcodec = FORMATS[path.suffix[1:]]
    if video is False:
        vcodec = None
    elif video and vcodec is None:
        vcodec = "mpeg4"
    sink = _Unseekable() if unseekable else str(path)
    x = signal(seconds, rate, kind, channels)
    layout = "mono" if channels == 1 else "stereo"
    with av.open(sink, "w", format=fmt, options=options or {}) as out:
        a = None
        if audio:
            a = out.add_stream(acodec, rate=rate)
            a.layout = layout
            for k, v in (codec_options or {}).items():
                setattr(a.codec_context, k, v)
        v = None
        if vcodec:
            v = out.add_stream(vcodec, rate=5)
            v.width, v.height, v.pix_fmt = 32, 32, "yuv420p"
        if a is not None:
            step = 1152
            for i in range(0, x.shape[1], step):
                block = np.ascontiguousarray(x[:, i : i + step])
                frame = av.AudioFrame.from_ndarray(
                    (block * 32767).astype(np.int16) if acodec in ("pcm_s16le", "flac") else block,
                    format="s16p" if acodec in ("pcm_s16le", "flac") else "fltp",
                    layout=layout,
                )
                frame.sample_rate = rate
                frame.pts = i
                frame.time_base = fractions.Fraction(1, rate)
                for p in a.encode(frame):
                    out.mux(p)
            for p in a.encode(None):
                out.mux(p)
        if v is not None:
            for k in range(int(seconds * 5)):
                img = np.full((32, 32, 3), (k * 10) % 255, np.uint8)
                vf = av.VideoFrame.from_ndarray(img, format="rgb24").reformat(format="yuv420p")
                vf.pts = k
                for p in v.encode(vf):
                    out.mux(p)
            for p in v.encode(None):
                out.mux(p)
    if unseekable:
        path.write_bytes(bytes(sink.data))
    return path


def damage(path: Path, how: str, start: float = 0.2, end: float = 0.8) -> Path:
    """Damage a file in place: "truncate" keeps the first ``start`` share of its bytes;
    "zero"/"random" overwrite the bytes from ``start`` to ``end`` (shares of the size)."""
    data = bytearray(Path(path).read_bytes())
    n = len(data)
    if how == "truncate":
        data = data[: int(n * start)]
    else:
        a, b = int(n * start), int(n * end)
        fill = bytes(b - a) if how == "zero" else np.random.default_rng(1).integers(0, 256, b - a, np.uint8).tobytes()
        data[a:b] = fill
    Path(path).write_bytes(bytes(data))
    return Path(path)
