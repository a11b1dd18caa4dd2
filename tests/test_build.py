"""The whole build with a fake engine: audiences, escaping, atomic site, cache, stale pages."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from kbgen.config import load_project
from kbgen.errors import BuildError, IngestError
from kbgen.pipeline import build
from kbgen.transcribe.engine import EngineKey
from tests.conftest import FakeEngine, make_files, sidecar

KEY = EngineKey("fake", "fake-1", {})
CANARY_INTERNAL = "zebracanaryinternal"
CANARY_PRIVATE = "zebracanaryprivate"
CANARY_NOCONSENT = "zebracanarynoconsent"
PAYLOAD = '<img src=x onerror=alert(1)>'


def _build(root: Path, engine: FakeEngine | None = None, **kw):
    engine = engine or FakeEngine()
    return build(load_project(root), engine_factory=lambda: engine, key=KEY, **kw)


def _tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _all_text(root: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in sorted(root.rglob("*")) if p.is_file())


@pytest.fixture
def canary_project(project_dir):
    """Markers planted in every field of the internal, private and unconsented sessions."""
    rec = project_dir / "recordings"

    def planted(marker: str, visibility: str, consent: bool = True) -> str:
        return sidecar(f"Title {marker}", visibility=visibility, consent=consent, topics=f"[topic-{marker}]",
                       extra=f"description: About {marker}\n").replace("mentee: anonymous", f"mentee: {marker}")

    (rec / "team.yml").write_text(planted(CANARY_INTERNAL, "internal"))
    (rec / "secret.yml").write_text(planted(CANARY_PRIVATE, "private"))
    (rec / "shy.yml").write_text(planted(CANARY_NOCONSENT, "public", consent=False))
    (rec / "shy.wav").write_bytes((rec / "pub.wav").read_bytes()[:-3200])  # 0.9 s
    return project_dir


def _engine() -> FakeEngine:
    return FakeEngine({
        1.0: "We talked about salary. The offer was good. Ask for more money. Always negotiate calmly.",
        1.5: f"The {CANARY_INTERNAL} is our internal rota. It is secret. Nobody outside sees it.",
        2.0: f"My {CANARY_PRIVATE} story. It is private. Never publish it.",
        0.9: f"I did not consent {CANARY_NOCONSENT}. Please keep it. Thank you.",
    })


def test_public_build_has_no_trace_of_other_sessions(canary_project):
    report = _build(canary_project, _engine(), audience="public")
    assert report.published == ["pub"]
    assert {e.session_id for e in report.excluded} == {"team", "secret", "shy"}
    site = canary_project / "site"
    assert (site / "sessions" / "pub" / "index.html").is_file()
    assert (site / "search" / "search_index.json").is_file() and (site / "sitemap.xml").is_file()
    text = _all_text(site) + _all_text(canary_project / "site_src")
    for marker in (CANARY_INTERNAL, CANARY_PRIVATE, CANARY_NOCONSENT):
        assert marker not in text
    assert "Ask for more money" in (site / "search" / "search_index.json").read_text()
    media = sorted(p.name for p in (site / "media").iterdir())
    assert media == ["pub.wav"]


def test_internal_build_adds_internal_never_private(canary_project):
    report = _build(canary_project, _engine(), audience="internal")
    assert report.published == ["pub", "team"]
    text = _all_text(canary_project / "site")
    assert CANARY_INTERNAL in text
    assert CANARY_PRIVATE not in text and CANARY_NOCONSENT not in text
    # Going back to public removes the internal pages from every file (stale pages go).
    _build(canary_project, _engine(), audience="public")
    assert CANARY_INTERNAL not in _all_text(canary_project / "site") + _all_text(canary_project / "site_src")


def test_session_page_content_and_links(project_dir):
    _build(project_dir, _engine())
    page = (project_dir / "site" / "sessions" / "pub" / "index.html").read_text()
    assert "Negotiating an offer" in page
    assert 'href="../../mentors/ana/"' in page  # the session links its mentor
    assert 'href="../../topics/negotiation/"' in page
    assert '<audio controls preload="metadata" src="../../media/pub.wav">' in page
    assert 'data-start="0.00"' in page and "Ask for more money" in page
    mentor = (project_dir / "site" / "mentors" / "ana" / "index.html").read_text()
    assert 'href="../../sessions/pub/"' in mentor
    assert "Ben Okafor" in mentor and "shares feedback" in mentor  # similar-mentor hint, shared term named
    assert 'href="mailto:ana@example.org"' in mentor


def test_sessions_are_not_listed_in_the_nav(project_dir):
    _build(project_dir, _engine(), audience="internal")
    # The nav is copied into every page: the 404 page shows exactly what the nav holds.
    nav = (project_dir / "site" / "404.html").read_text()
    assert "sessions/pub/" not in nav and "sessions/team/" not in nav
    assert "sessions/" in nav and "mentors/" in nav and "topics/" in nav


def test_html_in_every_text_field_renders_as_text(project_dir):
    rec = project_dir / "recordings"
    (rec / "pub.yml").write_text(
        sidecar(f"'{PAYLOAD} title'", topics=f"['{PAYLOAD}', negotiation]",
                extra=f"description: '[x](javascript:alert(1)) {PAYLOAD}'\n")
        .replace("mentee: anonymous", f"mentee: '{PAYLOAD}'"))
    roster = (project_dir / "mentors.yaml").read_text()
    roster = roster.replace("name: Ana Lopez", f"name: '{PAYLOAD} Ana'").replace(
        "bio: Ana leads a platform team.", f"bio: '<script>alert(2)</script> {PAYLOAD}'").replace(
        "title: Engineering Manager", "title: '[click](javascript:alert(3))'")
    (project_dir / "mentors.yaml").write_text(roster)
    engine = FakeEngine(default=f"Hello {PAYLOAD} and <script>alert(4)</script> there. It is fine.")
    _build(project_dir, engine, audience="public")
    site = project_dir / "site"
    for path in sorted(site.rglob("*")):
        if path.suffix in (".html", ".json", ".xml"):
            text = path.read_text()
            assert PAYLOAD not in text, path
            assert "<script>alert" not in text, path
            assert 'href="javascript:' not in text, path
    page = (site / "sessions" / "pub" / "index.html").read_text()
    assert "&lt;img src=x onerror=alert(1)&gt; title" in page


def test_failed_build_leaves_the_previous_site_byte_for_byte(project_dir):
    _build(project_dir, _engine())
    before = _tree(project_dir / "site")
    # Bad input: stops before anything is written.
    (project_dir / "recordings" / "pub.yml").write_text("title: [broken\n")
    with pytest.raises(IngestError, match="recordings/pub.yml: line 2: not valid YAML"):
        _build(project_dir, _engine())
    assert _tree(project_dir / "site") == before
    # A failing MkDocs build (broken link, strict): the old site stays.
    (project_dir / "recordings" / "pub.yml").write_text(sidecar("Negotiating an offer"))
    make_files(project_dir, {"site_src/broken.md": "# Broken\n\n[nowhere](missing.md)\n"})
    with pytest.raises(BuildError, match="missing.md"):
        _build(project_dir, _engine())
    assert _tree(project_dir / "site") == before
    assert not [p for p in project_dir.iterdir() if p.name.startswith(".site-")]
    import threading

    assert not any(t.name == "kbgen-pagefind" for t in threading.enumerate())  # Pagefind, begun beside MkDocs: closed


def test_damaged_recording_fails_the_build_naming_the_file(project_dir):
    _build(project_dir, _engine())
    before = _tree(project_dir / "site")
    (project_dir / "recordings" / "pub.wav").write_bytes(b"this is not audio at all" * 10)
    with pytest.raises(BuildError) as info:
        _build(project_dir, _engine())
    assert "recordings/pub.wav" in info.value.format_message()
    assert _tree(project_dir / "site") == before


def test_second_build_with_nothing_changed_loads_no_model(project_dir):
    engine = _engine()
    _build(project_dir, engine, audience="internal")
    assert engine.calls == 2

    def no_model():
        raise AssertionError("the engine was created although every transcript is cached")

    report = build(load_project(project_dir), audience="internal", engine_factory=no_model, key=KEY)
    assert report.published == ["pub", "team"]


def test_topic_pages_never_collide_or_vanish(project_dir):
    (project_dir / "recordings" / "pub.yml").write_text(
        sidecar("Languages", topics="['C++', 'C#', c, '🎯', index]"))
    _build(project_dir, _engine())
    topics = project_dir / "site" / "topics"
    pages = sorted(p.name for p in topics.iterdir() if p.is_dir())
    assert {"c-plus-plus", "c-sharp", "c"} <= set(pages)
    assert any(p.startswith("topic-") for p in pages)  # the emoji topic has a page of its own
    assert "index" not in pages and (topics / "index.html").is_file()
    import html

    index = html.unescape((topics / "index.html").read_text())
    assert "c++" in index and "c#" in index


def test_nested_nav_and_marker(project_dir):
    make_files(project_dir, {
        "mkdocs.yml": "site_name: T\ndocs_dir: site_src\nnav:\n  - Home: index.md\n  - Guides:\n"
                      "      - About: about.md\n",
        "site_src/about.md": "# About\n",
    })
    _build(project_dir, _engine(), audience="internal")
    nav = (project_dir / "site" / "404.html").read_text()
    assert "about/" in nav and "sessions/" in nav
    assert json.loads((project_dir / "site" / ".kbgen-site").read_text()) == {"audience": "internal"}
    assert (project_dir / "site").stat().st_mode & 0o777 == 0o755


def test_template_syntax_in_text_is_inert(project_dir):
    (project_dir / "mentors.yaml").write_text((project_dir / "mentors.yaml").read_text().replace(
        "bio: Ana leads a platform team.", "bio: 'Hi {{ 7*7 }} {% if 1 %}x{% endif %}'"))
    _build(project_dir, FakeEngine(default="We say {{ config.site_name }} here."))
    for page in ("mentors/ana/index.html", "sessions/pub/index.html"):
        text = (project_dir / "site" / page).read_text()
        assert "{{" not in text and "{%" not in text, page


def test_transcript_downloads_beside_each_published_page(canary_project):
    _build(canary_project, _engine(), audience="public")
    sessions = canary_project / "site" / "sessions"
    assert sorted(p.name for p in sessions.iterdir() if p.is_file() and p.name.startswith("pub.")) == [
        "pub.json", "pub.srt", "pub.vtt"]
    data = json.loads((sessions / "pub.json").read_text())
    assert data["segments"][0]["text"].startswith("We talked about salary.")
    assert (sessions / "pub.vtt").read_text().startswith("WEBVTT")
    page = (sessions / "pub" / "index.html").read_text()
    assert 'href="../pub.vtt"' in page and 'href="../pub.srt"' in page and 'href="../pub.json"' in page


ZOOM_VTT = """WEBVTT

1
00:00:00.000 --> 00:00:04.000
Speaker 1: Ask for the range first, then anchor high.

2
00:00:04.500 --> 00:00:07.000
Jordan: That makes sense, thank you.
"""


def test_imported_transcripts_replace_transcription_unless_asked(project_dir):
    rec = project_dir / "recordings"
    (rec / "pub.yml").write_text(sidecar("Negotiating an offer", extra="speakers: {Speaker 1: Ana Lopez}\n"))
    (rec / "pub.vtt").write_text(ZOOM_VTT)
    (rec / "notes.yml").write_text(sidecar("Transcript only"))
    (rec / "notes.srt").write_text("1\n00:00:01,000 --> 00:00:02,500\nOnly words, no audio.\n")
    engine = _engine()
    report = _build(project_dir, engine)
    assert report.published == ["notes", "pub"] and engine.calls == 0  # nothing transcribed
    page = (project_dir / "site" / "sessions" / "pub" / "index.html").read_text()
    assert '<strong class="kb-speaker">Ana Lopez:</strong> Ask for the range first' in page
    # The sidecar's mentee is anonymous: the speaker label "Jordan" is published as "Mentee".
    assert '<strong class="kb-speaker">Mentee:</strong>' in page and "Jordan" not in page
    assert "an imported WebVTT file" in page
    notes = (project_dir / "site" / "sessions" / "notes" / "index.html").read_text()
    assert "<audio" not in notes and "Transcript only: no recording is published" in notes
    assert "Only words, no audio." in notes
    # --retranscribe: the recording is transcribed; the transcript-only session is still imported.
    report = _build(project_dir, engine, retranscribe=True)
    assert engine.calls == 1
    assert "Ask for more money" in (project_dir / "site" / "sessions" / "pub" / "index.html").read_text()


def test_a_broken_transcript_fails_the_build_naming_file_and_line(project_dir):
    (project_dir / "recordings" / "pub.vtt").write_text("WEBVTT\n\n00:00:01.000 --> 00:00:xx.000\nHi\n")
    with pytest.raises(BuildError) as info:
        _build(project_dir, _engine())
    assert "recordings/pub.vtt: line 3" in info.value.format_message()


def test_redaction_reaches_every_published_file_and_withholds_the_audio(project_dir):
    secret = "Mail jordan.lee@gmail.com or call +1 415 555 0134. Jordan's manager agreed. Ask early."
    (project_dir / "recordings" / "pub.yml").write_text(
        sidecar("Offer talk with Jordan", extra="redact: [Jordan]\ndescription: Jordan asks about pay\n"))
    _build(project_dir, FakeEngine(default=secret))
    site = project_dir / "site"
    text = _all_text(site)
    for planted in ("jordan.lee@gmail.com", "555 0134", "Jordan"):
        assert planted not in text, planted
    page = (site / "sessions" / "pub" / "index.html").read_text()
    assert "[email]" in page and "[phone]" in page and "[name]" in page
    assert "Personal data was redacted from this transcript" in page
    assert "The recording is not published" in page and "<audio" not in page
    assert not (site / "media").exists() or not list((site / "media").iterdir())
    # The sidecar may publish the audio all the same.
    (project_dir / "recordings" / "pub.yml").write_text(
        sidecar("Offer talk", extra="redact: [Jordan]\npublish_audio: true\n"))
    _build(project_dir, FakeEngine(default=secret))
    assert (site / "media" / "pub.wav").is_file()


def test_paginated_index_year_pages_and_an_atom_feed_of_this_audience(canary_project):
    import xml.etree.ElementTree as ET

    rec = canary_project / "recordings"
    for i in range(7):
        (rec / f"extra-{i}.yml").write_text(sidecar(f"Extra <b>{i}</b> & more").replace(
            "date: 2026-01-15", f"date: {2025 if i < 2 else 2026}-0{i + 1}-10"))
        (rec / f"extra-{i}.wav").write_bytes((rec / "pub.wav").read_bytes())
    make_files(canary_project, {"kbgen.yml": "sessions_per_page: 5\n"})
    _build(canary_project, _engine())
    sessions = canary_project / "site" / "sessions"
    assert (sessions / "page-2" / "index.html").is_file() and not (sessions / "page-3").exists()  # 8 sessions
    first = (sessions / "index.html").read_text()
    assert "page 1 of 2" in first and 'href="page-2/"' in first
    assert (sessions / "year-2025" / "index.html").is_file() and (sessions / "year-2026" / "index.html").is_file()
    # 6 sessions in 2026, 5 a page: the year has a second page, linked from its first.
    assert 'href="../year-2026-page-2/"' in (sessions / "year-2026" / "index.html").read_text()
    assert "page 2 of 2" in (sessions / "year-2026-page-2" / "index.html").read_text()
    assert not (sessions / "year-2025-page-2").exists()
    feed = ET.parse(sessions / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert len(titles) == 8 and "Extra <b>6</b> & more" in titles  # escaped by the XML writer, read back
    assert "<b>" not in (sessions / "feed.xml").read_text()
    text = (sessions / "feed.xml").read_text()
    for marker in (CANARY_INTERNAL, CANARY_PRIVATE, CANARY_NOCONSENT):
        assert marker not in text
    assert feed.findtext("a:updated", namespaces=ns) == "2026-07-10T00:00:00Z"  # newest session: deterministic
    # Topic and mentor pages stay small too: the newest 5 sessions, the rest on their own pages.
    topic = (canary_project / "site" / "topics" / "negotiation" / "index.html").read_text()
    import re

    def listed(html: str) -> int:
        return len(re.findall(r'href="(?:\.\./)+sessions/(?:pub|extra-\d)/"', html))

    assert listed(topic) == 5 and "newest 5 of 8" in topic and 'href="page-2/"' in topic
    more = (canary_project / "site" / "topics" / "negotiation" / "page-2" / "index.html").read_text()
    assert "Sessions 6 to 8 of 8" in more and listed(more) == 3
    assert 'href="../"' in more  # back to the topic page
    mentor = (canary_project / "site" / "mentors" / "ana" / "index.html").read_text()
    assert "newest 5 of 8" in mentor and listed(mentor) == 5
    assert (canary_project / "site" / "mentors" / "ana" / "page-2" / "index.html").is_file()


def test_same_inputs_give_the_same_bytes(project_dir, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    _build(project_dir, _engine(), audience="internal")
    first = _tree(project_dir / "site")
    for path in (project_dir / "recordings").iterdir():
        path.touch()
    _build(project_dir, _engine(), audience="internal")
    assert _tree(project_dir / "site") == first


def test_forked_workers_write_every_file(tmp_path):
    """make_files shares the groups among forked processes, which write the files themselves."""
    import os
    import sys
    from functools import partial

    from kbgen.site.render import make_files

    if not sys.platform.startswith("linux"):
        pytest.skip("files are made by forked workers on Linux only")
    import multiprocessing

    both = multiprocessing.get_context("fork").Barrier(2)  # each share's first file waits for the other's

    def make(i: int, j: int) -> str:
        if i < 2 and j == 0:
            both.wait(timeout=60)
        return f"{i}.{j} {os.getpid()}"

    groups = [[(tmp_path / f"g{i}" / f"{j}.txt", partial(make, i, j)) for j in range(3)] for i in range(24)]
    make_files(groups, workers=2)
    texts = {p.read_text() for p in tmp_path.rglob("*.txt")}
    assert len(texts) == 72 and {t.split()[0] for t in texts} == {f"{i}.{j}" for i in range(24) for j in range(3)}
    pids = {int(t.split()[1]) for t in texts}
    assert len(pids) == 2 and os.getpid() not in pids


def _sessions(root: Path, n: int) -> dict[float, str]:
    """A project of ``n`` short sessions; the FakeEngine texts of their recordings (by length)."""
    from tests.conftest import MKDOCS, ROSTER, write_wav

    make_files(root, {"mkdocs.yml": MKDOCS, "mentors.yaml": ROSTER, "site_src/index.md": "# Home\n"})
    texts = {}
    for i in range(n):
        seconds = 1.0 + i / 10
        write_wav(root / "recordings" / f"s{i:02d}.wav", seconds)
        (root / "recordings" / f"s{i:02d}.yml").write_text(sidecar(f"Session {i}"))
        texts[seconds] = f"Session {i} is about negotiation, salary number {i}. and a recruiter. " * 3
    return texts


def test_session_files_are_the_same_made_in_workers_or_here(tmp_path, monkeypatch):
    """Twenty sessions rendered by two forked workers, then by this process alone: same bytes."""
    from kbgen.site import render

    root = tmp_path / "kb"
    texts = _sessions(root, 20)
    made, start = render.make_files, render.start_files
    pids: set[int] = set()

    def watched(groups, workers=None, **kw):  # the downloads' makers note the process that ran them
        import os
        from pathlib import Path

        def note(make):
            def run():
                Path(root / "pids").mkdir(exist_ok=True)
                (root / "pids" / str(os.getpid())).touch()
                return make()
            return run
        if kw.get("place") is None:  # make_files' (pages, search documents)
            return start(groups, workers, **kw)
        return start([[(p, note(m)) for p, m in group] for group in groups], workers, **kw)

    monkeypatch.setattr(render, "make_files", lambda groups: made(groups, workers=2))
    monkeypatch.setattr(render, "start_files", watched)
    _build(root, FakeEngine(texts))
    import os

    pids = {int(p.name) for p in (root / "pids").iterdir()}
    assert pids and os.getpid() not in pids  # the downloads and search documents: beside MkDocs, in a worker
    forked, site, docs = _tree(root / "site_src"), _tree(root / "site"), _tree(root / ".kbgen" / "search-docs")
    downloads = {k: v for k, v in forked.items() if k.endswith((".vtt", ".srt", ".json")) and k.startswith("sessions/")}
    assert len(downloads) == 60 and all(site[k] == v for k, v in downloads.items())  # linked into the site
    (root / ".kbgen" / "render-state.json").unlink()
    monkeypatch.setattr(render, "make_files", lambda groups: made(groups, workers=1))
    monkeypatch.setattr(render, "start_files",
                        lambda groups, workers=None, **kw: start(groups, workers, **{**kw, "least": 99}))
    assert _build(root, FakeEngine(texts)).reused == 0
    assert _tree(root / "site_src") == forked and len(forked) > 60
    assert _tree(root / "site") == site
    assert _tree(root / ".kbgen" / "search-docs") == docs and len(docs) == 20


def test_a_download_that_fails_beside_mkdocs_leaves_the_previous_site(tmp_path, monkeypatch):
    """The downloads are made while MkDocs runs: one that fails fails the build, and site/ is as it was."""
    from kbgen.errors import BuildError as Failed
    from kbgen.transcribe import formats

    root = tmp_path / "kb"
    texts = _sessions(root, 16)
    _build(root, FakeEngine(texts))
    before = _tree(root / "site")
    (root / "recordings" / "s03.yml").write_text(sidecar("Session 3, renamed"))
    real = formats.downloads

    def broken(t):
        if "number 3." in t.text:
            raise Failed("s03: the downloads could not be written")
        return real(t)

    monkeypatch.setattr(formats, "downloads", broken)
    (root / ".kbgen" / "render-state.json").unlink()  # every session's files made again: the forked path
    with pytest.raises(Failed, match="could not be written"):
        _build(root, FakeEngine(texts))
    assert _tree(root / "site") == before


def test_a_worker_that_dies_or_fails_fails_the_render_with_a_message(tmp_path):
    import os
    import sys

    from kbgen.site.render import make_files

    if not sys.platform.startswith("linux"):
        pytest.skip("files are made by forked workers on Linux only")

    def group(i, make):
        return [(tmp_path / f"{i}.txt", make)]

    ok = [group(i, lambda: "fine") for i in range(23)]
    with pytest.raises(BuildError, match="stopped without a word"):
        make_files([*ok, group(99, lambda: os._exit(3))], workers=2)
    with pytest.raises(BuildError, match="changed during the build"):
        make_files([*ok, group(99, lambda: (_ for _ in ()).throw(BuildError("x.json: changed during the build")))],
                   workers=2)
