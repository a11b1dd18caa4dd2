"""The intranet rule: no page of a built site makes the browser contact another host.

Unit tests of the scanner (kbgen/site/privacy.py) on HTML, CSS and script snippets; builds where
one setting or page would load from another host fail naming it and leave the previous site as
it was; and, in Chromium, every page of sites built from several mkdocs.yml variants is opened
over local HTTP while every request is watched: none may go anywhere but the local server.
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from kbgen.config import load_project
from kbgen.errors import BuildError, ConfigError
from kbgen.pipeline import build
from kbgen.site.privacy import (
    Allowed,
    config_findings,
    css_urls,
    external_host,
    scan_html,
    scan_site,
    script_urls,
    source_facts_url,
)
from kbgen.transcribe.engine import EngineKey
from tests.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MKDOCS,
    ROOT,
    ROSTER,
    FakeEngine,
    chromium_or_skip,
    make_files,
    serving,
    sidecar,
    write_wav,
)

KEY = EngineKey("fake", "fake-1", {})


def _build(root: Path, **kw):
    engine = FakeEngine({1.0: "We talked about salary. Ask for more money. Always negotiate calmly.",
                         1.5: "Feedback works best when it is specific. Say what you saw."})
    return build(load_project(root), engine_factory=lambda: engine, key=KEY, **kw)


def _tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _project(root: Path, mkdocs: str = MKDOCS, extra: dict[str, str] | None = None) -> Path:
    make_files(root, {
        "mkdocs.yml": mkdocs,
        "mentors.yaml": ROSTER,
        "site_src/index.md": "# Home\n\nSee [sessions](sessions/index.md) and [the guide](https://example.org/guide).\n",
        "site_src/about.md": "# About\n\nWho we are.\n",
        "recordings/pub.yml": sidecar("Negotiating an offer"),
        "recordings/raise.yml": sidecar("Asking for feedback", mentors="[ana, ben]", topics="[feedback]"),
        **(extra or {}),
    })
    write_wav(root / "recordings" / "pub.wav", 1.0)
    write_wav(root / "recordings" / "raise.wav", 1.5)
    return root


# ---- the scanner --------------------------------------------------------------------------------

@pytest.mark.parametrize("url, host", [
    ("https://cdn.example.org/x.js", "cdn.example.org"),
    ("//cdn.example.org/x.js", "cdn.example.org"),
    ("  HTTPS://CDN.Example.org./x", "cdn.example.org"),
    ("https:\\\\cdn.example.org\\x", "cdn.example.org"),  # browsers read backslashes as slashes
    ("\\\\cdn.example.org/x", "cdn.example.org"),
    ("ht\ttps://cdn.example.org/", "cdn.example.org"),  # tabs and newlines are dropped
    ("https://user:pw@cdn.example.org:8443/x", "cdn.example.org"),
    ("http://[::1]:8000/", "::1"),
    ("wss://live.example.org/socket", "live.example.org"),
    ("x.js", None), ("../assets/x.css", None), ("/abs/path.png", None), ("#top", None), ("?q=1", None),
    ("data:image/png;base64,AAAA", None), ("blob:abc", None), ("mailto:a@example.org", None),
    ("javascript:void(0)", None), ("", None),
])
def test_external_host_reads_urls_as_a_browser_does(url, host):
    assert external_host(url) == host


def _hosts(html: str) -> list[str]:
    return [f.host for f in scan_html(f"<!doctype html><html><head></head><body>{html}</body></html>", "p.html")]


@pytest.mark.parametrize("html, hosts", [
    ('<script src="https://a.example/x.js"></script>', ["a.example"]),
    ('<link rel="stylesheet" href="https://a.example/x.css">', ["a.example"]),
    ('<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin>', ["fonts.gstatic.com"]),
    ('<link rel="dns-prefetch" href="//a.example">', ["a.example"]),
    ('<link rel="preload" as="font" href="https://a.example/f.woff2">', ["a.example"]),
    ('<link rel="modulepreload" href="https://a.example/m.js">', ["a.example"]),
    ('<link rel="icon" href="https://a.example/favicon.png">', ["a.example"]),
    ('<link rel="manifest" href="https://a.example/app.webmanifest">', ["a.example"]),
    ('<link rel="alternate stylesheet" href="https://a.example/alt.css">', ["a.example"]),
    ('<link rel="preload" as="image" imagesrcset="https://a.example/1.png 1x">', ["a.example"]),
    ('<img src="https://a.example/i.png">', ["a.example"]),
    ('<img src="i.png" srcset="i2.png 2x, https://a.example/i3.png 3x">', ["a.example"]),
    ('<picture><source srcset="https://a.example/i.webp"><img src="i.png"></picture>', ["a.example"]),
    ('<iframe src="https://a.example/embed"></iframe>', ["a.example"]),
    ('<iframe srcdoc="&lt;img src=https://a.example/i.png&gt;"></iframe>', ["a.example"]),
    ('<audio src="https://a.example/a.mp3"></audio>', ["a.example"]),
    ('<video poster="https://a.example/p.jpg"><source src="https://b.example/v.mp4">'
     '<track src="https://c.example/t.vtt"></video>', ["a.example", "b.example", "c.example"]),
    ('<object data="https://a.example/o"></object><embed src="https://b.example/e">', ["a.example", "b.example"]),
    ('<input type="image" src="https://a.example/go.png">', ["a.example"]),
    ('<div style="background:url(https://a.example/bg.png)">x</div>', ["a.example"]),
    ('<style>@import "https://a.example/x.css"; p{background:url(\'//b.example/b.png\')}</style>',
     ["a.example", "b.example"]),
    ('<style>p{background-image:image-set("https://a.example/1.png" 1x)}</style>', ["a.example"]),
    ('<table background="https://a.example/t.png"><tr><td>x</td></tr></table>', ["a.example"]),
    ('<svg><image href="https://a.example/i.png"/><use xlink:href="https://b.example/s.svg#i"/></svg>',
     ["a.example", "b.example"]),
    ('<meta http-equiv="refresh" content="0; url=https://a.example/">', ["a.example"]),
    ('<base href="https://a.example/">', ["a.example"]),
    ('<a href="/x" ping="https://a.example/track">x</a>', ["a.example"]),
    ('<script>var s = document.createElement("script"); s.src = "https://a.example/tag.js";</script>',
     ["a.example"]),
    ('<button onclick="fetch(\'https://a.example/beacon\')">x</button>', ["a.example"]),
    ('<!--> <img src="https://a.example/i.png"> -->', ["a.example"]),  # "<!-->" ends the comment in HTML5
    ('<pre class="mermaid"><code>graph LR; A --> B</code></pre>', ["unpkg.com"]),
    # Not requests: links, link-only <link>s, names, data, local files, JSON data, comments.
    ('<a href="https://a.example/">a plain link</a><form action="https://a.example/f"></form>', []),
    ('<link rel="canonical" href="https://kb.example/x/"><link rel="alternate" hreflang="de" '
     'href="https://kb.example/de/"><link rel="prev" href="https://kb.example/1/">', []),
    ('<img src="data:image/png;base64,AAAA"><img src="../assets/logo.png"><script src="js/x.js"></script>', []),
    ('<script type="application/ld+json">{"@context": "https://schema.org"}</script>', []),
    ('<script>var ns = "http://www.w3.org/2000/svg"; // see https://a.example/docs\n</script>', []),
    ('<style>@namespace svg url(http://www.w3.org/2000/svg);</style><svg><use href="#icon"/></svg>', []),
    ('<pre class="mermaid"><code>graph LR</code></pre><script src="../js/mermaid.min.js"></script>', []),
    ('<p>See https://a.example/ for more.</p><code>&lt;script src="https://a.example/x.js"&gt;</code>', []),
])
def test_scan_html_finds_what_a_browser_would_load(html, hosts):
    assert _hosts(html) == hosts


def test_scan_names_the_page_how_and_the_fix():
    [f] = scan_html('<html><body><iframe src="https://video.example/embed/1"></iframe></body></html>',
                    "about/index.html")
    assert (f.where, f.url, f.what) == ("about/index.html", "https://video.example/embed/1", "<iframe src>")
    assert "plain <a href>" in f.fix
    [emoji] = scan_html('<img class="twemoji" src="https://cdn.jsdelivr.net/x/1f600.svg">', "p.html")
    assert "material.extensions.emoji.to_svg" in emoji.fix


def test_css_and_script_urls():
    css = ('/* url(https://comment.example/x.png) */ @import url("https://a.example/a.css") screen;'
           '@font-face{font-family:x;src:url(https://b.example/f.woff2) format("woff2"), local(x)}'
           '@media print{.x{background:URL( "https://c.example/c.png" )}}'
           '.e{background:\\75 rl(https://d.example/escaped.png)}')
    assert [external_host(u) for _, u in css_urls(css)] == ["a.example", "b.example", "c.example", "d.example"]
    js = 'import x from "https://a.example/m.js"; fetch(`https://b.example/api`); // "comment" https://c.example'
    assert [external_host(u) for u in script_urls(js)] == ["a.example", "b.example"]


def test_source_facts_follow_materials_patterns():
    assert source_facts_url("https://github.com/acme/kb") == "https://api.github.com/repos/acme/kb"
    assert source_facts_url("https://github.com/acme") == "https://api.github.com/users/acme"
    assert source_facts_url("https://gitlab.com/acme/team/kb") == "https://gitlab.com/api/v4/projects/acme%2Fteam%2Fkb"
    assert source_facts_url("https://gitlab.intranet.example/a/b/") == \
        "https://gitlab.intranet.example/api/v4/projects/a%2Fb"
    assert source_facts_url("https://git.intranet.example/acme/kb") is None  # Material fetches nothing for it


def test_allowed_hosts_patterns():
    allowed = Allowed(["cdn.intranet.example", "*.corp.example"])
    assert allowed("cdn.intranet.example") and allowed("static.corp.example") and allowed("a.b.corp.example")
    assert not allowed("corp.example") and not allowed("intranet.example") and not allowed("evil.example")
    assert Allowed(["*"])("anything.example")


def test_allowed_hosts_setting_is_validated(tmp_path):
    make_files(tmp_path, {"kbgen.yml": "allowed_hosts:\n  - cdn.intranet.example\n  - https://cdn.example.org/x\n"})
    with pytest.raises(ConfigError, match=r"kbgen.yml: line 3.*not a host name; write it as cdn.intranet.example"):
        load_project(tmp_path)
    (tmp_path / "kbgen.yml").write_text("allowed_hosts: [CDN.Intranet.Example, '*.corp.example']\n")
    assert load_project(tmp_path).config.allowed_hosts == ["cdn.intranet.example", "*.corp.example"]


# ---- builds -------------------------------------------------------------------------------------

def test_material_without_font_gets_system_fonts_and_a_clean_site(tmp_path):
    root = _project(tmp_path / "kb")
    _build(root)
    site = root / "site"
    for page in site.rglob("*.html"):
        assert "fonts.googleapis.com" not in page.read_text(), page
    assert scan_site(site) == []
    # A plain link to another site stays a link.
    assert 'href="https://example.org/guide"' in (site / "index.html").read_text()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One project built once; each case changes it, expects a failure, and puts it back."""
    root = _project(tmp_path_factory.mktemp("privacy") / "kb",
                    extra={"site_src/css/site.css": "p { color: #333; }\n"})
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(root.parent / "home"))
        mp.setenv("HF_HUB_OFFLINE", "1")
        _build(root)
        yield root


@contextmanager
def _changed(root: Path, files: dict[str, str]):
    saved = {name: (root / name).read_text() if (root / name).exists() else None for name in files}
    make_files(root, files)
    try:
        yield
    finally:
        for name, text in saved.items():
            if text is None:
                (root / name).unlink()
            else:
                (root / name).write_text(text)


MERMAID = ("markdown_extensions:\n  - pymdownx.superfences:\n      custom_fences:\n        - name: mermaid\n"
           "          class: mermaid\n          format: !!python/name:pymdownx.superfences.fence_code_format\n")

CULPRITS = {
    "external script": ({"mkdocs.yml": MKDOCS + "extra_javascript: [https://cdn.example.org/widget.js]\n"},
                        ["index.html", "<script src>", "https://cdn.example.org/widget.js", "extra_javascript"]),
    "a font": ({"mkdocs.yml": MKDOCS + "  font:\n    text: Inter\n"},
               ["mkdocs.yml: theme.font", "https://fonts.googleapis.com/css?family=Inter", "font: false"]),
    "an image": ({"site_src/about.md": "# About\n\n![logo](https://img.example.org/logo.png)\n"},
                 ["about/index.html", "<img src>", "https://img.example.org/logo.png", "relative path"]),
    "an iframe": ({"site_src/about.md": '# About\n\n<iframe src="https://video.example.org/embed/7"></iframe>\n'},
                  ["about/index.html", "<iframe src>", "https://video.example.org/embed/7", "plain <a href>"]),
    "repo_url on GitHub": ({"mkdocs.yml": MKDOCS + "repo_url: https://github.com/acme/kb\n"},
                           ["mkdocs.yml: repo_url", "https://api.github.com/repos/acme/kb", "remove repo_url"]),
    "repo_url on GitLab": ({"mkdocs.yml": MKDOCS + "repo_url: https://gitlab.com/acme/kb\n"},
                           ["mkdocs.yml: repo_url", "https://gitlab.com/api/v4/projects/acme%2Fkb"]),
    "analytics": ({"mkdocs.yml": MKDOCS + "extra:\n  analytics:\n    provider: google\n    property: G-1\n"},
                  ["mkdocs.yml: extra.analytics", "https://www.googletagmanager.com/gtag/js"]),
    "a logo": ({"mkdocs.yml": MKDOCS + "  logo: https://img.example.org/logo.svg\n"},
               ["index.html", "<img src>", "https://img.example.org/logo.svg"]),
    "a favicon": ({"mkdocs.yml": MKDOCS + "  favicon: https://img.example.org/favicon.ico\n"},
                  ['<link rel="icon">', "https://img.example.org/favicon.ico"]),
    "CSS @import": ({"mkdocs.yml": MKDOCS + "extra_css: [css/site.css]\n",
                     "site_src/css/site.css": '@import url("https://fonts.example.org/inter.css");\n'},
                    ["css/site.css", "CSS @import", "https://fonts.example.org/inter.css"]),
    "a Mermaid diagram": ({"mkdocs.yml": MKDOCS + MERMAID,
                           "site_src/about.md": "# About\n\n```mermaid\ngraph LR\n  A --> B\n```\n"},
                          ["about/index.html", "https://unpkg.com/mermaid", "mermaid.min.js"]),
    "emoji images": ({"mkdocs.yml": MKDOCS + "markdown_extensions: [pymdownx.emoji]\n",
                      "site_src/about.md": "# About\n\nHello :smile:\n"},
                     ["about/index.html", "https://cdnjs.cloudflare.com/", "emoji_generator"]),
}


@pytest.mark.parametrize("case", list(CULPRITS))
def test_a_request_to_another_host_fails_the_build_and_keeps_the_site(built, case):
    files, expected = CULPRITS[case]
    site = built / "site"
    before = _tree(site)
    with _changed(built, files), pytest.raises(BuildError) as info:
        _build(built)
    message = info.value.format_message()
    for text in expected:
        assert text in message, (text, message)
    assert "allowed_hosts" in message and "The previous site/ (the public build) is unchanged." in message
    assert _tree(site) == before
    assert not [p for p in built.iterdir() if p.name.startswith(".site-")]


def test_allowed_hosts_let_an_intranet_cdn_through(built):
    files = {"mkdocs.yml": MKDOCS + "extra_javascript: [https://cdn.intranet.example/widget.js]\n"
                                    "extra_css: ['https://static.corp.example/site.css']\n",
             "kbgen.yml": "allowed_hosts: [cdn.intranet.example, '*.corp.example']\n"}
    with _changed(built, files):
        _build(built)
        page = (built / "site" / "index.html").read_text()
        assert "https://cdn.intranet.example/widget.js" in page and "https://static.corp.example/site.css" in page
        # One host allowed is not every host.
        make_files(built, {"kbgen.yml": "allowed_hosts: [cdn.intranet.example]\n"})
        with pytest.raises(BuildError, match="static.corp.example"):
            _build(built)


def test_site_url_host_is_the_sites_own(built):
    files = {"mkdocs.yml": MKDOCS + "site_url: https://kb.intranet.example/\n",
             "site_src/about.md": "# About\n\n![logo](https://kb.intranet.example/logo.png)\n"}
    with _changed(built, files):
        _build(built)  # the canonical links and an absolute URL of the site itself are no other host
        assert '<link rel="canonical" href="https://kb.intranet.example/' in (built / "site" / "index.html").read_text()


def test_config_findings_for_a_theme_without_material():
    class Cfg(dict):
        pass

    class Theme(dict):
        name = "mkdocs"

    assert config_findings(Cfg(theme=Theme(), repo_url="https://github.com/a/b")) == []


def test_cli_build_passes_offline_through(monkeypatch, tmp_path):
    from kbgen import cli, pipeline

    seen = {}

    def fake_build(project, **kw):
        seen.update(kw)
        raise BuildError("stop here")

    monkeypatch.setattr(pipeline, "build", fake_build)
    result = CliRunner().invoke(cli.cli, ["build", "-p", str(tmp_path), "--offline"])
    assert result.exit_code == 1 and "stop here" in result.output and "Traceback" not in result.output
    assert seen["offline"] is True
    CliRunner().invoke(cli.cli, ["build", "-p", str(tmp_path)])
    assert seen["offline"] is None  # kbgen.yml decides


# ---- in the browser -----------------------------------------------------------------------------

VARIANTS = {
    "demo": (ROOT / "mkdocs.yml").read_text(),
    "no font key": MKDOCS,
    "material defaults": "site_name: Test KB\ndocs_dir: site_src\ntheme: material\n",
    "no theme": "site_name: Test KB\ndocs_dir: site_src\n",
    "many features": """\
site_name: Test KB
site_url: https://kb.intranet.example/
docs_dir: site_src
repo_url: https://git.intranet.example/acme/kb
repo_name: acme/kb
theme:
  name: material
  features: [navigation.instant, navigation.instant.prefetch, navigation.tracking, navigation.tabs,
             navigation.sections, navigation.top, navigation.footer, toc.follow, search.suggest,
             search.highlight, search.share, content.code.copy, content.tooltips, announce.dismiss]
  palette:
    - scheme: default
      toggle: {icon: material/brightness-7, name: Dark mode}
    - scheme: slate
      toggle: {icon: material/brightness-4, name: Light mode}
  icon:
    repo: fontawesome/brands/git-alt
extra:
  social:
    - icon: fontawesome/brands/mastodon
      link: https://social.example.org/@kb
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.highlight
  - pymdownx.tabbed: {alternate_style: true}
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
""",
}
PAGE = """\
# About

!!! note "A note"
    With :material-information: an icon and `code`.

```python
print("hello")
```
"""


def material_search(pg, query: str) -> str:
    """Search with Material's search box once its index is loaded; the first result's text."""
    pg.click("input.md-search__input")
    pg.wait_for_function("""() => { const m = document.querySelector('.md-search-result__meta');
                                    return m && m.textContent.trim() && !/Initializing/i.test(m.textContent); }""")
    pg.locator("input.md-search__input").press_sequentially(query)  # Material reads the query on keyup
    pg.wait_for_selector(".md-search-result__item")
    return pg.locator(".md-search-result__item").first.inner_text()


def _browser_requests(site: Path, pages: list[str], sync_playwright) -> tuple[list[str], list[str]]:
    """Open every page over local HTTP (and search on two of them); return (foreign requests, page errors)."""
    with serving(site) as base:
        foreign: list[str] = []
        errors: list[str] = []

        def local(url: str) -> bool:
            return url.startswith((base + "/", "data:", "blob:", "about:"))

        with sync_playwright() as p:
            # Nothing can resolve a name but the local address, whatever the page asks for.
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                *CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"])
            try:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.on("request", lambda r: None if local(r.url) else foreign.append(r.url))
                context.route(lambda url: not local(url), lambda route: route.abort())
                pg = context.new_page()
                pg.on("websocket", lambda ws: foreign.append(ws.url))
                pg.on("pageerror", lambda e: errors.append(str(e)))
                for page in pages:
                    pg.goto(f"{base}/{page}", wait_until="networkidle")
                    if page == "index.html":  # Material's search: worker and index
                        material_search(pg, "negotiating")
                        pg.keyboard.press("Escape")
                    if page.endswith("sessions/search/index.html"):  # Pagefind
                        pg.fill("#kb-search input", "negotiate calmly")
                        pg.locator("#kb-search a[href*='#t=']").first.wait_for(timeout=10000)
                    if page.endswith("mentors/index.html"):
                        pg.wait_for_selector("#kb-directory .kb-dir-browse li")
                    pg.wait_for_load_state("networkidle")
            finally:
                browser.close()
    return foreign, errors


@pytest.mark.browser
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_no_page_requests_another_host(tmp_path, variant):
    sync_playwright = chromium_or_skip()
    root = _project(tmp_path / "kb", VARIANTS[variant], extra={"site_src/about.md": PAGE})
    _build(root)
    site = root / "site"
    pages = sorted((p.relative_to(site).as_posix() for p in site.rglob("*.html")),
                   key=lambda p: (p != "index.html", p))
    assert len(pages) > 15 and "sessions/pub/index.html" in pages and "mentors/index.html" in pages
    foreign, errors = _browser_requests(site, pages, sync_playwright)
    assert foreign == []
    assert errors == []


@pytest.mark.browser
def test_the_browser_check_sees_requests_to_other_hosts(tmp_path):
    """The harness above catches what it should: with every host allowed, a font and an image are requested."""
    sync_playwright = chromium_or_skip()
    root = _project(tmp_path / "kb", MKDOCS + "  font:\n    text: Inter\n",
                    extra={"site_src/about.md": "# About\n\n![logo](https://img.example.org/logo.png)\n",
                           "kbgen.yml": "allowed_hosts: ['*']\n"})
    _build(root)
    foreign, _ = _browser_requests(root / "site", ["about/index.html"], sync_playwright)
    hosts = {external_host(u) for u in foreign}
    assert {"fonts.googleapis.com", "img.example.org"} <= hosts


def test_scan_memo_parses_only_pages_that_changed(tmp_path, monkeypatch):
    import kbgen.site.privacy as privacy

    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "index.html").write_text('<html><head><script src="https://cdn.example.com/x.js"></script></head></html>')
    (site / "a" / "index.html").write_text('<html><body><img src="../logo.png"></body></html>')
    memo = tmp_path / "memo.json"
    first = scan_site(site, memo=memo)
    assert [f.host for f in first] == ["cdn.example.com"]
    parsed: list[str] = []
    real = privacy.scan_html
    monkeypatch.setattr(privacy, "scan_html", lambda data, page, scripts=None: parsed.append(page) or real(
        data, page, scripts))
    assert scan_site(site, memo=memo) == first and parsed == []  # both from the memo, findings and all
    (site / "a" / "index.html").write_text('<html><body><img src="https://img.example.org/p.png"></body></html>')
    again = scan_site(site, memo=memo)
    assert parsed == ["a/index.html"]
    assert sorted(f.host for f in again) == ["cdn.example.com", "img.example.org"]
