"""Synthesise tests/data/names/names.ogg from script.txt (needs espeak-ng).

Run from the repository root: ``.venv/bin/python tests/data/names/make.py``. The audio is
committed so the check runs without espeak-ng; rerun this after editing the script.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent.parent))

from demo.make_audio import Target, encode, parse_script, render_dialogue  # noqa: E402


def main() -> None:
    audio = render_dialogue(parse_script(HERE / "script.txt"))
    encode(audio, HERE / "names.ogg", Target("ogg", "libopus", 24_000))


if __name__ == "__main__":
    main()
