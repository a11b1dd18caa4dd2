"""Offline builds: a site that works opened from disk (file://), with no server and no network.

Links name their .html files, Material's offline plugin makes its search work from file://
(with kbgen's copy of the Web Worker shim, not a CDN's), the mentor directory reads its data
from a script instead of fetch(), and the transcript search page says it needs HTTP. In
Chromium, from file://: the home page leads to a session whose player seeks, "Find a mentor"
works, Material's search finds a page, and no request leaves file://.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kbgen.config import load_project
from kbgen.directory.export import directory_script
from kbgen.models import Segment, Transcript
from kbgen.site.privacy import scan_site
from tests.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MKDOCS,
    ROSTER,
    FakeEngine,
    chromium_or_skip,
    make_files,
    sidecar,
    write_wav,
)
from tests.test_privacy import KEY, material_search

PAYLOAD = "<img src=x onerror=alert(1)>"


class LinesEngine(FakeEngine):
    """Each sentence a segment, one every 0.4 s, so a transcript timestamp can seek."""

    def transcribe(self, audio, language=None, hotwords=None) -> Transcript:
        t = super().transcribe(audio, language, hotwords)
        sentences = [x.strip() + "." for x in t.segments[0].text.split(".") if x.strip()]
        segs = tuple(Segment(0.4 * i, 0.4 * i + 0.4, s) for i, s in enumerate(sentences))
        return Transcript(segs, "en", t.duration, self.name, self.model_id)


def _engine() -> LinesEngine:
    return LinesEngine({1.0: "We talked about salary. Ask for more money. Always negotiate calmly.",
                        1.5: "Feedback works best when it is specific. Say what you saw. Then listen."})


def _build(root: Path, **kw):
    from kbgen.pipeline import build

    engine = _engine()
    return build(load_project(root), engine_factory=lambda: engine, key=KEY, **kw)


def _project(root: Path, kbgen_yml: str = "offline: true\n", mkdocs: str = MKDOCS) -> Path:
    roster = ROSTER.replace("title: Data Scientist", f"title: '{PAYLOAD}'")
    make_files(root, {
        "kbgen.yml": kbgen_yml,
        "mkdocs.yml": mkdocs,
        "mentors.yaml": roster,
        "site_src/index.md": "# Home\n\nStart with [the sessions](sessions/index.md) or "
                             "[the mentors](mentors/index.md).\n",
        "recordings/pub.yml": sidecar("Negotiating an offer"),
        "recordings/raise.yml": sidecar("Asking for feedback", mentors="[ben]", topics="[feedback]"),
    })
    write_wav(root / "recordings" / "pub.wav", 1.0)
    write_wav(root / "recordings" / "raise.wav", 1.5)
    return root


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory):
    root = _project(tmp_path_factory.mktemp("offline") / "kb")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(root.parent / "home"))
        mp.setenv("HF_HUB_OFFLINE", "1")
        _build(root)
    return root / "site"


def _hrefs(page: Path) -> list[str]:
    return re.findall(r'(?:href|src)="([^"]*)"', page.read_text(encoding="utf-8"))


def test_offline_links_name_html_files(offline_site):
    site = offline_site
    for name in ("index.html", "sessions/index.html", "sessions/pub.html", "mentors/index.html", "mentors/ana.html",
                 "topics/index.html", "topics/negotiation.html", "sessions/search.html"):
        assert (site / name).is_file(), name
    assert not (site / "sessions" / "pub").exists()  # no directory URLs
    for page in site.rglob("*.html"):
        if page.name == "404.html":  # MkDocs writes it with site-absolute URLs, for a web server
            continue
        for ref in _hrefs(page):
            if ref.startswith(("http://", "https://", "#", "data:", "mailto:")):
                continue
            path = ref.split("#", 1)[0].split("?", 1)[0]
            assert not path.endswith("/") and path, (page.relative_to(site), ref)  # file:// cannot open a folder
            assert (page.parent / path).resolve().exists(), (page.relative_to(site), ref)
    session = (site / "sessions" / "pub.html").read_text()
    assert 'href="../mentors/ana.html"' in session and 'href="../topics/negotiation.html"' in session
    assert '<audio controls preload="metadata" src="../media/pub.wav">' in session


def test_offline_search_and_directory_data(offline_site):
    site = offline_site
    # Material's offline search: the index as a script (the trimmed one), the worker shim from the site.
    index = json.loads((site / "search" / "search_index.json").read_text())
    script = (site / "search" / "search_index.js").read_text()
    assert script.startswith("var __index = ") and json.loads(script.removeprefix("var __index = ")) == index
    assert (site / "kbgen-assets" / "iframe-worker.js").is_file()
    home = (site / "index.html").read_text()
    assert '<script src="kbgen-assets/iframe-worker.js"></script>' in home
    assert "unpkg.com" not in home and scan_site(site) == []
    # The directory data, also as a script that sets a global: the same data, HTML-safe.
    data = (site / "mentors" / "directory-data.js").read_text()
    assert data.startswith("window.kbgenDirectory = ") and data.endswith(";\n")
    assert not set("<>&") & set(data)
    assert json.loads(data.removeprefix("window.kbgenDirectory = ").removesuffix(";\n")) == \
        json.loads((site / "mentors" / "directory.json").read_text())
    assert '<script src="directory-data.js"></script>' in (site / "mentors" / "index.html").read_text()
    # Transcript search needs HTTP: no Pagefind index, a clear message instead of a widget.
    assert not (site / "pagefind").exists()
    search = (site / "sessions" / "search.html").read_text()
    assert "Transcript search needs the site served over HTTP" in search and "kbgen serve" in search
    assert "PagefindUI" not in search


def test_directory_script_is_safe_for_any_text():
    text = json.dumps({"n": "</script><script>alert(1)</script> & \u2028"})
    from kbgen.directory.export import html_safe

    out = directory_script(html_safe(text))
    assert "</script" not in out and "&" not in out and "\u2028" not in out
    assert json.loads(out.removeprefix("window.kbgenDirectory = ").removesuffix(";\n")) == json.loads(text)


def test_offline_and_back(tmp_path):
    """--offline (or the offline plugin in mkdocs.yml) and then a normal build: each site is whole."""
    root = _project(tmp_path / "kb", kbgen_yml="")
    _build(root, offline=True)
    assert (root / "site" / "sessions" / "pub.html").is_file() and not (root / "site" / "pagefind").exists()
    _build(root)
    site = root / "site"
    assert (site / "sessions" / "pub" / "index.html").is_file() and (site / "pagefind" / "pagefind.js").is_file()
    assert not (site / "mentors" / "directory-data.js").exists() and not (site / "search" / "search_index.js").exists()
    assert 'href="../../mentors/ana/"' in (site / "sessions" / "pub" / "index.html").read_text()
    # Material's offline plugin listed in mkdocs.yml makes it an offline build too.
    (root / "mkdocs.yml").write_text(MKDOCS + "plugins:\n  - search\n  - offline\n")
    _build(root)
    assert (site / "sessions" / "pub.html").is_file() and (site / "mentors" / "directory-data.js").is_file()
    assert "unpkg.com" not in (site / "index.html").read_text() and scan_site(site) == []


@pytest.mark.browser
def test_from_file_the_site_works_without_a_server(offline_site):
    sync_playwright = chromium_or_skip()
    site = offline_site
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND"])
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id="Europe/London")
            requests: list[str] = []
            context.on("request", lambda r: requests.append(r.url))
            context.route(lambda url: not url.startswith("file:"), lambda route: route.abort())
            pg = context.new_page()
            problems: list[str] = []
            pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            pg.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))

            # Home -> Sessions -> a session: the player loads and a transcript timestamp seeks it.
            pg.goto((site / "index.html").as_uri())
            pg.locator(".md-tabs__link, .md-nav__link", has_text="Sessions").first.click()
            pg.wait_for_url("**/sessions/index.html")
            pg.locator("article a", has_text="Negotiating an offer").first.click()
            pg.wait_for_url("**/sessions/pub.html")
            pg.wait_for_function("document.querySelector('.kb-player audio').readyState >= 1")
            pg.locator(".kb-transcript a.kb-ts").nth(2).click()  # the third line starts at 0.8 s
            pg.wait_for_function("Math.abs(document.querySelector('.kb-player audio').currentTime - 0.8) < 0.05")
            assert pg.url.endswith("#t=0.8")

            # Material's search, from disk.
            assert "Negotiating an offer" in material_search(pg, "negotiating")
            pg.keyboard.press("Escape")

            # The mentor directory: filters and "Find a mentor" from the data script.
            pg.locator(".md-tabs__link, .md-nav__link", has_text="Mentors").first.click()
            pg.wait_for_url("**/mentors/index.html")
            pg.wait_for_selector("#kb-directory .kb-dir-browse li")
            assert pg.locator(".kb-dir-error").count() == 0
            assert pg.locator(".kb-dir-browse .kb-count").text_content() == "2 of 2 mentors"
            pg.get_by_label("Topics I need help with (comma-separated)").fill("feedback")
            pg.get_by_label("Only mentors outside my organisation").uncheck()
            pg.get_by_role("button", name="Find mentors").click()
            pg.wait_for_selector(".kb-find-results > li")
            names = pg.locator(".kb-find-results > li h3").all_text_contents()
            assert names[0] in ("Ana Lopez", "Ben Okafor") and len(names) == 2
            assert PAYLOAD in pg.locator(".kb-dir-list").text_content()  # as text, never markup
            pg.locator(".kb-dir-list li h3 a", has_text="Ana Lopez").click()
            pg.wait_for_url("**/mentors/ana.html")

            # The transcript search page explains itself instead of showing a broken widget.
            pg.goto((site / "sessions" / "search.html").as_uri())
            assert "needs the site served over HTTP" in pg.locator("article").inner_text()
            assert pg.locator("img[src='x']").count() == 0
            context.close()
        finally:
            browser.close()
    assert problems == []
    left = [u for u in requests if not u.startswith(("file:", "data:", "blob:", "about:"))]
    assert left == []
    assert any(u.endswith("search/search_index.js") for u in requests)  # the search ran from the script
    assert any(u.endswith("mentors/directory-data.js") for u in requests)
