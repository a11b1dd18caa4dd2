"""The site in the session's language: ``lang`` on a session's content, a Pagefind index per
language searched from either site, kbgen's own words from a gettext catalogue chosen by the
site's ``theme.language``, and what a page says of a detected language.

One bilingual project (an English and a Spanish imported transcript) is built twice, as an
English site and as a Spanish one; the browser tests serve them to Debian's chromium.
"""

from __future__ import annotations

import functools
import re
import threading
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from kbgen.config import load_project
from kbgen.models import Segment, Transcript
from kbgen.pipeline import build
from kbgen.transcribe.engine import EngineKey
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, ROSTER, FakeEngine, chromium_or_skip, isolate, make_files, write_wav

KEY = EngineKey("fake", "fake-1", {})

EN_VTT = """WEBVTT

00:00:00.000 --> 00:00:04.000
Speaker 1: Ask for the salary range first, then anchor high.

00:00:05.000 --> 00:00:09.000
Jordan: We negotiated calmly and it worked.
"""
ES_VTT = """WEBVTT

00:00:00.000 --> 00:00:04.000
Speaker 1: Primero pregunta por el rango salarial.

00:00:12.000 --> 00:00:16.000
Jordan: Negociamos el salario con mucha calma.

00:01:15.000 --> 00:01:19.000
Speaker 1: La paciencia también cuenta.
"""


def _sidecar(title: str, language: str | None) -> str:
    return (f"title: {title}\ndate: 2026-01-15\nmentors: [ana]\nmentee: anonymous\ntopics: [negotiation]\n"
            f"visibility: public\nconsent: true\n" + (f"language: {language}\n" if language else ""))


def _mkdocs(language: str) -> str:
    return "site_name: Test KB\ndocs_dir: site_src\ntheme:\n  name: material\n" + (
        f"  language: {language}\n" if language else "")


def _build(root: Path, monkeypatch, engine: FakeEngine | None = None):
    """``kbgen build`` of ``root`` with a fake engine (the site's language is mkdocs.yml's)."""
    engine = engine or FakeEngine()
    return build(load_project(root), engine_factory=lambda: engine, key=KEY)


def _bilingual(root: Path, site_language: str) -> Path:
    return make_files(root, {
        "mkdocs.yml": _mkdocs(site_language),
        "mentors.yaml": ROSTER,
        "site_src/index.md": "# Home\n",
        "recordings/pub.yml": _sidecar("Negotiating an offer", "en") + "speakers: {Speaker 1: Ana Lopez}\n",
        "recordings/pub.vtt": EN_VTT,
        "recordings/esp.yml": _sidecar("Negociar una oferta", "es"),
        "recordings/esp.vtt": ES_VTT,
    })


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    """The bilingual project built as an English site ("en") and as a Spanish one ("es")."""
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        isolate(mp, tmp_path_factory.mktemp("home"))
        for language in ("en", "es"):
            root = _bilingual(tmp_path_factory.mktemp(f"site-{language}") / "kb", "" if language == "en" else language)
            _build(root, mp)
            out[language] = root
    return out


def _page(root: Path, rel: str):
    import lxml.html

    return lxml.html.fromstring((root / "site" / rel).read_bytes())


def _text(node) -> str:
    return " ".join(node.text_content().split())


def _cls(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _find(node, path: str) -> list:
    """XPath with ``.name`` for an element of class ``name`` (lxml's CSS selectors need another package)."""
    return node.xpath(re.sub(r"\.([a-z][\w-]*)", lambda m: f"*[{_cls(m.group(1))}]", path))


# ---- The catalogue -----------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["en", "es"])
def test_the_catalogue_translates_every_word_kbgen_puts_on_a_page(language):
    """Every msgid in the templates, this package's Python and its JavaScript (extracted with
    Babel, as `pybabel extract` does) has a translation: a word added in English without one
    fails here. Babel's checks also hold (the same %(name)s placeholders, plural forms)."""
    from babel.messages.pofile import read_po

    from kbgen.site.i18n import catalogue_file, extract_messages

    found = extract_messages()
    assert len(found) > 150 and "Summary" in found and ("Mentor:", "Mentors:") in found
    assert "Find a mentor" in found and "Step %(k)s of %(n)s in the learning path %(path)s" in found
    with catalogue_file(language).open("rb") as f:
        catalogue = read_po(f)
    missing = []
    for msgid, where in sorted(found.items(), key=str):
        entry = catalogue.get(msgid if isinstance(msgid, str) else msgid[0])
        strings = [] if entry is None or entry.fuzzy else (
            list(entry.string) if isinstance(entry.string, (tuple, list)) else [entry.string])
        if not strings or not all(strings):
            missing.append(f"{msgid!r} ({where[0]})")
    assert missing == [], f"not translated into {language}: " + "; ".join(missing)
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalogue.check()]
    assert problems == []


def test_the_catalogue_is_chosen_by_the_site_language_and_falls_back_to_english():
    from kbgen.site.i18n import messages

    assert messages("es")._("Summary") == "Resumen"
    assert messages("es-MX").language == "es" and messages("ES").language == "es"
    for other in ("fr", "pt-BR", "zz", "", None):  # no catalogue: English
        t = messages(other)
        assert t.language == "en" and t._("Summary") == "Summary"
    assert messages("es").ngettext("%(num)s mentor", "%(num)s mentors", 1) == "1 mentor"
    assert messages("es").ngettext("%(num)s mentor", "%(num)s mentors", 3) == "3 mentores"


def test_the_directory_script_gets_its_words_as_data():
    from kbgen.site.i18n import js_messages, messages

    assert js_messages(messages("en"), "directory.js") is None  # English: the script's own msgids
    data = js_messages(messages("es"), "directory.js")
    assert data["lang"] == "es" and data["plural"] == {"one": 0, "other": 1}
    assert data["messages"]["Find a mentor"] == "Encontrar un mentor"
    assert data["messages"]["%(num)s mentor matches."] == ["%(num)s mentor coincide.", "%(num)s mentores coinciden."]


# ---- Pages -------------------------------------------------------------------------------------

def test_a_session_page_carries_its_language_where_it_differs_from_the_site(sites):
    en = sites["en"]
    esp = _page(en, "sessions/esp/index.html")
    assert esp.getroottree().getroot().get("lang") == "en"  # Material: the site's language
    h1 = _find(esp, "//article//h1")[0]
    assert h1.get("id") == "negociar-una-oferta" and [s.get("lang") for s in _find(h1, ".//span")] == ["es"]
    assert _text(h1) == "Negociar una oferta"
    for part in (".kb-summary", ".kb-transcript"):
        assert _find(esp, f"//article//{part}")[0].get("lang") == "es", part
    assert "Negociamos el salario" in _text(_find(esp, "//article//.kb-transcript[@lang='es']")[0])
    # kbgen's own words stay in the site's language, outside the session's.
    assert [_text(x) for x in _find(esp, "//article//h2")][:1] == ["Summary"]
    assert not _find(esp, "//article//h2[@lang] | //article//h2//*[@lang]")
    assert "Language: Spanish" in _text(_find(esp, "//article//p")[0])
    # The English session on the English site: no lang anywhere in its content, no Language line.
    pub = _page(en, "sessions/pub/index.html")
    article = _find(pub, "//article")[0]
    assert [(x.tag, x.get("lang")) for x in _find(article, ".//*[@lang]")] == [("span", "es")]
    assert [a.get("href") for a in _find(article, ".//a") if _find(a, ".//span[@lang='es']")] == ["../esp/"]  # related
    assert "Language:" not in _text(article)


def test_pagefind_indexes_each_session_in_its_own_language(sites):
    import json

    en = sites["en"]
    docs = en / ".kbgen" / "search-docs" / "sessions"
    assert (docs / "esp" / "index.html").read_text().startswith('<!doctype html><html lang="es">')
    assert (docs / "pub" / "index.html").read_text().startswith('<!doctype html><html lang="en">')
    entry = json.loads((en / "site" / "pagefind" / "pagefind-entry.json").read_text())
    assert sorted(entry["languages"]) == ["en", "es"]
    assert entry["languages"]["es"]["page_count"] == 1  # the Spanish session; the site's pages are English
    assert entry["languages"]["en"]["wasm"] == "en" and entry["languages"]["es"]["wasm"] == "es"


def test_a_spanish_site_says_kbgens_words_in_spanish(sites):
    es = sites["es"]
    pub = _page(es, "sessions/pub/index.html")
    assert pub.getroottree().getroot().get("lang") == "es"
    headings = [_text(x) for x in _find(pub, "//article//h2")]
    assert headings[:2] == ["Resumen", "Ideas clave"] and "Transcripción" in headings
    assert "Sesiones relacionadas" in headings
    meta = _text(_find(pub, "//article//p")[0])
    assert meta.startswith("Fecha: 15 de enero de 2026 · Mentor: Ana Lopez · Mentorado:") and "Idioma: inglés" in meta
    # Here the English session is the one in another language.
    assert _find(pub, "//article//.kb-transcript")[0].get("lang") == "en"
    assert "Transcrito por un archivo WebVTT importado." in _text(_find(pub, "//article")[0])
    esp = _page(es, "sessions/esp/index.html")
    assert [(x.tag, x.get("lang")) for x in _find(esp, "//article//*[@lang]")] == [("span", "en")]  # related
    assert "Idioma:" not in _text(_find(esp, "//article")[0])
    # The nav, the index pages and Material's search index (the summary section, by its id).
    home = (es / "site" / "index.html").read_text()
    assert "Itinerarios de aprendizaje" in home and ">Sesiones<" in re.sub(r"\s+", "", home).replace(
        'class="md-ellipsis">', ">")
    index = _page(es, "sessions/index.html")
    assert [_text(x) for x in _find(index, "//article//th")] == ["Fecha", "Sesión", "Mentores", "Temas"]
    assert "2 sesiones grabadas, las más recientes primero." in _text(_find(index, "//article")[0])
    import json

    docs = json.loads((es / "site" / "search" / "search_index.json").read_text())["docs"]
    assert "sessions/pub/#resumen" in {d["location"] for d in docs}
    mentors = _page(es, "mentors/index.html")
    assert _text(_find(mentors, "//article//h1")[0]) == "Mentores"
    assert "2 mentores de 2 organizaciones." in _text(_find(mentors, "//article//p")[0])
    words = json.loads(_find(mentors, "//*[@id='kb-directory']")[0].get("data-words"))
    assert words["messages"]["Any topic"] == "Cualquier tema"


def test_an_english_site_gives_the_directory_no_words_to_translate(sites):
    assert _find(_page(sites["en"], "mentors/index.html"), "//*[@id='kb-directory']")[0].get("data-words") is None


def test_a_build_renders_in_the_language_mkdocs_yml_states(tmp_path):
    """What pipeline.py passes the render stage: mkdocs.yml's theme.language."""
    from kbgen.site.build import site_language

    assert site_language({"theme": {"name": "material", "language": "es"}}) == "es"
    assert site_language({"theme": "material"}) == site_language({}) == "en"
    root = _bilingual(tmp_path / "kb", "es")
    engine = FakeEngine()
    build(load_project(root), engine_factory=lambda: engine, key=KEY)
    assert "Resumen" in [_text(x) for x in _find(_page(root, "sessions/pub/index.html"), "//article//h2")]


# ---- A detected language -----------------------------------------------------------------------

class DetectingEngine(FakeEngine):
    """Whisper that detected the language, as sure as ``probability``."""

    def __init__(self, language: str, probability: float):
        super().__init__()
        self.language, self.probability = language, probability

    def transcribe(self, audio, language=None, hotwords=None) -> Transcript:
        self.calls += 1
        seconds = len(audio) / 16000
        return Transcript((Segment(0.0, seconds, "Negociamos el salario con calma."),), self.language, seconds,
                          self.name, self.model_id, language_probability=self.probability)


@pytest.mark.parametrize(("probability", "said"), [
    (0.93, "Language: Spanish (detected) Topics"),
    (0.62, "Language: Spanish (detected with 62% confidence; set language: in the sidecar if this is wrong)"),
])
def test_a_detected_language_is_said_on_the_page(tmp_path, monkeypatch, probability, said):
    root = make_files(tmp_path / "kb", {
        "mkdocs.yml": _mkdocs(""), "mentors.yaml": ROSTER, "site_src/index.md": "# Home\n",
        "recordings/pub.yml": _sidecar("Negociar", None),  # no language: Whisper detects it
    })
    write_wav(root / "recordings" / "pub.wav", 1.0)
    _build(root, monkeypatch, DetectingEngine("es", probability))
    page = _page(root, "sessions/pub/index.html")
    article = _text(_find(page, "//article")[0])
    assert said in article
    if probability < 0.8:
        assert [c.text for c in _find(page, "//article//p//code")] == ["language:"]
    assert _find(page, "//article//.kb-transcript")[0].get("lang") == "es"


def test_a_stated_language_is_not_called_detected(tmp_path, monkeypatch):
    """A sidecar's language is the session's even where a cached transcript says how sure Whisper
    was: the page names it without "detected"."""
    root = make_files(tmp_path / "kb", {
        "mkdocs.yml": _mkdocs(""), "mentors.yaml": ROSTER, "site_src/index.md": "# Home\n",
        "recordings/pub.yml": _sidecar("Negociar", "es"),
    })
    write_wav(root / "recordings" / "pub.wav", 1.0)
    _build(root, monkeypatch, DetectingEngine("es", 0.5))
    article = _text(_find(_page(root, "sessions/pub/index.html"), "//article")[0])
    assert "Language: Spanish Topics" in article and "detected" not in article


def test_a_spanish_site_says_the_detection_in_spanish(tmp_path, monkeypatch):
    root = make_files(tmp_path / "kb", {
        "mkdocs.yml": _mkdocs("es"), "mentors.yaml": ROSTER, "site_src/index.md": "# Home\n",
        "recordings/pub.yml": _sidecar("Negociar", None),
    })
    write_wav(root / "recordings" / "pub.wav", 1.0)
    _build(root, monkeypatch, DetectingEngine("es", 0.62))
    page = _page(root, "sessions/pub/index.html")
    assert "Idioma: español (detectado con un 62% de confianza; indica language: en el sidecar si no es correcto)" \
        in _text(_find(page, "//article")[0])
    assert not _find(page, "//article//.kb-transcript")[0].get("lang")  # the site's language


# ---- In the browser ----------------------------------------------------------------------------

@contextmanager
def _browser(site: Path):
    """(base URL, a new page) with the site served; requests to other hosts fail the test."""
    sync_playwright = chromium_or_skip()
    from kbgen.httpserve import RangeRequestHandler

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(RangeRequestHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    elsewhere: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context()
                context.route(lambda url: not url.startswith(base),
                              lambda r: (elsewhere.append(r.request.url), r.fulfill(status=204, body="")))
                page = context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                yield base, page
                assert errors == [] and elsewhere == []
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()


def _moments(page, query: str) -> list[str]:
    """The moment links the transcript search lists for ``query``, once Pagefind's UI says how
    many results it found for it and has shown each."""
    page.fill("#kb-search input", query)
    page.wait_for_function("""q => {
        const m = document.querySelector('#kb-search .pagefind-ui__message');
        if (!m || !m.textContent.includes(q) || /^(Searching|Buscando)/.test(m.textContent.trim())) return false;
        const shown = document.querySelectorAll('#kb-search .pagefind-ui__result');
        return [...shown].every(r => r.querySelector('.pagefind-ui__result-link'));
    }""", arg=query, timeout=15000)
    return sorted({a.get_attribute("href") for a in page.locator("#kb-search a[href*='#t=']").all()})


@pytest.mark.browser
def test_the_english_site_finds_a_spanish_sessions_moments(sites):
    with _browser(sites["en"] / "site") as (base, page):
        page.goto(base + "/sessions/search/")
        page.wait_for_selector("#kb-search input")
        # Spanish words, from the English site: the Spanish index is merged into the search.
        assert "/sessions/esp/#t=75" in _moments(page, "paciencia")
        assert "/sessions/esp/#t=12" in _moments(page, "negociamos")
        # Another inflection of the same stem (Spanish "negoci-"): Negociamos at 00:12.
        assert "/sessions/esp/#t=12" in _moments(page, "negociaciones")
        assert "/sessions/esp/#t=12" in _moments(page, "negociar")
        # The site's own language still searches its own index.
        assert _moments(page, "negotiated") == ["/sessions/pub/#t=5"]
        shown = page.locator("#kb-search").inner_text()
        assert "Negotiating an offer" in shown
        page.fill("#kb-search input", "paciencia")
        page.locator("#kb-search a[href='/sessions/esp/#t=75']").first.click()
        page.wait_for_url(base + "/sessions/esp/#t=75")


@pytest.mark.browser
def test_the_spanish_site_finds_an_english_sessions_moments(sites):
    with _browser(sites["es"] / "site") as (base, page):
        page.goto(base + "/sessions/search/")
        page.wait_for_selector("#kb-search input")
        assert page.locator("#kb-search input").get_attribute("placeholder") == "Buscar"  # Pagefind UI, in Spanish
        # kbgen.js names Material's search dialog by Material's own label for the box, in Spanish.
        assert page.locator(".md-search[role=dialog]").get_attribute("aria-label") == "Búsqueda" == \
            page.locator(".md-search__input").get_attribute("aria-label")
        assert "/sessions/pub/#t=5" in _moments(page, "negotiated")
        assert "/sessions/esp/#t=75" in _moments(page, "paciencia")
        # Here Spanish is the page's own index, stemmed by Pagefind's Spanish stemmer.
        assert "/sessions/esp/#t=12" in _moments(page, "negociaciones")


@pytest.mark.browser
def test_the_directory_form_is_in_the_sites_language(sites):
    with _browser(sites["es"] / "site") as (base, page):
        page.goto(base + "/mentors/")
        page.wait_for_selector(".kb-dir-find h2")
        assert page.locator(".kb-dir-find h2").text_content() == "Encontrar un mentor"
        assert page.locator(".kb-dir-browse h2").text_content() == "Explorar mentores"
        topic = page.get_by_label("Tema", exact=True)
        assert topic.locator("option").first.text_content() == "Cualquier tema"
        assert page.locator(".kb-dir-browse .kb-count").text_content() == "2 de 2 mentores"
        languages = page.get_by_label("Idioma", exact=True).locator("option").all_text_contents()
        assert languages == ["Cualquier idioma", "español", "inglés"]  # named by the browser, in Spanish
        assert page.locator(".kb-find-form legend").all_text_contents()[1] == "Mis días laborables"
        assert page.get_by_label("lun", exact=True).is_checked()
        page.get_by_label("Temas en los que necesito ayuda (separados por comas)").fill("negotiation, juggling")
        page.get_by_label("Solo mentores de fuera de mi organización").uncheck()
        page.get_by_role("button", name="Buscar mentores").click()
        count = page.locator(".kb-dir-find .kb-count")
        count.wait_for()
        assert count.text_content() == "1 mentor coincide. Ningún mentor indica «juggling»."
        assert "Puntuación" in page.locator(".kb-find-results > li").first.text_content()
