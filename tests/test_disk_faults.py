"""A full disk or a read-only folder under the site or the cache: a clear message, exit 1, the
previous site kept whole, nothing of the failed build left where a web server serves."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from kbgen.cli import cli
from kbgen.config import load_project
from kbgen.pipeline import build, transcribe
from kbgen.transcribe.engine import EngineKey
from tests.conftest import FakeEngine

FAKE = {"engine_factory": FakeEngine, "key": EngineKey("fake", "fake-1", {})}
_REAL_TRANSCRIBE = transcribe


@pytest.fixture
def small_disk(tmp_path):
    """A tmpfs of its own (root only: CI runs as root), unmounted after the test."""
    mounted: list[Path] = []

    def mount(path: Path, size: str = "64m") -> Path:
        path.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}): CI runs these as root")
        mounted.append(path)
        return path

    yield mount
    for path in reversed(mounted):
        subprocess.run(["umount", "-l", str(path)], check=False)


def _fill(folder: Path) -> None:
    """Take every free byte of ``folder``'s file system."""
    for name, chunk in (("filler", 1 << 20), ("filler-small", 512)):
        try:
            with open(folder / name, "wb", buffering=0) as f:
                while True:
                    f.write(b"\0" * chunk)
        except OSError:
            pass


def _snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def _rebuild(project_dir: Path) -> object:
    (project_dir / "recordings" / "pub.yml").write_text(
        (project_dir / "recordings" / "pub.yml").read_text().replace("Negotiating an offer", "Renamed"))
    return CliRunner().invoke(cli, ["build", "-p", str(project_dir), "--no-wait"],
                              obj=None, catch_exceptions=True, standalone_mode=True)


def _check_failed(result, project_dir: Path, before: dict[str, bytes], site: Path, words: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert words in result.output, result.output
    assert "Nothing was published: the previous site is unchanged." in result.output
    assert _snapshot(site) == before


def test_a_full_disk_under_the_site_keeps_the_previous_site(project_dir, small_disk, monkeypatch):
    www = small_disk(project_dir / "www")
    (project_dir / "kbgen.yml").write_text("site_dir: www/site\n")
    build(load_project(project_dir), **FAKE)
    site = www / "site"
    before = _snapshot(site)
    _fill(www)
    monkeypatch.setattr("kbgen.pipeline.transcribe", lambda *a, **k: _fake_transcripts(project_dir))
    result = _rebuild(project_dir)
    _check_failed(result, project_dir, before, site, "No space left on device; the disk is full: free some space")
    (www / "filler").unlink()
    (www / "filler-small").unlink()
    assert sorted(p.name for p in www.iterdir()) == ["site"]  # the next build cleans what this one left
    build(load_project(project_dir), **FAKE)
    assert sorted(p.name for p in www.iterdir()) == ["site"]


def test_a_full_disk_under_the_cache_keeps_the_previous_site(project_dir, small_disk, monkeypatch):
    cache = small_disk(project_dir / "cache")
    (project_dir / "kbgen.yml").write_text("cache_dir: cache\n")
    build(load_project(project_dir), **FAKE)
    site = project_dir / "site"
    before = _snapshot(site)
    _fill(cache)
    monkeypatch.setattr("kbgen.pipeline.transcribe", lambda *a, **k: _fake_transcripts(project_dir))
    result = _rebuild(project_dir)
    _check_failed(result, project_dir, before, site, "No space left on device; the disk is full: free some space")


def test_a_read_only_site_folder_keeps_the_previous_site(project_dir, small_disk, monkeypatch):
    www = small_disk(project_dir / "www")
    (project_dir / "kbgen.yml").write_text("site_dir: www/site\n")
    build(load_project(project_dir), **FAKE)
    site = www / "site"
    before = _snapshot(site)
    subprocess.run(["mount", "-o", "remount,ro", str(www)], check=True)
    monkeypatch.setattr("kbgen.pipeline.transcribe", lambda *a, **k: _fake_transcripts(project_dir))
    result = _rebuild(project_dir)
    _check_failed(result, project_dir, before, site, "Read-only file system; the file system is read-only")


def _fake_transcripts(project_dir: Path) -> dict:
    """The transcripts a FakeEngine gives (the CLI would load Whisper)."""
    from kbgen.audience import select
    from kbgen.pipeline import load_inputs

    project = load_project(project_dir)
    mentors, sessions = load_inputs(project)
    kept, _ = select(sessions, "public")
    return _REAL_TRANSCRIBE(project, kept, engine_factory=FakeEngine, key=FAKE["key"], mentors=mentors)


def test_a_disk_error_that_names_no_file_names_the_folders_written(project_dir, monkeypatch):
    import errno

    def full(*args, **kwargs):  # MkDocs reports some write errors without the file's name
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("kbgen.site.build.mkdocs_build", full)
    with pytest.raises(Exception) as caught:
        build(load_project(project_dir), **FAKE)
    assert str(caught.value.format_message()) == (
        "writing site/ or .kbgen/: No space left on device; the disk is full: free some space and build "
        "again. Nothing was published: the previous site is unchanged.")
