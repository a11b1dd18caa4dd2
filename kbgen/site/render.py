"""Render published records to Markdown pages in kbgen's own folders.

Input is already filtered for the audience; this module never sees a session it may not
publish. Output goes to a fresh staging folder that :mod:`kbgen.site.build` swaps in.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ..ingest.discover import slugify
from ..knowledge import INFERRED
from ..models import LANGUAGE_SURE, Mentor, Session, SessionDoc, StoredTranscript, base_language
from .i18n import N_, Messages, messages
from .text import h, md, safe_url, timestamp, url_md

#: Folders of the docs dir that kbgen owns: rewritten on every build, stale files removed.
OWNED = ("sessions", "mentors", "topics", "media", "kbgen-assets", "paths", "program")
#: Written into each owned folder. Folders kbgen took over in a later version (MARKED) are only
#: replaced when they carry it, so a hand-written folder of that name is never lost.
OWNED_MARKER = ".kbgen-owned"
MARKED = ("paths", "program")
ASSETS = ("kbgen.css", "kbgen.js", "directory.js", "search-link.js")
#: The home page's block (a project's index.md includes it: ``--8<-- "kbgen-assets/home.md"``).
HOME = "kbgen-assets/home.md"
#: The index pages in the nav: (title, page); the titles are msgids (build.py translates them).
INDEX_PAGES = ((N_("Sessions"), "sessions/index.md"), (N_("Mentors"), "mentors/index.md"),
               (N_("Topics"), "topics/index.md"), (N_("Learning paths"), "paths/index.md"))
#: A session's level as pages show it.
LEVEL_WORDS = {"beginner": N_("Beginner"), "intermediate": N_("Intermediate"), "advanced": N_("Advanced")}
#: A weekday of a mentor's availability window as the mentor page shows it ("mon 09:00-12:00").
# TRANSLATORS: a weekday, short, in a mentor's availability ("mon 09:00-12:00").
FORMAT_NAMES = {"one-to-one": N_("One-to-one"), "group": N_("Group session"), "webinar": N_("Webinar")}
DAY_WORDS = {"mon": N_("mon"), "tue": N_("tue"), "wed": N_("wed"), "thu": N_("thu"), "fri": N_("fri"),
             "sat": N_("sat"), "sun": N_("sun")}
#: kbgen's static session files (gitignore patterns under the docs dir): the downloads, chapter
#: tracks and recordings. MkDocs is told to leave them out and kbgen links them into the built
#: site itself (:func:`kbgen.site.build.link_static`): MkDocs would copy every recording on
#: every build, and the downloads can then be made while MkDocs runs. Pages link to them in raw
#: HTML, which MkDocs does not check.
STATIC = ("sessions/*.vtt", "sessions/*.srt", "sessions/*.json", "media/*", "media/resources/*/*")
#: Where render_site writes one search document per session page for Pagefind (outside the
#: owned folders: never swapped into the docs dir, never published as a file).
SEARCH_DOCS = ".search"


@dataclass(eq=False)
class Topic:
    slug: str
    label: str
    sessions: list[SessionDoc] = field(default_factory=list)
    mentors: list[Mentor] = field(default_factory=list)


def _env(t: Messages | None = None) -> Environment:
    """The templates' environment, with kbgen's words in ``t``'s language (``_()``, ``ngettext()``)."""
    env = Environment(
        loader=PackageLoader("kbgen.site", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        # Anything not already marked safe is user text in a Markdown context.
        finalize=lambda v: v if isinstance(v, Markup) else md(v),
        extensions=["jinja2.ext.i18n"],
    )
    gettext, ngettext = (t or messages()).template_callables()
    env.install_gettext_callables(gettext, ngettext, newstyle=False)  # type: ignore[attr-defined]
    env.filters["h"] = h
    env.filters["url_md"] = url_md
    env.globals["ts"] = timestamp
    env.globals["transcript_html"] = transcript_html
    return env


def mentees_text(s, t: Messages | None = None) -> str:
    """The Mentee line of a session page: 'Mentee (anonymous)', 'Jordan Lee', '3 mentees (anonymous)',
    'Jordan Lee and 2 anonymous mentees'."""
    t = t or messages()
    listed = s.mentees or (s.mentee,)
    named = [m for m in listed if m.lower() != "anonymous"]
    hidden = len(listed) - len(named)
    if len(listed) == 1:
        return t._("Mentee (anonymous)") if hidden else named[0]
    if not named:
        return t.ngettext("%(num)s mentee (anonymous)", "%(num)s mentees (anonymous)", hidden)
    if not hidden:
        return ", ".join(named)
    return t.ngettext("%(names)s and %(num)s anonymous mentee", "%(names)s and %(num)s anonymous mentees", hidden,
                      names=", ".join(named))


def initials(name: str) -> str:
    """Up to two initials of a name, for a mentor shown without a photo: 'Ada Lovelace' -> 'AL'."""
    words = [w for w in re.split(r"[\s\-]+", re.sub(r"\(.*?\)", " ", name)) if w[:1].isalnum()]
    picked = words[:1] + words[-1:] if len(words) > 1 else words
    return "".join(w[0] for w in picked).upper() or "?"


def where_of(m: Mentor, t: Messages | None = None) -> str:
    """Where a mentor is, as the pages show it: the location, with the country's name (in ``t``'s
    language) when it lacks it."""
    from ..directory.places import country_code
    from .i18n import country_name

    country = country_name(m.country, t or messages()) if m.country else ""
    if m.location and country:
        last = m.location.rsplit(",", 1)[-1]
        if country.lower() not in m.location.lower() and country_code(last, names_only=True)[0] != m.country:
            return f"{m.location}, {country}"  # "London" and GB; not "London, UK" and GB
    return m.location or country


def capacity_text(m: Mentor, t: Messages | None = None) -> str:
    """The Capacity row of a mentor page: '2 mentees (1 now)', 'not stated'."""
    t = t or messages()
    if m.capacity is None:
        if m.mentees:
            return t.ngettext("not stated (%(num)s mentee now)", "not stated (%(num)s mentees now)", m.mentees)
        return t._("not stated")
    if m.mentees:
        return t.ngettext("%(num)s mentee (%(now)s now)", "%(num)s mentees (%(now)s now)", m.capacity, now=m.mentees)
    return t.ngettext("%(num)s mentee", "%(num)s mentees", m.capacity)


def _front_matter(title: str, **extra: object) -> Markup:
    # Front-matter text is HTML-escaped once: MkDocs and Material print page titles and
    # descriptions into the HTML unescaped (<title>, <meta content="...">).
    data = {"title": str(h(title)), **{k: str(h(v)) for k, v in extra.items()}}
    return Markup("---\n" + yaml.safe_dump(data, sort_keys=True, allow_unicode=True) + "---")


def topic_slug(label: str) -> str:
    """`[a-z0-9-]` page name of a topic; symbols that carry meaning are spelled out."""
    words = label.lower().replace("+", " plus ").replace("#", " sharp ").replace("&", " and ")
    slug = slugify(words)
    if not slug or slug == "index":
        # Labels with no letters or digits (emoji, other scripts) still get a stable page.
        slug = "topic-" + hashlib.sha256(label.lower().encode()).hexdigest()[:8]
    return slug


def _topics(docs: Sequence[SessionDoc], mentors: Sequence[Mentor], taxonomy=None):
    """Topic pages: one per topic a published session is tagged with or a mentor lists.

    With a taxonomy, a term resolves to its topic (synonyms included) and the page is named by
    the topic's id. Returns the topics by slug and a finder from any term to its Topic.
    """
    topics: dict[str, Topic] = {}
    by_key: dict[str, Topic] = {}

    def canon(term: str) -> tuple[str, str, str | None]:
        """(key, label, preferred slug) of a term."""
        if taxonomy is not None:
            tid = taxonomy.resolve(term)
            if tid is not None:
                return f"id:{tid}", taxonomy.label_of(tid), tid
        return " ".join(term.lower().split()), " ".join(term.split()), None

    def get(term: str, tid: str | None = None) -> Topic | None:
        key, label, preferred = (f"id:{tid}", taxonomy.label_of(tid), tid) if tid and taxonomy else canon(term)
        if not label:
            return None
        if key in by_key:
            return by_key[key]
        slug = preferred if preferred and preferred != "index" else topic_slug(label)
        if slug in topics:  # two different labels, one slug ("c-sharp" vs "c sharp"): keep both apart
            slug = f"{slug}-{hashlib.sha256(key.encode()).hexdigest()[:6]}"
        topic = topics[slug] = by_key[key] = Topic(slug, label)
        return topic

    for d in docs:
        found = [get(label) for label in d.session.topics]
        found += [get(tag.label, tag.id if taxonomy is not None and tag.id in taxonomy else None)
                  for tag in d.enrichment.topics]
        # A session joins each topic once (by identity: comparing SessionDocs compares transcripts).
        for t in dict.fromkeys(t for t in found if t is not None):
            t.sessions.append(d)
    for m in mentors:
        for label in m.expertise:
            t = get(label)
            if t is not None and m not in t.mentors:
                t.mentors.append(m)
        for offer in m.offers:  # a topic page for every micro-mentoring offer
            get(offer.topic)
    for t in topics.values():
        t.sessions.sort(key=lambda d: (-d.session.date.toordinal(), d.session.id))
        t.mentors.sort(key=lambda m: m.id)

    def find(term: str, tid: str | None = None) -> Topic | None:
        if tid and taxonomy is not None and f"id:{tid}" in by_key:
            return by_key[f"id:{tid}"]
        return by_key.get(canon(term)[0])

    return dict(sorted(topics.items())), find


#: The sessions index pages listed oldest first: the newest-first page's name and this
#: ("sessions/index_oldest.md", "sessions/year-2025_oldest.md"; then "-page-N"). The underscore
#: keeps them apart from every session's page (a session's id is `[a-z0-9-]`: ``slugify``).
OLDEST = "_oldest"


def _session_indexes(env, write, docs, by_id, page_size: int, t: Messages, find_topic=None) -> None:
    """The list of all sessions, paginated, newest first; and one page per year. Each list is
    also written oldest first (:data:`OLDEST`): static pages, so the order needs no script and
    works from disk, and each stays ``page_size`` long."""
    from .paths import length_text

    template = env.get_template("sessions_index.md.j2")

    def row(d: SessionDoc) -> dict:
        s = d.session
        topics: dict[str, tuple[str, str]] = {}  # by key: (label, topic page slug or "")
        for label, tid in [(x, None) for x in s.topics] + [(x.label, x.id) for x in d.enrichment.topics]:
            found = find_topic(label, tid) if find_topic is not None else None
            if found is not None:
                topics.setdefault("slug:" + found.slug, (found.label, found.slug))
            elif " ".join(label.split()):
                topics.setdefault("text:" + " ".join(label.lower().split()), (" ".join(label.split()), ""))
        return {"d": d, "mentors": [by_id[m] for m in s.mentors if m in by_id], "topics": list(topics.values()),
                "length": length_text(max(dur, 1), t) if 0 < (dur := d.transcript.duration) < 1e7 else "",
                "level": t._(LEVEL_WORDS[s.level]) if s.level in LEVEL_WORDS else (s.level or "").capitalize(),
                "format": t._(FORMAT_NAMES[s.kind]) if s.kind != "one-to-one" else ""}

    rows = [row(d) for d in docs]
    years = sorted({d.session.date.year for d in docs}, reverse=True)

    def listing(listed: list[dict], base: str, other_base: str, oldest: bool, year: int | None) -> None:
        """``listed`` (newest first) on pages ``base``.md, ``base``-page-N.md, in its order."""
        if oldest:
            listed = listed[::-1]
        chunks = [listed[i : i + page_size] for i in range(0, len(listed), page_size)] or [[]]
        stem = "" if base == "index" else f"{base}-"  # "page-2.md", "year-2025-page-2.md"
        file = [f"{base}.md"] + [f"{stem}page-{n}.md" for n in range(2, len(chunks) + 1)]
        heading = t._("Sessions of %(year)s", year=year) if year else t._("Sessions")
        for n, chunk in enumerate(chunks, 1):
            if year:
                title = (t._("Sessions of %(year)s, page %(page)s", year=year, page=n) if n > 1 else heading)
            else:
                title = t._("Sessions, page %(page)s", page=n) if n > 1 else heading
            if oldest:
                title = t._("%(title)s, oldest first", title=title)
            write(f"sessions/{file[n - 1]}", template.render(
                page_title=title, heading=heading, rows=chunk, total=len(listed), year=year, page=n,
                pages=len(chunks), years=years if not year else (), feed="feed.xml", oldest=oldest,
                other=f"{other_base}.md", year_suffix=OLDEST if oldest else "",
                prev=file[n - 2] if n > 1 else "", next=file[n] if n < len(chunks) else ""))

    for oldest in (False, True):
        listing(rows, "index" + OLDEST if oldest else "index", "index" if oldest else "index" + OLDEST, oldest, None)
        for year in years:  # paginated too: a busy year is as long as any archive
            of_year = [r for r in rows if r["d"].session.date.year == year]
            newest, oldest_base = f"year-{year}", f"year-{year}{OLDEST}"
            listing(of_year, oldest_base if oldest else newest, newest if oldest else oldest_base, oldest, year)


def _more_pages(env, write, folder: str, name: str, heading: str, docs: Sequence[SessionDoc],
                page_size: int, t: Messages) -> str:
    """The sessions of a topic or mentor beyond the first ``page_size``, on pages
    ``folder/name/page-N.md`` (newest first), so the page itself stays small at any size.
    Returns the link from ``folder/name.md`` to page 2, or "" when one page holds them all."""
    chunks = [docs[i : i + page_size] for i in range(0, len(docs), page_size)]
    if len(chunks) <= 1:
        return ""
    template = env.get_template("more_sessions.md.j2")
    for n in range(2, len(chunks) + 1):
        write(f"{folder}/{name}/page-{n}.md", template.render(
            front_matter=_front_matter(t._("%(heading)s, page %(page)s", heading=heading, page=n)), heading=heading,
            docs=chunks[n - 1], page=n,
            pages=len(chunks), total=len(docs), first=(n - 1) * page_size + 1,
            last=(n - 1) * page_size + len(chunks[n - 1]), up=Markup("../../"),
            prev=f"../{name}.md" if n == 2 else f"page-{n - 1}.md",
            next=f"page-{n + 1}.md" if n < len(chunks) else ""))
    return f"{name}/page-2.md"


def _atom(title: str, feed_id: str, updated, self_href: str, entries: Sequence[dict]) -> str:
    """An Atom feed's text. ``updated``: a date (None: the epoch); each entry: title, id, link,
    updated (a date), and optionally summary and authors. XML 1.0 has no form for most control
    characters (a roster name may hold one): they are left out."""
    import xml.etree.ElementTree as ET

    ns = "http://www.w3.org/2005/Atom"
    ET.register_namespace("", ns)

    def stamp(day) -> str:
        return (day.isoformat() if day else "1970-01-01") + "T00:00:00Z"

    feed = ET.Element(f"{{{ns}}}feed")
    ET.SubElement(feed, f"{{{ns}}}title").text = title
    ET.SubElement(feed, f"{{{ns}}}id").text = feed_id
    ET.SubElement(feed, f"{{{ns}}}updated").text = stamp(updated)
    ET.SubElement(feed, f"{{{ns}}}link", rel="self", href=self_href)
    for e in entries:
        entry = ET.SubElement(feed, f"{{{ns}}}entry")
        ET.SubElement(entry, f"{{{ns}}}title").text = e["title"]
        ET.SubElement(entry, f"{{{ns}}}id").text = e["id"]
        ET.SubElement(entry, f"{{{ns}}}link", rel="alternate", href=e["link"])
        ET.SubElement(entry, f"{{{ns}}}updated").text = stamp(e["updated"])
        if e.get("summary"):
            ET.SubElement(entry, f"{{{ns}}}summary").text = e["summary"]
        for name in e.get("authors", ()):
            ET.SubElement(ET.SubElement(entry, f"{{{ns}}}author"), f"{{{ns}}}name").text = name
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + _XML_INVALID.sub("", ET.tostring(feed, encoding="unicode")) \
        + "\n"


def _feed_base(site_url: str | None, up: str) -> str:
    """Where a feed's links start: the site's URL when mkdocs.yml gives one, else ``up`` (relative
    to the feed, which readers resolve against its address)."""
    return (site_url.rstrip("/") + "/") if site_url else up


def _feed_id(site_url: str | None, site_name: str, here: str, tag: str) -> str:
    """A feed's id: its address when mkdocs.yml gives the site's URL, else a stable URN."""
    return site_url.rstrip("/") + "/" + here if site_url else f"urn:kbgen:{slugify(site_name) or 'site'}:{tag}"


def _page(base: str, sid: str, directory_urls: bool) -> str:
    return f"{base}sessions/{sid}/" if directory_urls else f"{base}sessions/{sid}.html"


def atom_feed(docs: Sequence[SessionDoc], site_name: str, site_url: str | None, directory_urls: bool,
              limit: int = 50, names: Mapping[str, str] | None = None) -> str:
    """An Atom feed of the newest published sessions (only this audience's, like every page).

    Deterministic: the feed's date is its newest session's. Links are absolute when mkdocs.yml
    sets site_url, else relative to the feed (which readers resolve against its address).
    """
    base = _feed_base(site_url, "../")
    entries = [{"title": d.session.title, "link": _page(base, d.session.id, directory_urls),
                "id": _page(base, d.session.id, directory_urls) if site_url else f"urn:kbgen:session:{d.session.id}",
                "updated": d.session.date, "summary": d.session.description or " ".join(d.enrichment.summary[:2]),
                "authors": [(names or {}).get(m, m) for m in d.session.mentors]} for d in docs[:limit]]
    return _atom(f"{site_name}: new sessions", _feed_id(site_url, site_name, "sessions/feed.xml", "sessions"),
                 max((d.session.date for d in docs), default=None), f"{base}sessions/feed.xml", entries)


#: Tips listed on a topic's page; its feed holds up to TIPS_FED.
TIPS_SHOWN, TIPS_FED = 10, 50


def topic_tips(sessions: Sequence[SessionDoc]) -> list[dict]:
    """The advice given on a topic: each session's takeaways (``sessions``: the topic's published
    sessions, newest first), in the order said, with its moment: {doc, text, time}."""
    return [{"doc": d, "text": text, "time": time} for d in sessions
            for text, time in zip(d.enrichment.takeaways, d.enrichment.takeaway_times, strict=True)]


def tips_feed(topic, tips: Sequence[dict], site_name: str, site_url: str | None, directory_urls: bool,
              t: Messages) -> str:
    """An Atom feed of a topic's tips (:func:`topic_tips`, this audience's sessions only), newest
    session first, each entry linking to its moment. Deterministic: dated by its sessions."""
    base = _feed_base(site_url, "../../")  # relative to topics/<slug>/tips.xml
    here = f"topics/{topic.slug}/tips.xml"
    entries = []
    for tip in tips[:TIPS_FED]:
        s = tip["doc"].session
        link = _page(base, s.id, directory_urls) + f"#t={tip['time']:g}"
        entries.append({"title": tip["text"], "link": link, "updated": s.date,
                        "id": link if site_url else f"urn:kbgen:tip:{s.id}:{tip['time']:g}",
                        "summary": t._("From “%(title)s”, at %(clock)s.", title=s.title,
                                       clock=timestamp(tip["time"]))})
    return _atom(t._("%(site)s: tips on %(topic)s", site=site_name, topic=topic.label),
                 _feed_id(site_url, site_name, here, f"tips:{topic.slug}"),
                 max((tip["doc"].session.date for tip in tips), default=None), f"{base}{here}", entries)


def json_attr(data) -> Markup:
    """JSON for an HTML attribute (escaped once: the browser reads it back whole); "" for None."""
    import json

    return h(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))) if data is not None \
        else Markup("")


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def line_target(starts: Sequence[float]) -> Callable[[float], str]:
    """time -> the anchor of the transcript line at that time, from the lines' start times (the
    anchor of a line is ``t-`` and its whole second; the first of a second owns that id)."""
    import bisect

    def target_at(time: float) -> str:
        i = bisect.bisect_right(starts, time + 1e-6) - 1
        return f"t-{int(starts[max(i, 0)])}" if starts else "t-0"

    return target_at


def _transcript_lines(segments):
    """Transcript lines with unique anchors (one per second mark), and a time -> anchor finder."""
    lines, starts = [], []
    seen: set[str] = set()
    previous_speaker = None
    texts = [seg.text for seg in segments]
    # Escaped once for the page and the search document, and all at once (one call, not one per
    # line) where no line holds the separator.
    escaped = h("\x00".join(texts)).split("\x00")
    if len(escaped) != len(texts):
        escaped = [h(text) for text in texts]
    for seg, html in zip(segments, escaped, strict=True):
        anchor = f"t-{int(seg.start)}"
        own = anchor not in seen
        seen.add(anchor)
        lines.append({
            "start": seg.start,
            "clock": timestamp(seg.start),
            "anchor": anchor if own else "",
            "target": anchor,
            "speaker": seg.speaker if seg.speaker and seg.speaker != previous_speaker else "",
            "text": seg.text,
            "html": html,
        })
        previous_speaker = seg.speaker
        starts.append(seg.start)
    return lines, line_target(starts)


def transcript_html(lines) -> Markup:
    """A session page's transcript: a paragraph per line, its timestamp a link to its moment.

    Written here, not as a template loop: a one-hour session has about 700 lines, and Jinja's
    loop with a filter per field took most of a session page's time. Anchors, targets and
    times are made by kbgen (ASCII letters, digits, ':' and '.'); speaker and text are escaped.
    """
    out = []
    for line in lines:
        own = f' id="{line["anchor"]}"' if line["anchor"] else ""
        speaker = f'<strong class="kb-speaker">{h(line["speaker"])}:</strong> ' if line["speaker"] else ""
        out.append(f'<p{own}><a class="kb-ts" href="#{line["target"]}" data-start="{line["start"]:.2f}">'
                   f'{line["clock"]}</a> {speaker}{line["html"]}</p>\n')
    return Markup("".join(out))


_GROUPS: list[list[tuple[Path | None, Callable[[], str]]]] = []  # what the forked workers make


def make_files(groups: list[list[tuple[Path | None, Callable[[], str]]]], workers: int | None = None) -> None:
    """Write each (path, make) of ``groups``; a group's files are made by one process (they
    share what they are made from, such as a session's transcript lines).

    With many groups and more than one CPU, the groups are shared among forked worker
    processes, which inherit the makers as they are (nothing to pickle) and write the files
    themselves: a full render of a thousand one-hour sessions is mostly this. Sequential where
    fork is not the platform's way (Windows, macOS) or when the process runs other threads
    (``kbgen serve``), since forking a threaded process may copy a lock held mid-use.
    """
    start_files(groups, workers)()


def start_files(groups: list[list[tuple[Path | str | None, Callable[[], str]]]], workers: int | None = None,
                place: Callable[[str], Path] | None = None, least: int = 2) -> Callable[[], None]:
    """Begin :func:`make_files`' work and return ``wait()``, which returns once every file is
    written (raising a maker's error, or a :class:`~kbgen.errors.BuildError` when a worker died).

    ``place`` gives each (relative) path's file when the paths are relative. With fewer than
    ``least`` workers to use (few groups, one CPU, no fork), the files are written here and now
    and ``wait()`` does nothing. ``least=1`` and ``workers=1`` make the files in one worker
    while this process goes on (the downloads and search documents, beside MkDocs, which runs
    on one CPU).
    """
    import multiprocessing
    import os
    import sys
    import threading

    if place is not None:
        groups = [[(place(p) if p is not None else None, make) for p, make in group] for group in groups]
    if workers is None:
        workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    workers = min(workers, len(groups) // 8)  # a few sessions: not worth a process
    if workers < least or not sys.platform.startswith("linux") or threading.active_count() > 1:
        for group in groups:
            _make_group(group)
        return lambda: None
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from ..errors import BuildError

    global _GROUPS
    _GROUPS = groups  # set before the workers fork (at the first submit): they inherit it
    try:
        from ..lock import die_with_parent

        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                   initializer=die_with_parent)  # a killed build leaves no worker
        futures = [pool.submit(_make_share, (k, workers)) for k in range(workers)]
    finally:
        _GROUPS = []

    lock = threading.Lock()

    def wait() -> None:  # may be called again, and from another thread: each call gives the same outcome
        with lock:
            try:
                for done in futures:
                    done.result()  # a maker's error is raised here, as in this process
            except BrokenProcessPool:
                raise BuildError("a process rendering session files stopped without a word (out of memory?); "
                                 "nothing was published: free some memory and build again") from None
            finally:
                pool.shutdown(cancel_futures=True)

    return wait


def _make_share(share: tuple[int, int]) -> None:
    import gc

    gc.freeze()  # what the worker inherited is never collected here: no pass over it, no copy of its pages
    k, n = share
    for group in _GROUPS[k::n]:
        _make_group(group)


def _make_group(group: list[tuple[Path | None, Callable[[], str]]]) -> None:
    """Write each (path, make); an entry without a path is run for its effect once the files are
    made (a stored transcript let go of its segments)."""
    for path, make in group:
        if path is None:
            make()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(make(), encoding="utf-8")
    group.clear()  # the makers hold what they shared (downloads' text, lines): freed now


def _download(texts, ext: str) -> str:
    text = texts()[ext]
    # Same data to any JSON parser, but no '<' or '&' for a browser to misread.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") if ext == "json" else text


def _lines_of(t):
    return _transcript_lines(t.segments)


def talk_time(segments) -> list[tuple[str, str, int]]:
    """Each speaker's share of the speech: (name, '7 min' or '40 s', percent), most first.

    Empty when no segment has a speaker (nothing to tell apart)."""
    total: dict[str, float] = {}
    for seg in segments:
        if seg.speaker:
            total[seg.speaker] = total.get(seg.speaker, 0.0) + max(seg.end - seg.start, 0.0)
    spoken = sum(total.values())
    if not spoken:
        return []
    out = []
    for name, seconds in sorted(total.items(), key=lambda x: (-x[1], x[0])):
        shown = f"{round(seconds / 60)} min" if seconds >= 90 else f"{round(seconds)} s"
        out.append((name, shown, round(100 * seconds / spoken)))
    return out


def _session_page(page, context: dict, lines_of, transcript=None) -> str:
    """A session's page: the context with the transcript's lines, talk time per speaker, and
    anchors where chapters and topic evidence point."""
    lines, target_at = lines_of()
    chapters = [{**c, "anchor": target_at(c["start"])} for c in context["chapters"]]
    tags = [{**tag, "evidence": [{**e, "anchor": target_at(e["start"])} for e in tag["evidence"]]}
            for tag in context["topic_tags"]]
    talk = talk_time(transcript.segments) if transcript is not None else []
    return page.render(**{**context, "chapters": chapters, "topic_tags": tags}, lines=lines, talk=talk)


def _search_page(d: SessionDoc, lines_of, filters, mentor_names, t: Messages) -> str:
    return search_doc(d, lines_of()[0], filters, mentor_names, t=t)


#: Pagefind decodes a filter value's character references (twice: escaping it twice does not
#: help) and its UI inserts filter values as HTML, so a mentor or topic named
#: "<img src=x onerror=...>" would run on the search page. Filter values reach Pagefind with no
#: character that can start a tag or a reference: look-alikes, shown as the same text.
_FILTER_INERT = str.maketrans({"<": "\u2039", ">": "\u203a", "&": "\uff06", ",": " "})


def _filter_value(value: str) -> str:
    """A filter value as Pagefind's UI may show it (see ``_FILTER_INERT``; a comma splits values)."""
    return value.translate(_FILTER_INERT)


def search_doc(d: SessionDoc, lines, filters: Mapping[str, Sequence[str]], mentor_names: Sequence[str],
               language: str | None = None, t: Messages | None = None) -> str:
    """The page Pagefind indexes for a session in place of its built page.

    One result per session: title, description, summary and takeaways, then the transcript
    with one heading per moment, id ``t=SECONDS`` (its first line's start, to 0.01 s: the page's
    own timestamps). Pagefind turns headings with ids into
    sub-results, so a query lists the sessions and, under each, the moments that match, each
    linking to ``page#t=SECONDS`` (kbgen.js seeks the player there). Filters are attributes,
    so their values are not searchable text.

    The document is in the session's language (``language``, default :attr:`SessionDoc.language`):
    Pagefind keeps an index per ``<html lang>`` and stems each by its language. ``t``: kbgen's few
    words in it ("With ..."), in the site's language.
    """
    s = d.session
    t = t or messages()
    language = language or d.language
    out = [f'<!doctype html><html lang="{h(language)}"><head><meta charset="utf-8"><title>{h(s.title)}</title>'
           f'</head><body><h1>{h(s.title)}</h1>']
    out += [f'<span data-pagefind-filter="{h(k)}:{h(_filter_value(v))}"></span>'
            for k, values in sorted(filters.items()) for v in values]
    if s.description:
        out.append(f"<p>{h(s.description)}</p>")
    if mentor_names:
        with_them = t._("With %(names)s.", names=", ".join(mentor_names))
        out.append(f"<p>{h(with_them)}</p>")
    out += [f"<p>{h(x)}</p>" for x in d.enrichment.summary]
    if d.enrichment.takeaways:
        out.append("<ul>" + "".join(f"<li>{h(x)}</li>" for x in d.enrichment.takeaways) + "</ul>")
    if s.resources:  # what the mentor shared, by title
        out.append("<ul>" + "".join(f"<li>{h(r.title)}</li>" for r in s.resources) + "</ul>")
    open_heading = None
    for line in lines:
        second = int(line["start"])
        if second != open_heading:
            # The line's own start, as the page's timestamps have it: #t=22 would land 0.2 s into
            # the line before one that starts at 22.2, and mark that one.
            start = float(f"{line['start']:.2f}")
            out.append(f'<h2 id="t={start:g}">{line["clock"]}</h2>')  # digits, '.' and ':' only
            open_heading = second
        out.append(f"<p>{line['html']}</p>")
    out.append("</body></html>\n")
    return "\n".join(out)


def resource_names(s: Session) -> list[tuple[object, str]]:
    """Each resource of ``s`` with its document's path in the site ('' for a link):
    ``media/resources/<session>/<name>``, a name taken twice numbered (slides-2.pdf)."""
    out, taken = [], set()
    for r in s.resources:
        rel = ""
        if r.file is not None:
            stem, dot, ext = r.name.rpartition(".")
            name, n = r.name, 1
            while name in taken:
                n += 1
                name = f"{stem}-{n}{dot}{ext}"
            taken.add(name)
            rel = f"media/resources/{s.id}/{name}"
        out.append((r, rel))
    return out


def copy_resource(src: Path, target: Path) -> None:
    """Copy a shared document, checked again as it is opened: not through a link (O_NOFOLLOW),
    a regular file (it was checked when the sidecar was read; it may have been swapped since, for
    a link to a secret or a FIFO)."""
    import os
    import stat

    from ..errors import BuildError

    if os.path.realpath(src) != str(src):  # checked resolved: a folder on its way became a link since
        raise BuildError(f"{src}: a folder on its path is now a link; the resource changed since it was checked")
    # O_NONBLOCK: a FIFO put there would otherwise hold the build until someone writes to it.
    fd = os.open(src, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with open(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise BuildError(f"{src}: not a regular file any more; the resource changed since it was checked")
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as out:
            shutil.copyfileobj(f, out)


def _ask(s: Session, mentors: Sequence[Mentor], ask, t: Messages, site_url: str | None,
         directory_urls: bool) -> dict | None:
    """The session page's "Ask about this" link (kbgen.site.ask), or None: its address with the
    page's own in place (the site's URL when mkdocs.yml gives one, else the page's path), and the
    template kbgen.js fills for each moment."""
    from .ask import ask_href, ask_template

    template = ask_template(s, mentors, ask, t) if ask is not None else None
    if template is None:
        return None
    path = f"sessions/{s.id}/" if directory_urls else f"sessions/{s.id}.html"
    page = site_url.rstrip("/") + "/" + path if site_url else path
    return {"template": template, "href": ask_href(template, page)}


def feedback_lines(summary, t: Messages) -> list[str]:
    """A mentor's feedback figures (kbgen.directory.feedback.FeedbackSummary) as the page says
    them: "4.6 of 5 over 7 rated sessions", "6 of 7 found it helpful", "goals reached in 5 of 6"."""
    from ..directory.merit import rating_words

    if summary is None:
        return []
    out = []
    if summary.rating is not None:
        out.append(rating_words(summary.rating, summary.rated, t))
    if summary.helpful is not None:
        out.append(t._("%(count)s of %(total)s found it helpful", count=summary.helpful.count,
                       total=summary.helpful.total))
    if summary.goals is not None:
        out.append(t._("goals reached in %(count)s of %(total)s", count=summary.goals.count,
                       total=summary.goals.total))
    return out


def _redacted(kind: str, n: int, t: Messages) -> str:
    """'2 emails': how many of a kind of personal data (kbgen.redact.spans.KINDS) were redacted."""
    if kind == "email":
        return t.ngettext("%(num)s email", "%(num)s emails", n)
    if kind == "link":
        return t.ngettext("%(num)s link", "%(num)s links", n)
    if kind == "phone":
        return t.ngettext("%(num)s phone", "%(num)s phones", n)
    if kind == "name":
        return t.ngettext("%(num)s name", "%(num)s names", n)
    return f"{n} {kind}{'s' if n != 1 else ''}"


def _redaction_note(redactions, t: Messages | None = None) -> str:
    t = t or messages()
    counts = [(kind, n) for kind, n in redactions if n]
    if not counts:
        return ""
    parts = ", ".join(_redacted(kind, n, t) for kind, n in counts)
    return t._("Personal data was redacted from this transcript: %(counts)s.", counts=parts)


def _source(tr, t: Messages | None = None) -> str:
    t = t or messages()
    if tr.engine == "import":
        if tr.model == "vtt":
            return t._("an imported WebVTT file")
        if tr.model == "srt":
            return t._("an imported SRT file")
        if tr.model == "whisper-json":
            return t._("an imported Whisper JSON file")
        return t._("an imported transcript")
    return f"{tr.engine} ({tr.model})" if tr.model else tr.engine


def as_title(label: str) -> str:
    """A topic's label as a page's title: "machine learning" -> "Machine learning". A label
    written with capitals of its own ("iOS", "SQL tuning") is kept as written."""
    return label[:1].upper() + label[1:] if label == label.lower() else label


def date_text(day, t: Messages) -> str:
    """A date as pages show it: '15 January 2026' in English, the language's long form in others."""
    if t.english:
        return day.strftime("%d %B %Y").lstrip("0")
    from babel.dates import format_date

    return format_date(day, "long", locale=t.language.replace("-", "_"))


def duration_text(seconds: float, t: Messages) -> str:
    """'12 min 05 s'."""
    return t._("%(min)s min %(sec)s s", min=int(seconds // 60), sec="%02d" % int(seconds % 60))


def _session_language(d: SessionDoc, site: str, t: Messages) -> tuple[str, dict | None]:
    """A session's ``lang`` for its content ("" where it is the site's) and what its page says of
    its language: None where it is the site's and was not detected."""
    lang = d.language
    attr = lang if lang.lower() != site.lower() else ""  # "en-US" on an "en" site: said, not shown
    p = d.transcript.language_probability if not d.session.language else None
    if base_language(lang) == base_language(site) and p is None:
        return attr, None
    from .i18n import language_name

    return attr, {"name": language_name(lang, t), "detected": p is not None,
                                     "unsure": p is not None and p < LANGUAGE_SURE,
                                     "percent": round(100 * p) if p is not None else None}


def render_site(
    out: Path,
    docs: Sequence[SessionDoc],
    mentors: Sequence[Mentor],
    hints: Mapping[str, Sequence[object]],
    directory_urls: bool = True,
    taxonomy=None,
    statuses: Mapping[str, object] | None = None,
    outside: Mapping[str, Sequence[object]] | None = None,
    reciprocal: Sequence[tuple] = (),
    page_size: int = 50,
    site_name: str = "Mentoring sessions",
    site_url: str | None = None,
    learning_paths=None,
    echo=None,
    offline: bool = False,
    reuse=None,
    later: list | None = None,
    allowed_hosts: Sequence[str] = (),
    format_words: Mapping[str, str] | None = None,
    language: str = "en",
    audience: str = "public",
    needs: Mapping[str, int] | None = None,
    feedback: Mapping[str, object] | None = None,
    matching: tuple[float, float, float] = (1.0, 0.0, 0.0),
    ask=None,
) -> list[Path]:
    """Write every generated page, asset and media copy under ``out``; return the files.

    ``offline``: pages opened from disk (no fetch()): the directory data also as a script, and the
    transcript search page says it needs HTTP. ``reuse`` (a :class:`kbgen.fingerprint.Reuse`)
    takes a session's files from the last render when what they are made from is unchanged:
    each session's page, search document, downloads and media copy has a key (the file's
    inputs and kbgen's code); the other pages, few at any size, are always written.

    ``later``: where given, the downloads (WebVTT, SRT, JSON) and search documents are not made
    here but listed in it, per session, as (path under ``out``, make) for :func:`start_files` to
    make where the staged files went (the docs dir, the search documents' folder), beside
    MkDocs, which neither reads nor copies them (see :data:`STATIC`; the search documents are
    Pagefind's, after MkDocs).

    ``language``: the site's (Material's ``theme.language``): kbgen's words on every page are in
    it where kbgen has a catalogue for it (:mod:`.i18n`), else in English. A session's own words
    (title, summary, transcript) carry the session's language (``lang``) where it differs.

    ``audience``: the program page (:data:`PROGRAM_PAGE`) is written for ``internal`` only, with
    ``needs`` (:func:`read_needs`) as the topics' demand.
    """
    from ..fingerprint import key_of, transcript_digest

    msg = messages(language)
    env = _env(msg)
    by_id = {m.id: m for m in mentors}
    docs = sorted(docs, key=lambda d: (-d.session.date.toordinal(), d.session.id))
    topics, find_topic = _topics(docs, mentors, taxonomy)
    from ..config import LearningPathsConfig
    from . import paths as learning

    learning_paths = learning_paths or LearningPathsConfig()
    paths = learning.learning_paths(docs, topics, find_topic, learning_paths, echo, msg)
    steps_of = learning.path_steps(paths)
    written: list[Path] = []

    def write(rel: str, text: str) -> None:
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)

    pending: list[list[tuple[Path | None, Callable[[], str]]]] = [[]]  # per session: the files to make
    after: list[list[tuple[str | None, Callable[[], str]]]] = [[]]  # per session: the files made later

    def made(rel: str, key: str, make, beside_mkdocs: bool = False) -> None:
        """``make()``'s text at ``rel`` (made below, with the other sessions' files, or later), or
        the last render's file when its key is the same."""
        written.append(out / rel)
        if reuse is None or not reuse.take(rel, key, out / rel):
            if beside_mkdocs and later is not None:
                after[-1].append((rel, make))
            else:
                pending[-1].append((out / rel, make))

    def topic_refs(labels: Sequence[str]) -> list[Topic]:
        return list(dict.fromkeys(t for t in map(find_topic, labels) if t is not None))

    # Sessions.
    page = env.get_template("session.md.j2")
    up = "../../" if directory_urls else "../"
    here = "../" if directory_urls else ""  # a file beside sessions/x.md, from its built page
    titles = {d.session.id: d.session.title for d in docs}
    languages = {d.session.id: d.language for d in docs}

    def own_lang(tag: str) -> str:
        """A ``lang`` for text in ``tag``: "" where it is the site's language."""
        return tag if tag.lower() != language.lower() else ""

    def url(path: str) -> str:
        """A site path ('topics/x') as a link from a session or topic page (both as deep), in raw
        HTML (not rewritten)."""
        return up + (f"{path}/" if directory_urls else f"{path}.html")

    shared_of: dict[str, list[dict]] = {}  # per session: its resources as its pages link them
    for d in docs:
        s = d.session
        publish_media = s.media is not None and d.publish_media
        media_rel = f"media/{s.id}{s.media.suffix.lower()}" if publish_media else ""
        if publish_media:
            target = out / media_rel
            st = s.media.stat()
            if reuse is None or not reuse.take(media_rel, key_of("media", str(s.media), st.st_size, st.st_mtime_ns),
                                               target):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(s.media, target)
            written.append(target)
        shared = []  # the session's resources: links, and documents copied beside its media
        for r, rel in resource_names(s):
            if rel:
                target = out / rel
                st = r.file.stat()
                if reuse is None or not reuse.take(rel, key_of("resource", str(r.file), st.st_size, st.st_mtime_ns),
                                                   target):
                    copy_resource(r.file, target)
                written.append(target)
            shared.append({"title": r.title, "href": up + rel if rel else safe_url(r.url), "file": bool(rel),
                           "where": s.title})
        shared_of[s.id] = shared
        dur = d.transcript.duration
        said = transcript_digest(d.transcript)
        downloads = []
        if not d.transcript.is_empty:
            from ..transcribe.formats import downloads as download_texts

            texts = functools.cache(partial(download_texts, d.transcript))  # all three at once, when needed
            for ext, label in (("vtt", "WebVTT"), ("srt", "SRT"), ("json", "JSON")):
                made(f"sessions/{s.id}.{ext}", key_of(ext, said), partial(_download, texts, ext), beside_mkdocs=True)
                downloads.append((label, f"{here}{s.id}.{ext}"))
        # The transcript's lines, made once when a file needs them: a session whose files are all
        # taken from the last render never reads its transcript (a StoredTranscript stays unread).
        lines_of = functools.cache(partial(_lines_of, d.transcript))
        filters = {
            "topic": list(dict.fromkeys([t.label for t in topic_refs(s.topics)]
                                        + [tag.label for tag in d.enrichment.topics])),
            "mentor": [by_id[m].name for m in s.mentors if m in by_id],
            "year": [str(s.date.year)],
            "format": [msg._(FORMAT_NAMES[s.kind])],
        }
        built_page = f"sessions/{s.id}/index.html" if directory_urls else f"sessions/{s.id}.html"
        names = [by_id[m].name for m in s.mentors if m in by_id]
        # Keyed by what search_doc reads: not the related sessions, whose scores move with every
        # session added (so every session's document would be written again).
        # Made later, in another process, the search document gets a cache of its own: a page
        # worker inherits the later files' makers, and a shared cache would keep every session's
        # lines in it once the page is made (290 MiB per page worker at 1,000 sessions, not 108).
        search_lines = lines_of if later is None else functools.cache(partial(_lines_of, d.transcript))
        made(f"{SEARCH_DOCS}/{built_page}", key_of("search", s.title, s.description, d.enrichment.summary,
                                                   [r.title for r in s.resources],
                                                   d.enrichment.takeaways, said, filters, names, d.language,
                                                   msg.language, msg.digest),
             partial(_search_page, d, search_lines, filters, names, msg), beside_mkdocs=True)
        chapters = [{"start": c.start, "title": c.title} for c in d.enrichment.chapters]  # anchors: when rendered
        chapters_url = ""
        if chapters and media_rel:
            from ..transcribe.formats import chapters_vtt

            rows = [(c.start, c.end, c.title) for c in d.enrichment.chapters]
            made(f"sessions/{s.id}.chapters.vtt", key_of("chapters", rows), partial(chapters_vtt, rows))
            chapters_url = "" if offline else f"{up}sessions/{s.id}.chapters.vtt"  # no <track> from file://
        tags = []
        for tag in d.enrichment.topics:
            t = find_topic(tag.label, tag.id)
            tags.append({
                "label": tag.label,
                "url": url(f"topics/{t.slug}") if t is not None else "",
                "evidence": [{"text": e.text, "start": e.start} for e in tag.evidence],  # anchors: when rendered
            })
        related = [{"id": r.session_id, "title": titles[r.session_id], "shared": r.shared,
                    "lang": own_lang(languages[r.session_id])}
                   for r in d.enrichment.related if r.session_id in titles]
        lang, spoken = _session_language(d, language, msg)
        context = dict(
                front_matter=_front_matter(s.title, description=s.description or s.title),
                s=s,
                date_text=date_text(s.date, msg),
                mentors=[by_id[m] for m in s.mentors if m in by_id],
                mentee=mentees_text(s, msg),
                topics=topic_refs(s.topics),
                media_url=up + media_rel if media_rel else "",
                media_withheld=s.media is not None and not publish_media,
                chapters_url=chapters_url,
                duration_text=duration_text(dur, msg),
                summary=d.enrichment.summary,
                takeaways=d.enrichment.takeaways,
                chapters=chapters,
                topic_tags=tags,
                key_phrases=d.enrichment.key_phrases,
                related=related,
                filters=filters,
                downloads=downloads,
                source=_source(d.transcript, msg),
                redaction_note=_redaction_note(d.redactions, msg),
                inferred=INFERRED in d.transcript.notes,
                path_steps=steps_of.get(s.id, []),
                level_text=msg._(LEVEL_WORDS[s.level]) if s.level in LEVEL_WORDS else (s.level or "").capitalize(),
                lang=lang,
                lang_attr=Markup(f' lang="{h(lang)}"') if lang else Markup(""),
                track_lang=d.language,
                spoken=spoken,
                ask=_ask(s, [by_id[m] for m in s.mentors if m in by_id], ask, msg, site_url, directory_urls),
                resources=shared,
                format_text=msg._(FORMAT_NAMES[s.kind]) if s.kind != "one-to-one" else "",
        )
        # The lines and anchors are the transcript's (its digest); topics are keyed by what the page
        # shows of them.
        shown = {**context, "lines": said, "topics": [(t.slug, t.label) for t in context["topics"]],
                 "words": (msg.language, msg.digest)}
        made(f"sessions/{s.id}.md", key_of("page", shown), partial(_session_page, page, context, lines_of,
                                                                   d.transcript))
        for group in (pending[-1], after[-1]):
            if group and isinstance(d.transcript, StoredTranscript):
                group.append((None, d.transcript.unload))  # once its files are made: read again if needed
        pending.append([])
        after.append([])
    make_files([group for group in pending if group])
    if later is not None:
        later.extend(group for group in after if group)
    _session_indexes(env, write, docs, by_id, page_size, msg, find_topic)
    write("sessions/search.md", env.get_template("search.md.j2").render(up=Markup(up), offline=offline))
    write("sessions/feed.xml", atom_feed(docs, site_name, site_url, directory_urls,
                                         names={m.id: m.name for m in mentors}))

    # Mentors.
    from ..directory.match import RECIPROCAL_SHOWN
    page = env.get_template("mentor.md.j2")
    pairs_of: dict[str, list] = {}
    for a, b, a_teaches_b, b_teaches_a in reciprocal:
        if a in by_id and b in by_id:
            pairs_of.setdefault(a, []).append((by_id[b], a_teaches_b, b_teaches_a))
            pairs_of.setdefault(b, []).append((by_id[a], b_teaches_a, a_teaches_b))
    from ..directory.checks import FORMAT_WORDS
    from ..directory.photos import PhotoError, photo_allowed, write_photo
    from ..directory.places import language_name
    from ..directory.status import Status
    from ..errors import BuildError
    from .i18n import js_messages
    from .i18n import language_name as language_name_in

    def name_of(tag: str) -> str:  # a language's name in the site's language
        return language_name(tag) if msg.english else language_name_in(tag, msg)

    # The built-in formats' words in the site's language; kbgen.yml's stay as written there.
    words = {**{k: msg._(v) for k, v in FORMAT_WORDS.items()}, **(format_words or {})}
    for m in sorted(mentors, key=lambda m: m.id):
        contact = safe_url(m.contact)
        photo = None
        if m.photo_file:  # a checked image of the project: its pixels published, nothing else (photos.py)
            target = out / "mentors" / "photos" / m.photo_file
            try:
                write_photo(m.photo, m.photo_file.rsplit("-", 1)[1].split(".")[0], target)
            except PhotoError as exc:
                raise BuildError(f"{exc}") from None
            written.append(target)
            photo = f"{up}mentors/photos/{m.photo_file}"  # raw HTML: MkDocs does not rewrite it
        elif m.photo and photo_allowed(m.photo, allowed_hosts):
            photo = safe_url(m.photo)
        pairs = [(hint, by_id[hint.mentor_id]) for hint in hints.get(m.id, ()) if hint.mentor_id in by_id]
        views = [(hint, by_id[hint.mentor_id]) for hint in (outside or {}).get(m.id, ()) if hint.mentor_id in by_id]
        their = [d for d in docs if m.id in d.session.mentors]
        mined: dict[str, list] = {}
        for d in their:
            for tag in d.enrichment.topics:
                t = find_topic(tag.label, tag.id)
                if t is not None:
                    mined.setdefault(t.slug, [t, 0])[1] += 1
        talks = sorted(((t, n) for t, n in mined.values()), key=lambda x: (-x[1], x[0].label))
        if m.availability:
            availability_text = msg._("%(windows)s (local time)", windows=", ".join(
                f"{msg._(DAY_WORDS[w.day]) if w.day in DAY_WORDS else w.day} {w.start}-{w.end}"
                for w in m.availability))
        elif m.weekly_hours:
            availability_text = msg._("%(hours)s hours a week", hours="%g" % m.weekly_hours)
        else:
            availability_text = ""
        status = (statuses or {}).get(m.id)
        if isinstance(status, Status):  # its label and reason in the site's language
            status = status.said(msg)
        write(
            f"mentors/{m.id}.md",
            page.render(
                front_matter=_front_matter(m.name, description=f"{m.name}: " + ", ".join(
                    x for x in (m.title, m.organization) if x) if m.title or m.organization else m.name),
                m=m,
                expertise=topic_refs(m.expertise),
                languages=[name_of(x) for x in m.languages],
                where=where_of(m, msg),
                meets=[words.get(f, f) for f in m.formats],
                initials=initials(m.name),
                capacity_text=capacity_text(m, msg),
                contact=contact,
                contact_text=contact.removeprefix("mailto:") if contact else "",
                sessions=their[:page_size],
                total_sessions=len(their),
                more_sessions=_more_pages(env, write, "mentors", m.id, msg._("Sessions with %(name)s", name=m.name),
                                          their, page_size, msg),
                hints=pairs,
                status=status,
                photo=photo,
                talks_about=talks,
                availability_text=availability_text,
                outside=views,
                reciprocal=pairs_of.get(m.id, [])[:RECIPROCAL_SHOWN],
                feedback=feedback_lines((feedback or {}).get(m.id), msg),
                quotes=getattr((feedback or {}).get(m.id), "quotes", ()),
            ),
        )
    orgs: dict[str, list[Mentor]] = {}
    for m in sorted(mentors, key=lambda m: (m.name.lower(), m.id)):
        orgs.setdefault(m.organization or msg._("Independent"), []).append(m)
    write(
        "mentors/index.md",
        env.get_template("mentors_index.md.j2").render(
            mentors=mentors, organizations=sorted(orgs.items()), offline=offline,
            org_count=len({m.organization for m in mentors if m.organization}),
            languages_of=lambda m: [name_of(x) for x in m.languages], where_of=partial(where_of, t=msg),
            directory_words=json_attr(js_messages(msg, "directory.js"))),
    )
    from ..directory.export import directory_inputs, directory_json
    from ..directory.merit import merits

    by_mentor, term_topics = directory_inputs(docs, mentors, find_topic)
    merit = merits(mentors, {mid: len(refs) for mid, refs in by_mentor.items()}, feedback or {})
    write("mentors/directory.json", directory_json(mentors, by_mentor, statuses or {}, term_topics, directory_urls,
                                                   format_words, t=msg, merit=merit, shares=matching))
    if offline:  # file:// pages cannot fetch(): the same data as a script that sets a global
        from ..directory.export import directory_script

        write("mentors/directory-data.js",
              directory_script((out / "mentors" / "directory.json").read_text(encoding="utf-8")))

    # Topics.
    page = env.get_template("topic.md.j2")
    offers_on: dict[str, list] = {}
    for m in sorted(mentors, key=lambda m: m.id):
        for o in m.offers:
            t = find_topic(o.topic)
            if t is not None:
                offers_on.setdefault(t.slug, []).append((m, o))
    for t in topics.values():
        tips = topic_tips(t.sessions)
        if tips:
            write(f"topics/{t.slug}/tips.xml", tips_feed(t, tips, site_name, site_url, directory_urls, msg))
        tips_shown = [{**tip, "url": url(f"sessions/{tip['doc'].session.id}") + f"#t={tip['time']:g}",
                       "where": msg._("%(title)s, at %(clock)s", title=tip["doc"].session.title,
                                      clock=timestamp(tip["time"]))} for tip in tips[:TIPS_SHOWN]]
        shared = [r for d in t.sessions for r in shared_of[d.session.id]]  # a topic page sits as deep as a session's
        write(f"topics/{t.slug}.md", page.render(front_matter=_front_matter(as_title(t.label)), t=t,
                                                 title=as_title(t.label),
                                                 shown=t.sessions[:page_size],
                                                 more=_more_pages(env, write, "topics", t.slug,
                                                                  msg._("Sessions on %(topic)s", topic=t.label),
                                                                  t.sessions, page_size, msg),
                                                 offers=offers_on.get(t.slug, []),
                                                 paths=[p for p in paths if p.topic is t],
                                                 tips=tips_shown, resources=shared))
    write("topics/index.md", env.get_template("topics_index.md.j2").render(topics=list(topics.values())))
    # The home page's way in, for the project's own index.md to include (pymdownx.snippets):
    # transcript search, the latest sessions, Find a mentor, the busiest topics, learning paths.
    busiest = sorted((tp for tp in topics.values() if tp.sessions), key=lambda tp: (-len(tp.sessions), tp.label))
    write(HOME, env.get_template("home.md.j2").render(
        search_url=None if offline else ("sessions/search/" if directory_urls else "sessions/search.html"),
        latest=docs[:5], total=len(docs), date_of=lambda day: date_text(day, msg), topics=busiest[:8],
        paths=paths[:5]))

    learning.write_path_pages(env, write, paths, learning_paths, _front_matter, msg, mentors=by_id)
    if audience == "internal":  # coordinators' page: never in a public build
        write(PROGRAM_PAGE[1], program_page(env, msg, docs, mentors, statuses or {}, topics, find_topic, needs or {}))

    for name in OWNED:
        if name == "program" and audience != "internal":
            continue  # a public build leaves no trace of the program page, not even its folder
        write(f"{name}/{OWNED_MARKER}", "kbgen owns this folder: it is written again on every build.\n")

    # Assets.
    assets = Path(__file__).parent / "assets"
    for name in ASSETS:
        target = out / "kbgen-assets" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(assets / name, target)
        written.append(target)
    # The header search's link to transcript search: its words and where the page is (none offline).
    link = {"page": None if offline else ("sessions/search/" if directory_urls else "sessions/search.html"),
            "text": msg._("Search the transcripts for “%(query)s”", query="%(query)s")}
    from ..directory.export import html_safe

    target = out / "kbgen-assets" / "search-link.js"
    target.write_text(f"window.kbgenSearchLink = {html_safe(json.dumps(link, ensure_ascii=False))};\n"
                      + (assets / "search-link.js").read_text(encoding="utf-8"), encoding="utf-8")
    return written


# -- the program page (internal builds only) ----------------------------------------------

#: The coordinators' page: (title msgid, page). Rendered for the internal audience only; build.py
#: adds it to the nav when the internal build has it. Its folder is owned (replaced, so a public
#: build removes it) and marked (a hand-written ``program/`` folder is never replaced).
PROGRAM_PAGE = (N_("Program"), "program/index.md")
#: Where ``kbgen match`` writes the cohort's needs, counts per topic only (no mentee's name).
NEEDS_FILE = "needs.json"
#: The most topics the supply-and-demand chart shows (the table has them all).
CHART_TOPICS = 20


def read_needs(path: Path) -> dict[str, int]:
    """The counts per topic in ``kbgen match``'s ``needs.json`` ({} when absent or unreadable):
    the program page's demand. Only topics and whole counts are read, nothing else."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    needs = data.get("needs") if isinstance(data, dict) else None
    if not isinstance(needs, dict):
        return {}
    return {" ".join(k.split()): v for k, v in sorted(needs.items())
            if isinstance(k, str) and k.strip() and isinstance(v, int) and not isinstance(v, bool) and v > 0}


def _strip_svg(root):
    """pygal's chart made static and reproducible: its script (configuration for pygal's
    tooltips, which would load from pygal's site) and its comments (a date, pygal's URLs) go."""
    for el in list(root.iter()):
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag.endswith("script") or not isinstance(el.tag, str):  # comments have a callable tag
            parent = el.getparent() if hasattr(el, "getparent") else None
            if parent is not None:
                parent.remove(el)
    return root


def svg_chart(chart_id: str, title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[int]]],
              horizontal: bool = False) -> Markup:
    """A bar chart as one line of inline SVG, drawn at build time by pygal: no script, no
    stylesheet or font from anywhere, a fixed id (the same inputs, the same bytes), a <title>
    and an aria-label. ``chart_id``: ``[a-z0-9-]``. Labels are user text: pygal writes them as
    XML text, escaped."""
    import pygal
    from lxml import etree

    kind = pygal.HorizontalBar if horizontal else pygal.Bar
    height = max(240, 100 + 14 * len(series) * len(labels)) if horizontal else 300
    chart = kind(disable_xml_declaration=True, js=[], title=title, width=720, height=height,
                 explicit_size=False, show_legend=len(series) > 1, legend_at_bottom=True, print_values=False,
                 x_label_rotation=0 if horizontal else 30, min_scale=1, max_scale=10, order_min=0,
                 value_formatter=lambda v: "%d" % v, truncate_label=-1, truncate_legend=-1)
    chart.uuid = chart_id
    chart.x_labels = list(labels)
    for name, values in series:
        chart.add(name, list(values))
    chart.add_xml_filter(_strip_svg)
    root = chart.render_tree()
    root.set("role", "img")
    root.set("aria-label", title)
    label = etree.Element("{http://www.w3.org/2000/svg}title")
    label.text = title
    root.insert(0, label)
    text = etree.tostring(root, encoding="unicode")
    # One line: a Markdown raw HTML block ends at a blank line.
    return Markup(" ".join(text.split("\n")))


def program_page(env: Environment, t: Messages, docs: Sequence[SessionDoc], mentors: Sequence[Mentor],
                 statuses: Mapping[str, object], topics: Mapping[str, Topic], find_topic,
                 needs: Mapping[str, int]) -> str:
    """The coordinators' page: mentors' capacity and open slots, the mentors not active, sessions
    per month, and topics asked for (``needs``: counts per topic from ``kbgen match``) against the
    topics mentors offer and the sessions recorded. Only this (internal) build's sessions count."""
    from ..directory.status import Status

    rows = []
    inactive = []
    for m in sorted(mentors, key=lambda m: (m.name.lower(), m.id)):
        status = statuses.get(m.id)
        if isinstance(status, Status):
            status = status.said(t)
        rows.append({"m": m, "capacity": "" if m.capacity is None else m.capacity,
                     "open": "" if m.open_slots is None else m.open_slots,
                     "status": status.label if status is not None else ""})
        if status is not None and status.kind == "inactive":
            inactive.append((m, status.reason))
    months: dict[str, int] = {}
    for d in docs:
        key = d.session.date.strftime("%Y-%m")
        months[key] = months.get(key, 0) + 1
    if months:  # every month between the first and the last, empty ones too
        first, last = min(months), max(months)
        y, mo = int(first[:4]), int(first[5:])
        while f"{y:04d}-{mo:02d}" <= last:
            months.setdefault(f"{y:04d}-{mo:02d}", 0)
            y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
    months = dict(sorted(months.items()))

    # Topics: supply (mentors whose expertise or offers cover it), demand, recorded sessions.
    supply: dict[str, set[str]] = {}
    for m in mentors:
        for term in (*m.expertise, *(o.topic for o in m.offers)):
            topic = find_topic(term)
            if topic is not None:
                supply.setdefault(topic.slug, set()).add(m.id)
    demand: dict[str, int] = {}
    labels: dict[str, tuple[str, str]] = {}  # key -> (label, topic slug or "")
    for term, n in needs.items():
        topic = find_topic(term)
        key = topic.slug if topic is not None else f"?{term.lower()}"
        labels[key] = (topic.label, topic.slug) if topic is not None else (term, "")
        demand[key] = demand.get(key, 0) + n
    for slug, topic in topics.items():
        if slug in supply or slug in demand:
            labels[slug] = (topic.label, slug)
    from ..directory.cohort import UNSTATED_SLOTS

    by_id = {m.id: m for m in mentors}

    def slots(ids) -> int:  # open slots of active mentors offering a topic; unstated: as kbgen match counts it
        return sum(UNSTATED_SLOTS if by_id[i].open_slots is None else by_id[i].open_slots for i in ids
                   if getattr(statuses.get(i), "kind", "taking") != "inactive")

    def waiting(asked: int, free: int) -> str:  # who waits for whom on a topic, once a cohort says what it asks
        if not needs:
            return ""
        if asked > free:
            return t._("mentees: %(num)s more than the open slots", num=asked - free)
        if free > asked:
            return t.ngettext("mentors: %(num)s open slot more than asked",
                              "mentors: %(num)s open slots more than asked", free - asked)
        return t._("neither")

    topic_rows = []
    for key, (label, slug) in labels.items():
        offering = supply.get(key, set())
        on_topic = topics[slug].sessions if slug else []
        row = {"label": label, "slug": slug, "demand": demand.get(key, 0), "supply": len(offering),
               "open": slots(offering), "sessions": len(on_topic),
               "webinars": sum(1 for d in on_topic if d.session.kind == "webinar")}
        row["waits"] = waiting(row["demand"], row["open"])
        topic_rows.append(row)
    topic_rows.sort(key=lambda r: (-r["demand"], -r["supply"], r["label"].lower()))
    charted = topic_rows[:CHART_TOPICS]
    unrecorded = sorted((r for r in topic_rows if r["supply"] and not r["sessions"]), key=lambda r: r["label"].lower())

    month_chart = svg_chart("kbgen-program-months", t._("Sessions per month"), list(months),
                            [(t._("Sessions"), list(months.values()))]) if months else Markup("")
    topic_chart = svg_chart("kbgen-program-topics", t._("Mentors and mentees per topic"),
                            [r["label"] for r in charted],
                            [(t._("Mentors who offer it"), [r["supply"] for r in charted]),
                             (t._("Mentees who ask for it"), [r["demand"] for r in charted])],
                            horizontal=True) if charted else Markup("")
    return env.get_template("program.md.j2").render(
        front_matter=_front_matter(t._("Program")), rows=rows, inactive=inactive, months=months,
        month_chart=month_chart, topic_rows=topic_rows, topic_chart=topic_chart, unrecorded=unrecorded,
        has_needs=bool(needs), sessions=len(docs))
