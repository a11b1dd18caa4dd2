"""The MkDocs adapter: swap rendered folders into the docs dir, build, swap the site in.

kbgen's own stages only write Markdown; this module is the one place that knows MkDocs.
It uses MkDocs' config loader and build command, never its plugin API, so the pages stay
buildable by any engine that reads mkdocs.yml.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import BuildError, ConfigError, rel
from ..fsutil import link_or_copy, replace_dir
from .i18n import messages
from .render import ASSETS, HOME, INDEX_PAGES, MARKED, OWNED, OWNED_MARKER, PROGRAM_PAGE, STATIC
from .search import EarlyIndex, pagefind_index

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


class _Lenient(yaml.SafeLoader):
    """Reads mkdocs.yml for a few keys without running its `!!python/...` tags."""


_Lenient.add_multi_constructor("!", lambda loader, suffix, node: None)
_Lenient.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


@dataclass(frozen=True)
class MkdocsInfo:
    """What kbgen needs to know of the user's mkdocs.yml before rendering."""

    file: Path
    docs_dir: Path
    directory_urls: bool
    raw: dict
    offline: bool = False  # Material's offline plugin is listed (MkDocs then builds without directory URLs)


def read_mkdocs(file: Path, root: Path) -> MkdocsInfo:
    """Read the keys kbgen cares about from ``file``; errors name the file."""
    shown = rel(file, root)
    if not file.is_file():
        raise ConfigError(f"{shown}: not found; create it (`kbgen init` writes a minimal one) "
                          "or set `mkdocs_config:` in kbgen.yml")
    try:
        raw = yaml.load(file.read_text(encoding="utf-8"), Loader=_Lenient) or {}  # noqa: S506 (safe subclass)
    except UnicodeDecodeError:
        raise ConfigError(f"{shown}: not UTF-8 text; save it as UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f": line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{shown}{where}: not valid YAML; fix the syntax") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{shown}: expected a mapping of MkDocs settings")
    docs_dir = (file.parent / str(raw.get("docs_dir", "docs"))).resolve()
    if not docs_dir.is_relative_to(root) or docs_dir == root:
        raise ConfigError(f"{shown}: field 'docs_dir': must be a folder inside the project")
    for key in ("nav", "extra_css", "extra_javascript"):
        if key in raw and raw[key] is not None and not isinstance(raw[key], list):
            raise ConfigError(f"{shown}: field '{key}': expected a list (one '- item' per line)")
    return MkdocsInfo(file, docs_dir, bool(raw.get("use_directory_urls", True)), raw,
                      offline=_lists_offline(raw.get("plugins")))


OFFLINE_PLUGINS = ("offline", "material/offline")
#: The Web Worker shim for file:// pages (Material's search), shipped with kbgen; see assets/iframe-worker.js.
WORKER_SHIM = "kbgen-assets/iframe-worker.js"


def _plugin_items(plugins) -> list[tuple[object, object]]:
    if isinstance(plugins, dict):
        return list(plugins.items())
    if not isinstance(plugins, list):
        return []  # MkDocs reports a malformed plugins setting itself
    return [(p, None) if isinstance(p, str) else next(iter(p.items())) for p in plugins or []
            if isinstance(p, str) or (isinstance(p, dict) and len(p) == 1)]


def _lists_offline(plugins) -> bool:
    """Whether mkdocs.yml's plugins (as written) enable Material's offline plugin."""
    return any(name in OFFLINE_PLUGINS and not (isinstance(conf, dict) and conf.get("enabled") is False)
               for name, conf in _plugin_items(plugins))


class _Tagged:
    """A value behind a YAML tag that kbgen does not run (it cannot be written back as it was)."""


class _Restate(yaml.SafeLoader):
    """Reads mkdocs.yml to restate some of it as overrides: `!ENV` as MkDocs reads it, other tags marked."""


_Restate.add_multi_constructor("!", lambda loader, suffix, node: _Tagged())
_Restate.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: _Tagged())


def _user_config(file: Path, seen: tuple[Path, ...] = ()) -> dict:
    """mkdocs.yml as written, its INHERIT parents merged in as MkDocs does (for keys kbgen restates)."""
    import mergedeep
    import yaml_env_tag

    class Loader(_Restate):
        pass

    Loader.add_constructor("!ENV", yaml_env_tag.construct_env_tag)
    data = yaml.load(file.read_text(encoding="utf-8"), Loader=Loader) or {}  # noqa: S506 (safe subclass)
    parent = data.pop("INHERIT", None) if isinstance(data, dict) else None
    if isinstance(parent, str) and (file.parent / parent).is_file() and file not in seen:
        data = mergedeep.merge(_user_config((file.parent / parent).resolve(), (*seen, file)), data)
    return data if isinstance(data, dict) else {}


def _has_tagged(value) -> bool:
    if isinstance(value, _Tagged):
        return True
    if isinstance(value, dict):
        return any(_has_tagged(v) for v in value.values())
    return isinstance(value, list) and any(_has_tagged(v) for v in value)


def _offline_overrides(info: MkdocsInfo, user: dict) -> dict[str, object]:
    """Overrides for an offline build: no directory URLs; Material's offline plugin added to the plugins."""
    overrides: dict[str, object] = {"use_directory_urls": False}
    plugins = user.get("plugins")
    if _lists_offline(plugins):
        return overrides
    if _has_tagged(plugins):
        raise ConfigError(f"{info.file.name}: field 'plugins': uses a YAML tag kbgen cannot restate while adding "
                          "Material's offline plugin for the offline build; add `- offline` to plugins yourself")
    if plugins is None:
        plugins = ["search"]  # MkDocs' default
    overrides["plugins"] = {**plugins, "offline": {}} if isinstance(plugins, dict) else [*plugins, "offline"]
    return overrides


def _intranet_theme(cfg, user: dict, offline_active: bool) -> None:
    """Material without `theme.font` would load Google Fonts: system fonts instead. An offline plugin
    gets kbgen's copy of its Web Worker shim (it would add one from unpkg.com)."""
    theme = user.get("theme")
    if cfg["theme"] is not None and cfg["theme"].name == "material" and not (isinstance(theme, dict)
                                                                            and "font" in theme):
        cfg["theme"]["font"] = False
    if offline_active:
        polyfills = list(cfg["extra"].get("polyfills") or [])
        if not any("iframe-worker" in str(p) for p in polyfills):
            cfg["extra"]["polyfills"] = [*polyfills, WORKER_SHIM]


def _offline_active(cfg) -> bool:
    return any(name in cfg["plugins"] and getattr(cfg["plugins"][name].config, "enabled", True)
               for name in OFFLINE_PLUGINS)


def _finish_offline(built: Path) -> None:
    """Material's search from file://: the (trimmed) index as a script; the Worker shim beside kbgen's assets."""
    index = built / "search" / "search_index.json"
    if index.is_file():  # rewritten: Material's offline plugin wrote it before the index was trimmed
        (built / "search" / "search_index.js").write_text("var __index = " + index.read_text(encoding="utf-8"),
                                                          encoding="utf-8")
    shutil.copyfile(Path(__file__).parent / "assets" / "iframe-worker.js", built / WORKER_SHIM)


def check_layout(info: MkdocsInfo, inputs: dict[str, Path], site_dir: Path, root: Path) -> None:
    """Refuse layouts where the build would publish an input or write into its own source."""
    shown = rel(info.file, root)
    for name, path in inputs.items():
        if path == info.docs_dir or info.docs_dir in path.parents:
            raise ConfigError(f"{shown}: field 'docs_dir': {name} ({rel(path, root)}) lies inside the docs folder "
                              "and would be published as it is; move it out of the docs folder")
    if site_dir == info.docs_dir or site_dir in info.docs_dir.parents or info.docs_dir in site_dir.parents:
        raise ConfigError(f"site_dir {rel(site_dir, root)} and docs_dir {rel(info.docs_dir, root)} must not "
                          "contain each other; give each a folder of its own")
    # MkDocs follows links: a link in the docs folder to an input would publish it as it is
    # (every sidecar and transcript, private ones too).
    targets = {name: path.resolve() for name, path in inputs.items()}
    for folder, dirs, files in os.walk(info.docs_dir):
        here = Path(folder)
        if here == info.docs_dir:
            dirs[:] = [d for d in dirs if d not in OWNED]  # kbgen's own folders: written by it, no links
        for name in sorted(dirs + files):
            path = here / name
            if not path.is_symlink():
                continue
            real = path.resolve()
            for what, target in targets.items():
                if real == target or target in real.parents or real in target.parents:
                    raise ConfigError(f"{rel(path, root)}: a link to {what} ({rel(target, root)}) inside the docs "
                                      "folder would publish it as it is; remove the link")


MARKER = ".kbgen-site"


def site_audience(site_dir: Path) -> str | None:
    """The audience a kbgen-built ``site_dir`` was built for (None: not built by kbgen)."""
    try:
        return json.loads((site_dir / MARKER).read_text(encoding="utf-8")).get("audience")
    except (OSError, ValueError, AttributeError):
        return None


def swap_owned(stage: Path, docs_dir: Path, root: Path | None = None) -> None:
    """Replace kbgen's folders in ``docs_dir`` with those in ``stage`` (stale files go).

    Every folder is checked before any is replaced: a folder kbgen took over in a later version
    (``MARKED``) that lacks kbgen's marker holds someone's own pages, and is never replaced.
    """
    docs_dir.mkdir(parents=True, exist_ok=True)
    for name in OWNED:
        target = docs_dir / name
        shown = rel(target, root) if root is not None else str(target)
        if target.is_symlink():
            raise BuildError(f"{shown}: is a symbolic link; kbgen owns this folder, remove the link")
        if target.exists() and not target.is_dir():
            raise BuildError(f"{shown}: is a file, but kbgen writes a folder of that name on every build; "
                             "rename or move the file")
        if name in MARKED and target.is_dir() and not (target / OWNED_MARKER).exists() and any(target.iterdir()):
            raise BuildError(f"{shown}/: kbgen writes its {name} pages into this folder and replaces it on every "
                             "build, but it holds files kbgen did not write; move them to a folder of another "
                             "name and build again (nothing was changed)")
    trash = Path(tempfile.mkdtemp(dir=stage.parent, prefix="trash-"))
    try:
        for name in OWNED:
            target = docs_dir / name
            if target.exists():
                os.replace(target, trash / name)
            if (stage / name).exists():
                shutil.move(str(stage / name), str(target))
    finally:
        shutil.rmtree(trash, ignore_errors=True)


def _nav_pages(nav) -> set[str]:
    """Every page path a MkDocs nav mentions, at any depth."""
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, list):
        return set().union(*(_nav_pages(x) for x in nav)) if nav else set()
    if isinstance(nav, dict):
        return set().union(*(_nav_pages(v) for v in nav.values())) if nav else set()
    return set()


def _hand_pages(docs_dir: Path) -> list[str]:
    pages = []
    for path in sorted(docs_dir.rglob("*.md")):
        relp = path.relative_to(docs_dir)
        if relp.parts[0] in OWNED or any(p.startswith((".", "_")) for p in relp.parts):
            continue
        pages.append(relp.as_posix())
    return sorted(pages, key=lambda p: (p != "index.md", p.count("/"), p))


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _mkdocs_logs(echo: Callable[[str], None] | None) -> Iterator[_Collect]:
    logger = logging.getLogger("mkdocs")
    handler = _Collect()
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate
        if echo:
            for msg in handler.messages:
                echo(f"mkdocs: {msg}")


def link_static(docs_dir: Path, built: Path) -> int:
    """Link kbgen's static session files (:data:`.render.STATIC`) from the docs dir into the
    built site, where MkDocs would have copied them; return how many."""
    n = 0
    for pattern in STATIC:
        for src in sorted(docs_dir.glob(pattern)):
            if not src.name.startswith(".") and src.is_file():  # as MkDocs: no dotfiles
                link_or_copy(src, built / src.relative_to(docs_dir))
                n += 1
    return n


def material_titles_and_summaries(built: Path, session_pages: set[str], summary: Sequence[str] = ("summary",)) -> None:
    """Keep Material's search to titles and summaries on session pages.

    Transcripts are Pagefind's (loaded a chunk at a time); in Material's index, which the
    browser loads whole, they made 23 MB at 1,000 one-hour sessions. Material's indexer skips
    the transcript block (``data-search-exclude``); of each session page only the page entry
    (title, description, who and when) and its Summary section are kept here.
    ``session_pages`` are the built pages' paths (``sessions/x/index.html``); ``summary``: the
    Summary heading's ids (its title, in the site's language, made an id by MkDocs).
    """
    file = built / "search" / "search_index.json"
    if not file.is_file() or not session_pages:
        return
    locations = {p.removesuffix("index.html") for p in session_pages}
    data = json.loads(file.read_text(encoding="utf-8"))

    def keep(doc: dict) -> bool:
        page, _, section = str(doc.get("location", "")).partition("#")
        return page not in locations or section == "" or section in summary

    data["docs"] = [d for d in data.get("docs", []) if keep(d)]
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    file.write_text(text, encoding="utf-8")  # offline builds inline it afterwards (_finish_offline)


def mkdocs_build(info: MkdocsInfo, site_dir: Path, root: Path, strict: bool = True,
                 echo: Callable[[str], None] | None = None, audience: str = "public",
                 search_docs: Path | None = None, offline: bool = False,
                 allowed_hosts: Sequence[str] = (), scan_memo: Path | None = None,
                 before_site: Callable[[], None] | None = None,
                 docs_ready: Callable[[], None] | None = None, scratch: Path | None = None) -> dict[str, float]:
    """Build with MkDocs into a temporary folder, then swap it in as ``site_dir``.

    Returns the seconds spent in MkDocs, in Pagefind and in kbgen's checks of the output.

    A failed build leaves the previous ``site_dir`` exactly as it was. An existing
    ``site_dir`` is only replaced when kbgen built it (it holds the marker file). So does a site
    whose pages would load anything from a host not in ``allowed_hosts`` (:mod:`.privacy`).
    ``offline``: a site that works opened from disk (no directory URLs, Material's offline
    plugin, no Pagefind index: transcript search needs HTTP). ``scan_memo``: where the check for
    requests to other hosts remembers the pages it found clean (see :func:`.privacy.scan_site`).

    MkDocs neither reads nor copies kbgen's static session files (:data:`.render.STATIC`: the
    downloads and recordings); they are linked into the site after it (a copy across file
    systems). ``before_site`` is called once MkDocs is done, before that: it waits for the
    downloads made meanwhile.

    Pagefind indexes the search documents while MkDocs runs (:class:`EarlyIndex`), once
    ``docs_ready()`` returns (they are being written meanwhile too); the built pages are added
    after MkDocs. ``timings["pagefind"]`` is what is left of its work then.

    The site is built in ``scratch`` (default: beside ``site_dir``; it must be on the same file
    system, for the swap), where the old site is put aside to be removed too.
    """
    import time

    from mkdocs import exceptions
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from . import privacy

    timings: dict[str, float] = {}
    started = time.perf_counter()

    raw = info.raw
    try:
        user = _user_config(info.file)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        user = {}  # MkDocs' own loading below names the problem
    offline = offline or info.offline
    overrides: dict[str, object] = _offline_overrides(info, user) if offline else {}
    if "theme" not in raw:
        overrides["theme"] = {"name": "material"}
    nav = raw.get("nav")
    if not nav:
        nav = [p for p in _hand_pages(info.docs_dir)]
    listed = _nav_pages(nav)
    words = messages(site_language(raw))
    nav = list(nav) + [{words._(title): page} for title, page in INDEX_PAGES if page not in listed]
    if audience == "internal" and PROGRAM_PAGE[1] not in listed and (info.docs_dir / PROGRAM_PAGE[1]).is_file():
        nav.append({words._(PROGRAM_PAGE[0]): PROGRAM_PAGE[1]})  # the coordinators' page: internal builds only
    overrides["nav"] = nav
    # Session, mentor and topic pages are reached from the index pages, on purpose.
    owned = "\n".join(f"/{name}/" for name in OWNED)
    overrides["not_in_nav"] = "\n".join(x for x in (str(raw.get("not_in_nav") or "").strip(), owned) if x)
    overrides["exclude_docs"] = "\n".join(x for x in (str(raw.get("exclude_docs") or "").strip(),
                                                       "\n".join(f"/{p}" for p in (*STATIC, HOME))) if x)
    overrides["extra_css"] = list(raw.get("extra_css") or []) + [f"kbgen-assets/{a}" for a in ASSETS
                                                                if a.endswith(".css")]
    overrides["extra_javascript"] = list(raw.get("extra_javascript") or []) + [
        f"kbgen-assets/{a}" for a in ASSETS if a.endswith(".js")]

    site_dir = site_dir.resolve()
    if site_dir.is_relative_to(info.docs_dir) or site_dir == root:
        raise ConfigError(f"site_dir {rel(site_dir, root)} must not be the project root or inside the docs folder")
    previous = site_audience(site_dir)
    if site_dir.is_symlink() or (site_dir.exists() and not site_dir.is_dir()):
        raise BuildError(f"{rel(site_dir, root)}: site_dir is a file or a link; kbgen replaces site_dir whole, "
                         "so point it at a folder of its own")
    if site_dir.exists() and previous is None and any(site_dir.iterdir()):
        raise BuildError(f"{rel(site_dir, root)}: exists and was not built by kbgen (no {MARKER} in it); kbgen "
                         "replaces site_dir whole, so empty it, remove it, or choose another site_dir")
    before = f" (the {previous} build)" if previous else ""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    scratch = scratch or site_dir.parent
    tmp = Path(tempfile.mkdtemp(dir=scratch, prefix=f".{site_dir.name}-new-"))
    early: EarlyIndex | None = None
    shown = rel(site_dir, root) + "/" + before
    try:
        with _mkdocs_logs(echo) as logs:
            try:
                cfg = load_config(str(info.file), site_dir=str(tmp), strict=strict, **overrides)
                _intranet_theme(cfg, user, _offline_active(cfg))
                own = [] if offline else [privacy.external_host(str(cfg["site_url"] or "")) or ""]
                allowed = privacy.Allowed([*allowed_hosts, *own])
                found = privacy.blocked(privacy.config_findings(cfg, info.file.name), allowed)
                if found:
                    raise BuildError(privacy.report(found, f"{rel(site_dir, root)}/{before}"))
                if not offline and search_docs is not None:
                    early = EarlyIndex(search_docs, docs_ready or (lambda: None))
                build(cfg)
            except exceptions.ConfigurationError as exc:
                raise ConfigError(f"{rel(info.file, root)}: {exc}") from None
            except exceptions.Abort as exc:
                details = "\n".join(f"  - {m}" for m in logs.messages)
                raise BuildError(
                    f"MkDocs build failed: {exc}\n{details}\nThe previous {rel(site_dir, root)}/{before} is unchanged."
                ) from None
        timings["mkdocs"] = time.perf_counter() - started
        if before_site is not None:
            before_site()
        started = time.perf_counter()
        link_static(info.docs_dir, tmp)
        material_titles_and_summaries(tmp, {p.relative_to(search_docs).as_posix()
                                             for p in search_docs.rglob("*.html")} if search_docs else set(),
                                      _summary_ids(cfg))
        if _offline_active(cfg):
            _finish_offline(tmp)
        timings["site checks"] = time.perf_counter() - started
        if not offline:  # Pagefind's script fetches its index: no use from file://
            started = time.perf_counter()
            if early is None or early.finish(tmp, shown) is None:
                pagefind_index(tmp, search_docs, shown=shown)
            timings["pagefind"] = time.perf_counter() - started
        started = time.perf_counter()
        found = privacy.blocked(privacy.scan_site(tmp, memo=scan_memo), allowed)
        if found:
            raise BuildError(privacy.report(found, f"{rel(site_dir, root)}/{before}"))
        (tmp / MARKER).write_text(json.dumps({"audience": audience}) + "\n", encoding="utf-8")
        tmp.chmod(0o755)  # mkdtemp makes it 0700; a web server under another user must read it
        replace_dir(tmp, site_dir, aside=scratch)
        timings["site checks"] += time.perf_counter() - started
    finally:
        if early is not None:
            early.cancel()  # after finish(): nothing left to do; after a failure: Pagefind closed
        shutil.rmtree(tmp, ignore_errors=True)
    return timings


def _language(cfg) -> str:
    """The site's language: the theme's (Material's ``theme.language``), else English."""
    return str((cfg["theme"].get("language") if cfg["theme"] else None) or "en")


def site_language(raw: dict) -> str:
    """The site's language as mkdocs.yml states it (``theme.language``; Material's default:
    English), before MkDocs reads it: the language of kbgen's words on every page (the render
    stage's ``language``)."""
    theme = raw.get("theme")
    language = theme.get("language") if isinstance(theme, dict) else None
    return language.strip() if isinstance(language, str) and language.strip() else "en"


def _summary_ids(cfg) -> tuple[str, ...]:
    """The ids MkDocs gives a session page's Summary heading, in the site's language."""
    from markdown.extensions.toc import slugify

    title = messages(_language(cfg))._("Summary")
    return tuple(dict.fromkeys(("summary", slugify(title, "-"))))
