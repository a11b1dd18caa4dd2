"""The command line: errors without tracebacks, init that builds, validate that reports all."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from kbgen import __version__
from kbgen.cli import cli
from tests.conftest import make_files


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
    # init refuses to overwrite.
    again = run("init", str(target))
    assert again.exit_code == 1
    assert "already has" in again.output


def test_validate_reports_roster_and_sidecar_problems_together(project_dir):
    make_files(project_dir, {
        "recordings/pub.yml": "title: X\ndate: 2026-02-30\nmentors: [ana]\nvisibility: public\nconsent: true\n",
        "mentors.yaml": (project_dir / "mentors.yaml").read_text().replace("timezone: Africa/Lagos",
                                                                          "timezone: Mars/Olympus"),
    })
    result = run("validate", "--project", str(project_dir))
    assert result.exit_code == 1
    assert "recordings/pub.yml: line 2, field 'date': '2026-02-30' is not a date" in result.output
    assert "mentors.yaml" in result.output and "Mars/Olympus" in result.output
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
