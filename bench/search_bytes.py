"""Benchmark: bytes a header search query costs, Material's box against transcript search.

Run after `make demo` (or any build): .venv/bin/python bench/search_bytes.py [SITE_DIR]

Serves the built site as `kbgen serve` does (gzip), types a word into the header's search box
in Debian's chromium, follows its link on to transcript search (Pagefind) and counts what each
loads: on the wire (gzipped) and decoded. Material's search, measured in the same run, is the
baseline: its index and worker, which every page loads (a query then costs nothing more). A
second Pagefind query shows what a query costs once Pagefind's code is loaded.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORD = "salary"


def main() -> None:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))  # the tests' helpers: the same server and browser settings
    from tests.conftest import CHROMIUM, CHROMIUM_ARGS, serving

    site = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "site"
    if not (site / "sessions" / "search").is_dir():
        sys.exit(f"{site}: no built site with transcript search; run `make demo` first")
    loaded: dict[str, tuple[int, int]] = {}  # url -> (bytes on the wire, bytes decoded)

    def done(request) -> None:
        response = request.response()
        loaded[request.url] = (request.sizes()["responseBodySize"], len(response.body()) if response else 0)

    def since(before: set[str], keep=lambda url: True) -> tuple[int, int, int]:
        new = [v for u, v in loaded.items() if u not in before and keep(u)]
        return len(new), sum(w for w, _ in new), sum(d for _, d in new)

    with serving(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on("requestfinished", done)
        page.goto(base + "/sessions/")
        page.wait_for_load_state("networkidle")  # what the page itself loads is not the query's
        page.click(".md-search__input")
        page.locator(".md-search__input").press_sequentially(WORD, delay=50)
        page.wait_for_selector(".md-search-result__item")
        page.wait_for_timeout(500)
        # Material loads its index and worker with the page (once per page view), then searches
        # in memory: that load is what its header box costs.
        material = since(set(), lambda u: "search_index" in u or "/workers/search" in u)
        before = set(loaded)
        page.locator("a.kb-search-transcripts").click()
        page.locator("#kb-search a[href*='#t=']").first.wait_for()
        page.wait_for_timeout(1000)
        pagefind = since(before, lambda u: "/pagefind/" in u)
        before = set(loaded)
        page.fill("#kb-search input", "feedback")
        page.wait_for_timeout(1500)
        again = since(before)
        browser.close()
    for name, (n, wire, decoded) in (("Material's search (baseline)", material),
                                     ("transcript search, first query", pagefind),
                                     ("transcript search, next query", again)):
        ratio = wire / max(material[1], 1)
        line = f"{name:34} {n:3} files {wire / 1024:7.1f} KB on the wire {decoded / 1024:7.1f} KB decoded x{ratio:.1f}"
        print(line)  # noqa: T201 (a benchmark reports on stdout)

if __name__ == "__main__":
    main()
