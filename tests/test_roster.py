"""The roster: a valid file loads; every problem is reported at once, with file, line and field."""

from __future__ import annotations

import pytest

from kbgen.directory.roster import contact_problem, load_roster, slugify
from kbgen.errors import IngestError
from kbgen.models import Mentor
from tests.conftest import ROSTER, make_files


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
    assert al.timezone == "UTC" and al.capacity == 0


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
        "use any of video, phone, chat, in-person",
        f"{f}: line 6, mentor 'ada', field 'capacity': must be 0 or more, got -1",
        f"{f}: line 7, mentor 'ada', field 'contact': contact 'javascript:alert(1)' "
        "must be an https:// URL or a mailto: address",
        f"{f}: line 8, mentor 'ada', field 'emial': unknown key 'emial'; valid keys: id, name, title, "
        "organization, timezone, languages, expertise, formats, capacity, bio, contact",
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
        "did you mean 'timezone'? valid keys: id, name, title, organization, timezone, languages, "
        "expertise, formats, capacity, bio, contact"
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
