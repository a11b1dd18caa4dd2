"""Transcript search: the session search documents indexed with Pagefind into ``pagefind/``.

Only session pages are in it (one result per session, a sub-result per transcript moment, in
each session's language); the rest of the site is Material's search. Pagefind runs as a
``pagefind --service`` process that kbgen starts and feeds (:class:`_Pagefind`); kbgen writes
its files itself and makes them the same bytes for the same pages (:func:`_stable_pagefind_meta`).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..errors import BuildError, disk_error
from ..fsutil import link_or_copy

#: Parts of a page Pagefind leaves out (Material's header, sidebars, footer; kbgen's player).
PAGEFIND_EXCLUDE = (".md-header", ".md-tabs", ".md-sidebar", ".md-footer", ".md-dialog", ".md-search",
                    "nav", ".kb-player", ".headerlink")


def pagefind_index(built: Path, search_docs: Path | None = None, language: str | None = None,
                   shown: str = "site/") -> int:
    """Index the session search documents of ``built`` with Pagefind into ``built/pagefind/``;
    return the sessions indexed.

    Transcript search holds session pages only: each is indexed from its search document (see
    :func:`kbgen.site.render.search_doc`: one result per session, one sub-result per transcript
    moment, filters topic/mentor/year), under its page's path, so a result links to the page.
    The documents live outside the site, only this audience's exist, and only those whose page
    this build has are indexed. Without ``search_docs`` the pages of ``built`` are indexed as
    they are (a site kbgen did not render).

    Each document is indexed in its ``<html lang>``: Pagefind keeps an index per language, each
    stemmed by its language; the search page merges the others into its own (``search.md.j2``).
    ``language`` forces one.
    """
    import asyncio

    scratch = Path(tempfile.mkdtemp(dir=built.parent, prefix=f"{built.name}-pagefind-"))
    try:
        sessions = _documents(built, search_docs, scratch) if search_docs is not None else None
        source = scratch if search_docs is not None else built

        async def run() -> None:
            async with _Pagefind(language) as index:
                await index.add_directory(str(source))
                await _write_index(index, built / "pagefind")

        asyncio.run(run())
    except Exception as exc:  # the service reports failures as assorted exceptions
        raise _pagefind_failed(exc, shown) from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    _pagefind_written(built, shown)
    return sessions if sessions is not None else len(list((built / "sessions").glob("*/index.html")))


def _documents(built: Path, search_docs: Path, scratch: Path) -> int:
    """Lay out in ``scratch`` the search documents whose page ``built`` has (hard links where
    possible): what Pagefind indexes. Returns how many."""
    n = 0
    if search_docs.is_dir():
        for doc in sorted(search_docs.rglob("*.html")):
            relp = doc.relative_to(search_docs)
            if (built / relp).is_file():
                link_or_copy(doc, scratch / relp)
                n += 1
    return n


class _Pagefind:
    """A Pagefind index in a ``pagefind --service`` process of its own (``async with``).

    Started by kbgen rather than by the ``pagefind`` package's own service class, which (1.5)
    reads no answer over 2 MiB (the whole index, sent back by ``get_files``) and starts a process
    that outlives a killed build. Its ``write_files`` is not used: Pagefind answers it before its
    last writes reach the disk, and the package then stops the process, so files were published
    cut short or empty (``pagefind-highlight.js`` at 32,768 bytes). kbgen writes the files itself
    (:func:`_write_index`).
    """

    def __init__(self, language: str | None = None) -> None:
        self.language = language  # None: each page's <html lang>, an index per language

    async def __aenter__(self):
        import asyncio

        from pagefind.index import IndexConfig
        from pagefind.service import PagefindService

        from ..lock import die_with_parent

        class Service(PagefindService):
            async def launch(self) -> PagefindService:
                self._backend = await asyncio.create_subprocess_exec(
                    self._bin, "--service", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.STDOUT, limit=1 << 40, preexec_fn=die_with_parent)
                self._poll_task = self._loop.create_task(self._wait_for_responses())
                return self

        self.service = await Service().launch()
        try:
            config = IndexConfig(exclude_selectors=list(PAGEFIND_EXCLUDE))
            if self.language:
                config["force_language"] = self.language
            return await self.service.create_index(config)
        except BaseException:
            await self.service.close()
            raise

    async def __aexit__(self, *exc) -> None:
        await self.service.close()  # stops the process; it has written nothing


async def _write_index(index, out: Path) -> None:
    """Write the files of Pagefind's ``index`` into ``out``, each checked whole on disk."""
    files = await index.get_files()
    out.mkdir(parents=True, exist_ok=True)
    root = out.resolve()
    for file in files:
        target = (out / file["path"]).resolve()
        if not target.is_relative_to(root):
            raise ValueError(f"Pagefind named a file outside its folder: {file['path']!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(file["content"])
    for file in files:  # what is on disk is what Pagefind made
        if (out / file["path"]).stat().st_size != len(file["content"]):
            raise ValueError(f"{file['path']} is not whole on disk")
    if not any(file["path"] == "pagefind-entry.json" for file in files):
        raise ValueError("Pagefind made no pagefind-entry.json")


def _pagefind_failed(exc: BaseException, shown: str) -> BuildError:
    if isinstance(exc, OSError):  # the disk, not Pagefind: said as the build says it
        return disk_error(exc, None)
    return BuildError(f"Pagefind indexing failed: {type(exc).__name__}: {exc}\nThe previous {shown} is unchanged.")


def _pagefind_written(built: Path, shown: str) -> None:
    """Check Pagefind's output and make it the same for the same pages (see _stable_pagefind_meta)."""
    if not (built / "pagefind" / "pagefind.js").is_file():
        raise BuildError(f"Pagefind wrote no index; the previous {shown} is unchanged.")
    try:
        _stable_pagefind_meta(built / "pagefind")
    except (OSError, ValueError, KeyError, IndexError) as exc:
        raise BuildError(f"Pagefind's index is not in the expected format ({exc}); "
                         f"the previous {shown} is unchanged.") from None


class EarlyIndex:
    """Pagefind indexing the session search documents while MkDocs builds the pages.

    Pagefind works in a process of its own; a thread of this one feeds it: once ``ready()``
    returns (the documents are written), it adds the search documents' folder, then waits.
    :meth:`finish` writes the index once the pages are built; :meth:`cancel` drops it. MkDocs
    runs on one CPU; Pagefind's work on the transcripts is then done on another meanwhile.
    """

    def __init__(self, search_docs: Path, ready: Callable[[], None], language: str | None = None) -> None:
        import threading

        self.search_docs = search_docs
        self.ready = ready
        self.language = language
        self.docs: list[Path] = []  # the search documents indexed (paths under search_docs)
        self.error: BaseException | None = None
        self._indexed = threading.Event()  # the documents are in Pagefind (or it failed)
        self._go = threading.Event()
        self._out: Path | None = None  # set by finish(): where the index goes; None: cancelled
        self._thread = threading.Thread(target=self._run, name="kbgen-pagefind", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import asyncio

        try:
            asyncio.run(self._index())
        except BaseException as exc:  # noqa: BLE001 - reported by finish()
            self.error = exc
        finally:
            self._indexed.set()

    async def _index(self) -> None:
        import asyncio

        self.ready()
        if self._go.is_set() and self._out is None:
            return  # cancelled while the documents were made
        self.docs = sorted(p.relative_to(self.search_docs) for p in self.search_docs.rglob("*.html")) \
            if self.search_docs.is_dir() else []
        async with _Pagefind(self.language) as index:
            if self.docs:
                await index.add_directory(str(self.search_docs))
            self._indexed.set()
            await asyncio.get_running_loop().run_in_executor(None, self._go.wait)
            if self._out is not None:
                await _write_index(index, self._out)

    def finish(self, built: Path, shown: str) -> int | None:
        """Write the index into ``built/pagefind/`` and return the sessions indexed; None where a
        search document has no built page (MkDocs left it out): then it is dropped, for
        :func:`pagefind_index` to index the documents that have one."""
        self._indexed.wait()
        self._raise_error(shown)
        if any(not (built / d).is_file() for d in self.docs):
            self.cancel()
            return None
        self._out = built / "pagefind"
        self._go.set()
        self._thread.join()
        self._raise_error(shown)
        _pagefind_written(built, shown)
        return len(self.docs)

    def _raise_error(self, shown: str) -> None:
        if self.error is not None:
            raise self.error if isinstance(self.error, BuildError) else _pagefind_failed(self.error, shown)

    def cancel(self) -> None:
        self._out = None
        self._go.set()
        self._thread.join()


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


def _sorted_array(data: bytes, start: int) -> bytes:
    """``data`` with the items of the CBOR array at ``start`` in byte order."""
    if data[start] >> 5 != 4 or data[start] & 31 > 27:
        raise ValueError(f"expected a CBOR array at byte {start}")
    info = data[start] & 31
    j = start + 1 + (0 if info < 24 else 1 << (info - 24))
    end = _cbor_end(data, start)
    items = []
    while j < end:
        k = _cbor_end(data, j)
        items.append(data[j:k])
        j = k
    head_end = end - sum(map(len, items))
    return data[:head_end] + b"".join(sorted(items)) + data[end:]


def _stable_pagefind_meta(bundle: Path) -> None:
    """Sort what Pagefind writes in hash-map order, so the same input gives the same bytes.

    Pagefind lists its filters (in the metadata) and each filter's values (in the filter files)
    in hash-map order, which changes from run to run. Both are sorted here; each filter file is
    renamed after its new content (a name of the same length, so the metadata that names it keeps
    its layout), then the metadata file (and its name, and pagefind-entry.json) is rewritten.
    Written by hand: Pagefind has no option for a stable order, and a CBOR library would
    re-encode what only needs reordering.
    """
    import gzip
    import hashlib

    head = b"pagefind_dcd"

    def load(file: Path) -> bytes:
        raw = file.read_bytes()
        data = gzip.decompress(raw[raw.index(b"\x1f\x8b"):])
        if not data.startswith(head) or data[len(head)] >> 5 != 4:
            raise ValueError(f"unexpected header in {file.name}")
        return data

    entry_file = bundle / "pagefind-entry.json"
    entry = json.loads(entry_file.read_text(encoding="utf-8"))
    for lang in entry["languages"].values():
        prefix = lang["hash"].rsplit("_", 1)[0]
        renamed: dict[bytes, bytes] = {}
        for file in sorted((bundle / "filter").glob(f"{prefix}_*.pf_filter")):
            data = load(file)
            i = _cbor_end(data, len(head) + 1)  # [filter name, [[value, [pages]], ...]]: the values
            data = _sorted_array(data, i)
            old = file.name[: -len(".pf_filter")]
            new = f"{prefix}_{hashlib.sha256(data).hexdigest()[: len(old) - len(prefix) - 1]}"
            file.unlink()
            (bundle / "filter" / f"{new}.pf_filter").write_bytes(gzip.compress(data, mtime=0))
            renamed[old.encode()] = new.encode()
        meta_file = bundle / f"pagefind.{lang['hash']}.pf_meta"
        data = load(meta_file)
        i = len(head) + 1
        for _ in range(3):  # version, pages, index chunks; then the filters
            i = _cbor_end(data, i)
        end = _cbor_end(data, i)
        filters = data[i:end]
        for old, new in renamed.items():  # a text item of the same length: the layout holds
            filters = filters.replace(b"%c%s" % (0x60 + len(old), old), b"%c%s" % (0x60 + len(new), new))
        data = _sorted_array(data[:i] + filters + data[end:], i)
        meta_file.unlink()
        name = f"{prefix}_{hashlib.sha256(data).hexdigest()[:10]}"
        (bundle / f"pagefind.{name}.pf_meta").write_bytes(gzip.compress(data, mtime=0))
        lang["hash"] = name
    entry_file.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
