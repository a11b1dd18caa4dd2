"""The roster: a valid file loads; every problem is reported at once, with file, line and field."""

from __future__ import annotations

import datetime as dt

import pytest

from kbgen.directory.roster import FIELDS, contact_problem, load_roster, parse_window, photo_problem, slugify
from kbgen.errors import IngestError
from kbgen.models import Mentor, Offer, Window
from tests.conftest import ROOT, ROSTER, make_files

KEYS = ("id, name, title, organization, timezone, languages, country, location, expertise, formats, capacity, "
        "mentees, bio, contact, wants_to_learn, offers, availability, available_until, updated, industry, "
        "experience_years, pronouns, accepts_questions, photo")


def problems_of(tmp_path, text: str, name: str = "mentors.yaml") -> list[str]:
    make_files(tmp_path, {name: text})
    with pytest.raises(IngestError) as info:
        load_roster(tmp_path / name, tmp_path)
    return sorted(str(p) for p in info.value.problems)


def test_valid_roster_loads_sorted_and_normalised(tmp_path):
    make_files(tmp_path, {"mentors.yaml": ROSTER})
    mentors = load_roster(tmp_path / "mentors.yaml", tmp_path)
    assert [m.id for m in mentors] == ["ana", "ben"]
    assert mentors[0] == Mentor(
        id="ana",
        name="Ana Lopez",
        title="Engineering Manager",
        organization="Northwind",
        timezone="Europe/Madrid",
        languages=("en", "es"),
        expertise=("negotiation", "feedback", "leadership"),
        formats=("video",),
        capacity=2,
        bio="Ana leads a platform team.",
        contact="mailto:ana@example.org",
    )


def test_bare_list_lenient_strings_and_defaults(tmp_path):
    text = """\
- id: zoe
  name: Zoe
  languages: EN, De
  expertise: "  Salary   Negotiation "
  formats: In Person, video
- id: al
  name: Al
"""
    make_files(tmp_path, {"r.yaml": text})
    zoe, al = reversed(load_roster(tmp_path / "r.yaml", tmp_path))
    assert zoe.languages == ("en", "de")
    assert zoe.expertise == ("salary negotiation",)
    assert zoe.formats == ("in-person", "video")
    assert al == Mentor(id="al", name="Al")
    assert al.timezone == "UTC" and al.capacity is None  # not stated: taking mentees


@pytest.mark.parametrize("text", ["", "mentors:\n", "mentors: []\n", "[]\n"])
def test_empty_roster_is_empty(tmp_path, text):
    make_files(tmp_path, {"mentors.yaml": text})
    assert load_roster(tmp_path / "mentors.yaml", tmp_path) == []


def test_every_problem_reported_at_once(tmp_path):
    text = """\
mentors:
  - id: ada
    name: Ada Lovelace
    timezone: Europe/Londn
    formats: [video, fax]
    capacity: -1
    contact: javascript:alert(1)
    emial: ada@example.org
  - id: Ada Lovelace
    name: 12
  - id: ada
    contact: ada@example.org
  - just a string
  - name: No Id
    contact: http://example.org
    languages: {en: 1}
    expertise: [1, ""]
owner: me
"""
    make_files(tmp_path, {"kb/mentors.yaml": text})
    with pytest.raises(IngestError) as info:
        load_roster(tmp_path / "kb" / "mentors.yaml", tmp_path)
    got = sorted(str(p) for p in info.value.problems)
    f = "kb/mentors.yaml"
    assert got == sorted([
        f"{f}: line 4, mentor 'ada', field 'timezone': unknown time zone 'Europe/Londn'; "
        "did you mean 'Europe/London'? use an IANA name such as 'Europe/Berlin' or 'UTC'",
        f"{f}: line 5, mentor 'ada', field 'formats': unknown format 'fax'; "
        "use any of video, phone, chat, in-person, async, email, group (kbgen.yml's directory.formats can add more)",
        f"{f}: line 6, mentor 'ada', field 'capacity': must be 0 or more, got -1",
        f"{f}: line 7, mentor 'ada', field 'contact': contact 'javascript:alert(1)' "
        "must be an https:// URL or a mailto: address",
        f"{f}: line 8, mentor 'ada', field 'emial': unknown key 'emial'; valid keys: {KEYS}",
        f"{f}: line 9, mentor 'Ada Lovelace', field 'id': id 'Ada Lovelace' is not a slug; "
        "use lower-case letters, digits and single hyphens, e.g. 'ada-lovelace'",
        f"{f}: line 10, mentor 'Ada Lovelace', field 'name': expected text, got a number (12); "
        "put it in quotes",
        f"{f}: line 11, mentor 'ada', field 'id': id 'ada' is already used by the entry at line 2; "
        "give each mentor a different id",
        f"{f}: line 11, mentor 'ada', field 'name': missing required field 'name': "
        "add the full name as shown in the directory",
        f"{f}: line 12, mentor 'ada', field 'contact': contact 'ada@example.org' needs a scheme; "
        "write it as 'mailto:ada@example.org'",
        f"{f}: line 13, mentor #4: expected a mapping of fields such as 'id:' and 'name:', "
        "got text ('just a string')",
        f"{f}: line 14, mentor #5, field 'id': missing required field 'id': add the slug that names "
        "the mentor's page: lower-case letters, digits and hyphens",
        f"{f}: line 15, mentor #5, field 'contact': contact 'http://example.org' uses http://; "
        "use https:// (or a mailto: address)",
        f"{f}: line 16, mentor #5, field 'languages': expected a list of text such as [a, b], got a mapping",
        f"{f}: line 17, mentor #5, field 'expertise': item 1 should be text, got a number (1); "
        "put it in quotes",
        f"{f}: line 17, mentor #5, field 'expertise': item 2 is empty; remove it",
        f"{f}: line 18: unknown top-level key 'owner'; the roster holds only a 'mentors:' list",
    ])
    assert str(info.value).startswith("17 problem(s) in the roster:\n  - kb/mentors.yaml: line ")


def test_unknown_key_suggests_the_close_one(tmp_path):
    got = problems_of(tmp_path, "- id: a\n  name: A\n  timezon: UTC\n")
    assert got == [
        "mentors.yaml: line 3, mentor 'a', field 'timezon': unknown key 'timezon'; "
        f"did you mean 'timezone'? valid keys: {KEYS}"
    ]


def test_missing_file(tmp_path):
    with pytest.raises(IngestError) as info:
        load_roster(tmp_path / "mentors.yaml", tmp_path)
    assert str(info.value) == (
        "1 problem(s) in the roster:\n"
        "  - mentors.yaml: file not found; create the roster or point 'roster:' in kbgen.yml at it"
    )


def test_not_yaml(tmp_path):
    got = problems_of(tmp_path, "mentors:\n  - id: a\n    name: [unclosed\n")
    assert len(got) == 1
    assert got[0].startswith("mentors.yaml: line 4: not valid YAML: ")
    assert got[0].endswith("; fix the syntax")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("just text\n", "mentors.yaml: line 1: expected a list of mentor entries (each starting with "
         "'- id: ...'), got text ('just text')"),
        ("mentors: {a: 1}\n", "mentors.yaml: line 1, field 'mentors': expected a list of mentor entries "
         "(each starting with '- id: ...'), got a mapping"),
        ("people: []\n", "mentors.yaml: line 1: unknown top-level key 'people'; the roster holds only "
         "a 'mentors:' list"),
        ("{}\n", "mentors.yaml: line 1: expected a 'mentors:' list of mentor entries"),
    ],
)
def test_wrong_top_level_shape(tmp_path, text, message):
    assert problems_of(tmp_path, text) == [message]


def test_wrong_types_are_strict_except_a_lone_string(tmp_path):
    text = """\
- id: a
  name: A
  languages: 5
  capacity: "2"
  formats: [true]
  bio: [not, text]
- id: b
  name: B
  languages: [no]  # Norwegian, read by YAML as false
"""
    got = problems_of(tmp_path, text)
    assert got == [
        "mentors.yaml: line 3, mentor 'a', field 'languages': expected a list of text such as [a, b], "
        "got a number (5)",
        "mentors.yaml: line 4, mentor 'a', field 'capacity': expected a whole number, got text ('2')",
        "mentors.yaml: line 5, mentor 'a', field 'formats': item 1 should be text, got true/false (true); "
        "put it in quotes",
        "mentors.yaml: line 6, mentor 'a', field 'bio': expected text, got a list",
        "mentors.yaml: line 9, mentor 'b', field 'languages': item 1 should be text, got true/false (false); "
        "put it in quotes",
    ]


@pytest.mark.parametrize(
    ("contact", "ok"),
    [
        ("https://example.org/ada", True),
        ("HTTPS://example.org", True),
        ("mailto:ada@example.org", True),
        ("mailto:ada@example.org?subject=Hello", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("http://example.org", False),
        ("https://", False),
        ("https://localhost", False),
        ("https://example.org/\"onmouseover=alert(1)", False),
        ("mailto:not an address", False),
        ("mailto:", False),
        ("//example.org", False),
        ("ftp://example.org", False),
    ],
)
def test_contact_schemes(contact, ok):
    assert (contact_problem(contact) is None) is ok


def test_slugify():
    assert slugify("Ada Lovelace!") == "ada-lovelace"
    assert slugify("  ") == ""


# -- issue 5 fields: wants_to_learn, offers, availability, dates, industry, pronouns, photo --------------


def test_new_fields_load(tmp_path):
    text = """\
mentors:
  - id: ana
    name: Ana
    timezone: Europe/Madrid
    wants_to_learn: [Machine  Learning, python, python]
    offers:
      - {topic: "  Salary Negotiation ", minutes: 20}
      - topic: feedback
        minutes: 120
    availability: ["wed 14:00-15:30", "Mon-Fri 9:00-10:00", "saturday 22:00-24:00", "mon 09:00-10:00"]
    available_until: 2027-06-30
    updated: "2026-10-01"
    industry: software
    pronouns: she/her
    photo: https://example.org/ana.jpg
  - id: ben
    name: Ben
    availability: 2
    offers: {topic: hiring, minutes: 5}
  - id: cai
    name: Cai
    availability: 1.5
"""
    make_files(tmp_path, {"mentors.yaml": text})
    ana, ben, cai = load_roster(tmp_path / "mentors.yaml", tmp_path)
    assert ana.wants_to_learn == ("machine learning", "python")
    assert ana.offers == (Offer("salary negotiation", 20), Offer("feedback", 120))
    # Day ranges expand, duplicates go, windows sort by day and time; 24:00 ends a day.
    assert ana.availability == (
        Window("mon", "09:00", "10:00"), Window("tue", "09:00", "10:00"), Window("wed", "09:00", "10:00"),
        Window("wed", "14:00", "15:30"), Window("thu", "09:00", "10:00"), Window("fri", "09:00", "10:00"),
        Window("sat", "22:00", "24:00"),
    )
    assert ana.weekly_hours is None
    assert ana.available_until == dt.date(2027, 6, 30) and ana.updated == dt.date(2026, 10, 1)
    assert (ana.industry, ana.pronouns, ana.photo) == ("software", "she/her", "https://example.org/ana.jpg")
    assert ben.weekly_hours == 2.0 and ben.availability == ()
    assert ben.offers == (Offer("hiring", 5),)  # a lone mapping is a list of one
    assert cai.weekly_hours == 1.5
    assert cai.offers == () and cai.available_until is None and cai.updated is None and cai.photo == ""


def test_new_fields_every_problem_at_once(tmp_path):
    text = """\
mentors:
  - id: ana
    name: Ana
    wants_to_learn: {python: 1}
    offers:
      - negotiation (20 min)
      - {topic: feedback, minutes: 200}
      - {topic: "", minutes: "20"}
      - {minutes: 10, length: 3}
      - {topic: hiring}
      - 7
    availability: ["mon 09:00-11:00", "funday 09:00-10:00", "tue 18:00-09:00", "wed 9-10", "thu 25:00-26:00",
                   3, "fri-mon 09:00-10:00", "sat 24:00-24:00"]
    available_until: 2026-02-30
    updated: 20261001
    photo: http://example.org/ana.jpg
  - id: ben
    name: Ben
    offers: negotiation
    availability: 0
    updated: yesterday
    photo: mailto:ben@example.org
    industry: 42
  - id: cai
    name: Cai
    availability: {mon: 2}
    photo: https://localhost/x.png
    pronouns: [they, them]
  - id: dee
    name: Dee
    availability: []
"""
    got = problems_of(tmp_path, text)
    a, b, c = "mentors.yaml: line {}, mentor 'ana', field ", "mentors.yaml: line {}, mentor 'ben', field ", \
        "mentors.yaml: line {}, mentor 'cai', field "
    assert got == sorted([
        a.format(4) + "'wants_to_learn': expected a list of text such as [a, b], got a mapping",
        a.format(6) + "'offers': item 1 is text ('negotiation (20 min)'); write it as "
        "{topic: negotiation, minutes: 20}",
        a.format(7) + "'offers': item 2: minutes must be from 5 to 120, got 200",
        a.format(8) + "'offers': item 3: the topic is empty",
        a.format(8) + "'offers': item 3: minutes should be a whole number from 5 to 120, got text ('20')",
        a.format(9) + "'offers': item 4 has an unknown key 'length'; an offer holds only 'topic' and 'minutes'",
        a.format(9) + "'offers': item 4 has no 'topic'",
        a.format(10) + "'offers': item 5 has no 'minutes' (a whole number from 5 to 120)",
        a.format(11) + "'offers': item 6 should be {topic: ..., minutes: ...}, got a number (7)",
        a.format(12) + "'availability': item 2: 'funday' in 'funday 09:00-10:00' is not a day; "
        "use mon, tue, wed, thu, fri, sat or sun",
        a.format(12) + "'availability': item 3: 'tue 18:00-09:00' ends before it starts; a window ends on "
        "its day (24:00 at the latest), so split one past midnight in two",
        a.format(12) + "'availability': item 4: 'wed 9-10' is not a window; write a day and a time range "
        "such as 'mon 09:00-11:00'",
        a.format(12) + "'availability': item 5: '25:00' in 'thu 25:00-26:00' is not a time; use the 24-hour "
        "clock, 00:00 to 24:00",
        a.format(13) + "'availability': item 6 should be a window such as 'mon 09:00-11:00', got a number (3)",
        a.format(13) + "'availability': item 7: 'fri-mon 09:00-10:00': the day range runs backwards; "
        "write it as 'mon-fri ...'",
        a.format(13) + "'availability': item 8: 'sat 24:00-24:00' starts at 24:00; start at 00:00 of the next day",
        a.format(14) + "'available_until': '2026-02-30' is not a real date; check the month and the day",
        a.format(15) + "'updated': '20261001' is not a date; write it as YYYY-MM-DD, e.g. 2026-06-30",
        a.format(16) + "'photo': photo 'http://example.org/ana.jpg' uses http://; use https://",
        b.format(19) + "'offers': expected a list of {topic: ..., minutes: ...} items, got text ('negotiation')",
        b.format(20) + "'availability': weekly hours must be more than 0 and at most 168, got 0; "
        "to pause mentoring set capacity: 0 or available_until",
        b.format(21) + "'updated': 'yesterday' is not a date; write it as YYYY-MM-DD, e.g. 2026-06-30",
        b.format(22) + "'photo': photo 'mailto:ben@example.org' must be an image file in the project (such as "
        "photos/ada.jpg) or an https:// URL",
        b.format(23) + "'industry': expected text, got a number (42); put it in quotes",
        c.format(26) + "'availability': expected hours a week (a number such as 2) or a list of windows such as "
        "['mon 09:00-11:00'], got a mapping",
        c.format(27) + "'photo': photo 'https://localhost/x.png' has no host name; use a full URL such as "
        "'https://example.org/ada'",
        c.format(28) + "'pronouns': expected text, got a list",
        "mentors.yaml: line 31, mentor 'dee', field 'availability': expected hours a week (a number such as 2) "
        "or a list of windows such as ['mon 09:00-11:00'], got an empty list",
    ])


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        ("mon 09:00-11:00", (Window("mon", "09:00", "11:00"),)),
        ("  SUN   7:05 - 8:10 ", (Window("sun", "07:05", "08:10"),)),
        ("fri 00:00-24:00", (Window("fri", "00:00", "24:00"),)),
        ("sat-sun 10:00-12:00", (Window("sat", "10:00", "12:00"), Window("sun", "10:00", "12:00"))),
        ("thursday 10:00-10:30", (Window("thu", "10:00", "10:30"),)),
        ("mon 10:00-10:00", None),
        ("mon 10:60-11:00", None),
        ("mon 24:30-25:00", None),
        ("mon", None),
        ("09:00-10:00", None),
        ("mon 9am-10am", None),
    ],
)
def test_parse_window(window, expected):
    windows, problem = parse_window(window)
    if expected is None:
        assert windows == () and problem
    else:
        assert (windows, problem) == (expected, None)


@pytest.mark.parametrize(
    ("photo", "ok"),
    [
        ("https://example.org/a.jpg", True),
        ("HTTPS://cdn.example.org/a.png?size=200", True),
        ("http://example.org/a.jpg", False),
        ("mailto:a@example.org", False),
        ("a@example.org", False),
        ("javascript:alert(1)", False),
        ("data:image/png;base64,AAAA", False),
        ("https://example.org/a.jpg\" onerror=\"alert(1)", False),
        ("https://", False),
        ("//example.org/a.jpg", False),
    ],
)
def test_photo_links(photo, ok):
    assert (photo_problem(photo) is None) is ok


def test_every_field_is_described():
    assert list(FIELDS) == KEYS.split(", ")
    assert all(desc and not desc.endswith(".") for desc in FIELDS.values())


def test_demo_roster_loads():
    mentors = load_roster(ROOT / "mentors.yaml", ROOT)
    assert len(mentors) == 16
    assert all(m.updated and m.updated.year == 2026 and m.industry and m.wants_to_learn for m in mentors)
    assert sum(1 for m in mentors if m.offers) >= 8
    assert sum(1 for m in mentors if m.availability) >= 10
    assert sum(1 for m in mentors if m.weekly_hours) >= 2
    assert len({m.timezone for m in mentors if m.availability}) >= 8
    assert [m.id for m in mentors if m.capacity == 0] == ["rafael-torres"]
    assert [m.id for m in mentors if m.available_until] == ["hannah-schmidt"]
