"""Discovery and sidecar validation: every problem reported at once, named by file and line."""

from __future__ import annotations

import datetime as dt

import pytest

from kbgen.errors import IngestError
from kbgen.ingest import discover_sessions
from tests.conftest import make_files, sidecar, write_wav


def test_valid_sidecars_become_sessions(project_dir):
    sessions = discover_sessions(project_dir / "recordings", project_dir, ["ana", "ben"])
    assert [s.id for s in sessions] == ["pub", "secret", "team"]
    pub = sessions[0]
    assert pub.title == "Negotiating an offer"
    assert pub.date == dt.date(2026, 1, 15)
    assert pub.mentors == ("ana",)
    assert pub.visibility == "public" and pub.consent is True
    assert pub.media == (project_dir / "recordings" / "pub.wav").resolve()


def test_every_problem_is_reported_with_file_and_line(tmp_path):
    root = tmp_path
    make_files(root, {
        "recordings/a.yml": "title: A\ndate: 2026-13-01\nmentors: [ghost]\nvisibility: secret\nconsent: yes please\n"
                            "colour: blue\n",
        "recordings/b.yml": "title: [unclosed\n",
        "recordings/c.yml": "date: 2026-01-01\nmentors: [ana]\nvisibility: public\nconsent: true\n",
    })
    for n in "abc":
        write_wav(root / "recordings" / f"{n}.wav", 0.2)
    write_wav(root / "recordings" / "orphan.wav", 0.2)
    with pytest.raises(IngestError) as info:
        discover_sessions(root / "recordings", root, ["ana"])
    msg = info.value.format_message()
    assert "recordings/a.yml: line 2, field 'date': '2026-13-01' is not a real date; check the month and the day" in msg
    assert ("recordings/a.yml: line 3, field 'mentors.0': unknown mentor 'ghost'; add it to the roster "
            "or use one of its ids") in msg
    assert "recordings/a.yml: line 4, field 'visibility': 'secret' is not one of public, internal, private" in msg
    assert "recordings/a.yml: line 5, field 'consent': expected true or false" in msg
    assert "recordings/a.yml: line 6, field 'colour': unknown field" in msg
    assert "recordings/b.yml: line 2: not valid YAML" in msg
    assert "recordings/c.yml: field 'title': missing" in msg
    assert "recordings/orphan.wav: no sidecar; add recordings/orphan.yml" in msg
    assert len(info.value.problems) == 8


def test_sidecar_without_recording_and_symlink_refused(tmp_path):
    make_files(tmp_path, {"recordings/lonely.yml": sidecar("Lonely")})
    write_wav(tmp_path / "elsewhere.wav", 0.2)
    (tmp_path / "recordings" / "link.wav").symlink_to(tmp_path / "elsewhere.wav")
    with pytest.raises(IngestError) as info:
        discover_sessions(tmp_path / "recordings", tmp_path, ["ana"])
    msg = info.value.format_message()
    assert "recordings/lonely.yml: no recording or transcript beside it" in msg
    assert "recordings/link.wav: is a symbolic link; copy the file in instead" in msg


def test_slugs_are_safe_and_unique(tmp_path):
    make_files(tmp_path, {
        "recordings/Café Talk!.yml": sidecar("One"),
        "recordings/cafe-talk.yml": sidecar("Two"),
    })
    write_wav(tmp_path / "recordings" / "Café Talk!.wav", 0.2)
    write_wav(tmp_path / "recordings" / "cafe-talk.wav", 0.2)
    with pytest.raises(IngestError) as info:
        discover_sessions(tmp_path / "recordings", tmp_path, ["ana"])
    assert "same page name 'cafe-talk'" in info.value.format_message()


def test_transcripts_beside_or_instead_of_recordings(tmp_path):
    make_files(tmp_path, {
        "recordings/both.yml": sidecar("Both", extra="speakers: {Speaker 1: Ana Lopez, Speaker 2: Jordan}\n"),
        "recordings/both.vtt": "WEBVTT\n",
        "recordings/text-only.yml": sidecar("Text only"),
        "recordings/text-only.srt": "1\n00:00:00,000 --> 00:00:01,000\nHi\n",
        "recordings/stereo.yml": sidecar("Stereo", extra="channels: [Ana Lopez, Jordan]\n"),
    })
    write_wav(tmp_path / "recordings" / "both.wav", 0.2)
    write_wav(tmp_path / "recordings" / "stereo.wav", 0.2)
    sessions = {s.id: s for s in discover_sessions(tmp_path / "recordings", tmp_path, ["ana"])}
    assert sessions["both"].media.name == "both.wav" and sessions["both"].transcript.name == "both.vtt"
    assert sessions["both"].speaker_map == {"Speaker 1": "Ana Lopez", "Speaker 2": "Jordan"}
    assert sessions["text-only"].media is None and sessions["text-only"].transcript.name == "text-only.srt"
    assert sessions["stereo"].channels == ("Ana Lopez", "Jordan")


def test_speakers_and_channels_are_validated(tmp_path):
    make_files(tmp_path, {
        "recordings/a.yml": sidecar("A", extra="speakers: [Ana]\nchannels: {left: Ana}\n"),
        "recordings/b.yml": sidecar("B", extra="channels: [Ana, Jordan]\n"),
        "recordings/b.vtt": "WEBVTT\n",
    })
    write_wav(tmp_path / "recordings" / "a.wav", 0.2)
    with pytest.raises(IngestError) as info:
        discover_sessions(tmp_path / "recordings", tmp_path, ["ana"])
    msg = info.value.format_message()
    assert "recordings/a.yml: line 9, field 'speakers': expected a mapping of labels to names" in msg
    assert "recordings/a.yml: line 10, field 'channels': expected a list of names, one per audio channel" in msg
    assert "recordings/b.yml: line 9, field 'channels': names audio channels, but there is no recording" in msg


def test_a_repeated_key_is_an_error_not_last_wins(tmp_path):
    make_files(tmp_path, {"recordings/a.yml": sidecar("A", visibility="private") + "visibility: public\n"})
    write_wav(tmp_path / "recordings" / "a.wav", 0.2)
    with pytest.raises(IngestError) as info:
        discover_sessions(tmp_path / "recordings", tmp_path, ["ana"])
    assert ("recordings/a.yml: line 9: not valid YAML: duplicate key 'visibility' (first on line 6)"
            in info.value.format_message())


def test_mentee_name_only_with_an_anonymous_mentee(tmp_path):
    make_files(tmp_path, {
        "recordings/a.yml": sidecar("A", extra="mentee_name: Riley Chen\n"),
        "recordings/b.yml": sidecar("B", extra="mentee_name: Riley\n").replace("mentee: anonymous", "mentee: Sam"),
    })
    for n in "ab":
        write_wav(tmp_path / "recordings" / f"{n}.wav", 0.2)
    with pytest.raises(IngestError) as info:
        discover_sessions(tmp_path / "recordings", tmp_path, ["ana"])
    assert len(info.value.problems) == 1
    assert "recordings/b.yml: line 9, field 'mentee_name': only for `mentee: anonymous`" in info.value.format_message()


@pytest.mark.parametrize("name", ["index", "search", "feed", "page-2", "year-2026", "year-2026-page-3"])
def test_names_of_kbgen_pages_are_reserved(tmp_path, name):
    make_files(tmp_path, {f"recordings/{name}.yml": sidecar("Clash")})
    write_wav(tmp_path / "recordings" / f"{name}.wav", 0.2)
    with pytest.raises(IngestError, match=f"the page name '{name}' is taken by"):
        discover_sessions(tmp_path / "recordings", tmp_path, ["ana"])
