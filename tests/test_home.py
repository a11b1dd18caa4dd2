"""The home page's way in (issue 17, part 2): kbgen writes a block the project's index.md includes
(pymdownx.snippets) with a transcript search box, the latest sessions, Find a mentor, the busiest
topics and the learning paths, as Material's grid cards; only this audience's sessions."""

from __future__ import annotations

import lxml.html

from kbgen.config import load_project
from kbgen.pipeline import build
from kbgen.transcribe.engine import EngineKey
from tests.conftest import ROSTER, FakeEngine, make_files, sidecar, write_wav

MKDOCS = """site_name: Test KB
docs_dir: site_src
theme:
  name: material
  language: {language}
markdown_extensions:
  - attr_list
  - md_in_html
  - pymdownx.snippets:
      base_path: [!relative $config_dir/site_src]
      check_paths: true
"""
HOME = '# Home\n\nOur program.\n\n--8<-- "kbgen-assets/home.md"\n'


def _project(root, language="en", offline=False):
    files = {"mkdocs.yml": MKDOCS.format(language=language), "mentors.yaml": ROSTER, "site_src/index.md": HOME,
             "kbgen.yml": f"offline: {'true' if offline else 'false'}\n"}
    for i in range(7):
        title = "<img src=x onerror=alert(1)> pay" if i == 6 else f"Session {i}"
        files[f"recordings/s{i}.yml"] = sidecar(title).replace("2026-01-15", f"2026-0{i + 1}-10")
    files["recordings/hidden.yml"] = sidecar("Internal only rota", visibility="internal").replace(
        "2026-01-15", "2026-09-01")
    make_files(root, files)
    for i, name in enumerate([*(f"s{i}" for i in range(7)), "hidden"]):
        write_wav(root / "recordings" / f"{name}.wav", 1.0 + i / 10)
    engine = FakeEngine()
    build(load_project(root), engine_factory=lambda: engine, key=EngineKey("fake", "fake-1", {}))
    return lxml.html.parse(str(root / "site" / ("index.html"))).getroot()


def test_the_home_page_shows_the_way_in(tmp_path):
    page = _project(tmp_path / "kb")
    article = page.xpath("//article")[0]
    form = article.xpath(".//form[@role='search']")[0]
    assert form.get("action") == "sessions/search/" and form.xpath(".//input[@name='query']")
    assert article.xpath(".//div[contains(@class, 'grid') and contains(@class, 'cards')]")
    links = [a.get("href") for a in article.xpath(".//a")]
    latest = [h for h in links if h.startswith("sessions/s")]
    assert latest == ["sessions/s6/", "sessions/s5/", "sessions/s4/", "sessions/s3/", "sessions/s2/"]  # newest 5
    assert "sessions/" in links and "mentors/" in links and "topics/negotiation/" in links
    for href in links:  # every link leads to a built page
        assert (tmp_path / "kb" / "site" / href / "index.html").is_file(), href
    text = article.text_content()
    assert "All 7 sessions" in text and "Internal only rota" not in text  # this audience's only
    assert not page.xpath("//img[@src='x']") and "<img src=x onerror=alert(1)> pay" in text  # a title is text
    assert "--8<--" not in text


def test_offline_and_spanish(tmp_path):
    offline = _project(tmp_path / "off", offline=True)
    assert not offline.xpath("//form[@role='search']")  # no transcript search from disk
    assert "sessions/index.html" in [a.get("href") for a in offline.xpath("//article//a")]
    spanish = _project(tmp_path / "es", language="es")
    text = spanish.xpath("//article")[0].text_content()
    assert "Últimas sesiones" in text and "Las 7 sesiones" in text and "Busca lo que se dijo" in text


def test_topic_pages_are_titled_as_titles(tmp_path):
    """Issue 17: topic page titles were lower-case labels ("negotiation")."""
    from kbgen.site.render import as_title

    assert [as_title(x) for x in ("negotiation", "machine learning", "iOS", "SQL tuning", "négociation")] == [
        "Negotiation", "Machine learning", "iOS", "SQL tuning", "Négociation"]
    _project(tmp_path / "kb")
    page = lxml.html.parse(str(tmp_path / "kb" / "site" / "topics" / "negotiation" / "index.html")).getroot()
    assert page.xpath("//article//h1")[0].text_content().strip() == "Negotiation"
    assert page.xpath("//title")[0].text.startswith("Negotiation")
