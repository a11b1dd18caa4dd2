"""Takeaways: the advice given, cleaned into short standalone sentences, in spoken order."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from kbgen.enrich.cues import advice_strength, imperative, is_small_talk, speaker_roles
from kbgen.enrich.takeaways import MAX_WORDS, clean, takeaways
from kbgen.models import Segment, Transcript

TURNS = [
    ("MENTEE", "Hi, thanks for making time. I just got my first job offer and I'm nervous."),
    ("MENTOR", "Congratulations, that's a real milestone. How did you feel when you heard the number?"),
    ("MENTEE", "Relieved, and then nervous. Is it rude to ask for more?"),
    ("MENTOR", "Not at all. So, the first thing I'd recommend is to research the market range before the call."),
    ("MENTOR", "Look at salary surveys and ask two or three people in similar roles what they were paid."),
    ("MENTEE", "Should I wait for them to move, or should I name a number?"),
    ("MENTOR", "They already named one, so anchor your counter near the top of the range you found."),
    ("MENTEE", "What if they say the budget is fixed?"),
    ("MENTOR", "Then negotiate the whole package, not only the base salary."),
    ("MENTOR", "Yeah, and you should really negotiate the whole package and not only the base salary."),
    ("MENTEE", "I always rush to add that it's fine if they say no."),
    ("MENTOR", "After the ask, stop talking and let the silence work for you."),
    ("MENTEE", "So I should practice it first?"),
    ("MENTOR", "Yes. And always get the final offer in writing before you accept it."),
    ("MENTOR", "If it's easier, call me at 415 555 0134 before Friday."),
    ("MENTEE", "Thank you so much, this was really helpful."),
    ("MENTOR", "Good luck, and let me know how it goes."),
]


def transcript(turns=TURNS, speakers=True) -> Transcript:
    segments = tuple(
        Segment(i * 6.0, i * 6.0 + 5.5, text, speaker if speakers else None) for i, (speaker, text) in enumerate(turns)
    )
    return Transcript(segments, "en", 6.0 * len(turns))


def test_advice_found_in_spoken_order():
    # Six pieces of advice; the mentee's questions, recap and story, thanks and the phone number are not.
    assert takeaways(transcript(), 7) == (
        "The first thing I'd recommend is to research the market range before the call.",
        "Look at salary surveys and ask two or three people in similar roles what they were paid.",
        "Anchor your counter near the top of the range you found.",
        "Negotiate the whole package, not only the base salary.",
        "After the ask, stop talking and let the silence work for you.",
        "Always get the final offer in writing before you accept it.",
    )


def test_no_questions_small_talk_or_logistics():
    for item in takeaways(transcript(), 7):
        assert not item.endswith("?")
        assert not re.search(r"thank|good luck|555|call me|let me know|congratulations", item, re.IGNORECASE), item
        assert "I always rush" not in item  # the mentee's story is not advice


def test_standalone_form():
    for item in takeaways(transcript(), 7):
        assert item[0].isupper()
        assert item.endswith((".", "!", "\u2026"))
        assert len(item.split()) <= MAX_WORDS
        assert not re.match(r"(so|yeah|and|then|okay|well)\b", item, re.IGNORECASE), item


def test_clause_after_so_is_the_advice():
    assert "Anchor your counter near the top of the range you found." in takeaways(transcript(), 7)


def test_near_duplicates_merged():
    result = takeaways(transcript(), 7)
    assert sum("whole package" in t for t in result) == 1


@pytest.mark.parametrize("count", [1, 3, 5])
def test_count_respected_best_first(count):
    result = takeaways(transcript(), count)
    assert len(result) == count
    everything = takeaways(transcript(), 7)
    assert set(result) <= set(everything)
    assert list(result) == [t for t in everything if t in result]  # still in spoken order


def test_mentor_advice_preferred_over_mentee_recap():
    turns = [
        ("MENTOR", "Write down your walk-away number before the call."),
        ("MENTOR", "Keep the tone warm and collaborative with the recruiter."),
        ("MENTEE", "So write it down, keep it warm, and ask for the offer in writing, got it."),
        ("MENTOR", "Exactly, and ask for the full offer in writing."),
    ]
    result = takeaways(transcript(turns), 2)
    assert "Write down your walk-away number before the call." in result
    assert not any("got it" in t for t in result)


def test_without_speaker_labels_still_finds_advice():
    unlabelled = takeaways(transcript(speakers=False), 7)
    assert len(unlabelled) >= 5
    assert "Anchor your counter near the top of the range you found." in unlabelled
    assert not any(t.endswith("?") for t in unlabelled)


def test_no_advice_no_takeaways():
    chat = [("A", "We talked about the weather in Lisbon last spring."), ("B", "It was lovely and warm there."),
            ("A", "Did you go to the coast?"), ("B", "Yes, the beaches were quiet in April.")]
    assert takeaways(transcript(chat), 5) == ()
    assert takeaways(Transcript((), "en", 0.0), 5) == ()
    assert takeaways(transcript(), 0) == ()


def test_deterministic():
    first = takeaways(transcript(), 5)
    assert all(takeaways(transcript(), 5) == first for _ in range(3))


def test_clean():
    assert clean("So, yeah, and then ask for it in writing, you know.") == "Ask for it in writing."
    assert clean("Look at public salary surveys first") == "Look at public salary surveys first."
    assert clean("First, and I mean this, talk to a doctor or a counselor.") == "Talk to a doctor or a counselor."
    long = ("Write down your walk-away number before the call, because when the recruiter pushes back you will want "
            "a clear line that you decided calmly the night before and not under pressure on the phone.")
    short = clean(long)
    assert short == "Write down your walk-away number before the call."
    run_on = " ".join(["word"] * 40)
    assert len(clean("Keep " + run_on).split()) <= MAX_WORDS


@pytest.mark.parametrize(
    "text,advice",
    [
        ("Ask for the offer in writing.", True),
        ("If they insist, give a range where the bottom is a number you would be happy with.", True),
        ("You should research the market first.", True),
        ("I'd recommend a short course.", True),
        ("Make sure you can log into everything before your shift.", True),
        ("Mitigate first, investigate later.", True),
        ("Don't accept code you couldn't explain.", True),
        ("Small, frequent feedback beats a big annual conversation.", True),
        ("Should I ask for more?", False),
        ("Thank you so much for your time.", False),
        ("I never ask for help at work, honestly.", False),
        ("Rest is part of a sustainable rotation.", False),
        ("Senior people would much rather be woken up.", False),
        ("Remember, Jordan, the outcome is fine.", False),
        ("Look, I get it.", False),
    ],
)
def test_advice_cues(text, advice):
    assert (advice_strength(text) >= 0.8) is advice, (text, advice_strength(text))


def test_cue_helpers():
    assert imperative("They named one, so anchor your counter near the top.")
    assert not imperative("Let me share my screen.")
    assert is_small_talk("Hi, I'm Jordan, Jordan Lee.")
    assert is_small_talk("Thanks so much, that makes sense.")
    assert not is_small_talk("Thank them, say you are excited, and ask one clear question.")


def test_speaker_roles():
    sentences = [(s, t) for s, t in TURNS]
    assert speaker_roles(sentences) == {"MENTOR": "mentor", "MENTEE": "mentee"}
    named = [("Ana", t) if s == "MENTOR" else ("Jordan", t) for s, t in TURNS]
    assert speaker_roles(named) == {"Ana": "mentor", "Jordan": "mentee"}  # told apart by what they say
    assert speaker_roles(named, mentor_speakers=["Jordan Smith"]) == {"Ana": "mentee", "Jordan": "mentor"}
    assert speaker_roles([("A", "Hello there."), ("B", "Hi.")]) == {}


def test_eval_set_recall():
    """Takeaway recall on the evaluation set (tests/data/knowledge), at 5 and 7 takeaways a session."""
    knowledge_eval = pytest.importorskip("knowledge_eval")
    cases = knowledge_eval.load_eval_set()
    assert cases
    recall = {}
    for count in (5, 7):
        predicted = {case.slug: takeaways(case.transcript, count) for case in cases}
        recall[count] = knowledge_eval.takeaway_recall(predicted, cases)
    unlabelled = {
        case.slug: takeaways(
            replace(case.transcript, segments=tuple(replace(s, speaker=None) for s in case.transcript.segments)), 7
        )
        for case in cases
    }
    recall["7-unlabelled"] = knowledge_eval.takeaway_recall(unlabelled, cases)
    shown = ", ".join(f"{k}: {v:.3f}" for k, v in recall.items())
    print(f"takeaway recall on {len(cases)} cases: {shown}")  # noqa: T201 (shown with -s)
    assert recall[7] >= 0.7
    assert recall["7-unlabelled"] >= 0.7
    assert recall[5] >= 0.6
