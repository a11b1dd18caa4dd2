"""Words of a text in its language: splitting, stems, and which words carry content.

The lists themselves are in the language packs (:mod:`kbgen.enrich.langs`); the English ones
are re-exported here under their old names.
"""

from __future__ import annotations

from .langs import LanguagePack, pack
from .langs.en import FILLER_PHRASES, FILLERS, GENERIC, STOPWORDS

Language = str | LanguagePack


def words(text: str, language: Language = "en") -> list[str]:
    """Lower-case words of ``text``; apostrophes and hyphens inside a word kept (as the language keeps them)."""
    return pack(language).words(text)


def stem(word: str, language: Language = "en") -> str:
    """A stem of a lower-case word, so inflections meet ('offers'/'offer'; 'negociación'/'negociar')."""
    return pack(language).stem(word)


def is_content(word: str, language: Language = "en") -> bool:
    """A word that can carry a topic: not a stopword, not filler, not a lone digit or letter."""
    return pack(language).is_content(word)


__all__ = ["FILLERS", "FILLER_PHRASES", "GENERIC", "STOPWORDS", "Language", "is_content", "stem", "words"]
