"""The records that flow between stages. Plain dataclasses: no I/O here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

VISIBILITIES = ("public", "internal", "private")
#: A session's level (sidecar `level:`), easiest first: the order of derived learning paths.
LEVELS = ("beginner", "intermediate", "advanced")
#: Which visibilities each audience may see. Private is never published.
AUDIENCES: dict[str, tuple[str, ...]] = {
    "public": ("public",),
    "internal": ("public", "internal"),
}


@dataclass(frozen=True)
class Mentor:
    """One roster entry from mentors.yaml."""

    id: str
    name: str
    title: str = ""
    organization: str = ""
    timezone: str = "UTC"
    languages: tuple[str, ...] = ()
    expertise: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    capacity: int | None = None  # mentees at a time; None: not stated (taking mentees); 0: full
    mentees: int = 0  # mentees the mentor has now: all slots used (mentees >= capacity) is full
    bio: str = ""
    contact: str = ""
    wants_to_learn: tuple[str, ...] = ()  # for reverse mentoring
    offers: tuple[Offer, ...] = ()  # micro-mentoring: a topic and minutes
    availability: tuple[Window, ...] = ()  # weekly windows, in the mentor's time zone
    weekly_hours: float | None = None  # hours a week, when no windows are given
    available_until: dt.date | None = None
    updated: dt.date | None = None  # when the entry was last confirmed (for "not active")
    industry: str = ""
    experience_years: int | None = None  # years in that industry or field (the roster's experience_years)
    accepts_questions: bool = True  # False: no "Ask about this" link on their session pages
    pronouns: str = ""
    photo: str = ""  # an https URL, or the absolute path of a checked image file in the project
    photo_file: str = ""  # a local photo's name in the site (mentors/photos/): id, content digest, suffix
    country: str = ""  # ISO 3166-1 alpha-2 code
    location: str = ""  # a city or region, as written

    @property
    def open_slots(self) -> int | None:
        """Mentees the mentor can still take; None when the roster states no capacity."""
        return None if self.capacity is None else max(self.capacity - self.mentees, 0)


@dataclass(frozen=True)
class Offer:
    """A micro-mentoring offer: one topic, a short call."""

    topic: str
    minutes: int


@dataclass(frozen=True)
class Window:
    """A weekly availability window in the mentor's own time zone (24 h clock, HH:MM)."""

    day: str  # mon, tue, wed, thu, fri, sat, sun
    start: str
    end: str


@dataclass(frozen=True)
class Feedback:
    """The mentee's feedback on one session (the sidecar's ``feedback:``). Never published as it
    is: only as a mentor's aggregate over enough sessions (kbgen.directory.feedback)."""

    rating: int | None = None  # 1-5
    helpful: bool | None = None
    goals_reached: bool | None = None
    quote: str = ""  # shown (redacted, with no session named) only with quote_consent
    quote_consent: bool = False


@dataclass(frozen=True)
class Resource:
    """Something a mentor shares with a session (the sidecar's ``resources:``): a title and an
    https link, or a document of the project, copied into the site with the session."""

    title: str
    url: str = ""
    file: Path | None = None  # absolute path of a checked document in the project
    stamp: tuple[int, int] = (0, 0)  # the document's size and mtime (ns) when read: a new one is a new build

    @property
    def name(self) -> str:
        """The document's name in the site ('' for a link): its file name made safe."""
        if self.file is None:
            return ""
        import re

        stem = re.sub(r"[^a-z0-9]+", "-", self.file.stem.lower()).strip("-") or "document"
        return stem + self.file.suffix.lower()


@dataclass(frozen=True)
class Session:
    """One recording (or imported transcript) and its sidecar metadata."""

    id: str  # slug, [a-z0-9-], unique in the project
    title: str
    date: dt.date
    mentors: tuple[str, ...]
    topics: tuple[str, ...]
    visibility: str  # public | internal | private
    consent: bool
    mentee: str = "anonymous"
    language: str = ""  # BCP 47 tag from the sidecar ("es", "pt-BR"); "" when not stated (detected)
    media: Path | None = None  # absolute path of the recording
    sidecar: Path | None = None  # absolute path of the sidecar
    description: str = ""
    transcript: Path | None = None  # an existing transcript beside it (.vtt, .srt, Whisper .json)
    speakers: tuple[tuple[str, str], ...] = ()  # label in the transcript -> name to show
    channels: tuple[str, ...] = ()  # one speaker per audio channel, in channel order
    redact: tuple[str, ...] = ()  # names to redact wherever they appear
    mentee_name: str | None = None  # an anonymous mentee's name: replaced by "Mentee", never published
    mentees: tuple[str, ...] = ()  # a group session's mentees (`mentees:`), each a name or "anonymous"
    mentee_names: tuple[str, ...] = ()  # anonymous mentees' real names: replaced by "Mentee N", never published
    participants: int | None = None  # how many people speak (the sidecar's count, for diarization)
    publish_audio: bool | None = None  # True: publish the recording even when redaction was needed
    level: str | None = None  # beginner | intermediate | advanced (LEVELS), for learning paths
    feedback: Feedback | None = None  # the mentee's, never published per session
    resources: tuple[Resource, ...] = ()  # links and documents shared with the session
    format: str = ""  # the sidecar's: one-to-one, group or webinar ("" : told by its mentees)

    @property
    def kind(self) -> str:
        """one-to-one, group (several named mentees) or webinar (one mentor, an audience)."""
        return self.format or ("group" if len(self.mentees) > 1 else "one-to-one")

    @property
    def speaker_map(self) -> dict[str, str]:
        return dict(self.speakers)

    @property
    def is_video(self) -> bool:
        return self.media is not None and self.media.suffix.lower() in VIDEO_SUFFIXES


#: Session formats a sidecar may state; the words each reads as (kbgen.site.render.FORMAT_NAMES).
SESSION_FORMATS = ("one-to-one", "group", "webinar")

AUDIO_SUFFIXES = (".m4a", ".mp3", ".wav", ".ogg", ".oga", ".opus", ".flac", ".aac", ".webm")
VIDEO_SUFFIXES = (".mp4", ".mov", ".mkv", ".m4v")
MEDIA_SUFFIXES = AUDIO_SUFFIXES + VIDEO_SUFFIXES


@dataclass(frozen=True)
class Word:
    """One recognised word with its times (seconds); ``text`` keeps its leading space."""

    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Segment:
    """A stretch of speech (about a sentence): times in seconds from the start."""

    start: float
    end: float
    text: str
    speaker: str | None = None
    words: tuple[Word, ...] = ()


@dataclass(frozen=True)
class Transcript:
    """What transcription (or an importer) gives for one session."""

    segments: tuple[Segment, ...]
    language: str
    duration: float  # seconds of audio
    engine: str = ""  # "faster-whisper", "openai-whisper", or "import" for an imported file
    model: str = ""  # model label, or the imported format ("vtt", "srt", "whisper-json")
    notes: tuple[str, ...] = ()  # what the transcriber repaired or noticed (loops collapsed...)
    #: How sure the model was of ``language`` when it detected it (0-1); None when it was given.
    language_probability: float | None = None

    @property
    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.segments if s.text.strip())

    @property
    def is_empty(self) -> bool:
        """No segment at all (a :class:`StoredTranscript` answers without reading them)."""
        return not self.segments

    @property
    def is_blank(self) -> bool:
        """No spoken text (a :class:`StoredTranscript` answers without reading the segments)."""
        return not self.text.strip()


class StoredTranscript(Transcript):
    """A transcript whose segments are read from disk when first used.

    A build keys most sessions by their transcript's digest and never needs the text: reading,
    parsing and hashing a thousand one-hour transcripts took seconds on every build. Made by
    :meth:`lazy` with the transcript's digest and head (everything but the segments, which
    ``load`` returns); otherwise it is a Transcript in every way: equal to the same content,
    pickled as a plain Transcript (segments read), and :func:`dataclasses.replace` makes one
    with its segments given.
    """

    @classmethod
    def lazy(cls, load: Callable[[], tuple[Segment, ...]], digest: str, head: Mapping) -> StoredTranscript:
        t = object.__new__(cls)
        for name in ("language", "duration", "engine", "model"):
            object.__setattr__(t, name, head[name])
        object.__setattr__(t, "language_probability", head.get("language_probability"))
        object.__setattr__(t, "notes", tuple(head["notes"]))
        object.__setattr__(t, "_digest", digest)  # what kbgen.fingerprint.transcript_digest gives
        object.__setattr__(t, "_facts", (bool(head["empty"]), bool(head["blank"])))
        object.__setattr__(t, "_load", load)
        return t

    def __getattr__(self, name: str):  # only called for what the instance does not hold yet
        load = self.__dict__.get("_load")
        if name != "segments" or load is None:
            raise AttributeError(name)
        segments = load()
        object.__setattr__(self, "segments", segments)
        return segments

    def unload(self) -> None:
        """Let go of the segments read (they are read again when next used): a render holds a
        thousand sessions' transcripts, each needed for its own files only."""
        if "_load" in self.__dict__:
            self.__dict__.pop("segments", None)

    @property
    def is_empty(self) -> bool:
        facts = self.__dict__.get("_facts")
        return facts[0] if facts else not self.segments

    @property
    def is_blank(self) -> bool:
        facts = self.__dict__.get("_facts")
        return facts[1] if facts else not self.text.strip()

    def _values(self) -> tuple:
        return (self.segments, self.language, self.duration, self.engine, self.model, self.notes,
                self.language_probability)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Transcript):
            return NotImplemented
        return self._values() == StoredTranscript._values(other)

    def __hash__(self) -> int:
        return hash(self._values())

    def __reduce__(self):
        return Transcript, self._values()


def transcript_head(t: Transcript) -> dict:
    """What :meth:`StoredTranscript.lazy` needs besides the segments and the digest (JSON-able)."""
    return {"language": t.language, "duration": t.duration, "engine": t.engine, "model": t.model,
            "notes": list(t.notes), "empty": t.is_empty, "blank": t.is_blank,
            "language_probability": t.language_probability}


def base_language(tag: str) -> str:
    """The base language of a BCP 47 tag: "es-MX" -> "es", "pt_BR" -> "pt", "" -> "" (tags are
    normalised where they are read: the sidecar, the roster, an import's header)."""
    return tag.replace("_", "-").split("-")[0].strip().lower()


#: Below this probability a detected language is said to be uncertain (the page, the build's output).
LANGUAGE_SURE = 0.8


def spoken_language(session: Session, transcript: Transcript | None = None) -> str:
    """The language a session is spoken in, as a BCP 47 tag: the sidecar's ``language`` when it
    states one, else what the transcript says (Whisper's detection, an export's header), else
    English. Knowledge, the page's ``lang`` and the search index all go by it."""
    return session.language or (transcript.language if transcript is not None else "") or "en"


@dataclass(frozen=True)
class Enrichment:
    """What the enrich stage derives from a transcript."""

    summary: tuple[str, ...] = ()  # 3-5 sentences, in transcript order
    key_phrases: tuple[str, ...] = ()
    topics: tuple[TopicTag, ...] = ()  # best first
    takeaways: tuple[str, ...] = ()  # the advice given, 3-7
    takeaway_times: tuple[float, ...] = ()  # when each takeaway was said (seconds), same order
    chapters: tuple[Chapter, ...] = ()  # in time order
    related: tuple[Related, ...] = ()  # closest first
    summary_source: str = "extractive"  # or "llm:<model>"


@dataclass(frozen=True)
class Evidence:
    """Where a topic shows in the transcript: the words matched and when."""

    text: str
    start: float


@dataclass(frozen=True)
class TopicTag:
    """A topic a session is about, how strongly, and the evidence for it."""

    id: str
    label: str
    score: float
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Chapter:
    start: float
    end: float
    title: str


@dataclass(frozen=True)
class Related:
    """Another session close in content, with the topics both share."""

    session_id: str
    score: float
    shared: tuple[str, ...] = ()


@dataclass(frozen=True)
class SessionDoc:
    """Everything the renderer needs for one session page."""

    session: Session
    transcript: Transcript  # redacted when redaction is on
    enrichment: Enrichment = field(default_factory=Enrichment)
    redactions: tuple[tuple[str, int], ...] = ()  # (kind, count) of what redaction replaced
    publish_media: bool = True  # False when the transcript needed redaction (unless the sidecar allows)

    @property
    def language(self) -> str:
        """The session's spoken language (:func:`spoken_language`)."""
        return spoken_language(self.session, self.transcript)


@dataclass(frozen=True)
class Exclusion:
    """A session an audience's build left out, and why (printed by the build)."""

    session_id: str
    reason: str
