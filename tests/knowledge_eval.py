"""The knowledge-stage evaluation set (tests/data/knowledge) and its scorers.

Imported by the tests and the benchmarks; it holds no tests itself. Each case is a short
mentoring conversation written for the set, with what a careful human expects of it: the
taxonomy topics it is about, the advice the mentor gives (takeaways), and the personal data
planted in it (plus look-alikes that are not personal data).

Case file format (``tests/data/knowledge/<slug>.yml``)::

    title: Negotiating a first salary offer
    redact: [Jordan Lee, Jordan]          # the sidecar's redact list for the session
    expected:
      topics: [negotiation]               # taxonomy ids
      takeaways: [...]                    # the mentor's advice, paraphrased close to the words used
      pii:                                # each planted datum exactly as in the text
        - {kind: email, text: jordan.lee@gmail.com}
      not_pii: ["$85,000", "2019"]        # look-alikes that must survive redaction
    segments:
      - {start: 0.0, end: 6.4, speaker: MENTEE, text: "..."}

All scorers are deterministic and pure; a case missing from a prediction counts as predicted
empty (or, for redaction, as left unredacted).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from kbgen.config import KbgenConfig, TopicDef
from kbgen.models import Segment, Session, Transcript

DATA = Path(__file__).resolve().parent / "data" / "knowledge"
TAXONOMY_FILE = DATA / "taxonomy.yml"
PII_KINDS = ("email", "phone", "link", "name")


@dataclass(frozen=True)
class EvalCase:
    """One conversation of the set and what a human expects of it."""

    slug: str
    title: str
    transcript: Transcript
    redact: tuple[str, ...]
    topics: tuple[str, ...]
    takeaways: tuple[str, ...]
    pii: tuple[tuple[str, str], ...]  # (kind, text exactly as in the transcript)
    not_pii: tuple[str, ...]
    path: Path

    @property
    def text(self) -> str:
        return self.transcript.text

    def session(self) -> Session:
        """A Session record for the case (public, consented, with its redact list)."""
        return Session(
            id=self.slug,
            title=self.title,
            date=dt.date(2025, 1, 15),
            mentors=(),
            topics=(),
            visibility="public",
            consent=True,
            redact=self.redact,
        )


def _case(path: Path) -> EvalCase:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    where = f"{path.name}"
    if not isinstance(data, dict) or not isinstance(data.get("expected"), dict):
        raise ValueError(f"{where}: expected a mapping with 'title', 'redact', 'expected' and 'segments'")
    exp = data["expected"]
    segments = tuple(
        Segment(start=float(s["start"]), end=float(s["end"]), text=str(s["text"]), speaker=s.get("speaker"))
        for s in data.get("segments") or ()
    )
    if not segments:
        raise ValueError(f"{where}: no segments")
    pii = tuple((str(p["kind"]), str(p["text"])) for p in exp.get("pii") or ())
    for kind, _ in pii:
        if kind not in PII_KINDS:
            raise ValueError(f"{where}: pii kind '{kind}' is not one of {', '.join(PII_KINDS)}")
    transcript = Transcript(
        segments=segments, language="en", duration=segments[-1].end, engine="import", model="eval"
    )
    return EvalCase(
        slug=path.stem,
        title=str(data.get("title", path.stem)),
        transcript=transcript,
        redact=tuple(str(r) for r in data.get("redact") or ()),
        topics=tuple(str(t) for t in exp.get("topics") or ()),
        takeaways=tuple(str(t) for t in exp.get("takeaways") or ()),
        pii=pii,
        not_pii=tuple(str(s) for s in exp.get("not_pii") or ()),
        path=path,
    )


def load_eval_set(folder: Path = DATA) -> list[EvalCase]:
    """Every case of the set, sorted by slug (the taxonomy file is not a case)."""
    return [_case(p) for p in sorted(Path(folder).glob("*.yml")) if p.name != TAXONOMY_FILE.name]


def load_taxonomy(path: Path = TAXONOMY_FILE) -> list[TopicDef]:
    """The set's taxonomy, validated exactly as kbgen.yml's `topics:` is."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return list(KbgenConfig.model_validate({"topics": data["topics"]}).topics)


# --- topics -------------------------------------------------------------------------------


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def topic_scores(
    predicted: Mapping[str, Iterable[str]], cases: Sequence[EvalCase]
) -> tuple[float, float, float]:
    """Micro-averaged (precision, recall, F1) of predicted topic ids against the expected ones.

    Ids are compared exactly (a parent is not credited for its child). Precision is 0.0 when
    nothing at all is predicted.
    """
    tp = fp = fn = 0
    for case in cases:
        pred = set(predicted.get(case.slug, ()))
        gold = set(case.topics)
        tp += len(pred & gold)
        fp += len(pred - gold)
        fn += len(gold - pred)
    p, r = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    return p, r, _ratio(2 * p * r, p + r)


# --- takeaways ----------------------------------------------------------------------------

STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing dont down during each even ever every few for from further
    get gets got had has have having he her here hers herself him himself his how i id if ill im in into is
    it its itself ive just let lets like may me might more most much must my myself no nor not now of off on
    once one only or other our ours ourselves out over own really same she should so some such than that
    thats the their theirs them themselves then there these they thing things this those through to too
    under until up us very want was way we well were what whats when where which while who whom why will
    with would yes yet you youd youll your youre yours yourself yourselves youve
    """.split()
)


def stem(word: str) -> str:
    """A deliberately light stemmer: plural -s/-ies, -ing, -ed, a final -e, doubled consonants.

    Symmetric rather than linguistically right: "asks", "asked", "asking" -> "ask";
    "names", "named", "naming", "name" -> "nam"; "stopped", "stopping" -> "stop".
    """
    w = word
    if len(w) >= 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) >= 5 and w.endswith("ing"):
        w = w[:-3]
    elif len(w) >= 4 and w.endswith("ed"):
        w = w[:-2]
    elif len(w) >= 4 and w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    if len(w) >= 3 and w[-1] == w[-2] and w[-1] not in "aeiouslz":
        w = w[:-1]  # stopp -> stop, plann -> plan; add -> ad both ways (kill, miss stay)
    if len(w) >= 3 and w.endswith("e"):
        w = w[:-1]
    return w


def content_words(text: str) -> frozenset[str]:
    """Lower-cased, apostrophes dropped ("don't" -> "dont"), stopwords removed, stemmed."""
    text = text.lower().replace("\u2019", "'").replace("'", "")
    return frozenset(stem(t) for t in re.findall(r"[a-z0-9]+", text) if t not in STOPWORDS)


def takeaway_overlap(expected: str, predicted: str) -> float:
    """Share of the expected takeaway's content words that the predicted one also has."""
    gold = content_words(expected)
    if not gold:
        return 0.0
    return len(gold & content_words(predicted)) / len(gold)


def takeaway_recall(
    predicted: Mapping[str, Sequence[str]], cases: Sequence[EvalCase], threshold: float = 0.5
) -> float:
    """Share of all expected takeaways (micro, over every case) that some predicted takeaway recalls.

    An expected takeaway is recalled when one predicted takeaway of the same case shares at
    least ``threshold`` of its content words (see ``content_words``). One predicted takeaway
    may recall several expected ones.
    """
    total = hits = 0
    for case in cases:
        preds = list(predicted.get(case.slug, ()))
        for gold in case.takeaways:
            total += 1
            if any(takeaway_overlap(gold, p) >= threshold for p in preds):
                hits += 1
    return _ratio(hits, total)


# --- redaction ----------------------------------------------------------------------------


def _whole_word(needle: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", re.IGNORECASE)


def pii_present(kind: str, needle: str, text: str) -> bool:
    """Whether a planted datum is still in ``text``.

    Names: case-insensitive, as a whole word (so "Jordan" also matches in "Jordan's", and
    "Ines" does not match in "lines"). Everything else: the exact string. A partly masked
    datum ("+1 415 [phone]") counts as removed; this is a proxy, not a leak audit.
    """
    if kind == "name":
        return _whole_word(needle).search(text) is not None
    return needle in text


def redaction_scores(redacted_text: Mapping[str, str], cases: Sequence[EvalCase]) -> tuple[float, float]:
    """(recall, precision) of a redactor over the set, micro-averaged.

    recall: the share of planted PII items (``expected.pii``) no longer present in the case's
    redacted text (see ``pii_present``).

    precision: a proxy, since a masked span's true extent is unknown here. It is the share of the
    look-alikes (``expected.not_pii``: years, money, percentages, versions, times, ordinary
    links, counts) that survive intact, i.e. occur in the redacted text at least as often as in
    the original. A redactor that masks nothing scores recall 0 and precision 1; one that
    blanks everything scores recall 1 and precision 0.

    A case missing from ``redacted_text`` is scored as its original, unredacted text.
    """
    removed = planted = kept = lookalikes = 0
    for case in cases:
        original = case.text
        text = redacted_text.get(case.slug, original)
        for kind, needle in case.pii:
            planted += 1
            removed += not pii_present(kind, needle, text)
        for needle in case.not_pii:
            lookalikes += 1
            kept += text.count(needle) >= original.count(needle)
    return _ratio(removed, planted), _ratio(kept, lookalikes)


__all__ = [
    "EvalCase",
    "content_words",
    "load_eval_set",
    "load_taxonomy",
    "pii_present",
    "redaction_scores",
    "stem",
    "takeaway_overlap",
    "takeaway_recall",
    "topic_scores",
]
