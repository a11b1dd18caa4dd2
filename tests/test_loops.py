"""Whisper loops collapsed to one occurrence, with a note; real repetition left alone."""

from __future__ import annotations

import pytest

from kbgen.models import Segment, Transcript, Word
from kbgen.transcribe.loops import collapse_loops, find_loops


def words_of(text: str, start: float = 0.0, step: float = 0.5) -> tuple[Word, ...]:
    return tuple(Word(" " + w, round(start + i * step, 3), round(start + i * step + 0.4, 3))
                 for i, w in enumerate(text.split()))


def seg(text: str, start: float = 0.0, step: float = 0.5, with_words: bool = True) -> Segment:
    ws = words_of(text, start, step)
    return Segment(ws[0].start, ws[-1].end, text, None, ws if with_words else ())


def transcript(*segments: Segment) -> Transcript:
    return Transcript(tuple(segments), "en", 600.0, "fake", "fake")


def assert_consistent(t: Transcript) -> None:
    last = 0.0
    for s in t.segments:
        assert last <= s.start <= s.end, (last, s)
        if s.words:
            assert s.text == "".join(w.text for w in s.words).strip()
            assert s.start == s.words[0].start and s.end == s.words[-1].end
            assert all(a.start <= b.start for a, b in zip(s.words, s.words[1:], strict=False))
        last = s.end


def test_loop_across_segments_keeps_the_first_and_notes_it():
    thanks = [seg("Thank you.", 83.0 + 3 * i) for i in range(14)]
    t = transcript(seg("So that is the plan.", 70.0), *thanks, seg("Bye now.", 140.0))
    out = collapse_loops(t)
    assert [s.text for s in out.segments] == ["So that is the plan.", "Thank you.", "Bye now."]
    assert out.segments[1] == thanks[0]  # the kept occurrence is untouched, times and all
    assert out.notes == ("collapsed a loop: 'thank you' repeated 14 times at 01:23-02:03",)
    assert_consistent(out)


def test_loop_inside_one_segment_drops_words_and_keeps_times_consistent():
    s = seg("I think " + "we should go " * 6 + "home", 10.0)
    out = collapse_loops(transcript(s))
    (only,) = out.segments
    assert only.text == "I think we should go home"
    assert [w.text for w in only.words] == [" I", " think", " we", " should", " go", " home"]
    assert only.words[-1] == s.words[-1]  # "home" keeps its own time: the loop is a gap
    assert out.notes == ("collapsed a loop: 'we should go' repeated 6 times at 00:11-00:20",)
    assert_consistent(out)


def test_segments_without_words_are_collapsed_by_text():
    t = transcript(seg("ok la la la la la la", 0.0, with_words=False), seg("fine", 5.0, with_words=False))
    out = collapse_loops(t)
    assert [s.text for s in out.segments] == ["ok la", "fine"]
    assert out.segments[0].start == 0.0 and out.segments[0].end == t.segments[0].end
    assert out.notes == ("collapsed a loop: 'la' repeated 6 times at 00:00-00:03",)


def test_punctuation_and_case_do_not_hide_a_loop():
    t = transcript(seg("Right. right, RIGHT! Right... right?", 0.0), seg("Next topic.", 4.0))
    out = collapse_loops(t)
    assert [s.text for s in out.segments] == ["Right.", "Next topic."]
    assert "'right' repeated 5 times" in out.notes[0]


@pytest.mark.parametrize("text", [
    "no, no, that is wrong",
    "it was very very good",
    "no no no I did not say that",  # three single words is still speech
    "thank you thank you for coming",  # a phrase twice
    "we tried and we tried and then we stopped",
    "one two three one two three four",
])
def test_genuine_repetition_is_left_alone(text):
    t = transcript(seg(text))
    out = collapse_loops(t)
    assert out is t and out.notes == ()


def test_a_phrase_three_times_is_a_loop_a_word_needs_four():
    assert find_loops("a b a b a b".split()) == [(0, 2, 3)]
    assert find_loops("x y y y z".split()) == []
    assert find_loops("x y y y y z".split()) == [(1, 1, 4)]


def test_shortest_phrase_wins_a_tie_and_longest_cover_wins_otherwise():
    assert find_loops(["no"] * 6) == [(0, 1, 6)]  # "no" x 6, not "no no" x 3
    # "a b c" x 3 covers 9 words; no shorter phrase repeats here
    assert find_loops("z a b c a b c a b c".split()) == [(1, 3, 3)]


def test_phrases_up_to_thirty_words():
    phrase = " ".join(f"w{i}" for i in range(30))
    assert find_loops((phrase + " ") .split() * 3) == [(0, 30, 3)]
    longer = " ".join(f"w{i}" for i in range(31))
    assert find_loops(longer.split() * 3) == []


def test_a_whole_sentence_looped_by_the_multilingual_model_is_collapsed():
    """Whisper base on the Spanish demo's first draft: a 17-word sentence seven times over."""
    said = ("Si no hay cifra concreta, en una negociación, quien pone el primer número suele marcar el punto de "
            "partida.")
    t = transcript(*(seg(said, start=i * 10.0) for i in range(7)), seg("Y la contraoferta, ¿qué hago?", 70.0))
    out = collapse_loops(t)
    assert [s.text for s in out.segments] == [said, "Y la contraoferta, ¿qué hago?"]
    assert len(out.notes) == 1 and "7" in out.notes[0]


def test_two_loops_get_two_notes_and_collapsing_is_idempotent():
    t = transcript(seg("hello " * 5, 0.0), seg("and then", 10.0), seg("so yes " * 4, 20.0))
    out = collapse_loops(t)
    assert [s.text for s in out.segments] == ["hello", "and then", "so yes"]
    assert len(out.notes) == 2
    assert collapse_loops(out) is out


def test_existing_notes_are_kept():
    t = Transcript((seg("la " * 8),), "en", 10.0, notes=("imported from vtt",))
    assert collapse_loops(t).notes[0] == "imported from vtt"


def test_empty_transcript():
    t = Transcript((), "en", 0.0)
    assert collapse_loops(t) is t


def test_hours_in_the_note():
    t = transcript(*[seg("Thank you.", 3700.0 + 2 * i) for i in range(3)])
    assert collapse_loops(t).notes == ("collapsed a loop: 'thank you' repeated 3 times at 1:01:40-1:01:45",)
