"""Redaction: each kind in its forms, the look-alikes kept, transcripts kept consistent."""

from __future__ import annotations

import pytest

from kbgen.config import RedactConfig
from kbgen.models import Segment, Transcript, Word
from kbgen.redact import Pseudonyms, Redactor, pseudonym_for, redact_text, redact_transcript

MASK = RedactConfig()
PSEUDO = RedactConfig(style="pseudonym")


def red(text: str, names=(), config: RedactConfig = MASK, mentee: str | None = None) -> str:
    return redact_text(text, config, names, mentee)[0]


def seg(text: str, start: float, speaker: str | None = None) -> Segment:
    """A segment whose words are its text split at spaces, each with its leading space."""
    words = tuple(Word(" " + t, start + i * 0.5, start + i * 0.5 + 0.4) for i, t in enumerate(text.split(" ")))
    return Segment(start, words[-1].end, text, speaker, words)


def assert_valid(transcript: Transcript) -> None:
    last = 0.0
    for s in transcript.segments:
        assert s.start >= last - 1e-9 and s.end >= s.start
        last = s.start
        if s.words:
            assert "".join(w.text for w in s.words).strip() == s.text
            prev = s.start
            for w in s.words:
                assert w.start >= prev - 1e-9 and w.end >= w.start and w.text.strip()
                prev = w.start


# -- e-mail ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "said",
    [
        "write to jordan.lee@gmail.com today",
        "write to Jordan.Lee+kb@mail.example.co.uk today",
        "write to jordan (at) example (dot) com today",
        "write to jordan [at] example [dot] org today",
        "write to jordan dot lee at gmail dot com today",
        "write to jordan underscore lee at example dot co dot uk today",
        "write to jlee42 at outlook dot com today",
        "write to sam at startup dot io today",
        "write to jordan.lee at gmail.com today",
    ],
)
def test_emails(said):
    assert red(said) == "write to [email] today"


@pytest.mark.parametrize(
    "kept",
    [
        "I worked at acme dot com for two years.",
        "We met at Stripe dot com in 2019.",
        "She was an intern at example dot org.",
        "Use the @decorator syntax, and @mentions in Slack.",
        "The price is 5 @ 10 each.",
    ],
)
def test_email_lookalikes_kept(kept):
    assert red(kept) == kept


# -- phones ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "+44 20 7946 0958",
        "(415) 555-0134",
        "555.867.5309",
        "415-555-0134",
        "020 7946 0958",
        "07700 900123",
        "+1 212 555 0199",
        "1-800-555-0199",
        "+44 (0)20 7946 0958",
        "555-0192",
    ],
)
def test_phone_digits(number):
    assert red(f"Call me on {number} tomorrow.") == "Call me on [phone] tomorrow."


@pytest.mark.parametrize(
    "said",
    [
        "five five five, zero one nine two",
        "oh seven seven double nine, nine hundred, one two three",
        "four one five. Five five five. Zero one three four",
        "plus four four, two oh, seven nine four six, oh nine five eight",
        "five fifty-five, oh one three four",
        "555 oh one three four",
        "triple five, zero one nine two",
    ],
)
def test_phone_spoken(said):
    assert red(f"My number is {said}, thanks.") == "My number is [phone], thanks."


def test_phone_other_countries_and_spacing():
    assert red("Call +33 6 12 34 56 78 or 415 555 0134 or 0113 496 0000.") == "Call [phone] or [phone] or [phone]."


def test_bare_digits_need_a_cue():
    assert red("Order 12345678 shipped.") == "Order 12345678 shipped."
    assert red("Call me on 4155550134 later.") == "Call me on [phone] later."
    assert red("It's 07700900123.") == "It's [phone]."


LOOKALIKES = [
    "We grew from 1,200 to 15,000 users in 2023 and raised $2.5 million, about 3 or 4 percent.",
    "Python 3.11.4 and Node 18.17.1; version 1.2.3.4567 came out in 2019.",
    "Meet at 10:30 or 14:45 on 2024-03-15, or 15/03/2024. Room 1204.",
    "The ISBN is 978-0-13-110362-7. Issue #12345 and PR 67890. Order number 12345678.",
    "I read it at 192.168.1.1. Between 1999-2003 I worked at Google. Ages 25-34, 1-2 hours.",
    "One or two, three or four people, in twenty twenty-four, back in nineteen ninety-nine.",
    "three hundred, four hundred, five hundred people came",
    "one, two, three, four, five, six, seven, eight",
    "I have two kids. Three more things. My salary was 120000 a year.",
    "In 2023 1500 people came, in 2022 900. We had 10 000 users and 1 000 000 requests.",
    "Timestamps 00:12:45 and 1:02:03; dial 911 or 999; the 415 area code; I paid 1 800 dollars.",
    "seven seven seven, I love that plane, the triple seven; zero to one, one two three go",
    "Meet at https://meet.google.com/abc-defg-hij or https://zoom.us/j/93451234 (no password).",
    "See https://www.python.org/downloads/ and https://github.com/psf/black/issues/1234.",
    "Also https://example.com/search?q=career+advice&page=2 and https://docs.python.org/3/library/re.html#re.sub",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ and https://en.wikipedia.org/wiki/Impostor_syndrome",
]


@pytest.mark.parametrize("text", LOOKALIKES)
def test_lookalikes_kept(text):
    assert redact_text(text, MASK, ["Jordan Lee"]) == (text, {})


# -- links -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        "https://zoom.us/j/81234567890?pwd=Ab12Cd34Ef56Gh78",
        "https://docs.google.com/document/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/edit",
        "https://example.com/reset?token=9f8e7d6c5b4a3f2e1d0c",
        "https://api.example.com/v1/data?api_key=sk_live_abcdef123456",
        "https://files.example.com/a/3f2b9c1d8e7a6b5c4d3e2f1a0b9c8d7e/report.pdf",
        "https://app.example.com/#access_token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0",
        "https://user:hunter22@example.com/private",
        "https://calendly.com/jordan-lee/30min",
        "zoom.us/j/81234567890?pwd=Ab12Cd34Ef56Gh78",
        "https://example.com/invite/8f14e45f-ceea-467f-a8f1-7c8b4e4d7f3b",
        "https://www.linkedin.com/in/jordanlee/",
        "https://github.com/jordan_lee",
    ],
)
def test_token_links(link):
    assert red(f"Join via {link}. Then talk.", ["Jordan Lee"]) == "Join via [link]. Then talk."


def test_link_in_parentheses_keeps_the_bracket():
    assert red("(see https://x.example.com/s?sig=abcdef0123456789abcdef)") == "(see [link])"


# -- names -------------------------------------------------------------------------------------


def test_names_full_parts_possessive_and_case():
    names = ["Jordan Lee"]
    assert red("Jordan Lee said Jordan's plan was fine.", names) == "[name] said [name]'s plan was fine."
    assert red("jordan lee and JORDAN LEE and Jordan-Lee", names) == "[name] and [name] and [name]"
    # the surname alone only after a title: alone it is too often another person or a plain word
    assert red("As Lee said, Jordan knows. Ms. Lee and Dr Lee agree.", names) == (
        "As Lee said, [name] knows. [name] and [name] agree."
    )
    assert red("Brightline Health, Brightline, and Health.", ["Brightline Health"]) == "[name], [name], and Health."


def test_single_word_name_respects_case_in_cased_text():
    assert red("Will said you will do it.", ["Will"]) == "[name] said you will do it."
    assert red("Rose loves the rose garden.", ["Rose"]) == "[name] loves the rose garden."
    # text with no capitals at all (some recognisers): case says nothing, so it matches
    assert red("then rose said hi", ["Rose"]) == "then [name] said hi"


def test_names_accents_particles_and_initials():
    assert red("Zoë and Zoe and Siobhan.", ["Zoë Park", "Siobhán"]) == "[name] and [name] and [name]."
    assert red("Ludwig van Beethoven: Ludwig, van", ["Ludwig van Beethoven"]) == "[name]: [name], van"
    assert red("J. Smith and J went", ["J. Smith"]) == "[name] and J went"


def test_name_not_inside_words_or_addresses():
    assert red("Jordanian leeway", ["Jordan Lee"]) == "Jordanian leeway"
    assert red("mail jordan@x.io", ["Jordan"]) == "mail [email]"


def test_anonymous_mentee_reads_mentee_in_every_style():
    for config in (MASK, PSEUDO):
        out = red("Thanks Priya, and Priya's CV.", ["Jordan"], config, "Priya Shah")
        assert out == "Thanks Mentee, and Mentee's CV."


# -- styles, counts, determinism ----------------------------------------------------------------


def test_pseudonyms_consistent_by_first_appearance():
    text = "Sam met Jordan Lee. Jordan emailed sam@x.io and jordan@y.io, then sam@x.io again. Sam called."
    out, counts = redact_text(text, PSEUDO, ["Jordan Lee", "Sam"])
    assert out == (
        "Person A met Person B. Person B emailed [email 1] and [email 2], then [email 1] again. Person A called."
    )
    assert counts == {"name": 4, "email": 3}


def test_spoken_and_written_email_share_a_pseudonym():
    out, _ = redact_text("jordan.lee@gmail.com or jordan dot lee at gmail dot com", PSEUDO)
    assert out == "[email 1] or [email 1]"


def test_pseudonyms_shared_across_texts_and_speakers():
    r = Redactor(PSEUDO, names=["Jordan Lee", "Sam Ortiz"], anonymous_mentee="Priya")
    assert r.text("Sam Ortiz") == "Person A"
    assert r.text("Jordan and Sam") == "Person B and Person A"
    assert r.speaker("Jordan") == "Person B"
    assert r.speaker("Priya") == "Mentee"
    assert r.speaker("Alex (mentor)") == "Alex (mentor)"
    assert r.counts == {"name": 3}
    p = Pseudonyms("pseudonym")
    assert pseudonym_for("Sam", "pseudonym", p, names=["Sam Ortiz"]) == "Person A"
    assert pseudonym_for("Sam Ortiz", "pseudonym", p, names=["Sam Ortiz"]) == "Person A"
    assert pseudonym_for("Priya", "mask", anonymous_mentee="Priya") == "Mentee"
    assert pseudonym_for("Jordan", "mask") == "[name]"


def test_counts_and_kind_switches():
    text = "Mail a@b.io, call 415-555-0134, see https://x.io/r?token=abcdef123456, ask Jordan."
    assert redact_text(text, MASK, ["Jordan"])[1] == {"email": 1, "phone": 1, "link": 1, "name": 1}
    off = RedactConfig(emails=False, phones=False, links=False)
    assert redact_text(text, off, ["Jordan"]) == (text.replace("Jordan", "[name]"), {"name": 1})


def test_empty_inputs():
    assert redact_text("", MASK, ["Jordan"]) == ("", {})
    empty = Transcript((), "en", 0.0)
    assert redact_transcript(empty, MASK, ["Jordan"]).transcript == empty
    blank = Transcript((Segment(0.0, 1.0, ""),), "en", 1.0)
    assert redact_transcript(blank, MASK).transcript == blank


def test_disabled_is_a_no_op():
    config = RedactConfig(enabled=False)
    text = "Jordan: jordan@x.io, 415-555-0134"
    assert redact_text(text, config, ["Jordan"], "Jordan") == (text, {})
    t = Transcript((seg(text, 0.0),), "en", 5.0)
    result = redact_transcript(t, config, ["Jordan"])
    assert result.transcript is t and result.counts == {} and not result.needed


def test_deterministic():
    text = "Jordan Lee: jordan@x.io, five five five, zero one nine two; Sam at https://x.io/?sid=abc123def456"
    runs = {redact_text(text, PSEUDO, ["Jordan Lee", "Sam"]) == redact_text(text, PSEUDO, ["Jordan Lee", "Sam"])}
    assert runs == {True}
    assert redact_text(text, PSEUDO, ["Sam", "Jordan Lee"])[0] == redact_text(text, PSEUDO, ["Jordan Lee", "Sam"])[0]


# -- transcripts -------------------------------------------------------------------------------


def test_transcript_words_and_text_change_together():
    t = Transcript(
        (
            seg("You can reach Jordan Lee at jordan.lee@gmail.com, or call five five five,", 0.0, "A"),
            seg("zero one nine two. Thanks Jordan!", 10.0, "A"),
            seg("Sure, my number is (415) 555-0134.", 20.0, "B"),
            seg("Nothing personal here.", 30.0, "B"),
        ),
        "en",
        40.0,
    )
    result = redact_transcript(t, PSEUDO, ["Jordan Lee"])
    out = result.transcript
    assert_valid(out)
    assert [s.text for s in out.segments] == [
        "You can reach Person A at [email 1], or call [phone 1]",
        "Thanks Person A!",
        "Sure, my number is [phone 2].",
        "Nothing personal here.",
    ]
    first = out.segments[0].words
    name = next(w for w in first if "Person A" in w.text)
    assert (name.start, name.end) == (1.5, 2.4)  # "Jordan" starts at 1.5, "Lee" ends at 2.4
    assert out.segments[3] == t.segments[3]
    assert result.counts == {"name": 2, "email": 1, "phone": 2}
    assert result.redactions == (("email", 1), ("phone", 2), ("name", 2))
    assert result.needed


def test_nothing_matched_across_speakers():
    t = Transcript((seg("five five five", 0.0, "A"), seg("zero one nine two", 5.0, "B")), "en", 10.0)
    assert redact_transcript(t, MASK).counts == {}


def test_segment_left_empty_is_dropped():
    t = Transcript((seg("Call five five five,", 0.0, "A"), seg("zero one nine two.", 5.0, "A")), "en", 10.0)
    out = redact_transcript(t, MASK).transcript
    assert [s.text for s in out.segments] == ["Call [phone]"]
    assert_valid(out)


def test_segments_without_words_and_with_disagreeing_words():
    tidy = Segment(0.0, 4.0, "Email jordan@x.io now.", "A", (Word(" email", 0.0, 1.0), Word(" jordan@x.io", 1.0, 2.0)))
    plain = Segment(5.0, 8.0, "Call 415-555-0134.", "A")
    t = Transcript((tidy, plain), "en", 10.0, notes=("collapsed a loop near jordan@x.io",))
    out = redact_transcript(t, MASK).transcript
    assert out.segments[0].text == "Email [email] now."
    assert [w.text for w in out.segments[0].words] == [" email", " [email]"]
    assert out.segments[1].text == "Call [phone]." and out.segments[1].words == ()
    assert out.notes == ("collapsed a loop near [email]",)


def test_shared_pseudonyms_between_transcript_and_summary():
    t = Transcript((seg("Jordan and Sam talked.", 0.0),), "en", 5.0)
    result = redact_transcript(t, PSEUDO, ["Sam", "Jordan"])
    assert result.transcript.segments[0].text == "Person A and Person B talked."
    summary, _ = redact_text("Sam helped Jordan.", PSEUDO, ["Sam", "Jordan"], pseudonyms=result.pseudonyms)
    assert summary == "Person B helped Person A."


# -- the evaluation set (tests/data/knowledge) ---------------------------------------------------


def _eval_set():
    from tests.knowledge_eval import DATA, load_eval_set

    if not DATA.is_dir():
        pytest.skip("evaluation set not present")
    return load_eval_set()


@pytest.mark.parametrize("style", ["mask", "pseudonym"])
def test_eval_set_every_planted_item_redacted(style):
    from tests.knowledge_eval import pii_present, redaction_scores

    cases = _eval_set()
    config = RedactConfig(style=style)
    out = {c.slug: redact_transcript(c.transcript, config, c.redact).transcript.text for c in cases}
    missed = [(c.slug, n) for c in cases for k, n in c.pii if pii_present(k, n, out[c.slug])]
    lost = [(c.slug, n) for c in cases for n in c.not_pii if out[c.slug].count(n) < c.text.count(n)]
    assert missed == [] and lost == []
    recall, precision = redaction_scores(out, cases)
    assert recall == 1.0 and precision >= 0.9


def test_eval_set_redacted_transcripts_stay_valid():
    for case in _eval_set():
        result = redact_transcript(case.transcript, PSEUDO, case.redact)
        assert_valid(result.transcript)
        assert result.needed
        assert [s.speaker for s in result.transcript.segments] == [s.speaker for s in case.transcript.segments]
