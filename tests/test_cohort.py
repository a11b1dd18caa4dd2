"""Cohort matching: the mentees file, scores and reasons, hard constraints, the three
assignments (capacities, optimality, stability), unmatched reasons, topic demand, the report."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import random
import re
from collections import Counter
from pathlib import Path

import pytest

from bench.match import make_cohort
from kbgen.directory.cohort import (
    METHODS,
    Demand,
    Mentee,
    Unmatched,
    _Model,
    blocker,
    blocking_pairs,
    load_mentees,
    match_cohort,
    need_weights,
    score,
)
from kbgen.directory.report import MatchError, score_100, total_100, write_report
from kbgen.directory.roster import load_roster
from kbgen.directory.status import shared_hours
from kbgen.errors import ValidationError
from kbgen.models import Mentor, Offer, Window
from tests.conftest import make_files

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2026, 11, 2)


def mentor(id: str, **kw) -> Mentor:
    base = dict(name=id.title(), organization="Northwind", timezone="Europe/Madrid", languages=("en",),
                expertise=("negotiation",), formats=("video",), capacity=1)
    base.update(kw)
    return Mentor(id=id, **base)


def mentee(id: str, **kw) -> Mentee:
    base = dict(name=id.title(), organization="Harbor", timezone="Europe/Madrid", languages=("en",),
                needs=("negotiation",))
    base.update(kw)
    return Mentee(id=id, **base)


# -- the mentees file ------------------------------------------------------------------

GOOD = """\
mentees:
  - id: lena
    name: Lena Fischer
    organization: Northwind
    timezone: Europe/Berlin
    languages: [German, EN]
    needs: [Salary Negotiations, public   speaking]
    format: [Video, in person]
    availability: ["mon-wed 08:00-09:30"]
    outside_org: true
    avoid: [ana]
    prefer: [ben]
    goals: Ask for a raise.
  - id: al
    name: Al
    languages: en
    needs: feedback
    availability: 2
"""

ROSTER_MENTORS = [mentor("ana"), mentor("ben")]


def test_valid_cohort_loads_sorted_and_normalised(tmp_path):
    make_files(tmp_path, {"mentees.yaml": GOOD})
    al, lena = load_mentees(tmp_path / "mentees.yaml", tmp_path, ROSTER_MENTORS)
    assert lena == Mentee(
        id="lena", name="Lena Fischer", organization="Northwind", timezone="Europe/Berlin", languages=("de", "en"),
        needs=("salary negotiations", "public speaking"), formats=("video", "in-person"),
        availability=(Window("mon", "08:00", "09:30"), Window("tue", "08:00", "09:30"),
                      Window("wed", "08:00", "09:30")),
        outside_org=True, avoid=("ana",), prefer=("ben",), goals="Ask for a raise.",
    )
    assert al == Mentee(id="al", name="Al", languages=("en",), needs=("feedback",), weekly_hours=2.0)


BAD = """\
mentees:
  - id: Lena F
    name: Lena
    languages: []
    needs: [negotiation, 3]
    timezone: Europe/Berlim
    format: [video, fax]
    availability: ["mon 10:00-09:00", "someday"]
    outside_org: yes please
    avoid: [anna]
    prefer: [ana]
    goal: typo
  - id: al
    name: Al
    needs: [feedback]
    outside_org: true
    avoid: [ben]
    prefer: [ben]
  - id: al
    name: Al again
    languages: [en]
    needs: [x]
  - just text
extra: 1
"""


def test_every_problem_at_once_with_line_and_field(tmp_path):
    make_files(tmp_path, {"c.yaml": BAD})
    with pytest.raises(ValidationError) as info:
        load_mentees(tmp_path / "c.yaml", tmp_path, ROSTER_MENTORS)
    got = [str(p) for p in info.value.problems]
    assert got == [
        "c.yaml: line 2, mentee 'Lena F', field 'id': id 'Lena F' is not a slug; use lower-case letters, digits "
        "and single hyphens, e.g. 'lena-f'",
        "c.yaml: line 4, mentee 'Lena F', field 'languages': 'languages' is empty; give at least one",
        "c.yaml: line 5, mentee 'Lena F', field 'needs': item 2 should be text, got a number (3); put it in quotes",
        "c.yaml: line 6, mentee 'Lena F', field 'timezone': unknown time zone 'Europe/Berlim'; did you mean "
        "'Europe/Berlin'? use an IANA name such as 'Europe/Berlin' or 'UTC'",
        "c.yaml: line 7, mentee 'Lena F', field 'format': unknown format 'fax'; use any of video, phone, chat, "
        "in-person, async, email, group (kbgen.yml's directory.formats can add more)",
        "c.yaml: line 8, mentee 'Lena F', field 'availability': item 1: 'mon 10:00-09:00' ends before it starts; "
        "a window ends on its day (24:00 at the latest), so split one past midnight in two",
        "c.yaml: line 8, mentee 'Lena F', field 'availability': item 2: 'someday' is not a window; write a day "
        "and a time range such as 'mon 09:00-11:00'",
        "c.yaml: line 9, mentee 'Lena F', field 'outside_org': expected true or false, got text ('yes please')",
        "c.yaml: line 10, mentee 'Lena F', field 'avoid': no mentor 'anna' in the roster; did you mean 'ana'? "
        "use a mentor id from mentors.yaml",
        "c.yaml: line 12, mentee 'Lena F', field 'goal': unknown key 'goal'; did you mean 'goals'? valid keys: "
        "id, name, organization, timezone, languages, needs, format, country, availability, outside_org, avoid, "
        "prefer, goals",
        "c.yaml: line 13, mentee 'al', field 'languages': missing required field 'languages': add the languages "
        "spoken, e.g. [en, es] or [English, Spanish]",
        "c.yaml: line 16, mentee 'al', field 'outside_org': outside_org needs the mentee's 'organization' to tell "
        "which organization is another one; add it",
        "c.yaml: line 18, mentee 'al', field 'prefer': ben is both avoided and preferred; keep one",
        "c.yaml: line 19, mentee 'al', field 'id': id 'al' is already used by the entry at line 13; give each "
        "mentee a different id",
        "c.yaml: line 23, mentee #4: expected a mapping of fields such as 'id:' and 'name:', got text ('just text')",
        "c.yaml: line 24, field 'extra': unknown top-level key 'extra'; the cohort file holds only a 'mentees:' list",
    ]
    assert str(info.value).startswith("16 problem(s) in the cohort:")


def test_missing_or_empty_file(tmp_path):
    with pytest.raises(ValidationError, match=r"nope.yaml: file not found"):
        load_mentees(tmp_path / "nope.yaml", tmp_path)
    make_files(tmp_path, {"empty.yaml": ""})
    assert load_mentees(tmp_path / "empty.yaml", tmp_path) == []


def test_without_a_roster_mentor_ids_are_only_checked_as_slugs(tmp_path):
    make_files(tmp_path, {"c.yaml": "- {id: a, name: A, languages: [en], needs: [x], avoid: [Not A Slug, zed]}\n"})
    with pytest.raises(ValidationError) as info:
        load_mentees(tmp_path / "c.yaml", tmp_path)
    assert [p.message for p in info.value.problems] == [
        "'Not A Slug' is not a mentor id (lower-case letters, digits and hyphens)"]


# -- scores and reasons ----------------------------------------------------------------


def test_score_and_reasons_in_plain_words():
    a = mentee("lucia", languages=("Spanish", "en"), needs=("Negotiations", "Feedback", "python"),
               formats=("video",), availability=(Window("mon", "09:00", "11:00"), Window("wed", "09:00", "11:00")),
               outside_org=True, prefer=("ana",))
    b = mentor("ana", organization="Northwind", languages=("en", "es"), expertise=("negotiation",),
               offers=(Offer("feedback", 20),), formats=("video", "chat"),
               availability=(Window("mon", "10:00", "12:00"), Window("wed", "10:00", "12:00")))
    value, reasons = score(a, b)
    # fit 1 + 1/2 of 1 + 1/2 + 1/3; 2 h shared (full); video; Spanish is the mentee's first; preferred.
    assert value == round(0.60 * (1.5 / (11 / 6)) + 0.20 + 0.05 + 0.03 + 0.10, 6)
    assert reasons == ["Negotiations and Feedback", "speaks Spanish", "2 h a week of shared hours", "meets by video",
                       "another organisation", "asked for by name"]
    # Ana's sessions recorded in Spanish are evidence she mentors in it: they weigh, and say so.
    proven, reasons = score(a, b, recorded={"es": 2, "en": 5})
    assert proven == round(value + 0.02, 6) and reasons[1] == "speaks Spanish (2 recorded sessions in it)"
    assert score(a, b, recorded={"en": 5})[0] == value  # sessions in another language prove nothing here


def test_a_language_recorded_in_is_spoken_for_matching():
    """A Spanish session is evidence for its mentor's Spanish, listed in the roster or not."""
    lucia = mentee("lucia", languages=("es",), needs=("negotiation",))
    quiet, recorded = (mentor(i, languages=("en",), expertise=("negotiation",)) for i in ("quiet", "rafa"))
    assert blocker(lucia, quiet) == "no shared language"
    assert blocker(lucia, recorded, recorded={"es-MX": 1}) is None
    result = match_cohort([lucia], [quiet, recorded], recorded={"rafa": {"es-MX": 1}})
    assert [(p.mentor_id, p.reasons[1]) for p in result.pairs] == [
        ("rafa", "speaks Spanish (1 recorded session in it)")]
    assert not match_cohort([lucia], [quiet, recorded]).pairs


def test_working_hours_across_time_zones_and_need_order():
    a = mentee("a", timezone="Europe/London", needs=("feedback", "negotiation"))  # 09-17 UTC in January
    b = mentor("b", timezone="Asia/Dubai", expertise=("negotiation",), formats=())  # 05-13 UTC
    value, reasons = score(a, b)
    assert reasons == ["negotiation", "speaks English", "4 h of shared working hours a day"]
    assert value == round(0.60 * need_weights(2)[1] + 0.20 + 0.05 + 0.03, 6)  # any format; English first
    far = mentor("c", timezone="Pacific/Auckland", expertise=("feedback",), formats=("phone",))
    value, reasons = score(mentee("d", timezone="Europe/London", formats=("video",), needs=("feedback",)), far)
    assert reasons == ["feedback", "speaks English", "no shared hours"]
    assert value == 0.60 + 0.03  # no hours, no shared format; English is the first language


def test_matrix_hours_equal_status_shared_hours():
    rng = random.Random(3)
    zones = ["Asia/Kolkata", "Asia/Kathmandu", "America/St_Johns", "Europe/Berlin", "Pacific/Auckland", "UTC"]
    people = []
    for _ in range(30):
        windows = tuple(Window(rng.choice(["mon", "tue", "sun"]), f"{h:02d}:{m:02d}", f"{h + d:02d}:{m:02d}")
                        for h, m, d in [(rng.randint(0, 20), rng.choice([0, 15, 40]), rng.randint(1, 3))])
        people.append((rng.choice(zones), windows))
    mentees = [mentee(f"e{k}", timezone=tz, availability=w) for k, (tz, w) in enumerate(people[:15])]
    mentors = [mentor(f"m{k}", timezone=tz, availability=w) for k, (tz, w) in enumerate(people[15:])]
    model = _Model(mentees, mentors)
    hours = model.block(0, len(mentees))["hours"]
    for i, x in enumerate(model.mentees):
        for j, y in enumerate(model.mentors):
            assert hours[i, j] == shared_hours((x.timezone, x.availability), y)


# -- hard constraints ------------------------------------------------------------------


@pytest.mark.parametrize(("who", "whom", "why", "unmatched"), [
    (mentee("x", languages=("sw",)), mentor("m"), "no shared language", "no mentor speaks Swahili"),
    (mentee("x", needs=("grant writing", "fundraising")), mentor("m"), "no topic in common",
     "no mentor covers grant writing or fundraising"),
    (mentee("x", organization="Northwind", outside_org=True), mentor("m"), "same organization, and the mentee "
     "asked for another one", "every mentor who fits works at Northwind (m), and the mentee asked for another "
     "organization"),
    (mentee("x", avoid=("m",)), mentor("m"), "on the mentee's avoid list",
     "the only mentors who fit are on the avoid list (m)"),
    (mentee("x"), mentor("m", capacity=0), "mentor is full", "every mentor who fits (m) is full or not active"),
])
def test_each_hard_constraint_blocks_the_pair(who, whom, why, unmatched):
    assert blocker(who, whom) == why
    for method in METHODS:
        result = match_cohort([who], [whom], method)
        assert result.pairs == ()
        assert result.unmatched == (Unmatched("x", unmatched),)


def test_inactive_mentors_are_never_assigned():
    assert blocker(mentee("x"), mentor("m"), inactive={"m"}) == "mentor is not active"
    result = match_cohort([mentee("x")], [mentor("m"), mentor("n", languages=("fr",))], inactive={"m"})
    assert result.unmatched == (Unmatched("x", "every mentor who fits (m) is full or not active"),)


def test_language_filter_comes_before_topics_in_the_reason():
    result = match_cohort([mentee("x", languages=("fr",), needs=("python",))],
                          [mentor("m", languages=("fr",)), mentor("n", expertise=("python",))])
    assert result.unmatched == (Unmatched("x", "no mentor who speaks French covers python"),)


@pytest.mark.parametrize(("method", "tail"), [
    ("optimal", "other mentees were given the places for the best overall fit"),
    ("stable", "they took mentees who fit them better"),
    ("greedy", "better-scoring pairs took the places first"),
])
def test_a_mentee_outbid_for_the_last_slots_is_told_so(method, tail):
    mentors = [mentor("m", capacity=1), mentor("n", capacity=1), mentor("z", languages=("es",), expertise=("chess",))]
    # a's first language is Spanish, which m and n do not speak: b and c fit them better.
    mentees = [mentee("a", languages=("es", "en")), mentee("b"), mentee("c")]
    result = match_cohort(mentees, mentors, method)
    assert sorted(p.mentee_id for p in result.pairs) == ["b", "c"]
    assert result.unmatched == (Unmatched("a", f"all 2 suitable mentors (m, n) are full: {tail}"),)
    alone = match_cohort(mentees[:2], mentors[:1], method)
    assert alone.unmatched == (Unmatched("a", f"the only suitable mentor (m) is full: {tail}"),)


# -- assignments -----------------------------------------------------------------------


def random_instance(seed: int, n_mentors: int = 25, n_mentees: int = 40):
    return make_cohort(n_mentors, n_mentees, seed)


@pytest.mark.parametrize("seed", range(6))
def test_capacities_and_constraints_hold_and_optimal_beats_greedy(seed):
    mentees, mentors, inactive = random_instance(seed)
    by_id = {m.id: m for m in mentors}
    people = {x.id: x for x in mentees}
    totals = {}
    for method in METHODS:
        result = match_cohort(mentees, mentors, method, inactive=inactive)
        load = Counter(p.mentor_id for p in result.pairs)
        assert all(load[mid] <= by_id[mid].capacity for mid in load)
        assert all(blocker(people[p.mentee_id], by_id[p.mentor_id], inactive) is None for p in result.pairs)
        assert {p.mentee_id for p in result.pairs} | {u.mentee_id for u in result.unmatched} == set(people)
        assert len(result.pairs) + len(result.unmatched) == len(mentees)
        totals[method] = result.total
    assert totals["optimal"] >= totals["greedy"] - 1e-9
    assert totals["optimal"] >= totals["stable"] - 1e-9


@pytest.mark.parametrize("seed", range(4))
def test_optimal_equals_brute_force_on_tiny_instances(seed):
    mentees, mentors, inactive = make_cohort(4, 5, seed + 100)
    mentors = [Mentor(**{**m.__dict__, "capacity": min(m.capacity, 2)}) for m in mentors]
    model = _Model(mentees, mentors, inactive)
    b = model.block(0, len(mentees))
    options = [[None] + [j for j in range(len(mentors)) if b["feasible"][i, j]] for i in range(len(mentees))]
    best = 0.0
    for choice in itertools.product(*options):
        used = Counter(j for j in choice if j is not None)
        if all(used[j] <= mentors[j].capacity for j in used):
            best = max(best, sum(b["score"][i, j] for i, j in enumerate(choice) if j is not None))
    assert match_cohort(mentees, mentors, "optimal", inactive=inactive).total == pytest.approx(best, abs=1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_stable_has_no_blocking_pair_and_equals_greedy(seed):
    mentees, mentors, inactive = random_instance(seed, 15, 60)  # scarce: mentees compete for slots
    stable = match_cohort(mentees, mentors, "stable", inactive=inactive)
    assert blocking_pairs(stable, mentees, mentors, inactive) == []
    # Both sides rank by the same pair score, so the stable matching is unique: greedy finds it too.
    assert stable.pairs == match_cohort(mentees, mentors, "greedy", inactive=inactive).pairs
    optimal = match_cohort(mentees, mentors, "optimal", inactive=inactive)
    assert optimal.total >= stable.total


def test_stable_agrees_with_the_matching_package_game():
    from matching.games import HospitalResident

    mentees, mentors, inactive = random_instance(11, 10, 30)
    model = _Model(mentees, mentors, inactive)
    b = model.block(0, len(mentees))
    prefs_r, prefs_h = {}, {}
    for i, x in enumerate(model.mentees):
        cand = [j for j in range(len(mentors)) if b["feasible"][i, j]]
        if cand:
            prefs_r[x.id] = [model.mentors[j].id for j in sorted(cand, key=lambda j: (-b["score"][i, j], j))]
    for j, y in enumerate(model.mentors):
        cand = [i for i in range(len(mentees)) if b["feasible"][i, j]]
        if cand:
            prefs_h[y.id] = [model.mentees[i].id for i in sorted(cand, key=lambda i: (-b["score"][i, j], i))]
    game = HospitalResident.create_from_dictionaries(prefs_r, prefs_h, {y.id: y.capacity for y in mentors})
    solved = game.solve(optimal="resident")
    assert game.check_stability()
    want = sorted((r.name, h.name) for h, rs in solved.items() for r in rs)
    got = sorted((p.mentee_id, p.mentor_id) for p in match_cohort(mentees, mentors, "stable", inactive=inactive).pairs)
    assert got == want


def test_blocking_pairs_finds_an_unstable_assignment():
    from kbgen.directory.cohort import MatchResult, Pair

    mentees = [mentee("a"), mentee("b", needs=("negotiation", "chess"))]
    mentors = [mentor("m"), mentor("n", capacity=1)]
    # a fits m and n equally (ties go to the lower id: m); pairing a with n and leaving m empty
    # lets b and m (free slot) block.
    bad = MatchResult("manual", (Pair("a", "n", 0.0, ()),), (), ())
    assert ("b", "m") in blocking_pairs(bad, mentees, mentors)


def test_candidates_cut_keeps_the_best_and_same_input_same_output():
    mentees, mentors, inactive = random_instance(5, 40, 40)
    full = match_cohort(mentees, mentors, "optimal", inactive=inactive)
    assert match_cohort(mentees, mentors, "optimal", inactive=inactive, candidates=40) == full
    cut = match_cohort(mentees, mentors, "optimal", inactive=inactive, candidates=5)
    assert cut.total <= full.total + 1e-9
    assert match_cohort(mentees, mentors, "optimal", inactive=inactive) == full
    with pytest.raises(ValueError, match="unknown method 'best'"):
        match_cohort(mentees, mentors, "best")  # type: ignore[arg-type]


def test_a_mentee_cut_off_by_the_candidate_limit_is_told_so():
    mentors = [mentor("a", capacity=1), mentor("b", capacity=1, timezone="Asia/Tokyo")]
    mentees = [mentee("x"), mentee("y")]  # both prefer a (same time zone); y loses it
    greedy = match_cohort(mentees, mentors, "greedy", candidates=1)
    assert greedy.unmatched == (Unmatched("y", "its best-fitting mentor is full; 1 more suitable mentor (b) still "
                                               "has open slots beyond the 1 candidate kept per mentee (raise the "
                                               "candidates to include them)"),)
    assert len(match_cohort(mentees, mentors, "greedy").pairs) == 2


def test_demand_lists_topics_too_few_open_slots_cover():
    mentees = [mentee("a", needs=("python", "chess")), mentee("b", needs=("Python",)), mentee("c")]
    mentors = [mentor("m", expertise=("python", "negotiation"), capacity=1), mentor("n", expertise=("python",),
                                                                                    capacity=3)]
    result = match_cohort(mentees, mentors, inactive={"n"})
    # c takes m's one slot (negotiation: 1 mentee, 1 slot, nobody waiting: covered); a and b wait.
    assert result.demand == (Demand("python", 2, 1, 1, waiting=2), Demand("chess", 1, 0, 0, waiting=1))


# -- the demo cohort -------------------------------------------------------------------


def demo():
    mentors = load_roster(ROOT / "mentors.yaml", ROOT)
    mentees = load_mentees(ROOT / "demo" / "mentees.yaml", ROOT, mentors)
    return mentees, mentors


def test_demo_cohort_shows_conflict_uncovered_topic_and_language_gap():
    mentees, mentors = demo()
    assert len(mentees) == 12
    result = match_cohort(mentees, mentors, "optimal", inactive={"hannah-schmidt"})
    pairs = {p.mentee_id: p for p in result.pairs}
    assert result.unmatched == (Unmatched("wanjiru-kamau", "no mentor speaks Swahili"),)
    assert Demand("grant writing", 1, 0, 0) in result.demand
    assert pairs["jonas-weber"].mentor_id != "ana-garcia"
    lucia = pairs["lucia-fernandez"]
    assert lucia.mentor_id == "ana-garcia"
    assert lucia.reasons == ("negotiation and public speaking", "speaks Spanish", "4 h a week of shared hours",
                             "meets by video", "another organisation")
    for method in ("stable", "greedy"):
        assert match_cohort(mentees, mentors, method, inactive={"hannah-schmidt"}).pairs == result.pairs


# -- the report ------------------------------------------------------------------------


def written(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_report_files_and_their_content(tmp_path):
    mentees, mentors = demo()
    result = match_cohort(mentees, mentors, "optimal", inactive={"hannah-schmidt"})
    out = tmp_path / "match"
    files = write_report(result, mentees, mentors, out, today=DAY)
    assert files == sorted(files) and len(files) == 3 + len(result.pairs)  # report, CSV, needs.json
    assert (out / "agreements" / "lucia-fernandez--ana-garcia.md") in files
    md = (out / "match-report.md").read_text(encoding="utf-8")
    assert ("| Lucía Fernández (lucia-fernandez) | Ana García (ana-garcia) | 88 | negotiation and public speaking; "
            "speaks Spanish; 4 h a week of shared hours; meets by video; another organisation | "
            "[draft](agreements/lucia-fernandez--ana-garcia.md) |") in md
    assert "| Wanjiru Kamau (wanjiru-kamau) | no mentor speaks Swahili |" in md
    assert "| grant writing | 1 | 0 | 0 | 0 |" in md
    rows = list(csv.DictReader(io.StringIO((out / "match-report.csv").read_text(encoding="utf-8"))))
    assert [r["mentee_id"] for r in rows] == sorted(x.id for x in mentees)
    wanjiru = rows[-1]
    assert (wanjiru["status"], wanjiru["mentor_id"], wanjiru["why"]) == ("unmatched", "", "no mentor speaks Swahili")
    lucia = next(r for r in rows if r["mentee_id"] == "lucia-fernandez")
    assert (lucia["mentor_name"], lucia["score (0-100)"], lucia["status"]) == ("Ana García", "88", "matched")
    agreement = (out / "agreements" / "lucia-fernandez--ana-garcia.md").read_text(encoding="utf-8")
    for part in ("Between Lucía Fernández (mentee, Harbor Health) and Ana García (mentor, Northwind Labs).",
                 "In Lucía's words: Prepare for my first salary negotiation and present at the team all-hands.",
                 "1. Negotiation\n2. Public speaking",
                 "- Cadence: every two weeks, 45 minutes, by video.",
                 "    - Mon 09:00-11:00 / Mon 09:00-11:00\n    - Wed 09:00-11:00 / Wed 09:00-11:00",
                 "## Confidentiality", "What is said in our sessions stays between us.",
                 "Review date: 2027-01-25 (12 weeks from drafting)"):
        assert part in agreement
    ines = (out / "agreements" / "ines-moreau--chloe-martin.md").read_text(encoding="utf-8")
    assert "Also needed, outside this mentor's topics: grant writing." in ines


def test_report_scores_are_0_to_100_like_the_site(tmp_path):
    """cohort.py keeps [0, 1] floats; the report, the CSV and the drafts say 0-100, rounded as the site."""
    mentees, mentors = demo()
    result = match_cohort(mentees, mentors, "optimal", inactive={"hannah-schmidt"})
    lucia = next(p for p in result.pairs if p.mentee_id == "lucia-fernandez")
    assert lucia.score == pytest.approx(0.88)  # internal scale unchanged
    out = tmp_path / "match"
    write_report(result, mentees, mentors, out, today=DAY)
    md = (out / "match-report.md").read_text(encoding="utf-8")
    assert "| Mentee | Mentor | Score (0-100) | Why | Agreement |" in md
    total = sum(score_100(p.score) for p in result.pairs)
    assert total == total_100(result) and f"total score: {total} of {100 * len(result.pairs)} " in md
    assert not re.search(r"\b0\.\d", md)  # no [0, 1] score left anywhere
    rows = list(csv.DictReader(io.StringIO((out / "match-report.csv").read_text(encoding="utf-8"))))
    assert all(r["score (0-100)"] == "" or r["score (0-100)"].isdigit() for r in rows)
    agreement = (out / "agreements" / "lucia-fernandez--ana-garcia.md").read_text(encoding="utf-8")
    assert "(score 88 of 100: negotiation and public speaking; speaks Spanish;" in agreement
    # Halves round up, as JavaScript's Math.round on the page, despite binary floats.
    assert [score_100(x) for x in (0, 0.285, 0.005, 0.8549, 1)] == [0, 29, 1, 85, 100]


def test_agreement_shows_shared_hours_in_both_time_zones(tmp_path):
    a = mentee("a", name="Ann", timezone="America/New_York", availability=(Window("mon", "20:00", "23:00"),))
    b = mentor("b", name="Bo", timezone="Asia/Tokyo", formats=("chat",),
               availability=(Window("tue", "09:00", "12:00"),))
    result = match_cohort([a], [b])
    write_report(result, [a], [b], tmp_path / "out", today=DAY)
    text = (tmp_path / "out" / "agreements" / "a--b.md").read_text(encoding="utf-8")
    assert "    - Mon 20:00-22:00 / Tue 10:00-12:00" in text
    assert "- Cadence: every week, a 30-minute written check-in by chat." in text


def test_report_is_deterministic_and_replaces_a_previous_one(tmp_path):
    mentees, mentors = demo()
    out = tmp_path / "match"
    result = match_cohort(mentees, mentors, "stable", inactive={"hannah-schmidt"})
    write_report(result, mentees, mentors, out, today=DAY)
    first = written(out)
    (out / "agreements" / "old--pair.md").write_text("stale", encoding="utf-8")
    write_report(match_cohort(mentees, mentors, "stable", inactive={"hannah-schmidt"}), mentees, mentors, out,
                 today=DAY)
    assert written(out) == first  # the stale agreement is gone, every byte the same
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".match-")]


def test_report_escapes_markdown_and_spreadsheet_formulas(tmp_path):
    a = mentee("a", name="=HYPERLINK(\"x\") | <b>", goals="*now* [link](x)")
    result = match_cohort([a], [mentor("m")])
    write_report(result, [a], [mentor("m")], tmp_path / "out", today=DAY)
    md = (tmp_path / "out" / "match-report.md").read_text(encoding="utf-8")
    assert "=HYPERLINK(\"x\") \\| \\<b\\> (a)" in md
    rows = list(csv.reader(io.StringIO((tmp_path / "out" / "match-report.csv").read_text(encoding="utf-8"))))
    assert rows[1][1] == "'=HYPERLINK(\"x\") | <b>"
    agreement = (tmp_path / "out" / "agreements" / "a--m.md").read_text(encoding="utf-8")
    assert "\\*now\\* \\[link\\](x)" in agreement


@pytest.mark.parametrize(("out", "message"), [
    ("site_src/match", "site_src/match: lies inside the docs folder (site_src); mentee data must never enter the "
     "site, so write the match report outside it (the default is match/)"),
    ("site", "site: lies inside the site (site); mentee data must never enter the site"),
    ("site/deep/er", "site/deep/er: lies inside the site (site)"),
    (".", ".: holds the docs folder (site_src); the match report replaces its folder whole"),
    ("notes", "notes: holds files kbgen did not write (todo.md); the match report replaces its folder whole, "
     "so empty it or choose another folder"),
])
def test_report_refuses_the_site_the_docs_and_foreign_folders(tmp_path, out, message):
    make_files(tmp_path, {"site_src/index.md": "# Home\n", "site/index.html": "<p>", "notes/todo.md": "x"})
    result = match_cohort([mentee("a")], [mentor("m")])
    protected = {"docs folder": tmp_path / "site_src", "site": tmp_path / "site"}
    with pytest.raises(MatchError) as info:
        write_report(result, [mentee("a")], [mentor("m")], tmp_path / out, protected=protected, root=tmp_path,
                     today=DAY)
    assert info.value.message.startswith(message)
    assert not (tmp_path / "site_src" / "match").exists()
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == ["index.html"]


def test_report_refuses_a_linked_folder(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(MatchError, match="link: is a link"):
        write_report(match_cohort([], []), [], [], tmp_path / "link", root=tmp_path, today=DAY)


# -- rosters as associations write them (issue 14) ----------------------------------------


def test_country_is_a_reason_and_new_formats_read_in_words():
    same = score(mentee("a", country="DE", formats=("async",)), mentor("b", country="DE", formats=("async",)))[1]
    assert "same country" in same and "meets asynchronously (messages answered later)" in same
    other = score(mentee("a", country="DE"), mentor("b", country="NG"))[1]
    assert "another country: outside view" in other
    assert not any("country" in r for r in score(mentee("a"), mentor("b", country="NG"))[1])  # mentee says none


def test_a_mentor_with_no_capacity_stated_takes_one_and_slots_in_use_count():
    cohort = [mentee("a"), mentee("b"), mentee("c")]
    unstated = match_cohort(cohort, [mentor("m", capacity=None)])
    assert len(unstated.pairs) == 1  # not stated: one mentee in a cohort (the directory shows "taking")
    busy = match_cohort(cohort, [mentor("m", capacity=3, mentees=2)])
    assert len(busy.pairs) == 1  # one slot of three left
    full = match_cohort(cohort, [mentor("m", capacity=2, mentees=2)])
    assert not full.pairs and blocker(cohort[0], mentor("m", capacity=2, mentees=2)) == "mentor is full"


def test_mentee_languages_and_country_as_written(tmp_path):
    make_files(tmp_path, {"c.yaml": "mentees:\n  - {id: a, name: A, languages: [Deutsch, english], needs: [x], "
                                    "country: Deutschland, format: [E-mail]}\n"})
    (a,) = load_mentees(tmp_path / "c.yaml")
    assert (a.languages, a.country, a.formats) == (("de", "en"), "DE", ("email",))
