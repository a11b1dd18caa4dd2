"""`kbgen serve`: build, serve the site over HTTP, rebuild when an input changes."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from pathlib import Path

from .config import CONFIG_FILE, Project
from .errors import KbgenError


def snapshot(project: Project, docs_dir: Path | None) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every input the build reads; kbgen's own output is ignored."""
    from .site.render import OWNED

    files: list[Path] = [project.roster_file, project.mkdocs_file, project.root / CONFIG_FILE]
    if project.recordings_dir.is_dir():
        files += [p for p in project.recordings_dir.rglob("*") if p.is_file()]
    if docs_dir is not None and docs_dir.is_dir():
        files += [p for p in docs_dir.rglob("*")
                  if p.is_file() and p.relative_to(docs_dir).parts[0] not in OWNED]
    state = {}
    for p in files:
        try:
            st = p.stat()
        except OSError:
            continue
        state[str(p)] = (st.st_mtime_ns, st.st_size)
    return state


def serve(project: Project, audience: str | None, host: str, port: int,
          echo: Callable[[str], None], poll: float = 1.0, stop: threading.Event | None = None,
          build_kwargs: dict | None = None) -> None:
    """Serve until Ctrl-C (or ``stop`` is set); ``build_kwargs`` go to each build (tests)."""
    from .pipeline import build
    from .site.build import read_mkdocs, site_audience

    audience = audience or project.config.audience

    def rebuild() -> bool:
        try:
            report = build(project, audience=audience, strict=False, echo=echo, **(build_kwargs or {}))
            echo(f"built {len(report.published)} session(s) in {report.timings['total']:.1f} s")
            return True
        except KbgenError as exc:  # keep serving the last good site
            echo(f"build failed, still serving the previous site:\n{exc.format_message()}")
            return False

    try:
        docs = read_mkdocs(project.mkdocs_file, project.root).docs_dir
    except KbgenError:
        docs = None
    seen = snapshot(project, docs)
    if not rebuild() and site_audience(project.site_dir) != audience:
        # Never serve what another audience's build left (an internal site to a public preview).
        raise KbgenError(f"the first {audience} build failed and {project.site_dir.name}/ holds no {audience} "
                         "site to fall back on; fix the problems above and run `kbgen serve` again")
    project.site_dir.mkdir(parents=True, exist_ok=True)
    from .httpserve import RangeRequestHandler

    handler = functools.partial(RangeRequestHandler, directory=str(project.site_dir))
    try:
        server = ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise KbgenError(f"cannot serve on {host}:{port} ({exc.strerror}); pass another --port") from None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    echo(f"serving http://{host}:{server.server_address[1]}/ (Ctrl-C stops)")
    stop = stop or threading.Event()
    try:
        while not stop.wait(poll):
            now = snapshot(project, docs)
            if now != seen:
                # Taken before the rebuild: an edit made while it runs is seen next time.
                seen = now
                echo("change detected, rebuilding")
                rebuild()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
