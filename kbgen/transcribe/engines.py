"""Pick the engine ``transcribe.engine`` names, and its cache identity, without loading it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..config import TranscribeConfig
from .engine import FASTER_WHISPER, Engine, EngineKey, FasterWhisperEngine, engine_key
from .openai_engine import OPENAI_WHISPER, OpenAIWhisperEngine, openai_engine_key

#: "module:callable" of each engine, for executors that build the engine in another process
#: (called as ``factory(config, root, **extra)``; openai-whisper takes ``cache_dir`` as extra).
FACTORY_PATHS = {
    FASTER_WHISPER: "kbgen.transcribe.engine:FasterWhisperEngine",
    OPENAI_WHISPER: "kbgen.transcribe.openai_engine:OpenAIWhisperEngine",
}


def make_engine(
    config: TranscribeConfig, root: Path | None, cache_dir: Path | None
) -> tuple[Callable[[], Engine], EngineKey]:
    """A zero-argument factory for the configured engine, and that engine's :class:`EngineKey`.

    Nothing heavy happens here: no model loads, no torch import, no conversion. The key reads
    the model's identity (a few MB of its files), so the transcript cache can answer every
    recording before the factory is ever called.
    """
    if config.engine == OPENAI_WHISPER:
        key = openai_engine_key(config, root)

        def openai_factory() -> Engine:
            return OpenAIWhisperEngine(config, root, cache_dir)

        return openai_factory, key
    if config.engine == FASTER_WHISPER:
        key = engine_key(config, root)

        def faster_factory() -> Engine:
            return FasterWhisperEngine(config, root)

        return faster_factory, key
    raise ValueError(f"unknown transcribe.engine {config.engine!r}")  # the config model forbids it


__all__ = ["FACTORY_PATHS", "make_engine"]
