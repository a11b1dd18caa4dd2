"""`kbgen serve`: build, serve the site over HTTP, rebuild when an input changes."""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from pathlib import Path

from .config import CONFIG_FILE, Project
from .errors import KbgenError


def snapshot(project: Project, docs_dir: Path | None) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every input the build reads; kbgen's own output is ignored."""
    from .site.render import OWNED

    files: list[Path] = [project.roster_file, project.mkdocs_file, project.root / CONFIG_FILE,
                         *_photos(project.roster_file, project.root)]
    if project.recordings_dir.is_dir():
        inside = [p for p in project.recordings_dir.rglob("*") if p.is_file()]
        files += inside
        files += [project.root / r for p in inside if p.suffix.lower() in (".yml", ".yaml")
                  for r in _yaml_files(str(p), *_stamp(p), "resources")]
    if docs_dir is not None:
        # os.walk skips a folder that goes while it looks (another audience's build swaps kbgen's
        # folders in): rglob raised, and the polling thread died.
        for folder, dirs, names in os.walk(docs_dir):
            if Path(folder) == docs_dir:
                dirs[:] = [d for d in dirs if d not in OWNED]
            files += [Path(folder, n) for n in names]
    state = {}
    for p in files:
        try:
            st = p.stat()
        except OSError:
            continue
        state[str(p)] = (st.st_mtime_ns, st.st_size)
    return state


def _stamp(p: Path) -> tuple[int, int]:
    try:
        st = p.stat()
    except OSError:
        return (0, 0)
    return st.st_mtime_ns, st.st_size


def _photos(roster: Path, root: Path) -> list[Path]:
    """The local photo files the roster names (an https photo or a broken roster: none)."""
    return [root / p for p in _yaml_files(str(roster), *_stamp(roster), "mentors")]


@functools.lru_cache(maxsize=4096)  # keyed by the file's mtime and size: read again when it changes
def _yaml_files(path: str, mtime_ns: int, size: int, key: str) -> tuple[str, ...]:
    """The project files a YAML file names: the roster's local photos (``key`` "mentors"), a
    sidecar's resource documents ("resources"); none from a file that does not read."""
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return ()
    entries = data.get(key) if isinstance(data, dict) else (data if key == "mentors" else None)
    field = "photo" if key == "mentors" else "file"
    return tuple(e[field] for e in entries or () if isinstance(e, dict) and isinstance(e.get(field), str)
                 and "://" not in e[field]) if isinstance(entries, list) else ()


def _own_copy(site_dir: Path, folder: Path) -> None:
    """``site_dir`` as it is now, in ``folder`` (hard links: no bytes copied on one file system)."""
    from .fsutil import link_or_copy

    shutil.copytree(site_dir, folder, symlinks=True,
                    copy_function=lambda src, dst: link_or_copy(Path(src), Path(dst)))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def clear_dead(folder: Path) -> None:
    """Remove the served copies of previews that are no longer running (named ``<pid>-<n>``)."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        pid = entry.name.partition("-")[0]
        if not (pid.isdigit() and _alive(int(pid))):
            shutil.rmtree(entry, ignore_errors=True)


def serve(project: Project, audience: str | None, host: str, port: int,
          echo: Callable[[str], None], poll: float = 1.0, stop: threading.Event | None = None,
          build_kwargs: dict | None = None) -> None:
    """Serve until Ctrl-C (or ``stop`` is set); ``build_kwargs`` go to each build (tests).

    The server never serves ``site_dir`` itself, which another build (another audience's) may
    replace at any moment: after each of its own builds, holding the project's lock, it takes a
    copy of the site (hard links) into ``<cache_dir>/serve/`` and serves that. So a public preview
    shows a public site or nothing, whatever runs beside it.
    """
    from .lock import project_lock
    from .pipeline import build
    from .site.build import read_mkdocs, site_audience

    audience = audience or project.config.audience
    shown = project.config.cache_dir  # as written in kbgen.yml
    served = project.cache_dir / "serve"
    current: list[Path] = []  # the copies this preview made, newest last

    def rebuild(first: bool = False) -> bool:
        with project_lock(project.cache_dir, f"kbgen serve's {audience} build", shown, echo,
                          site_dir=project.site_dir):
            try:
                report = build(project, audience=audience, strict=False, echo=echo, **(build_kwargs or {}))
                echo(f"built {len(report.published)} session(s) in {report.timings['total']:.1f} s")
                ok = True
            except KbgenError as exc:  # keep serving the last good site
                echo(f"build failed, still serving the previous site:\n{exc.format_message()}")
                ok = False
            # Never serve what another audience's build left (an internal site to a public preview).
            if (ok or first) and site_audience(project.site_dir) == audience:
                if first:
                    clear_dead(served)
                folder = served / f"{os.getpid()}-{len(current)}"
                shutil.rmtree(folder, ignore_errors=True)
                _own_copy(project.site_dir, folder)
                current.append(folder)
                for old in current[:-2]:  # the one before stays a while: requests may be reading it
                    shutil.rmtree(old, ignore_errors=True)
        return ok

    try:
        docs = read_mkdocs(project.mkdocs_file, project.root).docs_dir
    except KbgenError:
        docs = None
    from .httpserve import RangeRequestHandler

    def handler(*args, **kwargs):  # each request: the newest copy
        return RangeRequestHandler(*args, directory=str(current[-1]), **kwargs)

    # The port is taken before the first build, which can take minutes: a busy one is said at once.
    # Requests wait in the socket's queue until the build is done and the server runs.
    try:
        server = ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise KbgenError(f"cannot serve on {host}:{port} ({exc.strerror}); pass another --port "
                         "(--port 0 takes any free one)") from None
    seen = snapshot(project, docs)
    try:
        rebuild(first=True)
    except BaseException:
        server.server_close()
        raise
    if not current:
        server.server_close()
        raise KbgenError(f"the first {audience} build failed and {project.site_dir.name}/ holds no {audience} "
                         "site to fall back on; fix the problems above and run `kbgen serve` again")
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
        for folder in current:
            shutil.rmtree(folder, ignore_errors=True)
