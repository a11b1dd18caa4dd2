"""The openai-whisper engine, for real: tiny.en converted from the bundled CTranslate2 model.

The model tests skip only when openai-whisper (``import whisper``) is missing; CI installs the
``openai`` extra, so they run there. The key and error tests need no torch at all.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from kbgen.config import TranscribeConfig
from kbgen.errors import TranscribeError
from kbgen.transcribe.ct2convert import CONVERTER_VERSION, checkpoint_path, convert, read_ct2
from kbgen.transcribe.engine import engine_key, resolve_model
from kbgen.transcribe.engines import make_engine
from kbgen.transcribe.openai_engine import OpenAIWhisperEngine, openai_engine_key

ROOT = Path(__file__).resolve().parent.parent
DEMO = "negotiating-first-job-offer"

try:
    import whisper  # noqa: F401

    HAVE_WHISPER, WHY = True, ""
except ImportError as exc:  # pragma: no cover - CI installs the extra
    HAVE_WHISPER, WHY = False, f"openai-whisper is not installed ({exc}); pip install 'kbgen[openai]'"

needs_whisper = pytest.mark.skipif(not HAVE_WHISPER, reason=WHY)
OPENAI = TranscribeConfig(engine="openai-whisper")


def words_of(text: str) -> list[str]:
    """Lower-case words without punctuation ("don't" -> "dont", "thank-you" -> "thank you")."""
    text = re.sub(r"['\u2019]", "", text.lower())
    return re.sub(r"[^a-z0-9]+", " ", text).split()


def script_text(slug: str) -> str:
    lines = (ROOT / "demo" / "scripts" / f"{slug}.txt").read_text(encoding="utf-8").splitlines()
    return " ".join(re.sub(r"^(MENTOR|MENTEE):\s*", "", ln) for ln in lines if ln.strip() and not ln.startswith("#"))


def wer(reference: str, hypothesis: str) -> float:
    import jiwer

    return jiwer.wer(" ".join(words_of(reference)), " ".join(words_of(hypothesis)))


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """The cache folder, holding tiny.en converted once for the whole module."""
    cache = tmp_path_factory.mktemp("kbgen-cache")
    folder = resolve_model(TranscribeConfig()).folder
    from kbgen.transcribe.engine import _folder_identity

    convert(folder, checkpoint_path(cache, "tiny.en", _folder_identity(folder)))
    return cache


@pytest.fixture(scope="module")
def demo_run(models):
    from kbgen.ingest.media import decode_audio

    audio = decode_audio(ROOT / "recordings" / f"{DEMO}.m4a", ROOT)
    factory, key_for = make_engine(OPENAI, ROOT, models)
    engine = factory().engine("tiny.en")  # English goes to the bundled tiny.en
    return engine, key_for("en", "")[0], audio, engine.transcribe(audio, "en")


# ---------------------------------------------------------------------------- no model needed


def test_key_is_computed_without_torch():
    code = textwrap.dedent("""
        import sys
        from kbgen.config import TranscribeConfig
        from kbgen.transcribe.engines import make_engine
        factory, key_for = make_engine(TranscribeConfig(engine="openai-whisper"), None, None)
        key, _ = key_for("en", "")
        engine = factory().engine("tiny.en")  # building the engine loads nothing either
        assert engine.model_id == key.model_id
        heavy = sorted(m for m in ("torch", "whisper", "faster_whisper", "ctranslate2") if m in sys.modules)
        print(key.engine, key.model_id, heavy)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    engine, model_id, heavy = out.stdout.split(" ", 2)
    assert engine == "openai-whisper"
    assert model_id.startswith("ct2-sha256:") and model_id.endswith(f"+ct2convert-{CONVERTER_VERSION}")
    assert heavy.strip() == "[]"


def test_keys_differ_between_engines_and_options():
    fw, ow = engine_key(TranscribeConfig()), openai_engine_key(OPENAI)
    assert fw.engine == "faster-whisper" and ow.engine == "openai-whisper"
    assert ow.model_id.startswith(fw.model_id)  # same weights, plus the converter version
    assert ow.options == {"beam_size": 5, "vad_filter": True}
    assert openai_engine_key(OPENAI.model_copy(update={"beam_size": 1})) != ow
    # CTranslate2-only options do not split the openai-whisper cache
    assert openai_engine_key(OPENAI.model_copy(update={"batch_size": 4, "compute_type": "float32"})) == ow
    _, key_for = make_engine(TranscribeConfig(), None, None)
    assert key_for("en", "") == (fw, "en")


def test_missing_whisper_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "whisper", None)  # import whisper -> ImportError
    config = OPENAI.model_copy(update={"vad_filter": False})  # VAD would skip the model on noise
    engine = OpenAIWhisperEngine(config, tmp_path, tmp_path / ".kbgen")
    with pytest.raises(TranscribeError) as err:
        engine.transcribe(np.random.default_rng(0).normal(0, 0.3, 16000 * 2).astype(np.float32), "en")
    msg = err.value.message
    assert re.search(r"transcribe.engine is openai-whisper but (torch|whisper) is not installed", msg)
    assert "pip install 'kbgen[openai]'" in msg and "CPU-only build" in msg


def test_missing_checkpoint_file_is_named(tmp_path):
    with pytest.raises(TranscribeError, match=r"checkpoint models/missing\.pt not found"):
        OpenAIWhisperEngine(OPENAI.model_copy(update={"model": "models/missing.pt"}), tmp_path)


def test_reader_sees_the_whisper_spec():
    model = read_ct2(resolve_model(TranscribeConfig()).folder / "model.bin")
    assert model.spec == "WhisperSpec"
    assert model.variables["encoder/conv1/weight"].shape == (384, 80, 3)
    assert model.variables["decoder/embeddings/weight"].dtype == np.float16
    assert model.aliases == {"decoder/projection/weight": "decoder/embeddings/weight"}


# ---------------------------------------------------------------------------- the real model


@pytest.mark.model
@needs_whisper
def test_converted_checkpoint_loads_and_matches_openai_layout(models):
    import torch
    import whisper
    from whisper.model import sinusoids

    (path,) = (models / "models").glob("openai-whisper-tiny.en-from-ct2-*.pt")
    model = whisper.load_model(str(path), device="cpu")  # strict load: every name present and used
    assert (model.dims.n_vocab, model.dims.n_audio_layer, model.dims.n_text_head) == (51864, 4, 6)
    assert not model.is_multilingual
    # The encoder's positions are openai-whisper's fixed sinusoids: the mapping put them in place.
    torch.testing.assert_close(model.encoder.positional_embedding, sinusoids(1500, 384), atol=1e-3, rtol=0)
    ckpt = torch.load(path, map_location="cpu", weights_only=True)
    assert ckpt["alignment_heads"] == [[1, 0], [2, 0], [2, 5], [3, 0], [3, 1], [3, 2], [3, 3], [3, 4]]
    assert "encoder.blocks.0.attn.key.bias" not in ckpt["model_state_dict"]
    # a checkpoint path as transcribe.model is loaded as it is (no conversion)
    engine = OpenAIWhisperEngine(OPENAI.model_copy(update={"model": str(path)}), ROOT, models)
    assert engine.model_id.startswith("pt-sha256:")


@pytest.mark.model
@needs_whisper
def test_demo_recording_is_transcribed_well(demo_run):
    engine, key, audio, t = demo_run
    assert engine.model_id == key.model_id and t.engine == "openai-whisper" and t.model == "tiny.en"
    assert engine.checkpoint is not None and engine.checkpoint.parent.name == "models"
    assert t.language == "en" and abs(t.duration - len(audio) / 16000) < 1e-6
    error = wer(script_text(DEMO), t.text)
    assert error <= 0.15, f"WER {error:.1%}: {t.text}"
    starts = [s.start for s in t.segments]
    assert starts == sorted(starts) and len(t.segments) >= 10
    for seg in t.segments:
        assert seg.words, seg
        assert 0 <= seg.start <= seg.end <= t.duration + 0.5
        assert seg.text == "".join(w.text for w in seg.words).strip()
        assert all(w.start <= w.end for w in seg.words)
        assert [w.start for w in seg.words] == sorted(w.start for w in seg.words)


@pytest.mark.model
@needs_whisper
def test_silence_gives_no_segments_and_loads_nothing(models):
    factory, _ = make_engine(OPENAI, ROOT, models)
    engine = factory()
    t = engine.transcribe(np.zeros(16000 * 20, dtype=np.float32), "en")
    assert t.segments == () and t.text == "" and t.duration == 20.0
    assert engine.engine("tiny.en")._model is None  # VAD found no speech, so the model never loaded
    assert engine.transcribe(np.zeros(0, dtype=np.float32), None).segments == ()
