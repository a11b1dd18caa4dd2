"""Hostile inputs end in a message naming the file, exit 1 and the previous site kept.

File names that are not UTF-8 (a recording, a sidecar, a folder inside recordings/), and
Whisper JSON built to break a parser: nested 100,000 deep, numbers too long to convert,
NaN and Infinity, a top level that is no transcript, times that are not numbers, 0 bytes.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kbgen.cli import cli
from kbgen.ingest.importers import TranscriptError, import_transcript
from tests.conftest import MKDOCS, ROSTER, isolate, make_files, sidecar

VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nHello there, this is about negotiation.\n"
JSON_TAIL = "export the transcript again with Whisper's JSON output."
NOT_UTF8 = "name is not valid UTF-8 text; rename it using UTF-8 characters"


@pytest.fixture(scope="module")
def built_once(tmp_path_factory) -> Path:
    """A valid project (a transcript, no recording: no Whisper needed), built once."""
    root = tmp_path_factory.mktemp("base") / "kb"
    make_files(root, {
        "mkdocs.yml": MKDOCS,
        "mentors.yaml": ROSTER,
        "site_src/index.md": "# Home\n",
        "recordings/pub.yml": sidecar("Negotiating an offer"),
        "recordings/pub.vtt": VTT,
    })
    with pytest.MonkeyPatch.context() as mp:  # as conftest's autouse fixture, for this module-wide build
        isolate(mp, tmp_path_factory.mktemp("home"))
        result = CliRunner().invoke(cli, ["build", "-p", str(root)])
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def project(built_once, tmp_path) -> Path:
    """A copy of the built project for one test to spoil."""
    root = tmp_path / "kb"
    shutil.copytree(built_once, root, symlinks=True)
    return root


def site_state(root: Path) -> dict[str, tuple[bytes, int]]:
    site = root / "site"
    return {str(p.relative_to(site)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(site.rglob("*")) if p.is_file()}


def kbgen(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    return result


def fails_with(result, message: str) -> None:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert message in result.output, result.output


def build_fails(root: Path, message: str) -> None:
    """`kbgen build` stops with ``message`` and leaves the last site exactly as it was."""
    before = site_state(root)
    assert before
    fails_with(kbgen("build", "-p", str(root)), message)
    assert site_state(root) == before


def write_raw(folder: Path, name: bytes, content: str) -> None:
    """Write a file whose name holds bytes that are not UTF-8 (skip where the OS refuses)."""
    try:
        with open(os.fsencode(folder) + b"/" + name, "wb") as f:
            f.write(content.encode())
    except OSError as e:  # e.g. macOS APFS: names must be UTF-8 there
        pytest.skip(f"this file system refuses names that are not UTF-8 ({e})")


# --- A: names that are not UTF-8 ---------------------------------------------------------


def test_a_sidecar_and_transcript_named_in_latin_1_are_named_and_refused(project):
    write_raw(project / "recordings", b"caf\xe9.yml", sidecar("Cafe"))
    write_raw(project / "recordings", b"caf\xe9.vtt", VTT)
    message = ("Error: 2 problem(s) in the project:\n"
               f"  - recordings/caf\\xe9.vtt: the file {NOT_UTF8}\n"
               f"  - recordings/caf\\xe9.yml: the file {NOT_UTF8}\n")
    fails_with(kbgen("validate", "-p", str(project)), message)
    build_fails(project, message)


def test_a_recording_named_in_latin_1_is_named_as_it_can_be_shown(project):
    write_raw(project / "recordings", b"caf\xe9.vtt", VTT)
    result = kbgen("validate", "-p", str(project))
    fails_with(result, f"Error: 1 problem(s) in the project:\n  - recordings/caf\\xe9.vtt: the file {NOT_UTF8}\n")
    assert "\\udce9" not in result.output
    build_fails(project, f"recordings/caf\\xe9.vtt: the file {NOT_UTF8}")


def test_a_folder_named_in_latin_1_is_reported_once_with_the_other_problems(project):
    folder = os.fsencode(project / "recordings") + b"/d\xe9"
    try:
        os.mkdir(folder)
    except OSError as e:
        pytest.skip(f"this file system refuses names that are not UTF-8 ({e})")
    write_raw(Path(os.fsdecode(folder)), b"x.yml", sidecar("Inside"))
    write_raw(Path(os.fsdecode(folder)), b"x.vtt", VTT)
    make_files(project, {"recordings/other.vtt": VTT})  # collected with the others, not instead
    message = ("Error: 2 problem(s) in the project:\n"
               f"  - recordings/d\\xe9/: the folder {NOT_UTF8}\n"
               "  - recordings/other.vtt: no sidecar; add recordings/other.yml with title, date, mentors, "
               "visibility and consent\n")
    fails_with(kbgen("validate", "-p", str(project)), message)
    build_fails(project, message)


# --- B: Whisper JSON built to break the parser --------------------------------------------

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("content, message", [
    (DEEP, f"recordings/j.json: nested too deep to be a Whisper transcript: {JSON_TAIL}"),
    ('{"segments": [{"start": 0, "end": 1, "text": "x", "words": ' + DEEP + "}]}",
     f"recordings/j.json: nested too deep to be a Whisper transcript: {JSON_TAIL}"),
    ('{"segments": [{"start": 0, "end": 1' + "0" * 5000 + ', "text": "x"}]}',
     "recordings/j.json: segment 1: 'end' must be a number of seconds, not a number 5001 digits long: "
     + JSON_TAIL),
    ('[{"start": 0, "end": 1, "text": "a"}, {"start": 1' + "0" * 1000 + ', "end": 2, "text": "b"}]',
     "recordings/j.json: segment 2: 'start' must be a number of seconds, not a number 1001 digits long: "
     + JSON_TAIL),
    ('{"segments": [{"start": 0, "end": 1e999, "text": "x"}]}',
     f"recordings/j.json: segment 1: 'end' must be a number of seconds, not 1e999: {JSON_TAIL}"),
    ('{"segments": [{"start": [' + ",".join(["1"] * 100_000) + '], "end": 1, "text": "x"}]}',
     f"recordings/j.json: segment 1: 'start' must be a number of seconds, not a list: {JSON_TAIL}"),
    ('{"segments": [{"start": "' + "9" * 100_000 + '", "end": 1, "text": "x"}]}',
     "recordings/j.json: segment 1: 'start' must be a number of seconds, not "
     f'"{"9" * 40}...": {JSON_TAIL}'),
], ids=["deep", "deep-in-words", "5001-digits", "1001-digits", "1e999", "long-list", "long-string"])
def test_whisper_json_built_to_break_the_parser(project, content, message):
    make_files(project, {"recordings/j.yml": sidecar("Json"), "recordings/j.json": content})
    build_fails(project, f"Error: 1 recording(s) or transcript(s) could not be read:\n  - {message}\n")


@pytest.mark.parametrize("content, message", [
    ('{"segments": [{"start": NaN, "end": 1, "text": "x"}]}',
     f"segment 1: 'start' must be a number of seconds, not NaN: {JSON_TAIL}"),
    ('[{"start": 0, "end": 1, "text": "a"}, {"start": 0, "end": -Infinity, "text": "b"}]',
     f"segment 2: 'end' must be a number of seconds, not -Infinity: {JSON_TAIL}"),
    ('"hello"', "not Whisper JSON (expected an object with a 'segments' list, or a list of segments): " + JSON_TAIL),
    ('["hello"]', f"segment 1: expected an object with 'start', 'end' and 'text': {JSON_TAIL}"),
    ("[]", "has no cue with text: export the transcript again, or remove the file."),
    ('[{"start": "0:01", "end": 2, "text": "x"}]',
     f"segment 1: 'start' must be a number of seconds, not \"0:01\": {JSON_TAIL}"),
    ('[{"start": 0, "end": null, "text": "x"}]',
     f"segment 1: 'end' must be a number of seconds, not null: {JSON_TAIL}"),
    ("", "the file is empty: export the transcript again, or remove the file."),
    ('{"segments": [{"start": 0, "end": 1, "text": NaN}]}', f"segment 1: 'text' must be a string: {JSON_TAIL}"),
], ids=["nan", "-infinity", "string", "list-of-strings", "empty-list", "start-text", "end-null", "0-bytes",
        "nan-text"])
def test_whisper_json_that_is_no_transcript(project, content, message):
    """Already clear before the deep-nesting fix; kept so that it stays so."""
    make_files(project, {"recordings/j.yml": sidecar("Json"), "recordings/j.json": content})
    build_fails(project, f"Error: 1 recording(s) or transcript(s) could not be read:\n  - recordings/j.json: "
                         f"{message}\n")


def test_word_times_too_long_to_convert_drop_the_words_not_the_build(tmp_path):
    path = tmp_path / "w.json"
    path.write_text('[{"start": 0, "end": 1, "text": "hi there", "words": [{"word": "hi", "start": 0, '
                    '"end": 1' + "0" * 400 + '}, {"word": "there", "start": 0.5, "end": 1}]}]')
    transcript = import_transcript(path, tmp_path)
    assert transcript.segments[0].text == "hi there"
    assert transcript.segments[0].words == ()
    deep = tmp_path / "deep.json"
    deep.write_text(DEEP)
    with pytest.raises(TranscriptError) as e:
        import_transcript(deep, tmp_path)
    assert e.value.message == f"deep.json: nested too deep to be a Whisper transcript: {JSON_TAIL}"
