"""The program page for coordinators: internal builds only, with the cohort's needs from the last
`kbgen match` (counts per topic, never a mentee's name), and charts drawn at build time as inline
SVG that make no request. A public build has no trace of it."""

from __future__ import annotations

import html as html_lib
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kbgen.cli import cli
from kbgen.config import load_project
from kbgen.pipeline import build
from kbgen.site import privacy
from kbgen.site.render import read_needs, svg_chart
from kbgen.transcribe.engine import EngineKey
from tests.conftest import FakeEngine, make_files, sidecar

KEY = EngineKey("fake", "fake-1", {})
CANARY = "Zebraquokka rota"  # an internal session's title: only in the internal build
MENTEES = ("Quillon Vantarsk", "Mirabel Oxtongue", "Tavish Plumcroft")

ROSTER = """\
mentors:
  - id: ana
    name: Ana Lopez
    timezone: Europe/Madrid
    languages: [en]
    expertise: [negotiation, feedback]
    capacity: 3
    mentees: 1
  - id: ben
    name: Ben Okafor
    timezone: Africa/Lagos
    languages: [en]
    expertise: [machine learning]
    capacity: 1
    available_until: 2020-01-31
  - id: cai
    name: Cai Moreno
    timezone: Europe/Madrid
    languages: [en]
    expertise: [public speaking]
"""

COHORT = f"""\
mentees:
  - id: m1
    name: {MENTEES[0]}
    languages: [en]
    needs: [negotiation, public speaking]
  - id: m2
    name: {MENTEES[1]}
    languages: [en]
    needs: [Negotiation]
  - id: m3
    name: {MENTEES[2]}
    languages: [en]
    needs: [grant writing]
"""


def _all_text(root: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in sorted(root.rglob("*")) if p.is_file())


def _build(root: Path, audience: str):
    engine = FakeEngine(default="We talked about salary. Ask for more. Negotiate calmly.")
    return build(load_project(root), audience=audience, engine_factory=lambda: engine, key=KEY)


@pytest.fixture
def program(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1775000000")  # 2026-04-01
    root = tmp_path / "kb"
    make_files(root, {
        "mkdocs.yml": "site_name: Test KB\ndocs_dir: site_src\ntheme:\n  name: material\n",
        "mentors.yaml": ROSTER,
        "site_src/index.md": "# Home\n",
        "recordings/pub.vtt": "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nAsk for the range first.\n",
        "recordings/pub.yml": sidecar("Negotiating an offer"),
        "recordings/team.vtt": "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nOur rota works.\n",
        "recordings/team.yml": sidecar(CANARY, visibility="internal", extra="format: webinar\n").replace(
            "2026-01-15", "2026-03-02"),
        "mentees.yaml": COHORT,
    })
    result = CliRunner().invoke(cli, ["match", str(root / "mentees.yaml"), "-p", str(root)])
    assert result.exit_code == 0, result.output
    return root


def test_match_writes_needs_counts_only(program):
    text = (program / "match" / "needs.json").read_text()
    assert json.loads(text) == {"needs": {"grant writing": 1, "negotiation": 2, "public speaking": 1}}
    for name in MENTEES:
        assert name not in text and name.split()[0] not in text
    assert "m1" not in text
    assert read_needs(program / "match" / "needs.json")["negotiation"] == 2
    assert read_needs(program / "match" / "missing.json") == {}


def test_internal_build_has_the_program_page(program):
    _build(program, "internal")
    page = html_lib.unescape((program / "site_src" / "program" / "index.md").read_text())
    # Mentors: capacity, mentees, open slots, status; and the one not active, with the reason.
    assert "| [Ana Lopez](../mentors/ana.md) | 3 | 1 | 2 | Taking mentees |" in page
    assert "| [Ben Okafor](../mentors/ben.md) | 1 | 0 | 1 | Not active |" in page
    assert "| [Cai Moreno](../mentors/cai.md) |  | 0 |  | Taking mentees |" in page
    not_active = page.split("## Mentors not active", 1)[1].split("##", 1)[0]
    assert "[Ben Okafor](../mentors/ben.md): " in not_active and "Ana" not in not_active
    # Sessions per month: this build's (public and internal), empty months too.
    assert "| 2026-01 | 1 |\n| 2026-02 | 0 |\n| 2026-03 | 1 |\n" in page
    # Topics: demand (the cohort's needs), supply (mentors) and their open slots (an inactive
    # mentor's count for nothing, an unstated capacity as 1), who waits, sessions and webinars.
    assert "| [negotiation](../topics/negotiation.md) | 2 | 1 | 2 | neither | 2 | 1 |" in page
    assert "| [public speaking](../topics/public-speaking.md) | 1 | 1 | 1 | neither | 0 | 0 |" in page
    assert "| grant writing | 1 | 0 | 0 | mentees: 1 more than the open slots | 0 | 0 |" in page
    assert "| [machine learning](../topics/machine-learning.md) | 0 | 1 | 0 | neither | 0 | 0 |" in page
    assert "| [feedback](../topics/feedback.md) | 0 | 1 | 2 | mentors: 2 open slots more than asked | 0 | 0 |" in page
    unrecorded = page.split("## Topics with mentors but no sessions", 1)[1]
    assert "[public speaking](../topics/public-speaking.md): 1 mentor" in unrecorded
    assert "negotiation" not in unrecorded

    site = program / "site"
    html = (site / "program" / "index.html").read_text()
    assert CANARY in (site / "sessions" / "team" / "index.html").read_text()
    nav = r'<a href="\.\./program/" class="md-nav__link">\s*<span class="md-ellipsis">\s*Program\s*</span>'
    assert re.search(nav, _all_text(site / "sessions"))
    svgs = re.findall(r"<figure class=\"kbgen-chart\"><svg\b.*?</svg></figure>", html, re.S)
    assert len(svgs) == 2
    for svg in svgs:
        assert 'role="img"' in svg and "aria-label=" in svg and "<title>" in svg
        assert "<script" not in svg and "href" not in svg and "<!--" not in svg
        assert not re.search(r"url\(|@import", svg)
    assert "Sessions per month" in svgs[0] and "grant writing" in svgs[1]
    assert privacy.scan_html(html, "program/index.html") == []
    assert privacy.scan_site(site) == []
    # Mentee names never reach the site (nor the docs folder).
    text = _all_text(site) + _all_text(program / "site_src")
    for name in MENTEES:
        assert name not in text


def test_public_build_has_no_trace_of_it(program):
    _build(program, "internal")
    assert (program / "site" / "program" / "index.html").is_file()
    _build(program, "public")  # after an internal build: its page must go
    assert not (program / "site_src" / "program").exists()
    assert not (program / "site" / "program").exists()
    text = _all_text(program / "site") + _all_text(program / "site_src")
    assert CANARY not in text
    assert "program/" not in text and "program.html" not in text
    assert not re.search(r">\s*Program\s*<", text)
    assert "Mentees who ask for it" not in text and "Sessions per month" not in text


def test_chart_escapes_labels_and_is_reproducible():
    labels = ['<script>alert(1)</script>', 'a & "b"']
    one = svg_chart("kbgen-test", "T <x>", labels, [("S", [1, 2])])
    two = svg_chart("kbgen-test", "T <x>", labels, [("S", [1, 2])])
    assert one == two and "\n" not in one
    assert "<script" not in one and "&lt;script&gt;" in one
    assert privacy.scan_html(f"<html><body>{one}</body></html>", "x.html") == []


@pytest.mark.parametrize("horizontal", [False, True])
def test_chart_shows_every_label_and_its_scale(horizontal):
    """Each bar is named and the value axis has its numbers. pygal's show_minor_y_labels=False
    dropped the topic names of the horizontal chart (its categories sit on the y axis) and
    all but the value 0 of the month chart: bars no one could read."""
    labels = ["leadership", "feedback", "career change"]
    svg = svg_chart("kbgen-test", "T", labels, [("Mentors", [7, 6, 5]), ("Mentees", [0, 1, 0])],
                    horizontal=horizontal)
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert set(labels) <= set(texts)
    assert {"0", "1", "2", "3", "4", "5", "6", "7"} <= set(texts)


def test_session_formats_webinar_group_one_to_one(tmp_path):
    """`format: webinar` is a webinar; several named mentees make a group; else one-to-one. A
    format kbgen does not know is named with the choices."""
    import datetime as dt

    from kbgen.models import Session

    def session(**kw):
        return Session(id="s", title="S", date=dt.date(2026, 1, 1), mentors=("ana",), topics=(),
                       visibility="public", consent=True, **kw)

    assert session().kind == "one-to-one" and session(mentees=("A", "B")).kind == "group"
    assert session(format="webinar", mentees=("A", "B")).kind == "webinar"
    root = tmp_path / "kb"
    make_files(root, {"mkdocs.yml": "site_name: T\ndocs_dir: site_src\n", "mentors.yaml": ROSTER,
                      "recordings/a.vtt": "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHello.\n",
                      "recordings/a.yml": sidecar("A", extra="format: seminar\n")})
    result = CliRunner().invoke(cli, ["validate", "-p", str(root)])
    assert result.exit_code != 0 and "recordings/a.yml" in result.output
    assert "'seminar' is not one of one-to-one, group, webinar" in result.output
