"""The command line: errors without tracebacks, init that builds, validate that reports all."""

from __future__ import annotations

import os
import subprocess
import sys

import click
from click.testing import CliRunner

from kbgen import __version__
from kbgen.cli import cli
from tests.conftest import ROOT, make_files


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_version_and_help():
    assert run("--version").output.strip() == f"kbgen, version {__version__}"
    out = run("--help").output
    for command in ("build", "transcribe", "validate", "serve", "init"):
        assert command in out


def test_init_scaffolds_a_project_that_builds(tmp_path):
    target = tmp_path / "new-kb"
    result = run("init", str(target))
    assert result.exit_code == 0, result.output
    assert (target / "mkdocs.yml").is_file() and (target / "mentors.yaml").is_file()
    result = run("build", "--project", str(target))
    assert result.exit_code == 0, result.output
    assert "0 session(s) published" in result.output
    assert (target / "site" / "mentors" / "first-mentor" / "index.html").is_file()
    home = (target / "site" / "index.html").read_text()  # the way in, from kbgen's block
    assert 'action="sessions/search/"' in home and "Find a mentor" in home and "--8&lt;--" not in home
    # init refuses to overwrite.
    again = run("init", str(target))
    assert again.exit_code == 1
    assert "already has" in again.output


def test_validate_reports_roster_and_sidecar_problems_together(project_dir):
    make_files(project_dir, {
        "recordings/pub.yml": "title: X\ndate: 2026-04-31\nmentors: [ana, bem]\nvisibility: public\nconsent: true\n",
        "mentors.yaml": (project_dir / "mentors.yaml").read_text().replace("timezone: Africa/Lagos",
                                                                          "timezone: Mars/Olympus"),
    })
    result = run("validate", "--project", str(project_dir))
    assert result.exit_code == 1
    # Written as YYYY-MM-DD, but April has 30 days: said so, not "write it as YYYY-MM-DD".
    assert ("recordings/pub.yml: line 2, field 'date': '2026-04-31' is not a real date; check the month and the "
            "day") in result.output
    assert "mentors.yaml" in result.output and "Mars/Olympus" in result.output
    # The broken roster entry (ben) still names its id: the sidecar's typo is found now, with a suggestion.
    assert ("recordings/pub.yml: line 3, field 'mentors.1': unknown mentor 'bem'; did you mean 'ben'? add it to the "
            "roster or use one of its ids") in result.output
    assert "Traceback" not in result.output


def test_validate_ok(project_dir):
    result = run("validate", "--project", str(project_dir))
    assert result.exit_code == 0, result.output
    assert "ok: 2 mentor(s), 3 session(s)" in result.output
    assert "public build: 1 session(s)" in result.output
    assert "internal build: 2 session(s)" in result.output


def test_unknown_config_key_is_an_error_with_line(project_dir):
    make_files(project_dir, {"kbgen.yml": "audience: public\ntranscribe:\n  beam: 3\n"})
    result = run("build", "--project", str(project_dir))
    assert result.exit_code == 1
    assert "kbgen.yml: line 3, field 'transcribe.beam': unknown setting" in result.output


def test_bad_audience_value_in_config(project_dir):
    make_files(project_dir, {"kbgen.yml": "audience: everyone\n"})
    result = run("validate", "--project", str(project_dir))
    assert result.exit_code == 1
    assert "kbgen.yml: line 1, field 'audience'" in result.output


def test_errors_print_no_traceback_from_the_real_command(tmp_path):
    make_files(tmp_path, {"mkdocs.yml": "site_name: x\ndocs_dir: site_src\n", "mentors.yaml": "mentors: nope\n"})
    proc = subprocess.run([sys.executable, "-m", "kbgen", "validate", "-p", str(tmp_path)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "mentors.yaml" in proc.stderr


def test_site_dir_that_would_replace_an_input_is_refused(project_dir):
    for value, what in (("..", "the project folder"), ("recordings", "recordings"), ("mentors.yaml", "roster"),
                        ("recordings/site", "lies inside recordings")):
        make_files(project_dir, {"kbgen.yml": f"site_dir: {value}\n"})
        result = run("build", "--project", str(project_dir))
        assert result.exit_code == 1, value
        assert "kbgen.yml: line 1, field 'site_dir'" in result.output and what in result.output, result.output
    assert (project_dir / "recordings" / "pub.wav").is_file() and (project_dir / "mentors.yaml").is_file()


def test_a_folder_kbgen_did_not_build_is_never_replaced(project_dir):
    make_files(project_dir, {"kbgen.yml": "site_dir: www\n", "www/keep.txt": "precious"})
    result = run("validate", "--project", str(project_dir))
    assert result.exit_code == 0
    result = CliRunner().invoke(cli, ["build", "--project", str(project_dir)])
    assert result.exit_code == 1
    assert "www: exists and was not built by kbgen" in result.output
    assert (project_dir / "www" / "keep.txt").read_text() == "precious"


def test_inputs_inside_the_docs_folder_are_refused(project_dir):
    make_files(project_dir, {"kbgen.yml": "cache_dir: site_src/cache\n"})
    result = run("validate", "--project", str(project_dir))
    assert result.exit_code == 1
    assert "cache_dir (site_src/cache) lies inside the docs folder and would be published" in result.output


def test_mkdocs_yml_problems_are_messages(project_dir):
    (project_dir / "mkdocs.yml").write_bytes(b"site_name: caf\xe9\n")
    assert "mkdocs.yml: not UTF-8 text" in run("validate", "-p", str(project_dir)).output
    (project_dir / "mkdocs.yml").write_text("site_name: x\ndocs_dir: site_src\nnav: index.md\n")
    assert "mkdocs.yml: field 'nav': expected a list" in run("validate", "-p", str(project_dir)).output
    make_files(project_dir, {"kbgen.yml": "recordings: \"a\\0b\"\n"})
    out = run("validate", "-p", str(project_dir)).output
    assert "is not a usable path" in out and "Traceback" not in out


def test_cache_shows_and_prunes(project_dir, monkeypatch):
    import kbgen.transcribe.cache as cache_module
    from kbgen.config import load_project
    from kbgen.pipeline import build
    from kbgen.transcribe.engine import EngineKey
    from tests.conftest import FakeEngine

    build(load_project(project_dir), audience="internal", engine_factory=FakeEngine,
          key=EngineKey("fake", "fake-1", {}))
    out = run("cache", "-p", str(project_dir)).output
    assert ".kbgen/: 2 transcript(s)" in out and "fake fake-1: 2" in out
    (project_dir / "recordings" / "team.wav").unlink()
    (project_dir / "recordings" / "team.yml").unlink()
    read = []
    real = cache_module.media_hash
    monkeypatch.setattr(cache_module, "media_hash", lambda p: read.append(p.name) or real(p))
    cache_module._HASH_MEMO.clear()  # as in a fresh process
    out = run("cache", "--prune", "-p", str(project_dir)).output
    assert "removed 1 entry" in out and ".kbgen/: 1 transcript(s)" in out
    assert read == ["secret.wav"]  # the recordings the build hashed are not read again


def test_cache_prune_removes_knowledge_no_build_used(project_dir):
    from kbgen.config import load_project
    from kbgen.pipeline import build
    from kbgen.transcribe.engine import EngineKey
    from tests.conftest import FakeEngine

    def again() -> list[str]:
        lines: list[str] = []
        (project_dir / ".kbgen" / "render-state.json").unlink(missing_ok=True)
        build(load_project(project_dir), audience="internal", engine_factory=FakeEngine,
              key=EngineKey("fake", "fake-1", {}), echo=lines.append)
        return lines

    assert "nothing removed" in run("cache", "--prune", "-p", str(project_dir)).output  # no build yet
    again()
    knowledge = project_dir / ".kbgen" / "knowledge"
    used = sorted(p for p in knowledge.rglob("*") if p.is_file())
    stale = knowledge / "ab" / ("ab" * 32 + ".json")  # another version's entry
    stale.parent.mkdir(exist_ok=True)
    stale.write_text('{"step": "phrases", "value": []}')
    fresh = stale.with_name("cd" * 32 + ".json")  # written just now: a build may be writing it
    fresh.write_text("{}")
    hour_ago = stale.stat().st_mtime - 3700
    os.utime(stale, (hour_ago, hour_ago))
    out = run("cache", "--prune", "-p", str(project_dir)).output
    assert "knowledge cache: removed 1 file(s)" in out, out
    assert not stale.exists() and fresh.exists()
    fresh.unlink()
    assert sorted(p for p in knowledge.rglob("*") if p.is_file()) == used
    assert any("knowledge: 0 step(s) computed" in x for x in again())  # all it uses was kept


def test_match_pairs_the_demo_cohort_and_keeps_mentee_data_out_of_the_site(tmp_path):
    import shutil

    for name in ("mentors.yaml", "mkdocs.yml", "kbgen.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "site_src").mkdir()
    (tmp_path / "recordings").mkdir()
    shutil.copy(ROOT / "demo" / "mentees.yaml", tmp_path / "mentees.yaml")
    result = run("match", str(tmp_path / "mentees.yaml"), "-p", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "11 paired, 1 unmatched (optimal" in result.output
    assert "unmatched wanjiru-kamau: no mentor speaks Swahili" in result.output
    report = (tmp_path / "match" / "match-report.md").read_text()
    assert "| Lucía Fernández (lucia-fernandez) | Ana García (ana-garcia) |" in report
    assert "15 years in software" in report  # the roster's experience_years, a reason (matching shares)
    assert len(list((tmp_path / "match" / "agreements").glob("*.md"))) == 11
    inside = str(tmp_path / "site_src" / "m")
    refused = run("match", str(tmp_path / "mentees.yaml"), "-p", str(tmp_path), "--out", inside)
    assert refused.exit_code == 1 and "docs folder" in refused.output


def test_kbgen_alone_prints_help_and_succeeds():
    result = CliRunner().invoke(cli, [], prog_name="kbgen")
    assert result.exit_code == 0 and "Usage: kbgen" in result.output and "build" in result.output


def test_every_option_of_every_command_has_help():
    for name, command in cli.commands.items():
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"kbgen {name} {param.opts[0]} has no help text"
        for flag in ("--quiet", "--verbose"):
            assert any(flag in p.opts for p in command.params), f"kbgen {name} has no {flag}"


def test_project_before_or_after_the_command_and_quiet(project_dir, tmp_path):
    after = CliRunner().invoke(cli, ["validate", "--project", str(project_dir)])
    before = CliRunner().invoke(cli, ["-p", str(project_dir), "validate"])
    assert after.exit_code == before.exit_code == 0 and after.output == before.output
    assert "ok: 2 mentor(s), 3 session(s)" in before.output
    new = CliRunner().invoke(cli, ["-p", str(tmp_path / "new"), "init"])
    assert new.exit_code == 0 and (tmp_path / "new" / "kbgen.yml").is_file()
    assert "match/" in (tmp_path / "new" / ".gitignore").read_text().splitlines()  # mentee data stays out of git


def test_every_folder_kbgen_writes_is_ignored_by_git(tmp_path):
    """What a build writes into site_src (the program page of an internal build among it: mentors'
    capacity, what mentees asked for) is never committed by a `git add -A`, in a new project or
    in this repository."""
    from kbgen.site.render import OWNED

    assert CliRunner().invoke(cli, ["-p", str(tmp_path / "new"), "init"]).exit_code == 0
    for ignore in (tmp_path / "new" / ".gitignore", ROOT / ".gitignore"):
        lines = ignore.read_text().splitlines()
        assert [name for name in OWNED if f"site_src/{name}/" not in lines] == [], ignore


def test_quiet_and_verbose(project_dir):
    quiet = CliRunner().invoke(cli, ["-q", "build", "-p", str(project_dir)])
    assert quiet.exit_code == 0, quiet.output
    assert "built the public site" in quiet.output and "session(s) in the public build" not in quiet.output
    loud = CliRunner().invoke(cli, ["build", "-v", "-p", str(project_dir)])
    assert loud.exit_code == 0 and "session(s) in the public build" in loud.output and "stages: " in loud.output
    assert "transcripts: " in loud.output and "from the cache" in loud.output  # what a cached build did
    plain = CliRunner().invoke(cli, ["build", "-p", str(project_dir)])  # -q and -v end with their invocation
    assert "session(s) in the public build" in plain.output and "stages: " not in plain.output


def test_colour_on_a_terminal_only_and_never_with_no_color(project_dir, monkeypatch):
    """Errors in red, the result line in green, notes in yellow: on a terminal (CliRunner's
    color=True stands for one), never in a pipe or a file, never where NO_COLOR is set."""
    import re

    monkeypatch.delenv("NO_COLOR", raising=False)
    missing = ["build", "-p", str(project_dir / "nope")]
    assert CliRunner().invoke(cli, ["build", "-p", str(project_dir)]).exit_code == 0  # then both are cached
    for args in (["build", "-p", str(project_dir)], missing):
        terminal = CliRunner().invoke(cli, args, color=True)
        piped = CliRunner().invoke(cli, args)
        assert "\x1b[" in terminal.output, terminal.output
        assert "\x1b[" not in piped.output
        timings = re.compile(r"[0-9.]+ s\b")
        assert timings.sub("", click.unstyle(terminal.output)) == timings.sub("", piped.output)
    assert "\x1b[31m\x1b[1mError:\x1b[0m" in CliRunner().invoke(cli, missing, color=True).output
    monkeypatch.setenv("NO_COLOR", "1")
    for args in (["build", "-p", str(project_dir)], missing):
        assert "\x1b[" not in CliRunner().invoke(cli, args, color=True).output
