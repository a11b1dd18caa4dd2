"""Discovery of recordings and their `<name>.yml` sidecars, validated all at once."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Iterable
from pathlib import Path

from ..errors import IngestError, Problem, rel
from ..models import LEVELS, MEDIA_SUFFIXES, SESSION_FORMATS, VISIBILITIES, Feedback, Resource, Session
from ..yamlio import LocatedYaml, YamlProblem, load_yaml

SIDECAR_SUFFIXES = (".yml", ".yaml")
TRANSCRIPT_SUFFIXES = (".vtt", ".srt", ".json")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIRED = ("title", "date", "mentors", "visibility", "consent")
OPTIONAL = ("mentee", "mentees", "topics", "language", "description", "speakers", "channels", "redact",
            "publish_audio", "mentee_name", "mentee_names", "participants", "level", "feedback", "resources", "format")
MAX_PARTICIPANTS = 200
FEEDBACK_FIELDS = ("rating", "helpful", "goals_reached", "quote", "quote_consent")
MAX_QUOTE = 400  # characters: "a short quote"
#: Documents a session may share (``resources: [{file: ...}]``): office documents, PDFs, images.
#: Never text, pages, transcripts, sidecars or media: those could be another session's, or a page
#: an internal build wrote.
RESOURCE_SUFFIXES = (".pdf", ".pptx", ".ppt", ".odp", ".key", ".docx", ".doc", ".odt", ".rtf", ".xlsx", ".xls",
                     ".ods", ".csv", ".png", ".jpg", ".jpeg", ".gif", ".webp")
MAX_RESOURCE_BYTES = 25 * 1024 * 1024
MAX_TITLE = 200
FIELDS = REQUIRED + OPTIONAL


def _one_mentee(mentees: list[str]) -> str:
    """A group's ``mentee`` field: 'anonymous' when any of them is, else their names joined."""
    if any(m.strip().lower() == "anonymous" for m in mentees):
        return "anonymous"
    return ", ".join(" ".join(m.split()) for m in mentees)


def slugify(text: str) -> str:
    """Lower-case `[a-z0-9-]` slug of ``text`` (accents dropped)."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _undecodable(name: str) -> bool:
    """True when ``name`` (as the file system gave it) holds bytes that are not UTF-8.

    Python hands such bytes over as lone surrogates (``caf\\udce9``): they cannot be written
    into a page, a slug or a JSON file, so the name must be fixed before anything is built.
    """
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def shown_name(name: str) -> str:
    """``name`` as it can be printed: a byte that is not UTF-8 is written ``\\xe9``."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _files(folder: Path, root: Path, problems: list[Problem]) -> Iterable[Path]:
    """Every regular file under ``folder``, sorted; refuse symlinks, escapes from the root and
    names that are not UTF-8 (a folder with such a name is reported once, not its files)."""
    top = folder.resolve()
    named: set[Path] = set()  # names already reported as not UTF-8
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if any(part.startswith(".") for part in parts):
            continue
        bad = next((i for i, part in enumerate(parts) if _undecodable(part)), None)
        if bad is not None:
            first = folder.joinpath(*parts[:bad + 1])
            if first not in named:
                named.add(first)
                is_folder = bad < len(parts) - 1 or (path.is_dir() and not path.is_symlink())
                what = "folder" if is_folder else "file"
                problems.append(Problem(shown_name(rel(first, root)) + ("/" if is_folder else ""), "",
                                        f"the {what} name is not valid UTF-8 text; rename it using UTF-8 "
                                        "characters"))
            continue
        if path.is_symlink():
            problems.append(Problem(rel(path, root), "", "is a symbolic link; copy the file in instead"))
            continue
        if not path.is_file():
            continue
        if not path.resolve().is_relative_to(top):
            problems.append(Problem(rel(path, root), "", "lies outside the recordings folder"))
            continue
        yield path


def discover_sessions(
    recordings: Path, root: Path, roster_ids: Iterable[str] | None = None, protected: dict[str, Path] | None = None
) -> list[Session]:
    """Pair each recording with its sidecar and validate both.

    Every problem in every sidecar is collected before raising :class:`IngestError`.
    ``roster_ids``, when given, are the mentor ids a sidecar may name; ``protected``: folders a
    resource file may not be in (name -> folder: the cache, the site, the docs folder).
    """
    problems: list[Problem] = []
    if not recordings.is_dir():
        raise IngestError(
            [Problem(rel(recordings, root), "", "no recordings folder; create it or set `recordings:` in kbgen.yml")],
            what="recordings",
        )
    media: dict[Path, list[Path]] = {}
    transcripts: dict[Path, list[Path]] = {}
    sidecars: dict[Path, Path] = {}
    for path in _files(recordings, root, problems):
        stem = path.with_suffix("")
        suffix = path.suffix.lower()
        if suffix in MEDIA_SUFFIXES:
            media.setdefault(stem, []).append(path)
        elif suffix in TRANSCRIPT_SUFFIXES:
            transcripts.setdefault(stem, []).append(path)
        elif suffix in SIDECAR_SUFFIXES:
            if stem in sidecars:
                first = rel(sidecars[stem], root)
                problems.append(Problem(rel(path, root), "", f"a second sidecar for {first}; keep one"))
                continue
            sidecars[stem] = path
    known = set(roster_ids) if roster_ids is not None else None
    sessions: list[Session] = []
    seen: dict[str, Path] = {}
    for stem in sorted(set(media) | set(sidecars) | set(transcripts)):
        files = media.get(stem, [])
        texts = transcripts.get(stem, [])
        sidecar = sidecars.get(stem)
        if sidecar is None:
            for f in files + texts:
                problems.append(
                    Problem(rel(f, root), "", f"no sidecar; add {rel(stem, root)}.yml with title, date, mentors, "
                            "visibility and consent")
                )
            continue
        if not files and not texts:
            problems.append(Problem(rel(sidecar, root), "", "no recording or transcript beside it with the same "
                                    f"name ({', '.join(MEDIA_SUFFIXES + TRANSCRIPT_SUFFIXES)}); add one or "
                                    "remove the sidecar"))
            continue
        if len(files) > 1:
            names = ", ".join(rel(f, root) for f in files)
            problems.append(Problem(rel(sidecar, root), "", f"more than one recording for it ({names}); keep one"))
            continue
        if len(texts) > 1:
            names = ", ".join(rel(f, root) for f in texts)
            problems.append(Problem(rel(sidecar, root), "", f"more than one transcript for it ({names}); keep one"))
            continue
        sid = slugify(stem.name)
        if not sid:
            problems.append(Problem(rel(sidecar, root), "", "file name gives an empty slug; use letters or digits"))
            continue
        if sid in ("index", "search", "feed") or re.fullmatch(r"(page-\d+|year-\d+(-page-\d+)?)", sid):
            what = {"index": "the list of sessions", "search": "the transcript search page",
                    "feed": "the sessions feed"}.get(sid, "a page of the sessions index")
            problems.append(Problem(rel(sidecar, root), "", f"the page name '{sid}' is taken by {what}; "
                                    "rename the recording and its sidecar"))
            continue
        if sid in seen:
            other = rel(seen[sid], root)
            problems.append(Problem(rel(sidecar, root), "", f"same page name '{sid}' as {other}; rename one"))
            continue
        seen[sid] = sidecar
        session = _read_sidecar(sidecar, files[0] if files else None, texts[0] if texts else None,
                                sid, root, known, problems, protected)
        if session is not None:
            sessions.append(session)
    if problems:
        raise IngestError(problems, what="recordings")
    return sessions


def _language(doc, value, problems: list) -> str:
    """The sidecar's ``language`` as a BCP 47 tag ("ES" -> "es", "pt_br" -> "pt-BR", "Spanish" ->
    "es"), by the library the roster's languages go through; "" when it is not given (the
    language is detected). Not a known language: a problem with the closest one suggested."""
    from ..directory.places import language_tag

    if value is None:
        return ""
    if not isinstance(value, str) or not value.strip():
        problems.append(doc.problem(("language",), "expected a language code such as es or pt-BR, or leave it "
                                    "out to have the language detected"))
        return ""
    tag, close = language_tag(value.replace("_", "-"))
    if tag is None:
        hint = ""
        if close:
            near, _ = language_tag(close)
            hint = f"; did you mean '{near}' ({close})?" if near else f"; did you mean {close}?"
        problems.append(doc.problem(("language",), f"'{value}' is not a known language{hint or '.'} Write a BCP 47 "
                                    "code such as es or pt-BR, or leave it out to have the language detected"))
        return ""
    return tag


def _str_list(doc: LocatedYaml, key: str, value, problems: list[Problem]) -> tuple[str, ...] | None:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) and not isinstance(v, bool)
                                              for v in value):
        problems.append(doc.problem((key,), "expected a list of names, e.g. [a, b]"))
        return None
    return tuple(" ".join(str(v).split()) for v in value if str(v).strip())


def _resources(doc: LocatedYaml, value, root: Path, protected: dict[str, Path] | None,
               problems: list[Problem]) -> tuple[Resource, ...]:
    """The sidecar's ``resources:``: each a title and an https ``url`` or a ``file`` of the project."""
    from ..directory.roster import contact_problem
    from ..fsutil import project_file

    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(doc.problem(("resources",), "expected a list, e.g. [{title: Slides, file: slides/x.pdf}, "
                                    "{title: Article, url: 'https://example.org/a'}]"))
        return ()
    out = []
    for i, item in enumerate(value):
        where = ("resources", i)
        if not isinstance(item, dict):
            problems.append(doc.problem(where, "expected {title: ..., url: ...} or {title: ..., file: ...}"))
            continue
        before = len(problems)
        _unknown_fields(doc, item, ("title", "url", "file"), problems, under=where)
        title = item.get("title")
        if not isinstance(title, str) or not title.strip() or len(title) > MAX_TITLE:
            problems.append(doc.problem((*where, "title"), f"give the resource a title (text, at most {MAX_TITLE} "
                                        "characters)"))
        url, file = item.get("url"), item.get("file")
        if (url is None) == (file is None):
            problems.append(doc.problem(where, "give either url (an https:// link) or file (a document of the "
                                        "project), one of them"))
        elif url is not None:
            from ..site.text import safe_url

            problem = ("expected an https:// link (lower-case https, no spaces or quotes), e.g. https://example.org/a"
                       if not isinstance(url, str) or safe_url(url) is None or not url.strip().startswith("https://")
                       else contact_problem(url.strip()))
            if problem:
                problems.append(doc.problem((*where, "url"), problem.replace("contact", "url")))
        elif not isinstance(file, str):
            problems.append(doc.problem((*where, "file"), "expected a path relative to the project"))
        else:
            try:
                path = project_file(file, root, protected, "resource", "resources/slides.pdf", noun="document")
            except ValueError as exc:
                problems.append(doc.problem((*where, "file"), str(exc)))
            else:
                if path.suffix.lower() not in RESOURCE_SUFFIXES:
                    problems.append(doc.problem((*where, "file"), f"'{file}' is not a document kbgen publishes; "
                                                f"share one of {', '.join(RESOURCE_SUFFIXES)}, or link it with url"))
                elif path.stat().st_size > MAX_RESOURCE_BYTES:
                    problems.append(doc.problem((*where, "file"), f"'{file}' is {path.stat().st_size / 2**20:.0f} "
                                                f"MB; share at most {MAX_RESOURCE_BYTES // 2**20} MB, or link it "
                                                "with url"))
                file = path.resolve()
        if len(problems) == before:
            stamp = (0, 0)
            if file:
                st = file.stat()
                stamp = (st.st_size, st.st_mtime_ns)
            out.append(Resource(" ".join(title.split()), url.strip() if url else "", file if file else None, stamp))
    return tuple(out)


def _unknown_fields(doc: LocatedYaml, data: dict, fields: tuple[str, ...], problems: list[Problem],
                    under: tuple = ()) -> None:
    """A problem for each key of ``data`` (at ``under`` in the file) not in ``fields``, with the
    closest valid one suggested."""
    for key in data:
        if key not in fields:
            close = difflib.get_close_matches(str(key), fields, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            problems.append(doc.problem((*under, str(key)), f"unknown field; {hint}valid fields: {', '.join(fields)}"))


def _feedback(doc: LocatedYaml, value, problems: list[Problem]) -> Feedback | None:
    """The sidecar's ``feedback:`` mapping, checked field by field."""
    if value is None:
        return None
    if not isinstance(value, dict):
        problems.append(doc.problem(("feedback",), "expected a mapping, e.g. {rating: 5, helpful: true}"))
        return None
    before = len(problems)
    _unknown_fields(doc, value, FEEDBACK_FIELDS, problems, under=("feedback",))
    rating = value.get("rating")
    if rating is not None and (isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5):
        problems.append(doc.problem(("feedback", "rating"), "expected the mentee's rating, a whole number from "
                                    "1 to 5"))
    for key in ("helpful", "goals_reached", "quote_consent"):
        if value.get(key) is not None and not isinstance(value[key], bool):
            problems.append(doc.problem(("feedback", key), "expected true or false"))
    quote = value.get("quote")
    if quote is not None and not isinstance(quote, str):
        problems.append(doc.problem(("feedback", "quote"), "expected text"))
    elif isinstance(quote, str) and len(" ".join(quote.split())) > MAX_QUOTE:
        problems.append(doc.problem(("feedback", "quote"), f"{len(' '.join(quote.split()))} characters; keep "
                                    f"the quote short (at most {MAX_QUOTE})"))
    if len(problems) > before:
        return None
    return Feedback(rating=rating, helpful=value.get("helpful"), goals_reached=value.get("goals_reached"),
                    quote=" ".join((quote or "").split()), quote_consent=value.get("quote_consent") is True)


def _read_sidecar(
    sidecar: Path, media: Path | None, transcript: Path | None, sid: str, root: Path, known: set[str] | None,
    problems: list[Problem], protected: dict[str, Path] | None = None,
) -> Session | None:
    try:
        doc = load_yaml(sidecar, root)
    except YamlProblem as exc:
        problems.append(exc.problem)
        return None
    data = doc.data
    if not isinstance(data, dict):
        problems.append(Problem(doc.shown, "", "expected a mapping of fields (title: ..., date: ...)"))
        return None
    before = len(problems)
    _unknown_fields(doc, data, FIELDS, problems)
    for key in REQUIRED:
        if data.get(key) is None:
            problems.append(Problem(doc.shown, f"field '{key}'", "missing; every sidecar needs "
                                    + ", ".join(REQUIRED)))
    title = data.get("title")
    if title is not None and not (isinstance(title, str) and title.strip()):
        problems.append(doc.problem(("title",), "expected a non-empty text"))
    date = data.get("date")
    if date is not None:
        if isinstance(date, dt.datetime):
            date = date.date()
        elif isinstance(date, str):
            try:
                date = dt.date.fromisoformat(date.strip())
            except ValueError:
                if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date.strip()):  # written right, but no such day
                    problems.append(doc.problem(("date",), f"'{date.strip()}' is not a real date; check the "
                                                "month and the day"))
                else:
                    problems.append(doc.problem(("date",), f"'{date}' is not a date; write it as YYYY-MM-DD"))
        elif not isinstance(date, dt.date):
            problems.append(doc.problem(("date",), "expected a date written as YYYY-MM-DD"))
    mentors = _str_list(doc, "mentors", data["mentors"], problems) if data.get("mentors") is not None else None
    if mentors is not None:
        if not mentors:
            problems.append(doc.problem(("mentors",), "name at least one mentor id from the roster"))
        for i, m in enumerate(mentors):
            if known is not None and m not in known:
                close = difflib.get_close_matches(m, sorted(known), n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                problems.append(doc.problem(("mentors", i), f"unknown mentor '{m}'; {hint}add it to the roster "
                                            "or use one of its ids"))
    topics = _str_list(doc, "topics", data.get("topics") or [], problems)
    visibility = data.get("visibility")
    if visibility is not None and visibility not in VISIBILITIES:
        problems.append(doc.problem(("visibility",), f"'{visibility}' is not one of {', '.join(VISIBILITIES)}"))
    consent = data.get("consent")
    if consent is not None and not isinstance(consent, bool):
        problems.append(doc.problem(("consent",), "expected true or false"))
    mentee = data.get("mentee", "anonymous")
    if not isinstance(mentee, str) or not mentee.strip():
        problems.append(doc.problem(("mentee",), "expected a name, or 'anonymous'"))
    mentees: list[str] = []
    if data.get("mentees") is not None:  # a group session: several mentees, each a name or 'anonymous'
        mentees = _str_list(doc, "mentees", data["mentees"], problems) or []
        if "mentee" in data:
            problems.append(doc.problem(("mentees",), "give either `mentee:` (one) or `mentees:` (a group), not both"))
        elif not mentees:
            problems.append(doc.problem(("mentees",), "name the mentees, or write 'anonymous' for each"))
    mentee_names = _str_list(doc, "mentee_names", data.get("mentee_names") or [], problems) or []
    if mentee_names and not any(m.strip().lower() == "anonymous" for m in (mentees or [mentee])
                                if isinstance(m, str)):
        problems.append(doc.problem(("mentee_names",), "only for anonymous mentees: their names are replaced by "
                                    "'Mentee 1', 'Mentee 2' in the transcript"))
    participants = data.get("participants")
    if participants is not None and (isinstance(participants, bool) or not isinstance(participants, int)
                                     or not 1 <= participants <= MAX_PARTICIPANTS):
        problems.append(doc.problem(("participants",), f"expected how many people speak, a whole number from 1 "
                                    f"to {MAX_PARTICIPANTS}"))
        participants = None
    language = _language(doc, data.get("language"), problems)
    description = data.get("description", "")
    if not isinstance(description, str):
        problems.append(doc.problem(("description",), "expected text"))
    speakers = data.get("speakers") or {}
    if not isinstance(speakers, dict) or not all(
        isinstance(k, (str, int)) and isinstance(v, str) and v.strip() for k, v in speakers.items()
    ):
        problems.append(doc.problem(("speakers",), "expected a mapping of labels to names, "
                                    "e.g. {Speaker 1: Ana García, Speaker 2: Jordan}"))
        speakers = {}
    channels = data.get("channels") or []
    if not isinstance(channels, list) or not all(isinstance(c, str) and c.strip() for c in channels):
        problems.append(doc.problem(("channels",), "expected a list of names, one per audio channel, "
                                    "e.g. [Ana García, Jordan]"))
        channels = []
    elif channels and media is None:
        problems.append(doc.problem(("channels",), "names audio channels, but there is no recording beside it"))
    redact = _str_list(doc, "redact", data.get("redact") or [], problems) or ()
    mentee_name = data.get("mentee_name")
    if mentee_name is not None and not (isinstance(mentee_name, str) and mentee_name.strip()):
        problems.append(doc.problem(("mentee_name",), "expected the mentee's name (used only to redact it)"))
    elif mentee_name and isinstance(mentee, str) and mentee.strip().lower() != "anonymous":
        problems.append(doc.problem(("mentee_name",), "only for `mentee: anonymous`: the name is replaced by "
                                    "'Mentee' in the transcript"))
    publish_audio = data.get("publish_audio")
    if publish_audio is not None and not isinstance(publish_audio, bool):
        problems.append(doc.problem(("publish_audio",), "expected true or false"))
    level = data.get("level")
    if level is not None and level not in LEVELS:
        problems.append(doc.problem(("level",), f"'{level}' is not one of {', '.join(LEVELS)}; "
                                    "leave it out when no level fits"))
    session_format = data.get("format")
    if session_format is not None and session_format not in SESSION_FORMATS:
        problems.append(doc.problem(("format",), f"'{session_format}' is not one of {', '.join(SESSION_FORMATS)}; "
                                    "leave it out for a one-to-one (or a group, when mentees lists several)"))
    feedback = _feedback(doc, data.get("feedback"), problems)
    resources = _resources(doc, data.get("resources"), root, protected, problems)
    if len(problems) > before:
        return None
    return Session(
        id=sid,
        title=" ".join(title.split()),
        date=date,
        mentors=tuple(dict.fromkeys(mentors)),
        topics=tuple(dict.fromkeys(t.lower() for t in topics)),
        visibility=visibility,
        consent=consent,
        mentee=_one_mentee(mentees) if mentees else " ".join(mentee.split()),
        mentees=tuple(" ".join(m.split()) for m in mentees),
        mentee_names=tuple(" ".join(n.split()) for n in mentee_names),
        participants=participants,
        language=language,
        media=media.resolve() if media is not None else None,
        sidecar=sidecar.resolve(),
        description=" ".join(description.split()),
        transcript=transcript.resolve() if transcript is not None else None,
        speakers=tuple((str(k), " ".join(v.split())) for k, v in speakers.items()),
        channels=tuple(" ".join(c.split()) for c in channels),
        redact=tuple(redact),
        mentee_name=" ".join(mentee_name.split()) if isinstance(mentee_name, str) else None,
        publish_audio=publish_audio,
        level=level,
        feedback=feedback,
        resources=resources,
        format=session_format or "",
    )
