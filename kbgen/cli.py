"""The `kbgen` command: a thin click layer. Heavy imports happen inside the commands."""

from __future__ import annotations

import time
from pathlib import Path

import click

from . import __version__
from .errors import KbgenError, colour

#: How much the commands say on stderr: 0 (-q: problems only), 1 (default), 2 (-v: also timings);
#: kept on the invocation's root context, so one invocation's flags never reach the next.
VERBOSITY = "kbgen.verbosity"


def _level() -> int:
    ctx = click.get_current_context(silent=True)
    return ctx.find_root().meta.get(VERBOSITY, 1) if ctx is not None else 1


def _given_project(ctx: click.Context, _param, value: Path | None) -> Path:
    """``--project`` after the command, else before it (``kbgen -p DIR build``), else here."""
    if value is not None:
        return value
    root = ctx.find_root()
    return root.params.get("project_dir") or Path(".")


project_option = click.option(
    "--project", "-p", "project_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    callback=_given_project, help="The knowledge-base project folder (default: the current folder).",
)


def _set_verbosity(ctx: click.Context, param, value: bool) -> None:
    if value:
        ctx.find_root().meta[VERBOSITY] = 0 if param.name == "quiet" else 2


def verbosity_options(f):
    """-q/--quiet and -v/--verbose, on the group and on every command (`kbgen -q build`, `kbgen build -q`)."""
    f = click.option("--verbose", "-v", is_flag=True, expose_value=False, is_eager=True, callback=_set_verbosity,
                     help="Say more: how long each stage took.")(f)
    f = click.option("--quiet", "-q", is_flag=True, expose_value=False, is_eager=True, callback=_set_verbosity,
                     help="Say only what went wrong (and the result line).")(f)
    return f


#: Line openings coloured on a terminal (and never with NO_COLOR): what worked, what to look at.
_STYLES = {"built the ": "green", "ok:": "green", "note:": "yellow", "warning:": "yellow"}


def _echo(msg: str, err: bool = False) -> None:
    for opening, fg in _STYLES.items():
        if msg.startswith(opening):
            msg = click.style(opening, fg=fg, bold=True) + msg[len(opening):]
            break
    click.echo(msg, err=err, color=colour())


def _err(msg: str) -> None:
    """Progress and notes, on stderr: left out with -q."""
    if _level() > 0:
        _echo(msg, err=True)


def _detail(msg: str) -> None:
    """What only -v shows."""
    if _level() > 1:
        _echo(msg, err=True)


def transcribe_options(f):
    """--jobs, --scheduler and --retranscribe, shared by build and transcribe."""
    f = click.option("--retranscribe", is_flag=True,
                     help="Transcribe recordings even when a transcript file lies beside them.")(f)
    f = click.option("--scheduler", metavar="ADDRESS", default=None,
                     help="Dask scheduler address (tcp://host:8786); overrides transcribe.scheduler.")(f)
    f = click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
                     help="Recordings transcribed in parallel; overrides transcribe.jobs.")(f)
    return f


def _load(project_dir: Path, jobs: int | None = None, scheduler: str | None = None):
    """The project, with command-line overrides of its transcribe settings."""
    from dataclasses import replace

    from .config import load_project

    project = load_project(project_dir)
    update = {k: v for k, v in (("jobs", jobs), ("scheduler", scheduler)) if v is not None}
    if update:
        cfg = project.config
        project = replace(project, config=cfg.model_copy(
            update={"transcribe": cfg.transcribe.model_copy(update=update)}))
    return project


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, invoke_without_command=True)
@click.version_option(__version__, prog_name="kbgen")
@click.option("--project", "-p", "project_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The knowledge-base project folder, for the command that follows (default: the current folder).")
@verbosity_options
@click.pass_context
def cli(ctx: click.Context, project_dir: Path | None) -> None:
    """kbgen: turn recorded mentoring into a searchable knowledge base.

    Reads recordings/ (media + YAML sidecars), mentors.yaml and kbgen.yml, and writes a
    MkDocs + Material site into site/.
    """
    if ctx.invoked_subcommand is None:  # `kbgen` alone: what there is to do
        click.echo(ctx.get_help())
        ctx.exit(0)


@cli.command()
@verbosity_options
@project_option
@click.option("--audience", type=click.Choice(["public", "internal"]), default=None,
              help="Who the site is for (default: kbgen.yml's audience, else public).")
@click.option("--strict/--no-strict", default=True, show_default=True,
              help="Fail on MkDocs warnings such as broken links.")
@click.option("--offline/--no-offline", default=None,
              help="Build a site that works opened from disk (file://); overrides kbgen.yml's offline.")
@click.option("--wait/--no-wait", default=True, show_default=True,
              help="While another build of the project runs, wait for it (or stop at once with --no-wait).")
@transcribe_options
def build(project_dir: Path, audience: str | None, strict: bool, offline: bool | None, wait: bool, jobs: int | None,
          scheduler: str | None, retranscribe: bool) -> None:
    """Transcribe what is new, then build the site for one audience into site/."""
    from .pipeline import build as run_build

    project = _load(project_dir, jobs, scheduler)
    report = run_build(project, audience=audience, strict=strict, echo=_err, retranscribe=retranscribe,
                       offline=offline, wait=wait)
    t = report.timings
    from .errors import rel

    _echo(
        f"built the {report.audience} site: {len(report.published)} session(s) published, "
        f"{len(report.excluded)} left out, in {t['total']:.1f} s "
        f"(transcribe {t['transcribe']:.1f} s, mkdocs {t['mkdocs']:.1f} s) -> {rel(project.site_dir, project.root)}/"
    )
    _detail("stages: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in t.items()))


@cli.command()
@verbosity_options
@project_option
@click.option("--audience", type=click.Choice(["public", "internal"]), default=None,
              help="Only the sessions this audience may see (default: every recording).")
@transcribe_options
def transcribe(project_dir: Path, audience: str | None, jobs: int | None, scheduler: str | None,
               retranscribe: bool) -> None:
    """Transcribe every recording not in the cache yet (no site is built)."""
    from .audience import select
    from .pipeline import load_inputs
    from .pipeline import transcribe as run_transcribe

    project = _load(project_dir, jobs, scheduler)
    mentors, sessions = load_inputs(project)
    if audience:
        sessions, _ = select(sessions, audience)
    t0 = time.perf_counter()
    transcripts = run_transcribe(project, sessions, echo=_err, retranscribe=retranscribe, mentors=mentors)
    audio = sum(t.duration for t in transcripts.values())
    click.echo(f"{len(transcripts)} transcript(s) ready ({audio / 60:.1f} min of audio) "
               f"in {time.perf_counter() - t0:.1f} s")


@cli.command()
@verbosity_options
@project_option
@click.option("--prune", is_flag=True, help="Remove the entries of recordings that are gone, stale temp files, and "
              "knowledge no audience's last build used.")
def cache(project_dir: Path, prune: bool) -> None:
    """Show the transcript cache (size, entries by engine); --prune what no recording uses."""
    from .config import load_project
    from .errors import rel
    from .transcribe.cache import TranscriptCache

    project = load_project(project_dir)
    store = TranscriptCache(project.cache_dir)
    if prune:
        from .lock import project_lock
        from .pipeline import load_inputs

        _, sessions = load_inputs(project)  # every visibility: a private transcript is still in use
        # A build uses the entries it read; the lock also clears what dead builds left (scratch).
        with project_lock(project.cache_dir, "kbgen cache --prune", project.config.cache_dir, _err,
                          site_dir=project.site_dir):
            from .serve import clear_dead

            clear_dead(project.cache_dir / "serve")  # copies served by previews no longer running
            result = store.prune(store.media_hashes(s.media for s in sessions if s.media is not None))
            from .knowledge import prune as prune_knowledge

            knowledge = prune_knowledge(project.cache_dir)
        click.echo(f"removed {result.removed} entr{'y' if result.removed == 1 else 'ies'} and "
                   f"{result.temp_removed} temp file(s), freed {result.freed / 1e6:.1f} MB; kept {result.kept}")
        if knowledge is None:
            click.echo("knowledge cache: no build has recorded what it uses yet; nothing removed")
        else:
            click.echo(f"knowledge cache: removed {knowledge[0]} file(s) no audience's last build used, "
                       f"freed {knowledge[1] / 1e6:.1f} MB")
    stats = store.stats()
    click.echo(f"{rel(project.cache_dir, project.root)}/: {stats.entries} transcript(s), "
               f"{stats.bytes / 1e6:.1f} MB")
    for engine, (n, size) in sorted(stats.by_engine.items()):
        click.echo(f"  {engine}: {n} ({size / 1e6:.1f} MB)")
    if stats.unreadable or stats.temp_files:
        click.echo(f"  {stats.unreadable} unreadable entr(ies), {stats.temp_files} temp file(s): "
                   "`kbgen cache --prune` removes them")


@cli.command()
@verbosity_options
@click.argument("mentees_file", type=click.Path(dir_okay=False, path_type=Path))
@project_option
@click.option("--method", type=click.Choice(["optimal", "stable", "greedy"]), default="optimal", show_default=True,
              help="optimal: the highest total score; stable: no mentee and mentor would both rather swap.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the report and agreement drafts go (default: match/ in the project).")
@click.option("--candidates", type=click.IntRange(1, 10_000), default=None,
              help="Mentors considered per mentee in large cohorts (default 100).")
def match(mentees_file: Path, project_dir: Path, method: str, out_dir: Path | None, candidates: int | None) -> None:
    """Pair a cohort of mentees (MENTEES_FILE) with mentors within their capacities.

    Writes a report (Markdown and CSV) and one partnership agreement draft per pair. Mentee
    data never enters the site.
    """
    from collections import Counter

    from .config import load_project
    from .directory.cohort import load_mentees, match_cohort
    from .directory.merit import merits
    from .directory.report import total_100, write_report
    from .directory.roster import load_roster
    from .directory.status import build_date, mentor_status
    from .errors import rel
    from .pipeline import load_inputs, spoken_languages
    from .site.build import read_mkdocs

    project = load_project(project_dir)
    formats = project.config.directory.formats
    mentors = load_roster(project.roster_file, project.root, formats)
    mentees = load_mentees(mentees_file.resolve(), project.root, mentors, formats)
    last: dict = {}
    recorded: dict[str, dict[str, int]] = {}  # mentor id -> sessions by language: evidence of it
    feedback: dict = {}
    sessions = []
    try:
        from .audience import select
        from .directory.feedback import feedback_by_mentor

        # The sessions an internal build publishes (a report for coordinators, but its reasons go
        # into agreement drafts): never a private or unconsented one.
        sessions = select(load_inputs(project)[1], "internal")[0]
        languages = spoken_languages(project, sessions, mentors)
        for s in sessions:
            for mid in s.mentors:
                last[mid] = max(last.get(mid, s.date), s.date)
                if s.id in languages:
                    counts = recorded.setdefault(mid, {})
                    counts[languages[s.id]] = counts.get(languages[s.id], 0) + 1
        feedback = feedback_by_mentor(sessions, project.config.directory.feedback_min_sessions)
    except KbgenError:
        pass  # sessions only refine who is active and what they speak; a broken sidecar does not stop matching
    held = Counter(mid for s in sessions for mid in s.mentors)
    merit = merits(mentors, held, feedback)
    today = build_date()
    days = project.config.directory.inactive_after_days
    inactive = {m.id for m in mentors if mentor_status(m, last.get(m.id), today, days).kind == "inactive"}
    result = match_cohort(mentees, mentors, method, inactive=inactive, candidates=candidates, recorded=recorded,
                          merit=merit, shares=project.config.matching.shares())
    out = (out_dir or project.root / "match").resolve()
    docs_dir = read_mkdocs(project.mkdocs_file, project.root).docs_dir
    protected = {"the docs folder": docs_dir, "site_dir": project.site_dir}
    write_report(result, mentees, mentors, out, protected=protected, root=project.root)
    click.echo(f"{len(result.pairs)} paired, {len(result.unmatched)} unmatched ({method}, total score "
               f"{total_100(result)} of {100 * len(result.pairs)}) -> {rel(out, project.root)}/")
    for u in result.unmatched:
        click.echo(f"  unmatched {u.mentee_id}: {u.why}")


@cli.command()
@verbosity_options
@project_option
def validate(project_dir: Path) -> None:
    """Check kbgen.yml, mkdocs.yml, the roster and every sidecar; report every problem."""
    from .audience import select
    from .config import load_project
    from .errors import IngestError
    from .pipeline import language_problems, load_inputs
    from .site.build import check_layout, read_mkdocs

    project = load_project(project_dir)
    info = read_mkdocs(project.mkdocs_file, project.root)
    check_layout(info, {"recordings": project.recordings_dir, "the roster": project.roster_file,
                        "cache_dir": project.cache_dir}, project.site_dir, project.root)
    mentors, sessions = load_inputs(project)
    problems = language_problems(project, select(sessions, "internal")[0])  # what a build may transcribe
    if problems:
        raise IngestError(problems, what="project")
    _echo(f"ok: {len(mentors)} mentor(s), {len(sessions)} session(s)")
    from .directory.roster import photo_note

    note = photo_note(mentors, project.config.allowed_hosts)
    if note:
        _echo(f"note: {note}")
    for audience in ("public", "internal"):
        kept, _ = select(sessions, audience)
        click.echo(f"  {audience} build: {len(kept)} session(s)")


@cli.command()
@verbosity_options
@project_option
@click.option("--audience", type=click.Choice(["public", "internal"]), default=None,
              help="Who the preview is for (default: kbgen.yml's audience, else public).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0: every interface, for other machines).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free one); checked before the first build.")
def serve(project_dir: Path, audience: str | None, host: str, port: int) -> None:
    """Build, serve site/ on HTTP, and rebuild when inputs change (Ctrl-C stops)."""
    from .config import load_project
    from .serve import serve as run_serve

    run_serve(load_project(project_dir), audience, host, port, echo=_err)


@cli.command()
@verbosity_options
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), required=False)
@project_option
def init(directory: Path | None, project_dir: Path) -> None:
    """Create a new knowledge-base project in DIRECTORY (or --project) that builds as it is."""
    from .scaffold import scaffold

    directory = directory or project_dir
    written = scaffold(directory)
    click.echo(f"created {len(written)} file(s) in {directory}; next: cd {directory} && kbgen build")


def main() -> None:
    try:
        cli(prog_name="kbgen")
    except OSError as exc:  # a disk full or read-only under a command that does not say it itself
        from .errors import disk_error

        disk_error(exc, Path.cwd(), after="").show()
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
