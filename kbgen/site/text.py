"""Escaping user text for the two contexts kbgen writes: Markdown and raw HTML.

Every text from an input (title, bio, name, topic, transcript) goes through one of these,
so HTML and script in it render as text, and Markdown syntax in it makes no links.
"""

from __future__ import annotations

import re

from markupsafe import Markup

_WS = re.compile(r"\s+")  # newlines would end a Markdown line or table row

# Every ASCII punctuation mark but the comma and the apostrophe. As numeric character
# references they are plain text to Markdown and to every extension (emphasis, links,
# attribute lists `{: }`, admonitions `!!!`, details `???`, tabs `===`, blocks `///`,
# TeX `$` and `\(`, tables `|`) and to template plugins such as mkdocs-macros (`{{ }}`),
# while the browser shows the characters themselves. Backslash escapes cover only core
# Markdown, so they are not enough.
_PUNCT = re.compile(r"[!-&(-+\--/:-@\[-`{-~]")


def md(text: object) -> Markup:
    """Text for a Markdown context: one line; HTML, Markdown and template syntax inert."""
    flat = _WS.sub(" ", str(text))
    return Markup(_PUNCT.sub(lambda m: f"&#{ord(m.group())};", flat))


_ODD_WS = re.compile(r"[^\S ]|  ")  # whitespace that is not one space
#: What :func:`h` replaces, in order ('&' first), as html.escape(quote=True) and then the
#: characters template plugins read.
_HTML = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"),
         ("|", "&#124;"), ("{", "&#123;"), ("}", "&#125;"))


def h(text: object) -> Markup:
    """Text for a raw HTML context (no Markdown there, but template plugins still run)."""
    s = str(text)
    if _ODD_WS.search(s):
        s = _WS.sub(" ", s)
    for char, ref in _HTML:  # a transcript line rarely holds any: a test is cheaper than a replace
        if char in s:
            s = s.replace(char, ref)
    return Markup(s)


#: What Markdown or HTML could read in a URL written where Markdown runs (an inline <a> in a
#: table cell): link and emphasis syntax, code, escapes, template syntax, attribute quotes.
_URL_MARKUP = re.compile(r"""[\[\]()*_`\\!{}|<>&"']""")


def url_md(url: str) -> Markup:
    """A URL for an attribute or text in a Markdown context: the characters Markdown or HTML
    would read (``[x](...)`` made a live link inside an href) as character references, the rest
    (``https://``, ``mailto:a@b``) as written."""
    return Markup(_URL_MARKUP.sub(lambda m: f"&#{ord(m.group())};", _WS.sub(" ", url)))


def safe_url(url: str) -> str | None:
    """The URL if it may be made a live link (https or mailto only), else None."""
    url = (url or "").strip()
    if _BIDI.search(url):
        return None
    if re.match(r"^https://[^\s<>\"']+$", url) or re.match(r"^mailto:[^\s<>\"'@]+@[^\s<>\"']+$", url):
        return url
    return None


# Bidirectional controls can make a link's text read as another address.
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def timestamp(seconds: float) -> str:
    """'mm:ss' or 'h:mm:ss'."""
    s = int(seconds)
    hours, rest = divmod(s, 3600)
    mins, secs = divmod(rest, 60)
    return f"{hours}:{mins:02d}:{secs:02d}" if hours else f"{mins:02d}:{secs:02d}"
