"""Who speaks when in a one-track recording (the optional extra ``kbgen[speakers]``).

:mod:`kbgen.speakers.diarize` is the engine seam. Importing this package imports no engine
(torch stays out of ``import kbgen``).
"""

from .diarize import Diarizer, Turn, available, diarizer_key, make_diarizer

__all__ = ["Diarizer", "Turn", "available", "diarizer_key", "make_diarizer"]
