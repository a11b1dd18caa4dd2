"""Benchmark: Spanish, French and German with the multilingual base model, tiny.en as the baseline.

Run: .venv/bin/python bench/languages.py [--repeat N] [--texts]

Audio: tests/data/languages/{es,fr,de}.ogg (espeak-ng dialogues, two voices each; README.md
there), their scripts the references; English: tests/data/names/names.ogg with its script.txt,
the same espeak-ng make in English. For each language, the base model (Systran's
faster-whisper-base, kbgen.transcribe.bundled.base_folder) runs twice: with no language, to
report the language it detects and how sure it is, and with the language given, for the word
error rate and speed. The baseline, in the same run on the same machine: tiny.en on the English
audio, and base on that same audio, so "RTF base / tiny.en" compares like with like on a busy
two-core machine. tiny.en on the Spanish audio shows why a non-English session needs the
multilingual model.

WER: jiwer, case and punctuation folded, accents kept ("negociación" must be heard as that).
RTF: audio seconds / wall seconds (higher is faster), the best of --repeat runs after one
warm-up run; one model is loaded at a time. Every run uses kbgen's engine with its defaults
(int8, beam 5, batched with VAD, word timestamps).
"""

from __future__ import annotations

import argparse
import gc
import re
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGS = ROOT / "tests" / "data" / "languages"
NAMES = ROOT / "tests" / "data" / "names"
#: (label, audio, reference script, the language's code)
AUDIO = (
    ("en", NAMES / "names.ogg", NAMES / "script.txt", "en"),
    ("es", LANGS / "es.ogg", LANGS / "es.txt", "es"),
    ("fr", LANGS / "fr.ogg", LANGS / "fr.txt", "fr"),
    ("de", LANGS / "de.ogg", LANGS / "de.txt", "de"),
)


def script_text(path: Path) -> str:
    """The spoken words of a MENTOR:/MENTEE: script: comments and speaker labels left out."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return " ".join(ln.split(":", 1)[1] for ln in lines if ln.strip() and not ln.startswith("#") and ":" in ln)


def fold(text: str) -> str:
    """Lower case, punctuation and hyphens to spaces, apostrophes kept inside words, accents kept."""
    text = unicodedata.normalize("NFC", text).lower().replace("\u2019", "'")
    text = re.sub(r"[^\w']+", " ", text)
    return " ".join(w.strip("'") for w in text.split() if w.strip("'"))


def word_error_rate(reference: str, hypothesis: str) -> float:
    import jiwer

    return jiwer.wer(fold(reference), fold(hypothesis) or "-")


def _engine(folder: Path):
    from kbgen.config import TranscribeConfig
    from kbgen.transcribe.engine import FasterWhisperEngine

    return FasterWhisperEngine(TranscribeConfig(model=str(folder)))


def _timed(engine, audio, language: str | None, repeat: int):
    """(transcript, best wall seconds) of ``repeat`` runs."""
    best, transcript = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        transcript = engine.transcribe(audio, language)
        best = min(best, time.perf_counter() - t0)
    return transcript, best


def measure(repeat: int = 2) -> tuple[list[dict], dict]:
    """Rows of figures (model, audio, language given, detected, probability, WER, RTF) and facts."""
    from kbgen.ingest.media import decode_audio
    from kbgen.transcribe.bundled import base_folder, tiny_en_folder

    clips = {label: (decode_audio(path, ROOT), script_text(ref), code) for label, path, ref, code in AUDIO}
    rows: list[dict] = []
    facts: dict = {}

    def row(model, label, given, transcript, seconds, detected=None, probability=None):
        audio, reference, _ = clips[label]
        duration = audio.shape[0] / 16000
        rows.append({"model": model, "audio": label, "given": given or "-", "detected": detected,
                     "probability": probability, "wer": word_error_rate(reference, transcript.text),
                     "rtf": duration / seconds if seconds else None, "seconds": duration,
                     "text": transcript.text})

    for model, folder in (("tiny.en", tiny_en_folder()), ("base", base_folder())):
        engine = _engine(folder)
        t0 = time.perf_counter()
        engine._load()
        facts[f"{model} load s"] = time.perf_counter() - t0
        warm = clips["en"][0][: 16000 * 20]
        engine.transcribe(warm, "en")  # warm-up: first-call allocations, VAD model load
        if model == "tiny.en":
            for label in ("en", "es"):  # English-only: told English whatever it hears
                transcript, seconds = _timed(engine, clips[label][0], "en", repeat)
                row(model, label, "en", transcript, seconds)
        else:
            for label, (audio, _, code) in clips.items():
                guessed = engine.transcribe(audio, None)
                probability = getattr(guessed, "language_probability", None)
                if probability is None:  # the engine does not carry it (yet): ask the model
                    lang, probability, _ = engine._load().detect_language(audio)
                    facts[f"detect_language {label}"] = lang
                transcript, seconds = _timed(engine, audio, code, repeat)
                row(model, label, code, transcript, seconds, guessed.language, probability)
                rows[-1]["wer_detected"] = word_error_rate(clips[label][1], guessed.text)
        del engine
        gc.collect()
    return rows, facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="timed runs per row; the best is kept")
    parser.add_argument("--texts", action="store_true", help="also print every transcript")
    args = parser.parse_args()
    rows, facts = measure(args.repeat)
    print(f"{'model':<8} {'audio':<5} {'given':<5} {'detected':<9} {'p':>5} {'WER':>6} "  # noqa: T201
          f"{'WER det.':>8} {'RTF':>6} {'audio s':>7}")
    for r in rows:
        p = f"{r['probability']:5.2f}" if r["probability"] is not None else "    -"
        wer_det = f"{r['wer_detected']:8.1%}" if "wer_detected" in r else "       -"
        print(f"{r['model']:<8} {r['audio']:<5} {r['given']:<5} {r['detected'] or '-':<9} {p} "  # noqa: T201
              f"{r['wer']:6.1%} {wer_det} {r['rtf']:5.1f}x {r['seconds']:7.1f}")
    by = {(r["model"], r["audio"]): r for r in rows}
    tiny, base = by["tiny.en", "en"], by["base", "en"]
    print(f"RTF base / tiny.en on the same English audio: {base['rtf'] / tiny['rtf']:.2f} "  # noqa: T201
          f"(base is {tiny['rtf'] / base['rtf']:.1f}x slower)")
    for label in ("es", "fr", "de"):
        r = by["base", label]
        print(f"base {label}: RTF {r['rtf'] / tiny['rtf']:.2f} of tiny.en's English; "  # noqa: T201
              f"WER {r['wer']:.1%} vs base English {base['wer']:.1%}")
    print(f"tiny.en on Spanish: WER {by['tiny.en', 'es']['wer']:.1%} "  # noqa: T201
          f"(base given es: {by['base', 'es']['wer']:.1%})")
    print("load s: " + ", ".join(f"{k.split()[0]} {v:.1f}" for k, v in facts.items() if k.endswith("load s")))  # noqa: T201
    if any(k.startswith("detect_language") for k in facts):
        print("p: from the model's detect_language (first 30 s); the Transcript does not carry it")  # noqa: T201
    if args.texts:
        for r in rows:
            print(f"--- {r['model']} {r['audio']} (given {r['given']}):\n{r['text']}")  # noqa: T201


if __name__ == "__main__":
    main()
