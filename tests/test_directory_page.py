"""The mentor directory page in headless Chromium: filters, "Find a mentor", escaping, accessibility.

Builds a small project with a fake engine, serves site/ over HTTP and drives Debian's chromium
with Playwright. Skipped (with the reason) only where chromium or playwright is not installed.
"""

from __future__ import annotations

import json
import shutil

import pytest

from kbgen.config import load_project
from kbgen.pipeline import build
from kbgen.transcribe.engine import EngineKey
from tests.conftest import CHROMIUM, MKDOCS, FakeEngine, chromium_or_skip, make_files, serving, sidecar, write_wav

pytestmark = pytest.mark.browser

PAYLOAD = "<img src=x onerror=alert(1)>"
ROSTER = f"""\
mentors:
  - id: ana
    name: Ana Lopez
    title: Engineering Manager
    organization: Northwind
    timezone: Europe/Madrid
    languages: [English, español]
    country: Spain
    expertise: [negotiation, feedback]
    formats: [video]
    capacity: 2
    availability: ["mon-fri 09:00-13:00"]
  - id: ben
    name: Ben Okafor
    title: Data Scientist
    organization: Harbor Health
    timezone: Africa/Lagos
    languages: [en]
    expertise: [negotiation, machine learning]
    formats: [chat]
    capacity: 1
  - id: carla
    name: Carla Ruiz
    organization: Harbor Health
    timezone: America/Mexico_City
    languages: [es]
    expertise: [feedback]
    capacity: 1
  - id: dana
    name: Dana Silva
    organization: Southwind
    timezone: America/Sao_Paulo
    languages: [es, pt-BR]
    location: "São Paulo, Brasil"
    expertise: [negotiation]
    formats: [video, async]
  - id: evil
    name: "{PAYLOAD}"
    title: "{PAYLOAD}"
    organization: "Evil {PAYLOAD}"
    bio: "{PAYLOAD}"
    timezone: UTC
    languages: [en]
    expertise: ["{PAYLOAD}"]
    capacity: 0
"""




@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The built site served over HTTP: yields the base URL."""
    sync_playwright = chromium_or_skip()  # noqa: F841 - skip before the build when there is no browser
    root = tmp_path_factory.mktemp("dir") / "kb"
    make_files(root, {
        "mkdocs.yml": MKDOCS,
        "mentors.yaml": ROSTER,
        "site_src/index.md": "# Home\n",
        "recordings/offer.yml": sidecar("Negotiating an offer", mentors="[ana]", topics="[negotiation]"),
        "recordings/raise.yml": sidecar("Asking for a raise", mentors="[ana]", topics="[negotiation, feedback]"),
        "recordings/team.yml": sidecar("Internal rota", visibility="internal", mentors="[ben]",
                                       topics="[negotiation]"),
        # Dana's session in Spanish: evidence she mentors in it (Find a mentor weighs it).
        "recordings/oferta.yml": sidecar("Negociar una oferta", mentors="[dana]",
                                         topics="[negotiation]").replace("language: en", "language: es"),
    })
    for name, seconds in (("offer", 1.0), ("raise", 1.5), ("team", 2.0), ("oferta", 2.5)):
        write_wav(root / "recordings" / f"{name}.wav", seconds)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(root.parent / "home"))
        mp.setenv("HF_HUB_OFFLINE", "1")
        engine = FakeEngine()
        build(load_project(root), engine_factory=lambda: engine, key=EngineKey("fake", "fake-1", {}))
    with serving(root / "site") as base:
        yield base, root / "site"


@pytest.fixture(scope="module")
def browser(site):
    sync_playwright = chromium_or_skip()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(site, browser):
    """The directory page, loaded; fails the test on any dialog, console error or page error."""
    context = browser.new_context(timezone_id="Europe/London", locale="en-GB")
    _offline(context, site[0])
    pg = context.new_page()
    problems: list[str] = []
    pg.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    pg.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.goto(site[0] + "/mentors/")
    pg.wait_for_selector("#kb-directory .kb-dir-browse li")
    yield pg
    pg.wait_for_timeout(100)  # let a late onerror fire, if anything was injected
    assert pg.locator("img[src='x']").count() == 0
    context.close()
    assert problems == []


def _offline(context, base: str) -> None:
    """Answer requests that leave the test server (Material's web fonts) with nothing."""
    context.route(lambda url: not url.startswith(base), lambda route: route.fulfill(status=204, body=""))


def _names(pg, selector: str) -> list[str]:
    return pg.locator(f"{selector} > li h3").all_text_contents()


def test_the_json_is_published_and_html_safe(site):
    text = (site[1] / "mentors" / "directory.json").read_text(encoding="utf-8")
    assert not set("<>&") & set(text)
    data = json.loads(text)
    assert [m["i"] for m in data["m"]] == ["ana", "ben", "carla", "dana", "evil"]
    ana = data["m"][0]
    assert ana["r"] == 2  # only published sessions: ben's internal one is not counted
    assert "r" not in data["m"][1]
    assert (site[1] / "kbgen-assets" / "directory.js").is_file()


def test_filters_narrow_the_list(page):
    count = page.locator(".kb-dir-browse .kb-count")
    assert count.text_content() == "5 of 5 mentors"
    assert count.get_attribute("aria-live") == "polite"
    # The static list (by organisation) is hidden once the script has the data.
    assert page.locator("h2#northwind").is_hidden()
    assert page.locator(".md-sidebar--secondary a[href='#northwind']").is_hidden()  # nor in the contents
    page.get_by_label("Language", exact=True).select_option(label="Spanish")
    assert _names(page, ".kb-dir-list") == ["Ana Lopez", "Carla Ruiz", "Dana Silva"]
    assert count.text_content() == "3 of 5 mentors"
    page.get_by_label("Organisation", exact=True).select_option(label="Harbor Health")
    assert _names(page, ".kb-dir-list") == ["Carla Ruiz"]
    page.get_by_label("Language", exact=True).select_option(label="Any language")
    assert _names(page, ".kb-dir-list") == ["Ben Okafor", "Carla Ruiz"]
    page.get_by_label("Organisation", exact=True).select_option(label="Any organisation")
    page.get_by_label("Topic", exact=True).select_option(label="negotiation")
    assert _names(page, ".kb-dir-list") == ["Ana Lopez", "Ben Okafor", "Dana Silva"]
    page.get_by_label("Topic", exact=True).select_option(label="Any topic")
    page.get_by_label("Time zone", exact=True).select_option(label="UTC-5 to -1")
    assert _names(page, ".kb-dir-list") == ["Dana Silva"]
    page.get_by_label("Time zone", exact=True).select_option(label="Any time zone")
    page.get_by_label("Format", exact=True).select_option(label="By video")
    assert _names(page, ".kb-dir-list") == ["Ana Lopez", "Dana Silva"]
    page.get_by_label("Format", exact=True).select_option(label="Asynchronously (messages answered later)")
    assert _names(page, ".kb-dir-list") == ["Dana Silva"]  # a roster format beyond the first four
    page.get_by_label("Format", exact=True).select_option(label="Any format")
    # Countries written as names in any language ("Spain", "Brasil" in a location) are one filter each.
    assert page.get_by_label("Country", exact=True).locator("option").all_text_contents() == [
        "Any country", "Brazil", "Spain"]
    page.get_by_label("Country", exact=True).select_option(label="Brazil")
    assert _names(page, ".kb-dir-list") == ["Dana Silva"]
    page.get_by_label("Country", exact=True).select_option(label="Any country")
    # "English" and "en", "español" and "es", "pt-BR": one language filter each, by name.
    assert page.get_by_label("Language", exact=True).locator("option").all_text_contents() == [
        "Any language", "English", "Portuguese", "Spanish"]
    assert len(_names(page, ".kb-dir-list")) == 5
    page.get_by_label("Only mentors taking mentees").check()
    assert PAYLOAD not in _names(page, ".kb-dir-list") and count.text_content() == "4 of 5 mentors"
    link = page.locator(".kb-dir-list li h3 a", has_text="Ana Lopez")
    assert link.get_attribute("href") == "ana/"
    link.click()
    page.wait_for_url("**/mentors/ana/")


def test_find_a_mentor_ranks_with_reasons(page):
    assert page.get_by_label("My time zone").input_value() == "Europe/London"  # from the browser
    page.get_by_label("Topics I need help with (comma-separated)").fill("negotiation")
    page.locator(".kb-dir-find").get_by_label("Spanish").check()
    page.get_by_label("My organisation", exact=True).fill("Harbor Health")
    page.get_by_label("My country", exact=True).select_option(label="Spain")
    page.get_by_role("button", name="Find mentors").click()
    results = page.locator(".kb-find-results > li")
    assert _names(page, ".kb-find-results") == ["Ana Lopez", "Dana Silva"]
    first = results.nth(0).locator(".kb-reasons").text_content()
    assert first == ("negotiation; 2 recorded sessions on negotiation; 15 h of shared working hours; "
                     "speaks Spanish; same country; another organisation")
    second = results.nth(1).locator(".kb-reasons").text_content()
    assert "another country: outside view" in second
    # Dana has mentored in Spanish (her session's language); Ana only lists it: 8 of its 10 points.
    assert "speaks Spanish; 1 recorded session in Spanish;" in second
    # 82 of 90 points of fit (2 sessions of 5), weighed 0.8; experience 0.1 x 0.35 (years not stated:
    # the program's usual 10 of 20, and 2 sessions of 10); performance 0.1 x 0.5 (no one rated yet).
    assert "Score 81 of 100" in results.nth(0).text_content()
    assert "Score" in results.nth(1).text_content() and "speaks Spanish" in results.nth(1).text_content()
    assert page.locator(".kb-dir-find .kb-count").text_content() == "2 mentors match."

    # Two needs; the mentee's own organisation is left out; an unknown topic is named.
    page.get_by_label("Topics I need help with (comma-separated)").fill("negotiation, feedback, juggling")
    page.locator(".kb-dir-find").get_by_label("Spanish").uncheck()
    page.get_by_label("My organisation", exact=True).fill("Northwind")
    page.get_by_role("button", name="Find mentors").click()
    names = _names(page, ".kb-find-results")
    assert "Ana Lopez" not in names and names[0] in ("Ben Okafor", "Carla Ruiz", "Dana Silva")
    assert "juggling" in page.locator(".kb-dir-find .kb-count").text_content()


def test_keyboard_and_labels(page):
    unlabeled = page.evaluate("""() => Array.from(document.querySelectorAll(
        '#kb-directory input, #kb-directory select')).filter(c => !c.labels || !c.labels.length).length""")
    assert unlabeled == 0
    topics = page.get_by_label("Topics I need help with (comma-separated)")
    topics.focus()
    page.keyboard.type("feedback")
    page.keyboard.press("Enter")  # submits the form
    page.wait_for_selector(".kb-find-results > li")
    assert _names(page, ".kb-find-results")[0] in ("Ana Lopez", "Carla Ruiz")
    assert page.locator(".kb-find-results > li h3").count() == 2


def test_html_in_the_roster_shows_as_text(page, site):
    names = _names(page, ".kb-dir-list")
    assert PAYLOAD in names  # as text: the page fixture also checks no <img src=x> and no dialog
    page.get_by_label("Organisation", exact=True).select_option(label=f"Evil {PAYLOAD}")
    assert _names(page, ".kb-dir-list") == [PAYLOAD]
    assert f"Expertise: {PAYLOAD}" in page.locator(".kb-dir-list").text_content()
    page.locator(".kb-dir-list li h3 a").click()  # the mentor's own page (bio) too
    page.wait_for_url("**/mentors/evil/")
    assert PAYLOAD in page.locator("article").text_content()


def test_without_the_json_the_static_list_stays(site, browser):
    shutil.copy(site[1] / "mentors" / "directory.json", site[1] / "mentors" / "directory.json.bak")
    (site[1] / "mentors" / "directory.json").unlink()
    context = browser.new_context()
    _offline(context, site[0])
    try:
        pg = context.new_page()
        pg.goto(site[0] + "/mentors/")
        pg.wait_for_selector(".kb-dir-error")
        assert "could not load" in pg.locator(".kb-dir-error").text_content()
        assert pg.locator("h2#northwind").is_visible()
    finally:
        context.close()
        shutil.move(site[1] / "mentors" / "directory.json.bak", site[1] / "mentors" / "directory.json")


def test_session_page_opens_at_t_and_timestamps_seek(site, browser):
    """#t=0:01 opens the recording at that moment; a transcript timestamp seeks the player."""
    context = browser.new_context()
    _offline(context, site[0])
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(site[0] + "/sessions/raise/#t=0:01")
    pg.wait_for_function("document.querySelector('.kb-player audio').readyState >= 1")
    pg.wait_for_function("Math.abs(document.querySelector('.kb-player audio').currentTime - 1) < 0.05")
    pg.evaluate("document.querySelector('.kb-player audio').currentTime = 1.4")
    pg.click(".kb-transcript a.kb-ts")  # the first line starts at 0
    pg.wait_for_function("document.querySelector('.kb-player audio').currentTime < 1.0")
    assert pg.url.endswith("#t=0")
    assert errors == []
    context.close()


def test_no_serious_accessibility_violations(site, browser):
    """axe-core (offline, through Playwright) on the home, session, mentor and directory pages."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        pytest.skip("axe-playwright-python is not installed (pip install axe-playwright-python)")
    context = browser.new_context()
    _offline(context, site[0])
    pg = context.new_page()
    axe = Axe()
    found = {}
    for path in ("/", "/sessions/raise/", "/mentors/ana/", "/mentors/"):
        pg.goto(site[0] + path)
        pg.wait_for_load_state("networkidle")
        violations = axe.run(pg).response["violations"]
        found[path] = [(v["id"], len(v["nodes"])) for v in violations if v["impact"] in ("serious", "critical")]
    context.close()
    assert found == {path: [] for path in found}


def test_no_empty_heading_or_contents_title(page):
    """The organisations' headings are hidden once the script runs: their table of contents goes too."""
    empty = page.evaluate("""() => {
        const seen = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
        const out = [];
        document.querySelectorAll('h1, h2, h3, h4, h5, h6, .md-nav__title').forEach(h => {
            if (seen(h) && !h.textContent.trim()) out.push(h.outerHTML);
        });
        document.querySelectorAll('nav.md-nav--secondary').forEach(nav => {
            const links = Array.from(nav.querySelectorAll('a')).filter(seen);
            if (seen(nav) && !links.length) out.push('empty contents: ' + nav.getAttribute('aria-label'));
        });
        return out;
    }""")
    assert empty == []
    assert page.locator(".md-sidebar--secondary").is_hidden()
    # In the mobile menu too: no "Table of contents" toggle under the page's name.
    assert page.locator('label.md-nav__link[for="__toc"]').count() == 0
    page.set_viewport_size({"width": 400, "height": 800})
    page.locator('label.md-header__button[for="__drawer"]').click()
    assert page.locator(".md-nav--primary .md-nav__link--active", has_text="Mentors").first.is_visible()
    assert page.locator("nav.md-nav--secondary").filter(has_text="Northwind").first.is_hidden()


def test_topic_suggestions_and_typos(page):
    datalist = page.evaluate("""() => Array.from(document.getElementById(
        document.querySelector('.kb-dir-find input[list]').getAttribute('list')).options).map(o => o.value)""")
    assert {"negotiation", "feedback", "machine learning"} <= set(datalist)
    topics = page.get_by_label("Topics I need help with (comma-separated)")
    topics.fill("Negotation")  # a capital and a missing letter
    page.get_by_role("button", name="Find mentors").click()
    assert sorted(_names(page, ".kb-find-results")) == ["Ana Lopez", "Ben Okafor", "Dana Silva"]
    assert "Negotation: showing negotiation." in page.locator(".kb-dir-find .kb-count").text_content()
    topics.fill("FEEDBACK, machine lerning, jugling")  # case; two letters off in a long one; nothing near
    page.get_by_role("button", name="Find mentors").click()
    count = page.locator(".kb-dir-find .kb-count").text_content()
    assert "machine lerning: showing machine learning" in count and "No mentor lists “jugling”." in count
    assert "FEEDBACK:" not in count  # an exact match, whatever the case, is no correction
    assert sorted(_names(page, ".kb-find-results")) == ["Ana Lopez", "Ben Okafor", "Carla Ruiz"]
    topics.fill("fedback")  # 7 letters, one edit
    page.get_by_role("button", name="Find mentors").click()
    assert sorted(_names(page, ".kb-find-results")) == ["Ana Lopez", "Carla Ruiz"]
    topics.fill("fedbak")  # two edits in a short word: no guess
    page.get_by_role("button", name="Find mentors").click()
    assert "No mentor lists “fedbak”." in page.locator(".kb-dir-find .kb-count").text_content()


def test_filters_are_kept_in_the_address(page):
    page.get_by_label("Language", exact=True).select_option(label="Spanish")
    page.get_by_label("Topic", exact=True).select_option(label="negotiation")
    page.get_by_label("Time zone", exact=True).select_option(label="UTC-5 to -1")
    assert "topic=negotiation" in page.url and "lang=es" in page.url and "tz=" in page.url
    assert _names(page, ".kb-dir-list") == ["Dana Silva"]
    url = page.url
    page.goto(url)
    page.wait_for_selector("#kb-directory .kb-dir-browse li")
    assert page.get_by_label("Language", exact=True).input_value() == "es"
    assert _names(page, ".kb-dir-list") == ["Dana Silva"]
    assert page.locator(".kb-dir-browse .kb-count").text_content() == "1 of 5 mentors"
    page.get_by_label("Time zone", exact=True).select_option(label="Any time zone")
    page.get_by_label("Topic", exact=True).select_option(label="Any topic")
    assert "tz=" not in page.url and "topic=" not in page.url and "lang=es" in page.url


def test_find_a_mentor_is_kept_in_the_address(page):
    page.get_by_label("Topics I need help with (comma-separated)").fill("negotiation")
    page.locator(".kb-dir-find").get_by_label("Spanish").check()
    page.get_by_label("My organisation", exact=True).fill("Harbor Health")
    page.get_by_label("My country", exact=True).select_option(label="Spain")
    page.get_by_role("button", name="Find mentors").click()
    before = page.locator(".kb-find-results > li").all_text_contents()
    assert len(before) == 2 and "find=1" in page.url and "need=negotiation" in page.url
    page.goto(page.url)
    page.wait_for_selector(".kb-find-results > li")
    assert page.locator(".kb-find-results > li").all_text_contents() == before
    assert page.get_by_label("Topics I need help with (comma-separated)").input_value() == "negotiation"
    assert page.get_by_label("My organisation", exact=True).input_value() == "Harbor Health"
    assert page.locator(".kb-dir-find").get_by_label("Spanish").is_checked()
    assert page.locator(".kb-dir-find .kb-count").text_content() == "2 mentors match."


def test_a_hostile_address_does_nothing(page, site):
    from urllib.parse import urlencode

    bad = urlencode({"topic": PAYLOAD, "lang": PAYLOAD, "org": PAYLOAD, "tz": "1e9", "format": "<b>",
                     "find": "1", "need": "<svg onload=alert(2)>", "zone": PAYLOAD, "hours": PAYLOAD, "days": PAYLOAD,
                     "my-org": PAYLOAD, "speaks": PAYLOAD})
    page.goto(site[0] + "/mentors/?" + bad)
    page.wait_for_selector("#kb-directory .kb-dir-browse li")
    assert page.locator(".kb-dir-browse .kb-count").text_content() == "5 of 5 mentors"  # no filter applied
    assert page.get_by_label("Topic", exact=True).input_value() == ""
    assert page.get_by_label("Language", exact=True).input_value() == ""
    assert page.get_by_label("Organisation", exact=True).input_value() == ""
    assert page.get_by_label("My time zone").input_value() == "Europe/London"
    # The topic box shows it as typed text; the count quotes it as text (the fixture checks no <img>).
    assert page.get_by_label("Topics I need help with (comma-separated)").input_value() == "<svg onload=alert(2)>"
    assert "No mentor lists “<svg onload=alert(2)>”." in page.locator(".kb-dir-find .kb-count").text_content()
    assert page.locator("#kb-directory svg").count() == 0
