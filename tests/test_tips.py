"""Tips tied to topics (issue 18, part 4): each topic's advice (its sessions' takeaways, newest
first, each at its moment) on its page and in an Atom feed, under the audience rules, canary-
tested; a learning path's welcome from its mentor."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from kbgen.cli import cli
from kbgen.config import load_project
from kbgen.enrich.takeaways import timed_takeaways
from kbgen.models import Segment, Transcript
from kbgen.pipeline import build
from kbgen.transcribe.engine import EngineKey
from tests.conftest import MKDOCS, ROSTER, FakeEngine, make_files, sidecar, write_wav

KEY = EngineKey("fake", "fake-1", {})
ATOM = "{http://www.w3.org/2005/Atom}"
SAID = {
    1.0: "Thanks for making time today. Always ask for the salary range before you name a number. "
         "Write down what you delivered this year, with numbers where you have them.",
    1.5: "Good to see you. Always check the amber lighthouse checklist before every release to production.",
    2.0: "Hello again. Always read the purple giraffe protocol before you talk to the finance team.",
}


class _Said(FakeEngine):
    """Each recording's words as sentences one second apart (so each tip has its own moment)."""

    def transcribe(self, audio, language=None, hotwords=None) -> Transcript:
        duration = len(audio) / 16000
        parts = [x.strip() + "." for x in SAID[round(duration, 1)].split(".") if x.strip()]
        segs = tuple(Segment(float(i * 3), float(i * 3 + 3), x) for i, x in enumerate(parts))
        return Transcript(segs, "en", duration, self.name, self.model_id)


def _project(tmp_path, kbgen_yml: str = ""):
    root = tmp_path / "kb"
    make_files(root, {
        "mkdocs.yml": MKDOCS, "mentors.yaml": ROSTER, "site_src/index.md": "# Home\n", "kbgen.yml": kbgen_yml,
        "recordings/pub.yml": sidecar("Salary talk"),
        "recordings/team.yml": sidecar("Release rota", visibility="internal").replace("2026-01-15", "2026-02-01"),
        "recordings/secret.yml": sidecar("Finance chat", visibility="private"),
    })
    for name, seconds in (("pub", 1.0), ("team", 1.5), ("secret", 2.0)):
        write_wav(root / "recordings" / f"{name}.wav", seconds)
    return root


def _feed(site) -> list[tuple[str, str]]:
    root = ET.parse(site / "topics" / "negotiation" / "tips.xml").getroot()
    return [(e.find(f"{ATOM}title").text, e.find(f"{ATOM}link").get("href")) for e in root.iter(f"{ATOM}entry")]


def test_tips_on_the_topic_page_and_feed_follow_the_audience(tmp_path):
    root = _project(tmp_path)
    for audience in ("public", "internal"):
        build(load_project(root), audience=audience, engine_factory=_Said, key=KEY)
        site = root / "site"
        entries = _feed(site)
        page = (site / "topics" / "negotiation" / "index.html").read_text()
        everything = "\n".join(p.read_text(errors="replace") for p in site.rglob("*") if p.is_file()).lower()
        assert "purple giraffe" not in everything  # private: in no build, no file
        titles = [title for title, _ in entries]
        assert "Always ask for the salary range before you name a number." in titles
        assert ("../../sessions/pub/#t=3", ) == tuple(href for title, href in entries if "salary range" in title)
        assert 'id="tips"' in page and "salary range" in page and "tips.xml" in page
        internal_tip = any("amber lighthouse" in title.lower() for title in titles)
        assert internal_tip == (audience == "internal"), audience
        assert ("amber lighthouse" in everything) == (audience == "internal")
        if audience == "internal":  # newest first: the internal session is the newer one
            assert "amber lighthouse" in titles[0].lower()


def test_tips_keep_the_moment_they_were_said():
    segs = (Segment(0.0, 4.0, "Hi there, nice to meet you."),
            Segment(4.0, 9.5, "Always ask for the salary range before you name a number."),
            Segment(9.5, 14.0, "We can talk again next week if you like."))
    tips = timed_takeaways(Transcript(segs, "en", 14.0, "x", "x"), 3)
    assert [(text, time) for text, time in tips] == [("Always ask for the salary range before you name a number.", 4.0)]


def test_a_paths_welcome_from_its_mentor(tmp_path):
    yml = ("learning_paths:\n  paths:\n    - id: start\n      title: Start here\n      sessions: [pub, team]\n"
           "      welcome: 'Glad you are here <b>!</b>'\n      mentor: ana\n")
    root = _project(tmp_path, yml)
    build(load_project(root), audience="internal", engine_factory=_Said, key=KEY)
    page = (root / "site" / "paths" / "start" / "index.html").read_text()
    assert "Glad you are here &lt;b&gt;!&lt;/b&gt;" in page and "A welcome from Ana Lopez" in page


@pytest.mark.parametrize("path_yml, said", [
    ("      welcome: Hi\n      mentor: anna\n", "no mentor 'anna' in the roster; did you mean 'ana'?"),
    ("      mentor: ana\n", "has no welcome"),
    ("      welcome: " + "x" * 1001 + "\n", "at most 1000"),
])
def test_bad_welcomes_are_named(tmp_path, path_yml, said):
    yml = "learning_paths:\n  paths:\n    - id: start\n      title: Start\n      sessions: [pub, team]\n" + path_yml
    root = _project(tmp_path, yml)
    result = CliRunner().invoke(cli, ["validate", "-p", str(root)])
    assert result.exit_code != 0 and said in result.output and "kbgen.yml" in result.output, result.output
