"""Integration: the demo knowledge base built for real (Whisper tiny.en, MkDocs + Material).

Runs the real model on the real demo recordings (a few seconds each on two cores), checks the
word error rate against each recording's script, the strict MkDocs build, and the audience
rule with the marker phrases planted in the internal and private scripts.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import jiwer
import pytest
from click.testing import CliRunner

from kbgen.cli import cli
from kbgen.config import load_project
from kbgen.pipeline import build, load_inputs, transcribe
from kbgen.transcribe.engines import make_engine

pytestmark = pytest.mark.model

INTERNAL_MARKER = "amber lighthouse checklist"
PRIVATE_MARKER = "purple giraffe protocol"
MAX_WER = 0.15
#: espeak-ng's Spanish through Whisper base: 20% measured (German, 4.8%, is held to MAX_WER).
MAX_WER_OTHER = {"es": 0.30}


def script_text(path: Path) -> str:
    lines = [ln.split(":", 1)[1] for ln in path.read_text().splitlines()
             if ln.strip() and not ln.startswith("#") and ":" in ln]
    return " ".join(lines)


def normalise(text: str) -> str:
    text = text.lower().replace("-", " ")
    text = re.sub(r"[^\w' ]+", " ", text)
    return " ".join(text.split())


def _keys(project):
    """The transcript cache's keys by language, as the configured engine has them."""
    return make_engine(project.config.transcribe, project.root, project.cache_dir)[1]


def _site_text(site: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace").lower() for p in sorted(site.rglob("*"))
                     if p.is_file())


def test_word_error_rate_of_every_demo_recording(demo):
    root, _, _ = demo
    # `kbgen transcribe` does every recording, the private one (never built) included.
    result = CliRunner().invoke(cli, ["transcribe", "--project", str(root)])
    assert result.exit_code == 0, result.output
    assert "12 transcript(s) ready" in result.output  # 8 recordings + 4 imported Zoom transcripts
    project = load_project(root)
    mentors, sessions = load_inputs(project)

    def no_model():
        raise AssertionError("kbgen transcribe left something uncached")

    transcripts = transcribe(project, sessions, engine_factory=no_model, key=_keys(project), mentors=mentors)
    recorded = [s for s in sessions if s.media is not None]
    assert len(recorded) == 8 and len(transcripts) == 12
    for s in recorded:
        reference = normalise(script_text(root / "demo" / "scripts" / f"{s.id}.txt"))
        hypothesis = normalise(transcripts[s.id].text)
        wer = jiwer.wer(reference, hypothesis)
        print(f"WER {s.id}: {wer:.3f}")  # noqa: T201 (shown with -s; the closing note quotes it)
        t = transcripts[s.id]
        assert wer <= MAX_WER_OTHER.get(t.language, MAX_WER), (s.id, wer, hypothesis)
        if s.language:  # the sidecar's language, given to the model
            assert t.language == s.language and t.language_probability is None, s.id
        else:  # the German session: detected by the multilingual model, and transcribed by it
            assert (s.id, t.language, t.model) == ("vorstellungsgespraech-vorbereiten", "de", "base")
            assert t.language_probability > 0.8
        segs = transcripts[s.id].segments
        assert all(a.start <= b.start for a, b in zip(segs, segs[1:], strict=False)), "timestamps go backwards"
        assert all(seg.end >= seg.start for seg in segs)


def test_public_build_leaves_out_internal_and_private(demo):
    root, _, public_out = demo
    project = load_project(root)
    _, sessions = load_inputs(project)
    hidden = [s for s in sessions if s.visibility != "public" or not s.consent]
    assert {s.visibility for s in hidden} >= {"internal", "private"}
    text = _site_text(root / "site")
    for s in hidden:
        assert s.title.lower() not in text, s.id
        assert f"sessions/{s.id}" not in text, s.id
        assert f"left out {s.id}:" in public_out
    assert "lighthouse" not in text and "giraffe" not in text
    media = sorted(p.stem for p in (root / "site" / "media").iterdir() if p.is_file())
    assert media == sorted(s.id for s in sessions if s.visibility == "public" and s.consent and s.media)
    shared = sorted(p.name for p in (root / "site" / "media" / "resources").iterdir())  # documents, by session
    assert shared == sorted(s.id for s in sessions if s.visibility == "public" and s.consent
                            and any(r.file for r in s.resources))


def test_internal_build_shows_internal_never_private(demo):
    root, _, _ = demo
    text = _site_text(root / "site-internal")
    # The internal marker is found where it is allowed, so the public check above can see a leak.
    assert "lighthouse" in text
    assert "giraffe" not in text
    _, sessions = load_inputs(load_project(root))
    for s in sessions:
        if s.visibility == "private":
            assert s.title.lower() not in text
            assert not (root / "site-internal" / "sessions" / s.id).exists()


def test_demo_pages_and_strict_build(demo):
    root, _, _ = demo
    site = root / "site"
    sessions = sorted(p.name for p in (site / "sessions").iterdir() if p.is_dir())
    assert len(sessions) >= 3
    page = (site / "sessions" / sessions[0] / "index.html").read_text()
    for needle in ("kb-player", "kb-transcript", "kb-summary", "Key phrases", "../../mentors/"):
        assert needle in page
    # The two-track recording: each channel's speaker named in the transcript.
    two_track = (site / "sessions" / "negotiating-first-job-offer" / "index.html").read_text()
    assert 'kb-speaker">Ana García:' in two_track and 'kb-speaker">Jordan:' in two_track
    mentor_pages = sorted((site / "mentors").glob("*/index.html"))
    assert len(mentor_pages) >= 12
    with_hints = [p for p in mentor_pages if "Similar mentors" in p.read_text() and ": shares " in p.read_text()]
    assert len(with_hints) >= 10  # most mentors share expertise with someone
    assert (site / "sitemap.xml").is_file() and (site / "search" / "search_index.json").is_file()


def test_demo_shows_redacted_text_and_knowledge(demo):
    root, _, _ = demo
    site = root / "site"
    page = (site / "sessions" / "networking-for-introverts" / "index.html").read_text()
    for shown in ("[email]", "[phone]", "[link]", "[name]", 'kb-speaker">Mentee:', "Personal data was redacted",
                  "kb-takeaways", "kb-chapters", "kb-evidence", "Related sessions", "an imported WebVTT file"):
        assert shown in page, shown
    everything = _site_text(site)
    for planted in ("riley", "marcus", "acme logistics", "riley.chen@gmail.com", "555 0198", "pwd="):
        assert planted not in everything, planted
    # Recorded sessions: chapters seek the player through a WebVTT chapters track.
    recorded = (site / "sessions" / "starting-in-data-science" / "index.html").read_text()
    assert '<track kind="chapters" src="../../sessions/starting-in-data-science.chapters.vtt"' in recorded
    assert (site / "sessions" / "starting-in-data-science.chapters.vtt").read_text().startswith("WEBVTT")


def test_mentor_pages_show_status_offers_and_hints(demo):
    root, _, _ = demo
    mentors = root / "site" / "mentors"
    ana = html.unescape((mentors / "ana-garcia" / "index.html").read_text())
    for shown in ("Taking mentees", "Talks about", "Short calls", "An outside view", "Reverse mentoring",
                  "(local time)"):
        assert shown in ana, shown
    assert "Not active" in (mentors / "hannah-schmidt" / "index.html").read_text()  # available_until past
    rafael = (mentors / "rafael-torres" / "index.html").read_text()
    assert '<span class="kb-status kb-status-full">Full</span>' in rafael  # capacity 0
    topic = (root / "site" / "topics" / "negotiation" / "index.html").read_text()
    assert "Short calls on this topic" in topic and "Ana García" in topic


def test_demo_mentor_feedback_is_aggregated(demo):
    """David Okafor's three public sessions carry feedback: his page shows the aggregate and the
    one consented quote; no session page shows any of it; a mentor with none shows nothing."""
    root, _, _ = demo
    site = root / "site"
    david = html.unescape((site / "mentors" / "david-okafor" / "index.html").read_text())
    assert "4.7 of 5 over 3 rated sessions" in david and "goals reached in 2 of 3" in david
    assert "went better than I feared" in david
    assert "found it helpful" not in david  # all three said yes: shown, it would tell each one's answer
    assert "Feedback from mentees" not in (site / "mentors" / "ana-garcia" / "index.html").read_text()
    for page in (site / "sessions").rglob("*"):
        if page.is_file():
            assert "went better than I feared" not in page.read_text(errors="replace"), page


def test_demo_ask_links_follow_the_roster(demo):
    """Ana García's sessions offer "Ask about this" (her mailto: contact); Chloé Martin opted out."""
    sessions = demo[0] / "site" / "sessions"
    ana = html.unescape((sessions / "negotiating-a-raise" / "index.html").read_text())
    assert 'class="kb-ask-session" href="mailto:ana.garcia@example.org?subject=' in ana
    assert "data-ask=" not in (sessions / "networking-for-introverts" / "index.html").read_text()


def test_demo_webinar_is_shown_as_one(demo):
    site = demo[0] / "site"
    page = html.unescape((site / "sessions" / "preventing-burnout-webinar" / "index.html").read_text())
    assert "Format: Webinar" in " ".join(lxml_text(site / "sessions" / "preventing-burnout-webinar" / "index.html")
                                         .split())
    assert "Mentee 2:" in page and "Attendee" not in page  # the audience stays anonymous, numbered
    assert "(Webinar)" in lxml_text(site / "sessions" / "index.html")
    doc = (demo[0] / ".kbgen" / "search-docs" / "sessions" / "preventing-burnout-webinar" / "index.html").read_text()
    assert 'data-pagefind-filter="format:Webinar"' in doc


def test_second_build_loads_no_model(demo):
    root, _, _ = demo
    project = load_project(root)

    def no_model():
        raise AssertionError("a model was loaded although everything is cached")

    report = build(project, engine_factory=no_model, key=_keys(project))
    assert len(report.published) >= 3


def test_demo_mentor_known_by_voice_from_her_own_track(demo):
    """negotiating-a-raise is one track with no names in its sidecar: Ana García's voice is known
    from negotiating-first-job-offer (one track per person), and Jordan is the one voice left."""
    from kbgen.speakers.diarize import available

    if available():
        pytest.skip(available())
    root, internal, _ = demo
    assert "negotiating-a-raise: Ana García known by voice" in internal
    page = html.unescape((root / "site-internal" / "sessions" / "negotiating-a-raise" / "index.html").read_text())
    turns = re.findall(r'kb-speaker">([^<]*):</strong> ([^<]*)', page)
    script = [line.split(": ", 1) for line in (root / "demo" / "scripts" / "negotiating-a-raise.txt")
              .read_text().splitlines() if line.startswith(("MENTOR: ", "MENTEE: "))]
    assert len(turns) >= 8 and _right_turns(turns, script, {"MENTOR": "Ana García", "MENTEE": "Jordan"}) == len(turns)
    assert "The mentor was told" not in page  # known, not inferred
    # The voices stay in the cache: no file of the site is a voiceprint.
    assert not [p for p in (root / "site-internal").rglob("*") if "voiceprint" in p.name or "speakers" in p.parts]


def _right_turns(turns: list[tuple[str, str]], script: list[list[str]], who: dict[str, str]) -> int:
    """How many (speaker, text) turns carry the speaker of the script line their words best match."""
    def owner(text: str) -> str:
        words = set(normalise(text).split())
        return who[max(script, key=lambda line: len(words & set(normalise(line[1]).split())))[0]]

    return sum(owner(text) == name for name, text in turns)


def test_no_thread_is_left_behind_by_transcription(demo):
    """A real build leaves no thread (tqdm's monitor was one): the render stage forks only without."""
    import threading

    assert [t.name for t in threading.enumerate() if t.name.startswith("tqdm")] == []


def test_demo_group_session_keeps_three_mentees_apart(demo):
    """The demo's group call: three anonymous mentees stay three people, their names nowhere."""
    root, _, _ = demo
    site = root / "site"
    page = html.unescape((site / "sessions" / "feedback-clinic-for-new-leads" / "index.html").read_text())
    for n in (1, 2, 3):
        assert f'kb-speaker">Mentee {n}:' in page
    assert 'kb-speaker">David Okafor:' in page and "3 mentees (anonymous)" in page
    assert "Talk time:" in page and "Thanks, David." in page and "Good one, Mentee 1." in page
    everything = _site_text(site)
    for planted in ("Okoye", "Lena", "Vogel", "Marco", "Bianchi"):
        assert not re.search(rf"\b{planted}\b", everything, re.IGNORECASE), planted


def test_demo_one_track_session_shows_who_said_what(demo):
    """A one-track recording of two voices: told apart (kbgen[speakers]), the mentor named by role."""
    from kbgen.speakers.diarize import available

    if available():
        pytest.skip(available())
    root, _, _ = demo
    # site-internal: the fixture's first build, as made (later tests build this project again)
    page = html.unescape((root / "site-internal" / "sessions" / "feedback-as-new-manager" / "index.html")
                         .read_text())
    turns = re.findall(r'kb-speaker">([^<]*):</strong> ([^<]*)', page)
    script = [line.split(": ", 1) for line in (root / "demo" / "scripts" / "feedback-as-new-manager.txt")
              .read_text().splitlines() if line.startswith(("MENTOR: ", "MENTEE: "))]
    # Each turn's first sentence is said by the right person (the script says who).
    right = _right_turns(turns, script, {"MENTOR": "David Okafor", "MENTEE": "Mentee"})
    assert len(turns) >= 10 and right >= 0.9 * len(turns), turns
    assert "The mentor was told from the other speakers by who advises and who asks" in page
    assert re.search(r"Talk time: David Okafor \d+%", re.sub(r"<[^>]+>", "", page))


def test_demo_spanish_session_is_published_in_spanish(demo):
    """Spoken in Spanish, said so in its sidecar: its page, its knowledge and its search are Spanish."""
    import lxml.html

    root, _, _ = demo
    site = root / "site"
    page = lxml.html.parse(str(site / "sessions" / "negociar-tu-primer-aumento" / "index.html")).getroot()
    article = page.xpath("//article")[0]
    title = article.xpath(".//h1//*[@lang]")
    assert title and title[0].get("lang") == "es"
    for part in ("kb-summary", "kb-takeaways", "kb-transcript"):  # every part of it carries its language
        found = article.xpath(f".//*[contains(@class, '{part}')]")
        assert found and all(e.xpath("ancestor-or-self::*[@lang][1]/@lang") == ["es"] for e in found), part
    text = " ".join(article.text_content().split())
    assert "Language: Spanish" in text and "(detected)" not in text
    phrases = text.split("Key phrases:")[1].split("Related sessions")[0]
    assert "salario" in phrases and not {" que ", " pues ", " también "} & set(phrases.split(" · "))
    takeaways = page.xpath("//*[contains(@class, 'kb-takeaways')]")[0].text_content()
    assert "negociar tu salario es una parte normal de tu trabajo" in takeaways  # advice, in Spanish
    covers = text.split("What it covers")[1].split("Related sessions")[0]  # topics, with what was said
    assert covers.startswith(" negotiation: “") and ("“negociación”" in covers or "“salario”" in covers)
    # Pagefind: an index for Spanish (stemmed as Spanish), holding this session alone.
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text())
    counts = {lang: v["page_count"] for lang, v in entry["languages"].items()}
    assert counts == {"en": 8, "es": 1, "de": 1}  # session pages only, each in its own language
    # Rafael Torres's Spanish is backed by a session: the directory's data says so.
    data = json.loads((site / "mentors" / "directory.json").read_text())
    rafael = next(m for m in data["m"] if m["i"] == "rafael-torres")
    assert [data["langs"][i][0] for i, n in rafael["g"]] == ["es"]


def test_demo_session_without_a_language_is_detected_and_says_so(demo):
    root, internal_out, _ = demo
    undetermined = [p.stem for p in sorted((root / "recordings").glob("*.yml"))
                    if "language:" not in p.read_text(encoding="utf-8")]
    assert len(undetermined) == 1
    sid = undetermined[0]
    text = " ".join(lxml_text(root / "site" / "sessions" / sid / "index.html").split())
    assert "Language:" in text and "(detected)" in text and "confidence" not in text  # sure: above 80%
    said = next(line for line in internal_out.splitlines() if line.strip().startswith(f"{sid}: transcribed"))
    assert "; language detected: " in said  # the first build, which transcribed it, said so


def lxml_text(path: Path) -> str:
    import lxml.html

    return lxml.html.parse(str(path)).getroot().xpath("//article")[0].text_content()
