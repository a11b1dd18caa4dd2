"""Shared fixtures: isolated caches, temp projects from a dict of files, a fake engine."""

from __future__ import annotations

import contextlib
import functools
import math
import struct
import threading
import wave
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from kbgen.models import Segment, Transcript

ROOT = Path(__file__).resolve().parent.parent


def isolate(monkeypatch, home: Path) -> None:
    """Point every cache and user folder at ``home``; nothing reaches the network."""
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("HF_HOME", str(home / ".cache" / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")


@pytest.fixture(scope="session")
def _model_cache(tmp_path_factory) -> Path:
    """One folder for joined models (the multilingual base, 145 MB) for the whole run."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory, monkeypatch, _model_cache):
    """Every cache and user folder points at a temp dir; nothing reaches the network."""
    isolate(monkeypatch, tmp_path_factory.mktemp("home"))
    monkeypatch.setenv("KBGEN_MODEL_CACHE", str(_model_cache))


def write_wav(path: Path, seconds: float = 1.0, freq: float = 440.0, rate: int = 16000) -> Path:
    """A mono 16-bit tone (stdlib only), enough for a real decode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = int(seconds * rate)
    frames = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * freq * i / rate))) for i in range(n))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return path


def make_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (relative path -> text or bytes) under ``root``."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


ROSTER = """\
mentors:
  - id: ana
    name: Ana Lopez
    title: Engineering Manager
    organization: Northwind
    timezone: Europe/Madrid
    languages: [en, es]
    expertise: [negotiation, feedback, leadership]
    formats: [video]
    capacity: 2
    bio: Ana leads a platform team.
    contact: mailto:ana@example.org
  - id: ben
    name: Ben Okafor
    title: Data Scientist
    organization: Harbor Health
    timezone: Africa/Lagos
    languages: [en]
    expertise: [machine learning, feedback]
    formats: [chat]
    capacity: 1
    bio: Ben builds models.
    contact: https://example.org/ben
"""

MKDOCS = "site_name: Test KB\ndocs_dir: site_src\ntheme:\n  name: material\n"


def sidecar(title: str, visibility: str = "public", consent: bool = True, mentors: str = "[ana]",
            topics: str = "[negotiation]", extra: str = "") -> str:
    return (f"title: {title}\ndate: 2026-01-15\nmentors: {mentors}\nmentee: anonymous\n"
            f"topics: {topics}\nvisibility: {visibility}\nconsent: {'true' if consent else 'false'}\n"
            f"language: en\n{extra}")


@pytest.fixture
def project_dir(tmp_path) -> Path:
    """A small valid project: two mentors, three sessions (public, internal, private)."""
    root = tmp_path / "kb"
    make_files(root, {
        "mkdocs.yml": MKDOCS,
        "mentors.yaml": ROSTER,
        "site_src/index.md": "# Home\n\nSee [sessions](sessions/index.md).\n",
        "recordings/pub.yml": sidecar("Negotiating an offer"),
        "recordings/team.yml": sidecar("Team rituals", visibility="internal"),
        "recordings/secret.yml": sidecar("Private chat", visibility="private"),
    })
    # Durations differ so a FakeEngine can give each session its own text.
    for name, seconds in (("pub", 1.0), ("team", 1.5), ("secret", 2.0)):
        write_wav(root / "recordings" / f"{name}.wav", seconds)
    return root


class FakeEngine:
    """Stands in for Whisper in unit tests: text chosen by audio duration, counts its calls."""

    name = "fake"
    model_id = "fake-1"

    def __init__(self, texts: dict[float, str] | None = None, default: str = "Hello there. This is a test."):
        self.calls = 0
        self.default = default
        self.texts = texts or {}

    def transcribe(self, audio, language=None, hotwords=None) -> Transcript:
        self.calls += 1
        self.hotwords = hotwords
        duration = len(audio) / 16000
        text = self.texts.get(round(duration, 1), self.default)
        return Transcript((Segment(0.0, duration, text),), "en", duration, self.name, self.model_id)


@pytest.fixture
def fake_engine():
    return FakeEngine()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@contextlib.contextmanager
def serving(folder: Path):
    """``folder`` served over HTTP in a thread, as ``kbgen serve`` answers (kbgen.httpserve:
    ranges, gzip, the site's 404 page): yields the base URL."""
    from kbgen.httpserve import RangeRequestHandler

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(RangeRequestHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def chromium_or_skip():
    """Playwright's sync API, or a skip saying what is missing (CI installs both)."""
    import os

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Python playwright is not installed (pip install playwright; browsers are not downloaded)")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} not found (apt-get install -y chromium)")
    return sync_playwright


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """A copy of the demo project, built for the internal and then the public audience (once per
    run: tests/test_demo.py and tests/test_site_quality.py share it). ``site-internal`` keeps the
    internal build; later tests may build the project again into ``site``."""
    import shutil

    from click.testing import CliRunner

    from bench.demo_build import copy_demo
    from kbgen.cli import cli

    root = copy_demo(tmp_path_factory.mktemp("demo"))
    runner = CliRunner()
    internal = runner.invoke(cli, ["build", "--project", str(root), "--audience", "internal"])
    assert internal.exit_code == 0, internal.output
    shutil.copytree(root / "site", root / "site-internal")
    public = runner.invoke(cli, ["build", "--project", str(root)])
    assert public.exit_code == 0, public.output
    return root, internal.output, public.output
