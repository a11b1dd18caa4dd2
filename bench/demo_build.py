"""Benchmark: the demo knowledge base built cold (empty cache) and warm (nothing changed).

Run: .venv/bin/python bench/demo_build.py [--audience public|internal]

The warm rebuild, measured in the same run, is the baseline: the ratio shows what
transcription costs, and the times-real-time figure shows the transcription speed on this
machine. The target (issue 2) is a cold demo build under 5 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def copy_demo(dest: Path) -> Path:
    """The demo project copied into ``dest`` without what kbgen writes (tests/conftest.py's too):
    recordings, hand-written pages, shared documents, the scripts, and the three settings files."""
    from kbgen.site.render import OWNED

    for name in ("recordings", "site_src", "resources", "demo"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns(*OWNED))
    for name in ("mentors.yaml", "mkdocs.yml", "kbgen.yml"):
        shutil.copy(ROOT / name, dest / name)
    return dest


def main() -> None:
    from kbgen.config import load_project
    from kbgen.pipeline import build

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audience", default="internal", choices=["public", "internal"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = load_project(copy_demo(Path(tmp)))
        t0 = time.perf_counter()
        cold = build(project, audience=args.audience)
        cold_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        warm = build(project, audience=args.audience)
        warm_s = time.perf_counter() - t0
        from kbgen.ingest.media import probe

        # Audio the cold build transcribed: published recordings without a transcript beside them
        # (read from the containers: no second transcription, no model).
        audio = sum(probe(s.media).duration or 0.0 for s in _sessions(project)
                    if s.id in cold.published and s.media is not None and s.transcript is None)
    rows = [
        ("sessions published", f"{len(cold.published)}"),
        ("audio transcribed", f"{audio:.1f} s"),
        ("cold build (empty cache)", f"{cold_s:.1f} s"),
        ("  of which transcription", f"{cold.timings['transcribe']:.1f} s "
                                     f"({audio / cold.timings['transcribe']:.1f}x real time)"),
        ("  of which MkDocs", f"{cold.timings['mkdocs']:.2f} s"),
        ("warm rebuild (baseline)", f"{warm_s:.2f} s"),
        ("cold / warm", f"{cold_s / warm_s:.1f}x"),
        ("target: cold build < 300 s", "met" if cold_s < 300 else "MISSED"),
    ]
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")  # noqa: T201 (a benchmark reports on stdout)
    assert warm.published == cold.published


def _sessions(project):
    from kbgen.pipeline import load_inputs

    return load_inputs(project)[1]


if __name__ == "__main__":
    main()
