"""Benchmark: the name error rate with and without hotwords, on tests/data/names.

Run: .venv/bin/python bench/hotwords.py [--engine faster-whisper|openai-whisper]

The recording (espeak-ng, two voices) mentions every mentor of the demo roster; its script
is the reference. A name counts as recognised when it appears, accents and case aside, as
many times as the script says it. The run without hotwords is the baseline.
"""

from __future__ import annotations

import argparse
import re
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "names"


def fold(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z ]", " ", ascii_text).split())


def name_error_rate(names: list[str], reference: str, hypothesis: str) -> tuple[float, list[str]]:
    """(missed mentions / all mentions, the names missed at least once)."""
    hyp = f" {fold(hypothesis)} "
    total = missed = 0
    misses = []
    for name in names:
        want = reference.count(name)
        if not want:
            continue
        got = hyp.count(f" {fold(name)} ")
        total += want
        missed += max(0, want - got)
        if got < want:
            misses.append(name)
    return (missed / total if total else 0.0), misses


def measure(engine_name: str = "faster-whisper") -> dict[str, tuple[float, list[str], float]]:
    """{"without": ..., "with": ...} -> (name error rate, names missed, seconds)."""
    from kbgen.config import TranscribeConfig
    from kbgen.directory.roster import load_roster
    from kbgen.ingest.media import decode_audio
    from kbgen.transcribe.engines import make_engine

    names = [m.name for m in load_roster(ROOT / "mentors.yaml", ROOT)]
    reference = (DATA / "script.txt").read_text(encoding="utf-8")
    audio = decode_audio(DATA / "names.ogg")
    factory, _ = make_engine(TranscribeConfig(engine=engine_name), ROOT, ROOT / ".kbgen")
    engine = factory()
    out = {}
    for label, hotwords in (("without", None), ("with", ", ".join(names))):
        t0 = time.perf_counter()
        transcript = engine.transcribe(audio, "en", hotwords=hotwords)
        rate, misses = name_error_rate(names, reference, transcript.text)
        out[label] = (rate, misses, time.perf_counter() - t0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="faster-whisper", choices=["faster-whisper", "openai-whisper"])
    args = parser.parse_args()
    result = measure(args.engine)
    for label, (rate, misses, seconds) in result.items():
        print(f"{label:>8} hotwords: name error rate {rate:.0%} ({seconds:.1f} s); missed: "  # noqa: T201
              f"{', '.join(misses) or 'none'}")
    base, hot = result["without"][0], result["with"][0]
    print(f"ratio with/without: {hot / base:.2f}" if base else "baseline made no error")  # noqa: T201


if __name__ == "__main__":
    main()
