"""Escaping user text for the two contexts kbgen writes: Markdown and raw HTML.

Every text from an input (title, bio, name, topic, transcript) goes through one of these,
so HTML and script in it render as text, and Markdown syntax in it makes no links.
"""

from __future__ import annotations

import html
import re

from markupsafe import Markup

# Python-Markdown's backslash escapes (markdown.Markdown.ESCAPED_CHARS): escaping these
# stops user text from becoming emphasis, links, headings or attribute lists ({: ...}).
_WS = re.compile(r"\s+")  # newlines would end a Markdown line or table row
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()>#+\-.!])")


def md(text: object) -> Markup:
    """Text for a Markdown context: one line, Markdown syntax and HTML escaped."""
    flat = _WS.sub(" ", str(text))
    escaped = html.escape(_MD_SPECIAL.sub(r"\\\1", flat), quote=False)
    # '|' would split a table cell; an entity keeps it as text everywhere.
    return Markup(escaped.replace("|", "&#124;"))


def h(text: object) -> Markup:
    """Text for a raw HTML context (no Markdown is processed there)."""
    return Markup(html.escape(_WS.sub(" ", str(text)), quote=True).replace("|", "&#124;"))


def safe_url(url: str) -> str | None:
    """The URL if it may be made a live link (https or mailto only), else None."""
    url = (url or "").strip()
    if re.match(r"^https://[^\s<>\"']+$", url) or re.match(r"^mailto:[^\s<>\"'@]+@[^\s<>\"']+$", url):
        return url
    return None


def timestamp(seconds: float) -> str:
    """'mm:ss' or 'h:mm:ss'."""
    s = int(seconds)
    hours, rest = divmod(s, 3600)
    mins, secs = divmod(rest, 60)
    return f"{hours}:{mins:02d}:{secs:02d}" if hours else f"{mins:02d}:{secs:02d}"
