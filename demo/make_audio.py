"""Synthesise the demo recordings from the dialogue scripts in ``demo/scripts/``.

Each ``demo/scripts/<slug>.txt`` holds one utterance per line, ``MENTOR: text`` or
``MENTEE: text``; lines starting with ``#`` are comments and blank lines are ignored. A comment
``# language: es`` says which language the script is in (English when there is none): it picks
the pair of voices (``VOICES``), so the words are pronounced as that language's speakers would.
Every line is spoken by espeak-ng with one of two clearly different voices, turns are
separated by a short pause, the result is resampled to 16 kHz mono and encoded with PyAV
into ``recordings/<slug>.<ext>`` (a mix of containers, one of them a small video).

Rerun it (from the repository root) after editing a script::

    apt-get install espeak-ng          # once
    .venv/bin/python demo/make_audio.py            # all scripts
    .venv/bin/python demo/make_audio.py on-call-onboarding   # just one

The output is deterministic for a given espeak-ng and PyAV version: no randomness is used
and the muxers run with ``fflags=+bitexact`` so no encoder or creation-time tags vary.
The sidecars (``recordings/<slug>.yml``) are hand-written and not touched here.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import wave
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "demo" / "scripts"
OUT = ROOT / "recordings"

SAMPLE_RATE = 16_000
PAUSE_S = 0.55  # silence between turns
EDGE_S = 0.4  # silence at the start and the end
MAX_BYTES = 600 * 1024

SPEAKERS = ("MENTOR", "MENTEE")
#: Per language, two clearly different voices: (espeak-ng voice, words per minute, pitch 0-99).
#: English: an American male mentor, a British female mentee. The others: a male mentor, and a
#: female mentee a little slower (espeak-ng's female variants are harder to understand: with
#: ``+f3`` at 145 words a minute Whisper base misheard 52% of the French words, 33% of the German).
#: In Spanish the mentor has the Latin American accent and the mentee the Castilian one. German
#: has a young male mentee instead, ``+m1`` pitched up, and both at 125 words a minute: Whisper
#: base misheard 14% of the words of vorstellungsgespraech-vorbereiten with ``de`` at 135 and
#: ``de+f5`` at 125, 4% with these.
VOICES = {
    "en": {"MENTOR": ("en-us", 145, 45), "MENTEE": ("en-gb+f3", 145, 55)},
    "es": {"MENTOR": ("es-419", 145, 45), "MENTEE": ("es+f3", 140, 60)},
    "fr": {"MENTOR": ("fr+m2", 140, 45), "MENTEE": ("fr+f5", 125, 55)},
    "de": {"MENTOR": ("de", 125, 45), "MENTEE": ("de+m1", 125, 65)},
}
LANGUAGE_RE = re.compile(r"#\s*language:\s*([A-Za-z-]+)\s*$")


@dataclass(frozen=True)
class Target:
    """How one script is encoded: container extension, audio codec, optional video codec."""

    ext: str
    audio_codec: str
    bitrate: int
    video_codec: str | None = None
    stereo: bool = False  # one speaker per channel: the mentor left, the mentee right


TARGETS = {
    "negotiating-first-job-offer": Target("m4a", "aac", 48_000, stereo=True),
    "feedback-as-new-manager": Target("ogg", "libopus", 24_000),
    "starting-in-data-science": Target("mp3", "libmp3lame", 32_000),
    "on-call-onboarding": Target("webm", "libopus", 24_000),
    "career-change-and-burnout": Target("mp4", "aac", 32_000, video_codec="libx264"),
    "negotiating-a-raise": Target("ogg", "libopus", 24_000),  # one track: the mentor known by voice
    "negociar-tu-primer-aumento": Target("ogg", "libopus", 24_000),  # Spanish, stated in the sidecar
    "vorstellungsgespraech-vorbereiten": Target("ogg", "libopus", 24_000),  # German, left for Whisper to detect
}


def parse_script(path: Path) -> list[tuple[str, str]]:
    """Return the (speaker, text) turns of a script file."""
    turns = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        speaker, sep, text = line.partition(":")
        if not sep or speaker not in SPEAKERS or not text.strip():
            msg = f"{path.name}:{number}: expected 'MENTOR: text' or 'MENTEE: text'"
            raise ValueError(msg)
        turns.append((speaker, text.strip()))
    return turns


def script_language(path: Path) -> str:
    """The language a script declares with a ``# language: xx`` comment line; "en" when none."""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = LANGUAGE_RE.match(raw.strip())
        if match:
            language = match.group(1).lower()
            if language not in VOICES:
                msg = f"{path.name}:{number}: no voices for language {language!r} (known: {', '.join(VOICES)})"
                raise ValueError(msg)
            return language
    return "en"


def speak(text: str, speaker: str, language: str = "en") -> np.ndarray:
    """Synthesise one utterance with espeak-ng; return float32 mono at SAMPLE_RATE."""
    voice, wpm, pitch = VOICES[language][speaker]
    wav_bytes = subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(wpm), "-p", str(pitch), "--stdout", text],
        check=True,
        capture_output=True,
    ).stdout
    with wave.open(io.BytesIO(wav_bytes)) as wav:
        rate = wav.getframerate()
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    return resample(pcm.astype(np.float32) / 32768.0, rate)


def resample(samples: np.ndarray, rate: int) -> np.ndarray:
    """Resample mono float32 samples to SAMPLE_RATE with FFmpeg's resampler."""
    if rate == SAMPLE_RATE:
        return samples
    frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="flt", layout="mono")
    frame.sample_rate = rate
    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    chunks = [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
    chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    return np.concatenate(chunks).astype(np.float32)


def render_dialogue(turns: list[tuple[str, str]], stereo: bool = False, language: str = "en") -> np.ndarray:
    """Speak every turn (with ``language``'s voices) and join them with pauses; float32 at SAMPLE_RATE.

    Mono by default; with ``stereo``, shape (2, n): the mentor on the left channel and the
    mentee on the right, as a call recorder that keeps one track per person would.
    """
    edge = np.zeros(int(EDGE_S * SAMPLE_RATE), dtype=np.float32)
    pause = np.zeros(int(PAUSE_S * SAMPLE_RATE), dtype=np.float32)
    parts = [(None, edge)]
    for index, (speaker, text) in enumerate(turns):
        if index:
            parts.append((None, pause))
        parts.append((speaker, speak(text, speaker, language)))
    parts.append((None, edge))
    audio = np.concatenate([p for _, p in parts])
    if stereo:
        tracks = np.zeros((2, audio.shape[0]), dtype=np.float32)
        at = 0
        for speaker, part in parts:
            if speaker is not None:
                tracks[0 if speaker == "MENTOR" else 1, at : at + part.shape[0]] = part
            at += part.shape[0]
        audio = tracks
    peak = float(np.max(np.abs(audio))) or 1.0
    return (audio * (0.8 / peak)).astype(np.float32)


def video_frame(width: int, height: int) -> av.VideoFrame:
    """A static title card: a teal background with a lighter band across the middle."""
    image = np.empty((height, width, 3), dtype=np.uint8)
    image[:] = (24, 96, 112)
    image[height // 3 : 2 * height // 3] = (220, 236, 240)
    return av.VideoFrame.from_ndarray(image, format="rgb24")


def encode(audio: np.ndarray, path: Path, target: Target) -> None:
    """Encode mono float32 audio (and, for video targets, a 1 fps still) into path."""
    options = {"fflags": "+bitexact"}
    with av.open(str(path), mode="w", options=options) as container:
        astream = container.add_stream(target.audio_codec, rate=SAMPLE_RATE)
        astream.bit_rate = target.bitrate
        astream.layout = "stereo" if target.stereo else "mono"
        vstream = None
        if target.video_codec:
            vstream = container.add_stream(target.video_codec, rate=1)
            vstream.width, vstream.height, vstream.pix_fmt = 160, 90, "yuv420p"
            vstream.bit_rate = 8_000
            if target.video_codec == "libx264":
                vstream.options = {"preset": "veryslow", "crf": "35", "threads": "1"}

        if vstream is not None:
            still = video_frame(160, 90).reformat(format="yuv420p")
            # Whole seconds only, so the video never outlasts the audio and the
            # container's duration stays the audio's (kbgen compares the two).
            seconds = audio.shape[-1] // SAMPLE_RATE
            for second in range(seconds):
                still.pts = second
                still.time_base = Fraction(1, 1)
                container.mux(vstream.encode(still))
            container.mux(vstream.encode(None))

        block = 4096
        pcm = np.clip(audio * 32767.0, -32768, 32767).astype(np.int16).reshape(-1, audio.shape[-1])
        for start in range(0, pcm.shape[-1], block):
            chunk = np.ascontiguousarray(pcm[:, start : start + block])
            frame = av.AudioFrame.from_ndarray(chunk, format="s16p" if target.stereo else "s16",
                                               layout="stereo" if target.stereo else "mono")
            frame.sample_rate = SAMPLE_RATE
            frame.pts = start
            frame.time_base = Fraction(1, SAMPLE_RATE)
            container.mux(astream.encode(frame))
        container.mux(astream.encode(None))


def build(slug: str) -> Path:
    """Synthesise and encode one script; return the recording's path."""
    target = TARGETS[slug]
    script = SCRIPTS / f"{slug}.txt"
    audio = render_dialogue(parse_script(script), stereo=target.stereo, language=script_language(script))
    OUT.mkdir(exist_ok=True)
    path = OUT / f"{slug}.{target.ext}"
    encode(audio, path, target)
    size = path.stat().st_size
    if size > MAX_BYTES:
        msg = f"{path.relative_to(ROOT)} is {size} bytes, over the {MAX_BYTES} limit"
        raise SystemExit(msg)
    seconds = audio.shape[-1] / SAMPLE_RATE
    print(f"{path.relative_to(ROOT)}: {seconds:.1f} s, {size / 1024:.0f} KiB")  # noqa: T201
    return path


def main(argv: list[str]) -> int:
    """Build the named scripts, or all of them."""
    if shutil.which("espeak-ng") is None:
        print("espeak-ng not found: apt-get install espeak-ng", file=sys.stderr)  # noqa: T201
        return 1
    slugs = argv or sorted(TARGETS)
    unknown = sorted(set(slugs) - set(TARGETS))
    if unknown:
        print(f"unknown script(s): {', '.join(unknown)}", file=sys.stderr)  # noqa: T201
        return 2
    for slug in slugs:
        build(slug)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
