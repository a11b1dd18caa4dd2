"""One build of a project at a time: two builds at once never mix audiences; a dead build's lock
and scratch space do not outlive it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kbgen.config import load_project
from kbgen.errors import BuildError
from kbgen.lock import project_lock
from kbgen.pipeline import build
from kbgen.transcribe.engine import EngineKey
from tests.conftest import ROOT, FakeEngine

FAKE = {"engine_factory": FakeEngine, "key": EngineKey("fake", "fake-1", {})}


def _files_with(folder: Path, text: str) -> list[str]:
    found = []
    for p in folder.rglob("*"):
        if p.is_file() and (text.encode() in p.read_bytes() or text in p.name):
            found.append(p.relative_to(folder).as_posix())
    return found


def test_an_internal_build_started_during_a_public_build_never_reaches_the_public_site(project_dir, monkeypatch):
    """The public build pauses between rendering its pages and running MkDocs; an internal build
    is started meanwhile. Without a lock, the internal build swaps its pages into the shared docs
    folder and the public build publishes them."""
    import kbgen.site.build as site_build

    real = site_build.mkdocs_build
    paused, release = threading.Event(), threading.Event()
    public_site = project_dir.parent / "public-copy"

    def slow_mkdocs(info, site_dir, root, **kw):
        if kw["audience"] == "public":
            paused.set()
            release.wait(30)
        timings = real(info, site_dir, root, **kw)
        if kw["audience"] == "public":  # what the public build published, before anything replaces it
            shutil.copytree(site_dir, public_site)
        return timings

    monkeypatch.setattr(site_build, "mkdocs_build", slow_mkdocs)
    project = load_project(project_dir)
    errors: list[BaseException] = []
    messages: list[str] = []

    def run(audience: str) -> None:
        try:
            build(project, audience=audience, echo=messages.append, **FAKE)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    public = threading.Thread(target=run, args=("public",))
    public.start()
    assert paused.wait(60), messages
    internal = threading.Thread(target=run, args=("internal",))
    internal.start()
    internal.join(3)  # without the lock it finishes here, while the public build waits
    waited = internal.is_alive()
    release.set()
    public.join(120)
    internal.join(120)
    assert not errors, errors
    assert (public_site / "sessions" / "pub").is_dir()
    assert _files_with(public_site, "Team rituals") == []
    assert [p.name for p in public_site.rglob("*team*")] == []  # no page, media or download of it
    assert waited, "the internal build ran while the public build held the project"
    assert any(m.startswith("waiting for the public build (process ") for m in messages), messages
    # The internal build ran after it, whole.
    assert "Team rituals" in (project_dir / "site" / "sessions" / "team" / "index.html").read_text()


_HOLD = """
import sys, time
from pathlib import Path
from kbgen.lock import project_lock
with project_lock(Path(sys.argv[1]), "the internal build", ".kbgen"):
    print("held", flush=True)
    time.sleep(60)
"""


def _holder(cache: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", _HOLD, str(cache)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_build_with_no_wait_refuses_naming_the_running_one(project_dir):
    from click.testing import CliRunner

    from kbgen.cli import cli

    holder = _holder(project_dir / ".kbgen")
    try:
        result = CliRunner().invoke(cli, ["build", "-p", str(project_dir), "--no-wait"])
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"another kbgen command is building this project: the internal build (process {holder.pid}, " \
        in result.output
    assert not (project_dir / "site").exists()
    assert not (project_dir / "site_src" / "sessions").exists()


def test_the_lock_of_a_killed_build_is_not_stale(project_dir):
    holder = _holder(project_dir / ".kbgen")
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert (project_dir / ".kbgen" / "build.lock").exists()
    # Taken at once (no wait), as if nobody had held it.
    report = build(load_project(project_dir), wait=False, **FAKE)
    assert report.published == ["pub"]


def test_a_thread_waits_for_another_threads_lock_but_not_for_its_own(tmp_path):
    cache = tmp_path / ".kbgen"
    with project_lock(cache, "outer", ".kbgen"):
        with project_lock(cache, "nested", ".kbgen", wait=False):
            pass  # the same thread: no wait
        result: list[BaseException] = []

        def other() -> None:
            try:
                with project_lock(cache, "other", ".kbgen", wait=False):
                    pass
            except BuildError as exc:
                result.append(exc)

        t = threading.Thread(target=other)
        t.start()
        t.join()
        assert result and "outer (process" in str(result[0])


@pytest.mark.parametrize("setting", ["/dev/null", "/proc/self", "a-file"])
def test_a_cache_dir_that_cannot_be_a_folder_is_a_clear_error(project_dir, setting):
    from click.testing import CliRunner

    from kbgen.cli import cli

    (project_dir / "a-file").write_text("not a folder\n")
    (project_dir / "kbgen.yml").write_text(f"cache_dir: {setting}\n")
    result = CliRunner().invoke(cli, ["build", "-p", str(project_dir)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    assert f"cache_dir {setting}: " in result.output
    assert "set `cache_dir:` in kbgen.yml" in result.output


def test_serve_takes_the_lock_and_serves_only_its_own_audience(project_dir):
    """A public preview keeps serving its public copy while an internal build replaces site/."""
    import urllib.request

    from kbgen.serve import serve
    from tests.test_serve import _free_port, _wait_for

    port, stop, messages = _free_port(), threading.Event(), []
    thread = threading.Thread(target=serve, daemon=True, kwargs=dict(
        project=load_project(project_dir), audience="public", host="127.0.0.1", port=port,
        echo=messages.append, poll=0.2, stop=stop, build_kwargs=FAKE))
    thread.start()

    def get(path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:  # noqa: S310
                return r.status, r.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, ""

    try:
        assert _wait_for(lambda: get("/sessions/pub/")[0] == 200), messages
        build(load_project(project_dir), audience="internal", **FAKE)  # replaces site/ beside the preview
        assert "Team rituals" in (project_dir / "site" / "sessions" / "team" / "index.html").read_text()
        assert get("/sessions/team/")[0] == 404
        status, index = get("/sessions/")
        assert status == 200 and "Team rituals" not in index
        assert get("/.kbgen-site")[1].strip() == '{"audience": "public"}'
    finally:
        stop.set()
        thread.join(10)
    assert not list((project_dir / ".kbgen" / "serve").iterdir())  # its copies go with it


def test_serve_removes_copies_left_by_a_dead_preview(project_dir):
    from kbgen.serve import _clear_dead

    served = project_dir / ".kbgen" / "serve"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (served / f"{dead.pid}-0").mkdir(parents=True)
    (served / f"{os.getpid()}-7").mkdir()
    _clear_dead(served)
    assert sorted(p.name for p in served.iterdir()) == [f"{os.getpid()}-7"]
