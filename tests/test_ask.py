""""Ask about this" (issue 18, part 3): a session page and the moment being looked at open a mail
(or an intranet form) with the title and the moment's link filled in, to the mentor or the program;
none for a mentor who opts out. Tested as an attacker would write a title, and in Chromium."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from click.testing import CliRunner

from kbgen.cli import cli
from kbgen.config import load_project
from kbgen.models import Segment, Transcript
from kbgen.pipeline import build
from kbgen.transcribe.engine import EngineKey
from tests.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MKDOCS,
    FakeEngine,
    chromium_or_skip,
    make_files,
    serving,
    sidecar,
    write_wav,
)

KEY = EngineKey("fake", "fake-1", {})
HOSTILE = 'Pay & perks?cc=evil&bcc=spy&body=x#x "<b>'
ROSTER = """\
mentors:
  - id: ana
    name: Ana Lopez
    contact: mailto:ana@example.org
  - id: ben
    name: Ben Okafor
    contact: mailto:ben@example.org
    accepts_questions: false
  - id: cy
    name: Cy Park
    contact: https://example.org/cy
"""


class _LinesEngine(FakeEngine):
    """Three lines a recording, the second starting between seconds (4.3 s)."""

    def transcribe(self, audio, language=None, hotwords=None) -> Transcript:
        duration = len(audio) / 16000
        said = ("First we talk about pay.", "Then about perks.", "And then we close.")
        starts = [0.0, duration * 0.36, duration * 0.72]
        ends = [*starts[1:], duration]
        return Transcript(tuple(Segment(a, b, x) for a, b, x in zip(starts, ends, said, strict=True)), "en",
                          duration, self.name, self.model_id)


def _project(tmp_path, kbgen_yml: str = ""):
    root = tmp_path / "kb"
    make_files(root, {
        "mkdocs.yml": MKDOCS, "mentors.yaml": ROSTER, "site_src/index.md": "# Home\n", "kbgen.yml": kbgen_yml,
        "recordings/hostile.yml": sidecar(HOSTILE.replace('"', '\\"').join('""'), mentors="[ana]"),
        "recordings/quiet.yml": sidecar("Ben's session", mentors="[ben]"),
        "recordings/web.yml": sidecar("Cy's session", mentors="[cy]"),
    })
    for name, seconds in (("hostile", 12.0), ("quiet", 1.0), ("web", 1.5)):
        write_wav(root / "recordings" / f"{name}.wav", seconds)
    build(load_project(root), engine_factory=_LinesEngine, key=KEY)
    return root


def _ask_href(page: str) -> str | None:
    found = re.search(r'class="kb-ask-session" href="([^"]*)"', page)
    return html.unescape(found.group(1)) if found else None


def _mail(href: str) -> tuple[str, dict]:
    parts = urlsplit(href)
    assert parts.scheme == "mailto"
    return unquote(parts.path), parse_qs(parts.query, keep_blank_values=True)


def test_a_mail_to_the_mentor_with_the_title_and_nothing_the_title_adds(tmp_path):
    root = _project(tmp_path)
    sessions = root / "site" / "sessions"
    to, query = _mail(_ask_href((sessions / "hostile" / "index.html").read_text()))
    assert to == "ana@example.org"
    assert set(query) == {"subject", "body"}  # the title's "?cc=" and "&bcc=" stayed text
    assert query["subject"] == [f"Question about “{HOSTILE}”"]
    assert query["body"][0].startswith("About sessions/hostile/ (with Ana Lopez):")
    # Ben opted out; Cy has no mail address and there is no program address: no link, no template.
    for sid in ("quiet", "web"):
        page = (sessions / sid / "index.html").read_text()
        assert "kb-ask" not in page and "data-ask" not in page and "KBGEN-ASK-LINK" not in page


def test_a_program_address_or_a_form(tmp_path):
    root = _project(tmp_path, "ask:\n  to: mentoring@example.org\n")
    sessions = root / "site" / "sessions"
    assert _mail(_ask_href((sessions / "web" / "index.html").read_text()))[0] == "mentoring@example.org"
    assert _ask_href((sessions / "quiet" / "index.html").read_text()) is None  # the mentor opted out

    form = "https://forms.example.org/ask?about={title}&at={link}&who={mentor}"
    root = _project(tmp_path / "form", f"ask:\n  form: '{form}'\n")
    href = _ask_href((root / "site" / "sessions" / "hostile" / "index.html").read_text())
    parts = urlsplit(href)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "forms.example.org", "/ask")
    query = parse_qs(parts.query)
    assert set(query) == {"about", "at", "who"} and query["about"] == [HOSTILE] and query["who"] == ["Ana Lopez"]
    assert query["at"] == ["sessions/hostile/"]


def test_accepts_questions_is_true_or_false(tmp_path):
    root = tmp_path / "kb"
    make_files(root, {"mkdocs.yml": MKDOCS,
                      "mentors.yaml": "mentors:\n  - id: a\n    name: A\n    accepts_questions: nope\n"})
    result = CliRunner().invoke(cli, ["validate", "-p", str(root)])
    assert result.exit_code != 0 and "accepts_questions" in result.output and "true or false" in result.output


@pytest.mark.parametrize("yml, said", [
    ("ask:\n  to: not an address\n", "not an e-mail address"),
    ("ask:\n  form: http://forms.example.org/?t={title}\n", "https://"),
    ("ask:\n  form: https://forms.example.org/?t={secret}\n", "only {title}, {link} and {mentor}"),
])
def test_bad_ask_settings_are_named(tmp_path, yml, said):
    root = tmp_path / "kb"
    make_files(root, {"mkdocs.yml": MKDOCS, "mentors.yaml": ROSTER, "kbgen.yml": yml})
    result = CliRunner().invoke(cli, ["validate", "-p", str(root)])
    assert result.exit_code != 0 and said in result.output and "kbgen.yml" in result.output
    assert "Traceback" not in result.output


@pytest.mark.browser
def test_the_moment_being_looked_at_gets_its_own_link(tmp_path):
    """In Chromium: the session's link carries the page's full address; clicking a line of the
    transcript marks it and puts "Ask about this moment" in it, with the line's #t= address."""
    sync_playwright = chromium_or_skip()
    root = _project(tmp_path)
    with serving(root / "site") as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pg = browser.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto(base + "/sessions/hostile/")
        session = pg.locator("a.kb-ask-session")
        assert session.inner_text() == "Ask about this session"
        body = _mail(session.get_attribute("href"))[1]["body"][0]
        assert body.startswith(f"About {base}/sessions/hostile/ (with Ana Lopez):")
        lines = pg.locator(".kb-transcript p")
        assert lines.count() >= 2
        lines.nth(1).locator("a.kb-ts").click()
        moment = lines.nth(1).locator("a.kb-ask-moment")
        assert moment.inner_text() == "Ask about this moment" and pg.locator("a.kb-ask-moment").count() == 1
        start = float(lines.nth(1).locator("a.kb-ts").get_attribute("data-start"))
        body = _mail(moment.get_attribute("href"))[1]["body"][0]
        assert body.startswith(f"About {base}/sessions/hostile/#t={start:g} (with Ana Lopez):")
        assert pg.url.endswith(f"#t={start:g}")  # clicking the line's time did what it always did
        browser.close()
    assert errors == []
