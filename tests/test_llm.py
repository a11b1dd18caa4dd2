"""The LLM summarizer against a real local HTTP server that mimics an OpenAI-compatible endpoint."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kbgen.config import LLMConfig
from kbgen.enrich.llm import llm_summary, parse_reply
from kbgen.models import Segment, Transcript

TRANSCRIPT = Transcript(
    (
        Segment(0.0, 4.0, "I just got my first job offer and I am nervous.", "MENTEE"),
        Segment(4.0, 9.0, "Start with research: look at salary surveys for your city.", "MENTOR"),
        Segment(9.0, 14.0, "Then ask for the full offer in writing.", "MENTOR"),
    ),
    "en",
    14.0,
)

REPLY = (
    "The mentee has a first job offer and is nervous about negotiating. "
    "The mentor advises researching salary surveys first. "
    "Jordan should ask for the offer in writing. "
    "A fourth sentence that was not asked for."
)


class Endpoint:
    """A chat-completions endpoint on 127.0.0.1 that records requests and answers as told."""

    def __init__(self, status=200, body=None, delay=0.0):
        self.status, self.delay, self.requests = status, delay, []
        self.body = body if body is not None else {"choices": [{"message": {"role": "assistant", "content": REPLY}}]}
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length", 0))
                endpoint.requests.append((self.path, dict(self.headers), json.loads(self.rfile.read(length))))
                if endpoint.delay:
                    time.sleep(endpoint.delay)
                data = endpoint.body if isinstance(endpoint.body, bytes) else json.dumps(endpoint.body).encode()
                try:
                    self.send_response(endpoint.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the client gave up (timeout test)
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def config(url: str, **kw) -> LLMConfig:
    return LLMConfig(**{"enabled": True, "base_url": url, "model": "tiny-test", "api_key_env": "KBGEN_TEST_KEY",
                        "timeout": 0.5, **kw})


def test_success_sends_model_prompt_and_key(monkeypatch):
    monkeypatch.setenv("KBGEN_TEST_KEY", "sk-test-123")
    with Endpoint() as ep:
        result = llm_summary(TRANSCRIPT, config(ep.url), 3, mentee="Jordan")
    assert result == (
        "The mentee has a first job offer and is nervous about negotiating.",
        "The mentor advises researching salary surveys first.",
        "The mentee should ask for the offer in writing.",
    )
    [(path, headers, body)] = ep.requests
    assert path == "/v1/chat/completions"
    assert headers["Authorization"] == "Bearer sk-test-123"
    assert headers["Content-Type"] == "application/json"
    assert body["model"] == "tiny-test"
    system, user = body["messages"]
    assert system["role"] == "system" and "mentee" in system["content"] and "plain text" in system["content"]
    assert user["role"] == "user" and "3 sentences" in user["content"]
    assert "MENTOR: Then ask for the full offer in writing." in user["content"]


def test_no_key_no_authorization_header(monkeypatch):
    monkeypatch.delenv("KBGEN_TEST_KEY", raising=False)
    with Endpoint() as ep:
        assert llm_summary(TRANSCRIPT, config(ep.url + "/"), 2) is not None
    [(path, headers, _)] = ep.requests
    assert path == "/v1/chat/completions"  # a trailing slash in base_url is fine
    assert "Authorization" not in headers


def test_disabled_never_calls():
    with Endpoint() as ep:
        assert llm_summary(TRANSCRIPT, config(ep.url, enabled=False), 3) is None
        assert llm_summary(TRANSCRIPT, config(ep.url, model=None), 3) is None
    assert ep.requests == []


@pytest.mark.parametrize("status", [400, 401, 404, 429, 500, 503])
def test_http_errors_give_none(status):
    with Endpoint(status=status, body={"error": {"message": "nope"}}) as ep:
        assert llm_summary(TRANSCRIPT, config(ep.url), 3) is None
    assert len(ep.requests) == 1


@pytest.mark.parametrize(
    "body",
    [
        b"not json at all",
        b"",
        {"choices": []},
        {"choices": [{"message": {"content": None}}]},
        {"choices": [{"message": {"content": "   "}}]},
        {"choices": [{"text": "completion-style reply"}]},
        {"unexpected": True},
        [1, 2, 3],
    ],
)
def test_malformed_or_empty_replies_give_none(body):
    with Endpoint(body=body) as ep:
        assert llm_summary(TRANSCRIPT, config(ep.url), 3) is None


def test_timeout_gives_none():
    with Endpoint(delay=2.0) as ep:
        began = time.monotonic()
        assert llm_summary(TRANSCRIPT, config(ep.url, timeout=0.5), 3) is None
        assert time.monotonic() - began < 1.8


def test_unreachable_port_gives_none():
    with socket.socket() as s:  # a port nothing listens on: bound, closed, then refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert llm_summary(TRANSCRIPT, config(f"http://127.0.0.1:{port}/v1"), 3) is None


def test_non_http_base_url_gives_none():
    assert llm_summary(TRANSCRIPT, config("file:///etc"), 3) is None


def test_parse_reply_strips_markdown_lists_and_thinking():
    reply = (
        "<think>The user wants three sentences.</think>\n"
        "Here is a summary:\n"
        "1. **The mentee** is starting a new role.\n"
        "2. The mentor suggests asking for feedback early.\n"
        "- Keep notes of every `decision`.\n"
        "- Ok.\n"
        "3. An extra sentence beyond the count."
    )
    assert parse_reply(reply, 3) == (
        "The mentee is starting a new role.",
        "The mentor suggests asking for feedback early.",
        "Keep notes of every decision.",
    )
