"""Landing on a moment of a session (issue 17): #t=SECONDS in headless Chromium.

A session page opened at #t=N (Pagefind's results link there) shows the player, set to N and
ready to play, and marks the transcript line holding N; clicking a line writes #t=M (and moves
the mark); that address, and the older #t-M line anchors, open there too.
"""

from __future__ import annotations

import pytest

from kbgen.config import load_project
from kbgen.models import Segment, Transcript
from kbgen.pipeline import build
from kbgen.transcribe.engine import EngineKey
from tests.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MKDOCS,
    ROSTER,
    chromium_or_skip,
    make_files,
    serving,
    sidecar,
    write_wav,
)

pytestmark = pytest.mark.browser

STARTS = (0.0, 5.0, 10.0, 15.0)
TOPICS = ("the offer", "a raise", "feedback", "the team", "a promotion", "the budget", "a deadline", "the review")


class MomentsEngine:
    """A 20-second session in four long lines, at 0, 5, 10 and 15 seconds."""

    name = "fake"
    model_id = "fake-1"

    def transcribe(self, audio, language=None, hotwords=None) -> Transcript:
        duration = len(audio) / 16000
        segments = tuple(Segment(s, s + 5.0, f"Line {int(s)}. " + " ".join(
            f"Point {i} of line {int(s)} was about {topic}, and what to say next." for i, topic in enumerate(TOPICS)))
            for s in STARTS)
        return Transcript(segments, "en", duration, self.name, self.model_id)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    chromium_or_skip()
    root = tmp_path_factory.mktemp("moments") / "kb"
    make_files(root, {
        "mkdocs.yml": MKDOCS,
        "mentors.yaml": ROSTER,
        "site_src/index.md": "# Home\n",
        "recordings/talk.yml": sidecar("Asking for a raise"),
    })
    write_wav(root / "recordings" / "talk.wav", 20.0)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(root.parent / "home"))
        mp.setenv("HF_HUB_OFFLINE", "1")
        engine = MomentsEngine()
        build(load_project(root), engine_factory=lambda: engine, key=EngineKey("fake", "fake-1", {}))
    with serving(root / "site") as base:
        yield base


@pytest.fixture(scope="module")
def browser(site):
    sync_playwright = chromium_or_skip()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(params=["reduce", "no-preference"])
def page(request, site, browser):
    """A small window (the transcript runs past it), with any request off the test server answered
    empty (no external requests), failing the test on a page error."""
    context = browser.new_context(viewport={"width": 900, "height": 600}, reduced_motion=request.param)
    context.route(lambda url: not url.startswith(site), lambda route: route.fulfill(status=204, body=""))
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    assert errors == []


PLAYER = "document.querySelector('.kb-player audio')"
VISIBLE = """(sel) => { const e = document.querySelector(sel); if (!e) return false;
    const r = e.getBoundingClientRect(); return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight; }"""


def line(start: float) -> str:
    return f".kb-transcript p:has(a[data-start='{start:.2f}'])"


def landed(pg, start: float, time: float | None = None) -> None:
    """The player is set to ``time`` (``start`` by default) and on screen; the line starting at
    ``start`` is the one marked, and on screen."""
    time = start if time is None else time
    pg.wait_for_function(f"{PLAYER}.readyState >= 1 && Math.abs({PLAYER}.currentTime - {time}) < 0.1")
    pg.wait_for_function(VISIBLE, arg=".kb-player audio")
    pg.wait_for_function(VISIBLE, arg=line(start))
    marked = pg.locator(".kb-transcript .kb-current")
    assert marked.count() == 1
    assert marked.get_attribute("aria-current") == "true"
    assert marked.locator("a[data-start]").get_attribute("data-start") == f"{start:.2f}"


def test_opening_at_a_moment_shows_the_player_there_and_marks_its_line(site, page):
    page.goto(site + "/sessions/talk/")
    page.wait_for_load_state()
    assert not page.evaluate(VISIBLE, line(15))  # the page runs past the window: landing must scroll
    page.goto(site + "/sessions/talk/#t=12")  # inside the line that starts at 10
    page.wait_for_function(f"Math.abs({PLAYER}.currentTime - 12) < 0.1")
    assert page.evaluate(f"{PLAYER}.paused")  # ready, not playing: no autoplay with sound
    pg = page
    pg.wait_for_function(VISIBLE, arg=".kb-player audio")
    pg.wait_for_function(VISIBLE, arg=line(10))
    assert pg.locator(line(10)).get_attribute("aria-current") == "true"
    assert pg.locator(line(10)).evaluate("p => p.classList.contains('kb-current')")
    assert pg.locator(".kb-transcript [aria-current]").count() == 1


def test_clicking_a_line_writes_its_moment_and_that_address_lands_there(site, page):
    page.goto(site + "/sessions/talk/#t=5")
    landed(page, 5.0)
    scrolled = page.evaluate("scrollY")
    page.locator(line(15)).locator("a.kb-ts").click()
    page.wait_for_function("location.hash === '#t=15'")
    page.wait_for_function(f"Math.abs({PLAYER}.currentTime - 15) < 1")
    page.evaluate(f"{PLAYER}.pause()")
    assert page.locator(line(15)).get_attribute("aria-current") == "true"
    assert page.locator(line(5)).get_attribute("aria-current") is None
    assert page.locator(".kb-transcript .kb-current").count() == 1
    assert page.evaluate("history.length") == 2  # replaced, not pushed
    assert abs(page.evaluate("scrollY") - scrolled) < 300 or page.locator(line(15)).is_visible()

    # Clicking a line's words does the same.
    page.locator(line(0)).click(position={"x": 200, "y": 5})
    page.wait_for_function("location.hash === '#t=0'")
    page.evaluate(f"{PLAYER}.pause()")
    assert page.locator(line(0)).get_attribute("aria-current") == "true"

    # The written address, shared (opened afresh) and reloaded, lands at its moment.
    page.locator(line(10)).locator("a.kb-ts").click()
    page.wait_for_function("location.hash === '#t=10'")
    url = page.url
    assert url.endswith("/sessions/talk/#t=10")
    page.reload()
    landed(page, 10.0)
    page.goto(site + "/")
    page.goto(url)
    landed(page, 10.0)


def test_old_line_anchors_and_hash_changes_land_too(site, page):
    page.goto(site + "/sessions/talk/#t-15")
    landed(page, 15.0)
    page.evaluate("location.hash = '#t=0:05'")
    landed(page, 5.0)
    page.evaluate("location.hash = '#t-10'")
    landed(page, 10.0)
    assert page.url.endswith("#t-10")  # read, not rewritten


def test_playing_moves_the_mark(site, page):
    page.goto(site + "/sessions/talk/#t=4.5")
    landed(page, 0.0, 4.5)
    page.locator(line(0)).locator("a.kb-ts").click()  # a click is a gesture: it may play
    page.wait_for_function(f"!{PLAYER}.paused")
    page.wait_for_function(f"{PLAYER}.currentTime > 5.3", timeout=10000)
    page.evaluate(f"{PLAYER}.pause()")
    page.wait_for_function(f"document.querySelector(\"{line(5)}\").getAttribute('aria-current') === 'true'")
    assert page.locator(".kb-transcript .kb-current").count() == 1


def test_a_landed_page_has_no_serious_accessibility_violations(site, browser):
    """axe-core on a page landed at a moment (the marked line, the player that stays in view)."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        pytest.skip("axe-playwright-python is not installed (pip install axe-playwright-python)")
    context = browser.new_context(viewport={"width": 900, "height": 600}, reduced_motion="reduce")
    context.route(lambda url: not url.startswith(site), lambda route: route.fulfill(status=204, body=""))
    pg = context.new_page()
    pg.goto(site + "/sessions/talk/#t=10")
    landed(pg, 10.0)
    violations = Axe().run(pg).response["violations"]
    context.close()
    assert [(v["id"], len(v["nodes"])) for v in violations if v["impact"] in ("serious", "critical")] == []
