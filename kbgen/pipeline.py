"""The build, stage by stage: ingest -> transcribe -> enrich -> audience -> render -> MkDocs.

Each stage is a function from records to records; this module wires them and owns the
order of side effects: nothing on disk changes until every input is valid and every
published recording is transcribed.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from .audience import select
from .config import Project
from .errors import BuildError, IngestError, KbgenError, Problem, disk_error, rel
from .models import Exclusion, Mentor, Session

Echo = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclass
class BuildReport:
    audience: str
    published: list[str] = field(default_factory=list)
    excluded: list[Exclusion] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    rendered: int | None = None  # files the render stage wrote (0: nothing changed, none rendered)
    reused: int = 0  # session files the render stage took again from the last build (unchanged)


def _generated_folders(project: Project) -> dict[str, Path]:
    """The folders kbgen writes (name -> folder): a file there may be another audience's."""
    folders = {"the cache folder": project.cache_dir, "the site folder": project.site_dir,
               "kbgen match's folder (mentee data)": project.root / "match"}
    try:
        from .site.build import read_mkdocs

        folders["the docs folder"] = read_mkdocs(project.mkdocs_file, project.root).docs_dir
    except KbgenError:
        pass  # mkdocs.yml's own problem is reported when the site is built
    return folders


def load_inputs(project: Project) -> tuple[list[Mentor], list[Session]]:
    """Validate the roster and every sidecar, reporting all problems of both at once."""
    from .directory.roster import read_roster
    from .ingest import discover_sessions

    roster = read_roster(project.roster_file, project.root, project.config.directory.formats,
                         protected={"the recordings folder": project.recordings_dir,
                                    "the cache folder": project.cache_dir, "the site folder": project.site_dir})
    problems: list[Problem] = list(roster.problems)
    mentors = roster.mentors
    sessions: list[Session] = []
    try:  # sidecars are checked against every id the roster names, even while an entry has a problem
        sessions = discover_sessions(project.recordings_dir, project.root, roster.ids,
                                     protected=_generated_folders(project))
    except IngestError as exc:
        problems += exc.problems
    if not problems:  # learning paths name sessions and topics: checked once those are known
        from .site.paths import check_paths

        problems += check_paths(project.config, sessions, mentors, project.root)
    if problems:
        raise IngestError(problems, what="project")
    return mentors, sessions


def language_problems(project: Project, sessions: list[Session]) -> list[Problem]:
    """A problem for each recording no configured model can transcribe, by its language (the
    build refuses those recordings: :class:`~kbgen.transcribe.routing.LanguageRefused`)."""
    from .transcribe.routing import LanguageRefused, Router

    router = Router(project.config.transcribe, project.root)
    problems = []
    for s in sessions:
        if s.media is None or s.transcript is not None:
            continue  # an imported transcript needs no model
        try:
            router.model_for(s.language or None)
        except LanguageRefused as exc:
            problems.append(Problem(rel(s.sidecar or s.media, project.root), "field 'language'",
                                    exc.format_message()))
    return problems


def spoken_languages(project: Project, sessions: list[Session], mentors: list[Mentor]) -> dict[str, str]:
    """Each session's spoken language where it is known without transcribing anything: the
    sidecar's, else an imported transcript's, else the one a build detected (from the transcript
    cache). Sessions whose language is not known yet are left out."""
    from .errors import KbgenError
    from .ingest.importers import import_transcript
    from .transcribe.cache import TranscriptCache, cache_key
    from .transcribe.engines import make_engine
    from .transcribe.hotwords import hotwords_for

    cfg = project.config.transcribe
    cache = TranscriptCache(project.cache_dir)
    by_mentor = {m.id: m for m in mentors}
    _, key_for = make_engine(cfg, project.root, project.cache_dir)
    out: dict[str, str] = {}
    for s in sessions:
        t = None
        try:
            if s.language:
                out[s.id] = s.language
                continue
            if s.transcript is not None:
                t = import_transcript(s.transcript, project.root, s.speaker_map, language="en")
            elif s.media is not None:  # looked up as the transcribe stage does, never transcribed
                key, language = key_for(None, "")
                words = hotwords_for(s, by_mentor) if cfg.hotwords else None
                t = cache.get(cache_key(cache.media_hash(s.media), key, language, words or None, s.channels))
        except (KbgenError, OSError):
            continue
        if t is not None and t.language:
            out[s.id] = t.language
    return out


def transcribe(project: Project, sessions: list[Session], echo: Echo = _quiet, engine_factory=None,
               key=None, retranscribe: bool = False, mentors: list[Mentor] | None = None, diarizer_factory=None):
    """A transcript for every session; raise BuildError naming every file that failed.

    A transcript file beside a recording is imported instead of transcribing it, unless
    ``retranscribe``. ``engine_factory`` and ``key`` (its cache identity) default to the
    configured engine, run on ``transcribe.jobs`` local processes or the Dask cluster at
    ``transcribe.scheduler``; tests pass a fake engine and its key (run in this process).
    ``mentors`` (the roster) supply the hotwords when ``transcribe.hotwords`` is on.

    One-track recordings get speakers (:mod:`kbgen.speakers.run`) when ``speakers.diarize`` is
    on and the configured engine runs; a test engine gets them only with a ``diarizer_factory``.
    """
    from .errors import KbgenError
    from .ingest.importers import import_transcript
    from .transcribe import transcribe_sessions
    from .transcribe.cache import TranscriptCache
    from .transcribe.hotwords import hotwords_for
    from .transcribe.progress import Progress

    cfg = project.config.transcribe
    parallel: dict = {}
    diarize = diarizer_factory is not None or (engine_factory is None and project.config.speakers.diarize)
    if engine_factory is None:
        from .transcribe.engines import make_engine
        from .transcribe.executors import EngineSpec

        engine_factory, key = make_engine(cfg, project.root, project.cache_dir)
        spec = EngineSpec(cfg, str(project.root), extra=(("cache_dir", str(project.cache_dir)),))
        parallel = {"spec": spec, "jobs": cfg.jobs, "scheduler": cfg.scheduler}
    progress = Progress()

    said: dict[str, int] = {}  # how many of each kind of event: the summary line

    def on_event(kind: str, sid: str, detail: str) -> None:
        said[kind] = said.get(kind, 0) + 1
        line = f"  {sid}: {detail or kind}"
        progress.write(line) if progress.drawing else echo(line)

    transcripts: dict = {}
    failures: dict[str, str] = {}
    to_run = []
    for s in sessions:
        if s.transcript is not None and not (retranscribe and s.media is not None):
            try:
                transcripts[s.id] = imported = import_transcript(s.transcript, project.root, s.speaker_map,
                                                                 language=s.language or "en")
                on_event("imported", s.id, f"imported {s.transcript.suffix[1:]} transcript")
                for note in imported.notes:  # encoding assumed, rolling captions, loops: as transcribe_sessions
                    on_event("note", s.id, note)
            except KbgenError as exc:
                failures[s.id] = exc.format_message()
                on_event("failed", s.id, exc.format_message())
        elif s.media is not None:
            to_run.append(s)
    by_mentor = {m.id: m for m in mentors or []}
    hotwords = {s.id: hotwords_for(s, by_mentor) for s in to_run} if cfg.hotwords else None
    cache = TranscriptCache(project.cache_dir)
    try:
        result = transcribe_sessions(
            to_run,
            cache,
            engine_factory,
            project.root,
            on_event=on_event,
            key=key,
            progress=progress,
            hotwords=hotwords,
            **parallel,
        )
    finally:
        progress.close()
    failures.update(result.failures)
    parts = [f"{said[kind]} {words}" for kind, words in (("transcribed", "transcribed"), ("cached", "from the cache"),
                                                          ("imported", "imported")) if said.get(kind)]
    if parts:
        echo("transcripts: " + ", ".join(parts) + ("" if said.get("transcribed") else "; nothing new to transcribe"))
    if failures:
        lines = [f"  - {msg}" for _, msg in sorted(failures.items())]
        raise BuildError(
            f"{len(failures)} recording(s) or transcript(s) could not be read:\n" + "\n".join(lines)
            + "\nNothing was built; the transcripts that worked are cached for the next run."
        )
    done = result.transcripts
    if diarize:
        from .speakers.run import add_speakers

        done = add_speakers(to_run, done, project.cache_dir, project.root, cache.media_hash, echo, diarizer_factory,
                            mentor_names={m.id: m.name for m in mentors or []},
                            voiceprints=project.config.speakers.voiceprints)
    by_id = {s.id: s for s in sessions}
    for sid, t in done.items():
        transcripts[sid] = _name_speakers(t, by_id[sid].speaker_map)
    return transcripts


def _name_speakers(t, names: dict[str, str]):
    """Apply a sidecar's `speakers:` names to the labels a transcript carries."""
    if not names or not any(seg.speaker in names for seg in t.segments):
        return t
    from dataclasses import replace

    return replace(t, segments=tuple(replace(seg, speaker=names.get(seg.speaker, seg.speaker))
                                     for seg in t.segments))


def build(project: Project, audience: str | None = None, strict: bool = True, echo: Echo = _quiet,
          engine_factory=None, key=None, retranscribe: bool = False, offline: bool | None = None,
          wait: bool = True, diarizer_factory=None) -> BuildReport:
    """The whole build for one audience. The previous site survives any failure.

    ``offline`` (default: kbgen.yml's ``offline``) builds a site that works opened from disk.
    The project's lock (:mod:`.lock`) is held from before anything is written until the site is
    swapped in: another build of the project waits for it (``wait=False``: refuses).
    """
    from .lock import project_lock

    audience = audience or project.config.audience
    try:
        with project_lock(project.cache_dir, f"the {audience} build", project.config.cache_dir, echo,
                          wait=wait, site_dir=project.site_dir):
            return _build(project, audience, strict, echo, engine_factory, key, retranscribe, offline,
                          diarizer_factory)
    except OSError as exc:  # the site is swapped in last: until then, nothing was published
        raise disk_error(exc, project.root, unnamed=f"writing {rel(project.site_dir, project.root)}/ or "
                         f"{rel(project.cache_dir, project.root)}/") from None


def _build(project: Project, audience: str, strict: bool, echo: Echo, engine_factory, key, retranscribe: bool,
           offline: bool | None, diarizer_factory=None) -> BuildReport:
    from .directory.feedback import feedback_by_mentor, quote_redacted
    from .directory.match import RECIPROCAL_SHOWN, mentor_hints, reciprocal_pairs
    from .directory.status import build_date, mentor_status
    from .fingerprint import RenderState, fingerprint
    from .fsutil import replace_dir
    from .knowledge import build_docs
    from .lock import scratch_dir
    from .site.build import check_layout, mkdocs_build, read_mkdocs, site_language, swap_owned
    from .site.render import NEEDS_FILE, OWNED, SEARCH_DOCS, read_needs, render_site, start_files

    report = BuildReport(audience)
    t0 = time.perf_counter()
    info = read_mkdocs(project.mkdocs_file, project.root)
    check_layout(info, {"recordings": project.recordings_dir, "the roster": project.roster_file,
                        "cache_dir": project.cache_dir}, project.site_dir, project.root)
    offline = (project.config.offline if offline is None else offline) or info.offline
    if offline:  # pages opened from disk: every link names its .html file
        from dataclasses import replace

        info = replace(info, directory_urls=False)
    mentors, sessions = load_inputs(project)
    from .directory.roster import photo_note

    note = photo_note(mentors, project.config.allowed_hosts)
    if note:
        echo(f"note: {note}")
    kept, report.excluded = select(sessions, audience)
    report.published = [s.id for s in kept]
    for ex in report.excluded:
        echo(f"left out {ex.session_id}: {ex.reason}")
    report.timings["ingest"] = time.perf_counter() - t0

    t = time.perf_counter()
    echo(f"{len(kept)} session(s) in the {audience} build" + ("" if kept else "; nothing to transcribe"))
    transcripts = transcribe(project, kept, echo, engine_factory, key, retranscribe, mentors, diarizer_factory)
    report.timings["transcribe"] = time.perf_counter() - t

    t = time.perf_counter()
    from pathlib import Path

    project.cache_dir.mkdir(parents=True, exist_ok=True)
    search_docs = project.cache_dir / "search-docs"
    owned = [info.docs_dir / name for name in OWNED] + [search_docs]
    state = RenderState(project.cache_dir / "render-state.json")
    site_name = str(info.raw.get("site_name") or "Mentoring sessions")
    site_url = str(info.raw["site_url"]) if info.raw.get("site_url") else None
    language = site_language(info.raw)  # kbgen's words on pages (Material's theme.language)
    today = build_date()
    # Everything the knowledge and render stages read (kbgen's code is in every fingerprint).
    # The cohort's needs from the last `kbgen match` (counts per topic): the internal program page's demand.
    needs = read_needs(project.root / "match" / NEEDS_FILE) if audience == "internal" else {}
    inputs = fingerprint([audience, str(info.docs_dir), project.config, kept, transcripts, mentors, today,
                          info.directory_urls, site_name, site_url, offline, language, needs])
    later: list = []  # the downloads and search documents, made beside MkDocs (render_site's ``later``)
    save: Callable[[], None] | None = None  # the render state, saved once they are made

    def where(rel: str) -> Path:  # a stage path's file once swapped in (or as the last render left it)
        first, _, rest = rel.partition("/")
        return search_docs / rest if first == SEARCH_DOCS else info.docs_dir / rel

    if state.unchanged(inputs, owned, kind="inputs"):
        report.rendered = 0
        report.timings["enrich"] = time.perf_counter() - t
        t = time.perf_counter()
        echo("knowledge, render: nothing changed since the last build; nothing computed or rendered")
    else:
        docs, taxonomy = build_docs(project.config, kept, transcripts, mentors, echo, cache_dir=project.cache_dir,
                                    audience=audience)
        dc = project.config.directory
        hints, outside = mentor_hints(mentors, dc.similar_mentors)  # similar mentors, outside view
        pairs = reciprocal_pairs(mentors, per_mentor=RECIPROCAL_SHOWN)  # all the site shows
        last: dict[str, object] = {}
        for s in kept:  # only this audience's sessions: a private date never shows through
            for mid in s.mentors:
                last[mid] = max(last.get(mid, s.date), s.date)
        statuses = {m.id: mentor_status(m, last.get(m.id), today, dc.inactive_after_days) for m in mentors}
        feedback = feedback_by_mentor(kept, dc.feedback_min_sessions, redact=partial(quote_redacted,
                                                                                      project.config.redact))
        report.timings["enrich"] = time.perf_counter() - t

        t = time.perf_counter()
        render_args = dict(
            docs=docs, mentors=mentors, hints=hints, directory_urls=info.directory_urls, taxonomy=taxonomy,
            statuses=statuses, outside=outside, reciprocal=pairs, page_size=project.config.sessions_per_page,
            site_name=site_name, site_url=site_url, learning_paths=project.config.learning_paths, offline=offline,
            allowed_hosts=tuple(project.config.allowed_hosts), format_words=project.config.directory.formats,
            language=language, audience=audience, needs=needs, feedback=feedback,
            matching=project.config.matching.shares(), ask=project.config.ask)
        digest = fingerprint([audience, str(info.docs_dir), render_args])
        reuse = None
        if state.unchanged(digest, owned):
            report.rendered = 0
            echo("render: nothing changed since the last build; no page rendered")
        else:
            reuse = state.reuse(where)  # read before forget(): the session files it may take again
            state.forget()  # until the swap below is complete, the folders match no digest
            stage = tempfile.mkdtemp(dir=scratch_dir(project.cache_dir), prefix="render-")
            try:
                files = render_site(Path(stage), echo=echo, reuse=reuse, later=later, **render_args)
                report.rendered = len(files) - reuse.taken
                report.reused = reuse.taken
                if reuse.taken:
                    echo(f"render: {reuse.taken} session file(s) unchanged since the last build, taken again")
                swap_owned(Path(stage), info.docs_dir, project.root)
                if (Path(stage) / SEARCH_DOCS).is_dir():
                    replace_dir(Path(stage) / SEARCH_DOCS, search_docs, aside=Path(stage))
                else:
                    shutil.rmtree(search_docs, ignore_errors=True)
            finally:
                shutil.rmtree(stage, ignore_errors=True)
        save = partial(state.save, digest, owned, inputs, keys=reuse.keys if reuse is not None else state.keys())
    # MkDocs neither reads nor copies the downloads (kbgen links them into the site after it) nor
    # the search documents (Pagefind's, after it), so they are made while it runs, in a worker of
    # their own: MkDocs keeps to one CPU.
    wait = start_files(later, workers=1, place=where, least=1)
    report.timings["render"] = time.perf_counter() - t

    finished = False

    def finish_render() -> None:
        """The downloads made, the render state saved (what the next build compares with)."""
        nonlocal finished
        finished = True
        t = time.perf_counter()
        wait()
        if save is not None:
            save()
        report.timings["render"] += time.perf_counter() - t

    try:
        report.timings.update(mkdocs_build(info, project.site_dir, project.root, strict=strict, echo=echo,
                                           audience=audience, search_docs=search_docs, offline=offline,
                                           allowed_hosts=project.config.allowed_hosts,
                                           scan_memo=project.cache_dir / f"site-checks-{audience}.json",
                                           before_site=finish_render, docs_ready=wait,
                                           scratch=scratch_dir(project.cache_dir, beside=project.site_dir)))
    except BaseException:
        if not finished:  # MkDocs failed: what was rendered is kept all the same (and saved as such)
            try:
                finish_render()
            except Exception:  # noqa: BLE001 - MkDocs' error is the one to report
                pass
        raise
    report.timings["total"] = time.perf_counter() - t0
    return report
