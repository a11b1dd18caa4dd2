"""Experience and performance in matching (issue 18, part 2): the roster's experience_years, the
sessions recorded and mentees' feedback aggregates, weighed by kbgen.yml's matching shares in
`kbgen match` (and in Find a mentor: tests/test_site_quality.py), each shown as a reason.
Cold start: what is unknown counts as the program's average."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kbgen.cli import cli
from kbgen.config import MatchingConfig
from kbgen.directory.cohort import Mentee, match_cohort, score
from kbgen.directory.feedback import FeedbackSummary, Figure
from kbgen.directory.merit import merits
from kbgen.models import Mentor
from tests.conftest import MKDOCS, make_files

SHARES = MatchingConfig().shares()


def _mentor(mid: str, years: int | None = None, industry: str = "") -> Mentor:
    return Mentor(id=mid, name=mid.title(), languages=("en",), expertise=("negotiation",), capacity=3,
                  experience_years=years, industry=industry)


def _rated(rating: float, n: int = 3) -> FeedbackSummary:
    return FeedbackSummary(n, rating, Figure(n, n), None, ())


MENTEE = Mentee(id="kim", name="Kim", languages=("en",), needs=("negotiation",))


def test_cold_start_counts_as_the_program_average():
    """A mentor with no feedback is never ranked below one whose mentees rated them poorly."""
    mentors = [_mentor("new"), _mentor("poor"), _mentor("good")]
    merit = merits(mentors, {}, {"poor": _rated(2.0), "good": _rated(5.0)})
    assert merit["poor"].performance < merit["new"].performance < merit["good"].performance
    assert merit["new"].performance == pytest.approx((3.5 - 1) / 4)  # the average of 2.0 and 5.0
    scores = {m.id: score(MENTEE, m, merit=merit[m.id], shares=SHARES)[0] for m in mentors}
    assert scores["poor"] < scores["new"] < scores["good"]
    # Three 5s are not taken for certain: pulled towards the average by three sessions' worth.
    assert merit["good"].performance == pytest.approx(((3 * 5.0 + 3 * 3.5) / 6 - 1) / 4)
    # While no one is rated, everyone stands at the middle: feedback cannot reorder anyone.
    assert {m.performance for m in merits(mentors, {}, {}).values()} == {0.5}


def test_years_unstated_count_as_the_usual_and_sessions_add_experience():
    mentors = [_mentor("ten", 10), _mentor("thirty", 30), _mentor("quiet")]
    merit = merits(mentors, {"ten": 10}, {})
    assert merit["quiet"].experience == pytest.approx(0.5 * 20 / 20)  # usual years: (10 + 30) / 2, full at 20
    assert merit["thirty"].experience == pytest.approx(0.5)  # years full at 20; no session
    assert merit["ten"].experience == pytest.approx(0.25 + 0.5)  # 10 of 20 years; 10 sessions, full


def test_match_weighs_them_with_reasons_and_the_shares():
    mentors = [_mentor("ana", 12, "operations"), _mentor("ben")]
    merit = merits(mentors, {"ana": 4}, {"ana": _rated(4.6, 7), "ben": _rated(3.0, 3)})
    result = match_cohort([MENTEE], mentors, merit=merit, shares=SHARES)
    (pair,) = result.pairs
    assert pair.mentor_id == "ana"
    assert "12 years in operations" in pair.reasons and "4.6 of 5 over 7 rated sessions" in pair.reasons
    # Fit alone (knowledge 1, the others 0): the two are equal, and no merit reason is given.
    fit_only = MatchingConfig(knowledge=1, experience=0, performance=0).shares()
    assert score(MENTEE, mentors[0], merit=merit["ana"], shares=fit_only)[0] == score(MENTEE, mentors[1])[0]
    assert not any("years" in r or "rated" in r for r in score(MENTEE, mentors[0], merit=merit["ana"],
                                                               shares=fit_only)[1])


def test_matching_weights_in_kbgen_yml(tmp_path):
    assert MatchingConfig(knowledge=2, experience=1, performance=1).shares() == (0.5, 0.25, 0.25)
    root = tmp_path / "kb"
    make_files(root, {"mkdocs.yml": MKDOCS, "mentors.yaml": "mentors:\n  - {id: a, name: A}\n",
                      "kbgen.yml": "matching: {knowledge: 0, experience: 0, performance: 0}\n"})
    result = CliRunner().invoke(cli, ["validate", "-p", str(root)])
    assert result.exit_code != 0 and "add up to 0" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("value, said", [(-1, "0 or more"), ("ten", "whole number"), (90, "at most 70")])
def test_experience_years_checked(tmp_path, value, said):
    root = tmp_path / "kb"
    make_files(root, {"mkdocs.yml": MKDOCS,
                      "mentors.yaml": f"mentors:\n  - id: a\n    name: A\n    experience_years: {value}\n"})
    result = CliRunner().invoke(cli, ["validate", "-p", str(root)])
    assert result.exit_code != 0 and said in result.output and "experience_years" in result.output
