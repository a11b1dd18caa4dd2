"""Escaping of user text for Markdown and HTML contexts, and link safety."""

from __future__ import annotations

from html.parser import HTMLParser

import markdown

from kbgen.site.text import h, md, safe_url, timestamp

PAYLOADS = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '[click](javascript:alert(1))',
    '<https://evil.example>',
    '# Heading {: onclick="alert(1)" }',
    '**bold** _it_ `code` | pipe',
]


def _render(text: str) -> str:
    return markdown.markdown(text, extensions=["attr_list", "tables", "md_in_html"])


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def test_md_escapes_html_and_markdown_syntax():
    for payload in PAYLOADS:
        parser = _Tags()
        parser.feed(_render(f"# {md(payload)}\n\nText: {md(payload)}\n"))
        # Only the heading and the paragraph are elements; no attributes; the rest is text.
        assert [t for t, _ in parser.tags] == ["h1", "p"], payload
        assert all(attrs == [] for _, attrs in parser.tags), payload


def test_md_keeps_the_words_readable():
    import html

    out = _render(f"Text: {md('Pay & perks: 5-10% more. [Really]! a > b')}")
    assert html.unescape(out) == "<p>Text: Pay & perks: 5-10% more. [Really]! a > b</p>"


def test_h_escapes_for_raw_html():
    assert h('<b a="1">x</b>') == "&lt;b a=&quot;1&quot;&gt;x&lt;/b&gt;"


def test_only_https_and_mailto_links_are_live():
    assert safe_url("https://example.org/x") == "https://example.org/x"
    assert safe_url("mailto:a@example.org") == "mailto:a@example.org"
    for bad in ("http://example.org", "javascript:alert(1)", "data:text/html,x", "ftp://x", "https://a b",
                'https://x"onmouseover="y'):
        assert safe_url(bad) is None


def test_timestamps():
    assert timestamp(0) == "00:00"
    assert timestamp(75.9) == "01:15"
    assert timestamp(3725) == "1:02:05"
