"""The `kbgen` command: a thin click layer. Heavy imports happen inside the commands."""

from __future__ import annotations

import time
from pathlib import Path

import click

from . import __version__

project_option = click.option(
    "--project", "-p", "project_dir", type=click.Path(file_okay=False, path_type=Path), default=".",
    show_default=True, help="The knowledge-base project folder.",
)


def _err(msg: str) -> None:
    click.echo(msg, err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kbgen")
def cli() -> None:
    """kbgen: turn recorded mentoring into a searchable knowledge base.

    Reads recordings/ (media + YAML sidecars), mentors.yaml and kbgen.yml, and writes a
    MkDocs + Material site into site/.
    """


@cli.command()
@project_option
@click.option("--audience", type=click.Choice(["public", "internal"]), default=None,
              help="Who the site is for (default: kbgen.yml's audience, else public).")
@click.option("--strict/--no-strict", default=True, show_default=True,
              help="Fail on MkDocs warnings such as broken links.")
def build(project_dir: Path, audience: str | None, strict: bool) -> None:
    """Transcribe what is new, then build the site for one audience into site/."""
    from .config import load_project
    from .pipeline import build as run_build

    project = load_project(project_dir)
    report = run_build(project, audience=audience, strict=strict, echo=_err)
    t = report.timings
    from .errors import rel

    click.echo(
        f"built the {report.audience} site: {len(report.published)} session(s) published, "
        f"{len(report.excluded)} left out, in {t['total']:.1f} s "
        f"(transcribe {t['transcribe']:.1f} s, mkdocs {t['mkdocs']:.1f} s) -> {rel(project.site_dir, project.root)}/"
    )


@cli.command()
@project_option
@click.option("--audience", type=click.Choice(["public", "internal"]), default=None,
              help="Only the sessions this audience may see (default: every recording).")
def transcribe(project_dir: Path, audience: str | None) -> None:
    """Transcribe every recording not in the cache yet (no site is built)."""
    from .audience import select
    from .config import load_project
    from .pipeline import load_inputs
    from .pipeline import transcribe as run_transcribe

    project = load_project(project_dir)
    _, sessions = load_inputs(project)
    if audience:
        sessions, _ = select(sessions, audience)
    t0 = time.perf_counter()
    transcripts = run_transcribe(project, sessions, echo=_err)
    audio = sum(t.duration for t in transcripts.values())
    click.echo(f"{len(transcripts)} transcript(s) ready ({audio / 60:.1f} min of audio) "
               f"in {time.perf_counter() - t0:.1f} s")


@cli.command()
@project_option
def validate(project_dir: Path) -> None:
    """Check kbgen.yml, mkdocs.yml, the roster and every sidecar; report every problem."""
    from .audience import select
    from .config import load_project
    from .pipeline import load_inputs
    from .site.build import check_layout, read_mkdocs

    project = load_project(project_dir)
    info = read_mkdocs(project.mkdocs_file, project.root)
    check_layout(info, {"recordings": project.recordings_dir, "the roster": project.roster_file,
                        "cache_dir": project.cache_dir}, project.site_dir, project.root)
    mentors, sessions = load_inputs(project)
    click.echo(f"ok: {len(mentors)} mentor(s), {len(sessions)} session(s)")
    for audience in ("public", "internal"):
        kept, _ = select(sessions, audience)
        click.echo(f"  {audience} build: {len(kept)} session(s)")


@cli.command()
@project_option
@click.option("--audience", type=click.Choice(["public", "internal"]), default=None)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(project_dir: Path, audience: str | None, host: str, port: int) -> None:
    """Build, serve site/ on HTTP, and rebuild when inputs change (Ctrl-C stops)."""
    from .config import load_project
    from .serve import serve as run_serve

    run_serve(load_project(project_dir), audience, host, port, echo=_err)


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Create a new knowledge-base project in DIRECTORY that builds as it is."""
    from .scaffold import scaffold

    written = scaffold(directory)
    click.echo(f"created {len(written)} file(s) in {directory}; next: cd {directory} && kbgen build")


def main() -> None:
    cli(prog_name="kbgen")


if __name__ == "__main__":
    main()
