"""Benchmark: faster-whisper (kbgen's default) against openai-whisper, same audio, same weights.

Run: .venv/bin/python bench/transcribe.py [--files a.m4a b.mp3 ...] [--beam 5]

Both engines run the bundled tiny.en: faster-whisper reads the CTranslate2 folder (int8 on CPU,
batched, Silero VAD), openai-whisper a float32 PyTorch copy converted from the same folder
(kbgen/transcribe/ct2convert.py), with the same VAD gate in front. Each engine runs in its own
process, so its peak memory (ru_maxrss of that process) is its own. In each process the audio
is decoded first and one 10 s warm-up runs before the clock starts (openai-whisper compiles its
numba word-alignment code on first use); model load and conversion are reported apart.

openai-whisper is the baseline: the ratio says how many times faster kbgen's default is.
WER is against the demo scripts (demo/scripts/<name>.txt), lower-cased, punctuation removed.
Targets (issue 3, on 2 cores): default >= 4x faster than openai-whisper with a WER no worse,
>= 25x real time for tiny.en, peak memory under 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGINES = ("faster-whisper", "openai-whisper")
# kbgen.models.MEDIA_SUFFIXES, spelled out: the parent process stays free of kbgen imports
MEDIA_SUFFIXES = (".m4a", ".mp3", ".wav", ".ogg", ".oga", ".opus", ".flac", ".aac", ".webm",
                  ".mp4", ".mov", ".mkv", ".m4v")
BASELINE = "openai-whisper"


def words_of(text: str) -> list[str]:
    text = re.sub(r"['\u2019]", "", text.lower())
    return re.sub(r"[^a-z0-9]+", " ", text).split()


def script_text(media: Path) -> str | None:
    script = ROOT / "demo" / "scripts" / f"{media.stem}.txt"
    if not script.is_file():
        return None
    lines = script.read_text(encoding="utf-8").splitlines()
    return " ".join(re.sub(r"^(MENTOR|MENTEE):\s*", "", ln) for ln in lines if ln.strip() and not ln.startswith("#"))


def worker(engine_name: str, files: list[Path], beam: int, cache_dir: Path) -> dict:
    """Runs in the child process: decode, load, warm up, transcribe every file, measure."""
    from kbgen.config import TranscribeConfig
    from kbgen.ingest.media import decode_audio
    from kbgen.transcribe.engines import make_engine

    audios = [decode_audio(f, ROOT) for f in files]
    config = TranscribeConfig(engine=engine_name, beam_size=beam)
    factory, _key = make_engine(config, ROOT, cache_dir)
    engine = factory()
    t0 = time.perf_counter()
    engine.transcribe(audios[0][: 16000 * 10], "en")  # loads (and converts) the model; warms up
    warm_s = time.perf_counter() - t0
    texts, seconds, cpu = [], [], []
    for audio in audios:
        t0, c0 = time.perf_counter(), time.process_time()
        t = engine.transcribe(audio, "en")
        seconds.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        texts.append(t.text)
    return {
        "engine": engine_name,
        "load_s": engine.load_seconds,
        "warmup_s": warm_s,
        "audio_s": [len(a) / 16000 for a in audios],
        "seconds": seconds,
        "cpu_seconds": cpu,
        "texts": texts,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # KiB on Linux
    }


def run_engine(engine_name: str, files: list[Path], beam: int, cache_dir: Path) -> dict:
    cmd = [sys.executable, __file__, "--worker", engine_name, "--beam", str(beam), "--cache", str(cache_dir),
           "--files", *map(str, files)]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"{engine_name} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _english(media: Path) -> bool:
    """Whether the demo recording's sidecar says it is English (both engines run tiny.en here;
    bench/languages.py measures the other languages)."""
    import yaml

    sidecar = media.with_suffix(".yml")
    data = yaml.safe_load(sidecar.read_text(encoding="utf-8")) if sidecar.is_file() else None
    return str((data or {}).get("language", "")).split("-")[0].lower() == "en"


def main() -> None:
    import jiwer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", nargs="+", type=Path, help="media files (default: the English demo recordings)")
    parser.add_argument("--beam", type=int, default=5)
    parser.add_argument("--worker", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    files = [f.resolve() for f in args.files] if args.files else sorted(
        p for p in (ROOT / "recordings").iterdir() if p.suffix.lower() in MEDIA_SUFFIXES and not p.name.startswith(".")
        and _english(p))
    if args.worker:
        print(json.dumps(worker(args.worker, files, args.beam, args.cache)))  # noqa: T201
        return

    with tempfile.TemporaryDirectory() as tmp:
        results = {name: run_engine(name, files, args.beam, Path(tmp)) for name in ENGINES}

    refs = [script_text(f) for f in files]
    scored = [i for i, r in enumerate(refs) if r is not None]
    rows = []
    summary = {}
    for name, r in results.items():
        audio, spent = sum(r["audio_s"]), sum(r["seconds"])
        w = None
        if scored:
            w = jiwer.wer([" ".join(words_of(refs[i])) for i in scored],
                          [" ".join(words_of(r["texts"][i])) for i in scored])
        summary[name] = {"xrt": audio / spent, "wer": w, "rss": r["peak_rss_mb"], "spent": spent}
        rows.append((name, f"{audio:.1f} s audio in {spent:.1f} s = {audio / spent:.1f}x real time; "
                           f"WER {w:.1%}; peak {r['peak_rss_mb']:.0f} MB; load {r['load_s']:.1f} s; "
                           f"CPU {sum(r['cpu_seconds']):.1f} s"
                           if w is not None else f"{audio / spent:.1f}x real time"))
        for i, f in enumerate(files):
            fw = jiwer.wer(" ".join(words_of(refs[i])), " ".join(words_of(r["texts"][i]))) if refs[i] else None
            rows.append((f"  {f.name}", f"{r['audio_s'][i]:.1f} s in {r['seconds'][i]:.1f} s "
                                        f"({r['audio_s'][i] / r['seconds'][i]:.1f}x, CPU {r['cpu_seconds'][i]:.1f} s)"
                                        + (f", WER {fw:.1%}" if fw is not None else "")))
    fast, base = summary["faster-whisper"], summary[BASELINE]
    ratio = base["spent"] / fast["spent"]
    rows.append(("speed faster-whisper / openai-whisper", f"{ratio:.1f}x (wall clock); "
                 f"{sum(results[BASELINE]['cpu_seconds']) / sum(results['faster-whisper']['cpu_seconds']):.1f}x "
                 f"(CPU time)"))
    load = os.getloadavg()[0]
    if load > 2.5:
        rows.append(("warning", f"load average {load:.1f}: other work shares the CPU, wall times are inflated"))
    wer_ok = fast["wer"] is None or base["wer"] is None or fast["wer"] <= base["wer"]
    targets = [
        ("target: >= 4x faster than openai-whisper", ratio >= 4),
        ("target: WER no worse than openai-whisper", wer_ok),
        ("target: >= 25x real time (tiny.en)", fast["xrt"] >= 25),
        ("target: peak memory < 1 GB", fast["rss"] < 1024),
    ]
    rows += [(label, "target met" if ok else "target MISSED") for label, ok in targets]
    width = max(len(k) for k, _ in rows)
    print(f"beam {args.beam}, {len(files)} file(s), tiny.en for both engines")  # noqa: T201
    for k, v in rows:
        print(f"{k:<{width}}  {v}")  # noqa: T201


if __name__ == "__main__":
    main()
