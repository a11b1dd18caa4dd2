"""Resources (issue 18, part 5): links and documents a session shares, shown on its page and its
topics' pages, searchable by title, and copied into the site only with a session the build
publishes. Tested as an attacker would list a file: outside the project, through a link, from
another audience's build, swapped after the check."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from kbgen.cli import cli
from kbgen.config import load_project
from kbgen.errors import BuildError
from kbgen.pipeline import build
from kbgen.site.render import copy_resource
from kbgen.transcribe.engine import EngineKey
from tests.conftest import MKDOCS, ROSTER, FakeEngine, make_files, sidecar, write_wav

KEY = EngineKey("fake", "fake-1", {})


def _res(*items: str) -> str:
    return "resources:\n" + "".join(items)


def _file(title: str, path: str) -> str:
    return f"  - title: {title}\n    file: {path}\n"


def _project(tmp_path, sidecars: dict[str, str], files: dict[str, bytes] | None = None):
    root = tmp_path / "kb"
    make_files(root, {"mkdocs.yml": MKDOCS, "mentors.yaml": ROSTER, "site_src/index.md": "# Home\n",
                      **{f"recordings/{k}.yml": v for k, v in sidecars.items()}, **(files or {})})
    for name in sidecars:
        write_wav(root / "recordings" / f"{name}.wav", 1.0 + 0.5 * list(sidecars).index(name))
    return root


def _everything(folder) -> bytes:
    return b"\n".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_documents_and_links_follow_their_session_s_audience(tmp_path):
    root = _project(tmp_path, {
        "pub": sidecar("Salary talk", extra=_res(_file("Negotiation checklist", "docs/checklist.pdf"),
                                                 "  - title: Further reading\n    url: https://example.org/read\n")),
        "team": sidecar("Release rota", visibility="internal", extra=_res(_file("Rota slides", "docs/rota.pdf"))),
        "secret": sidecar("Finance chat", visibility="private", extra=_res(_file("Budget sheet", "docs/budget.xlsx"))),
    }, {"docs/checklist.pdf": b"%PDF-1.4 PUBLIC-CHECKLIST", "docs/rota.pdf": b"%PDF-1.4 INTERNAL-ROTA-CANARY",
        "docs/budget.xlsx": b"PK PRIVATE-BUDGET-CANARY"})
    for audience in ("public", "internal"):
        build(load_project(root), audience=audience, engine_factory=FakeEngine, key=KEY)
        site = root / "site"
        everything = _everything(site) + _everything(root / "site_src") + _everything(root / ".kbgen" / "search-docs")
        assert (site / "media" / "resources" / "pub" / "checklist.pdf").read_bytes() == b"%PDF-1.4 PUBLIC-CHECKLIST"
        page = (site / "sessions" / "pub" / "index.html").read_text()
        assert 'href="../../media/resources/pub/checklist.pdf" download>Negotiation checklist</a>' in page
        assert 'href="https://example.org/read" rel="noopener nofollow">Further reading</a>' in page
        topic = (site / "topics" / "negotiation" / "index.html").read_text()
        assert "Negotiation checklist" in topic and "Further reading" in topic
        search = (root / ".kbgen" / "search-docs" / "sessions" / "pub" / "index.html").read_text()
        assert "Negotiation checklist" in search  # searchable by title
        assert b"PRIVATE-BUDGET-CANARY" not in everything and b"Budget sheet" not in everything
        internal = b"INTERNAL-ROTA-CANARY" in everything, b"Rota slides" in everything
        assert internal == ((audience == "internal"),) * 2, audience


@pytest.mark.parametrize("item, said", [
    (_file("Up", "../outside.pdf"), "must be a path inside the project"),
    (_file("Abs", "/etc/passwd"), "must be a path inside the project"),
    (_file("Cache", ".kbgen/x.pdf"), "inside the cache folder"),
    (_file("Docs", "site_src/media/resources/team/rota.pdf"), "inside the docs folder"),
    (_file("Site", "site/media/x.pdf"), "inside the site folder"),
    (_file("Script", "notes/script.txt"), "not a document kbgen publishes"),
    (_file("Track", "recordings/other.mp3"), "not a document kbgen publishes"),
    (_file("Missing", "docs/nothing.pdf"), "not found"),
    (_file("Link", "docs/link.pdf"), "is a symbolic link"),
    (_file("Report", "match/match-report.csv"), "inside kbgen match's folder"),
    (_file("Long", "docs/" + "x" * 300 + ".pdf"), "File name too long"),
    ("  - title: Caps\n    url: HTTPS://example.org/x\n", "expected an https:// link"),
    ("  - title: Bad link\n    url: javascript:alert(1)\n", "expected an https:// link"),
    ("  - title: Plain\n    url: http://example.org/x\n", "expected an https:// link"),
    ("  - title: Both\n    url: https://example.org/x\n    file: docs/ok.pdf\n", "either url"),
    ("  - file: docs/ok.pdf\n", "give the resource a title"),
    ("  - title: Typo\n    flie: docs/ok.pdf\n", "did you mean 'file'?"),
])
def test_bad_resources_are_named_with_their_field(tmp_path, item, said):
    root = _project(tmp_path, {"pub": sidecar("Talk", extra=_res(item))},
                    {"docs/ok.pdf": b"%PDF", "notes/script.txt": b"private words", "recordings/other.mp3": b"ID3",
                     ".kbgen/x.pdf": b"%PDF", "site_src/media/resources/team/rota.pdf": b"%PDF",
                     "site/media/x.pdf": b"%PDF", "../outside.pdf": b"%PDF", "match/match-report.csv": b"id,name"})
    (root / "docs" / "link.pdf").symlink_to(root.parent / "outside.pdf")
    result = CliRunner().invoke(cli, ["validate", "-p", str(root)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "recordings/pub.yml" in result.output and said in result.output, result.output


def test_a_document_swapped_for_a_link_after_the_check_is_not_copied(tmp_path):
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"SECRET")
    swapped = tmp_path / "slides.pdf"
    swapped.symlink_to(secret)
    with pytest.raises((OSError, BuildError)):
        copy_resource(swapped, tmp_path / "out" / "slides.pdf")
    assert not (tmp_path / "out" / "slides.pdf").exists()
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "slides.pdf").write_bytes(b"SECRET")
    (tmp_path / "docs").symlink_to(tmp_path / "real")  # a folder on the way, now a link
    with pytest.raises(BuildError, match="link"):
        copy_resource(tmp_path / "docs" / "slides.pdf", tmp_path / "out" / "x.pdf")
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    with pytest.raises(BuildError, match="not a regular file"):
        copy_resource(fifo, tmp_path / "out" / "pipe.pdf")


def test_a_document_changed_under_the_same_name_is_published_again(tmp_path):
    """Slides replaced under the same name (a confidential slide taken out): the next build
    publishes the new file, though nothing else changed."""
    root = _project(tmp_path, {"pub": sidecar("Talk", extra=_res(_file("Slides", "docs/slides.pdf")))},
                    {"docs/slides.pdf": b"%PDF-1.4 OLD CONFIDENTIAL SLIDE"})
    build(load_project(root), engine_factory=FakeEngine, key=KEY)
    published = root / "site" / "media" / "resources" / "pub" / "slides.pdf"
    assert published.read_bytes() == b"%PDF-1.4 OLD CONFIDENTIAL SLIDE"
    (root / "docs" / "slides.pdf").write_bytes(b"%PDF-1.4 NEW")
    build(load_project(root), engine_factory=FakeEngine, key=KEY)
    assert published.read_bytes() == b"%PDF-1.4 NEW"
    assert b"CONFIDENTIAL" not in _everything(root / "site") + _everything(root / "site_src")
