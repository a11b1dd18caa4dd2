"""Language packs: the words and patterns that knowledge and redaction need in each language.

One :class:`LanguagePack` per base language, chosen from a session's BCP 47 tag by :func:`pack`
(``pack("es-MX")`` is Spanish). English (:mod:`.en`) holds the lists kbgen was written with;
Spanish, French, German and Portuguese have their own modules. A language without a pack gets
:data:`NEUTRAL`: no word lists at all (no stopwords, cues, fillers), words as Unicode letters,
YAKE without stopwords, questions by their question mark only, no spoken numbers or e-mails
(written ones are found as in every language; digits are read in the US and UK formats).

The fields' defaults are that neutral behaviour, so a pack states only what its language has.
Word lists are written as the language writes them (with accents); :func:`wordset` stores each
word also folded (accents off, so "tambien" is "también"), and every look-up folds the word with
the pack's ``fold``. English's ``fold`` and ``stem`` are its own (identity, and the light stem of
:func:`kbgen.enrich.langs.en.light_stem`), so English results are what they were before packs.
Folding makes some words one: "sí" is "si" (if), "é" is "e" (and), "à" is "a" (has), "él" is
"el" (the). Such a word stays out of a list where the other would be wrong (a leading filler
"sí" would strip "Si ..." from advice).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from ...models import base_language

#: Never matches: the neutral value of an optional pattern.
NEVER = re.compile(r"(?!)")


def _fold_table() -> dict[int, str]:
    """Latin letters with diacritics -> the letter alone, one character for one (offsets stay)."""
    table = {}
    for cp in range(0xC0, 0x250):
        parts = unicodedata.normalize("NFKD", chr(cp))
        if len(parts) > 1 and parts[0].isascii() and all(unicodedata.combining(c) for c in parts[1:]):
            table[cp] = parts[0]
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """``text`` without accents on Latin letters ("negociación" -> "negociacion"), same length."""
    return text.translate(_FOLD)


def identity(text: str) -> str:
    """No folding (English's: its lists and patterns see the text as it is)."""
    return text


def wordset(text: str | Iterable[str]) -> frozenset[str]:
    """The words of ``text`` (whitespace-separated, or an iterable), lower-case, as written and folded."""
    items = text.split() if isinstance(text, str) else list(text)
    lowered = {w.lower() for w in items}
    return frozenset(lowered | {fold(w) for w in lowered})


def phraseset(items: Iterable[str], word: re.Pattern) -> frozenset[str]:
    """Multi-word phrases as key phrases are compared: lower-case words split as ``word`` splits them, folded."""
    return frozenset(fold(" ".join(word.findall(item.lower()))) for item in items)


def yake_stopwords(language: str, keep: Iterable[str] = ()) -> frozenset[str]:
    """The stopword list YAKE ships for ``language`` (yake/core/StopwordsList/), as :func:`wordset`
    stores words, less ``keep`` (content words some lists hold: Portuguese's has "trabalho").

    Read from the installed package's folder without importing YAKE (its import is slow).
    """
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("yake")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    path = Path(next(iter(spec.submodule_search_locations))) / "core" / "StopwordsList" / f"stopwords_{language}.txt"
    try:
        listed = path.read_text(encoding="utf-8-sig").lower().split()
    except OSError:  # another yake layout: the pack's own list is enough
        return frozenset()
    return wordset(listed) - wordset(keep)


def advice_patterns(phrases: Iterable[tuple[float, str]]) -> tuple[tuple[float, re.Pattern], ...]:
    """Weighted phrases of advice as whole-word, case-blind patterns (folded like the text they see)."""
    return tuple((w, re.compile(rf"\b(?:{fold(p)})\b", re.IGNORECASE)) for w, p in phrases)


def pattern(text: str, flags: int = re.IGNORECASE) -> re.Pattern:
    """A pattern written with accents, matched against folded text."""
    return re.compile(fold(text), flags)


@dataclass(frozen=True, eq=False)
class SpokenEmail:
    """How a language spells an e-mail address aloud ("ana punto garcia arroba gmail punto com").

    ``words`` maps each spoken separator to its character ("punto" -> ".", "guion bajo" -> "_";
    longer ones first); ``at`` is the alternation for "@", ``dot`` the words for "." in the
    domain, ``local`` the separators allowed inside the local part, ``marks`` the words that make
    a find spoken rather than written. ``cue`` (before the address), a provider (``providers``
    besides the international ones) or a marked local part make a single word before "at" an
    address; ``not_local`` are words that never are ("worked at acme dot com"). The patterns
    are matched on folded text (accents off), and are folded here.
    """

    words: Mapping[str, str]
    at: str
    dot: str
    local: str
    marks: str
    cue: re.Pattern
    not_local: frozenset[str]
    tlds: str
    providers: frozenset[str] = frozenset()
    regex: re.Pattern = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("at", "dot", "local", "marks"):
            object.__setattr__(self, name, fold(getattr(self, name)))
        object.__setattr__(self, "words", {fold(k): v for k, v in self.words.items()})
        w = r"[A-Za-z0-9]+"
        sep_local = rf"(?:\s+(?:{self.local})\s+|[._-])"
        at = rf"(?:\s+(?:{self.at})\s+|\s*@\s*)"
        dot = rf"(?:\s+(?:{self.dot})\s+|\.)"
        regex = re.compile(
            rf"(?<![\w'’@.-])(?P<local>{w}(?:{sep_local}{w})*){at}"
            rf"(?P<domain>{w}(?:{dot}{w})*{dot}(?:{self.tlds}))(?![\w@-])(?!\.\w)",
            re.IGNORECASE,
        )
        object.__setattr__(self, "regex", regex)


@dataclass(frozen=True, eq=False)
class LanguagePack:
    """What kbgen knows of one language. Defaults are the language-neutral behaviour.

    Packs compare and hash by identity: there is one of each.
    """

    #: The base language ("es"); "" for the neutral pack.
    code: str = ""
    #: Name of a chapter with no title ("Part {n}").
    part: str = "Part {n}"

    # -- words ---------------------------------------------------------------------------------
    #: One word of lower-case text (apostrophes and hyphens inside a word as the language keeps them).
    word: re.Pattern = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")
    #: Folding applied to a word before any list look-up (accents off; English: none).
    fold: Callable[[str], str] = fold
    #: A stem of a lower-case word, so inflections of one word meet (snowball's, English's own).
    stem: Callable[[str], str] = identity
    #: Function words: carry no topic on their own.
    stopwords: frozenset[str] = frozenset()
    #: What speech is full of: never a key phrase, never worth a summary point.
    fillers: frozenset[str] = frozenset()
    #: Multi-word fillers dropped as key phrases.
    filler_phrases: frozenset[str] = frozenset()
    #: Words too general to be a key phrase on their own.
    generic: frozenset[str] = frozenset()
    #: Words a key phrase never holds inside: it would run across a clause ("spreche ich Probleme").
    phrase_breaks: frozenset[str] = frozenset()
    #: YAKE's language (its stopword list under yake/core/StopwordsList/), None for none.
    yake: str | None = None

    # -- cues (kbgen.enrich.cues) --------------------------------------------------------------
    #: A question ends in one of these (closing quotes aside).
    question_marks: tuple[str, ...] = ("?", "\uff1f")
    #: Tokens of a clause, for the imperative test: words and the punctuation ,;:.!?
    token: re.Pattern = re.compile(r"[^\W_]+|[,;:.!?]")
    #: Forms that open an imperative sentence of advice ("ask", "pide", "demandez").
    imperative_verbs: frozenset[str] = frozenset()
    #: Pronouns fused to the end of an imperative ("pídele", "asegúrate"): stripped to find the verb.
    clitics: tuple[str, ...] = ()
    #: Subject pronouns of a polite imperative after its verb ("Fragen Sie", "Pida usted").
    polite_subjects: frozenset[str] = frozenset()
    #: Object pronouns between a negation and its verb ("no te preocupes", "ne lui dis pas").
    pre_verb_pronouns: frozenset[str] = frozenset()
    #: Words that open an instruction before any verb ("don't", "never", "nunca")...
    never_words: frozenset[str] = frozenset()
    #: ... unless followed by one of these ("don't know"; "" is the end of the sentence).
    never_not_before: frozenset[str] = frozenset()
    #: Negations that make the imperative verb after them an instruction ("no firmes", "ne signe").
    negations: frozenset[str] = frozenset()
    #: Two first words that open an instruction ("do not").
    imperative_pairs: frozenset[tuple[str, str]] = frozenset()
    #: A first word -> the next words that make it no instruction ("let me", "thank you", "look,").
    not_imperative_before: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: Words after which a first word is a subject, not a verb ("Rest is...").
    subject_of: frozenset[str] = frozenset()
    #: Words skipped before the verb ("so", "and", "then").
    lead_ins: frozenset[str] = frozenset()
    #: Whether a word not in ``imperative_verbs`` may be taken for a bare verb (English: "Mitigate first").
    guess_verbs: bool = False
    #: For that guess: endings a bare verb never has, first words that are no verbs, and object-like next words.
    not_verb_endings: tuple[str, ...] = ()
    not_verbs: frozenset[str] = frozenset()
    object_like: frozenset[str] = frozenset()
    #: Weighted phrases of advice ("you should", "deberías", "il faut").
    advice: tuple[tuple[float, re.Pattern], ...] = ()
    #: Greetings, thanks and talk about the call (matched at the sentence's start); and what undoes it.
    small_talk: re.Pattern = NEVER
    small_talk_unless: re.Pattern = NEVER
    #: A speaker introducing themselves ("I'm Amara", "Me llamo Ana").
    introduction: re.Pattern = NEVER
    #: A first-person statement about oneself; and the first-person advice that is not one.
    narrative: re.Pattern = NEVER
    advising_i: re.Pattern = NEVER
    #: Words addressing the listener: a first-person sentence with one is no story of one's own.
    you_words: frozenset[str] = frozenset()
    #: Arranging contact or the next meeting.
    logistics: re.Pattern = NEVER
    #: A subordinate clause before the main one ("If they insist, ...").
    condition: re.Pattern = NEVER
    #: What opens a main clause after another (", so", ";"), as a regular expression.
    so_clause: str = ";"
    #: Asides before the verb ("and I mean this,").
    aside: re.Pattern = NEVER

    # -- summary and takeaways -----------------------------------------------------------------
    #: Abbreviations whose dot ends no sentence; those that do unless a number follows ("No. 5").
    abbreviations: frozenset[str] = frozenset()
    number_abbreviations: frozenset[str] = frozenset()
    #: The word before a dot that may be an abbreviation.
    abbreviation: re.Pattern = re.compile(r"((?:[^\W\d_]|\.)+)$")
    #: Leading filler dropped from a summary sentence.
    summary_leading: re.Pattern = NEVER
    #: Leading filler dropped from a takeaway; trailing filler ("..., you know").
    takeaway_leading: re.Pattern = NEVER
    takeaway_trailing: re.Pattern = NEVER
    #: Where a long takeaway may be cut (clause boundaries).
    clause: re.Pattern = re.compile(r"(?:[;:]|\s[-\u2013\u2014]|,)\s+")
    #: The speaker's own plan ("I", "my"), a maxim's contrast ("X, not Y"), a pronoun needing context.
    first_person: re.Pattern = NEVER
    contrast: re.Pattern = NEVER
    pronoun: re.Pattern = NEVER

    # -- chapter titles ------------------------------------------------------------------------
    #: Inside a title these mean the phrase runs across a clause.
    inner_stop: frozenset[str] = frozenset()
    #: Number words: a title does not end in one.
    numbers: frozenset[str] = frozenset()
    #: Endings of a one-word title with no subject ("Decided", "Regularly").
    weak_title_endings: tuple[str, ...] = ()
    #: Whether every noun is capitalised (German): then capitals tell no names, and titles keep them.
    capitalised_nouns: bool = False
    #: A capitalised or lower-case word not first in its sentence (to tell names: always capitalised).
    name_word: re.Pattern = re.compile(
        r"(?<![.!?]\s)(?<![.!?][\"')\u201d\u2019\u00bb]\s)(?<!^)\b([^\W\d_]{2,})\b"
    )

    # -- topic matching (kbgen.enrich.topics) --------------------------------------------------
    #: One word of lower-case text for topic matching; and its plural- (or inflection-) insensitive form.
    term_word: re.Pattern = re.compile(r"[^\W_]+")
    term_form: Callable[[str], str] = fold

    # -- redaction (kbgen.redact.spoken, .patterns) ---------------------------------------------
    #: text2num's language for numbers said as words ("en": kbgen's own English rules); None: none.
    numbers_said: str | None = None
    #: How e-mail addresses are spelled aloud; None: not looked for.
    spoken_email: SpokenEmail | None = None
    #: Regions whose national formats written phone numbers are read in (libphonenumber). Digits are
    #: no words: a language without a pack keeps the regions kbgen always had.
    phone_regions: tuple[str, ...] = ("US", "GB")
    #: Words before a bare run of digits that make it a phone number ("call", "llámame").
    phone_cue: re.Pattern = NEVER

    def is_content(self, word: str) -> bool:
        """A word that can carry a topic: not a stopword, not filler, not a lone digit or letter."""
        key = self.fold(word)
        return len(word) > 2 and key not in self.stopwords and key not in self.fillers and not word.isdigit()

    def words(self, text: str) -> list[str]:
        """Lower-case words of ``text``; apostrophes and hyphens inside a word as the language keeps them."""
        return [w.replace("\u2019", "'") for w in self.word.findall(text.lower())]


def snowball(language: str) -> Callable[[str], str]:
    """Snowball's stemmer for ``language`` (snowballstemmer; PyStemmer's C build when installed),
    its result folded: "negociación", "negociaciones" and "negociacion" all give "negoci"."""
    import snowballstemmer

    stemmer = snowballstemmer.stemmer(language)

    def stem(word: str) -> str:
        return fold(stemmer.stemWord(word))

    return stem


#: The pack of a language kbgen has no word lists for.
NEUTRAL = LanguagePack()


def _packs() -> dict[str, LanguagePack]:
    from . import de, en, es, fr, pt

    return {p.code: p for p in (en.PACK, es.PACK, fr.PACK, de.PACK, pt.PACK)}


PACKS: dict[str, LanguagePack] = {}


def pack(language: str | LanguagePack = "en") -> LanguagePack:
    """The pack of ``language`` (a BCP 47 tag) by its base language; :data:`NEUTRAL` when kbgen has none.

    A pack passes through, so functions that take a language take a pack as well.
    """
    if isinstance(language, LanguagePack):
        return language
    if not PACKS:
        PACKS.update(_packs())
    return PACKS.get(base_language(language), NEUTRAL)


__all__ = ["NEUTRAL", "LanguagePack", "SpokenEmail", "base_language", "fold", "pack", "wordset"]
