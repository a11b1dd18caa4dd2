"""An optional LLM summary through an OpenAI-compatible chat completions endpoint.

Standard library only (``urllib.request``): one POST to ``{base_url}/chat/completions``. Any
failure (refused connection, timeout, HTTP error, a reply that is not the expected JSON, an
empty or unusable answer) gives ``None``, and the caller keeps the extractive summary.
"""

from __future__ import annotations

import json
import logging
import os
import re
import urllib.error
import urllib.request

from ..config import LLMConfig
from ..models import Segment, Transcript
from .summary import split_sentences

log = logging.getLogger(__name__)

#: Most characters of transcript sent; a longer one keeps its start and end, the middle elided.
MAX_TRANSCRIPT_CHARS = 24_000
#: Longest summary sentence kept, in characters (a model that rambles is cut off).
MAX_SENTENCE_CHARS = 400

SYSTEM_PROMPT = (
    "You summarize recorded mentoring sessions for a knowledge base. Write plain text only: no "
    "Markdown, no lists, no headings, no quotes. Never name the mentee or any private person; say "
    "'the mentee' and 'the mentor'. Say what the session teaches: the mentee's situation and the "
    "mentor's main advice. Do not invent anything that is not in the transcript."
)


def llm_summary(
    transcript: Transcript, config: LLMConfig, count: int, *, mentee: str | None = None
) -> tuple[str, ...] | None:
    """``count`` summary sentences from the endpoint of ``config``, or None on any failure.

    Returns None at once when ``config.enabled`` is false or no ``base_url``/``model`` is set.
    The API key, if any, comes from the environment variable named by ``config.api_key_env``.
    ``mentee`` (a name) is replaced by "the mentee" should the model use it anyway.
    """
    if not config.enabled or not config.base_url or not config.model or count <= 0:
        return None
    text = _transcript_text(transcript)
    if not text:
        return None
    url = config.base_url.rstrip("/") + "/chat/completions"
    if not url.startswith(("http://", "https://")):
        log.warning("enrich.llm.base_url %r is not an http(s) URL; using the extractive summary", config.base_url)
        return None
    body = {
        "model": config.model,
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {
                "role": "user",
                "content": f"Summarize this mentoring session in exactly {count} sentences of plain text.\n\n"
                f"Transcript:\n{text}",
            },
        ],
        "temperature": 0,
        "stream": False,
    }
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    key = os.environ.get(config.api_key_env, "").strip() if config.api_key_env else ""
    if key:
        headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=config.timeout) as response:  # http(s) only, checked above
            raw = response.read()
        reply = json.loads(raw.decode("utf-8"))
        content = reply["choices"][0]["message"]["content"]
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        # OSError covers URLError, HTTPError, refused connections and timeouts; ValueError bad JSON.
        log.warning("LLM summary from %s failed (%s); using the extractive summary", url, _reason(exc))
        return None
    if not isinstance(content, str):
        return None
    sentences = parse_reply(content, count)
    if mentee and mentee.strip() and mentee.strip().lower() not in ("anonymous", "the mentee"):
        name = re.compile(rf"\b{re.escape(mentee.strip())}\b", re.IGNORECASE)
        sentences = tuple(_capital(name.sub("the mentee", s)) for s in sentences)
    return sentences or None


def parse_reply(content: str, count: int) -> tuple[str, ...]:
    """The first ``count`` sentences of a model's reply, Markdown and list marks removed."""
    text = re.sub(r"<think>.*?</think>", " ", content, flags=re.DOTALL | re.IGNORECASE)
    lines = []
    for line in text.splitlines():
        line = line.strip()
        if not line or re.match(r"^(#+\s|summary:?$|here(?:'s| is) (?:a|the) summary)", line, re.IGNORECASE):
            continue
        line = re.sub(r"^(?:[-*\u2022]\s+|\d+[.)]\s+)", "", line)
        lines.append(line)
    text = " ".join(lines)
    text = re.sub(r"[*_`]{1,3}([^*_`]+)[*_`]{1,3}", r"\1", text)  # **bold**, _em_, `code`
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    out = []
    for sentence in split_sentences([Segment(0.0, 0.0, text)]):
        s = sentence.text.strip().strip('"').strip()
        if len(s.split()) < 3 or len(s) > MAX_SENTENCE_CHARS:
            continue
        out.append(_capital(s))
        if len(out) == count:
            break
    return tuple(out)


def _transcript_text(transcript: Transcript) -> str:
    lines = []
    for seg in transcript.segments:
        said = " ".join(seg.text.split())
        if said:
            lines.append(f"{seg.speaker}: {said}" if seg.speaker else said)
    text = "\n".join(lines)
    if len(text) > MAX_TRANSCRIPT_CHARS:
        head = MAX_TRANSCRIPT_CHARS * 2 // 3
        tail = MAX_TRANSCRIPT_CHARS - head
        text = text[:head] + "\n[...]\n" + text[-tail:]
    return text


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code}"
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    return f"{type(exc).__name__}: {exc}"
