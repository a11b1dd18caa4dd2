"""Which Whisper model transcribes a session, by its language (``transcribe.models``).

The routes map a language (a BCP 47 tag, matched on its base language too) or ``"*"`` (any
other) to a model: ``tiny.en`` and ``base`` are the offline ones (:mod:`.bundled`), anything else
is what ``transcribe.model`` takes (a CTranslate2 folder or a Whisper name). By default English
goes to the bundled tiny.en, fast, and with the multilingual extra installed every other language
to base. A session that states no language is detected with the multilingual model, then routed
(English detected still goes to tiny.en). Without a multilingual model such a session is
transcribed as English, as before, and a session in another language is refused: an English-only
model writes nonsense for it, and a knowledge base must not publish that.

A :class:`RoutedEngine` is one :class:`~.engine.Engine` to the executors: it builds an engine per
model on first use. :meth:`Router.key` gives each session's cache identity without loading any.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..config import TranscribeConfig
from ..errors import TranscribeError
from ..models import Transcript, base_language
from .bundled import BASE, MULTILINGUAL_HINT, TINY_EN, has_multilingual, is_english_only
from .engine import FASTER_WHISPER, EngineKey, FasterWhisperEngine, engine_key, resolve_model

ANY = "*"
#: A language's token in a model's vocabulary ("<|es|>"; Whisper's codes are 2 or 3 letters).
_LANGUAGE_TOKEN = re.compile(r"^<\|([a-z]{2,3})\|>$", re.MULTILINE)
#: Where Whisper's language codes differ from BCP 47's (Javanese, Norwegian Bokmål, Filipino).
_TO_WHISPER = {"jv": "jw", "nb": "no", "fil": "tl"}
_FROM_WHISPER = {"jw": "jv"}


#: How a language is detected (engine.FasterWhisperEngine.detect): part of a detected session's key.
DETECTION = {"segments": 3, "vad": True}


class LanguageRefused(TranscribeError):
    """A session whose language no configured model can transcribe (its file is refused, the
    others go on)."""


def whisper_code(tag: str) -> str:
    """The code Whisper knows a BCP 47 tag by: 'es-MX' -> 'es', 'jv' -> 'jw'."""
    base = base_language(tag)
    return _TO_WHISPER.get(base, base)


def from_whisper(code: str) -> str:
    """The BCP 47 tag of a language Whisper detected ('jw' -> 'jv')."""
    return _FROM_WHISPER.get(code, code)


def _whisper_knows(tag: str) -> bool:
    from faster_whisper.tokenizer import _LANGUAGE_CODES  # the 100 languages Whisper was trained on

    return whisper_code(tag) in _LANGUAGE_CODES


def _name(tag: str) -> str:
    from ..directory.places import language_name

    return language_name(tag)


def default_routes(config: TranscribeConfig) -> dict[str, str]:
    """The routes ``config`` means: ``models`` as given; else ``model`` for every language; else
    tiny.en for English, and base for the others when the multilingual extra is installed."""
    if config.models:
        return dict(config.models)
    if config.model:
        return {ANY: config.model}
    routes = {"en": TINY_EN}
    if has_multilingual():
        routes[ANY] = BASE
    return routes


class Router:
    """The routes of one configuration, and what they say about a language (nothing loads)."""

    def __init__(self, config: TranscribeConfig, root: Path | None = None) -> None:
        self.config = config
        self.root = root
        self.routes = default_routes(config)
        self._english_only: dict[str, bool] = {}
        self._languages: dict[str, frozenset[str] | None] = {}

    def config_for(self, model: str) -> TranscribeConfig:
        """The single-model configuration of one route's model."""
        return self.config.model_copy(update={"model": model, "models": None})

    def english_only(self, model: str) -> bool:
        if model not in self._english_only:
            ref = resolve_model(self.config_for(model), self.root)
            self._english_only[model] = is_english_only(ref.folder, ref.name)
        return self._english_only[model]

    def knows(self, model: str, tag: str) -> bool:
        """Whether ``model`` has ``tag``'s language token: a model folder's vocabulary says
        (base has no Cantonese, which large-v3 added); a name, Whisper's list of languages."""
        if model not in self._languages:
            ref = resolve_model(self.config_for(model), self.root)
            vocab = ref.folder / "vocabulary.txt" if ref.folder is not None else None
            self._languages[model] = (frozenset(_LANGUAGE_TOKEN.findall(vocab.read_text(encoding="utf-8")))
                                      if vocab is not None and vocab.is_file() else None)
        known = self._languages[model]
        return _whisper_knows(tag) if known is None else whisper_code(tag) in known

    @property
    def detector(self) -> str | None:
        """The model that detects a language: the multilingual ``*`` route, else another
        multilingual one; None when every model knows only English."""
        order = sorted(self.routes, key=lambda lang: (lang != ANY, lang))
        return next((self.routes[lang] for lang in order if not self.english_only(self.routes[lang])), None)

    def model_for(self, language: str | None, where: str = "") -> str | None:
        """The model for a session in ``language`` (a BCP 47 tag); None: detect it first.

        Raises :class:`LanguageRefused` (its message starting with ``where``, the sidecar) when
        no model can transcribe it: none routed, an English-only one, or a language Whisper
        was never trained on.
        """
        if not language:
            return None if self.detector is not None else self.model_for("en", where)
        base = base_language(language)
        model = self.routes.get(language) or self.routes.get(base) or self.routes.get(ANY)
        lead = f"{where}: " if where else ""
        said = f"{_name(language)} (language: {language})"
        if base == "en" and model is not None:
            return model
        if base != "en" and not _whisper_knows(language):
            raise LanguageRefused(f"{lead}the session is in {said}, which Whisper cannot transcribe; import a "
                                  f"transcript of it instead (a .vtt or .srt file beside the recording)")
        if model is not None and not self.english_only(model):
            if not self.knows(model, language):
                raise LanguageRefused(f"{lead}the session is in {said}, which {model} was not trained on; import "
                                      f"a transcript of it instead, or set transcribe.models: {{{base}: ...}} in "
                                      f"kbgen.yml to a Whisper model that knows it")
            return model
        if self.config.models:
            which = (f"transcribe.models sends it to {model}, which knows only English" if model
                     else "transcribe.models has no model for it")
        elif self.config.model:
            which = f"transcribe.model {model} knows only English"
        else:
            which = f"kbgen's bundled model ({TINY_EN}) knows only English"
        raise LanguageRefused(
            f"{lead}the session is in {said}, but {which}. To transcribe it, {MULTILINGUAL_HINT}, or set "
            f"transcribe.model (or transcribe.models: {{{base}: ...}}) in kbgen.yml to a multilingual "
            f"Whisper model such as base"
        )

    def _model_key(self, model: str) -> EngineKey:
        config = self.config_for(model)
        if config.engine == FASTER_WHISPER:
            return engine_key(config, self.root)
        from .openai_engine import openai_engine_key

        return openai_engine_key(config, self.root)

    def key(self, language: str | None, where: str = "") -> tuple[EngineKey, str | None]:
        """The cache identity of a session in ``language``, and the language the key is for
        ("en" for a session without one when nothing can detect it; None when it is detected).

        A detected session's key holds every route's model and the detector's: what its words
        depend on. Raises :class:`LanguageRefused` as :meth:`model_for`.
        """
        model = self.model_for(language or None, where)
        if model is not None:
            return self._model_key(model), language or "en"
        ids = {lang: self._model_key(m).model_id for lang, m in sorted(self.routes.items())}
        detector = self._model_key(self.detector)
        ident = hashlib.sha256(json.dumps([detector.model_id, ids, DETECTION], sort_keys=True).encode())
        ident = ident.hexdigest()[:32]
        return EngineKey(detector.engine, f"detect:{ident}", detector.options), None


class RoutedEngine:
    """One engine per routed model, built on first use; a session without a language is
    detected first (with the detector model), then transcribed by its language's model."""

    def __init__(self, config: TranscribeConfig | None = None, root: Path | None = None,
                 engine_class=FasterWhisperEngine, **extra) -> None:
        self.router = Router(config or TranscribeConfig(), root)
        self.root = root
        self._class = engine_class
        self._extra = extra
        self._engines: dict[str, object] = {}
        self.name = getattr(engine_class, "name", FASTER_WHISPER)

    @property
    def model_id(self) -> str:
        return "routes:" + json.dumps(self.router.routes, sort_keys=True)

    def engine(self, model: str):
        if model not in self._engines:
            self._engines[model] = self._class(self.router.config_for(model), self.root, **self._extra)
        return self._engines[model]

    def detect_language(self, audio: np.ndarray) -> tuple[str, float] | None:
        """(BCP 47 tag, probability) of the language spoken in ``audio``, by the detector model;
        None when no model here detects (all know only English, or the engine cannot)."""
        if self.router.detector is None:
            return None
        detector = self.engine(self.router.detector)
        if not hasattr(detector, "detect"):
            return None
        code, probability = detector.detect(audio)
        return from_whisper(code), probability

    def transcribe(self, audio: np.ndarray, language: str | None, hotwords: str | None = None,
                   probability: float | None = None) -> Transcript:
        """``probability``: how sure a detection that gave ``language`` was (the caller detected it)."""
        kw = {"hotwords": hotwords} if hotwords else {}
        if not language and self.router.detector is not None:
            detected = self.detect_language(audio)
            if detected is None:  # openai-whisper: the detector's own transcript, in what it heard
                t = self.engine(self.router.detector).transcribe(audio, None, **kw)
                return replace(t, language=from_whisper(t.language or "en"))
            language, probability = detected
        if language and probability is not None:  # detected: a language with no route of its own
            try:                                   # goes to the detector, which knows it
                model = self.router.model_for(language)
            except LanguageRefused:
                model = self.router.detector
        else:
            model = self.router.model_for(language or None)  # stated, or English when nothing detects
        t = self.engine(model).transcribe(audio, whisper_code(language or "en"), **kw)
        if t.is_blank:
            probability = None  # nothing was said: no language was heard
        return replace(t, language=language or "en", language_probability=probability)


__all__ = ["ANY", "LanguageRefused", "RoutedEngine", "Router", "default_routes", "from_whisper", "whisper_code"]
