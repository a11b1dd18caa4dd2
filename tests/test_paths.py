"""Learning paths: configured and derived order, hidden sessions dropped without a trace,
validation naming file and field, pages and prev/next links under both URL styles."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from kbgen.cli import cli
from kbgen.config import LearningPathsConfig, load_project
from kbgen.errors import ConfigError, IngestError
from kbgen.models import Segment, Session, SessionDoc, Transcript
from kbgen.pipeline import build, load_inputs
from kbgen.site.paths import derived_order, learning_paths, length_text
from kbgen.transcribe.engine import EngineKey
from tests.conftest import MKDOCS, ROSTER, FakeEngine, make_files, write_wav

KEY = EngineKey("fake", "fake-1", {})
HIDDEN = ("zebrahiddeninternal", "zebrahiddenprivate", "zebrahiddennoconsent")
PAYLOAD = "<img src=x onerror=alert(1)>"

# name: (title, date, level, visibility, consent, seconds of audio)
SESSIONS = {
    "basics": ("Negotiation basics", "2026-01-10", "beginner", "public", True, 61.0),
    "counter": ("Counter offers", "2025-12-01", "advanced", "public", True, 62.0),
    "research": ("Salary research", "2026-02-01", None, "public", True, 63.0),
    "timing": ("Offer timing", "2025-11-01", "intermediate", "public", True, 64.0),
    "zebrahiddeninternal": ("Title zebrahiddeninternal", "2025-10-01", "beginner", "internal", True, 65.0),
    "zebrahiddenprivate": ("Title zebrahiddenprivate", "2025-09-01", "beginner", "private", True, 66.0),
    "zebrahiddennoconsent": ("Title zebrahiddennoconsent", "2025-08-01", "beginner", "public", False, 67.0),
}

CONFIG = """\
learning_paths:
  min_sessions: 3
  paths:
    - id: first-offer
      title: Your first offer
      description: From research to the counter offer.
      sessions: [research, zebrahiddeninternal, basics, zebrahiddenprivate, counter, zebrahiddennoconsent]
    - id: lonely
      title: Lonely path
      sessions: [zebrahiddenprivate, timing, zebrahiddennoconsent]
"""


def _sidecar(title, date, level, visibility, consent) -> str:
    return (f"title: {title}\ndate: {date}\nmentors: [ana]\ntopics: [negotiation]\nvisibility: {visibility}\n"
            f"consent: {'true' if consent else 'false'}\n" + (f"level: {level}\n" if level else ""))


def _project(root: Path, config: str = CONFIG, mkdocs: str = MKDOCS, sessions=SESSIONS) -> Path:
    files = {"mkdocs.yml": mkdocs, "mentors.yaml": ROSTER, "kbgen.yml": config,
             "site_src/index.md": "# Home\n\nSee [sessions](sessions/index.md).\n"}
    for name, (title, date, level, visibility, consent, _) in sessions.items():
        files[f"recordings/{name}.yml"] = _sidecar(title, date, level, visibility, consent)
    make_files(root, files)
    for name, spec in sessions.items():
        write_wav(root / "recordings" / f"{name}.wav", spec[5] / 60, freq=300 + 10 * spec[5])
    return root


class _MinuteEngine(FakeEngine):
    """Each second of test audio stands for a minute of session (short files, realistic lengths)."""

    def transcribe(self, audio, language=None, hotwords=None) -> Transcript:
        t = super().transcribe(audio, language, hotwords)
        seconds = round(t.duration * 60)
        return Transcript((Segment(0.0, 20.0, "We spoke about negotiation today."),
                           Segment(20.0, 40.0, "Always prepare the negotiation early."),
                           Segment(40.0, seconds, "Thank you for the session.")), "en", seconds, t.engine, t.model)


def _engine() -> FakeEngine:
    return _MinuteEngine()


def _build(root: Path, messages: list[str] | None = None, **kw):
    echo = messages.append if messages is not None else (lambda _: None)
    engine = _engine()
    return build(load_project(root), engine_factory=lambda: engine, key=KEY, echo=echo, **kw)


def _text(folder: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in sorted(folder.rglob("*")) if p.is_file())


def _built(site: Path, rel: str, directory_urls: bool = True) -> Path:
    """The built file of the page ``rel`` ('sessions/x', 'paths/index')."""
    if rel.endswith("/index") or not directory_urls:
        return site / f"{rel}.html"
    return site / rel / "index.html"


def _page(site: Path, rel: str, directory_urls: bool = True) -> str:
    return _built(site, rel, directory_urls).read_text(encoding="utf-8")


def _step_ids(md_page: str) -> list[str]:
    """Session ids of a rendered path page's steps, in order."""
    return re.findall(r"^\d+\. \*\*\[.*?\]\(\.\./sessions/([a-z0-9-]+)\.md\)", md_page, flags=re.M)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs += [v for k, v in attrs if k == "href" and v]


def _assert_links_resolve(site: Path, page: Path) -> int:
    """Every relative link of a built page points at a file of the built site."""
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    checked = 0
    for href in parser.hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        target = (page.parent / unquote(parts.path)).resolve()
        if href.endswith("/") or target.is_dir():
            target = target / "index.html"
        assert target.is_file(), f"{page.relative_to(site)}: broken link {href}"
        checked += 1
    return checked


# --- order ---------------------------------------------------------------------------------


def _doc(sid: str, date: str, level: str | None, seconds: float = 60.0) -> SessionDoc:
    s = Session(sid, sid.title(), dt.date.fromisoformat(date), ("ana",), ("negotiation",), "public", True,
                level=level)
    return SessionDoc(s, Transcript((Segment(0.0, seconds, "Hello."),), "en", seconds))


def test_derived_order_is_level_then_oldest_then_id():
    docs = [_doc("adv", "2020-01-01", "advanced"), _doc("none-new", "2026-01-01", None),
            _doc("mid-old", "2024-01-01", "intermediate"), _doc("beg-new", "2026-06-01", "beginner"),
            _doc("beg-old", "2025-01-01", "beginner"), _doc("b-same", "2024-01-01", "intermediate"),
            _doc("none-old", "2023-01-01", None)]
    order = [d.session.id for d in derived_order(docs)]
    # Beginner first (oldest first), then intermediate and unlevelled together by date (id on a tie),
    # then advanced: an advanced session never comes before a beginner one, whatever its date.
    assert order == ["beg-old", "beg-new", "none-old", "b-same", "mid-old", "none-new", "adv"]


def test_derivation_follows_min_sessions_and_can_be_turned_off():
    from kbgen.site.render import _topics

    docs = [_doc("a", "2026-01-01", "advanced"), _doc("b", "2026-02-01", "beginner"),
            _doc("c", "2026-03-01", None)]
    topics, find = _topics(docs, [])
    on = learning_paths(docs, topics, find, LearningPathsConfig(min_sessions=3))
    assert [(p.id, p.derived, [s.doc.session.id for s in p.steps]) for p in on] == [
        ("negotiation", True, ["b", "c", "a"])]
    assert on[0].steps[0].tagged == "negotiation"  # why it is there: the sidecar's tag
    assert learning_paths(docs, topics, find, LearningPathsConfig(min_sessions=4)) == []
    assert learning_paths(docs, topics, find, LearningPathsConfig(derive=False)) == []
    assert length_text(59) == "59 s" and length_text(12 * 60 + 20) == "12 min" and length_text(3900) == "1 h 05 min"


def test_configured_path_claims_its_topic_and_keeps_derived_urls_apart():
    from kbgen.site.render import _topics

    docs = [_doc("a", "2026-01-01", None), _doc("b", "2026-02-01", None), _doc("c", "2026-03-01", None)]
    topics, find = _topics(docs, [])
    claimed = LearningPathsConfig.model_validate(
        {"paths": [{"id": "deals", "title": "Deals", "topic": "negotiation", "sessions": ["c", "a"]}]})
    paths = learning_paths(docs, topics, find, claimed)
    assert [(p.id, p.derived) for p in paths] == [("deals", False)]  # no second path on the same topic
    assert paths[0].topic is topics["negotiation"]
    same_id = LearningPathsConfig.model_validate(
        {"paths": [{"id": "negotiation", "title": "Other", "sessions": ["c", "a"]}]})
    assert [p.id for p in learning_paths(docs, topics, find, same_id)] == ["negotiation", "negotiation-topic"]


# --- whole builds --------------------------------------------------------------------------


def test_configured_path_in_order_with_hidden_sessions_dropped_without_a_trace(tmp_path):
    root = _project(tmp_path / "kb")
    messages: list[str] = []
    _build(root, messages, audience="public")
    docs = root / "site_src"
    path_md = (docs / "paths" / "first-offer.md").read_text()
    # Configured order, only the published steps, numbered among themselves.
    assert _step_ids(path_md) == ["research", "basics", "counter"]
    assert "**3 sessions**" in path_md
    # The path with one published session is not rendered, and the build says so, naming no hidden session.
    assert not (docs / "paths" / "lonely.md").exists()
    said = [m for m in messages if "lonely" in m]
    assert said and "not in this build" in said[0]
    assert not any(h in m for m in messages for h in ("zebrahiddeninternal",) if "learning path" in m)
    # Nothing of the hidden sessions anywhere: not a title, an id, a count or a step number.
    everything = _text(root / "site") + _text(docs)
    for marker in HIDDEN:
        assert marker not in everything
    for wrong in ("of 4", "of 5", "of 6", "4 sessions", "5 sessions", "6 sessions", "4. ", "5. "):
        assert wrong not in path_md
    steps = re.findall(r"Step (\d+) of (\d+) in the learning path \[Your first offer\]", _text(docs / "sessions"))
    assert sorted(steps) == [("1", "3"), ("2", "3"), ("3", "3")]
    # Session pages: step k of n, previous and next among the published steps only.
    basics = (docs / "sessions" / "basics.md").read_text()
    assert "Step 2 of 3 in the learning path [Your first offer](../paths/first-offer.md)" in basics
    assert "previous: [Salary research](./research.md)" in basics
    assert "next: [Counter offers](./counter.md)" in basics
    research = (docs / "sessions" / "research.md").read_text()
    assert "Step 1 of 3" in research and "previous:" not in research.split("first-offer.md")[1].split("\n")[0]
    counter_page = _page(root / "site", "sessions/counter")
    assert 'href="../basics/"' in counter_page and 'href="../../paths/first-offer/"' in counter_page
    # The index lists it with its count and total length (61 + 63 + 62 s).
    index = (docs / "paths" / "index.md").read_text()
    assert "| [Your first offer](first-offer.md) | 3 | 3 min |" in index


def test_internal_build_adds_the_internal_step_and_renumbers(tmp_path):
    root = _project(tmp_path / "kb")
    _build(root, audience="internal")
    docs = root / "site_src"
    assert _step_ids((docs / "paths" / "first-offer.md").read_text()) == [
        "research", "zebrahiddeninternal", "basics", "counter"]
    assert "Step 3 of 4" in (docs / "sessions" / "basics.md").read_text()
    assert "zebrahiddenprivate" not in _text(root / "site") and "zebrahiddennoconsent" not in _text(root / "site")
    # Back to public: the internal step is gone from every page again.
    _build(root, audience="public")
    assert "zebrahiddeninternal" not in _text(root / "site") + _text(docs)


def test_derived_path_order_reasons_and_topic_links(tmp_path):
    root = _project(tmp_path / "kb", config="learning_paths:\n  min_sessions: 3\n")
    _build(root, audience="public")
    docs = root / "site_src"
    derived = (docs / "paths" / "negotiation.md").read_text()
    # Beginner, then intermediate and unlevelled by date, then advanced.
    assert _step_ids(derived) == ["basics", "timing", "research", "counter"]
    assert "Beginner" in derived and "Advanced" in derived
    # Why each step is there: the sidecar tag and what was said, linked to that moment.
    assert "*Why here:* tagged negotiation; said “" in derived
    assert re.search(r"\]\(\.\./sessions/basics\.md#t-\d+\)", derived)
    topic = (docs / "topics" / "negotiation.md").read_text()
    assert "## Learning paths" in topic and "[Negotiation](../paths/negotiation.md): 4 sessions" in topic
    assert "negotiation.md" in (docs / "paths" / "index.md").read_text()
    assert "**Level:** Beginner" in (docs / "sessions" / "basics.md").read_text()
    for marker in HIDDEN:
        assert marker not in _text(root / "site") + _text(docs)


def test_derived_paths_off(tmp_path):
    root = _project(tmp_path / "kb", config="learning_paths:\n  derive: false\n")
    _build(root)
    assert sorted(p.name for p in (root / "site_src" / "paths").glob("*.md")) == ["index.md"]
    assert "No learning paths yet." in (root / "site_src" / "paths" / "index.md").read_text()
    assert "## Learning paths" not in (root / "site_src" / "topics" / "negotiation.md").read_text()
    assert "in the learning path" not in (root / "site_src" / "sessions" / "basics.md").read_text()


@pytest.mark.parametrize("directory_urls", [True, False])
def test_strict_build_and_every_link_resolves_with_both_url_styles(tmp_path, directory_urls):
    mkdocs = MKDOCS + ("" if directory_urls else "use_directory_urls: false\n")
    root = _project(tmp_path / "kb", mkdocs=mkdocs, config=CONFIG.replace(
        "      title: Your first offer\n", f"      title: \"{PAYLOAD} [x](javascript:alert(1)) {{{{ x }}}}\"\n"
        "      topic: negotiation\n"))
    _build(root, strict=True)
    site = root / "site"
    pages = ["paths/index", "paths/first-offer", "sessions/basics", "sessions/research", "topics/negotiation"]
    assert sum(_assert_links_resolve(site, _built(site, p, directory_urls)) for p in pages) > 10
    nav = (site / "404.html").read_text()
    assert "Learning paths" in nav and ("paths/" if directory_urls else "paths/index.html") in nav
    assert "paths/first-offer" not in nav  # paths are reached from their index, not the nav
    path_page = _page(site, "paths/first-offer", directory_urls)
    topic_page = _page(site, "topics/negotiation", directory_urls)
    session_page = _page(site, "sessions/basics", directory_urls)
    for page in (path_page, topic_page, session_page, _page(site, "paths/index", directory_urls)):
        assert PAYLOAD not in page and 'href="javascript:' not in page and "{{ x }}" not in page
    assert "&lt;img src=x onerror=alert(1)&gt; [x](javascript" in path_page  # shown as text
    # The configured path's topic links it, and the topic is claimed: no derived path beside it.
    assert not (root / "site_src" / "paths" / "negotiation.md").exists()
    assert ("../../paths/first-offer/" if directory_urls else "../paths/first-offer.html") in topic_page


def test_unknown_session_and_topic_name_file_field_and_fix(tmp_path):
    config = CONFIG.replace("[research, zebrahiddeninternal,", "[reserch, zebrahiddeninternal,").replace(
        "      title: Lonely path\n", "      title: Lonely path\n      topic: negotiaton-typo\n")
    root = _project(tmp_path / "kb", config=config)
    with pytest.raises(IngestError) as exc:
        load_inputs(load_project(root))
    text = str(exc.value)
    assert "kbgen.yml: line 7, field 'learning_paths.paths.0.sessions.0': no session 'reserch' among the " \
           "recordings; did you mean 'research'?" in text
    assert "field 'learning_paths.paths.1.topic'" in text and "negotiaton-typo" in text
    # The CLI says the same, exits non-zero and shows no traceback; nothing was built.
    result = CliRunner().invoke(cli, ["validate", "--project", str(root)])
    assert result.exit_code == 1 and "reserch" in result.output and "Traceback" not in result.output
    assert not (root / "site").exists()


@pytest.mark.parametrize("paths_yaml, field, words", [
    ("    - {id: Bad_Id, title: T, sessions: [basics, counter]}\n", "learning_paths.paths.0.id", "not a slug"),
    ("    - {id: index, title: T, sessions: [basics, counter]}\n", "learning_paths.paths.0.id", "'index'"),
    ("    - {id: a, title: T, sessions: [basics]}\n", "learning_paths.paths.0.sessions", "at least 2"),
    ("    - {id: a, title: T, sessions: [basics, counter, basics]}\n", "learning_paths.paths.0.sessions",
     "listed twice"),
    ("    - {id: a, title: T, sessions: [basics, counter]}\n    - {id: a, title: U, sessions: [basics, counter]}\n",
     "learning_paths.paths", "used twice"),
    ("    - {id: a, sessions: [basics, counter]}\n", "learning_paths.paths.0.title", "required"),
])
def test_bad_path_settings_name_kbgen_yml_and_the_field(tmp_path, paths_yaml, field, words):
    root = _project(tmp_path / "kb", config="learning_paths:\n  paths:\n" + paths_yaml)
    with pytest.raises(ConfigError) as exc:
        load_project(root)
    text = str(exc.value)
    assert "kbgen.yml" in text and f"field '{field}'" in text and words in text, text
    assert "Value error" not in text


def test_bad_level_names_the_sidecar_line_and_field(tmp_path):
    root = _project(tmp_path / "kb", config="")
    (root / "recordings" / "basics.yml").write_text(_sidecar("B", "2026-01-01", "expert", "public", True))
    with pytest.raises(IngestError) as exc:
        load_inputs(load_project(root))
    assert "recordings/basics.yml: line 7, field 'level': 'expert' is not one of beginner, intermediate, " \
           "advanced" in str(exc.value)


def test_a_hand_written_paths_folder_is_never_replaced(project_dir):
    """kbgen took the paths/ folder over in a later version: someone's own pages there stay."""
    from kbgen.errors import BuildError

    mine = project_dir / "site_src" / "paths" / "my-notes.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("# My own paths page\n")
    before = {p.name for p in (project_dir / "site_src").iterdir()}
    with pytest.raises(BuildError, match="site_src/paths/: kbgen writes its paths pages"):
        _build(project_dir)
    assert mine.read_text() == "# My own paths page\n"
    assert {p.name for p in (project_dir / "site_src").iterdir()} == before  # nothing half-swapped
    mine.rename(project_dir / "site_src" / "my-notes.md")
    _build(project_dir)
    assert (project_dir / "site_src" / "paths" / ".kbgen-owned").is_file()
    _build(project_dir, audience="internal")  # kbgen's own folder is replaced as usual
    assert not list((project_dir / "site").rglob(".kbgen-owned"))  # MkDocs leaves hidden files out
