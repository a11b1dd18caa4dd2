"""The README stays in step with the code: every setting, field and command is documented."""

from __future__ import annotations

from click.testing import CliRunner

from kbgen.cli import cli
from kbgen.config import describe_fields
from kbgen.directory.roster import FIELDS as ROSTER_FIELDS
from kbgen.ingest.discover import FIELDS as SIDECAR_FIELDS
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()


def test_every_setting_is_documented():
    for key, _default, _desc in describe_fields():
        assert f"| `{key}` |" in README, key


def test_every_sidecar_and_roster_field_is_documented():
    for field in (*SIDECAR_FIELDS, *ROSTER_FIELDS):
        assert f"| `{field}` |" in README, field


def test_every_mentees_file_field_is_documented():
    from kbgen.directory.cohort import FIELDS, REQUIRED

    section = README.split("### Mentees file")[1].split("\n### ")[0]
    for field, meaning in FIELDS.items():
        assert f"| `{field}` | {'yes' if field in REQUIRED else 'no'} | {meaning} |" in section, field


def test_every_command_and_option_is_documented():
    for name, command in cli.commands.items():
        assert f"`kbgen {name}" in README, name
        help_text = CliRunner().invoke(cli, [name, "--help"]).output
        assert command.get_short_help_str() and "Usage:" in help_text
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--") and opt not in ("--project", "--help", "--host", "--strict"):
                    assert opt in README, f"{name} {opt}"


def test_readme_first_screen_gives_the_two_commands():
    first_screen = "\n".join(README.splitlines()[:25])
    assert "make demo" in first_screen and "make test" in first_screen
