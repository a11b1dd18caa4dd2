"""A fake engine importable by worker processes (local pool or Dask): a spec names ``tests.fake_engine:make``.

Each build writes a file ``built-<pid>-<n>`` into ``log_dir`` (when given), so a test can count
how many engines were made and where; each transcript says which process made it and with how
many CPU threads.
"""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path

from kbgen.errors import TranscribeError
from kbgen.models import Segment, Transcript, Word

_BUILDS = itertools.count()


class WorkerFakeEngine:
    name = "fake"
    model_id = "fake-1"

    def __init__(self, threads: int, delay: float, fail_model: bool, crash_on: float | None) -> None:
        self.threads = threads
        self.delay = delay
        self.fail_model = fail_model
        self.crash_on = crash_on

    def transcribe(self, audio, language=None, hotwords=None) -> Transcript:
        if self.fail_model:
            raise TranscribeError("cannot load the Whisper model broken on cpu (fake)")
        time.sleep(self.delay)
        d = len(audio) / 16000
        if self.crash_on is not None and round(d, 1) == self.crash_on:
            os._exit(3)  # the worker dies, as if killed for memory
        text = f"{d:.1f} seconds"
        words = (Word(f" {d:.1f}", 0.0, d / 2), Word(" seconds", d / 2, d))
        return Transcript((Segment(0.0, d, text, None, words),), language or "en", d, self.name,
                          f"pid={os.getpid()} threads={self.threads}")


def make(config, root, log_dir: str | None = None, delay: float = 0.0, fail_model: bool = False,
         crash_on: float | None = None):
    """The factory a spec names: ``config`` is the TranscribeConfig, ``root`` the project root."""
    if log_dir is not None:
        Path(log_dir, f"built-{os.getpid()}-{next(_BUILDS)}").write_text(str(config.cpu_threads))
    return WorkerFakeEngine(config.cpu_threads, delay, fail_model, crash_on)
