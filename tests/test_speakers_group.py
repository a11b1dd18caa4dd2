"""Group sessions and distinct people (issue 15, part 4): who said what, kept apart and named.

An imported Zoom transcript with a mentor and four other people, with the default anonymous
mentee, used to publish every non-mentor line as one "Mentee". Now distinct people stay
distinct ("Mentee 1" ... "Mentee 4", by first appearance), their real names are redacted
wherever they are said, and the session page shows talk time per person.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kbgen.config import load_project
from kbgen.errors import IngestError
from kbgen.ingest import discover_sessions
from kbgen.knowledge import anonymous_mentees
from kbgen.models import Session
from kbgen.pipeline import build
from kbgen.site.render import mentees_text, talk_time
from kbgen.transcribe.engine import EngineKey
from tests.conftest import FakeEngine, make_files, sidecar

KEY = EngineKey("fake", "fake-1", {})
PEOPLE = ("Priya Shah", "Tomas Berg", "Lina Ortiz", "Kofi Mensah")
ZOOM = """WEBVTT

1
00:00:01.000 --> 00:00:06.000
Ana Lopez: Welcome, everyone. Today we practise salary negotiation as a group.

2
00:00:06.500 --> 00:00:10.000
Priya Shah: Thanks Ana. I have an offer and I never know when to name a number.

3
00:00:10.500 --> 00:00:16.000
Ana Lopez: Good question, Priya. Always ask for the range first, then anchor above it.

4
00:00:16.500 --> 00:00:20.000
Tomas Berg: What if they insist that I go first?

5
00:00:20.500 --> 00:00:26.000
Ana: Then Tomas, you give a researched range and you explain where it comes from.

6
00:00:26.500 --> 00:00:30.000
Lina Ortiz: Kofi and I were told the budget is fixed. Is that ever true?

7
00:00:30.500 --> 00:00:33.000
Kofi Mensah: It felt true to me at the time.

8
00:00:33.500 --> 00:00:40.000
Ana Lopez: Budgets move more than people think. Ask what else can move: start date, title, training.
"""


def _group_project(root: Path, extra: str = "") -> Path:
    make_files(root / "recordings", {
        "group.vtt": ZOOM,
        "group.yml": sidecar("Negotiation clinic", extra=extra),
    })
    return root


def test_five_people_stay_five_and_anonymous_names_never_reach_the_site(project_dir):
    root = _group_project(project_dir)
    build(load_project(root), engine_factory=FakeEngine, key=KEY)
    page = (root / "site_src" / "sessions" / "group.md").read_text()
    for n in range(1, 5):
        assert f'<strong class="kb-speaker">Mentee {n}:</strong>' in page
    assert '<strong class="kb-speaker">Ana Lopez:</strong>' in page
    assert '<strong class="kb-speaker">Mentee:</strong>' not in page
    # Names said in the text read as that person's stand-in: "Good question, Mentee 1."
    assert "Good question, Mentee 1." in page and "Then Mentee 2, you give" in page
    assert "Mentee 4 and I were told" in page
    # "Ana" alone is the mentor, not a fifth mentee.
    assert page.count("kb-speaker\">Ana Lopez:") == 4
    # Talk time per person, most first: Ana spoke 5 + 5.5 + 5.5 + 6.5 s of 35.5 s.
    assert re.search(r'Talk time: <span class="kb-talk-who">Ana Lopez</span> 63% \(22 s\)', page)
    # As an attacker would look: no file of the site or the search documents names them.
    site = "\n".join(p.read_bytes().decode("utf-8", "replace") for p in sorted((root / "site").rglob("*"))
                     if p.is_file())
    for name in PEOPLE:
        for part in name.split():
            assert part not in site, part


def test_named_and_anonymous_mentees_in_one_group(project_dir):
    root = _group_project(project_dir, extra="mentees: [Priya Shah, anonymous]\n")
    yml = root / "recordings" / "group.yml"
    yml.write_text(yml.read_text().replace("mentee: anonymous\n", ""))  # a group says `mentees:` only
    build(load_project(root), engine_factory=FakeEngine, key=KEY)
    page = (root / "site_src" / "sessions" / "group.md").read_text()
    assert '<strong class="kb-speaker">Priya Shah:</strong>' in page  # named: shown by name
    assert "**Mentees:** Priya Shah and 1 anonymous mentee" in page
    # The three others are anonymous people: numbered, distinct.
    assert all(f'<strong class="kb-speaker">Mentee {n}:</strong>' in page for n in (1, 2, 3))


def test_mentee_names_of_generic_labels_are_redacted(tmp_path):
    session = Session(id="s", title="t", date=__import__("datetime").date(2026, 1, 1), mentors=("ana",), topics=(),
                      visibility="public", consent=True, mentees=("anonymous", "anonymous"),
                      mentee_names=("Sam Park", "Jo Kim"))
    got = anonymous_mentees(session, ["Speaker 1", "Speaker 2", "Speaker 3"], ["Ana Lopez"])
    # Three labels that are not the mentor, then the listed names not among them.
    assert [s for _, s in got] == ["Mentee 1", "Mentee 2", "Mentee 3", "Mentee 4", "Mentee 5"]
    one = Session(id="s", title="t", date=session.date, mentors=("ana",), topics=(), visibility="public",
                  consent=True, mentee_name="Jordan Lee")
    assert anonymous_mentees(one, ["Ana Lopez", "Jordan Lee"], ["Ana Lopez"]) == [("Jordan Lee", "Mentee")]
    assert anonymous_mentees(one, ["Ana Lopez", "Jordan"], ["Ana Lopez"]) == [("Jordan", "Mentee 1"),
                                                                             ("Jordan Lee", "Mentee 2")]


@pytest.mark.parametrize("extra, message", [
    ("mentees: [anonymous, Kim]\n", "give either `mentee:` (one) or `mentees:` (a group), not both"),
    ("participants: 0\n", "expected how many people speak, a whole number from 1 to 200"),
])
def test_group_fields_are_checked(tmp_path, extra, message):
    make_files(tmp_path, {"recordings/a.yml": sidecar("A", extra=extra), "recordings/a.vtt": ZOOM})
    with pytest.raises(IngestError) as info:
        discover_sessions(tmp_path / "recordings", tmp_path, ["ana"])
    assert message in info.value.format_message()


def test_mentee_names_only_for_anonymous_mentees(tmp_path):
    text = sidecar("A", extra="mentee_names: [Sam Park]\n").replace("mentee: anonymous", "mentee: Jordan")
    make_files(tmp_path, {"recordings/a.yml": text, "recordings/a.vtt": ZOOM})
    with pytest.raises(IngestError) as info:
        discover_sessions(tmp_path / "recordings", tmp_path, ["ana"])
    assert "only for anonymous mentees" in info.value.format_message()


def test_talk_time_and_mentee_line():
    from kbgen.models import Segment

    segs = [Segment(0, 100, "a", "Ana"), Segment(100, 130, "b", "Mentee"), Segment(130, 131, "c")]
    assert talk_time(segs) == [("Ana", "2 min", 77), ("Mentee", "30 s", 23)]
    assert talk_time([Segment(0, 1, "x")]) == []
    base = dict(id="s", title="t", date=__import__("datetime").date(2026, 1, 1), mentors=("a",), topics=(),
                visibility="public", consent=True)
    assert mentees_text(Session(**base)) == "Mentee (anonymous)"
    assert mentees_text(Session(**base, mentee="Jordan")) == "Jordan"
    assert mentees_text(Session(**base, mentees=("anonymous",) * 3)) == "3 mentees (anonymous)"


ROLES = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Speaker 1>I have an offer and I do not know what to ask for. What should I say?

00:00:04.500 --> 00:00:09.000
<v Speaker 2>You should always ask for the range first. Never give a number before they do.

00:00:09.500 --> 00:00:12.000
<v Speaker 1>What if they insist that I go first?

00:00:12.500 --> 00:00:17.000
<v Speaker 2>Then you should give a researched range. Make sure you explain where it comes from.

00:00:17.500 --> 00:00:20.000
<v Speaker 1>How do I know the range is right?

00:00:20.500 --> 00:00:25.000
<v Speaker 2>Try to talk to two people in that role. It helps to write the numbers down.
"""


def test_numbered_speakers_are_named_by_their_roles(project_dir):
    """A transcript whose voices are only numbered: the one who advises is the session's mentor."""
    make_files(project_dir / "recordings", {"roles.vtt": ROLES, "roles.yml": sidecar("Offer talk")})
    build(load_project(project_dir), engine_factory=FakeEngine, key=KEY)
    page = (project_dir / "site_src" / "sessions" / "roles.md").read_text()
    assert page.count('<strong class="kb-speaker">Ana Lopez:</strong>') == 3
    assert page.count('<strong class="kb-speaker">Mentee:</strong>') == 3
    assert "Speaker 1" not in page and "Speaker 2" not in page
    assert "The mentor was told from the other speakers by who advises and who asks" in page
    # The sidecar's mapping names them instead, and then nothing is inferred.
    yml = project_dir / "recordings" / "roles.yml"
    yml.write_text(yml.read_text() + "speakers: {Speaker 2: Ana Lopez, Speaker 1: Jordan}\n")
    build(load_project(project_dir), engine_factory=FakeEngine, key=KEY)
    page = (project_dir / "site_src" / "sessions" / "roles.md").read_text()
    assert "The mentor was told" not in page and page.count("kb-speaker\">Ana Lopez:") == 3


def test_a_label_naming_the_role_is_the_mentor():
    base = dict(id="s", title="t", date=__import__("datetime").date(2026, 1, 1), mentors=("ana",), topics=(),
                visibility="public", consent=True)
    # "MENTOR" (as exports write it) is no anonymous mentee; "Guest" is.
    assert anonymous_mentees(Session(**base), ["MENTOR", "Guest"], ["Ana Lopez"]) == [("Guest", "Mentee")]
