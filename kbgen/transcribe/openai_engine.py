"""openai-whisper (PyTorch) behind the same :class:`~kbgen.transcribe.engine.Engine` seam.

An optional engine (``pip install 'kbgen[openai]'``): faster-whisper is kbgen's default and,
measured on the demo (``bench/transcribe.py``), several times faster for the same words. This
one exists for people who already run openai-whisper checkpoints, and as the baseline of that
benchmark.

Where the weights come from, by ``transcribe.model``:

- unset, or a CTranslate2 model folder: the folder's weights are converted once into an
  openai-whisper checkpoint under ``<cache_dir>/models/`` (:mod:`.ct2convert`), so the bundled
  tiny.en works offline and both engines run the very same weights;
- a path to a ``.pt`` file: an openai-whisper checkpoint, loaded as it is;
- a name such as ``base.en``: openai-whisper downloads it (needs the network).

Silence. openai-whisper has no VAD, and Whisper invents text on silence. With
``vad_filter`` on (the default) the audio goes through faster-whisper's Silero VAD first, as
faster-whisper's own sequential path does: only the speech regions are joined and transcribed,
and every word's time is mapped back to the recording. No speech found: no segments, and the
model is not even loaded. The audio is always handed over as a numpy array: given a path,
openai-whisper would run the ``ffmpeg`` program, which kbgen does not need anywhere else.

torch and whisper are imported inside the methods, so building the engine, its ``model_id``
and :func:`openai_engine_key` cost no torch import (the transcript cache answers first).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..config import TranscribeConfig
from ..errors import TranscribeError, rel
from ..models import Transcript, Word
from .ct2convert import CONVERTER_VERSION, alignment_heads, checkpoint_path, convert
from .engine import SAMPLE_RATE, EngineKey, _cores, _folder_identity, _looks_like_path, resolve_model
from .segments import sentences

OPENAI_WHISPER = "openai-whisper"
#: The TranscribeConfig fields that change what this engine writes (batch_size and
#: compute_type are CTranslate2's; device and threads do not change the words).
OPENAI_OUTPUT_OPTIONS = ("beam_size", "vad_filter")
INSTALL_HINT = (
    "install the optional engine with `pip install 'kbgen[openai]'` (on a machine without a GPU, "
    "install PyTorch's CPU-only build first, as pytorch.org shows, so pip does not fetch the "
    "multi-GB CUDA one), or set transcribe.engine: faster-whisper in kbgen.yml"
)
_EDGE = 1 << 20


@dataclass(frozen=True)
class OpenAIModelRef:
    """The weights openai-whisper will run: a CTranslate2 folder to convert, a .pt, or a name."""

    kind: str  # "ct2" | "checkpoint" | "name"
    path: Path | None  # the CTranslate2 folder or the .pt file (absolute)
    name: str | None
    label: str


def resolve_openai_model(config: TranscribeConfig, root: Path | None = None) -> OpenAIModelRef:
    """Which weights ``config.model`` means for openai-whisper (nothing is loaded)."""
    value = config.model
    if value:
        candidate = Path(value).expanduser()
        if not candidate.is_absolute() and root is not None:
            candidate = Path(root) / candidate
        if candidate.is_file():
            return OpenAIModelRef("checkpoint", candidate.resolve(), None, value)
        if _looks_like_path(value) and value.endswith(".pt"):
            raise TranscribeError(
                f"transcribe.model: openai-whisper checkpoint {rel(candidate, root)} not found; set it to a "
                f".pt file, a CTranslate2 model folder or a Whisper model name such as 'base.en'"
            )
    ref = resolve_model(config, root)  # the bundled tiny.en, a CTranslate2 folder, or a name
    if ref.folder is not None:
        return OpenAIModelRef("ct2", ref.folder, None, ref.label)
    return OpenAIModelRef("name", None, ref.name, str(ref.name))


def _file_identity(path: Path) -> str:
    """sha256 of a checkpoint's size and first/last MB (as engine._folder_identity does)."""
    st = path.stat()
    h = hashlib.sha256(str(st.st_size).encode())
    with open(path, "rb") as f:
        h.update(f.read(_EDGE))
        if st.st_size > 2 * _EDGE:
            f.seek(-_EDGE, os.SEEK_END)
            h.update(f.read(_EDGE))
    return "pt-sha256:" + h.hexdigest()[:32]


def _model_id(ref: OpenAIModelRef) -> str:
    if ref.kind == "ct2":
        assert ref.path is not None
        return f"{_folder_identity(ref.path)}+ct2convert-{CONVERTER_VERSION}"
    if ref.kind == "checkpoint":
        assert ref.path is not None
        return _file_identity(ref.path)
    return str(ref.name)


def openai_engine_key(config: TranscribeConfig, root: Path | None = None) -> EngineKey:
    """The cache identity of the openai-whisper engine ``config`` describes.

    Reads a few MB of the model files; imports no torch and converts nothing.
    """
    ref = resolve_openai_model(config, root)
    options = {name: getattr(config, name) for name in OPENAI_OUTPUT_OPTIONS}
    return EngineKey(OPENAI_WHISPER, _model_id(ref), options)


def _alignment_dump(heads: list[list[int]], layers: int, n_heads: int) -> bytes:
    """openai-whisper's ``set_alignment_heads`` format: base85 of gzip of a bool mask."""
    mask = np.zeros((layers, n_heads), dtype=bool)
    for layer, head in heads:
        mask[layer, head] = True
    return base64.b85encode(gzip.compress(mask.tobytes()))


class OpenAIWhisperEngine:
    """openai-whisper with faster-whisper's Silero VAD in front; the model loads on first use."""

    name = OPENAI_WHISPER

    def __init__(
        self,
        config: TranscribeConfig | None = None,
        root: Path | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        self.config = config or TranscribeConfig()
        self.root = root
        self.cache_dir = Path(cache_dir) if cache_dir is not None else Path(root or ".") / ".kbgen"
        self._ref = resolve_openai_model(self.config, root)
        self._model = None
        self.device: str | None = None
        self.load_seconds: float | None = None
        self.checkpoint: Path | None = None

    @property
    def model_id(self) -> str:
        return _model_id(self._ref)

    @property
    def key(self) -> EngineKey:
        return openai_engine_key(self.config, self.root)

    def _checkpoint(self) -> str:
        """The checkpoint file (converted once into the cache) or the model name to load."""
        ref = self._ref
        if ref.kind == "name":
            return str(ref.name)
        assert ref.path is not None
        if ref.kind == "checkpoint":
            return str(ref.path)
        dest = checkpoint_path(self.cache_dir, ref.label, _folder_identity(ref.path))
        if not dest.is_file():
            convert(ref.path, dest, self.root)
        return str(dest)

    def _load(self):
        if self._model is not None:
            return self._model
        try:
            import torch
            import whisper
        except ImportError as exc:
            raise TranscribeError(
                f"transcribe.engine is openai-whisper but {exc.name or 'it'} is not installed; {INSTALL_HINT}"
            ) from None
        device = self.config.device
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        if device == "cpu":
            torch.set_num_threads(self.config.cpu_threads or _cores())
        t0 = time.perf_counter()
        where = self._checkpoint()
        try:
            model = whisper.load_model(where, device=device)
        except Exception as exc:  # noqa: BLE001 - torch, download and OS errors alike
            shown = rel(Path(where), self.root) if self._ref.kind != "name" else repr(where)
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise TranscribeError(
                f"cannot load the openai-whisper model {shown} on {device} ({reason}); check "
                f"transcribe.model in kbgen.yml, or remove it to use the bundled tiny.en"
            ) from None
        heads = self._alignment_heads(where)
        if heads:  # load_model sets them only for the model names it knows
            dims = model.dims
            model.set_alignment_heads(_alignment_dump(heads, dims.n_text_layer, dims.n_text_head))
        self.load_seconds = time.perf_counter() - t0
        self.device = device
        self.checkpoint = Path(where) if self._ref.kind != "name" else None
        self._model = model
        return model

    def _alignment_heads(self, where: str) -> list[list[int]] | None:
        """The cross-attention heads that time words, for weights load_model does not know."""
        if self._ref.kind == "ct2":
            assert self._ref.path is not None
            return alignment_heads(self._ref.path)
        if self._ref.kind == "checkpoint":  # one kbgen converted earlier carries them
            import torch

            try:
                ckpt = torch.load(where, map_location="cpu", weights_only=True, mmap=True)
            except Exception:  # noqa: BLE001 - an older file format: keep openai-whisper's default
                return None
            return ckpt.get("alignment_heads") if isinstance(ckpt, dict) else None
        return None

    def _speech(self, audio: np.ndarray):
        """(speech-only audio, a map back to recording time), or (None, None) without speech."""
        from faster_whisper.vad import SpeechTimestampsMap, VadOptions, collect_chunks, get_speech_timestamps

        chunks = get_speech_timestamps(audio, VadOptions())
        if not chunks:
            return None, None
        pieces, _ = collect_chunks(audio, chunks)
        return np.concatenate(pieces).astype(np.float32), SpeechTimestampsMap(chunks, SAMPLE_RATE)

    def transcribe(self, audio: np.ndarray, language: str | None, hotwords: str | None = None) -> Transcript:
        """Transcribe ``audio`` (16 kHz mono float32). Silence gives a transcript with no segments.

        ``hotwords`` (names and terms, see hotwords.py) go before every window's prompt, as
        faster-whisper's ``hotwords`` do: openai-whisper's ``initial_prompt`` carried along.
        """
        audio = np.asarray(audio, dtype=np.float32).reshape(-1)
        duration = audio.shape[0] / SAMPLE_RATE
        empty = Transcript((), language or "", duration, self.name, self._ref.label)
        if audio.shape[0] == 0:
            return empty
        cfg = self.config
        ts_map = None
        if cfg.vad_filter:
            audio, ts_map = self._speech(audio)
            if audio is None:
                return empty
        model = self._load()
        if not model.is_multilingual:
            language = "en"  # an English-only model (tiny.en) transcribes English whatever is asked
        # carry_initial_prompt is openai-whisper 20250625's; pass it only when there are hotwords
        prompt = {"initial_prompt": hotwords, "carry_initial_prompt": True} if hotwords else {}
        result = model.transcribe(
            audio,  # an array, never a path: a path makes openai-whisper run the ffmpeg program
            language=language or None,
            beam_size=cfg.beam_size,
            fp16=self.device == "cuda",
            # As in FasterWhisperEngine: windows decoded on their own, so a misheard phrase
            # cannot seed a loop; words with times, regrouped into sentences by segments.py.
            condition_on_previous_text=False,
            word_timestamps=True,
            verbose=None,  # no printing, no progress bar
            **prompt,
        )
        words = []
        for seg in result.get("segments", ()):
            for w in seg.get("words", ()):
                text, start, end = w["word"], float(w["start"]), float(w["end"])
                if not text.strip():
                    continue
                if ts_map is not None:  # speech-only time -> recording time, as faster-whisper does
                    chunk = ts_map.get_chunk_index((start + end) / 2)
                    start, end = ts_map.get_original_time(start, chunk), ts_map.get_original_time(end, chunk)
                words.append(Word(text, round(start, 3), round(end, 3)))
        words.sort(key=lambda w: (w.start, w.end))
        lang = result.get("language") or language or ""
        return Transcript(tuple(sentences(words)), lang, duration, self.name, self._ref.label)


__all__ = [
    "INSTALL_HINT",
    "OPENAI_OUTPUT_OPTIONS",
    "OPENAI_WHISPER",
    "OpenAIModelRef",
    "OpenAIWhisperEngine",
    "openai_engine_key",
    "resolve_openai_model",
]
