"""A progress bar over minutes of audio, not files: one 2-hour recording is not one 2-minute one.

:func:`~kbgen.transcribe.transcribe_sessions` tells a :class:`Progress` the audio it has to do
(cached recordings count as done at once), and each file as it comes back. The rate is audio
transcribed per second of wall time since the start (so with several workers it is their
combined speed, model loading included), and the ETA is the audio left at that rate.

The bar is drawn with tqdm on stderr, only when stderr is a terminal unless ``force`` is given;
the numbers (:attr:`Progress.rate`, :attr:`Progress.eta`, :meth:`Progress.describe`) work either way.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import IO


def clock(seconds: float) -> str:
    """1:02:03 or 02:03."""
    s = max(0, int(round(seconds)))
    h, m, s = s // 3600, s // 60 % 60, s % 60
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


class Progress:
    """Transcription progress in seconds of audio; optionally drawn as a tqdm bar."""

    def __init__(self, file: IO[str] | None = None, force: bool = False,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.file = file if file is not None else sys.stderr
        isatty = getattr(self.file, "isatty", None)
        self.enabled = bool(force or (isatty is not None and isatty()))
        self.now = now
        self.total = 0.0  # seconds of audio in this run, cached included
        self.done = 0.0  # seconds of audio done, cached included
        self.transcribed = 0.0  # seconds of audio the engine did in this run (what the rate counts)
        self.files_left = 0
        self.started_at: float | None = None
        self._bar = None

    # ------------------------------------------------------------------ what the stage reports

    def begin(self, total: float, done: float = 0.0, files: int = 0) -> None:
        """``total`` seconds of audio in all, ``done`` of them cached; ``files`` to transcribe."""
        self.total, self.done, self.transcribed = float(total), float(done), 0.0
        self.files_left = files
        self.started_at = self.now()
        if self.enabled and self._bar is None and files:
            from tqdm import tqdm

            tqdm.monitor_interval = 0  # no monitor thread: the render stage forks only without one
            # Our own text in {desc}: tqdm's rate and ETA would count cached audio as work done.
            self._bar = tqdm(total=1.0, file=self.file, leave=True, dynamic_ncols=True,
                             bar_format="transcribing {percentage:3.0f}%|{bar}| {desc}")
        self._draw()

    def finished(self, seconds: float, expected: float | None = None) -> None:
        """A file came back with ``seconds`` of audio (``expected`` is what was counted for it)."""
        self.total += seconds - (expected or 0.0)
        self.done += seconds
        self.transcribed += seconds
        self.files_left = max(0, self.files_left - 1)
        self._draw()

    def failed(self, expected: float | None = None) -> None:
        """A file could not be transcribed: its audio leaves the total."""
        self.total -= expected or 0.0
        self.files_left = max(0, self.files_left - 1)
        self._draw()

    @property
    def drawing(self) -> bool:
        """Whether a bar is on screen (print through :meth:`write` then)."""
        return self._bar is not None

    def close(self) -> None:
        if self._bar is not None:
            self._draw()
            self._bar.close()
            self._bar = None

    def write(self, message: str) -> None:
        """Print a line without breaking the bar (use for event lines while it is shown)."""
        if self._bar is not None:
            from tqdm import tqdm

            tqdm.write(message, file=self.file)
        else:
            print(message, file=self.file)  # noqa: T201 - the progress stream is the user's terminal

    # ------------------------------------------------------------------ the numbers

    @property
    def elapsed(self) -> float:
        return 0.0 if self.started_at is None else max(0.0, self.now() - self.started_at)

    @property
    def rate(self) -> float | None:
        """Seconds of audio transcribed per second of wall time (x real time); None before the first file."""
        elapsed = self.elapsed
        if self.transcribed <= 0 or elapsed <= 0:
            return None
        return self.transcribed / elapsed

    @property
    def eta(self) -> float | None:
        """Seconds until the rest is done at the current rate; 0 when nothing is left, None while unknown."""
        left = max(0.0, self.total - self.done)
        if left == 0 or self.files_left == 0:
            return 0.0
        rate = self.rate
        return None if rate is None else left / rate

    def describe(self) -> str:
        """E.g. "12.5/60.0 min of audio, 24.0x real time, ETA 01:59"."""
        parts = [f"{self.done / 60:.1f}/{max(self.total, self.done) / 60:.1f} min of audio"]
        rate, eta = self.rate, self.eta
        if rate is not None:
            parts.append(f"{rate:.1f}x real time")
        parts.append("ETA " + (clock(eta) if eta is not None else "?"))
        return ", ".join(parts)

    def _draw(self) -> None:
        if self._bar is None:
            return
        self._bar.n = min(1.0, self.done / self.total) if self.total > 0 else 0.0
        self._bar.set_description_str(self.describe(), refresh=False)
        self._bar.refresh()


__all__ = ["Progress", "clock"]
