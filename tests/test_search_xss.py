"""Text that reaches Pagefind's search page stays text: no payload in any field runs there."""

from __future__ import annotations

import pytest

from kbgen.config import load_project
from kbgen.pipeline import build
from kbgen.transcribe.engine import EngineKey
from tests.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MKDOCS,
    ROSTER,
    FakeEngine,
    chromium_or_skip,
    make_files,
    serving,
    write_wav,
)


def _payload(n: int) -> str:
    return f'<img src=x onerror="window.__xss{n}=1">'


@pytest.fixture
def hostile_project(tmp_path):
    """A payload in each field that reaches the search page: the mentor filter (1: roster name),
    the topic filter (2: kbgen.yml label, 6: a sidecar's own topic), the result title (3), its
    description (4) and the transcript's moments (5)."""
    root = tmp_path / "kb"
    roster = ROSTER.replace("name: Ana Lopez", f"name: 'Ana {_payload(1)}'")
    make_files(root, {
        "mkdocs.yml": MKDOCS,
        "mentors.yaml": roster,
        "kbgen.yml": ("topics:\n  - id: negotiation\n"
                      f"    label: 'Negotiation {_payload(2)}'\n    synonyms: [salary]\n"),
        "site_src/index.md": "# Home\n",
        "recordings/pub.yml": (f"title: 'Offer {_payload(3)}'\ndate: 2026-01-15\nmentors: [ana]\n"
                               f"mentee: anonymous\ntopics: [negotiation, 'ask {_payload(6)}']\n"
                               f"description: 'About pay {_payload(4)}'\nvisibility: public\nconsent: true\n"
                               "language: en\n"),
    })
    write_wav(root / "recordings" / "pub.wav", 1.0)
    return root


@pytest.mark.browser
def test_no_payload_runs_on_the_transcript_search_page(hostile_project):
    sync_playwright = chromium_or_skip()
    engine = FakeEngine(default=f"We talk about salary and calm negotiation. Salary {_payload(5)} talk.")
    build(load_project(hostile_project), engine_factory=lambda: engine, key=EngineKey("fake", "fake-1", {}))

    site = hostile_project / "site"
    with serving(site) as base:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context()
                context.route(lambda url: not url.startswith(base), lambda r: r.fulfill(status=204, body=""))
                pg = context.new_page()
                pg.goto(base + "/sessions/search/")
                pg.wait_for_selector("#kb-search input")
                pg.fill("#kb-search input", "salary")
                pg.locator("#kb-search a[href*='/sessions/pub/']").first.wait_for(timeout=10000)
                # Open every filter group, so their values are drawn too.
                for summary in pg.locator("#kb-search details summary").all():
                    summary.click()
                pg.wait_for_timeout(500)
                shown = pg.locator("#kb-search").inner_text()
                fired = pg.evaluate("() => Object.keys(window).filter(k => k.startsWith('__xss'))")
                imgs = pg.locator("#kb-search img").count()
            finally:
                browser.close()
    assert fired == [] and imgs == 0, (fired, imgs)
    # Shown as text: titles as they are; filter values with look-alikes of < > &.
    assert "Offer <img" in shown, shown
    assert "Ana \u2039img src=x" in shown, shown
    assert "Negotiation \u2039img src=x" in shown, shown
