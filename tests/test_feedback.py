"""Mentees' feedback (issue 18, part 1): read from sidecars, published only as a mentor's
aggregate over enough sessions of the audience, never one session's answer, tested the way a
reader would try to read one back (threshold, private and unconsented sessions, the difference
between the internal and public builds, quotes)."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from click.testing import CliRunner

from kbgen.cli import cli
from kbgen.config import load_project
from kbgen.directory.feedback import Figure, feedback_by_mentor, quote_redacted
from kbgen.models import Feedback, Session
from kbgen.pipeline import build
from kbgen.transcribe.engine import EngineKey
from tests.conftest import MKDOCS, ROSTER, FakeEngine, make_files, sidecar, write_wav

KEY = EngineKey("fake", "fake-1", {})


def _session(sid: str, rating=None, helpful=None, goals=None, quote="", consent=False, visibility="public",
             mentors=("ana",), **kw) -> Session:
    import datetime as dt

    return Session(id=sid, title=sid, date=dt.date(2026, 1, 1), mentors=mentors, topics=(), visibility=visibility,
                   consent=True, feedback=Feedback(rating, helpful, goals, quote, consent), **kw)


# --- the aggregate --------------------------------------------------------------------------------

def test_nothing_below_the_minimum_and_the_mean_from_it():
    two = [_session("a", 5), _session("b", 2)]
    assert feedback_by_mentor(two, 3) == {}  # each of two mentees could read the other's rating
    three = feedback_by_mentor([*two, _session("c", 4)], 3)["ana"]
    assert (three.rating, three.rated) == (3.7, 3)


def test_each_figure_has_its_own_count():
    """3 ratings but 1 'helpful' answer: the rating is shown, never '1 of 1 found it helpful'."""
    sessions = [_session("a", 5, helpful=True), _session("b", 4), _session("c", 4, goals=False),
                _session("d", None, goals=True), _session("e", None, goals=True)]
    summary = feedback_by_mentor(sessions, 3)["ana"]
    assert summary.rating == 4.3 and summary.helpful is None and summary.goals == Figure(2, 3)


def test_a_mentor_with_only_a_yes_no_figure():
    summary = feedback_by_mentor([_session(x, helpful=x != "c") for x in "abc"], 3)["ana"]
    assert summary.rating is None and summary.rated == 0 and summary.helpful == Figure(2, 3)
    assert summary.quotes == ()


def test_internal_feedback_joins_only_when_it_is_enough_itself():
    """One or two internal answers would make the internal and the public figures differ by
    them: a reader of both builds could work them out. Three or more join."""
    public = [_session(x, r) for x, r in zip("abc", (5, 4, 4), strict=True)]
    one = [_session("i1", 1, visibility="internal", quote="INTERNAL ONLY", consent=True)]
    assert feedback_by_mentor(public + one, 3)["ana"].rating == feedback_by_mentor(public, 3)["ana"].rating == 4.3
    # Its quote stays out too: shown, it would tie itself to the one internal session.
    assert feedback_by_mentor(public + one, 3)["ana"].quotes == ()
    three = [_session(f"i{n}", 1, visibility="internal") for n in range(3)]
    joined = feedback_by_mentor(public + three, 3)["ana"]
    assert (joined.rating, joined.rated) == (2.7, 6)
    # An internal-only mentor with too few: nothing at all.
    assert feedback_by_mentor([_session("i", 2, visibility="internal", mentors=("ben",))], 3) == {}


def test_unanimous_figures_are_not_shown():
    """'3 of 3 found it helpful' or '5.0 of 5' over three 5s would tell each mentee's answer."""
    same = [_session(x, 5, helpful=True, goals=x != "c") for x in "abc"]
    summary = feedback_by_mentor(same, 3)["ana"]
    assert summary.rating is None and summary.helpful is None and summary.goals == Figure(2, 3)
    assert feedback_by_mentor([_session(x, 4, helpful=False) for x in "abc"], 3) == {}


def test_co_mentored_sessions_count_in_no_aggregate():
    """A and B share s1-s3; B alone has s4 (rated 1). Counted for both, B's figure minus A's
    would give s4's rating: 3.5 x 4 - 4.3 x 3 = 1.1, so 1."""
    shared = [_session(x, r, helpful=True, mentors=("a", "b")) for x, r in (("s1", 5), ("s2", 4), ("s3", 4))]
    alone = [_session("s4", 1, helpful=False, mentors=("b",))]
    assert feedback_by_mentor(shared + alone, 3) == {}
    own = [_session(f"b{n}", r, mentors=("b",)) for n, r in enumerate((5, 3, 4))]
    assert feedback_by_mentor(shared + alone + own, 3)["b"].rated == 4  # its own four, none shared


def test_quotes_need_consent_and_a_shown_rating_and_come_redacted_and_sorted():
    from kbgen.config import RedactConfig

    sessions = [_session("a", 5, quote="Zed helped me, write to me at jo@example.org", consent=True,
                         mentee="Jo Park"),
                _session("b", 4, quote="Kept to myself", consent=False),
                _session("c", 4, quote="Always on time. Jo Park", consent=True, mentee="Jo Park")]
    quotes = feedback_by_mentor(sessions, 3, redact=lambda s, q: quote_redacted(RedactConfig(), s, q))["ana"].quotes
    assert len(quotes) == 2 and "Kept to myself" not in quotes
    assert quotes[0].startswith("Always on time.") and "Jo Park" not in quotes[0]
    assert "jo@example.org" not in quotes[1] and quotes[1].startswith("Zed helped me")
    below = feedback_by_mentor(sessions[:2], 3)
    assert below == {}


# --- the sidecar ----------------------------------------------------------------------------------

@pytest.mark.parametrize("feedback, where, said", [
    ("{rating: 6}", "feedback.rating", "from 1 to 5"),
    ("{rating: five}", "feedback.rating", "from 1 to 5"),
    ("{rating: true}", "feedback.rating", "from 1 to 5"),
    ("{helpful: maybe}", "feedback.helpful", "true or false"),
    ("{ratng: 4}", "feedback.ratng", "did you mean 'rating'?"),
    ("[5]", "feedback", "expected a mapping"),
    ("{quote: " + "x" * 401 + "}", "feedback.quote", "at most 400"),
])
def test_bad_feedback_is_named_with_its_field(tmp_path, feedback, where, said):
    root = _project(tmp_path, {"recordings/a.yml": sidecar("A", extra=f"feedback: {feedback}\n")})
    result = CliRunner().invoke(cli, ["validate", "-p", str(root)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "recordings/a.yml" in result.output and said in result.output, result.output
    assert where.split(".")[-1] in result.output


def test_a_minimum_under_three_is_refused(tmp_path):
    root = _project(tmp_path, {"kbgen.yml": "directory:\n  feedback_min_sessions: 2\n"})
    result = CliRunner().invoke(cli, ["validate", "-p", str(root)])
    assert result.exit_code != 0 and "feedback_min_sessions" in result.output and "Traceback" not in result.output


# --- built sites ------------------------------------------------------------------------------------

def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "kb"
    make_files(root, {"mkdocs.yml": MKDOCS, "mentors.yaml": ROSTER, "site_src/index.md": "# Home\n", **files})
    for name in files:
        if name.startswith("recordings/") and name.endswith(".yml"):
            write_wav(root / name.replace(".yml", ".wav"), 1.0)
    return root


def _all_text(root: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in sorted(root.rglob("*")) if p.is_file())


def _fb(rating, quote="", consent=False, helpful=True) -> str:
    lines = [f"  rating: {rating}", f"  helpful: {'true' if helpful else 'false'}"]
    if quote:
        lines += [f"  quote: {quote}", f"  quote_consent: {'true' if consent else 'false'}"]
    return "feedback:\n" + "\n".join(lines) + "\n"


def test_built_sites_show_the_aggregate_and_no_session_alone(tmp_path):
    """Ana: three public sessions rated 5, 4, 4 (one quote consented, one not), one internal
    rated 1, one private rated 1, one unconsented rated 1. Ben: two public sessions. Every
    canary but the consented quote stays out of both builds, in every file."""
    root = _project(tmp_path, {
        "recordings/p1.yml": sidecar("P one", extra=_fb(5, "Clear advice from start to end", consent=True)),
        "recordings/p2.yml": sidecar("P two", extra=_fb(4, "NOCONSENT canary words", consent=False)),
        "recordings/p3.yml": sidecar("P three", extra=_fb(4, helpful=False)),
        "recordings/i1.yml": sidecar("I one", visibility="internal",
                                     extra=_fb(1, "INTERNALRATING canary", consent=False)),
        "recordings/x1.yml": sidecar("X one", visibility="private", extra=_fb(1, "PRIVATE canary", consent=True)),
        "recordings/u1.yml": sidecar("U one", consent=False, extra=_fb(1, "UNCONSENTED canary", consent=True)),
        "recordings/b1.yml": sidecar("B one", mentors="[ben]", extra=_fb(5, "BENQUOTE canary", consent=True)),
        "recordings/b2.yml": sidecar("B two", mentors="[ben]", extra=_fb(5)),
    })
    engine = FakeEngine(default="We talked about salary. Ask for more.")
    for audience in ("public", "internal"):
        build(load_project(root), audience=audience, engine_factory=lambda: engine, key=KEY)
        text = _all_text(root / "site") + _all_text(root / "site_src") + _all_text(root / ".kbgen" / "search-docs")
        ana = html.unescape((root / "site" / "mentors" / "ana" / "index.html").read_text())
        ben = html.unescape((root / "site" / "mentors" / "ben" / "index.html").read_text())
        # The internal build adds no single internal answer: the same figures as the public one.
        assert "4.3 of 5 over 3 rated sessions" in ana and "2 of 3 found it helpful" in ana, audience
        assert "Clear advice from start to end" in ana
        assert "Feedback from mentees" not in ben and "BENQUOTE" not in text  # two sessions: nothing
        for canary in ("NOCONSENT", "INTERNALRATING", "PRIVATE canary", "UNCONSENTED"):
            assert canary not in text, (audience, canary)
        for page in (root / "site" / "sessions").rglob("*.html"):  # never on a session's own page
            assert "Feedback from mentees" not in page.read_text() and "quote_consent" not in page.read_text()
