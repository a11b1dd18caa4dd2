"""Pagefind search: an index after the MkDocs build, a record per transcript moment, filters.

The index must hold only the audience's sessions (Pagefind's files are gzip-compressed, so the
canary check decompresses them), and the search page must find a phrase and link to its moment.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import shutil
import threading
import urllib.parse
from pathlib import Path

import pytest

from kbgen.errors import BuildError
from kbgen.models import Segment, Transcript
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, FakeEngine, chromium_or_skip, serving
from tests.test_build import CANARY_INTERNAL, CANARY_NOCONSENT, CANARY_PRIVATE, _build, _engine
from tests.test_build import canary_project as canary_project  # noqa: F401 - the fixture, shared


class MomentsEngine(FakeEngine):
    """Each sentence of the chosen text becomes a segment, at 0 s, 12.5 s, 75 s, ..."""

    STARTS = (0.0, 12.5, 75.0, 130.0, 200.0)

    def transcribe(self, audio, language=None, hotwords=None) -> Transcript:
        t = super().transcribe(audio, language, hotwords)
        sentences = [x.strip() + "." for x in t.segments[0].text.split(".") if x.strip()]
        segs = tuple(Segment(self.STARTS[i], self.STARTS[i] + 5.0, text) for i, text in enumerate(sentences))
        return Transcript(segs, "en", segs[-1].end, self.name, self.model_id)


def _moments_engine() -> MomentsEngine:
    return MomentsEngine(_engine().texts)


def _pagefind_text(site: Path) -> str:
    """Every Pagefind file of ``site``, decompressed where it is gzip data (after any header)."""
    out = []
    for p in sorted((site / "pagefind").rglob("*")):
        if not p.is_file():
            continue
        data = p.read_bytes()
        start = data.find(b"\x1f\x8b")
        if p.suffix.startswith(".pf_") and start >= 0:
            data = gzip.decompress(data[start:])
        out.append(data.decode("utf-8", "replace"))
    return "\n".join(out)


def test_public_build_indexes_its_moments_and_nothing_else(canary_project):
    _build(canary_project, _moments_engine(), audience="public")
    site = canary_project / "site"
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert (site / "pagefind" / "pagefind-ui.js").is_file()
    assert list((site / "pagefind").rglob("*.pf_fragment")) and list((site / "pagefind").rglob("*.pf_index"))
    text = _pagefind_text(site)
    assert "Ask for more money" in text
    assert "t=75" in text and "01:15" in text  # the moment's heading: a sub-result
    for marker in (CANARY_INTERNAL, CANARY_PRIVATE, CANARY_NOCONSENT):
        assert marker not in text
    # Transcript search holds session pages only: no mentor, topic or index page (issue 17: "leadership"
    # gave 14 results, all mentor and topic pages).
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text())
    assert sum(lang["page_count"] for lang in entry["languages"].values()) == 1  # the one public session
    assert "Ana leads a platform team" not in text and "Ben builds models" not in text  # mentor bios
    # The search documents fed the index and are not published; the search page is, and is linked.
    assert not list(site.rglob(".search")) and "data-pagefind-filter" not in (
        site / "sessions" / "pub" / "index.html").read_text()
    assert (site / "sessions" / "search" / "index.html").is_file()
    assert 'href="search/"' in (site / "sessions" / "index.html").read_text()


def test_internal_build_indexes_internal_moments(canary_project):
    _build(canary_project, _moments_engine(), audience="internal")
    text = _pagefind_text(canary_project / "site")
    assert CANARY_INTERNAL in text
    assert CANARY_PRIVATE not in text and CANARY_NOCONSENT not in text


def test_search_document_escapes_text_and_carries_filters(canary_project):
    (canary_project / "recordings" / "pub.yml").write_text(
        (canary_project / "recordings" / "pub.yml").read_text().replace("title: Negotiating an offer",
                                                                          "title: '<b>Offers</b> & pay'"))
    _build(canary_project, _moments_engine(), audience="public")
    docs = canary_project / ".kbgen" / "search-docs"
    doc = (docs / "sessions" / "pub" / "index.html").read_text()
    assert "<h1>&lt;b&gt;Offers&lt;/b&gt; &amp; pay</h1>" in doc
    assert '<h2 id="t=75">01:15</h2>' in doc and '<h2 id="t=0">00:00</h2>' in doc
    assert 'data-pagefind-filter="year:2026"' in doc and 'data-pagefind-filter="mentor:Ana Lopez"' in doc
    # Only this audience's sessions have a search document.
    assert sorted(p.parent.name for p in docs.rglob("index.html")) == ["pub"]


def test_indexing_failure_leaves_the_site_unchanged(project_dir, monkeypatch):
    _build(project_dir, _moments_engine())
    site = project_dir / "site"
    before = {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}

    import pagefind.index

    async def broken(self, *a, **kw):
        raise RuntimeError("index service died")

    monkeypatch.setattr(pagefind.index.PagefindIndex, "add_directory", broken)
    with pytest.raises(BuildError, match="Pagefind indexing failed"):
        _build(project_dir, _moments_engine())
    after = {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in project_dir.iterdir() if p.name.startswith(".site-new-")]




def _small_talk_engine() -> MomentsEngine:
    """Twelve moments, the later ones small talk: words said in a transcript and nowhere else."""
    engine = _moments_engine()
    engine.STARTS = tuple(float(10 * i) for i in range(12))
    engine.texts[1.0] += (" The weather was grey that day. We met in the small room. The coffee was cold."
                          " Parking took a while. The train was late again. Lunch came after.")
    return engine


@contextlib.contextmanager
def _browsing(site: Path):
    """``site`` served over HTTP and a Chromium context that reaches nothing else: (context, base URL)."""
    sync_playwright = chromium_or_skip()
    with serving(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.route(lambda url: not url.startswith(base), lambda r: r.fulfill(status=204, body=""))
            yield context, base
        finally:
            browser.close()


@pytest.mark.browser
def test_search_page_finds_a_moment(canary_project):
    chromium_or_skip()
    _build(canary_project, _moments_engine(), audience="public")
    with _browsing(canary_project / "site") as (context, base):
        pg = context.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto(base + "/sessions/search/")
        pg.wait_for_selector("#kb-search input")
        pg.fill("#kb-search input", "negotiate calmly")
        link = pg.locator("#kb-search a[href*='#t=']").first
        link.wait_for(timeout=10000)
        href = link.get_attribute("href")
        assert href == "/sessions/pub/#t=130", href
        shown = pg.locator("#kb-search").inner_text()
        assert "Negotiating an offer" in shown and "02:10" in shown
        # A session matches once, however many of its moments match.
        assert pg.locator("#kb-search a[href='/sessions/pub/']").count() == 1
        # Following the moment opens the session there (kbgen.js scrolls to the line).
        link.click()
        pg.wait_for_url(base + "/sessions/pub/#t=130")
        pg.wait_for_function("""() => {
            const a = document.querySelector('.kb-transcript a[data-start="130.00"]');
            const r = a && a.getBoundingClientRect(); return r && r.top >= 0 && r.bottom <= innerHeight; }""")
        assert errors == []


def test_material_search_keeps_titles_and_summaries_only(canary_project):
    engine = _small_talk_engine()
    _build(canary_project, engine, audience="public")
    site = canary_project / "site"
    docs = json.loads((site / "search" / "search_index.json").read_text())["docs"]
    of_session = [d for d in docs if d["location"].startswith("sessions/pub/")]
    assert {d["location"] for d in of_session} == {"sessions/pub/", "sessions/pub/#summary"}
    summary = next(d["text"] for d in of_session if d["location"].endswith("#summary"))
    assert summary  # the summary is searchable in Material's box
    text = " ".join(d["text"] for d in of_session)
    # The transcript is Pagefind's: a sentence that is not in the summary is not in Material's index.
    page = (site / "sessions" / "pub" / "index.html").read_text()
    transcript = page[page.index('class="kb-transcript"'):]
    lines = [x.split("</a>", 1)[1].split("</p>")[0].strip() for x in transcript.split("<p")[1:]]
    outside = [x for x in lines if x and x not in summary]
    assert outside and not any(x in text for x in outside)
    # Other pages (mentors, topics, hand-written) keep their full text.
    assert any(d["location"].startswith("mentors/") and d["text"] for d in docs)


def test_the_same_pages_give_the_same_index_bytes(tmp_path):
    """Pagefind writes filters and their values in hash-map order (another order each run);
    kbgen sorts both, so indexing the same pages twice gives the same files."""
    import hashlib

    from kbgen.site.search import pagefind_index

    def bundle(name: str) -> dict[str, str]:
        built = tmp_path / name
        for i in range(40):  # many values per filter: an unsorted order shows at once
            page = built / "sessions" / f"s{i:02d}" / "index.html"
            page.parent.mkdir(parents=True)
            spans = "".join(f'<span data-pagefind-filter="{k}:{v}"></span>' for k, v in (
                ("mentor", f"Mentor {i % 17}"), ("topic", f"Topic {i % 13}"), ("topic", f"Topic {i % 7 + 20}"),
                ("year", str(2000 + i % 11))))
            page.write_text(f'<!doctype html><html lang="en"><head><title>S{i}</title></head><body>'
                            f"<h1>Session {i}</h1>{spans}<p>Words about session number {i}.</p></body></html>")
        pagefind_index(built)
        return {p.relative_to(built / "pagefind").as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted((built / "pagefind").rglob("*")) if p.is_file()}

    first, second = bundle("one"), bundle("two")
    assert any(name.startswith("filter/") for name in first)
    assert first == second
    text = _pagefind_text(tmp_path / "one")
    assert "Mentor 16" in text and "Topic 26" in text


def test_search_documents_indexed_beside_mkdocs_give_the_same_results(tmp_path, monkeypatch):
    """EarlyIndex (the search documents first, while MkDocs runs; the built pages after) gives the
    same result fragments as indexing it all at once, the same bytes each time, and steps back
    when a document has no built page."""
    import hashlib

    from kbgen.site.search import EarlyIndex, pagefind_index

    def site(name: str) -> tuple[Path, Path]:
        built, docs = tmp_path / name / "site", tmp_path / name / "docs"
        for i in range(40):
            rel = Path("sessions") / f"s{i:02d}" / "index.html"
            for root, body in ((built, f"<p>The built page of session {i}.</p>"),
                               (docs, f'<span data-pagefind-filter="topic:Topic {i % 7}"></span>'
                                      f'<h2 id="t={i}">0:{i:02d}</h2><p>Moment {i} about salary.</p>')):
                (root / rel).parent.mkdir(parents=True, exist_ok=True)
                (root / rel).write_text(f'<!doctype html><html lang="en"><head><title>S{i}</title></head>'
                                        f"<body><h1>Session {i}</h1>{body}</body></html>")
        for i in range(10):
            page = built / "topics" / f"t{i}" / "index.html"
            page.parent.mkdir(parents=True)
            page.write_text(f'<!doctype html><html lang="en"><head><title>T{i}</title></head>'
                            f"<body><h1>Topic {i}</h1><p>Sessions on topic {i}.</p></body></html>")
        return built, docs

    def files(built: Path, under: str = "") -> dict[str, str]:
        return {p.relative_to(built / "pagefind").as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted((built / "pagefind" / under).rglob("*")) if p.is_file()}

    ready = threading.Event()
    made = []
    for name in ("one", "two"):
        built, docs = site(name)
        early = EarlyIndex(docs, ready.wait, "en")
        ready.set()  # the documents are written
        assert early.finish(built, "site/") == 40
        made.append(files(built))
    assert made[0] == made[1]  # the same bytes each time
    built, docs = site("four")
    pagefind_index(built, docs)  # all at once, for comparison: the same results
    assert files(built, "fragment") == {k: v for k, v in made[0].items() if k.startswith("fragment/")}
    assert "Moment 3 about salary" in _pagefind_text(tmp_path / "one" / "site")

    built, docs = site("three")
    (built / "sessions" / "s05" / "index.html").unlink()  # MkDocs left this page out
    early = EarlyIndex(docs, lambda: None, "en")
    assert early.finish(built, "site/") is None and not (built / "pagefind").exists()
    assert not any(t.name == "kbgen-pagefind" for t in threading.enumerate())

    import kbgen.site.search as site_search

    def unreadable(built, shown):
        raise BuildError("Pagefind's index is not in the expected format")

    built, docs = site("five")  # an index that does not read back whole fails the build
    monkeypatch.setattr(site_search, "_pagefind_written", unreadable)
    with pytest.raises(BuildError, match="not in the expected format"):
        EarlyIndex(docs, lambda: None, "en").finish(built, "site/")


def test_pagefind_files_are_written_whole_by_kbgen_and_checked(tmp_path, monkeypatch):
    """Pagefind answered "written" before its last writes reached the disk, and its process was
    then stopped: files were published cut short or empty. kbgen writes what Pagefind sends back,
    and checks each file whole on disk before the site is swapped in."""
    import asyncio

    from kbgen.site.search import _Pagefind, pagefind_index

    built = tmp_path / "site"
    page = built / "sessions" / "a" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text('<!doctype html><html lang="en"><head><title>A</title></head><body><h1>A</h1>'
                    "<p>Salary negotiation moments.</p></body></html>")

    async def reported() -> dict[str, bytes]:
        async with _Pagefind("en") as index:
            await index.add_directory(str(built))
            return {f["path"]: f["content"] for f in await index.get_files()}

    want = asyncio.run(reported())
    pagefind_index(built)
    for name in ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-highlight.js",
                 "pagefind-modular-ui.js", "pagefind-modular-ui.css", "wasm.en.pagefind"):
        assert (built / "pagefind" / name).read_bytes() == want[name], name

    real = Path.write_bytes

    def short(self, data):  # a disk that takes only part of a file, silently
        return real(self, data[: len(data) // 2] if self.name == "pagefind-ui.css" else data)

    monkeypatch.setattr(Path, "write_bytes", short)
    shutil.rmtree(built / "pagefind")
    with pytest.raises(BuildError, match="pagefind-ui.css is not whole on disk"):
        pagefind_index(built)


@pytest.mark.browser
def test_header_search_sends_a_transcript_word_on_to_its_moment(canary_project):
    """Issue 17: a word said only in a transcript gave "No matching documents" in the header box.
    The header box (Material's: titles and summaries) now offers transcript search for the query,
    which lists the moment; the bytes each search loads are printed (-s) for the closing note."""
    import re

    chromium_or_skip()  # before the build: skip at once where there is no browser
    engine = _small_talk_engine()
    _build(canary_project, engine, audience="public")
    site = canary_project / "site"
    material = (site / "search" / "search_index.json").read_text().lower()
    doc = (canary_project / ".kbgen" / "search-docs" / "sessions" / "pub" / "index.html").read_text()
    said = re.findall(r'<h2 id="t=([0-9.]+)">[^<]*</h2>\s*<p>([^<]+)', doc)  # each moment, as indexed
    word, start = next((w, float(s)) for s, line in said for w in re.findall(r"[a-z]{5,}", line.lower())
                       if w not in material and sum(w in x.lower() for _, x in said) == 1)
    with _browsing(site) as (context, base):
        pg = context.new_page()
        errors: list[str] = []
        loaded: dict[str, int] = {}
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.on("requestfinished", lambda r: loaded.__setitem__(r.url, r.sizes()["responseBodySize"]))
        pg.goto(base + "/sessions/")
        pg.click(".md-search__input")
        pg.fill(".md-search__input", word)
        pg.wait_for_selector(".md-search-result__meta")
        link = pg.locator("a.kb-search-transcripts")
        link.wait_for(state="visible", timeout=10000)
        assert word in link.inner_text()
        assert link.get_attribute("href") == f"{base}/sessions/search/?query={word}"
        material_bytes = sum(n for url, n in loaded.items() if "search_index" in url or "/workers/" in url)
        before = set(loaded)
        link.click()
        moment = pg.locator("#kb-search a[href*='#t=']").first
        moment.wait_for(timeout=10000)
        moments = [a.get_attribute("href") for a in pg.locator("#kb-search a[href*='#t=']").all()]
        assert f"/sessions/pub/#t={start:g}" in moments, (word, moments)
        assert pg.locator("#kb-search input.pagefind-ui__search-input").input_value() == word
        # Material's header box stays shut over the results (it opens for ?q=, its own query).
        assert not pg.locator("[data-md-toggle=search]").is_checked()
        # Each moment's clock once, as its title: not again at the head of its excerpt.
        nested = pg.locator("#kb-search .pagefind-ui__result-nested").all()
        assert nested and all(not n.locator(".pagefind-ui__result-excerpt").inner_text().startswith(
            n.locator(".pagefind-ui__result-title").inner_text()) for n in nested)
        pagefind_bytes = sum(n for url, n in loaded.items() if url not in before and "/pagefind/" in url)
        print(f"bytes per query: Material's header search {material_bytes}, "  # noqa: T201 (-s)
              f"Pagefind's transcript search {pagefind_bytes}")
        # A query sent on in the address is text, never markup, in both boxes.
        dialogs: list[str] = []
        pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        payload = "<img src=x onerror=alert(1)>"
        pg.goto(base + "/sessions/search/?query=" + urllib.parse.quote(payload))
        pg.wait_for_function("(document.querySelector('#kb-search input') || {value: ''}).value.length > 0")
        pg.click(".md-search__input")
        pg.fill(".md-search__input", payload)
        pg.locator("a.kb-search-transcripts").wait_for(state="visible")
        pg.wait_for_timeout(300)
        assert pg.locator("img[src='x']").count() == 0 and dialogs == []
        assert payload in pg.locator("a.kb-search-transcripts").inner_text()
        assert errors == []
