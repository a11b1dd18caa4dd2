"""The intranet rule: no page of the built site makes a browser contact another host.

Material's privacy plugin solves this by downloading external assets at build time; kbgen builds
run without a network, so kbgen checks instead and fails the build on anything that would leave:

- :func:`config_findings` reads the loaded MkDocs configuration for what Material's JavaScript
  fetches at run time (web fonts, repository facts from the GitHub/GitLab API, Google Analytics);
- :func:`scan_site` parses every built page with lxml (libxml2's HTML5 tokenizer, as a browser
  reads it) for resources another origin would serve: scripts, stylesheets and other ``<link>``
  loads, images and ``srcset``, media, frames, objects, SVG references, inline and linked CSS
  (``url()``, ``@import``, ``image-set()``, tokenized by tinycss2), meta refresh, ``<base>``,
  ``ping``; Mermaid diagrams (Material loads the library from a CDN); and, in scripts kbgen or
  the user added, string literals holding another host's URL.

Plain links (``<a href>``) are not requests. Hosts listed in kbgen.yml's ``allowed_hosts``
(and, for a site served over HTTP, the host of mkdocs.yml's ``site_url``) count as the site's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote

#: URL schemes a browser fetches from a host (others: data:, blob:, mailto:, javascript: ... make no request).
FETCH_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp"})
#: ``<link rel>`` values that only describe a link; any other value makes the browser load or connect.
LINK_ONLY_RELS = frozenset({
    "alternate", "author", "bookmark", "canonical", "external", "help", "license", "me", "next", "prev",
    "previous", "nofollow", "noopener", "noreferrer", "opener", "tag", "pingback", "webmention", "shortlink",
    "edit", "archives", "first", "last", "up", "index", "contents", "start", "top", "begin", "end", "privacy-policy",
    "terms-of-service", "sitemap", "home", "hub", "source",
})
#: Scripts in the site that are data or another tool's output (checked by the browser tests instead).
SKIP_SCRIPTS = ("assets/javascripts/", "pagefind/", "search/", "mentors/directory-data.js")
#: What Material's JavaScript loads when a page has a Mermaid diagram and no local ``mermaid`` script.
MERMAID_CDN = "https://unpkg.com/mermaid@11/dist/mermaid.min.js"
#: Hosts whose URLs in scripts are names, not requests (XML namespaces).
NAMESPACE_HOSTS = frozenset({"www.w3.org"})

FIXES = {
    "script": "copy the script into the docs folder and load it by a relative path (extra_javascript: "
              "[js/name.js])",
    "stylesheet": "copy the stylesheet into the docs folder and load it by a relative path (extra_css: "
                  "[css/name.css])",
    "link": "remove the <link> (preconnect, preload, icon, manifest ... all contact the host), or point it "
            "at a file in the docs folder",
    "image": "put the image in the docs folder and refer to it by a relative path",
    "emoji": "set pymdownx.emoji's emoji_generator to !!python/name:material.extensions.emoji.to_svg and "
             "emoji_index to !!python/name:material.extensions.emoji.twemoji (icons inlined as SVG)",
    "media": "put the file in the docs folder and refer to it by a relative path",
    "frame": "an embedded page (iframe, object, embed) loads from its host; link to it with a plain "
             "<a href> instead",
    "css": "copy the file into the docs folder and refer to it by a relative url()",
    "refresh": "a meta refresh sends the browser to another host by itself; use a plain link",
    "base": "remove <base href>: every relative URL of the page would resolve against that host",
    "ping": "remove the ping attribute (it reports each click to that host)",
    "js": "make the script load nothing from other hosts (copy what it needs into the docs folder)",
    "mermaid": "add a local copy of mermaid.min.js to the docs folder and to extra_javascript (Material then "
               "uses it instead of the CDN)",
}


@dataclass(frozen=True)
class Finding:
    """One request a page (or a setting) would make to another host."""

    where: str  # the page or file in the site ("sessions/pub/index.html"), or "mkdocs.yml: <setting>"
    url: str
    what: str  # how it is requested ("<script src>", "CSS url()", ...)
    fix: str
    setting: bool = False  # found in the configuration, not in a page

    @property
    def host(self) -> str:
        return external_host(self.url) or ""


def external_host(url: str) -> str | None:
    """The host a browser would contact for ``url``, or None when it stays on the site's own origin.

    Parsed as browsers do: surrounding spaces and control characters dropped, tabs and newlines
    removed, backslashes read as slashes, any number of slashes before the host of an http(s) URL.
    """
    u = re.sub(r"[\t\n\r]", "", url.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
                                          "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "))
    u = u.replace("\\", "/")
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", u)
    if scheme:
        if scheme.group(1).lower() not in FETCH_SCHEMES:
            return None
        rest = u[scheme.end():].lstrip("/")
    elif u.startswith("//"):
        rest = u.lstrip("/")
    else:
        return None
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0].rpartition("@")[2]
    if authority.startswith("["):
        host = authority[1:authority.find("]")] if "]" in authority else authority[1:]
    else:
        host = authority.split(":", 1)[0]
    return host.lower().rstrip(".") or "(no host)"


class Allowed:
    """Which hosts pages may contact: ``cdn.example.org``, ``*.example.org`` (its subdomains), ``*`` (any)."""

    def __init__(self, hosts: Iterable[str] = ()) -> None:
        self.exact: set[str] = set()
        self.suffixes: list[str] = []
        self.any = False
        for h in hosts:
            h = h.strip().lower().rstrip(".").strip("[]")
            if h == "*":
                self.any = True
            elif h.startswith("*."):
                self.suffixes.append(h[1:])
            elif h:
                self.exact.add(h)

    def __call__(self, host: str) -> bool:
        return self.any or host in self.exact or any(host.endswith(s) for s in self.suffixes)


# ---- settings ----------------------------------------------------------------------------------

_GITHUB = re.compile(r"^.+github\.com/([^/]+)/?([^/]+)?", re.I)  # Material's own patterns (source facts)
_GITLAB = re.compile(r"^.+?([^/]*gitlab[^/]+)/(.+?)/?$", re.I)


def source_facts_url(repo_url: str) -> str | None:
    """The API URL Material's JavaScript fetches repository facts (stars, forks, version) from."""
    m = _GITHUB.match(repo_url)
    if m:
        owner, repo = m.groups()
        return f"https://api.github.com/repos/{owner}/{repo}" if repo else f"https://api.github.com/users/{owner}"
    m = _GITLAB.match(repo_url)
    if m:
        host, project = m.groups()
        return f"https://{host}/api/v4/projects/{quote(project, safe='')}"
    return None


def config_findings(cfg, shown: str = "mkdocs.yml") -> list[Finding]:
    """What Material's JavaScript would fetch at run time because of a setting (before any page is built)."""
    theme = cfg["theme"]
    if not theme or theme.name != "material":
        return []
    out: list[Finding] = []
    font = theme.get("font")
    if font is not False:
        text = (font or {}).get("text") if isinstance(font, dict) else None
        family = str(text or "Roboto").replace(" ", "+")
        out.append(Finding(
            f"{shown}: theme.font", f"https://fonts.googleapis.com/css?family={family}", "Material's web fonts",
            "remove `font:` from the theme (kbgen then uses system fonts) or set `font: false`; to keep a "
            "font, add its files and an @font-face rule to the docs folder (extra_css) and set `font: false`",
            setting=True))
    repo_url = str(cfg.get("repo_url") or "")
    api = source_facts_url(repo_url) if repo_url else None
    if api:
        out.append(Finding(
            f"{shown}: repo_url", api, "Material's repository facts (stars, forks, version), fetched on every visit",
            f"remove repo_url (a plain link in a page or the footer's `extra.social` does not fetch), or allow "
            f"{external_host(api)} in kbgen.yml's allowed_hosts", setting=True))
    analytics = (cfg.get("extra") or {}).get("analytics")
    if isinstance(analytics, dict) and analytics.get("provider") == "google":
        fix = ("remove extra.analytics, or allow www.googletagmanager.com and *.google-analytics.com in "
               "kbgen.yml's allowed_hosts")
        out.append(Finding(f"{shown}: extra.analytics", "https://www.googletagmanager.com/gtag/js",
                           "Google Analytics' tag script", fix, setting=True))
        out.append(Finding(f"{shown}: extra.analytics", "https://www.google-analytics.com/g/collect",
                           "Google Analytics' page views", fix, setting=True))
    return out


# ---- CSS and scripts ---------------------------------------------------------------------------

def css_urls(text: str, declarations: bool = False) -> list[tuple[str, str]]:
    """(how, url) of every URL a stylesheet (or a ``style`` attribute's declarations) refers to."""
    import tinycss2

    nodes = (tinycss2.parse_blocks_contents(text, skip_comments=True, skip_whitespace=True) if declarations
             else tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True))
    out: list[tuple[str, str]] = []

    def strings(tokens) -> list[str]:
        return [t.value for t in tokens or () if t.type == "string"]

    def walk(tokens, how: str | None = None) -> None:
        for t in tokens or ():
            kind = t.type
            if kind == "url":
                out.append((how or "CSS url()", t.value))
            elif kind == "function":
                if t.lower_name in ("url", "src"):
                    out.extend((how or "CSS url()", s) for s in strings(t.arguments)[:1])
                elif t.lower_name.endswith("image-set"):
                    out.extend((how or "CSS image-set()", s) for s in strings(t.arguments))
                walk(t.arguments, how)
            elif kind in ("() block", "[] block", "{} block"):
                walk(t.content, how)
            elif kind == "at-rule":
                if t.lower_at_keyword == "namespace":  # a name, never fetched
                    continue
                if t.lower_at_keyword == "import":
                    out.extend(("CSS @import", s) for s in strings(t.prelude)[:1])
                    walk(t.prelude, "CSS @import")
                else:
                    walk(t.prelude, how)
                walk(t.content, how)
            elif kind == "qualified-rule":
                walk(t.prelude, how)
                walk(t.content, how)
            elif kind == "declaration":
                walk(t.value, how)

    walk(nodes)
    return out


_JS_URL = re.compile(r"""(["'`])((?:https?:|wss?:)?//[A-Za-z0-9\[][^"'`\s]*)""")


def script_urls(text: str) -> list[str]:
    """Absolute URLs of other hosts written as string literals in a script (what it would load).

    A heuristic (scripts compute URLs at will); comments are not strings, XML namespace names are
    left out. The browser tests check kbgen's own scripts by watching the requests they make.
    """
    found = []
    for m in _JS_URL.finditer(text):
        url = m.group(2)
        host = external_host(url)
        if host and host not in NAMESPACE_HOSTS and ("." in host or host == "localhost" or ":" in host):
            found.append(url)
    return found


def _is_js(script_type: str | None) -> bool:
    t = (script_type or "").strip().lower()
    return t in ("", "module") or "javascript" in t or "ecmascript" in t or t == "text/jscript"


def _srcset(value: str) -> list[str]:
    return [c.strip().split()[0] for c in value.split(",") if c.strip()]


# ---- pages -------------------------------------------------------------------------------------

def _local(ref: str, page: str) -> str | None:
    """The site path a page-relative reference points at (no query or fragment), or None if absolute."""
    if external_host(ref) is not None or re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", ref.strip()):
        return None
    ref = ref.strip().split("#", 1)[0].split("?", 1)[0]
    if not ref:
        return None
    base = PurePosixPath("/") if ref.startswith("/") else PurePosixPath("/", page).parent
    parts: list[str] = []
    for p in (base / ref.lstrip("/")).parts[1:]:
        if p == "..":
            if parts:
                parts.pop()
        elif p not in (".", ""):
            parts.append(p)
    return "/".join(parts)


def scan_html(data: bytes | str, page: str, scripts: set[str] | None = None) -> list[Finding]:
    """Every resource of another host a browser would load for this page (``page``: its path in the site).

    Local scripts the page loads are added to ``scripts`` (site paths) for :func:`scan_site`.
    """
    import lxml.etree
    import lxml.html

    try:
        doc = lxml.html.document_fromstring(data)
    except (lxml.etree.ParserError, ValueError):
        return []
    out: list[Finding] = []

    def add(url: str, what: str, fix: str) -> None:
        if external_host(url) is not None:
            out.append(Finding(page, url.strip(), what, FIXES[fix]))

    mermaid = False
    local_mermaid = False
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower().rpartition(":")[2]
        a = {k.lower(): v for k, v in el.attrib.items()}
        classes = a.get("class", "").split()
        if tag == "link" and "href" in a:
            rels = set(a.get("rel", "").lower().split())
            if not rels <= LINK_ONLY_RELS:
                add(a["href"], f"<link rel=\"{' '.join(sorted(rels))}\">",
                    "stylesheet" if "stylesheet" in rels else "link")
        elif tag == "base" and "href" in a:
            add(a["href"], "<base href>", "base")
        elif tag == "meta" and a.get("http-equiv", "").strip().lower() == "refresh":
            m = re.search(r"url\s*=\s*['\"]?([^'\"]+)", a.get("content", ""), re.I)
            if m:
                add(m.group(1), "<meta http-equiv=\"refresh\">", "refresh")
        elif tag == "script":
            if "src" in a:
                add(a["src"], "<script src>", "script")
                local = _local(a["src"], page)
                if local and scripts is not None:
                    scripts.add(local)
                if local and "mermaid" in local.rsplit("/", 1)[-1].lower():
                    local_mermaid = True
            elif _is_js(a.get("type")) and el.text:
                for url in script_urls(el.text):
                    add(url, "inline <script>", "js")
        elif tag == "style" and el.text:
            for how, url in css_urls(el.text):
                add(url, f"<style> {how}", "css")
        elif tag == "iframe" and a.get("srcdoc"):
            out += [Finding(page, f.url, f"iframe srcdoc: {f.what}", f.fix) for f in scan_html(a["srcdoc"], page)]
        if tag == "pre" and "mermaid" in classes:
            mermaid = True
        if tag == "img" and any("emoji" in c for c in classes):
            fix_img = "emoji"
        else:
            fix_img = "image"
        for name, value in a.items():
            if name == "src" and tag != "script":
                kind = {"img": fix_img, "input": "image", "iframe": "frame", "frame": "frame", "embed": "frame"
                        }.get(tag, "media")
                add(value, f"<{tag} src>", kind)
            elif name in ("srcset", "imagesrcset"):
                for url in _srcset(value):
                    add(url, f"<{tag} {name}>", fix_img if tag != "link" else "link")
            elif name == "poster":
                add(value, f"<{tag} poster>", "media")
            elif name == "data" and tag == "object":
                add(value, "<object data>", "frame")
            elif name == "background":
                add(value, f"<{tag} background>", "image")
            elif name == "manifest" and tag == "html":
                add(value, "<html manifest>", "link")
            elif name == "ping" and tag in ("a", "area"):
                for url in value.split():
                    add(url, f"<{tag} ping>", "ping")
            elif name.rpartition(":")[2] == "href" and tag not in ("a", "area", "link", "base"):
                add(value, f"<{tag} {name}>", "image")  # SVG image, use, feImage, script ...
            elif name == "style":
                for how, url in css_urls(value, declarations=True):
                    add(url, f"style attribute {how}", "css")
            elif name.startswith("on"):
                for url in script_urls(value):
                    add(url, f"{name} attribute", "js")
    if mermaid and not local_mermaid:
        out.append(Finding(page, MERMAID_CDN, "Material's Mermaid diagrams (the library, loaded when the page "
                           "shows a diagram)", FIXES["mermaid"]))
    return out


def scan_site(site: Path, memo: Path | None = None) -> list[Finding]:
    """Findings of every page, stylesheet and added script of a built site (paths relative to it).

    ``memo``: a file remembering each page's findings by its path and bytes, so a page built
    the same as last time is not parsed again (the file is rewritten with this site's pages).
    """
    import hashlib
    import json

    from ..fingerprint import code_digest
    from ..fsutil import write_atomic

    salt = code_digest("site/privacy.py").encode()  # another scanner: every page scanned again
    out: list[Finding] = []
    scripts: set[str] = set()
    pages = sorted((p.relative_to(site).as_posix() for p in site.rglob("*.html")),
                   key=lambda p: (p != "index.html", p.count("/"), p))  # the home page first, then by depth
    known: dict = {}
    if memo is not None:
        try:
            known = json.loads(memo.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = {}
        known = known if isinstance(known, dict) else {}
    seen: dict[str, list] = {}
    for page in pages:
        data = (site / page).read_bytes()
        key = hashlib.sha256(salt + page.encode() + b"\0" + data).hexdigest()
        hit = known.get(key)
        if isinstance(hit, list) and len(hit) == 2:
            found, loads = [Finding(*f) for f in hit[0]], hit[1]
        else:
            loads_here: set[str] = set()
            found, loads = scan_html(data, page, loads_here), sorted(loads_here)
        out += found
        scripts.update(loads)
        seen[key] = [[list(astuple(f)) for f in found], loads]
    if memo is not None and seen != known:
        write_atomic(memo, json.dumps(seen, sort_keys=True))
    for path in sorted(site.rglob("*.css")):
        name = path.relative_to(site).as_posix()
        for how, url in css_urls(path.read_text(encoding="utf-8", errors="replace")):
            if external_host(url) is not None:
                out.append(Finding(name, url, how, FIXES["css"]))
    for name in sorted(scripts):
        path = site / name
        if name.startswith(SKIP_SCRIPTS) or not path.is_file() or not path.resolve().is_relative_to(site.resolve()):
            continue
        for url in script_urls(path.read_text(encoding="utf-8", errors="replace")):
            out.append(Finding(name, url, "script", FIXES["js"]))
    return out


def blocked(findings: Sequence[Finding], allowed: Allowed) -> list[Finding]:
    """The findings whose host is not allowed; a host a setting already explains is not repeated per page."""
    left = [f for f in findings if not allowed(f.host)]
    explained = {f.host for f in left if f.setting}
    if "fonts.googleapis.com" in explained:
        explained.add("fonts.gstatic.com")
    return [f for f in left if f.setting or f.host not in explained]


def report(findings: Sequence[Finding], shown_site: str, limit: int = 20) -> str:
    """The build error: each URL once, with the pages that load it and how to fix it."""
    groups: dict[tuple[str, str, str], list[str]] = {}
    for f in findings:
        groups.setdefault((f.url, f.what, f.fix), []).append(f.where)
    lines = [f"{len(groups)} request(s) to other hosts: pages must load nothing from another host "
             "(intranet builds; plain links are fine):"]
    for (url, what, fix), where in list(groups.items())[:limit]:
        places = where[0] + (f" (and {len(where) - 1} more page(s))" if len(where) > 1 else "")
        lines.append(f"  - {places}: {what}: {url}\n      fix: {fix}")
    if len(groups) > limit:
        lines.append(f"  ... and {len(groups) - limit} more")
    lines.append(f"A host you trust (your own CDN) can be allowed with `allowed_hosts:` in kbgen.yml. "
                 f"The previous {shown_site} is unchanged.")
    return "\n".join(lines)


__all__ = ["Allowed", "Finding", "blocked", "config_findings", "css_urls", "external_host", "report",
           "scan_html", "scan_site", "script_urls", "source_facts_url"]
