"""Hotwords: the names and terms a session is likely to contain, given to the model.

Whisper tiny.en spells unfamiliar names by ear ("Okafor" as "Oak a four"). faster-whisper's
`hotwords` (openai-whisper: `initial_prompt`) puts them before each window's prompt. Measured
on tests/data/names (espeak-ng, 16 roster names, 18 mentions): name error rate 72% without,
33% with the names as hotwords (bench/hotwords.py reruns it).

The words come from the session itself, not the whole roster: its mentors' names, the mentee,
its topics and its mentors' expertise. So editing an unrelated roster entry does not change
the session's cache key, and a roster of thousands still fits the prompt (Whisper allows
about 220 prompt tokens; the list is cut at MAX_WORDS words).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..models import Mentor, Session

MAX_WORDS = 60


def hotwords_for(session: Session, mentors: Mapping[str, Mentor], extra: Iterable[str] = ()) -> str:
    """A comma-separated hint list for ``session``: names first, then terms; '' when none."""
    phrases: list[str] = []
    for mid in session.mentors:
        if mid in mentors:
            phrases.append(mentors[mid].name)
    if session.mentee and session.mentee.lower() != "anonymous":
        phrases.append(session.mentee)
    phrases += [name for _, name in session.speakers] + list(session.channels)
    phrases += list(extra)
    phrases += list(session.topics)
    for mid in session.mentors:
        if mid in mentors:
            phrases += list(mentors[mid].expertise)
    out: list[str] = []
    seen: set[str] = set()
    words = 0
    for phrase in phrases:
        phrase = " ".join(phrase.split())
        key = phrase.lower()
        if not phrase or key in seen:
            continue
        n = len(phrase.split())
        if words + n > MAX_WORDS:
            break
        seen.add(key)
        out.append(phrase)
        words += n
    return ", ".join(out)
