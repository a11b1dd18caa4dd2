"""Synthesise tests/data/languages/<lang>.ogg from <lang>.txt (needs espeak-ng).

Run from the repository root: ``.venv/bin/python tests/data/languages/make.py [es fr de]``. The
audio is committed, so the checks and bench/languages.py run without espeak-ng; rerun this after
editing a script. Each script names its language (``# language: es``), which picks the two
voices of demo/make_audio.py's ``VOICES``; the output is deterministic for a given espeak-ng and
PyAV version, as the demo's is.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent.parent))

from demo.make_audio import SAMPLE_RATE, Target, encode, parse_script, render_dialogue, script_language  # noqa: E402

LANGUAGES = ("es", "fr", "de")
OPUS = Target("ogg", "libopus", 24_000)


def main(argv: list[str]) -> None:
    for language in argv or LANGUAGES:
        script = HERE / f"{language}.txt"
        audio = render_dialogue(parse_script(script), language=script_language(script))
        path = HERE / f"{language}.ogg"
        encode(audio, path, OPUS)
        print(f"{path.name}: {audio.shape[-1] / SAMPLE_RATE:.1f} s, {path.stat().st_size / 1024:.0f} KiB")  # noqa: T201


if __name__ == "__main__":
    main(sys.argv[1:])
