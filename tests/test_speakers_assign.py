"""Words to speakers (issue 15, part 2): each word to who spoke at its time; segments cut at a change;
one-track recordings get speakers in a build, the turns cached."""

from __future__ import annotations

from kbgen.config import load_project
from kbgen.models import Segment, Transcript, Word
from kbgen.pipeline import build
from kbgen.speakers.assign import assign_speakers, speaker_at
from kbgen.speakers.diarize import Turn
from kbgen.transcribe.engine import EngineKey
from tests.conftest import make_files, sidecar, write_wav


def _words(*spec: tuple[str, float, float]) -> tuple[Word, ...]:
    return tuple(Word(text, start, end) for text, start, end in spec)


def test_a_segment_is_cut_where_the_speaker_changes():
    words = _words((" Good", 0.0, 0.3), (" morning,", 0.3, 0.6), (" Steve.", 0.6, 0.9), (" Good", 1.0, 1.2),
                   (" morning,", 1.2, 1.5), (" Katie.", 1.5, 1.9))
    t = Transcript((Segment(0.0, 1.9, "Good morning, Steve. Good morning, Katie.", None, words),), "en", 2.0)
    out = assign_speakers(t, [(0.0, 0.95, "Speaker 1"), (0.95, 2.0, "Speaker 2")])
    assert [(s.speaker, s.text, s.start, s.end) for s in out.segments] == [
        ("Speaker 1", "Good morning, Steve.", 0.0, 0.9), ("Speaker 2", "Good morning, Katie.", 1.0, 1.9)]
    assert [w.text for w in out.segments[1].words] == [" Good", " morning,", " Katie."]


def test_one_word_across_a_boundary_stays_with_its_sentence():
    words = _words((" I", 0.0, 0.2), (" think", 0.2, 0.5), (" so", 0.5, 0.8), (" too.", 0.8, 1.0))
    t = Transcript((Segment(0.0, 1.0, "I think so too.", None, words),), "en", 1.0)
    # The diarizer's boundary jitters: " think" falls in another turn for a moment.
    out = assign_speakers(t, [(0.0, 0.25, "A"), (0.25, 0.45, "B"), (0.45, 1.0, "A")])
    assert [(s.speaker, s.text) for s in out.segments] == [("A", "I think so too.")]


def test_segments_without_words_and_no_turns():
    t = Transcript((Segment(0.0, 2.0, "Hello there."), Segment(5.0, 6.0, "Bye.")), "en", 6.0)
    out = assign_speakers(t, [(0.0, 1.5, "A"), (1.5, 2.5, "B"), (3.0, 4.0, "C")])
    assert [s.speaker for s in out.segments] == ["A", "C"]  # most overlap; else the nearest turn
    assert assign_speakers(t, []) is t
    assert speaker_at(0.0, 1.0, [], []) is None


# -- in a build: one-track recordings get speakers, cached -------------------------------------

SAID = [(" You", 0.0, 0.3), (" should", 0.3, 0.6), (" ask", 0.6, 0.9), (" for", 0.9, 1.1), (" the", 1.1, 1.3),
        (" range.", 1.3, 1.8), (" What", 2.0, 2.3), (" if", 2.3, 2.5), (" they", 2.5, 2.7), (" insist?", 2.7, 3.0)]


class WordsEngine:
    """A test engine that returns one sentence-less segment with word times (as Whisper's words)."""

    name, model_id = "fake-words", "fake-1"

    def transcribe(self, audio, language=None, hotwords=None) -> Transcript:
        words = _words(*SAID)
        return Transcript((Segment(0.0, 3.0, "".join(w.text for w in words).strip(), None, words),), "en", 3.0,
                          self.name, self.model_id)


class FakeDiarizer:
    calls = 0

    def diarize(self, audio, speakers=None):
        FakeDiarizer.calls += 1
        self.asked = speakers
        return [Turn(0.0, 1.9, "Speaker 1"), Turn(1.9, 3.0, "Speaker 2")]

    def voices(self, audio, spans):
        return {}


def test_a_one_track_recording_gets_speakers_named_by_the_sidecar(tmp_path):
    root = tmp_path / "kb"
    make_files(root, {"mkdocs.yml": "site_name: T\ndocs_dir: site_src\ntheme:\n  name: material\n",
                      "site_src/index.md": "# Home\n",
                      "mentors.yaml": "mentors:\n  - {id: ana, name: Ana Lopez}\n",
                      "recordings/call.yml": sidecar("Call", extra="speakers: {Speaker 1: Ana Lopez, "
                                                                   "Speaker 2: Jordan}\n")})
    write_wav(root / "recordings" / "call.wav", 3.0)
    FakeDiarizer.calls = 0
    lines: list[str] = []
    build(load_project(root), echo=lines.append, engine_factory=WordsEngine, key=EngineKey("fake-words", "1", {}),
          diarizer_factory=FakeDiarizer)
    page = (root / "site_src" / "sessions" / "call.md").read_text()
    assert '<strong class="kb-speaker">Ana Lopez:</strong> You should ask for the range.' in page
    assert '<strong class="kb-speaker">Mentee:</strong> What if they insist?' in page  # anonymous mentee
    assert "  call: 2 speaker(s) told apart" in lines and FakeDiarizer.calls == 1
    # The turns are cached with the recording's content: another build asks no diarizer.
    (root / "recordings" / "call.yml").write_text((root / "recordings" / "call.yml").read_text() + "level: beginner\n")
    build(load_project(root), engine_factory=WordsEngine, key=EngineKey("fake-words", "1", {}),
          diarizer_factory=FakeDiarizer)
    assert FakeDiarizer.calls == 1


def test_without_the_extra_the_build_says_so_once(tmp_path, monkeypatch):
    from kbgen.models import Session
    from kbgen.speakers import diarize, run

    monkeypatch.setattr(diarize, "available", lambda: "speaker diarization needs resemblyzer (not installed): "
                                                      "pip install 'kbgen[speakers]'")
    s = Session(id="a", title="t", date=__import__("datetime").date(2026, 1, 1), mentors=("ana",), topics=(),
                visibility="public", consent=True, media=tmp_path / "a.wav")
    t = Transcript((Segment(0.0, 1.0, "Hi."),), "en", 1.0)
    lines: list[str] = []
    out = run.add_speakers([s, s], {"a": t}, tmp_path, tmp_path, lambda p: "x", lines.append)
    assert out == {"a": t} and lines == ["note: 2 one-track recording(s) published without speakers (who said "
                                         "what): speaker diarization needs resemblyzer (not installed): pip install "
                                         "'kbgen[speakers]'"]


def test_a_diarizer_edge_a_second_late_does_not_split_a_sentence():
    """The demo's "..., and she stopped sharing ideas." came out with its last three words as the mentee's."""
    spec = [(" For", 0.0, 0.3), (" example,", 0.3, 0.8), (" you", 0.9, 1.1), (" interrupted", 1.1, 1.7),
            (" the", 1.7, 1.8), (" designer", 1.8, 2.3), (" twice,", 2.3, 2.8), (" and", 2.9, 3.0),
            (" she", 3.0, 3.2), (" stopped", 3.2, 3.6), (" sharing", 3.6, 4.0), (" ideas.", 4.0, 4.4)]
    words = _words(*spec)
    t = Transcript((Segment(0.0, 4.4, "".join(w.text for w in words).strip(), None, words),), "en", 5.0)
    out = assign_speakers(t, [(0.0, 3.1, "Mentor"), (3.1, 6.0, "Mentee")])
    assert [(s.speaker, s.text) for s in out.segments] == [
        ("Mentor", "For example, you interrupted the designer twice, and she stopped sharing ideas.")]
