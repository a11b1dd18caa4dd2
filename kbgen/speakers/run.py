"""Speakers for one-track recordings in a build: diarize, cache the turns, give words to speakers.

A recording with no ``channels:`` (one speaker per track) is one mixed track: the diarizer says
who speaks when, and :func:`~kbgen.speakers.assign.assign_speakers` gives each word of its
transcript to that speaker ("Speaker 1", "Speaker 2" ...; the sidecar's ``speakers:`` and the
roles name them later). The turns are cached in ``<cache>/speakers/``, keyed by the
recording's content, the number of people asked for and the diarizer with its settings
(:func:`~kbgen.speakers.diarize.diarizer_key`): a cached build loads no model.

Voiceprints: a mentor's voice, learned from their sessions whose speakers are known (one track
per person, ``channels:``, or a diarized recording whose sidecar's ``speakers:`` names them),
names that mentor in another session when one voice there is close enough (cosine at least
:data:`VOICE_MATCH`, and :data:`VOICE_MARGIN` above the next voice). Voices are biometric data:
they live only in the cache (``<cache>/speakers/``, ``<cache>/voiceprints/``), never in the
site or a download; ``speakers.voiceprints: false`` turns the naming off.
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


VOICE_MATCH = 0.75
VOICE_MARGIN = 0.05


def _cached(path: Path, make: Callable[[], object]):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    value = make()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(value))
    return value


def _key(**material) -> str:
    from .diarize import diarizer_key

    material["diarizer"] = asdict(diarizer_key())
    return hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode()).hexdigest()


def speaker_turns(cache_dir: Path, media_sha256: str, count: int, audio: Callable[[], object],
                  diarizer: Callable[[], object]) -> tuple[list[tuple[float, float, str]], dict[str, list[float]]]:
    """The recording's turns and each label's voice, from the cache or the diarizer (made on a miss)."""
    def make() -> dict:
        sound = audio()
        turns = [(t.start, t.end, t.label) for t in diarizer().diarize(sound, count)]
        spans: dict[str, list[tuple[float, float]]] = {}
        for start, end, label in turns:
            spans.setdefault(label, []).append((start, end))
        return {"turns": turns, "voices": diarizer().voices(sound, spans)}

    value = _cached(cache_dir / "speakers" / f"{_key(media=media_sha256, speakers=count, voices=1)}.json", make)
    return [tuple(t) for t in value["turns"]], value["voices"]


def channel_voice(cache_dir: Path, media: Path, media_sha256: str, index: int, root: Path | None,
                  diarizer: Callable[[], object]) -> list[float] | None:
    """The voice of one track of a recording with one person per track (its speech, by VAD)."""
    def make() -> list[float] | None:
        from ..ingest.media import decode_audio
        from .diarize import SAMPLE_RATE, speech_regions

        track = decode_audio(media, root, channels=True)[index]
        spans = [(a / SAMPLE_RATE, b / SAMPLE_RATE) for a, b in speech_regions(track)]
        return diarizer().voices(track, {"voice": spans}).get("voice")

    return _cached(cache_dir / "voiceprints" / f"{_key(media=media_sha256, channel=index)}.json", make)


def _name_by_voice(voices: Mapping[str, list[float]], prints: Mapping[str, list]) -> dict[str, str]:
    """label -> mentor name, for each mentor whose voiceprint one label's voice matches."""
    import numpy as np

    pairs = []
    for name, vectors in prints.items():
        mean = np.mean(np.asarray(vectors, dtype=np.float64), axis=0)
        mean /= max(float(np.linalg.norm(mean)), 1e-9)
        sims = sorted(((float(np.dot(mean, v)), label) for label, v in voices.items()), reverse=True)
        if sims and sims[0][0] >= VOICE_MATCH and (len(sims) == 1 or sims[0][0] - sims[1][0] >= VOICE_MARGIN):
            pairs.append((sims[0][0], sims[0][1], name))
    named: dict[str, str] = {}
    for _, label, name in sorted(pairs, reverse=True):  # a voice names one mentor, the closest
        if label not in named and name not in named.values():
            named[label] = name
    return named


def add_speakers(sessions: Sequence[Session], transcripts: Mapping[str, Transcript], cache_dir: Path,
                 root: Path | None, media_sha256: Callable[[Path], str], echo: Callable[[str], None],
                 diarizer_factory: Callable[[], object] | None = None, mentor_names: Mapping[str, str] | None = None,
                 voiceprints: bool = True) -> dict[str, Transcript]:
    """``transcripts`` with speakers on each one-track recording that needs them.

    ``mentor_names`` maps mentor ids to names (the roster): with ``voiceprints``, a session's
    mentor is named by voice where their voice is known from another session. Without the extra
    ``kbgen[speakers]`` (and no ``diarizer_factory``), the build says once how many recordings
    go without speakers and how to add them, and publishes them as they are.
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

    heard = {s.id: speaker_turns(cache_dir, media_sha256(s.media), people(s),
                                 lambda s=s: decode_audio(s.media, root), diarizer) for s in todo}
    names = set((mentor_names or {}).values())
    prints: dict[str, list[tuple[str, list[float]]]] = {}  # mentor name -> (session id, voice)
    if voiceprints and names:
        for s in sessions:
            if s.media is not None and s.channels:  # one person per track
                for i, name in enumerate(s.channels):
                    if name in names:
                        voice = channel_voice(cache_dir, s.media, media_sha256(s.media), i, root, diarizer)
                        if voice:
                            prints.setdefault(name, []).append((s.id, voice))
            elif s.id in heard:  # the sidecar names a voice
                for label, name in s.speakers:
                    if name in names and label in heard[s.id][1]:
                        prints.setdefault(name, []).append((s.id, heard[s.id][1][label]))
    for s in todo:
        turns, voices = heard[s.id]
        if prints and not s.speakers:  # the sidecar's names come first
            mine = {mentor_names[m]: [v for sid, v in prints.get(mentor_names[m], ()) if sid != s.id]
                    for m in s.mentors if m in (mentor_names or {})}
            named = _name_by_voice(voices, {name: v for name, v in mine.items() if v})
            turns = [(a, b, named.get(label, label)) for a, b, label in turns]
            for label, name in sorted(named.items()):
                echo(f"  {s.id}: {name} known by voice ({label})")
        out[s.id] = assign_speakers(transcripts[s.id], turns)
        echo(f"  {s.id}: {len({label for _, _, label in turns})} speaker(s) told apart")
    return out


__all__ = ["VOICE_MATCH", "add_speakers", "channel_voice", "needs_speakers", "people", "speaker_turns"]
