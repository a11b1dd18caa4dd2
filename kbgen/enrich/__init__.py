"""Enrich a transcript: key phrases and an extractive summary.

Both are pure functions of the transcript and the configuration: same input, same output.
"""

from __future__ import annotations

from ..config import EnrichConfig
from ..models import Enrichment, Transcript
from .phrases import key_phrases
from .summary import split_sentences, summarize


def enrich(transcript: Transcript, config: EnrichConfig, topics: tuple[str, ...] = ()) -> Enrichment:
    """Key phrases and a summary of ``config.summary_sentences`` sentences for ``transcript``.

    ``topics`` (the session's own topics) make sentences about them likelier summary picks.
    An empty transcript gives an empty :class:`~kbgen.models.Enrichment`.
    """
    text = transcript.text
    if not text.strip():
        return Enrichment()
    phrases = key_phrases(text, config.key_phrases)
    summary = summarize(transcript.segments, config.summary_sentences, bonus_terms=(*topics, *phrases))
    return Enrichment(summary=summary, key_phrases=phrases)


__all__ = ["enrich", "key_phrases", "summarize", "split_sentences"]
