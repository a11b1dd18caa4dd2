"""Roster text in a Markdown context stays text: a contact URL carrying Markdown link syntax
made a live link (and, inside the href, event-handler attributes) on the mentor's page."""

from __future__ import annotations

import lxml.html

from kbgen.config import load_project
from kbgen.pipeline import build
from kbgen.transcribe.engine import EngineKey
from tests.conftest import FakeEngine

CONTACTS = {
    "ana": "https://ok.example/[x](/autofocus/onfocus=window.__x=33//)",
    "ben": "https://ok.example/[clickme](javascript:window.__x=11)",
}


def test_a_contact_url_with_markdown_syntax_stays_one_inert_link(project_dir):
    roster = project_dir / "mentors.yaml"
    text = roster.read_text().replace("contact: mailto:ana@example.org", f"contact: '{CONTACTS['ana']}'")
    roster.write_text(text.replace("contact: https://example.org/ben", f"contact: '{CONTACTS['ben']}'"))
    build(load_project(project_dir), engine_factory=FakeEngine, key=EngineKey("fake", "fake-1", {}))
    for mentor, url in CONTACTS.items():
        page = lxml.html.fromstring((project_dir / "site" / "mentors" / mentor / "index.html").read_bytes())
        live = [(el.tag, name, value) for el in page.iter() if isinstance(el.tag, str)
                for name, value in el.attrib.items()
                if name.startswith("on") or name == "autofocus" or value.strip().lower().startswith("javascript:")]
        assert live == []
        links = [a for a in page.iter("a") if a.get("rel") == "nofollow noopener"]
        assert [(a.get("href"), a.text_content()) for a in links] == [(url, url)]


def test_control_characters_in_a_roster_name_leave_the_feed_valid_xml(project_dir):
    import xml.etree.ElementTree as ET

    roster = project_dir / "mentors.yaml"
    roster.write_text(roster.read_text().replace("name: Ana Lopez", 'name: "Ana\\x07\\x1b[31m Lopez"'))
    build(load_project(project_dir), engine_factory=FakeEngine, key=EngineKey("fake", "fake-1", {}))
    feed = ET.fromstring((project_dir / "site" / "sessions" / "feed.xml").read_bytes())
    names = [el.text for el in feed.iter() if el.tag.endswith("}name")]
    assert "Ana[31m Lopez" in names
