"""The knowledge stage: redact each published transcript, then enrich it, then relate them.

Runs after the audience filter and before rendering. Redaction comes first so that nothing
derived from a transcript (summary, takeaways, chapter titles, topics' evidence, search
text, downloads) can carry what it removed.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path

from .config import KbgenConfig, RedactConfig
from .fingerprint import code_digest, content_digest, transcript_digest
from .fsutil import write_atomic
from .models import (
    Chapter,
    Enrichment,
    Mentor,
    Related,
    Session,
    SessionDoc,
    StoredTranscript,
    Transcript,
    spoken_language,
    transcript_head,
)
from .transcribe.cache import stored_segments, transcript_from_dict, transcript_to_dict

Echo = Callable[[str], None]
MENTEE = "Mentee"


class KnowledgeCache:
    """The slow per-session steps (YAKE key phrases, chapters, takeaways, summary), cached by content.

    The key is a digest of everything the step reads: the redacted transcript, the settings,
    the topic labels or phrases it is given, and the stage's code. A hit returns what the step
    returned; entries are small JSON files written atomically under ``cache_dir/knowledge/``.
    Without a folder nothing is cached.
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.hits = 0
        self.misses = 0
        self.used: set[str] = set()  # the entry files this build read or wrote, relative to folder

    def _use(self, *files: Path) -> None:
        self.used.update(f.relative_to(self.folder).as_posix() for f in files)

    def save_used(self, audience: str) -> None:
        """Record the entries this build used, for :func:`prune` (one list per audience: each
        audience's build keeps its own)."""
        if self.folder is None:
            return
        try:
            write_atomic(self.folder.parent / f"knowledge-used-{audience}.json", json.dumps(sorted(self.used)))
        except OSError:
            pass  # prune then keeps nothing of this audience's: the next build computes again

    def _file(self, step: str, parts: object) -> Path:
        # The stage's own code is in the key: a changed algorithm computes again.
        key = hashlib.sha256(json.dumps([step, code_digest("enrich", "redact", "knowledge.py"), parts],
                                        sort_keys=True, default=str)
                             .encode()).hexdigest()
        return self.folder / key[:2] / f"{key}.json"

    def get_with_transcript(self, step: str, parts: object,
                            compute: Callable[[], tuple[object, Transcript]]) -> tuple[object, Transcript]:
        """:meth:`get` for a step that also makes a transcript. The transcript is kept in a file
        of its own beside the entry, which holds its digest and head: a hit reads the segments
        only when they are used (a :class:`StoredTranscript`)."""
        if self.folder is None:
            value, t = compute()
            return json.loads(json.dumps(value)), transcript_from_dict(transcript_to_dict(t))
        file = self._file(step, parts)
        body = file.with_name(file.stem + ".transcript.json")
        try:
            entry = json.loads(file.read_bytes())
            if body.is_file():
                self.hits += 1
                self._use(file, body)
                return entry["value"], StoredTranscript.lazy(partial(stored_segments, body), entry["digest"],
                                                             entry["head"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
        value, t = compute()
        value = json.loads(json.dumps(value))  # the shape a hit returns (tuples as lists)
        body_data = transcript_to_dict(t)
        t = transcript_from_dict(body_data)  # computed or cached, the same path: as the file holds it
        self.misses += 1
        write_atomic(body, json.dumps(body_data, ensure_ascii=False))  # first: an entry implies its body
        write_atomic(file, json.dumps({"step": step, "value": value, "digest": transcript_digest(t),
                                       "head": transcript_head(t)}, ensure_ascii=False))
        self._use(file, body)
        return value, t

    def get(self, step: str, parts: object, compute: Callable[[], object]):
        if self.folder is None:
            return compute()
        file = self._file(step, parts)
        try:
            value = json.loads(file.read_text(encoding="utf-8"))["value"]
            self.hits += 1
            self._use(file)
            return value
        except (OSError, ValueError, KeyError, TypeError):
            pass
        value = json.loads(json.dumps(compute()))  # the shape a hit returns (tuples as lists)
        self.misses += 1
        write_atomic(file, json.dumps({"step": step, "value": value}, ensure_ascii=False))
        self._use(file)
        return value


def prune(cache_dir: Path, now: float | None = None) -> tuple[int, int] | None:
    """Remove the knowledge entries no audience's last build used (those of another kbgen
    version, of changed settings or transcripts, of removed sessions): (files, bytes) removed,
    or None when no build recorded what it used (nothing is removed then). Files written in
    the last hour stay: a build may be writing them now."""
    import time

    from .transcribe.cache import STALE_TEMP_SECONDS

    now = time.time() if now is None else now
    folder = cache_dir / "knowledge"
    lists = sorted(cache_dir.glob("knowledge-used-*.json"))
    if not lists or not folder.is_dir():
        return None
    keep: set[str] = set()
    for f in lists:
        try:
            keep.update(json.loads(f.read_bytes()))
        except (OSError, ValueError, TypeError):
            return None  # cannot tell what that audience uses: keep everything
    removed = freed = 0
    for f in sorted(folder.glob("*/*")):
        if f.is_file() and f.relative_to(folder).as_posix() not in keep:
            st = f.stat()
            if now - st.st_mtime < STALE_TEMP_SECONDS:
                continue
            size = st.st_size
            f.unlink(missing_ok=True)
            removed += 1
            freed += size
    for sub in folder.iterdir():
        if sub.is_dir() and not any(sub.iterdir()):
            sub.rmdir()
    return removed, freed


def _of_text(step: Callable, t: Transcript, *args, **kwargs):
    """``step(t.text, *args)``: the text joined only when the step runs (on a cache miss)."""
    return step(t.text, *args, **kwargs)


def _of_segments(step: Callable, t: Transcript, *args, **kwargs):
    """``step(t.segments, ...)``: the segments read only when the step runs (on a cache miss)."""
    return step(t.segments, *args, **kwargs)


def _chapter_rows(t: Transcript, most: int, language: str = "en") -> list[list]:
    from .enrich.chapters import chapters

    return [[c.start, c.end, c.title] for c in chapters(t, max_chapters=most, language=language)]


#: Speaker labels that name no one ("Speaker 2", "SPEAKER_01", "Guest"): numbered, never redacted as names.
_GENERIC_LABEL = re.compile(r"(?:speaker|spk|person|participant|guest|unknown|attendee|caller)?[\s_-]*\d*",
                            re.IGNORECASE)


#: A label that names the mentor's role, as exports write it ("Mentor", "COACH", "Host").
_MENTOR_ROLE = re.compile(r"(?:the\s+)?(?:mentor|coach|advisor|adviser|host)(?:[\s_-]*\d+)?", re.IGNORECASE)


def _mentor_of(label: str, mentor_names: Sequence[str]) -> str | None:
    """The session's mentor a label shows (their full name, or their first name alone), or None.

    A label naming the role ("Mentor") is the session's one mentor; with several or none, the
    label itself (it names no one, and is no mentee)."""
    if _MENTOR_ROLE.fullmatch(label.strip()):
        return mentor_names[0] if len(mentor_names) == 1 else label
    folded = " ".join(label.casefold().split())
    for name in mentor_names:
        full = " ".join(name.casefold().split())
        if folded == full or (" " not in folded and full.split() and folded == full.split()[0]):
            return name
    return None


def anonymous_mentees(session: Session, labels: Sequence[str], mentor_names: Sequence[str]) -> list[tuple[str, str]]:
    """(label or name, stand-in) for each anonymous mentee of ``session``, by first appearance.

    ``labels`` are the transcript's speaker labels in order of first appearance. Without an
    anonymous mentee in the sidecar, none. Otherwise every label that is neither a mentor nor a
    named mentee is an anonymous mentee, then the sidecar's ``mentee_name``/``mentee_names`` not
    already among them (the same person when the folded name is the same). One such person
    reads "Mentee"; several read "Mentee 1", "Mentee 2" ... (distinct people stay distinct).
    """
    listed = session.mentees or (session.mentee,)
    if not any(m.lower() == "anonymous" for m in listed):
        return []
    named = {" ".join(m.casefold().split()) for m in listed if m.lower() != "anonymous"}
    people: list[str] = []
    for label in labels:
        if label and not _mentor_of(label, mentor_names) and " ".join(label.casefold().split()) not in named:
            people.append(label)
    folded = {" ".join(p.casefold().split()) for p in people}
    for name in (session.mentee_name, *session.mentee_names):
        if name and " ".join(name.casefold().split()) not in folded:
            people.append(name)
            folded.add(" ".join(name.casefold().split()))
    if len(people) == 1:
        return [(people[0], MENTEE)]
    return [(p, f"{MENTEE} {i}") for i, p in enumerate(people, 1)]


def _labels(t: Transcript) -> list[str]:
    return list(dict.fromkeys(seg.speaker for seg in t.segments if seg.speaker))


def _redactor(session: Session, config: RedactConfig, mentees: Sequence[tuple[str, str]] = (), language: str = "en"):
    from .redact import Redactor

    if not config.enabled:
        # The sidecar's `redact:` names are a per-session request: honoured even when the
        # automatic kinds (e-mails, phones, links) are switched off.
        config = config.model_copy(update={"enabled": True, "emails": False, "phones": False, "links": False})
    # Their names are redacted wherever they are said; a label such as "Speaker 2" names no one.
    names = [(who, stand_in) for who, stand_in in mentees if not _GENERIC_LABEL.fullmatch(who)]
    return Redactor(config, names=session.redact, anonymous_mentee=names or None, language=language)


def _redacted(session: Session, raw: Transcript, redact_key, by_id: Mapping[str, Mentor], config: RedactConfig,
              cache: KnowledgeCache):
    """The session's Redactor and its redacted transcript with speakers as published, cached.

    The key is everything redaction and the speaker labels read: the transcript, its language, the
    redaction settings, the sidecar's names and mentee, the mentors' names. The Redactor comes back in the
    state the transcript left it (counts, pseudonyms), so the title and description redacted
    next get the same stand-ins as on a computed run.
    """
    mentor_names = [by_id[m].name for m in session.mentors if m in by_id]
    language = spoken_language(session, raw)

    def compute() -> tuple[dict, Transcript]:
        # Read here, on a miss only: the labels need the segments, which a cached build never reads.
        named = _roles_named(raw, session, mentor_names, language)
        mentees = anonymous_mentees(session, _labels(named), mentor_names)
        redactor = _redactor(session, config, mentees, language)
        t = _speakers(redactor.transcript(named), session, by_id, redactor, dict(mentees))
        return {"counts": redactor.counts, "seen": redactor.pseudonyms.seen,
                "mentees": [list(pair) for pair in mentees]}, t

    value, t = cache.get_with_transcript(
        "redact", [transcript_digest(raw), redact_key, list(session.redact), session.mentee, session.mentee_name,
                   list(session.mentees), list(session.mentee_names), mentor_names, language], compute)
    # Computed or cached, the same path: the Redactor's state as the cache holds it.
    fresh = _redactor(session, config, [tuple(pair) for pair in value.get("mentees", ())], language)
    fresh._counts.update(value["counts"])
    fresh.pseudonyms.seen = {kind: dict(table) for kind, table in value["seen"].items()}
    return fresh, t


#: The note a transcript gets when its speakers were named from their roles, shown on its page.
INFERRED = "speakers named from their roles (who advises, who asks)"


def _roles_named(t: Transcript, session: Session, mentor_names: Sequence[str], language: str = "en") -> Transcript:
    """A transcript whose speakers are only numbered ("Speaker 1", "SPEAKER_00": a diarizer's, or
    an export's), with the one mentor's label renamed when the roles tell it: the speaker who
    clearly advises most and asks least (:func:`~kbgen.enrich.cues.speaker_roles`). The others
    stay numbered (anonymous mentees next), but for a single named mentee, who is the one other
    voice. Noted (:data:`INFERRED`): the page says so. Where the mentors are named already (by
    voice) and one numbered voice is left, it is the single named mentee's."""
    labels = _labels(t)
    listed = session.mentees or (session.mentee,)
    numbered = [label for label in labels if _GENERIC_LABEL.fullmatch(label)]
    if (len(numbered) == 1 and len(listed) == 1 and listed[0].lower() != "anonymous"
            and all(_mentor_of(label, mentor_names) for label in labels if label != numbered[0])):
        # The mentors are named (by voice, say) and one voice is left: the one named mentee's.
        return replace(t, segments=tuple(replace(seg, speaker=listed[0]) if seg.speaker == numbered[0] else seg
                                         for seg in t.segments))
    if len(mentor_names) != 1 or len(labels) < 2 or len(numbered) != len(labels):
        return t
    from .enrich.cues import MENTOR, speaker_roles

    roles = speaker_roles(((seg.speaker, seg.text) for seg in t.segments), language=language)
    advising = [label for label, role in roles.items() if role == MENTOR]
    if len(advising) != 1:
        return t
    names = {advising[0]: mentor_names[0]}
    others = [label for label in labels if label != advising[0]]
    if len(others) == 1 and len(listed) == 1 and listed[0].lower() != "anonymous":
        names[others[0]] = listed[0]  # the one other voice is the one named mentee
    segments = tuple(replace(seg, speaker=names.get(seg.speaker, seg.speaker)) for seg in t.segments)
    return replace(t, segments=segments, notes=(*t.notes, INFERRED))


def _published_fields(session: Session, redactor) -> Session:
    """The session as its fields are published, through its transcript's redactor (the same
    pseudonyms): title, description, a named mentee; a topic the redactor would change names
    someone, and is left out (it would get a topic page, a filter and a tag of its own)."""
    anonymous = session.mentee.lower() == "anonymous"
    return replace(session, title=redactor.text(session.title), description=redactor.text(session.description),
                   mentee=session.mentee if anonymous else redactor.text(session.mentee),
                   mentees=tuple(m if m.lower() == "anonymous" else redactor.text(m) for m in session.mentees),
                   topics=tuple(t for t in session.topics if redactor.text(t) == t))


def _speakers(t: Transcript, session: Session, mentors: Mapping[str, Mentor], redactor,
              mentees: Mapping[str, str] | None = None) -> Transcript:
    """Speaker labels as published: mentors by name; anonymous mentees by their stand-ins
    ("Mentee", or "Mentee 1", "Mentee 2" in a group: ``mentees`` maps their labels); others as
    the redactor shows them."""
    mentor_names = [mentors[m].name for m in session.mentors if m in mentors]
    mentees = mentees or {}

    def shown(label: str | None) -> str | None:
        if not label:
            return label
        if label in mentees:
            return mentees[label]
        return _mentor_of(label, mentor_names) or redactor.speaker(label)

    if not any(seg.speaker for seg in t.segments):
        return t
    return replace(t, segments=tuple(replace(seg, speaker=shown(seg.speaker)) for seg in t.segments))


def build_docs(config: KbgenConfig, sessions: list[Session], transcripts: Mapping[str, Transcript],
               mentors: list[Mentor], echo: Echo = lambda _: None,
               cache_dir: Path | None = None, audience: str | None = None) -> list[SessionDoc]:
    """Redacted, enriched and related SessionDocs for the published ``sessions``.

    With ``cache_dir``, the slow steps are cached per session (:class:`KnowledgeCache`), so a
    build where nothing changed recomputes none of them; with ``audience`` too, the entries
    used are recorded for :func:`prune`.
    """
    from .enrich import key_phrases, summarize
    from .enrich.related import related_sessions, term_counts
    from .enrich.takeaways import timed_takeaways
    from .enrich.topics import Taxonomy, score_topics, topic_hits, topic_idf

    by_id = {m.id: m for m in mentors}
    redact_key = config.redact.model_dump(mode="json")
    ec = config.enrich
    cache = KnowledgeCache(cache_dir / "knowledge" if cache_dir is not None else None)
    staged = []
    for s in sessions:
        redactor, t = _redacted(s, transcripts[s.id], redact_key, by_id, config.redact, cache)
        staged.append((_published_fields(s, redactor), t, redactor))
    # Built from the sessions' topics as published: a topic that names a redacted person is not one.
    taxonomy = Taxonomy.build(list(config.topics), mentors, [t for s, _, _ in staged for t in s.topics])
    # The taxonomy's value only: the cache's keys hold the knowledge code already, and all of
    # kbgen's code here would scan every transcript again after any change to the site's code.
    taxonomy_key = content_digest(taxonomy)
    # Each session in its own language: its words, stems and cues, and its language's synonyms.
    lang = {s.id: spoken_language(s, t) for s, t, _ in staged}
    found = {s.id: cache.get("topic-hits", [transcript_digest(t), taxonomy_key, list(s.topics), lang[s.id]],
                             partial(topic_hits, t, taxonomy, s.topics, lang[s.id])) for s, t, _ in staged}
    tags = {s.id: score_topics(found[s.id], taxonomy, k=5) for s, _, _ in staged}
    idf = topic_idf([tag.id for tag in tags[s.id]] for s, _, _ in staged) if len(staged) > 2 else None
    if idf is not None:
        tags = {s.id: score_topics(found[s.id], taxonomy, k=5, idf=idf) for s, _, _ in staged}
    docs = []
    for s, t, redactor in staged:
        mentor_labels = [by_id[m].name for m in s.mentors if m in by_id] + ["MENTOR"]
        doc_lang = lang[s.id]
        if t.is_blank:
            enrichment = Enrichment()
        else:
            digest = transcript_digest(t)
            phrases = tuple(cache.get("phrases", [digest, ec.key_phrases, doc_lang],
                                      partial(_of_text, key_phrases, t, ec.key_phrases, doc_lang)))
            labels = [tag.label for tag in tags[s.id]]
            summary, source = None, "extractive"
            if ec.llm.enabled:
                from .enrich.llm import llm_summary

                summary = llm_summary(t, ec.llm, ec.summary_sentences,
                                      mentee=None if s.mentee.lower() == "anonymous" else s.mentee)
                if summary:
                    summary, source = tuple(redactor.text(x) for x in summary), f"llm:{ec.llm.model}"
                else:
                    echo(f"  {s.id}: the LLM at {ec.llm.base_url} did not answer; extractive summary used")
            timed = [tuple(x) for x in cache.get("takeaways-timed", [digest, ec.takeaways, labels, mentor_labels,
                                                                      doc_lang], partial(
                timed_takeaways, t, ec.takeaways, bonus_terms=labels, mentor_speakers=mentor_labels,
                language=doc_lang))]
            advice = tuple(text for text, _ in timed)
            if not summary:
                # The summary says what the session covers; the advice itself is listed as
                # takeaways, so sentences already there are passed over when others exist.
                summary = tuple(cache.get(
                    "summary", [digest, ec.summary_sentences, labels, phrases, mentor_labels, advice, doc_lang],
                    partial(_of_segments, summarize, t, ec.summary_sentences, bonus_terms=(*labels, *phrases),
                            mentor_speakers=mentor_labels, avoid=advice, language=doc_lang)))
            found = cache.get("chapters", [digest, ec.chapters, doc_lang],
                              partial(_chapter_rows, t, ec.chapters, doc_lang))
            enrichment = Enrichment(
                summary=summary,
                key_phrases=phrases,
                topics=tags[s.id],
                takeaways=advice,
                takeaway_times=tuple(float(time) for _, time in timed),
                chapters=tuple(Chapter(start, end, title) for start, end, title in found),
                summary_source=source,
            )
        counts = redactor.counts
        needed = any(counts.values())
        docs.append(SessionDoc(
            session=s,
            transcript=t,
            enrichment=enrichment,
            redactions=tuple(sorted(counts.items())),
            publish_media=not needed or bool(s.publish_audio),
        ))
    if cache.folder is not None and (cache.hits or cache.misses):
        echo(f"knowledge: {cache.misses} step(s) computed, {cache.hits} from the cache")
    if ec.related and len(docs) > 1:
        def relate() -> dict[str, list]:
            counts = {d.session.id: cache.get("terms", [transcript_digest(d.transcript), lang[d.session.id]],
                                              partial(_of_text, term_counts, d.transcript, lang[d.session.id]))
                      for d in docs}
            found = related_sessions([(d.session.id, counts[d.session.id], tuple(tag.id for tag in d.enrichment.topics))
                                      for d in docs], ec.related)
            return {sid: [[r.session_id, r.score, list(r.shared)] for r in rs] for sid, rs in found.items()}

        # The relation of all sessions at once is cached too, by every session's transcript and
        # topics: a build whose sessions' content did not change (a render after an upgrade of the
        # site's code, a title edited) neither loads the term counts nor imports scikit-learn.
        related = cache.get("related", [ec.related, sorted(
            [d.session.id, transcript_digest(d.transcript), [tag.id for tag in d.enrichment.topics], lang[d.session.id]]
            for d in docs)],
            relate)
        labels = {tp.id: tp.label for tp in taxonomy.topics}
        docs = [replace(d, enrichment=replace(d.enrichment, related=tuple(
            Related(sid, score, tuple(labels.get(x, x) for x in shared))
            for sid, score, shared in related.get(d.session.id, ())
        ))) for d in docs]
    if audience is not None:
        cache.save_used(audience)
    return docs, taxonomy
