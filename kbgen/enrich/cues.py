"""What a spoken sentence is doing: asking, chatting, telling a story, or giving advice.

Shared by the summary, the takeaways and the chapters. Rule based and deterministic: a
sentence's cues depend on its own words (and, for roles, on who said it) and on its language's
pack (:mod:`kbgen.enrich.langs`: imperative verbs, phrases of advice, small talk, first-person
narrative, logistics). A language without a pack has no cues but its question mark.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from .langs import LanguagePack, pack
from .langs.en import ASIDE, IMPERATIVE_VERBS  # noqa: F401  (English names, kept importable)
from .words import words

MENTOR, MENTEE = "mentor", "mentee"

Language = str | LanguagePack


def is_logistics(text: str, language: Language = "en") -> bool:
    """Whether the sentence arranges contact or a next meeting rather than teaching something."""
    p = pack(language)
    return p.logistics.search(p.fold(text)) is not None


def is_question(text: str, language: Language = "en") -> bool:
    """Whether the sentence asks something (ends in '?', closing quotes aside)."""
    return text.rstrip(" \"')]\u201d\u2019").endswith(pack(language).question_marks)


def is_small_talk(text: str, language: Language = "en") -> bool:
    """Greetings, thanks, "makes sense", or a sentence with fewer than two content words."""
    p = pack(language)
    folded = p.fold(text)
    if p.introduction.search(folded):
        return True
    if p.small_talk.match(folded.strip()) and not p.small_talk_unless.match(folded):
        return True
    return len({w for w in p.words(text) if p.is_content(w)}) < 2


def is_narrative(text: str, language: Language = "en") -> bool:
    """A first-person statement about oneself ("I just got an offer"), not advice to "you"."""
    p = pack(language)
    folded = p.fold(text)
    if not p.narrative.match(folded) or p.advising_i.match(folded):
        return False
    return not any(p.fold(w) in p.you_words for w in p.words(text))


def imperative(text: str, language: Language = "en") -> bool:
    """Whether the sentence, or a main clause of it, opens with a verb ("Ask...", "If they insist, give...")."""
    return imperative_at(text, language) is not None


def imperative_at(text: str, language: Language = "en") -> tuple[int, float] | None:
    """Where the sentence's first imperative clause starts (character offset) and how sure that is.

    Looked at: the sentence's start, the main clause after an "If/When/Before ...," clause, and
    a clause after ", so" or ";" ("They named one, so anchor your counter..."). A verb of the
    pack's imperative verbs counts 1.0; in English, another word that looks like a bare verb
    ("Mitigate first", "Invite the founder": not a known function word, no -s/-ed/-ing/-ly
    ending, not followed by a comma, and followed by an object-like word) 0.8.
    """
    p = pack(language)
    folded = p.fold(text)  # the same length as text: offsets hold
    starts = [0]
    head = p.condition.match(folded)
    if head:
        starts.append(head.end())
    starts += [m.end() for m in re.finditer(rf"(?:{p.so_clause})\s+", folded, re.IGNORECASE)]
    for begin in sorted(set(starts)):
        sure = _clause_imperative(folded[begin:], p)
        if sure:
            return begin, sure
    return None


def _verb(token: str, p: LanguagePack) -> bool:
    """Whether ``token`` is an imperative form, with up to two fused pronouns ("dímelo") taken off."""
    if token in p.imperative_verbs:
        return True
    for _ in range(2):
        clitic = next((c for c in p.clitics if token.endswith(c) and len(token) > len(c) + 1), None)
        if clitic is None:
            return False
        token = token[: -len(clitic)]
        if token in p.imperative_verbs:
            return True
    return False


def _clause_imperative(clause: str, p: LanguagePack) -> float:
    clause = p.aside.sub(",", clause)
    tokens = [p.fold(t.lower().replace("\u2019", "'")) for t in p.token.findall(clause)]
    i = 0
    while i < len(tokens) and (tokens[i] in p.lead_ins or tokens[i] == ","):
        i += 1
    if i >= len(tokens):
        return 0.0
    verb = tokens[i]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
    if verb in p.never_words:
        return 1.0 if nxt not in p.never_not_before and not nxt.startswith(("'", ",")) else 0.0
    if (verb, nxt) in p.imperative_pairs:
        return 1.0
    if verb in p.negations:
        # "No firmes nada", "Ne lui dis pas", "Não se esqueça": a negation, object pronouns, the verb
        j = i + 1
        while j < len(tokens) and tokens[j] in p.pre_verb_pronouns:
            j += 1
        return 1.0 if j < len(tokens) and _verb(tokens[j], p) else 0.0
    if nxt in p.not_imperative_before.get(verb, ()):
        return 0.0  # "Let me...", "Thank you", "Look, I..."
    if nxt in (",", "!"):
        return 0.0  # "Remember, Jordan, ...", "Look, ...", "Listen!": an address, not an instruction
    if nxt in p.subject_of:
        return 0.0  # "Rest is part of...", "Plans would change": the word is a subject, not a verb
    if _verb(verb, p):
        return 1.0
    if nxt in p.polite_subjects and verb.isalpha() and verb not in p.stopwords and verb not in p.fillers:
        return 1.0  # "Fragen Sie nach...": a polite imperative, its verb first and its subject after
    if (
        p.guess_verbs
        and verb.isalpha()
        and verb not in p.stopwords
        and verb not in p.fillers
        and verb not in p.not_verbs
        and not verb.endswith(p.not_verb_endings)
        and nxt in p.object_like
    ):
        return 0.8
    return 0.0


def advice_strength(text: str, language: Language = "en") -> float:
    """How surely the sentence gives advice: 0 for none, about 1-2 for plain advice.

    Questions and small talk are never advice; first-person stories ("I never ask for help")
    count for little unless the speaker recommends something ("I'd suggest...").
    """
    p = pack(language)
    if is_question(text, p) or is_small_talk(text, p):
        return 0.0
    at = imperative_at(text, p)
    score = at[1] if at else 0.0
    folded = p.fold(text)
    matched = [w for w, pattern in p.advice if pattern.search(folded)]
    if matched:
        score = max(score, *matched) + 0.2 * len(matched) - (0.0 if score else 0.2)
        score = min(score, 1.6)
    if score and is_narrative(text, p):
        score *= 0.3
    return round(score, 6)


def speaker_roles(
    turns: Iterable[tuple[str | None, str]], mentor_speakers: Iterable[str] = (), language: Language = "en"
) -> dict[str, str]:
    """Which speaker labels are the mentor and which the mentee, where that can be told.

    ``turns`` are (speaker, sentence) pairs. A label saying "mentor"/"coach" or "mentee"/
    "student" decides; so does a label (or first name) in ``mentor_speakers``. Otherwise, with
    two or more speakers, the one whose sentences are clearly the most advice and the fewest
    questions is the mentor, the others mentees. Labels that cannot be told are left out.
    """
    p = pack(language)
    stats: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])  # advice, questions, sentences
    for speaker, text in turns:
        if not speaker:
            continue
        s = stats[speaker]
        s[0] += advice_strength(text, p) > 0
        s[1] += is_question(text, p) or is_narrative(text, p)
        s[2] += 1
    labels = sorted(stats)
    known = {_norm(m) for m in mentor_speakers if m and m.strip()}
    known |= {n.split()[0] for n in known if n.split()}
    roles: dict[str, str] = {}
    for label in labels:
        name = _norm(label)
        if re.search(r"\b(?:mentor|coach|advisor|adviser|host)\b", name) or (
            name in known or (name.split() and name.split()[0] in known)
        ):
            roles[label] = MENTOR
        elif re.search(r"\b(?:mentee|student|learner|coachee|guest)\b", name):
            roles[label] = MENTEE
    if MENTOR in roles.values():
        return {label: roles.get(label, MENTEE) for label in labels}
    if len(labels) < 2:
        return roles
    ratio = {label: (stats[label][0] - stats[label][1]) / stats[label][2] for label in labels}
    ranked = sorted(labels, key=lambda label: (-ratio[label], label))
    best, second = ranked[0], ranked[1]
    if stats[best][0] >= 2 and ratio[best] >= 0.3 and ratio[second] <= 0.1 and ratio[best] - ratio[second] >= 0.3:
        return {label: MENTOR if label == best else MENTEE for label in labels}
    return roles


def _norm(label: str) -> str:
    return " ".join(words(label))  # labels and names compared one way, whatever the session's language
