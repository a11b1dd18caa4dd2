"""Make this folder's derived clips: jfk.ogg (Opus) and the espeak-ng turns (tts-*.ogg).

Run from the repository root: ``.venv/bin/python tests/data/real/audio/make.py`` (needs
espeak-ng and ../shared/real/audio/). The clips are committed, so the tests and
bench/hotwords.py need neither.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[3]
sys.path.insert(0, str(ROOT))

from demo.make_audio import Target, encode, speak  # noqa: E402
from kbgen.ingest.media import decode_audio  # noqa: E402

SHARED = ROOT.parent / "shared" / "real" / "audio"
OPUS = Target("ogg", "libopus", 32_000)
#: (file, voice as in demo/make_audio.py, text): the turns around the real clips.
TURNS = (
    ("tts-katie-1.ogg", "MENTEE", "Good morning, Steve."),
    ("tts-steve-1.ogg", "MENTOR", "Good morning, Katie."),
    ("tts-katie-2.ogg", "MENTEE", "Thank you, Steve."),
    ("tts-steve-2.ogg", "MENTOR", "Well done, Katie."),
    ("tts-katie-3.ogg", "MENTEE", "Goodbye, Steve."),
)


def main() -> None:
    for name in ("fleurs-en-000", "fleurs-en-001", "fleurs-en-002", "fleurs-en-003", "fleurs-en-004"):
        shutil.copyfile(SHARED / f"{name}.ogg", HERE / f"{name}.ogg")
    for name in ("jfk", "fleurs-en-000", "fleurs-en-001", "fleurs-en-002", "fleurs-en-003", "fleurs-en-004"):
        shutil.copyfile(SHARED / f"{name}.ref.txt", HERE / f"{name}.ref.txt")
    jfk = decode_audio(SHARED / "jfk.flac")
    encode(jfk * (0.9 / float(abs(jfk).max())), HERE / "jfk.ogg", OPUS)
    for file, voice, text in TURNS:
        audio = speak(text, voice)
        encode(audio * (0.8 / float(abs(audio).max())), HERE / file, OPUS)
        (HERE / file).with_suffix(".ref.txt").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
