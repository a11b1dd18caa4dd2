"""Speakers for one-track recordings in a build: diarize, cache the turns, give words to speakers.

A recording with no ``channels:`` (one speaker per track) is one mixed track: the diarizer says
who speaks when, and :func:`~kbgen.speakers.assign.assign_speakers` gives each word of its
transcript to that speaker ("Speaker 1", "Speaker 2" ...; the sidecar's ``speakers:`` and the
roles name them later). The turns are cached in ``<cache>/speakers/``, keyed by the
recording's content, the number of people asked for and the diarizer with its settings
(:func:`~kbgen.speakers.diarize.diarizer_key`): a cached build loads no model.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path

from ..fsutil import write_atomic
from ..models import Session, Transcript
from .assign import assign_speakers


def people(session: Session) -> int:
    """How many people speak: the sidecar's ``participants:``, else its mentors and mentees."""
    if session.participants:
        return session.participants
    return len(session.mentors) + max(len(session.mentees), 1)


def needs_speakers(session: Session, transcript: Transcript) -> bool:
    """A recording transcribed here, one track, more than one person, and no speaker yet."""
    return (session.media is not None and not session.channels and people(session) > 1
            and not any(seg.speaker for seg in transcript.segments))


def speaker_turns(cache_dir: Path, media_sha256: str, count: int, audio: Callable[[], object],
                  diarizer_factory: Callable[[], object]) -> list[tuple[float, float, str]]:
    """The recording's turns, from the cache or the diarizer (made only on a miss)."""
    from .diarize import diarizer_key

    material = {"media": media_sha256, "speakers": count, "diarizer": asdict(diarizer_key())}
    key = hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode()).hexdigest()
    path = cache_dir / "speakers" / f"{key}.json"
    try:
        return [tuple(t) for t in json.loads(path.read_text(encoding="utf-8"))]
    except (OSError, ValueError):
        pass
    turns = [(t.start, t.end, t.label) for t in diarizer_factory().diarize(audio(), count)]
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(turns))
    return turns


def add_speakers(sessions: Sequence[Session], transcripts: Mapping[str, Transcript], cache_dir: Path,
                 root: Path | None, media_sha256: Callable[[Path], str], echo: Callable[[str], None],
                 diarizer_factory: Callable[[], object] | None = None) -> dict[str, Transcript]:
    """``transcripts`` with speakers on each one-track recording that needs them.

    Without the extra ``kbgen[speakers]`` (and no ``diarizer_factory``), the build says once
    how many recordings go without speakers and how to add them, and publishes them as they are.
    """
    from .diarize import available, make_diarizer

    todo = [s for s in sessions if s.id in transcripts and needs_speakers(s, transcripts[s.id])]
    out = dict(transcripts)
    if not todo:
        return out
    if diarizer_factory is None:
        missing = available()
        if missing:
            echo(f"note: {len(todo)} one-track recording(s) published without speakers (who said what): {missing}")
            return out
    made: list = []

    def diarizer():  # one model for the whole build, loaded on the first cache miss
        if not made:
            made.append((diarizer_factory or make_diarizer)())
        return made[0]

    from ..ingest.media import decode_audio

    for s in todo:
        turns = speaker_turns(cache_dir, media_sha256(s.media), people(s), lambda s=s: decode_audio(s.media, root),
                              diarizer)
        out[s.id] = assign_speakers(transcripts[s.id], turns)
        echo(f"  {s.id}: {len({label for _, _, label in turns})} speaker(s) told apart")
    return out


__all__ = ["add_speakers", "needs_speakers", "people", "speaker_turns"]
