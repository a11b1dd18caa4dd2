"""A build with nothing changed re-renders nothing; any change to what a page shows renders again.

The knowledge stage's slow steps are cached per session (kbgen.knowledge.KnowledgeCache) and the
render stage is skipped when its inputs' digest and kbgen's folders are as the last build left
them (kbgen.fingerprint). MkDocs and Pagefind still run, so the site is built as before.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import kbgen.enrich.chapters
from tests.conftest import FakeEngine
from tests.test_build import _build, _tree


def _owned_stats(root: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in sorted((root / "site_src").rglob("*"))
            if p.is_file() and p.relative_to(root / "site_src").parts[0] != "index.md"}


def test_nothing_changed_renders_nothing(project_dir, monkeypatch):
    first = _build(project_dir, audience="internal")
    assert first.rendered and first.rendered > 5
    pages, site = _owned_stats(project_dir), _tree(project_dir / "site")

    calls = []
    real = kbgen.enrich.chapters.chapters
    monkeypatch.setattr(kbgen.enrich.chapters, "chapters", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    import kbgen.site.render as render

    monkeypatch.setattr(render, "render_site", lambda *a, **kw: (_ for _ in ()).throw(AssertionError("rendered")))
    import kbgen.knowledge as knowledge

    monkeypatch.setattr(knowledge, "build_docs", lambda *a, **kw: (_ for _ in ()).throw(
        AssertionError("knowledge stage ran")))
    again = _build(project_dir, audience="internal")
    assert again.rendered == 0 and calls == []
    assert _owned_stats(project_dir) == pages  # not one page rewritten
    assert _tree(project_dir / "site") == site  # and the site is the same


def test_a_change_renders_again(project_dir):
    _build(project_dir)
    sidecar = project_dir / "recordings" / "pub.yml"
    sidecar.write_text(sidecar.read_text().replace("Negotiating an offer", "Negotiating a better offer"))
    report = _build(project_dir)
    assert report.rendered
    assert "Negotiating a better offer" in (project_dir / "site" / "sessions" / "pub" / "index.html").read_text()


def test_a_touched_page_renders_again(project_dir):
    _build(project_dir)
    page = project_dir / "site_src" / "sessions" / "pub.md"
    page.write_text("# tampered\n")
    report = _build(project_dir)
    assert report.rendered and "tampered" not in page.read_text()
    # A file dropped into a kbgen folder would be published as it is: it goes.
    stray = project_dir / "site_src" / "sessions" / "stray.md"
    stray.write_text("# stray\n")
    assert _build(project_dir).rendered and not stray.exists()


def test_another_audience_renders_again(project_dir):
    _build(project_dir, audience="internal")
    assert _build(project_dir, audience="public").rendered
    assert not (project_dir / "site_src" / "sessions" / "team.md").exists()
    assert _build(project_dir, audience="public").rendered == 0


def test_digests_are_the_same_in_a_fresh_process(project_dir):
    """The digests are the same in another process (no hash-seed-dependent order in them)."""
    _build(project_dir)
    code = ("import sys; sys.path.insert(0, %r); from tests.test_build import _build; from pathlib import Path;"
            "print('RENDERED', _build(Path(%r)).rendered)") % (str(Path(__file__).parent.parent), str(project_dir))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert "RENDERED 0" in out.stdout


def test_knowledge_steps_are_cached(project_dir, monkeypatch):
    from kbgen.config import load_project
    from kbgen.knowledge import build_docs
    from kbgen.pipeline import load_inputs
    from tests.conftest import FakeEngine
    from tests.test_build import KEY

    project = load_project(project_dir)
    _build(project_dir)
    mentors, sessions = load_inputs(project)
    from kbgen.pipeline import transcribe

    kept = [s for s in sessions if s.visibility == "public"]
    transcripts = transcribe(project, kept, engine_factory=FakeEngine, key=KEY)
    lines: list[str] = []
    docs, _ = build_docs(project.config, kept, transcripts, mentors, lines.append, cache_dir=project.cache_dir)
    assert any("0 step(s) computed" in x for x in lines), lines
    fresh, _ = build_docs(project.config, kept, transcripts, mentors)
    assert [d.enrichment for d in docs] == [d.enrichment for d in fresh]


def test_another_build_date_renders_again(project_dir, monkeypatch):
    """Mentor status depends on the build date: years later the mentors are shown as not active."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")  # 2026
    _build(project_dir)
    assert _build(project_dir).rendered == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1900000000")  # 2030
    assert _build(project_dir).rendered
    assert "not active" in "".join(p.read_text() for p in (project_dir / "site_src" / "mentors").glob("*.md")).lower()


def test_a_setting_no_page_shows_computes_from_the_cache_and_renders_nothing(project_dir):
    """The build's inputs changed (kbgen.yml), so the knowledge stage runs, from its cache; the
    pages it would render are the same as the last build's, so nothing is rendered."""
    from kbgen.config import load_project
    from kbgen.pipeline import build
    from tests.conftest import FakeEngine
    from tests.test_build import KEY

    _build(project_dir)
    (project_dir / "kbgen.yml").write_text("transcribe:\n  jobs: 2\n")
    lines: list[str] = []
    report = build(load_project(project_dir), engine_factory=FakeEngine, key=KEY, echo=lines.append)
    assert report.rendered == 0
    assert any("0 step(s) computed" in x for x in lines), lines
    # Without the state file, every page is rendered again (the knowledge still from its cache).
    (project_dir / ".kbgen" / "render-state.json").unlink()
    lines.clear()
    report = build(load_project(project_dir), engine_factory=FakeEngine, key=KEY, echo=lines.append)
    assert report.rendered and any("0 step(s) computed" in x for x in lines)


def _session_files(root: Path) -> dict[str, int]:
    """Each session's files in site_src (page, downloads) and search documents: path -> mtime."""
    files = [*(root / "site_src" / "sessions").glob("*.*"), *(root / ".kbgen" / "search-docs").rglob("*.html")]
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in files if p.name.split(".")[0] in ("pub", "team")
            or p.parent.name in ("pub", "team")}


def test_only_the_changed_sessions_files_are_rendered_again(project_dir):
    """A changed sidecar renders its session's files; the other session's are taken from the last
    render untouched, and the result is byte for byte what a render of everything gives."""
    _build(project_dir, audience="internal")
    before = _session_files(project_dir)
    assert any("team.md" in f for f in before) and any("team.vtt" in f for f in before)
    sidecar = project_dir / "recordings" / "pub.yml"  # what only pub's own page shows
    sidecar.write_text(sidecar.read_text() + "description: How to ask for a better offer.\n")
    report = _build(project_dir, audience="internal")
    after = _session_files(project_dir)
    assert report.reused >= 4 and report.rendered
    team = {f for f in before if "team" in f}
    assert {f: after[f] for f in team} == {f: before[f] for f in team}  # not rewritten
    assert after["site_src/sessions/pub.md"] != before["site_src/sessions/pub.md"]
    assert "ask for a better offer" in (project_dir / "site_src" / "sessions" / "pub.md").read_text()
    pages, site = _tree(project_dir / "site_src"), _tree(project_dir / "site")
    # Without the last render's state nothing is taken again: everything rendered, the same bytes.
    (project_dir / ".kbgen" / "render-state.json").unlink()
    full = _build(project_dir, audience="internal")
    assert full.reused == 0
    assert _tree(project_dir / "site_src") == pages and _tree(project_dir / "site") == site


def test_a_session_added_leaves_the_others_search_documents_alone(project_dir):
    """Adding a session moves every related-session score (the TF-IDF weights change); the other
    sessions' search documents show no score, so they are taken from the last render."""
    texts = {1.0: "We talked about salary bands and how to negotiate an offer with a recruiter.",
             1.5: "Team rituals: stand-ups, retrospectives and how a new lead runs planning.",
             2.5: "Negotiate the offer again after a recruiter call; rituals of a planning week."}
    from tests.conftest import FakeEngine, sidecar, write_wav

    _build(project_dir, FakeEngine(texts), audience="internal")
    docs = project_dir / ".kbgen" / "search-docs" / "sessions"
    before = {p.parent.name: p.stat().st_mtime_ns for p in docs.rglob("*.html")}
    write_wav(project_dir / "recordings" / "added.wav", 2.5)
    (project_dir / "recordings" / "added.yml").write_text(sidecar("Both at once", visibility="internal"))
    report = _build(project_dir, FakeEngine(texts), audience="internal")
    after = {p.parent.name: p.stat().st_mtime_ns for p in docs.rglob("*.html")}
    assert set(after) == {"pub", "team", "added"}
    assert {k: after[k] for k in ("pub", "team")} == {k: before[k] for k in ("pub", "team")}
    assert report.reused >= 6


def test_a_session_file_changed_by_hand_is_made_again(project_dir):
    _build(project_dir, audience="internal")
    vtt = project_dir / "site_src" / "sessions" / "team.vtt"
    good = vtt.read_text()
    vtt.write_text(good.replace("WEBVTT", "WEBVTT\n\nNOTE tampered"))
    sidecar = project_dir / "recordings" / "pub.yml"  # another session changes: a render runs
    sidecar.write_text(sidecar.read_text().replace("Negotiating an offer", "Negotiating a better offer"))
    _build(project_dir, audience="internal")
    assert vtt.read_text() == good


def test_a_cached_transcript_is_scanned_for_loops_once(project_dir, monkeypatch):
    """What the loop scan made of a cached transcript is remembered (nothing, or the collapsed
    transcript): loading it again does not scan again."""
    import kbgen.transcribe as transcribe
    from tests.conftest import FakeEngine
    from tests.test_build import KEY

    looping = "We should plan ahead. " + "Thank you. " * 8 + "See you soon."
    engine = FakeEngine({1.0: looping})
    _build(project_dir, engine, audience="internal")
    calls: list[int] = []
    real = transcribe.collapse_loops
    monkeypatch.setattr(transcribe, "collapse_loops", lambda t, *a, **kw: calls.append(1) or real(t, *a, **kw))
    from kbgen.config import load_project
    from kbgen.pipeline import load_inputs
    from kbgen.pipeline import transcribe as run

    project = load_project(project_dir)
    mentors, sessions = load_inputs(project)
    kept = [s for s in sessions if s.id in ("pub", "team")]
    first = run(project, kept, engine_factory=lambda: engine, key=KEY, mentors=mentors)
    assert calls == []  # both scanned when they were transcribed
    assert first["pub"].text.count("Thank you") == 1 and first["pub"].notes
    assert first["team"].text == "Hello there. This is a test."
    # The cache keeps what the engine said; a new loop scan looks again.
    from kbgen.transcribe.cache import TranscriptCache

    shutil.rmtree(TranscriptCache(project.cache_dir).cache_dir / "loop-scan")
    again = run(project, kept, engine_factory=lambda: engine, key=KEY, mentors=mentors)
    assert calls == [1, 1] and again == first
    assert engine.calls == 2  # transcribed once each, by the first build


def test_cached_redaction_gives_the_title_the_transcripts_stand_ins(tmp_path):
    """Pseudonyms are numbered by first appearance in the transcript; the title, redacted after
    it, must get the same stand-ins when the redacted transcript comes from the cache."""
    import datetime as dt

    from kbgen.config import KbgenConfig
    from kbgen.knowledge import build_docs
    from kbgen.models import Segment, Session, Transcript

    config = KbgenConfig.model_validate({"redact": {"style": "pseudonym"}})
    session = Session(id="s", title="Priya Raman and Tom Berg", date=dt.date(2026, 1, 15), mentors=(), topics=(),
                      visibility="public", consent=True, redact=("Tom Berg", "Priya Raman"))
    said = Transcript((Segment(0.0, 4.0, "Tom Berg asked me about it."),
                       Segment(4.0, 8.0, "Then Priya Raman wrote to tom.berg@example.com.")), "en", 8.0)
    runs = [build_docs(config, [session], {"s": said}, [], cache_dir=tmp_path)[0][0] for _ in range(2)]
    computed, cached = runs
    assert computed.session.title == "Person B and Person A"
    assert "Person A asked" in computed.transcript.text and "Person B wrote" in computed.transcript.text
    assert (cached.session, cached.transcript, cached.redactions) == (
        computed.session, computed.transcript, computed.redactions)
    assert any(tmp_path.joinpath("knowledge").rglob("*.json"))


def test_a_transcripts_digest_is_its_content_not_its_objects():
    """The same transcript built from shared strings (fresh from an engine) and from separate
    ones (read back from the cache) has one digest: the next build must not see a change."""
    from kbgen.fingerprint import transcript_digest
    from kbgen.models import Segment, Transcript
    from kbgen.transcribe.cache import transcript_from_dict, transcript_to_dict

    said = "We should plan ahead."
    fresh = Transcript(tuple(Segment(float(i), i + 0.5, said, "Mentor") for i in range(4)), "en", 4.0)
    read_back = transcript_from_dict(json.loads(json.dumps(transcript_to_dict(fresh))))
    assert read_back == fresh and read_back.segments[0].text is not read_back.segments[1].text
    assert transcript_digest(read_back) == transcript_digest(fresh)
    other = Transcript(fresh.segments[:3] + (Segment(3.0, 3.5, "We should plan ahead!", "Mentor"),), "en", 4.0)
    assert transcript_digest(other) != transcript_digest(fresh)


def test_related_sessions_come_from_the_cache_when_no_content_changed(project_dir, monkeypatch):
    """A title edited changes no transcript or topic: related sessions are not computed again."""
    import kbgen.enrich.related as related

    texts = {1.0: "Salary bands, an offer and a recruiter: how to negotiate.",
             1.5: "Team rituals and how to negotiate a planning week with a recruiter."}
    _build(project_dir, FakeEngine(texts), audience="internal")
    page = project_dir / "site_src" / "sessions" / "pub.md"
    assert "Team rituals" in page.read_text()  # related to the other session
    monkeypatch.setattr(related, "related_sessions", lambda *a, **k: (_ for _ in ()).throw(AssertionError("ran")))
    sidecar = project_dir / "recordings" / "team.yml"
    sidecar.write_text(sidecar.read_text().replace("Team rituals", "Team habits"))
    report = _build(project_dir, FakeEngine(texts), audience="internal")
    assert report.rendered and "Team habits" in page.read_text()


def test_a_change_to_kbgens_site_code_computes_no_knowledge_again(project_dir, monkeypatch):
    """Knowledge is keyed by the knowledge code (enrich, redact, knowledge.py), not all of kbgen's:
    an upgrade that changes only the site's code renders again from the cached knowledge."""
    import kbgen.enrich.topics as topics
    import kbgen.fingerprint as fp

    _build(project_dir)
    monkeypatch.setitem(fp._CODE, (), "another version of kbgen's site code")
    monkeypatch.setattr(topics, "topic_hits", lambda *a, **k: (_ for _ in ()).throw(AssertionError("scanned")))
    lines: list[str] = []
    report = _build(project_dir, echo=lines.append)
    assert report.rendered  # the code changed: every page is made again
    assert any("0 step(s) computed" in x for x in lines), lines
