"""The site in the session's language: ``lang`` on a session's content, a Pagefind index per
language searched from either site, kbgen's own words from a gettext catalogue chosen by the
site's ``theme.language``, and what a page says of a detected language.

One bilingual project (an English and a Spanish imported transcript) is built twice, as an
English site and as a Spanish one; the browser tests serve them to Debian's chromium. Its roster
gives the mentor directory's words something to say: a country, formats, availability windows,
reverse mentoring, and a mentor not active for a year.
"""

from __future__ import annotations

import functools
import re
from contextlib import contextmanager
from pathlib import Path

import pytest

from kbgen.config import load_project
from kbgen.models import Segment, Transcript
from kbgen.pipeline import build
from kbgen.transcribe.engine import EngineKey
from tests.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROSTER,
    FakeEngine,
    chromium_or_skip,
    isolate,
    make_files,
    serving,
    write_wav,
)

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


#: The usual two mentors, with what the directory says in kbgen's words: Ana takes mentees (one
#: of two slots open), meets by video and asynchronously, is in Spain and available on Mondays;
#: Ben (no session, last roster update in 2020) is not active, in Lagos (Nigeria). Each wants to
#: learn what the other knows (reverse mentoring); both know feedback (similar mentors).
DIRECTORY_ROSTER = ROSTER.replace(
    "    formats: [video]\n    capacity: 2\n",
    "    formats: [video, async]\n    capacity: 2\n    mentees: 1\n    country: ES\n"
    "    availability: [\"mon 09:00-13:00\"]\n    wants_to_learn: [machine learning]\n",
).replace(
    "    formats: [chat]\n    capacity: 1\n",
    "    formats: [chat]\n    capacity: 1\n    country: NG\n    location: Lagos\n    updated: 2020-01-01\n"
    "    wants_to_learn: [negotiation]\n",
)
#: The build's date (SOURCE_DATE_EPOCH, 2026-05-28): the statuses do not move with the clock.
BUILD_DATE = "1780000000"


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
        "mentors.yaml": DIRECTORY_ROSTER,
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
        mp.setenv("SOURCE_DATE_EPOCH", BUILD_DATE)
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
    assert [_text(x) for x in _find(index, "//article//th")] == ["Fecha", "Sesión", "Mentores", "Temas", "Duración",
                                                               "Nivel"]
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


# ---- The mentor directory's words ---------------------------------------------------------------

def _rows(article) -> dict[str, str]:
    """A mentor page's profile table: {label: value}."""
    return {_text(tr[0]): _text(tr[1]) for tr in article.xpath(".//table//tr[td]")}


def test_a_status_and_its_reason_are_said_in_the_sites_language():
    """Every reason kbgen gives for a status, in Spanish; in English, the status as kbgen match reports it."""
    import datetime as dt

    from kbgen.directory.status import Status, mentor_status
    from kbgen.models import Mentor
    from kbgen.site.i18n import messages

    es, en = messages("es"), messages("en")
    today, recent, old = dt.date(2026, 11, 22), dt.date(2026, 10, 1), dt.date(2025, 11, 21)

    def ana(**kw) -> Mentor:
        return Mentor(**{"id": "ana", "name": "Ana", "capacity": 2, "updated": recent, **kw})

    cases = [
        (ana(), None, "Acepta mentorados", "2 plazas libres para mentorados"),
        (ana(capacity=1), None, "Acepta mentorados", "1 plaza libre para mentorados"),
        (ana(capacity=3, mentees=2), None, "Acepta mentorados", "1 plaza libre de 3 para mentorados"),
        (ana(capacity=None), None, "Acepta mentorados", "capacidad sin indicar"),
        (ana(updated=None), None, "Acepta mentorados",
         "2 plazas libres para mentorados; sin fecha de sesión ni de actualización del listado"),
        (ana(available_until=dt.date(2027, 1, 31)), None, "Acepta mentorados",
         "2 plazas libres para mentorados; disponible hasta el 2027-01-31"),
        (ana(capacity=0), None, "Sin plazas", "no acepta mentorados (capacidad 0)"),
        (ana(capacity=1, mentees=1), None, "Sin plazas", "su única plaza para mentorados está ocupada"),
        (ana(mentees=2), None, "Sin plazas", "sus 2 plazas para mentorados están ocupadas"),
        (ana(available_until=dt.date(2026, 6, 30)), None, "Inactivo", "disponible hasta el 2026-06-30"),
        (ana(updated=old), None, "Inactivo", "ninguna sesión ni actualización del listado en más de 365 días "
                                             "(última actualización del listado: 2025-11-21)"),
        (ana(updated=None), dt.date(2025, 1, 2), "Inactivo",
         "ninguna sesión ni actualización del listado en más de 365 días (última sesión: 2025-01-02)"),
    ]
    for mentor, last_session, label, reason in cases:
        status = mentor_status(mentor, last_session, today, 365)
        said = status.said(es)
        assert (said.kind, said.label, said.reason) == (status.kind, label, reason)
        assert status.said(en) == status  # English: the same words as the report's
    # A status made elsewhere: its label in Spanish where it is kbgen's, its reason as given.
    assert Status("inactive", "Not active", "why").said(es) == Status("inactive", "Inactivo", "why")
    assert Status("full", "Busy", "why").said(es) == Status("full", "Busy", "why")


def test_the_directory_data_says_the_directorys_words_in_the_sites_language():
    import json

    from kbgen.directory.export import directory_json
    from kbgen.models import Mentor
    from kbgen.site.i18n import messages

    cai = Mentor(id="cai", name="Cai", timezone="Europe/Berlin", languages=("en", "es"), country="DE",
                 formats=("video", "async", "walk-and-talk"), capacity=0)
    made = functools.partial(directory_json, [cai], {}, {}, {}, format_words={"walk-and-talk": "on a walk"})
    es = json.loads(made(t=messages("es")))
    assert es["formats"] == [["async", "de forma asíncrona (mensajes que se responden más tarde)"],
                             ["video", "por vídeo"], ["walk-and-talk", "on a walk"]]  # kbgen.yml's: as written
    assert es["countries"] == [["DE", "Alemania"]] and es["langs"] == [["en", "inglés"], ["es", "español"]]
    assert es["status"] == [["full", "Sin plazas"]]
    assert [b[2] for b in es["bands"]] == ["UTC-12 a -6", "UTC-5 a -1", "UTC+0 a +3", "UTC+4 a +7", "UTC+8 a +14"]
    # In English, the same file as without kbgen's words.
    assert made(t=messages("en")) == made()
    en = json.loads(made())
    assert en["formats"][1] == ["video", "by video"] and en["countries"] == [["DE", "Germany"]]
    assert en["status"] == [["full", "Full"]] and en["bands"][2][2] == "UTC+0 to +3"


def test_a_spanish_mentor_page_says_the_directorys_words_in_spanish(sites):
    es = sites["es"]
    article = _find(_page(es, "mentors/ana/index.html"), "//article")[0]
    assert [_text(x) for x in _find(article, ".//.kb-status-line/span")] == [
        "Acepta mentorados", "1 plaza libre de 2 para mentorados"]
    rows = _rows(article)
    assert rows["Se reúne"] == "por vídeo, de forma asíncrona (mensajes que se responden más tarde)"
    assert rows["Ubicación"] == "España"
    assert rows["Disponibilidad"] == "lun 09:00-13:00 (hora local)"
    text = _text(article)
    assert "Ben Okafor, Harbor Health: comparte feedback" in text  # a similar mentor, and why
    assert "Ben Okafor podría enseñar a Ana Lopez machine learning y aprender a cambio negotiation" in text
    article = _find(_page(es, "mentors/ben/index.html"), "//article")[0]
    assert [_text(x) for x in _find(article, ".//.kb-status-line/span")] == [
        "Inactivo", "ninguna sesión ni actualización del listado en más de 365 días "
                    "(última actualización del listado: 2020-01-01)"]
    rows = _rows(article)
    assert rows["Se reúne"] == "por chat" and rows["Ubicación"] == "Lagos, Nigeria"
    index = [[_text(td) for td in tr] for tr in _find(_page(es, "mentors/index.html"), "//article//table//tr[td]")]
    assert sorted(row[4] for row in index) == ["España", "Lagos, Nigeria"]
    # The English site says the same in English.
    article = _find(_page(sites["en"], "mentors/ana/index.html"), "//article")[0]
    assert [_text(x) for x in _find(article, ".//.kb-status-line/span")] == [
        "Taking mentees", "1 open mentee slot of 2"]
    rows = _rows(article)
    assert rows["Meets"] == "by video, asynchronously (messages answered later)" and rows["Location"] == "Spain"
    assert rows["Availability"] == "mon 09:00-13:00 (local time)"
    assert "Ben Okafor, Harbor Health: shares feedback" in _text(article)


def test_a_spanish_sites_directory_data_is_in_spanish(sites):
    import json

    es = json.loads((sites["es"] / "site" / "mentors" / "directory.json").read_text())
    assert es["status"] == [["taking", "Acepta mentorados"], ["inactive", "Inactivo"]]
    assert es["formats"] == [["async", "de forma asíncrona (mensajes que se responden más tarde)"],
                             ["chat", "por chat"], ["video", "por vídeo"]]
    assert es["countries"] == [["ES", "España"], ["NG", "Nigeria"]]
    en = json.loads((sites["en"] / "site" / "mentors" / "directory.json").read_text())
    assert en["status"] == [["taking", "Taking mentees"], ["inactive", "Not active"]]
    assert en["formats"][2] == ["video", "by video"] and en["countries"] == [["ES", "Spain"], ["NG", "Nigeria"]]


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
    with serving(site) as base:
        elsewhere: list[str] = []
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
        # The directory's words from the data: status labels, formats, countries, time zone bands.
        badges = page.locator(".kb-dir-browse .kb-status").all_text_contents()
        assert sorted(badges) == ["Acepta mentorados", "Inactivo"]
        formats = page.get_by_label("Formato", exact=True).locator("option").all_text_contents()
        assert formats == ["Cualquier formato", "De forma asíncrona (mensajes que se responden más tarde)", "Por chat",
                           "Por vídeo"]
        countries = page.get_by_label("País", exact=True).locator("option").all_text_contents()
        assert countries == ["Cualquier país", "España", "Nigeria"]
        assert "UTC+0 a +3" in page.get_by_label("Zona horaria", exact=True).locator("option").all_text_contents()
        assert page.locator(".kb-find-form legend").all_text_contents()[1] == "Mis días laborables"
        assert page.get_by_label("lun", exact=True).is_checked()
        page.get_by_label("Temas en los que necesito ayuda (separados por comas)").fill("negotiation, juggling")
        page.get_by_label("Solo mentores de fuera de mi organización").uncheck()
        page.get_by_label("Formato que prefiero").select_option("video")
        page.get_by_role("button", name="Buscar mentores").click()
        count = page.locator(".kb-dir-find .kb-count")
        count.wait_for()
        assert count.text_content() == "1 mentor coincide. Ningún mentor indica «juggling»."
        result = page.locator(".kb-find-results > li").first
        assert "Puntuación" in result.text_content()
        assert result.locator(".kb-status").text_content() == "Acepta mentorados"
        assert "se reúne por vídeo" in result.locator(".kb-reasons").text_content()
