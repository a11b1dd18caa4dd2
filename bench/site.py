"""Benchmark: the published site at N one-hour sessions, built from cached transcripts.

Run: .venv/bin/python bench/site.py [--sizes 100 1000 3000] [--no-browser] [--repeat K]
[--keep DIR | --reuse DIR]

For each N a synthetic knowledge base is made: N recordings (tiny distinct WAV files) with
sidecars spread over six years and the demo's roster and taxonomy. Their one-hour transcripts
(about 700 segments each) are drawn from the knowledge evaluation set's conversations
(tests/data/knowledge) and put in kbgen's transcript cache first, by a replay engine (this file;
Whisper's speed is bench/transcribe.py's subject). Then, each in a fresh process (peak memory
is the child's):

- build: the full build from cached transcripts (knowledge stage, render, MkDocs, Pagefind);
- rebuild: the same inputs again (kbgen's own stages should do nothing).

Transcript i is drawn from seed i % DISTINCT: a real archive's conversations differ, but the
knowledge stage's first pass (YAKE, about 0.8 s per hour of speech) over 3,000 distinct hours
would take most of an hour here, and it is cached by content, so repeats hit that cache just as
an unchanged archive does. Sessions still differ in id, title, date and mentor.

Builds, each in a fresh process (peak memory is that process's; "largest child" is the largest
process it started: a render worker, forked on Linux, or Pagefind):

- first: knowledge stage computed (for the distinct transcripts), every page rendered;
- full render: the render stage's state removed, so every page is rendered again from cached
  transcripts and knowledge (what an upgrade of kbgen costs, or a setting every page shows): the
  figure for time in N;
- one session added: a new recording and sidecar (the newest session): it is transcribed and
  its knowledge computed, and only the files that depend on it are rendered (the everyday build);
- nothing changed: kbgen's knowledge and render stages should compute and render nothing.

Measured: time per stage (kbgen's downloads and search documents, and Pagefind's indexing of
the transcripts, run beside MkDocs: "render" and "pagefind" are what they add after it), peak
memory, bytes per built page (session pages and the rest), the size of Material's search index
(titles and summaries) and, in Debian's chromium through
Playwright on a local server, the bytes Pagefind downloads per query (the first query loads
its WebAssembly and metadata too; later ones only index chunks and result fragments).

Baselines measured in the same run: the smallest N (time and page-size ratios) and the build's
own total (kbgen's share). Targets (issue 6): time linear in N (3,000 at most 3.3x the 1,000
time), page size flat in N, kbgen's own stages at most 20% of the build, a query at most
300 KB at 1,000 sessions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
KNOWLEDGE = ROOT / "tests" / "data" / "knowledge"
HOUR = 3600.0
DISTINCT = 150
LIBRARY_DATA = (".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter", "pagefind-entry.json")
QUERIES = ("salary negotiation", "burnout", "feedback to my team", "on call incident", "portfolio project",
           "imposter")


def out(text: str) -> None:
    print(text, flush=True)  # noqa: T201 (a benchmark reports on stdout)


def _pool() -> list[tuple[str, list[tuple[str, str]]]]:
    """(title, [(speaker, text)]) of every evaluation conversation."""
    import yaml

    out = []
    for f in sorted(KNOWLEDGE.glob("*.yml")):
        if f.name == "taxonomy.yml":
            continue
        case = yaml.safe_load(f.read_text(encoding="utf-8"))
        out.append((case["title"], [(s.get("speaker") or "", s["text"]) for s in case["segments"]]))
    return out


class ReplayEngine:
    """Gives recording i (told apart by its length: 1,600 + i samples) its synthetic transcript."""

    name = "replay"
    model_id = "synthetic-1"

    def __init__(self) -> None:
        self.pool = _pool()

    def transcribe(self, audio, language=None, hotwords=None):
        return synthetic_transcript((len(audio) - 1600) % DISTINCT, self.pool)


def synthetic_transcript(i: int, pool):
    """About an hour of conversation: mostly one case's segments, a third from the others."""
    from kbgen.models import Segment, Transcript

    rng = random.Random(i)
    _, own = pool[i % len(pool)]
    segs, t = [], 0.0
    while t < HOUR:
        speaker, text = rng.choice(own) if rng.random() < 0.67 else rng.choice(rng.choice(pool)[1])
        length = max(2.0, min(15.0, len(text.split()) / 2.6))
        segs.append(Segment(round(t, 2), round(t + length, 2), text, "Mentor" if speaker == "MENTOR" else "Mentee"))
        t += length + rng.choice((0.3, 0.6, 1.1))
    return Transcript(tuple(segs), "en", round(t, 2), ReplayEngine.name, ReplayEngine.model_id)


def make_project(dest: Path, n: int) -> Path:
    import yaml

    for name in ("mentors.yaml", "mkdocs.yml"):
        shutil.copy(ROOT / name, dest / name)
    (dest / "site_src").mkdir()
    shutil.copy(ROOT / "site_src" / "index.md", dest / "site_src" / "index.md")
    taxonomy = yaml.safe_load((KNOWLEDGE / "taxonomy.yml").read_text(encoding="utf-8"))
    config = {"audience": "public", "transcribe": {"hotwords": False}, "topics": taxonomy["topics"]}
    (dest / "kbgen.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    mentors = _mentor_ids()
    pool = _pool()
    (dest / "recordings").mkdir()
    for i in range(n):
        add_session(dest, i, n, pool, mentors)
    return dest


def _mentor_ids() -> list[str]:
    import yaml

    return [m["id"] for m in yaml.safe_load((ROOT / "mentors.yaml").read_text(encoding="utf-8"))["mentors"]]


def add_session(dest: Path, i: int, n: int, pool, mentors: list[str]) -> None:
    """Recording i of an archive of n (i >= n: newer than all of them) with its sidecar."""
    import yaml

    sid = f"s{i:05d}"
    rec = dest / "recordings"
    with wave.open(str(rec / f"{sid}.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\x00\x00" * (1600 + i))
    rng = random.Random(i)
    title, _ = pool[i % len(pool)]
    sidecar = {
        "title": f"{title} ({i // len(pool) + 1})",
        "date": (dt.date(2020, 1, 6) + dt.timedelta(days=(i * 2190) // max(n, 1))).isoformat(),
        "mentors": [rng.choice(mentors)],
        "mentee": "anonymous",
        "visibility": "public",
        "consent": True,
        "language": "en",
        "description": f"Session {i + 1} of the synthetic archive: {title.lower()}.",
    }
    (rec / f"{sid}.yml").write_text(yaml.safe_dump(sidecar, sort_keys=False), encoding="utf-8")


def _key():
    from kbgen.transcribe.engine import EngineKey

    return EngineKey(ReplayEngine.name, ReplayEngine.model_id, {})


def child(project_dir: Path, what: str) -> None:
    """Run one step in this (fresh) process and print its figures as JSON."""
    import resource

    from kbgen.config import load_project
    from kbgen.pipeline import build, load_inputs, transcribe

    project = load_project(project_dir)
    t0 = time.perf_counter()
    if what == "prime":
        _, sessions = load_inputs(project)
        transcribe(project, sessions, engine_factory=ReplayEngine, key=_key())
        timings = {}
    else:
        report = build(project, engine_factory=ReplayEngine, key=_key())
        timings = report.timings
        files = {"rendered": report.rendered, "reused": report.reused}
    total = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB (Linux)
    # The largest process the build started (a render worker or Pagefind), each on its own.
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    out(json.dumps({"total": total, "timings": timings, "peak_mib": peak, "child_peak_mib": children,
                    **(files if what != "prime" else {})}))


def run_child(project_dir: Path, what: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", what, str(project_dir)],
                          capture_output=True, text=True, env={**os.environ, "SOURCE_DATE_EPOCH": "1790000000"})
    if done.returncode:
        raise SystemExit(f"the {what} step failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def page_sizes(site: Path) -> dict:
    sessions = [p.stat().st_size for p in (site / "sessions").glob("s*/index.html")]
    others = [p.stat().st_size for p in site.rglob("*.html") if "pagefind" not in p.parts
              and not (p.parent.parent.name == "sessions" and p.parent.name.startswith("s0"))]
    material = site / "search" / "search_index.json"
    pagefind = sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file())
    return {"session_median": statistics.median(sessions), "session_max": max(sessions),
            "other_median": statistics.median(others), "other_max": max(others), "pages": len(sessions) + len(others),
            "material_index": material.stat().st_size if material.exists() else 0, "pagefind_total": pagefind}


def query_bytes(site: Path, queries=QUERIES) -> dict:
    """Bytes fetched from pagefind/ per query, in Chromium, each query from an empty cache."""
    import functools
    import threading
    from http.server import ThreadingHTTPServer

    from playwright.sync_api import sync_playwright

    from kbgen.httpserve import RangeRequestHandler

    class Quiet(RangeRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    fetched: list[tuple[str, int]] = []
    per_query: list[tuple[str, int, int, int]] = []
    ui = 0
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])

            def seen(r) -> None:
                if "/pagefind/" in r.url and r.status == 200:
                    try:
                        fetched.append((r.url, len(r.body())))
                    except Exception:  # noqa: BLE001 - a response still arriving as the browser closes
                        pass

            # Each query in a fresh browser context (empty cache): what one visitor's query costs.
            for q in queries:
                context = browser.new_context()
                page = context.new_page()
                page.on("response", seen)
                fetched.clear()
                page.goto(base + "/sessions/search/")
                page.wait_for_selector("#kb-search input")
                page.wait_for_load_state("networkidle")
                ui = sum(n for _, n in fetched)
                fetched.clear()
                page.fill("#kb-search input", q)
                page.wait_for_selector(".pagefind-ui__result, .pagefind-ui__message")
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(300)
                # Pagefind's library (its JS, worker and WebAssembly: the same at any size, cacheable)
                # apart from the index data the query itself needed.
                library = sum(n for url, n in fetched if not url.split("?")[0].endswith(LIBRARY_DATA))
                per_query.append((q, sum(n for _, n in fetched) - library, library, len(fetched)))
                context.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return {"ui": ui, "queries": per_query}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 3000])
    parser.add_argument("--no-browser", action="store_true", help="skip the per-query bytes (needs chromium)")
    parser.add_argument("--keep", type=Path, help="build under this folder and keep it")
    parser.add_argument("--reuse", type=Path, help="time the builds again on archives kept there (--keep): "
                        "no archive made, no first build")
    parser.add_argument("--repeat", type=int, default=1, help="full renders per size, the sizes taken in turn "
                        "(the median is reported): this machine's speed drifts")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(Path(args.child[1]), args.child[0])

    sizes_n = sorted(args.sizes)
    made: dict[int, tuple[Path, float]] = {}
    for n in sizes_n:
        if args.reuse:
            found = sorted(args.reuse.glob(f"kbgen-site-{n}-*/kbgen.yml"))
            if not found:
                raise SystemExit(f"{args.reuse}: no archive of {n} sessions kept there (run with --keep first)")
            project = found[0].parent
            for extra in (project / "recordings").glob(f"s{n:05d}.*"):  # the session a last run added
                extra.unlink()
            made[n] = (project, 0.0)
            out(f"\n== N = {n}: the archive kept in {project} ==")
            continue
        holder = Path(tempfile.mkdtemp(prefix=f"kbgen-site-{n}-", dir=args.keep))
        project = make_project(holder, n)
        t = time.perf_counter()
        run_child(project, "prime")
        made[n] = (project, time.perf_counter() - t)
        first = run_child(project, "build")
        out(f"\n== N = {n}: first build {first['timings']['total']:.1f} s (knowledge computed: "
            f"enrich {first['timings']['enrich']:.1f} s), peak {first['peak_mib']:.0f} MiB ==")
    fulls: dict[int, list[dict]] = {n: [] for n in sizes_n}
    for _ in range(max(1, args.repeat)):  # in turn, so a slow spell of the machine hits every size
        for n in sizes_n:
            project = made[n][0]
            (project / ".kbgen" / "render-state.json").unlink(missing_ok=True)
            fulls[n].append(run_child(project, "build"))
    rows = []
    for n in sizes_n:
        project, prime_s = made[n]
        runs = sorted(fulls[n], key=lambda r: r["total"])
        full = runs[(len(runs) - 1) // 2]  # the median (the lower one of an even count)
        add_session(project, n, n, _pool(), _mentor_ids())
        added = run_child(project, "build")
        again = run_child(project, "build")
        sizes = page_sizes(project / "site")
        queries = None if args.no_browser else query_bytes(project / "site")
        rows.append((n, prime_s, full, again, sizes, queries, added))
        out(_row_text(n, prime_s, full, again, sizes, queries, added))
        if len(runs) > 1:
            out("  full renders, in turn with the other sizes: " + ", ".join(
                f"{r['total']:.1f} s (kbgen {_kbgen_share(r['timings'])[1]:.0%})" for r in fulls[n])
                + "; the median is reported")
        if not args.keep and not args.reuse:
            shutil.rmtree(project, ignore_errors=True)
    out(_summary(rows))


def _kbgen_share(timings: dict) -> tuple[float, float]:
    own = sum(timings.get(k, 0.0) for k in ("ingest", "transcribe", "enrich", "render", "site checks"))
    return own, own / timings["total"]


def _row_text(n, prime_s, first, again, sizes, queries, added) -> str:
    ft, at, dt_ = first["timings"], again["timings"], added["timings"]
    own, share = _kbgen_share(ft)
    kept = ("archive kept from an earlier run: the added session's transcript and knowledge are cached"
            if not prime_s else f"transcripts cached in {prime_s:.1f} s")
    lines = [f"\n== N = {n} one-hour sessions ({kept}) ==",
             f"full render from cached transcripts and knowledge: {ft['total']:.1f} s, "
             f"peak {first['peak_mib']:.0f} MiB (largest child {first['child_peak_mib']:.0f}); "
             + ", ".join(f"{k} {v:.1f} s" for k, v in ft.items() if k != "total"),
             f"  kbgen's own stages: {own:.1f} s = {share:.0%} of the build",
             f"one session added: {dt_['total']:.1f} s ({added['rendered']} files rendered, {added['reused']} taken "
             f"from the last render), peak {added['peak_mib']:.0f} MiB (largest child {added['child_peak_mib']:.0f}); "
             + ", ".join(f"{k} {v:.2f} s" for k, v in dt_.items() if k != "total"),
             f"  kbgen's own stages: {_kbgen_share(dt_)[0]:.1f} s = {_kbgen_share(dt_)[1]:.0%} of the build",
             f"rebuild, nothing changed: {at['total']:.1f} s, peak {again['peak_mib']:.0f} MiB "
             f"(largest child {again['child_peak_mib']:.0f}); "
             + ", ".join(f"{k} {v:.2f} s" for k, v in at.items() if k != "total"),
             f"  kbgen's own stages: {_kbgen_share(at)[0]:.1f} s = {_kbgen_share(at)[1]:.0%} of the build",
             f"pages: {sizes['pages']}; session page median {sizes['session_median'] / 1024:.0f} KiB "
             f"(max {sizes['session_max'] / 1024:.0f}); other pages median {sizes['other_median'] / 1024:.1f} KiB "
             f"(max {sizes['other_max'] / 1024:.0f})",
             f"Material search index (titles, summaries): {sizes['material_index'] / 1024:.0f} KiB; "
             f"Pagefind bundle on disk: {sizes['pagefind_total'] / 1e6:.1f} MB"]
    if queries:
        lines.append(f"Pagefind UI load: {queries['ui'] / 1024:.0f} KiB")
        for q, data, library, count in queries["queries"]:
            lines.append(f"  query {q!r}: {data / 1024:.0f} KiB of index data"
                         + f" + {library / 1024:.0f} KiB of Pagefind's library"
                         + f", {count} files")
    return "\n".join(lines)


def _summary(rows) -> str:
    if not rows:
        return ""
    base_n, _, base, _, base_sizes, _, _ = rows[0]
    out = [f"\n== ratios against N = {base_n} (same run) =="]
    for n, _, first, again, sizes, queries, added in rows:
        tr = first["timings"]["total"] / base["timings"]["total"]
        out.append(f"N = {n}: build time {tr:.2f}x for {n / base_n:.0f}x the sessions "
                   f"({tr / (n / base_n):.2f} per unit of N); session page size "
                   f"{sizes['session_median'] / base_sizes['session_median']:.2f}x; other pages "
                   f"{sizes['other_median'] / base_sizes['other_median']:.2f}x; kbgen share "
                   f"{_kbgen_share(first['timings'])[1]:.0%} (one session added: "
                   f"{_kbgen_share(added['timings'])[1]:.0%}; nothing changed: "
                   f"{_kbgen_share(again['timings'])[1]:.0%}; target <= 20%); rebuild/build "
                   f"{again['timings']['total'] / first['timings']['total']:.2f}")
        if queries:
            worst = max(data for _, data, _, _ in queries["queries"])
            worst_all = max(data + library for _, data, library, _ in queries["queries"])
            verdict = f": {'met' if worst <= 300_000 else 'MISSED'}" if n == 1000 else ""  # the target is at 1,000
            out.append(f"  largest query {worst / 1000:.0f} KB of index data (target at 1,000: <= 300 KB"
                       f"{verdict}); with Pagefind's library (uncompressed here, the same at any size) at most "
                       f"{worst_all / 1000:.0f} KB")
    by_n = {n: first["timings"]["total"] for n, _, first, *_ in rows}
    rows_by = {n: first["timings"] for n, _, first, *_ in rows}
    if 1000 in by_n and 3000 in by_n:
        r = by_n[3000] / by_n[1000]
        out.append(f"3,000 / 1,000 build time: {r:.2f}x (target <= 3.3x: {'met' if r <= 3.3 else 'MISSED'})")
        stages = ("mkdocs", "pagefind", "render", "enrich")
        out.append("  by stage: " + ", ".join(
            f"{k} {rows_by[3000][k] / rows_by[1000][k]:.2f}x" for k in stages
            if rows_by[1000].get(k) and rows_by[3000].get(k)))
    return "\n".join(out)


if __name__ == "__main__":
    main()
