"""A full disk or a read-only folder under the site or the cache: a clear message, exit 1, the
previous site kept whole, nothing of the failed build left where a web server serves."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from kbgen.cli import cli
from kbgen.config import load_project
from kbgen.pipeline import build
from kbgen.transcribe.engine import EngineKey
from tests.conftest import FakeEngine

FAKE = {"engine_factory": FakeEngine, "key": EngineKey("fake", "fake-1", {})}


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


def _fails_after_a_good_build(project_dir: Path, settings: str, site: Path, spoil, words: str) -> None:
    """Build, ``spoil()`` the disk, change a sidecar and build again through the CLI: it fails
    with ``words`` and the message kbgen gives for a disk, and the previous site is kept."""
    # An imported transcript: the CLI needs no Whisper.
    (project_dir / "recordings" / "pub.wav").unlink()
    (project_dir / "recordings" / "pub.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nHello there, this is about negotiation.\n")
    (project_dir / "kbgen.yml").write_text(settings)
    build(load_project(project_dir), **FAKE)
    before = _snapshot(site)
    spoil()
    sidecar = project_dir / "recordings" / "pub.yml"
    sidecar.write_text(sidecar.read_text().replace("Negotiating an offer", "Renamed"))
    result = CliRunner().invoke(cli, ["build", "-p", str(project_dir), "--no-wait"])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert words in result.output, result.output
    assert "Nothing was published: the previous site is unchanged." in result.output
    assert _snapshot(site) == before


FULL = "No space left on device; the disk is full: free some space"


def test_a_full_disk_under_the_site_keeps_the_previous_site(project_dir, small_disk):
    www = small_disk(project_dir / "www")
    _fails_after_a_good_build(project_dir, "site_dir: www/site\n", www / "site", lambda: _fill(www), FULL)
    (www / "filler").unlink()
    (www / "filler-small").unlink()
    assert sorted(p.name for p in www.iterdir()) == ["site"]  # nothing of the failed build beside the site
    build(load_project(project_dir), **FAKE)
    assert sorted(p.name for p in www.iterdir()) == ["site"]


def test_a_full_disk_under_the_cache_keeps_the_previous_site(project_dir, small_disk):
    cache = small_disk(project_dir / "cache")
    _fails_after_a_good_build(project_dir, "cache_dir: cache\n", project_dir / "site", lambda: _fill(cache), FULL)


def test_a_read_only_site_folder_keeps_the_previous_site(project_dir, small_disk):
    www = small_disk(project_dir / "www")
    _fails_after_a_good_build(project_dir, "site_dir: www/site\n", www / "site",
                              lambda: subprocess.run(["mount", "-o", "remount,ro", str(www)], check=True),
                              "Read-only file system; the file system is read-only")


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
