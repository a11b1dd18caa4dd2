"""Enrich a transcript: key phrases and an extractive summary.

Both are pure functions of the transcript, its language and the configuration: same input, same
output. Each step takes ``language`` (a BCP 47 tag; :mod:`kbgen.enrich.langs` has the packs).
"""

from __future__ import annotations

from ..config import EnrichConfig
from ..models import Enrichment, Transcript
from .langs import LanguagePack, pack
from .phrases import key_phrases
from .summary import split_sentences, summarize


def enrich(transcript: Transcript, config: EnrichConfig, topics: tuple[str, ...] = (),
           language: str = "en") -> Enrichment:
    """Key phrases and a summary of ``config.summary_sentences`` sentences for ``transcript``.

    ``topics`` (the session's own topics) make sentences about them likelier summary picks.
    An empty transcript gives an empty :class:`~kbgen.models.Enrichment`.
    """
    text = transcript.text
    if not text.strip():
        return Enrichment()
    phrases = key_phrases(text, config.key_phrases, language)
    summary = summarize(transcript.segments, config.summary_sentences, bonus_terms=(*topics, *phrases),
                        language=language)
    return Enrichment(summary=summary, key_phrases=phrases)


__all__ = ["LanguagePack", "enrich", "key_phrases", "pack", "summarize", "split_sentences"]
