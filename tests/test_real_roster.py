"""Rosters as associations write them (issue 14): real public rosters in tests/data/real/roster/.

The Coding Coach list (240 mentors: photos on other hosts, no capacities, language codes, one
'EU' country) and a CNCF people excerpt (language names, locations). Each must build with default
settings into a directory where "Find a mentor" finds mentors; the browser test drives the page.
"""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kbgen.cli import cli
from kbgen.config import load_project
from kbgen.directory.places import country_code, language_tag
from kbgen.directory.roster import load_roster, read_roster
from kbgen.directory.status import mentor_status
from kbgen.errors import IngestError
from kbgen.pipeline import build
from kbgen.transcribe.engine import EngineKey
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, MKDOCS, FakeEngine, chromium_or_skip, make_files, serving

REAL = Path(__file__).parent / "data" / "real" / "roster"
CODING_COACH = REAL / "codingcoach.yaml"
CNCF = REAL / "cncf-people.yaml"


def _png(size: tuple[int, int] = (8, 8)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, format="PNG")
    return out.getvalue()


# -- the real rosters load ---------------------------------------------------------------------


def test_coding_coach_roster_loads_whole():
    mentors = load_roster(CODING_COACH)
    assert len(mentors) == 240
    # No capacity stated anywhere: every mentor is taking mentees, none is "Full".
    today = __import__("datetime").date(2026, 12, 6)
    kinds = {mentor_status(m, None, today, 365).kind for m in mentors}
    assert kinds == {"taking"}
    assert all(m.capacity is None for m in mentors)
    # Languages as BCP 47 tags, countries as ISO codes ('EU' as rosters write it).
    assert {x for m in mentors for x in m.languages} >= {"en", "he", "es"}
    assert all(re.fullmatch(r"[A-Z]{2}", m.country) for m in mentors if m.country)
    assert sum(1 for m in mentors if m.country == "EU") == 2
    assert sum(1 for m in mentors if m.photo.startswith("https://")) == sum(1 for m in mentors if m.photo)


def test_cncf_roster_language_names_and_locations():
    mentors = {m.id: m for m in load_roster(CNCF)}
    assert len(mentors) == 19
    with_langs = [m for m in mentors.values() if m.languages]
    assert sorted(m.languages for m in with_langs) == [("en",), ("en", "hi")]  # written "English", "Hindi"
    sweden = mentors["abdellfetah-sghiouar"]
    assert (sweden.location, sweden.country) == ("Stockholm, Sweden", "SE")  # the country read from the location
    # A country ending a location is read ("Istanbul, Turkey": Turkey is CLDR's Türkiye).
    assert {m.location: m.country for m in mentors.values() if m.location}["Istanbul, Turkey"] == "TR"
    assert all(m.country for m in mentors.values() if "," in m.location)


# -- languages and countries as written ------------------------------------------------------


@pytest.mark.parametrize("written, tag", [
    ("English", "en"), ("english", "en"), ("en", "en"), ("EN", "en"), ("Español", "es"), ("spanish", "es"),
    ("Deutsch", "de"), ("pt-br", "pt-BR"), ("Mandarin", "zh"), ("Chinese", "zh"), ("Tagalog", "fil"),
    ("français", "fr"), ("iw", "he"), ("Русский", "ru"), ("ASL", "ase"), ("Kiswahili", "sw"),
])
def test_language_names_and_codes_become_one_tag(written, tag):
    assert language_tag(written) == (tag, None)


@pytest.mark.parametrize("written, suggestion", [
    ("JavaScript", None), ("India", "Hindi"), ("Frenchy", "French"), ("qaa", None), ("Espanol", "español"),
])
def test_what_is_not_a_language_name_is_not_guessed(written, suggestion):
    """langcodes.find alone reads JavaScript as Javanese and India as Hindi: refused, with a suggestion."""
    assert language_tag(written) == (None, suggestion)


def test_one_item_naming_two_languages_keeps_both(tmp_path):
    make_files(tmp_path, {"mentors.yaml": "mentors:\n  - id: a\n    name: A\n"
                                          "    languages: ['English & Spanish', English/Hindi, en-US]\n"})
    (a,) = load_roster(tmp_path / "mentors.yaml", tmp_path)
    assert a.languages == ("es", "hi", "en-US")  # "English" beside "English (United States)" adds nothing


@pytest.mark.parametrize("written, code", [
    ("DE", "DE"), ("de", "DE"), ("DEU", "DE"), ("Germany", "DE"), ("Deutschland", "DE"), ("UK", "GB"),
    ("United Kingdom", "GB"), ("USA", "US"), ("España", "ES"), ("Espana", "ES"), ("Cote d'Ivoire", "CI"),
    ("Brasil", "BR"), ("EU", "EU"), ("Scotland", "GB"), ("Turkey", "TR"), ("Korea, Republic of", "KR"),
    ("Trinidad & Tobago", "TT"), ("St. Lucia", "LC"),
])
def test_countries_as_codes_or_names(written, code):
    assert country_code(written) == (code, None)


def test_a_typo_is_never_another_country():
    assert country_code("Nigera") == (None, "Nigeria")  # not Niger
    assert country_code("Korea") == (None, "South Korea")


@pytest.mark.parametrize("location, country", [
    ("Lagos, Nigeria", "NG"), ("Boston, MA", ""), ("Denver, CO", ""), ("Atlanta, Georgia", ""),
    ("London, UK", "GB"), ("San Francisco, CA, United States", "US"), ("Lagos", ""),
])
def test_a_country_is_read_from_the_end_of_a_location_by_name_only(tmp_path, location, country):
    """'Boston, MA' is Massachusetts, not Morocco: codes at the end of a location are not read."""
    make_files(tmp_path, {"mentors.yaml": f"mentors:\n  - id: a\n    name: A\n    location: '{location}'\n"})
    (a,) = load_roster(tmp_path / "mentors.yaml", tmp_path)
    assert a.country == country


def test_unreadable_language_and_country_are_named_with_a_suggestion(tmp_path):
    make_files(tmp_path, {"mentors.yaml": "mentors:\n  - id: a\n    name: A\n    languages: [English, Engish]\n"
                                          "    country: Gemany\n"})
    with pytest.raises(IngestError) as info:
        load_roster(tmp_path / "mentors.yaml", tmp_path)
    assert info.value.problems[0].where == "line 4, mentor 'a', field 'languages'"
    assert [p.message for p in info.value.problems] == [
        "unknown language 'Engish'; did you mean 'English'? write a language name such as 'English' or a code "
        "such as 'en' or 'pt-BR'",
        "unknown country 'Gemany'; did you mean 'Germany'? write an ISO code such as 'DE' or a name such as "
        "'Germany' (a city or region goes in 'location')",
    ]


# -- formats ------------------------------------------------------------------------------------


def test_async_email_group_and_declared_formats(tmp_path):
    make_files(tmp_path, {"mentors.yaml": "mentors:\n  - id: a\n    name: A\n"
                                          "    formats: [async, E-mail, group, Walk and talk, walk-n-talk]\n"})
    read = read_roster(tmp_path / "mentors.yaml", tmp_path, {"walk-and-talk": "on a walk"})
    assert [p.message for p in read.problems] == [
        "unknown format 'walk-n-talk'; did you mean 'walk-and-talk'? use any of video, phone, chat, in-person, "
        "async, email, group, walk-and-talk (kbgen.yml's directory.formats can add more)"]
    make_files(tmp_path, {"mentors.yaml": "mentors:\n  - id: a\n    name: A\n    formats: [async, Walk and talk]\n"})
    (a,) = load_roster(tmp_path / "mentors.yaml", tmp_path, {"walk-and-talk": "on a walk"})
    assert a.formats == ("async", "walk-and-talk")


def test_kbgen_yml_formats_are_checked(tmp_path):
    from kbgen.errors import ConfigError

    make_files(tmp_path, {"kbgen.yml": "directory:\n  formats:\n    'walk & talk': on a walk\n"})
    with pytest.raises(ConfigError) as info:
        load_project(tmp_path)
    assert "format 'walk & talk' is not a name of lower-case letters, digits and hyphens" in info.value.message


# -- capacity ------------------------------------------------------------------------------------


def test_capacity_not_stated_zero_and_all_slots_used(tmp_path):
    make_files(tmp_path, {"mentors.yaml": """\
mentors:
  - {id: open, name: Open}
  - {id: zero, name: Zero, capacity: 0}
  - {id: used, name: Used, capacity: 2, mentees: 2}
  - {id: some, name: Some, capacity: 3, mentees: 1}
"""})
    today = __import__("datetime").date(2026, 12, 6)
    got = {m.id: mentor_status(m, None, today, 365) for m in load_roster(tmp_path / "mentors.yaml")}
    assert (got["open"].kind, got["open"].reason) == ("taking", "capacity not stated; no session or roster update "
                                                                "date on record")
    assert (got["zero"].kind, got["zero"].reason) == ("full", "not taking mentees (capacity 0)")
    assert (got["used"].kind, got["used"].reason) == ("full", "all 2 mentee slots taken")
    assert (got["some"].kind, got["some"].reason.split(";")[0]) == ("taking", "2 open mentee slots of 3")


# -- photos ------------------------------------------------------------------------------------


PHOTO_ROSTER = """\
mentors:
  - id: ada
    name: Ada Lovelace
    photo: photos/ada.png
    expertise: [negotiation]
  - id: ben
    name: Ben Okafor
    organization: Harbor
    photo: https://avatars.example.org/ben.jpg
    expertise: [negotiation]
  - id: cai
    name: Cai Wen
    photo: https://cdn.intranet.example/cai.jpg
    expertise: [negotiation]
"""


def _photo_project(root: Path, extra: dict | None = None) -> Path:
    make_files(root, {"mkdocs.yml": MKDOCS, "site_src/index.md": "# Home\n", "recordings/README.txt": "",
                      "mentors.yaml": PHOTO_ROSTER,
                      "kbgen.yml": "allowed_hosts: [cdn.intranet.example]\n", "photos/ada.png": _png(),
                      **(extra or {})})
    return root


def test_photos_local_copied_allowed_shown_others_initials(tmp_path):
    root = _photo_project(tmp_path / "kb")
    lines: list[str] = []
    build(load_project(root), echo=lines.append, engine_factory=FakeEngine, key=EngineKey("fake", "fake-1", {}))
    site = root / "site" / "mentors"
    (photo,) = (site / "photos").iterdir()
    assert re.fullmatch(r"ada-[0-9a-f]{12}\.png", photo.name)
    from PIL import Image

    with Image.open(photo) as published, Image.open(io.BytesIO(_png())) as source:
        assert published.size == source.size and published.convert("RGB").tobytes() == source.convert("RGB").tobytes()
    ada = (site / "ada" / "index.html").read_text()
    assert f'src="../../mentors/photos/{photo.name}"' in ada  # from mentors/ada/index.html
    assert (site / "ada" / f"../../mentors/photos/{photo.name}").resolve() == photo.resolve()
    ben = (site / "ben" / "index.html").read_text()
    assert "avatars.example.org" not in ben  # not loaded: the host is not allowed
    assert '<span class="kb-initials" aria-hidden="true">BO</span>' in ben
    assert 'src="https://cdn.intranet.example/cai.jpg"' in (site / "cai" / "index.html").read_text()
    note = [x for x in lines if x.startswith("note: ")]
    assert note == ["note: 1 of 3 mentor photos are on other hosts (avatars.example.org (1)) and are not shown; "
                    "their pages show initials. To show them, save each photo in the project and give its path in "
                    "the roster (photo: photos/ada.jpg), or add the hosts to allowed_hosts in kbgen.yml (every "
                    "visitor's browser then contacts them)."]
    result = CliRunner().invoke(cli, ["validate", "--project", str(root)])
    assert result.exit_code == 0 and note[0] in result.output


@pytest.mark.parametrize("files, photo, message", [
    ({"photos/fake.jpg": b"GIF89a but not really an image"}, "photos/fake.jpg",
     "photo 'photos/fake.jpg' is not a whole image file that can be read; save it again as JPEG, PNG, GIF or "
     "WebP"),
    ({"photos/x.svg": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'}, "photos/x.svg",
     "photo 'photos/x.svg' is not a whole image file that can be read; save it again as JPEG, PNG, GIF or "
     "WebP"),
    ({}, "photos/missing.png", "photo 'photos/missing.png' not found; put the image in the project (the path is "
     "relative to the folder with kbgen.yml) or give an https:// URL"),
    ({}, "../outside.png", "photo '../outside.png' must be a path inside the project, relative to it, such as "
     "'photos/ada.jpg'"),
    ({}, "/etc/passwd", "photo '/etc/passwd' must be a path inside the project, relative to it, such as "
     "'photos/ada.jpg'"),
    ({}, "http://example.org/a.jpg", "photo 'http://example.org/a.jpg' uses http://; use https://"),
    ({"photos/cut.jpg": None}, "photos/cut.jpg",
     "photo 'photos/cut.jpg' is not a whole image file that can be read; save it again as JPEG, PNG, GIF or WebP"),
    ({"photos/huge.png": None}, "photos/huge.png",
     "photo 'photos/huge.png' has tens of millions of pixels; save a smaller portrait (at most 6000x6000)"),
    ({"recordings/ada.png": None}, "recordings/ada.png",
     "photo 'recordings/ada.png' is inside the recordings folder; keep photos in a folder of their own, such as "
     "photos/"),
    ({".kbgen/ada.png": None}, ".kbgen/ada.png",
     "photo '.kbgen/ada.png' is inside the cache folder; keep photos in a folder of their own, such as photos/"),
])
def test_bad_photo_files_are_named(tmp_path, files, photo, message, capfd):
    made = {"photos/cut.jpg": _jpeg()[:400], "photos/huge.png": _png((12000, 12000)), "recordings/ada.png": _png(),
            ".kbgen/ada.png": _png()}
    make_files(tmp_path, {"mentors.yaml": f"mentors:\n  - id: a\n    name: A\n    photo: '{photo}'\n",
                          **{k: made[k] if v is None else v for k, v in files.items()}})
    protected = {"the recordings folder": tmp_path / "recordings", "the cache folder": tmp_path / ".kbgen"}
    read = read_roster(tmp_path / "mentors.yaml", tmp_path, protected=protected)
    assert [(p.where, p.message) for p in read.problems] == [("line 4, mentor 'a', field 'photo'", message)]
    assert "Warning" not in capfd.readouterr().err  # Pillow's bomb warning is an error message, not a line


def _jpeg(exif: bytes | None = None) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(out, format="JPEG", **({"exif": exif} if exif else {}))
    return out.getvalue()


def test_a_published_photo_carries_no_metadata_nor_trailing_data(tmp_path):
    """A phone photo's EXIF (where it was taken) and bytes after the image never reach the site."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # camera make
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.3), 3: "E", 4: (13.0, 24.0, 5.6)}  # GPS
    source = _jpeg(exif.tobytes()) + b"<html><script>alert(1)</script>SECRET-TRAILER"
    root = _photo_project(tmp_path / "kb", {"photos/ada.png": source})  # a JPEG, whatever its name says
    build(load_project(root), engine_factory=FakeEngine, key=EngineKey("fake", "fake-1", {}))
    (photo,) = (root / "site" / "mentors" / "photos").iterdir()
    data = photo.read_bytes()
    assert photo.suffix == ".jpg" and b"SecretCam" not in data and b"SECRET-TRAILER" not in data
    with Image.open(photo) as published:
        assert not published.getexif() and published.size == (64, 48)
    # The file changed after the roster was read: refused, never published as it is now.
    from kbgen.directory.photos import PhotoError, write_photo

    with pytest.raises(PhotoError, match="changed while kbgen was building"):
        write_photo(root / "photos" / "ada.png", "0" * 12, tmp_path / "out.jpg")


def test_a_photo_that_is_not_a_regular_file(tmp_path):
    import os

    (tmp_path / "photos").mkdir()
    os.mkfifo(tmp_path / "photos" / "a.jpg")  # reading it would wait for ever
    make_files(tmp_path, {"mentors.yaml": "mentors:\n  - id: a\n    name: A\n    photo: photos/a.jpg\n"})
    read = read_roster(tmp_path / "mentors.yaml", tmp_path)
    assert [p.message for p in read.problems] == [
        "photo 'photos/a.jpg' is not a regular file; give the path of an image file"]


def test_a_photo_link_out_of_the_project_is_refused(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(_png())
    root = tmp_path / "kb"
    make_files(root, {"mentors.yaml": "mentors:\n  - id: a\n    name: A\n    photo: photos/a.png\n"})
    (root / "photos").mkdir()
    (root / "photos" / "a.png").symlink_to(secret)
    with pytest.raises(IngestError) as info:
        load_roster(root / "mentors.yaml", root)
    assert info.value.problems[0].message == ("photo 'photos/a.png': 'photos/a.png' is a symbolic link; put the "
                                              "image itself in the project")


# -- pages ----------------------------------------------------------------------------------------


def test_mentor_pages_read_right(tmp_path):
    """No 'Lists' row, no ', :' for a mentor without organisation, no empty Formats row, '1 organisation'."""
    root = tmp_path / "kb"
    make_files(root, {"mkdocs.yml": MKDOCS, "site_src/index.md": "# Home\n", "recordings/README.txt": "",
                      "mentors.yaml": """\
mentors:
  - {id: ana, name: Ana Lopez, expertise: [negotiation, feedback], languages: [English, español], formats: [async],
     location: "Lagos, Nigeria"}
  - {id: ben, name: Ben Okafor, organization: Harbor, expertise: [negotiation, feedback], country: Deutschland}
"""})
    build(load_project(root), engine_factory=FakeEngine, key=EngineKey("fake", "fake-1", {}))
    src = root / "site_src" / "mentors"
    ana, ben = (src / "ana.md").read_text(), (src / "ben.md").read_text()
    assert "| Lists |" not in ana and "| Expertise | [negotiation](../topics/negotiation.md)" in ana
    assert "| Languages | English, Spanish |" in ana and "| Location | Lagos, Nigeria |" in ana
    assert "<td>Meets</td>\n<td>asynchronously (messages answered later)</td>" in html.unescape(
        (root / "site" / "mentors" / "ana" / "index.html").read_text())
    assert "| Capacity | not stated |" in ana
    assert "| Meets |" not in ben and "| Formats |" not in ben and "| Languages |" not in ben
    assert "| Location | Germany |" in ben
    from kbgen.models import Mentor
    from kbgen.site.render import where_of

    assert where_of(Mentor(id="c", name="C", location="London, UK", country="GB")) == "London, UK"
    assert where_of(Mentor(id="c", name="C", location="London", country="GB")) == "London, United Kingdom"
    assert "- [Ana Lopez](./ana.md): shares" in ben  # no ", :" where Ana has no organisation
    assert "- [Ben Okafor](./ben.md), Harbor: shares" in ana
    assert "description: 'Ana Lopez'" in ana or "description: Ana Lopez\n" in ana
    index = (src / "index.md").read_text()
    assert "2 mentors from 1 organisation." in index
    assert "| [Ana Lopez](ana.md) |  | negotiation, feedback | English, Spanish | Lagos, Nigeria | UTC |" in index
    # The status is an inline pill beside its reason, not a bordered paragraph across the page.
    assert ('<p class="kb-status-line" markdown="0"><span class="kb-status kb-status-taking">Taking mentees</span>'
            in ana)


# -- the whole roster builds, and "Find a mentor" finds mentors (browser) ---------------------


@pytest.fixture(scope="module")
def coding_coach_site(tmp_path_factory):
    chromium_or_skip()
    root = tmp_path_factory.mktemp("cc") / "kb"
    make_files(root, {"mkdocs.yml": MKDOCS, "site_src/index.md": "# Home\n", "recordings/README.txt": "",
                      "mentors.yaml": CODING_COACH.read_text(encoding="utf-8")})
    lines: list[str] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(root.parent / "home"))
        build(load_project(root), echo=lines.append, engine_factory=FakeEngine, key=EngineKey("fake", "fake-1", {}))
    with serving(root / "site") as base:
        yield base, root, lines


@pytest.mark.browser
def test_coding_coach_builds_with_defaults_and_find_a_mentor_finds(coding_coach_site):
    base, root, lines = coding_coach_site
    data = json.loads((root / "site" / "mentors" / "directory.json").read_text())
    assert len(data["m"]) == 240
    assert {data["status"][m["s"]][0] for m in data["m"]} == {"taking"}
    assert [n for n in lines if n.startswith("note: ")][0].startswith("note: 240 of 240 mentor photos are on other "
                                                                     "hosts (avatars")
    sync_playwright = chromium_or_skip()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(timezone_id="Europe/London")
            outside: list[str] = []

            def route(r):
                outside.append(r.request.url)
                r.fulfill(status=204, body="")

            context.route(lambda url: not url.startswith(base), route)
            page = context.new_page()
            page.goto(base + "/mentors/")
            page.wait_for_selector("#kb-directory .kb-dir-browse li")
            assert page.locator(".kb-dir-browse .kb-count").text_content() == "240 of 240 mentors"
            page.get_by_label("Only mentors taking mentees").check()
            assert page.locator(".kb-dir-browse .kb-count").text_content() == "240 of 240 mentors"
            page.get_by_label("Topics I need help with (comma-separated)").fill("reactjs")
            page.get_by_role("button", name="Find mentors").click()
            count = page.locator(".kb-dir-find .kb-count").text_content()
            found = int(count.split()[0])
            assert found > 50 and "reactjs" in page.locator(".kb-find-results > li .kb-reasons").first.text_content()
            page.goto(base + "/mentors/paul-fitzgerald/")
            assert page.locator(".kb-initials").text_content() == "PF"
            assert not [u for u in outside if "licdn" in u or "githubusercontent" in u]  # no photo fetched
            context.close()
        finally:
            browser.close()
