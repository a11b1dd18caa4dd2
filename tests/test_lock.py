"""One build of a project at a time: two builds at once never mix audiences; a dead build's lock
and scratch space do not outlive it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
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
    from kbgen.serve import clear_dead

    served = project_dir / ".kbgen" / "serve"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (served / f"{dead.pid}-0").mkdir(parents=True)
    (served / f"{os.getpid()}-7").mkdir()
    clear_dead(served)
    assert sorted(p.name for p in served.iterdir()) == [f"{os.getpid()}-7"]


def _vtt_project(root: Path, sessions: int = 12) -> Path:
    """A project of imported transcripts (no Whisper), enough pages to keep MkDocs and Pagefind busy."""
    from tests.conftest import MKDOCS, ROSTER, make_files, sidecar

    files = {"mkdocs.yml": MKDOCS, "mentors.yaml": ROSTER, "site_src/index.md": "# Home\n"}
    for i in range(sessions):
        cues = "".join(f"{k + 1}\n00:00:{k:02d}.000 --> 00:00:{k:02d}.900\nAna Lopez: Point {k} of talk {i} on "
                       f"negotiation and salary.\n\n" for k in range(40))
        files[f"recordings/s{i:02d}.yml"] = sidecar(f"Talk {i}")
        files[f"recordings/s{i:02d}.vtt"] = "WEBVTT\n\n" + cues
    return make_files(root, files)


def _children(pid: int) -> set[int]:
    """Every process started by ``pid`` or its children (Linux /proc)."""
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                kids = {int(k) for k in (task / "children").read_text().split()}
            except OSError:
                continue
            todo += list(kids - found)
            found |= kids
    return found


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; children die with the build on Linux")
def test_a_killed_build_leaves_no_process_and_the_next_build_removes_its_scratch(tmp_path):
    """kill -9 while Pagefind runs: Pagefind dies too, site/ is as it was, nothing of the dead
    build lies beside site/ (where a web server serves), and the next build removes its scratch."""
    root = _vtt_project(tmp_path / "kb")
    kbgen = [sys.executable, "-m", "kbgen", "build", "-p", str(root)]
    subprocess.run(kbgen, check=True, capture_output=True, cwd=ROOT)
    before = {p.relative_to(root / "site"): p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    (root / "recordings" / "s00.yml").write_text((root / "recordings" / "s00.yml").read_text()
                                                 .replace("Talk 0", "Talk zero"))
    build = subprocess.Popen(kbgen, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pagefind: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while not pagefind and build.poll() is None and time.monotonic() < deadline:
            pagefind = {c for c in _children(build.pid)
                        if b"pagefind" in _cmdline(c)}
            time.sleep(0.01)
        assert pagefind, "the build ended before Pagefind was seen"
        children = _children(build.pid) | pagefind  # Pagefind, and the worker making downloads meanwhile
        build.send_signal(signal.SIGKILL)
        build.wait()
        deadline = time.monotonic() + 10
        while any(_alive(p) for p in children) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [_cmdline(p) for p in children if _alive(p)], "processes outlived the killed build"
    finally:
        build.kill()
        for p in _children(build.pid) | pagefind:
            if _alive(p):
                os.kill(p, signal.SIGKILL)
    after = {p.relative_to(root / "site"): p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".")) == [".kbgen"]  # nothing beside site/
    assert list((root / ".kbgen" / "scratch").iterdir())  # the dead build's site, in the scratch space
    subprocess.run(kbgen, check=True, capture_output=True, cwd=ROOT)
    assert list((root / ".kbgen" / "scratch").iterdir()) == []
    assert "Talk zero" in (root / "site" / "sessions" / "s00" / "index.html").read_text()


@pytest.mark.parametrize("setting", ["recordings", "recordings/cache"])
def test_a_cache_dir_in_an_input_folder_is_refused(project_dir, setting):
    from click.testing import CliRunner

    from kbgen.cli import cli

    (project_dir / "kbgen.yml").write_text(f"cache_dir: {setting}\n")
    for command in ("build", "validate"):
        result = CliRunner().invoke(cli, [command, "-p", str(project_dir)])
        assert result.exit_code == 1, result.output
        assert f"kbgen.yml: line 1, field 'cache_dir': '{setting}' is the recordings folder or shares " \
            f"a folder with it" in result.output, result.output
        assert "give the cache a folder of its own" in result.output
    assert not (project_dir / "recordings" / "transcripts").exists()
    assert not (project_dir / "site").exists()


def test_cache_prune_removes_what_dead_builds_left(project_dir):
    from click.testing import CliRunner

    from kbgen.cli import cli

    left = [project_dir / ".kbgen" / "scratch" / ".site-new-abc" / "index.html",
            project_dir / ".kbgen" / "scratch" / "render-xyz" / "sessions" / "a.md",
            project_dir / ".site-new-old1" / "index.html", project_dir / ".site-old-123" / "index.html"]
    for f in left:
        f.parent.mkdir(parents=True)
        f.write_text("left by a killed build\n")
    other = project_dir / ".www-new-keep"  # another site's, not this project's
    other.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left.append(project_dir / ".kbgen" / "serve" / f"{dead.pid}-0" / "index.html")  # a dead preview's copy
    left[-1].parent.mkdir(parents=True)
    left[-1].write_text("served once\n")
    result = CliRunner().invoke(cli, ["cache", "-p", str(project_dir), "--prune"])
    assert result.exit_code == 0, result.output
    assert not any(f.parent.exists() for f in left)
    assert other.is_dir()


_POLL = """
import os, sys, time
path, end, misses = sys.argv[1], time.monotonic() + float(sys.argv[2]), 0
print("polling", flush=True)
while time.monotonic() < end:
    if not os.path.exists(path):
        misses += 1
print(misses)
"""


def test_the_site_is_never_missing_while_it_is_swapped(tmp_path):
    """Another process (a web server) looking at site/ during swaps always finds it."""
    from kbgen.fsutil import replace_dir

    site = tmp_path / "site"
    (site / "index.html").parent.mkdir(parents=True)
    (site / "index.html").write_text("0")
    poller = subprocess.Popen([sys.executable, "-c", _POLL, str(site / "index.html"), "4"],
                              stdout=subprocess.PIPE, text=True)
    assert poller.stdout.readline().strip() == "polling"
    end = time.monotonic() + 3.5
    n = 0
    while time.monotonic() < end:
        new = tmp_path / f"new-{n}"
        new.mkdir()
        (new / "index.html").write_text(str(n))
        replace_dir(new, site, aside=tmp_path)
        n += 1
    misses = int(poller.communicate()[0])
    assert n > 100 and misses == 0, (n, misses)


def test_a_build_killed_between_the_renames_of_a_swap_gets_its_site_back(project_dir):
    """Where the swap takes two renames (no renameat2), a build killed between them leaves the
    old site in the scratch folder and no site/: the next lock holder puts it back, even when
    that build then fails."""
    build(load_project(project_dir), **FAKE)
    site = project_dir / "site"
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    os.replace(site, project_dir / ".kbgen" / "scratch" / ".site-old-4242")
    (project_dir / "recordings" / "pub.yml").write_text("title: [broken\n")
    with pytest.raises(Exception, match="problem"):
        build(load_project(project_dir), **FAKE)
    assert {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("link, to", [("site_src/notes", "../recordings"), ("site_src/deep/c", "../../.kbgen"),
                                      ("site_src/r.yaml", "../mentors.yaml")])
def test_a_link_in_the_docs_folder_to_an_input_is_refused(project_dir, link, to):
    from click.testing import CliRunner

    from kbgen.cli import cli

    (project_dir / ".kbgen").mkdir(exist_ok=True)
    (project_dir / link).parent.mkdir(parents=True, exist_ok=True)
    (project_dir / link).symlink_to(to)
    for command in ("build", "validate"):
        result = CliRunner().invoke(cli, [command, "-p", str(project_dir)])
        assert result.exit_code == 1, result.output
        assert f"{link}: a link to " in result.output and "inside the docs folder would publish it" in result.output
    assert not (project_dir / "site").exists()
