"""`kbgen serve`: serves the built site and rebuilds when a sidecar changes."""

from __future__ import annotations

import socket
import threading
import time
import urllib.error
import urllib.request

import pytest

from kbgen.config import load_project
from kbgen.serve import serve
from kbgen.transcribe.engine import EngineKey
from tests.conftest import FakeEngine, sidecar


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 (localhost in a test)
        return r.read().decode()


def _wait_for(predicate, timeout: float = 30.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def test_serve_rebuilds_on_sidecar_change(project_dir):
    port, stop, messages = _free_port(), threading.Event(), []
    engine = FakeEngine()
    kwargs = {"engine_factory": lambda: engine, "key": EngineKey("fake", "fake-1", {})}
    thread = threading.Thread(target=serve, daemon=True, kwargs=dict(
        project=load_project(project_dir), audience="public", host="127.0.0.1", port=port,
        echo=messages.append, poll=0.2, stop=stop, build_kwargs=kwargs))
    thread.start()
    try:
        url = f"http://127.0.0.1:{port}/sessions/pub/"
        assert _wait_for(lambda: "Negotiating an offer" in _get(url)), messages
        # A missing page gets the site's own 404 page, not Python's bare one.
        with pytest.raises(urllib.error.HTTPError) as missing:
            _get(f"http://127.0.0.1:{port}/no/such/page/")
        assert missing.value.code == 404
        assert missing.value.read().decode() == (project_dir / "site" / "404.html").read_text()
        (project_dir / "recordings" / "pub.yml").write_text(sidecar("Renamed while serving"))
        assert _wait_for(lambda: "Renamed while serving" in _get(url)), messages
        assert "change detected, rebuilding" in messages
        # A broken sidecar keeps the last good site served and says why.
        (project_dir / "recordings" / "pub.yml").write_text("title: [oops\n")
        assert _wait_for(lambda: any("build failed" in m for m in messages)), messages
        assert "Renamed while serving" in _get(url)
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


def test_serve_never_falls_back_to_another_audiences_site(project_dir):
    import pytest

    from kbgen.errors import KbgenError
    from kbgen.pipeline import build

    kwargs = {"engine_factory": FakeEngine, "key": EngineKey("fake", "fake-1", {})}
    build(load_project(project_dir), audience="internal", **kwargs)
    (project_dir / "recordings" / "pub.yml").write_text("title: [broken\n")
    messages: list[str] = []
    with pytest.raises(KbgenError, match="holds no public site to fall back on"):
        serve(load_project(project_dir), "public", "127.0.0.1", _free_port(), echo=messages.append,
              poll=0.1, stop=threading.Event(), build_kwargs=kwargs)


def test_the_preview_server_answers_range_requests(tmp_path):
    """Browsers seek <audio> only when the server answers Range; the stdlib's does not."""
    import functools
    from http.server import ThreadingHTTPServer

    from kbgen.httpserve import RangeRequestHandler

    data = bytes(range(256)) * 40
    (tmp_path / "a.m4a").write_bytes(data)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(RangeRequestHandler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/a.m4a"

    def fetch(range_header=None):
        req = urllib.request.Request(url, headers={"Range": range_header} if range_header else {})
        try:
            with urllib.request.urlopen(req, timeout=5) as r:  # noqa: S310 (localhost in a test)
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, b""

    try:
        status, headers, body = fetch()
        assert status == 200 and body == data and headers["Accept-Ranges"] == "bytes"
        status, headers, body = fetch("bytes=100-199")
        assert status == 206 and body == data[100:200] and headers["Content-Range"] == f"bytes 100-199/{len(data)}"
        status, _, body = fetch("bytes=10000-")
        assert status == 206 and body == data[10000:]
        status, _, body = fetch("bytes=-5")
        assert status == 206 and body == data[-5:]
        status, headers, _ = fetch(f"bytes={len(data)}-")
        assert status == 416 and headers["Content-Range"] == f"bytes */{len(data)}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_changed_roster_photo_is_a_change(project_dir):
    """serve rebuilds when a local photo the roster names changes (its bytes are published)."""
    from kbgen.config import load_project
    from kbgen.serve import snapshot

    photo = project_dir / "photos" / "ana.png"
    photo.parent.mkdir()
    photo.write_bytes(b"one")
    roster = project_dir / "mentors.yaml"
    roster.write_text(roster.read_text().replace("name: Ana Lopez", "name: Ana Lopez\n    photo: photos/ana.png"))
    project = load_project(project_dir)
    before = snapshot(project, None)
    assert str(photo) in before
    photo.write_bytes(b"two, longer")
    assert snapshot(project, None) != before


def test_a_changed_resource_document_is_a_change(project_dir):
    """serve rebuilds when a document a sidecar shares changes (its bytes are published)."""
    from kbgen.config import load_project
    from kbgen.serve import snapshot

    slides = project_dir / "docs" / "slides.pdf"
    slides.parent.mkdir()
    slides.write_bytes(b"%PDF one")
    sidecar = project_dir / "recordings" / "pub.yml"
    sidecar.write_text(sidecar.read_text() + "resources:\n  - title: Slides\n    file: docs/slides.pdf\n")
    project = load_project(project_dir)
    before = snapshot(project, None)
    assert str(slides) in before
    slides.write_bytes(b"%PDF two, longer")
    assert snapshot(project, None) != before


def test_snapshot_survives_folders_going_while_it_looks(project_dir):
    """Another audience's build swaps kbgen's folders in the docs dir while serve polls: no crash."""
    import shutil

    from kbgen.config import load_project
    from kbgen.serve import snapshot

    docs = project_dir / "site_src"
    stop = threading.Event()

    def churn() -> None:
        while not stop.is_set():
            for i in range(20):
                d = docs / "notes" / f"d{i}" / "deep"
                d.mkdir(parents=True, exist_ok=True)
                (d / "a.md").write_text("x")
            shutil.rmtree(docs / "notes", ignore_errors=True)

    worker = threading.Thread(target=churn, daemon=True)
    worker.start()
    project = load_project(project_dir)
    try:
        for _ in range(300):
            snapshot(project, docs)
    finally:
        stop.set()
        worker.join()


def test_a_busy_port_is_said_before_building(project_dir):
    """The first build can take minutes: a port already taken is refused before it starts."""
    import pytest

    from kbgen.errors import KbgenError

    built = []

    def never(*_a, **_k):
        built.append(True)
        raise AssertionError("built although the port was busy")

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(KbgenError, match=rf"cannot serve on 127.0.0.1:{port} .*pass another --port"):
            serve(load_project(project_dir), "public", "127.0.0.1", port, echo=lambda _m: None,
                  build_kwargs={"engine_factory": never, "key": EngineKey("fake", "fake-1", {})})
    assert built == [] and not (project_dir / "site").exists()
