"""Pick the engine ``transcribe.engine`` names, and its cache identity, without loading it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..config import TranscribeConfig
from .engine import FASTER_WHISPER, Engine, EngineKey, FasterWhisperEngine
from .openai_engine import OPENAI_WHISPER, OpenAIWhisperEngine
from .routing import RoutedEngine, Router

#: key(language, where) -> (EngineKey, the language the key is for); see :meth:`Router.key`.
KeyFor = Callable[[str | None, str], tuple[EngineKey, str | None]]


def make_engine(
    config: TranscribeConfig, root: Path | None, cache_dir: Path | None
) -> tuple[Callable[[], Engine], KeyFor]:
    """A zero-argument factory for the configured engine (routed by language, see
    :mod:`.routing`), and the function that gives a session's cache identity by its language.

    Nothing heavy happens here: no model loads, no torch import, no conversion. A key reads the
    model's identity (a few MB of its files), so the transcript cache can answer every recording
    before the factory is ever called.
    """
    if config.engine not in (OPENAI_WHISPER, FASTER_WHISPER):
        raise ValueError(f"unknown transcribe.engine {config.engine!r}")  # the config model forbids it
    router = Router(config, root)

    def factory() -> Engine:
        if config.engine == OPENAI_WHISPER:
            return RoutedEngine(config, root, OpenAIWhisperEngine, cache_dir=cache_dir)
        return RoutedEngine(config, root, FasterWhisperEngine)

    return factory, router.key


__all__ = ["KeyFor", "make_engine"]
