"""The topic taxonomy in kbgen.yml: every problem named by its line and field, parent cycles refused."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kbgen.cli import cli
from kbgen.config import KbgenConfig, load_project
from kbgen.errors import ConfigError
from tests.conftest import make_files

# A comment first, then another setting: the topics sit well below line 2.
HEAD = "# Settings of the test knowledge base.\naudience: public\ntopics:\n"

ALL_WRONG = HEAD + """\
  - id: careers
    label: Careers
  - id: negotiation
    label: Negotiation
    parent: careers
  - id: salary
    label: Salary
    parent: compensation
  - id: careers
    label: Careers again
  - id: alpha
    label: Alpha
    parent: beta
  - id: beta
    label: Beta
    parent: alpha
  - id: loner
    label: Loner
    parent: loner
  - id: Bad_Id
    label: Bad
"""

ALL_WRONG_MESSAGES = [
    "kbgen.yml: line 11, field 'topics.2.parent': unknown topic 'compensation'; set parent to the id of another "
    "topic in the topics: list, or remove it",
    "kbgen.yml: line 12, field 'topics.3.id': topic id 'careers' is already used by topics.0.id on line 4; "
    "give each topic its own id",
    "kbgen.yml: line 16, field 'topics.4.parent': parent cycle alpha -> beta -> alpha; a topic cannot be inside "
    "itself: remove or change one of these parents (this one, topics.5.parent on line 19)",
    "kbgen.yml: line 22, field 'topics.6.parent': topic 'loner' is its own parent; remove 'parent:' or set it "
    "to the id of a broader topic",
    "kbgen.yml: line 23, field 'topics.7.id': topic id 'Bad_Id' is not a slug; use lower-case letters, digits "
    "and hyphens, e.g. career-growth",
]


def _error(tmp_path, config: str) -> str:
    root = make_files(tmp_path / "kb", {"kbgen.yml": config})
    with pytest.raises(ConfigError) as exc:
        load_project(root)
    return exc.value.message


def test_every_taxonomy_problem_is_named_at_its_line_and_field_all_at_once(tmp_path):
    text = _error(tmp_path, ALL_WRONG)
    assert text.splitlines() == ["5 problem(s) in kbgen.yml:"] + [f"  - {m}" for m in ALL_WRONG_MESSAGES]


@pytest.mark.parametrize("topics, message", [
    ("  - {id: a, label: A}\n  - {id: b, label: B}\n  - {id: a, label: A2}\n",
     "kbgen.yml: line 6, field 'topics.2.id': topic id 'a' is already used by topics.0.id on line 4; "
     "give each topic its own id"),
    ("  - {id: a, label: A}\n  - id: b\n    label: B\n    parent: c\n",
     "kbgen.yml: line 7, field 'topics.1.parent': unknown topic 'c'; set parent to the id of another topic "
     "in the topics: list, or remove it"),
    ("  - {id: career-growth, label: Growth}\n  - {id: b, label: B, parent: carer-growth}\n",
     "kbgen.yml: line 5, field 'topics.1.parent': unknown topic 'carer-growth'; did you mean 'career-growth'? "
     "set parent to the id of another topic in the topics: list, or remove it"),
    ("  - {id: x, label: X}\n  - id: a\n    label: A\n    parent: b\n  - id: b\n    label: B\n    parent: a\n",
     "kbgen.yml: line 7, field 'topics.1.parent': parent cycle a -> b -> a; a topic cannot be inside itself: "
     "remove or change one of these parents (this one, topics.2.parent on line 10)"),
    ("  - {id: c, label: C, parent: a}\n  - {id: a, label: A, parent: b}\n  - {id: b, label: B, parent: c}\n",
     "kbgen.yml: line 4, field 'topics.0.parent': parent cycle c -> a -> b -> c; a topic cannot be inside itself: "
     "remove or change one of these parents (this one, topics.1.parent on line 5, topics.2.parent on line 6)"),
    ("  - {id: x, label: X}\n  - id: a\n    label: A\n    parent: a\n",
     "kbgen.yml: line 7, field 'topics.1.parent': topic 'a' is its own parent; remove 'parent:' or set it to "
     "the id of a broader topic"),
    ("  - {id: x, label: X}\n  - id: Not A Slug\n    label: A\n",
     "kbgen.yml: line 5, field 'topics.1.id': topic id 'Not A Slug' is not a slug; use lower-case letters, "
     "digits and hyphens, e.g. career-growth"),
])
def test_one_taxonomy_problem_names_its_line_and_field(tmp_path, topics, message):
    assert _error(tmp_path, HEAD + topics).splitlines() == ["1 problem(s) in kbgen.yml:", f"  - {message}"]


def test_taxonomy_problems_come_with_other_field_errors_of_the_topics(tmp_path):
    # A wrong field of one topic used to hide every taxonomy problem (the check never ran).
    text = _error(tmp_path, HEAD + "  - {id: a, label: A}\n  - id: b\n    lable: B\n    parent: nowhere\n"
                  "  - {id: Bad_Id, label: C}\n")
    assert text.splitlines() == [
        "4 problem(s) in kbgen.yml:",
        "  - kbgen.yml: line 5, field 'topics.1.label': Field required",
        "  - kbgen.yml: line 6, field 'topics.1.lable': unknown setting; see the README's kbgen.yml table for "
        "the valid keys",
        "  - kbgen.yml: line 7, field 'topics.1.parent': unknown topic 'nowhere'; set parent to the id of another "
        "topic in the topics: list, or remove it",
        "  - kbgen.yml: line 8, field 'topics.2.id': topic id 'Bad_Id' is not a slug; use lower-case letters, "
        "digits and hyphens, e.g. career-growth",
    ]


def test_a_valid_taxonomy_with_parents_loads(tmp_path):
    root = make_files(tmp_path / "kb", {"kbgen.yml": HEAD + "  - {id: a, label: A}\n  - {id: b, label: B, parent: a}\n"
                                        "  - {id: c, label: C, parent: b}\n"})
    assert [(t.id, t.parent) for t in load_project(root).config.topics] == [("a", None), ("b", "a"), ("c", "b")]


def test_a_configuration_built_in_code_refuses_cycles_too():
    with pytest.raises(ValueError) as exc:
        KbgenConfig.model_validate({"topics": [{"id": "a", "label": "A", "parent": "b"},
                                               {"id": "b", "label": "B", "parent": "a"}]})
    assert "field 'topics.0.parent': parent cycle a -> b -> a" in str(exc.value)


@pytest.mark.parametrize("command", ["validate", "build"])
def test_the_cli_prints_every_taxonomy_problem_without_a_traceback(project_dir, command):
    make_files(project_dir, {"kbgen.yml": ALL_WRONG})
    result = CliRunner().invoke(cli, [command, "--project", str(project_dir)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)  # a ClickException
    for message in ALL_WRONG_MESSAGES:
        assert message in result.output, result.output
    assert not (project_dir / "site").exists()
