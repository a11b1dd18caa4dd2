"""Benchmark: what hotwords do to names, words and sentences, with hotwords off as the baseline.

Run: .venv/bin/python bench/hotwords.py [--engine faster-whisper|openai-whisper] [--names-only]

Names: tests/data/names (espeak-ng, two voices) mentions every mentor of the demo roster; its
script is the reference. A name counts as recognised when it appears, accents and case aside,
as many times as the script says it.

Real speech (tests/data/real/audio, README.md there): "read" joins ten read sentences (JFK and
FLEURS clips, four of them twice) with 0.5 s pauses, shorter than segments.PAUSE, so only the
model's sentence punctuation can cut them; "talk" puts espeak-ng greetings that name the
speakers ("Good morning, Steve.") before real turns. The sentence ends are known by
construction. Reported: WER (jiwer, case and punctuation aside), boundary precision, recall
and F1 of segment ends against sentence ends (a match within TOLERANCE seconds, one to one),
segments that span two sentences, and segments vs sentences.
"""

from __future__ import annotations

import argparse
import re
import time
import unicodedata
from pathlib import Path

import numpy as np

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


TOLERANCE = 0.5  # seconds between a segment's end and a sentence's end that still match
GAP = 0.5  # seconds of silence between the joined clips
REAL = ROOT / "tests" / "data" / "real" / "audio"
#: Ten read sentences: every real clip once, then four again in another order.
READ = ("jfk", "fleurs-en-000", "fleurs-en-001", "fleurs-en-002", "fleurs-en-003", "fleurs-en-004",
        "fleurs-en-003", "jfk", "fleurs-en-004", "fleurs-en-001")
#: Greetings that name the speakers (espeak-ng) before real turns.
TALK = ("tts-katie-1", "tts-steve-1", "jfk", "tts-katie-2", "fleurs-en-003", "tts-steve-2", "fleurs-en-004",
        "tts-katie-3")
TALK_NAMES = ("Steve", "Katie")


def _legacy(phrases: list[str]) -> str | None:
    return ", ".join(phrases) or None


def _shipped(phrases: list[str]) -> str | None:
    from kbgen.transcribe.hotwords import prompt_from

    return prompt_from(phrases) or None


#: How the hint phrases reach the model: off (the baseline), the bare comma list kbgen gave
#: before (bench's "list"), and what kbgen.transcribe.hotwords gives now.
MODES = {"off": lambda phrases: None, "list": _legacy, "shipped": _shipped}


def _clip(name: str) -> tuple[np.ndarray, str]:
    """A clip trimmed to its speech (Silero VAD) plus 0.15 s, at one loudness, and its text."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    from kbgen.ingest.media import decode_audio

    audio = decode_audio(REAL / f"{name}.ogg")
    speech = get_speech_timestamps(audio, VadOptions(min_silence_duration_ms=300, speech_pad_ms=0))
    pad = int(0.15 * 16000)
    audio = audio[max(0, speech[0]["start"] - pad): speech[-1]["end"] + pad]
    text = (REAL / f"{name}.ref.txt").read_text(encoding="utf-8").strip()
    return audio * (0.5 / float(np.abs(audio).max())), text


def join_clips(names: tuple[str, ...]) -> tuple[np.ndarray, list[tuple[float, float, str]]]:
    """16 kHz audio of the clips with GAP s between them, and each sentence's (start, end, text)."""
    silence = np.zeros(int(GAP * 16000), dtype=np.float32)
    parts, sentences, at = [silence], [], GAP
    for name in names:
        audio, text = _clip(name)
        sentences.append((at, at + audio.shape[0] / 16000, text))
        parts += [audio, silence]
        at += (audio.shape[0] + silence.shape[0]) / 16000
    return np.concatenate(parts).astype(np.float32), sentences


def word_error_rate(reference: str, hypothesis: str) -> float:
    import jiwer

    return jiwer.wer(fold(reference), fold(hypothesis) or "-")


def boundary_scores(sentences, segments, tolerance: float = TOLERANCE) -> dict[str, float]:
    """Precision, recall, F1 of segment ends against sentence ends; segments spanning two sentences.

    An end matches the nearest unmatched sentence end within ``tolerance`` seconds (greedy, by
    distance). A segment spans two sentences when its words (by midpoint, each sentence owning
    up to the middle of the gap around it) fall in more than one.
    """
    refs = [end for _, end, _ in sentences]
    hyps = [s.end for s in segments]
    pairs = sorted((abs(h - r), i, j) for i, h in enumerate(hyps) for j, r in enumerate(refs)
                   if abs(h - r) <= tolerance)
    used_h, used_r = set(), set()
    for _, i, j in pairs:
        if i not in used_h and j not in used_r:
            used_h.add(i)
            used_r.add(j)
    p = len(used_h) / len(hyps) if hyps else 0.0
    r = len(used_r) / len(refs) if refs else 0.0
    cuts = [(a[1] + b[0]) / 2 for a, b in zip(sentences, sentences[1:], strict=False)]

    def owner(t: float) -> int:
        return sum(t >= c for c in cuts)

    spanning = sum(len({owner((w.start + w.end) / 2) for w in s.words}) > 1 for s in segments if s.words)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "spanning": spanning, "segments": len(segments), "sentences": len(refs)}


def _session_phrases(kind: str) -> list[str]:
    """The hint phrases the pipeline would give (hotwords.hint_phrases) for each recording."""
    import datetime as dt

    from kbgen.directory.roster import load_roster
    from kbgen.models import Mentor, Session
    from kbgen.transcribe.hotwords import hint_phrases

    roster = {m.id: m for m in load_roster(ROOT / "mentors.yaml", ROOT)}
    if kind == "names":  # every roster name, as this bench always gave them
        return [m.name for m in roster.values()]
    if kind == "read":  # a session with every roster mentor: names, then topics and expertise
        return hint_phrases(Session("read", "R", dt.date(2026, 1, 1), tuple(roster), (), "public", True), roster)
    # talk: a group session of every roster mentor and Steve Walker, with Katie as the mentee
    mentors = (*sorted(roster), "steve-walker")
    roster["steve-walker"] = Mentor("steve-walker", "Steve Walker", expertise=("chemistry", "history"))
    session = Session("talk", "T", dt.date(2026, 1, 1), mentors, ("science", "public speaking"), "public", True,
                      mentee="Katie")
    return hint_phrases(session, roster)


def measure_real(engine_name: str = "faster-whisper", modes=MODES) -> dict[str, dict[str, dict]]:
    """{recording: {mode: figures}} for "read" and "talk" (see the module docstring)."""
    from kbgen.config import TranscribeConfig
    from kbgen.transcribe.engines import make_engine

    factory, _ = make_engine(TranscribeConfig(engine=engine_name), ROOT, ROOT / ".kbgen")
    engine = factory()
    out: dict[str, dict[str, dict]] = {}
    for kind, clips in (("read", READ), ("talk", TALK)):
        audio, sentences = join_clips(clips)
        reference = " ".join(text for _, _, text in sentences)
        phrases = _session_phrases(kind)
        out[kind] = {}
        for mode, make in modes.items():
            t0 = time.perf_counter()
            transcript = engine.transcribe(audio, "en", hotwords=make(phrases))
            figures = boundary_scores(sentences, transcript.segments)
            figures["wer"] = word_error_rate(reference, transcript.text)
            figures["seconds"] = time.perf_counter() - t0
            if kind == "talk":
                figures["names"] = name_error_rate(list(TALK_NAMES), reference, transcript.text)[0]
            figures["texts"] = [s.text for s in transcript.segments]
            out[kind][mode] = figures
    return out


def measure(engine_name: str = "faster-whisper", modes=MODES) -> dict[str, tuple[float, list[str], float]]:
    """{mode: (name error rate, names missed, seconds)} on tests/data/names; "off" is the baseline."""
    from kbgen.config import TranscribeConfig
    from kbgen.ingest.media import decode_audio
    from kbgen.transcribe.engines import make_engine

    names = _session_phrases("names")
    reference = (DATA / "script.txt").read_text(encoding="utf-8")
    audio = decode_audio(DATA / "names.ogg")
    factory, _ = make_engine(TranscribeConfig(engine=engine_name), ROOT, ROOT / ".kbgen")
    engine = factory()
    out = {}
    for label, make in modes.items():
        t0 = time.perf_counter()
        transcript = engine.transcribe(audio, "en", hotwords=make(names))
        rate, misses = name_error_rate(names, reference, transcript.text)
        out[label] = (rate, misses, time.perf_counter() - t0)
    return out


def _ratio(value: float, base: float) -> str:
    return f"{value / base:5.2f}" if base else ("  =  " if value == base else "  inf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="faster-whisper", choices=["faster-whisper", "openai-whisper"])
    parser.add_argument("--names-only", action="store_true", help="only the name error rate on tests/data/names")
    parser.add_argument("--texts", action="store_true", help="also print every segment")
    args = parser.parse_args()
    names = measure(args.engine)
    print(f"names (tests/data/names, {args.engine}): name error rate, ratio to off")  # noqa: T201
    for label, (rate, misses, seconds) in names.items():
        print(f"  {label:>8}: {rate:4.0%} {_ratio(rate, names['off'][0])}  ({seconds:.1f} s); "  # noqa: T201
              f"missed: {', '.join(misses) or 'none'}")
    if args.names_only:
        return
    real = measure_real(args.engine)
    head = (f"  {'mode':>8} {'WER':>6} {'xoff':>5} {'P':>5} {'R':>5} {'F1':>5} {'xoff':>5} {'span':>4} "
            f"{'segs/sent':>9} {'names':>5}")
    for kind, rows in real.items():
        print(f"{kind} (real speech, boundary tolerance {TOLERANCE} s):")  # noqa: T201
        print(head)  # noqa: T201
        base = rows["off"]
        for mode, f in rows.items():
            name = f"{f['names']:5.0%}" if "names" in f else "    -"
            print(f"  {mode:>8} {f['wer']:6.1%} {_ratio(f['wer'], base['wer'])} {f['precision']:5.2f} "  # noqa: T201
                  f"{f['recall']:5.2f} {f['f1']:5.2f} {_ratio(f['f1'], base['f1'])} {f['spanning']:4d} "
                  f"{f['segments']:4d}/{f['sentences']:<4d} {name}  ({f['seconds']:.1f} s)")
            if args.texts:
                for text in f["texts"]:
                    print(f"           | {text}")  # noqa: T201


if __name__ == "__main__":
    main()
