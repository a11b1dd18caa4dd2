"""Sentence segments from word timestamps; hotwords from a session."""

from __future__ import annotations


def test_words_regroup_into_sentences_at_punctuation_pauses_and_length():
    from kbgen.models import Word
    from kbgen.transcribe.segments import MAX_SECONDS, sentences

    words = [Word(" Hello", 0.0, 0.4), Word(" there.", 0.5, 0.9), Word(" How", 1.0, 1.2), Word(" are", 1.3, 1.5),
             Word(" you", 3.0, 3.3), Word(" today?", 3.4, 3.9)]
    segs = sentences(words)
    assert [s.text for s in segs] == ["Hello there.", "How are", "you today?"]  # cut at '.', a pause, '?'
    assert [(s.start, s.end) for s in segs] == [(0.0, 0.9), (1.0, 1.5), (3.0, 3.9)]
    assert segs[0].words == tuple(words[:2])
    long_run = [Word(f" w{i}", i * 0.5, i * 0.5 + 0.4) for i in range(100)]
    assert all(s.end - s.start <= MAX_SECONDS for s in sentences(long_run))
    assert sentences([]) == []


def test_hotwords_come_from_the_session_names_first_and_are_bounded():
    import datetime as dt

    from kbgen.models import Mentor, Session
    from kbgen.transcribe.hotwords import MAX_WORDS, hint_phrases, hotwords_for, prompt_from

    mentors = {"ana": Mentor("ana", "Ana García", expertise=("negotiation", "leadership")),
               "ben": Mentor("ben", "Ben Okafor", expertise=("negotiation",)),
               "zed": Mentor("zed", "Zed Unrelated")}
    s = Session("s", "T", dt.date(2026, 1, 1), ("ana", "ben"), ("salary", "Negotiation"), "public", True,
                mentee="Jordan")
    # one punctuated sentence, not a bare list: the model copies the prompt's style (bench/hotwords.py)
    assert hotwords_for(s, mentors) == "Glossary: Ana García, Ben Okafor, Jordan, salary, Negotiation, leadership."
    anon = Session("s", "T", dt.date(2026, 1, 1), ("ana",), (), "public", True, mentee="anonymous")
    assert hint_phrases(anon, mentors) == ["Ana García", "negotiation", "leadership"]
    assert hotwords_for(anon, mentors) == "Glossary: Ana García, negotiation, leadership."
    many = Session("s", "T", dt.date(2026, 1, 1), (), tuple(f"topic number {i}" for i in range(100)), "public", True)
    assert len(" ".join(hint_phrases(many, mentors)).split()) <= MAX_WORDS
    nothing = Session("s", "T", dt.date(2026, 1, 1), (), (), "public", True)
    assert hotwords_for(nothing, mentors) == "" and prompt_from(["Acme Inc."]) == "Glossary: Acme Inc."
