"""`redact:` applies to every published field of a sidecar, not only the transcript."""

from __future__ import annotations

from kbgen.config import load_project
from kbgen.pipeline import build
from kbgen.transcribe.engine import EngineKey
from tests.conftest import FakeEngine


def test_redacted_names_leave_the_mentee_field_and_topics(project_dir):
    (project_dir / "recordings" / "pub.yml").write_text(
        "title: Negotiating with Jordan\ndate: 2026-01-15\nmentors: [ana]\nmentee: Jordan Reyes\n"
        "topics: [negotiation, Jordan, Reyes family business]\nvisibility: public\nconsent: true\nlanguage: en\n"
        "description: Jordan asks about pay.\nredact: [Jordan, Reyes]\n")
    engine = FakeEngine(default="Jordan wants a raise. We talk about negotiation and salary.")
    build(load_project(project_dir), engine_factory=lambda: engine, key=EngineKey("fake", "fake-1", {}))
    site = project_dir / "site"
    leaks = sorted(p.relative_to(site).as_posix() for p in site.rglob("*")
                   if p.is_file() and (b"Jordan" in p.read_bytes() or b"Reyes" in p.read_bytes()
                                       or "jordan" in p.name or "reyes" in p.as_posix()))
    assert leaks == []
    page = (site / "sessions" / "pub" / "index.html").read_text()
    assert "Mentee:" in page and "negotiation" in page.lower()
    docs = project_dir / ".kbgen" / "search-docs"
    assert not [p for p in docs.rglob("*") if p.is_file() and b"Jordan" in p.read_bytes()]
    assert not (project_dir / "site_src" / "topics" / "jordan").exists()
