"""The sessions index (issue 17, part 5): each session's mentors and topics link to their pages,
its length and level are shown, and the list reads newest first or oldest first (static pages:
no script, so it works from disk too), paged either way."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest

from kbgen.config import load_project
from kbgen.pipeline import build
from kbgen.transcribe.engine import EngineKey
from tests.conftest import MKDOCS, ROSTER, FakeEngine, make_files

KEY = EngineKey("fake", "fake-1", {})
HOSTILE_TITLE = "Pay | raise <script>window.__x=1</script> [click](javascript:window.__x=2) *bold*"
HOSTILE_NAME = "Ben <img src=x onerror=window.__x=3> | ](javascript:window.__x=4)"


def _vtt(seconds: int, text: str = "Hello there. This is a test.") -> str:
    end = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.000"
    return f"WEBVTT\n\n00:00:00.000 --> {end}\n{text}\n"


def _sidecar(title: str, date: str, mentors: str = "[ana]", topics: str = "[negotiation]", extra: str = "") -> str:
    return (f"title: '{title}'\ndate: {date}\nmentors: {mentors}\nmentee: anonymous\ntopics: {topics}\n"
            f"visibility: public\nconsent: true\nlanguage: en\n{extra}")


#: id: (title, date, mentors, topics, seconds, level)
SESSIONS = {
    "s1": ("First steps", "2024-03-01", "[ana]", "[negotiation]", 45, "beginner"),
    "s2": ("Offer talk", "2024-07-10", "[ana, ben]", "[negotiation, Machine Learning]", 720, "intermediate"),
    "s3": (HOSTILE_TITLE.replace("'", "''"), "2025-01-05", "[ben]", "[feedback]", 3900, "advanced"),
    "s4": ("Leading a team", "2025-02-01", "[ana]", "[leadership, feedback]", 1500, None),
    "s5": ("Model reviews", "2025-05-20", "[ben]", "[machine learning]", 600, None),
    "s6": ("Newest one", "2026-01-15", "[ana]", "[negotiation]", 90, "beginner"),
}


def _project(root: Path, kbgen_yml: str) -> Path:
    roster = ROSTER.replace("name: Ben Okafor", f"name: '{HOSTILE_NAME}'")
    files = {"kbgen.yml": kbgen_yml, "mkdocs.yml": MKDOCS, "mentors.yaml": roster,
             "site_src/index.md": "# Home\n\nSee [sessions](sessions/index.md).\n"}
    for sid, (title, date, mentors, topics, seconds, level) in SESSIONS.items():
        files[f"recordings/{sid}.yml"] = _sidecar(title, date, mentors, topics, f"level: {level}\n" if level else "")
        files[f"recordings/{sid}.vtt"] = _vtt(seconds)
    return make_files(root, files)


def _site(factory, kbgen_yml: str) -> Path:
    root = _project(factory.mktemp("kb") / "kb", kbgen_yml)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(root.parent / "home"))
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("NO_MKDOCS_2_WARNING", "1")
        build(load_project(root), engine_factory=FakeEngine, key=KEY)
    return root / "site"


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    """The same project built for a server (directory URLs) and for disk (offline, .html links)."""
    return {"server": _site(tmp_path_factory, "sessions_per_page: 5\n"),
            "offline": _site(tmp_path_factory, "sessions_per_page: 5\noffline: true\n")}


def _html(site: Path, name: str, kind: str) -> Path:
    """The built file of the sessions index page ``name`` (e.g. "index", "page-2")."""
    if name == "index":
        return site / "sessions" / "index.html"
    return site / "sessions" / (f"{name}/index.html" if kind == "server" else f"{name}.html")


def _resolve(page: Path, href: str) -> Path:
    path = unquote(urlsplit(href).path)
    target = (page.parent / path).resolve()
    return target / "index.html" if href.split("#")[0].endswith("/") or target.is_dir() else target


def _rows(page: Path) -> list:
    doc = lxml.html.fromstring(page.read_bytes())
    tables = doc.xpath("//article//table")
    assert len(tables) == 1
    return tables[0].xpath(".//tbody/tr")


def _cells(row) -> list[str]:
    return [" ".join(td.text_content().split()) for td in row.xpath("./td")]


def _links(cell, folder: str, page: Path) -> list[tuple[str, Path]]:
    return [(" ".join(a.text_content().split()), _resolve(page, a.get("href"))) for a in cell.xpath(".//a")
            if f"/{folder}/" in "/" + a.get("href")]


@pytest.mark.parametrize("kind", ["server", "offline"])
def test_mentors_and_topics_link_to_their_pages(sites, kind):
    site = sites[kind]
    pages = ["index", "page-2", "index_oldest", "index_oldest-page-2", "year-2025", "year-2025_oldest"]
    seen = {}
    for name in pages:
        page = _html(site, name, kind)
        for row in _rows(page):
            tds = row.xpath("./td")
            session = tds[1].xpath(".//a")[0]
            target = _resolve(page, session.get("href"))
            assert target.is_file(), (name, session.get("href"))
            sid = target.parent.name if kind == "server" else target.stem
            mentors = _links(tds[2], "mentors", page)
            topics = _links(tds[3], "topics", page)
            for _, path in mentors + topics:
                assert path.is_file(), (name, path)
                if kind == "offline":
                    assert path.suffix == ".html"
            seen.setdefault(sid, (sorted(n for n, _ in mentors), [n for n, _ in topics],
                                  sorted(p.parent.name if kind == "server" else p.stem for _, p in mentors)))
    assert set(seen) == set(SESSIONS)
    assert seen["s2"] == (sorted(["Ana Lopez", HOSTILE_NAME]), ["negotiation", "machine learning"], ["ana", "ben"])
    assert seen["s4"][1] == ["leadership", "feedback"]
    assert seen["s3"][2] == ["ben"]


def test_length_and_level_are_shown(sites):
    site = sites["server"]
    rows = {}
    for name in ("index", "page-2"):
        for row in _rows(_html(site, name, "server")):
            cells = _cells(row)
            assert len(cells) == 6
            rows[cells[0]] = cells
    head = lxml.html.fromstring(_html(site, "index", "server").read_bytes()).xpath("//article//table//th")
    assert [" ".join(th.text_content().split()) for th in head] == ["Date", "Session", "Mentors", "Topics",
                                                                    "Length", "Level"]
    assert [(r[4], r[5]) for _, r in sorted(rows.items())] == [
        ("45 s", "Beginner"), ("12 min", "Intermediate"), ("1 h 05 min", "Advanced"), ("25 min", ""),
        ("10 min", ""), ("2 min", "Beginner")]


def test_newest_first_and_oldest_first_are_both_paged(sites):
    site = sites["server"]

    def dates(name: str) -> list[str]:
        return [_cells(row)[0] for row in _rows(_html(site, name, "server"))]

    every = sorted(date for _, date, *_ in SESSIONS.values())
    assert dates("index") + dates("page-2") == every[::-1]
    assert dates("index_oldest") + dates("index_oldest-page-2") == every
    assert len(dates("index")) == len(dates("index_oldest")) == 5  # each page stays page_size long
    assert dates("year-2025_oldest") == sorted(dates("year-2025")) == [d for d in every if d.startswith("2025")]


@pytest.mark.parametrize("kind", ["server", "offline"])
def test_the_order_switch_is_a_plain_link_to_the_other_order(sites, kind):
    site = sites[kind]
    for name, other, label in (("index", "index_oldest", "Oldest first"), ("page-2", "index_oldest", "Oldest first"),
                               ("index_oldest", "index", "Newest first"),
                               ("year-2025", "year-2025_oldest", "Oldest first"),
                               ("year-2025_oldest", "year-2025", "Newest first")):
        page = _html(site, name, kind)
        doc = lxml.html.fromstring(page.read_bytes())
        links = [a for a in doc.xpath("//article//a") if " ".join(a.text_content().split()) == label]
        assert len(links) == 1, name
        assert _resolve(page, links[0].get("href")) == _html(site, other, kind).resolve()
    # Paging within the oldest-first list, and its year links keep the order.
    page = _html(site, "index_oldest", kind)
    doc = lxml.html.fromstring(page.read_bytes())
    hrefs = {" ".join(a.text_content().split()): a.get("href") for a in doc.xpath("//article//a")}
    assert _resolve(page, hrefs["Newer sessions →"]) == _html(site, "index_oldest-page-2", kind).resolve()
    assert _resolve(page, hrefs["2025"]) == _html(site, "year-2025_oldest", kind).resolve()
    assert "6 recorded sessions, oldest first" in doc.text_content()


def test_hostile_titles_and_names_stay_text(sites):
    site = sites["server"]
    for name in ("index", "page-2", "index_oldest", "year-2025"):
        page = _html(site, name, "server")
        doc = lxml.html.fromstring(page.read_bytes())
        article = doc.xpath("//article")[0]
        assert article.xpath(".//script | .//img") == []
        for el in article.iter():
            if not isinstance(el.tag, str):
                continue
            for attr, value in el.attrib.items():
                assert not attr.startswith("on"), (name, el.tag, attr)
                assert not value.strip().lower().startswith("javascript:"), (name, el.tag, value)
        for row in _rows(page):
            assert len(row.xpath("./td")) == 6  # a "|" in a title or name splits no cell
        text = " ".join(article.text_content().split())
        if name != "page-2":  # s3 and Ben's sessions are on the first page of each list
            assert HOSTILE_TITLE in text, name
            assert HOSTILE_NAME in text, name


def test_a_topic_without_a_page_stays_text_and_no_duration_shows_nothing():
    import datetime as dt

    from kbgen.models import Mentor, Session, SessionDoc, Transcript
    from kbgen.site.i18n import messages
    from kbgen.site.render import _env, _session_indexes

    t = messages("es")
    s = Session("x", "T", dt.date(2025, 1, 1), ("ana", "gone"), ("a | b <i>",), "public", True, level="advanced")
    doc = SessionDoc(s, Transcript((), "en", 0.0, "fake", "fake-1"))
    written: dict[str, str] = {}
    roster = {"ana": Mentor("ana", "Ana")}
    _session_indexes(_env(t), written.__setitem__, [doc], roster, 5, t, lambda *a: None)
    row = [line for line in written["sessions/index.md"].splitlines() if line.startswith("| 2025")][0]
    cells = [c.strip() for c in row.strip("|").split(" | ")]
    assert cells[2] == "[Ana](../mentors/ana.md)"  # a mentor not in the roster is left out
    assert cells[3] == "a &#124; b &#60;i&#62;"  # text, escaped: no page to link
    assert cells[4:] == ["", "Avanzado"]
    assert "| Fecha | Sesión | Mentores | Temas | Duración | Nivel |" in written["sessions/index.md"]
    assert "Orden: **Más recientes primero** · [Más antiguas primero](index_oldest.md)" in written["sessions/index.md"]
    assert "1 sesión grabada, las más antiguas primero" in written["sessions/index_oldest.md"]
    assert set(written) == {"sessions/index.md", "sessions/index_oldest.md", "sessions/year-2025.md",
                            "sessions/year-2025_oldest.md"}
