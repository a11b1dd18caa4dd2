"""Learning paths: sessions in an order worth following, configured or derived per topic.

Paths are computed from the docs :func:`kbgen.site.render.render_site` receives, which are
only this audience's published sessions: a configured session that is not published simply
is not there, so its id, title and place in the path never reach a page (steps are numbered
among the published ones). A path left with fewer than 2 steps is not rendered.

Derived paths: one per topic with at least ``min_sessions`` published sessions and no
configured path about it, of the ``max_steps`` sessions most about the topic. Order: level
(beginner, then intermediate, then advanced; a session with no level counts as intermediate),
then date (oldest first), then id.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem
from ..models import LEVELS, SessionDoc
from .text import timestamp

#: Where a session with no level goes in a derived path: with the intermediate ones.
UNLEVELLED_RANK = LEVELS.index("intermediate")


@dataclass(frozen=True)
class Step:
    """One session of a path, and (for derived paths) why it is there."""

    doc: SessionDoc
    tagged: str = ""  # the sidecar topic term that puts it on the path's topic
    evidence: str = ""  # what was said about the topic...
    evidence_at: float | None = None  # ...and when
    anchor: str = ""  # the transcript line of that moment on the session page


@dataclass(frozen=True)
class LearningPath:
    id: str
    title: str
    description: str
    steps: tuple[Step, ...]
    topic: object | None = None  # render.Topic, when the topic has a page in this build
    derived: bool = False
    welcome: str = ""  # a message opening the page (kbgen.yml's welcome:)...
    mentor: str | None = None  # ...from this mentor (a roster id)

    @property
    def duration(self) -> float:
        return sum(s.doc.transcript.duration for s in self.steps)


def length_text(seconds: float, t=None) -> str:
    """A total length for people: '45 s', '12 min', '1 h 05 min'."""
    from .i18n import messages

    t = t or messages()
    if seconds < 60:
        return t._("%(sec)s s", sec=int(seconds))
    minutes = int(round(seconds / 60))
    if minutes >= 60:
        return t._("%(hours)s h %(min)s min", hours=minutes // 60, min="%02d" % (minutes % 60))
    return t._("%(min)s min", min=minutes)


def level_rank(level: str | None) -> int:
    return LEVELS.index(level) if level in LEVELS else UNLEVELLED_RANK


def derived_order(docs: Sequence[SessionDoc]) -> list[SessionDoc]:
    """Level (beginner first; none counts as intermediate), then oldest first, then id."""
    return sorted(docs, key=lambda d: (level_rank(d.session.level), d.session.date, d.session.id))


def _most_about(topic, docs: Sequence[SessionDoc], find_topic: Callable, most: int) -> list[SessionDoc]:
    """The ``most`` sessions most about ``topic``: tagged so in the sidecar first, then by the
    topic's score in what was said, then newest first (a derived path stays short at any size)."""
    def rank(d: SessionDoc):
        tagged = any(find_topic(term) is topic for term in d.session.topics)
        score = max((tag.score for tag in d.enrichment.topics if find_topic(tag.label, tag.id) is topic), default=0.0)
        return (not tagged, -score, -d.session.date.toordinal(), d.session.id)

    return sorted(docs, key=rank)[:most]


def learning_paths(docs: Sequence[SessionDoc], topics: Mapping[str, object], find_topic: Callable, config,
                   echo: Callable[[str], None] | None = None, t=None) -> list[LearningPath]:
    """The paths of this build: configured ones (in config order), then derived ones (by topic slug).
    ``t``: kbgen's words (:class:`.i18n.Messages`) for the derived paths' descriptions."""
    from .i18n import messages
    from .render import line_target

    t = t or messages()
    echo = echo or (lambda _: None)
    by_id = {d.session.id: d for d in docs}
    paths: list[LearningPath] = []
    claimed: set[str] = set()
    for p in config.paths:
        steps = tuple(Step(by_id[sid]) for sid in p.sessions if sid in by_id)
        if len(steps) < 2:
            echo(f"learning path '{p.id}' is not in this build: fewer than 2 of its sessions are published "
                 "for this audience")
            continue
        topic = find_topic(p.topic) if p.topic else None
        if topic is not None:
            claimed.add(topic.slug)
        paths.append(LearningPath(p.id, p.title, p.description, steps, topic, welcome=p.welcome, mentor=p.mentor))
    if not config.derive:
        return paths
    taken = {p.id for p in config.paths}  # every configured id, rendered or not: derived URLs stay put
    targets: dict[str, Callable[[float], str]] = {}  # per session: where a moment's line is
    for slug, topic in topics.items():
        if slug in claimed or len(topic.sessions) < config.min_sessions:
            continue
        pid, n = slug, 1
        while pid in taken:
            n += 1
            pid = f"{slug}-topic" if n == 2 else f"{slug}-topic-{n - 1}"
        taken.add(pid)
        steps = []
        for d in derived_order(_most_about(topic, topic.sessions, find_topic, config.max_steps)):
            tagged = next((term for term in d.session.topics if find_topic(term) is topic), "")
            evidence = next((tag.evidence[0] for tag in d.enrichment.topics
                             if tag.evidence and find_topic(tag.label, tag.id) is topic), None)
            if evidence is None:
                steps.append(Step(d, tagged))
                continue
            sid = d.session.id
            if sid not in targets:
                targets[sid] = line_target([seg.start for seg in d.transcript.segments])
            steps.append(Step(d, tagged, evidence.text, evidence.start, targets[sid](evidence.start)))
        label = topic.label
        title = label[:1].upper() + label[1:] if label.islower() else label
        paths.append(LearningPath(pid, title, t._("The sessions on %(topic)s, from beginner to advanced.", topic=label),
                                  tuple(steps), topic, derived=True))
    return paths


def path_steps(paths: Sequence[LearningPath]) -> dict[str, list[dict]]:
    """For each session id: its place in every path it is on (step k of n, previous, next)."""
    out: dict[str, list[dict]] = {}
    for p in paths:
        n = len(p.steps)
        for k, step in enumerate(p.steps, 1):
            prev = p.steps[k - 2].doc.session if k > 1 else None
            nxt = p.steps[k].doc.session if k < n else None
            out.setdefault(step.doc.session.id, []).append({
                "id": p.id, "title": p.title, "k": k, "n": n,
                "prev": {"id": prev.id, "title": prev.title} if prev else None,
                "next": {"id": nxt.id, "title": nxt.title} if nxt else None,
            })
    return out


def write_path_pages(env, write: Callable[[str, str], None], paths: Sequence[LearningPath], config,
                     front_matter: Callable, t=None, mentors: Mapping[str, object] | None = None) -> None:
    """``paths/index.md`` and one ``paths/<id>.md`` per path; ``t``: kbgen's words (:class:`.i18n.Messages`);
    ``mentors``: id -> Mentor, for a welcome's author."""
    from .i18n import messages
    from .render import LEVEL_WORDS, date_text, duration_text

    t = t or messages()
    page = env.get_template("path.md.j2")
    for p in paths:
        steps = []
        for st in p.steps:
            s, dur = st.doc.session, st.doc.transcript.duration
            summary = st.doc.enrichment.summary
            steps.append({
                "id": s.id, "title": s.title, "date": date_text(s.date, t),
                "level": t._(LEVEL_WORDS[s.level]) if s.level in LEVEL_WORDS else (s.level or "").capitalize(),
                "duration": duration_text(dur, t),
                "summary": summary[0] if summary else s.description,
                "tagged": st.tagged, "evidence": st.evidence, "anchor": st.anchor,
                "at": timestamp(st.evidence_at) if st.evidence_at is not None else "",
            })
        write(f"paths/{p.id}.md", page.render(
            front_matter=front_matter(p.title, description=p.description or p.title), p=p, steps=steps,
            welcome_from=t._("A welcome from %(name)s", name=(mentors or {})[p.mentor].name)
            if p.mentor in (mentors or {}) else "",
            length=length_text(p.duration, t), min_sessions=config.min_sessions))
    write("paths/index.md", env.get_template("paths_index.md.j2").render(
        curated=[p for p in paths if not p.derived], derived=[p for p in paths if p.derived],
        length=lambda p: length_text(p.duration, t), min_sessions=config.min_sessions, derive=config.derive))


def check_paths(config, sessions, mentors, root: Path) -> list[Problem]:
    """Configured paths against the recordings: every session id and topic must exist somewhere.

    Checked against every session (private ones too): a typo is an error, while a session that
    exists but is not published for an audience is silently left out of that build's path.
    """
    lp = config.learning_paths
    if not lp.paths:
        return []
    from ..config import CONFIG_FILE
    from ..enrich.topics import Taxonomy
    from ..yamlio import YamlProblem, load_yaml

    try:
        doc = load_yaml(root / CONFIG_FILE, root)
    except YamlProblem as exc:  # read fine a moment ago; report rather than crash
        return [exc.problem]
    ids = sorted(s.id for s in sessions)
    taxonomy = Taxonomy.build(list(config.topics), mentors, [t for s in sessions for t in s.topics])
    problems = []
    for i, p in enumerate(lp.paths):
        for j, sid in enumerate(p.sessions):
            if sid in ids:
                continue
            close = difflib.get_close_matches(sid, ids, n=1)
            hint = (f"did you mean '{close[0]}'?" if close else
                    "a session's id is its sidecar's file name without .yml")
            problems.append(doc.problem(("learning_paths", "paths", i, "sessions", j),
                                        f"no session '{sid}' among the recordings; {hint}"))
        if p.mentor is not None and p.mentor not in {m.id for m in mentors}:
            close = difflib.get_close_matches(p.mentor, sorted(m.id for m in mentors), n=1)
            problems.append(doc.problem(("learning_paths", "paths", i, "mentor"),
                                        f"no mentor '{p.mentor}' in the roster; "
                                        + (f"did you mean '{close[0]}'?" if close else "use a mentor's id")))
        if p.mentor is not None and not p.welcome:
            problems.append(doc.problem(("learning_paths", "paths", i, "mentor"),
                                        "names the mentor of a welcome, but the path has no welcome: add one, or "
                                        "leave mentor out"))
        if p.topic is not None and taxonomy.resolve(p.topic) is None:
            problems.append(doc.problem(("learning_paths", "paths", i, "topic"),
                                        f"'{p.topic}' is not a topic of kbgen.yml's taxonomy, the roster or any "
                                        "sidecar; fix it or leave topic out"))
    return problems
