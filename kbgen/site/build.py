"""The MkDocs adapter: swap rendered folders into the docs dir, build, swap the site in.

kbgen's own stages only write Markdown; this module is the one place that knows MkDocs.
It uses MkDocs' config loader and build command, never its plugin API, so the pages stay
buildable by any engine that reads mkdocs.yml.
"""

from __future__ import annotations

import html
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import BuildError, ConfigError, rel
from ..fsutil import replace_dir
from .render import ASSETS, INDEX_PAGES, MOMENTS, OWNED

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
    return MkdocsInfo(file, docs_dir, bool(raw.get("use_directory_urls", True)), raw)


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


MARKER = ".kbgen-site"


def site_audience(site_dir: Path) -> str | None:
    """The audience a kbgen-built ``site_dir`` was built for (None: not built by kbgen)."""
    try:
        return json.loads((site_dir / MARKER).read_text(encoding="utf-8")).get("audience")
    except (OSError, ValueError, AttributeError):
        return None


def swap_owned(stage: Path, docs_dir: Path) -> None:
    """Replace kbgen's folders in ``docs_dir`` with those in ``stage`` (stale files go)."""
    docs_dir.mkdir(parents=True, exist_ok=True)
    trash = Path(tempfile.mkdtemp(dir=stage.parent, prefix="trash-"))
    try:
        for name in OWNED:
            target = docs_dir / name
            if target.is_symlink():
                raise BuildError(f"{target}: is a symbolic link; kbgen owns this folder, remove the link")
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


#: Parts of a page Pagefind leaves out (Material's header, sidebars, footer; kbgen's player).
PAGEFIND_EXCLUDE = (".md-header", ".md-tabs", ".md-sidebar", ".md-footer", ".md-dialog", ".md-search",
                    "nav", ".kb-player", ".headerlink")


def pagefind_index(built: Path, language: str = "en", shown: str = "site/") -> int:
    """Index the built site with Pagefind into ``built/pagefind/``; return the number of records.

    Pages are indexed as built; every transcript line of the render (``MOMENTS``, only this
    audience's sessions) is added as a record of its own that links to its moment. The moments
    file is removed from the output so it is not published twice.
    """
    import asyncio

    moments_file = built / MOMENTS
    try:
        moments = json.loads(moments_file.read_text(encoding="utf-8")) if moments_file.exists() else []
        moments_file.unlink(missing_ok=True)
    except (OSError, ValueError) as exc:
        raise BuildError(f"{MOMENTS}: cannot read the transcript moments ({exc}); "
                         f"the previous {shown} is unchanged") from None

    # One small HTML file per moment in a scratch folder beside the output (never published),
    # indexed in one call. Why not add_custom_record: the Python API waits ~0.1 s per call (it
    # polls the service), which is minutes at a few thousand transcript lines. The file's
    # `url` meta holds the moment's address; the search page links results there.
    scratch = Path(tempfile.mkdtemp(dir=built.parent, prefix=".moments-"))
    for n, m in enumerate(moments):
        # The attribute form keeps filter values out of the searchable text (commas would split them).
        filters = "".join(f'<span data-pagefind-filter="{html.escape(k)}:{html.escape(v.replace(",", " "))}"></span>'
                          for k, values in sorted(m["filters"].items()) for v in values)
        (scratch / f"{n}.html").write_text(
            f'<!doctype html><html lang="{html.escape(language)}"><head><meta charset="utf-8"></head><body>'
            f'<h1 data-pagefind-meta="title">{html.escape(m["title"])}</h1>'
            f'<span data-pagefind-meta="url:{html.escape(m["url"])}"></span>{filters}'
            f'<p>{html.escape(m["content"])}</p></body></html>', encoding="utf-8")

    async def run() -> None:
        from pagefind.index import IndexConfig, PagefindIndex

        config = IndexConfig(exclude_selectors=list(PAGEFIND_EXCLUDE), output_path=str(built / "pagefind"))
        async with PagefindIndex(config=config) as index:
            await index.add_directory(str(built))
            if moments:
                await index.add_directory(str(scratch), glob="*.html")

    try:
        asyncio.run(run())
    except Exception as exc:  # the service reports failures as assorted exceptions
        raise BuildError(f"Pagefind indexing failed: {type(exc).__name__}: {exc}\n"
                         f"The previous {shown} is unchanged.") from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if not (built / "pagefind" / "pagefind.js").is_file():
        raise BuildError(f"Pagefind wrote no index; the previous {shown} is unchanged.")
    try:
        _stable_pagefind_meta(built / "pagefind")
    except (OSError, ValueError, KeyError, IndexError) as exc:
        raise BuildError(f"Pagefind's index is not in the expected format ({exc}); "
                         f"the previous {shown} is unchanged.") from None
    return len(moments)


def _cbor_end(data: bytes, i: int) -> int:
    """Where the CBOR item starting at ``i`` ends (the subset Pagefind writes: no tags, no floats)."""
    major, info = data[i] >> 5, data[i] & 31
    i += 1
    if info < 24:
        arg = info
    elif info <= 27:
        n = 1 << (info - 24)
        arg, i = int.from_bytes(data[i:i + n], "big"), i + n
    else:
        raise ValueError(f"unsupported CBOR item at byte {i - 1}")
    if major in (0, 1, 7):
        return i
    if major in (2, 3):
        return i + arg
    if major in (4, 5):
        for _ in range(arg * (2 if major == 5 else 1)):
            i = _cbor_end(data, i)
        return i
    raise ValueError(f"unsupported CBOR item at byte {i - 1}")


def _stable_pagefind_meta(bundle: Path) -> None:
    """Sort the filter list of Pagefind's metadata by name, so the same input gives the same bytes.

    Pagefind writes its filters in hash-map order, which changes from run to run; the metadata
    file (and its name, and pagefind-entry.json) are rewritten with the filters sorted.
    """
    import gzip
    import hashlib

    entry_file = bundle / "pagefind-entry.json"
    entry = json.loads(entry_file.read_text(encoding="utf-8"))
    for lang in entry["languages"].values():
        meta_file = bundle / f"pagefind.{lang['hash']}.pf_meta"
        raw = meta_file.read_bytes()
        data = gzip.decompress(raw[raw.index(b"\x1f\x8b"):])
        head = b"pagefind_dcd"
        if not data.startswith(head) or data[len(head)] >> 5 != 4:
            raise ValueError("unexpected metadata header")
        i = len(head) + 1
        for _ in range(3):  # version, pages, index chunks; then the filters
            i = _cbor_end(data, i)
        start, end = i, _cbor_end(data, i)
        items, j = [], start + 1 if data[start] & 31 < 24 else None
        if j is None or data[start] >> 5 != 4:
            raise ValueError("unexpected filter list")
        while j < end:
            k = _cbor_end(data, j)
            items.append(data[j:k])
            j = k
        data = data[:start + 1] + b"".join(sorted(items)) + data[end:]
        meta_file.unlink()
        name = f"{lang['hash'].rsplit('_', 1)[0]}_{hashlib.sha256(data).hexdigest()[:10]}"
        (bundle / f"pagefind.{name}.pf_meta").write_bytes(gzip.compress(data, mtime=0))
        lang["hash"] = name
    entry_file.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def mkdocs_build(info: MkdocsInfo, site_dir: Path, root: Path, strict: bool = True,
                 echo: Callable[[str], None] | None = None, audience: str = "public") -> None:
    """Build with MkDocs into a temporary folder, then swap it in as ``site_dir``.

    A failed build leaves the previous ``site_dir`` exactly as it was. An existing
    ``site_dir`` is only replaced when kbgen built it (it holds the marker file).
    """
    from mkdocs import exceptions
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    raw = info.raw
    overrides: dict[str, object] = {}
    if "theme" not in raw:
        overrides["theme"] = {"name": "material"}
    nav = raw.get("nav")
    if not nav:
        nav = [p for p in _hand_pages(info.docs_dir)]
    listed = _nav_pages(nav)
    nav = list(nav) + [{title: page} for title, page in INDEX_PAGES if page not in listed]
    overrides["nav"] = nav
    # Session, mentor and topic pages are reached from the index pages, on purpose.
    owned = "\n".join(f"/{name}/" for name in OWNED)
    overrides["not_in_nav"] = "\n".join(x for x in (str(raw.get("not_in_nav") or "").strip(), owned) if x)
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
    tmp = Path(tempfile.mkdtemp(dir=site_dir.parent, prefix=f".{site_dir.name}-new-"))
    try:
        with _mkdocs_logs(echo) as logs:
            try:
                cfg = load_config(str(info.file), site_dir=str(tmp), strict=strict, **overrides)
                build(cfg)
            except exceptions.ConfigurationError as exc:
                raise ConfigError(f"{rel(info.file, root)}: {exc}") from None
            except exceptions.Abort as exc:
                details = "\n".join(f"  - {m}" for m in logs.messages)
                raise BuildError(
                    f"MkDocs build failed: {exc}\n{details}\nThe previous {rel(site_dir, root)}/{before} is unchanged."
                ) from None
        pagefind_index(tmp, language=str((cfg["theme"].get("language") if cfg["theme"] else None) or "en"),
                       shown=rel(site_dir, root) + "/" + before)
        (tmp / MARKER).write_text(json.dumps({"audience": audience}) + "\n", encoding="utf-8")
        tmp.chmod(0o755)  # mkdtemp makes it 0700; a web server under another user must read it
        replace_dir(tmp, site_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
