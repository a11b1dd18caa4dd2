"""Hotwords: the names and terms a session is likely to contain, given to the model.

Whisper tiny.en spells unfamiliar names by ear ("Okafor" as "Oak a four"). faster-whisper's
`hotwords` (openai-whisper: `initial_prompt`) puts them before each window's prompt. Measured
on tests/data/names (espeak-ng, 16 roster names, 18 mentions): name error rate 72% without,
28% with the names as hotwords (bench/hotwords.py reruns it).

That text sits where Whisper reads the previous window's transcript (after <|startofprev|>),
and the model continues its style. A bare list ("Ana García, ..., negotiation, hiring") has no
full stop, and its lower-case terms read as unpunctuated text: on real speech
(tests/data/real) the first four of ten read sentences ran, full stops gone, into segments of
15 s, and "Good morning, Steve, good morning, Katie And so..." into one. So the list goes as
one punctuated sentence (prompt_from: "Glossary: Ana García, Ben Okafor, salary."). This text
is what the transcript cache keys on, so a change to it transcribes those sessions again.
bench/hotwords.py, hotwords off / bare list / this: sentence-end F1 (0.5 s) 0.87 / 0.74 / 0.95
and WER 7.6% / 8.1% / 8.1% on the read sentences; 0.94 / 0.55 / 0.94 on the talk.

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
    """The hint text for ``session`` (see prompt_from); '' when it has no names or terms."""
    return prompt_from(hint_phrases(session, mentors, extra))


def prompt_from(phrases: list[str]) -> str:
    """The text the model is given for ``phrases``: one punctuated sentence, '' when none.

    "Glossary: Ana García, Ben Okafor, salary, negotiation." rather than the bare list: the
    model continues the style of the text before its window (see the module docstring).
    """
    text = ", ".join(phrases).rstrip(" .,;:!?")
    return f"Glossary: {text}." if text else ""


def hint_phrases(session: Session, mentors: Mapping[str, Mentor], extra: Iterable[str] = ()) -> list[str]:
    """``session``'s names first, then its terms, without repeats, at most MAX_WORDS words."""
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
    return out
