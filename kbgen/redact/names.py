"""Names listed in a sidecar's ``redact:`` (and the anonymous mentee's), found wherever they appear.

The rule, for an entry "Jordan Lee":

- the full name matches case-insensitively, with spaces or hyphens between its parts
  ("Jordan Lee", "jordan lee", "Jordan-Lee"), and with accents or without ("Zoë" / "Zoe");
- the first part matches alone ("Jordan"), but in text that uses capitals (any transcript with
  sentence case) only where it is capitalised, so "Rose" is redacted and "the rose garden" is not,
  "Will" and not "you will". A single-word entry is such a part. An initial ("J.") never matches
  alone;
- the last part matches alone only after a title ("Ms Lee", "Dr. Lee"): alone, "Lee", "Park",
  "Health" (of "Brightline Health") are too often other people or plain words. A sidecar that
  wants a surname gone everywhere lists it as its own entry;
- possessives follow by themselves: "Jordan's" becomes "[name]'s".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .spans import Span


def fold(text: str) -> str:
    """Lower case, accents dropped, runs of spaces and hyphens as one space: how variants compare."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[\s\-‐]+", " ", plain.casefold()).strip()


def is_cased(text: str) -> bool:
    """True when ``text`` uses both cases, so a capital letter says something."""
    return any(c.isupper() for c in text) and any(c.islower() for c in text)


_TITLES = ("Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Miss", "Dr", "Dr.", "Prof", "Prof.", "Professor")


@dataclass(frozen=True)
class _Variant:
    key: str  # the entry this variant belongs to, folded
    mentee: str  # an anonymous mentee's stand-in ("Mentee", "Mentee 2"), else ""
    part: bool  # a single part: capitalisation required in cased text


#: The anonymous mentees of a session: one name (read "Mentee"), or (name, stand-in) pairs.
AnonymousMentees = str | Sequence[tuple[str, str]] | None


def anonymous_pairs(anonymous: AnonymousMentees) -> list[tuple[str, str]]:
    """(name, stand-in) of each anonymous mentee: a lone name reads "Mentee"."""
    if not anonymous:
        return []
    if isinstance(anonymous, str):
        return [(anonymous, "Mentee")]
    return [(name, stand_in) for name, stand_in in anonymous if name and name.strip()]


class NameMatcher:
    """Finds the listed names; the anonymous mentees' names first, so each always reads as its stand-in."""

    def __init__(self, names: Iterable[str] = (), anonymous_mentee: AnonymousMentees = None):
        self.variants: dict[str, _Variant] = {}  # folded spelling -> whose name it is
        spellings: set[str] = set()  # what the pattern looks for: as written and accent-free
        entries = anonymous_pairs(anonymous_mentee)
        entries += [(n, "") for n in names if n and n.strip()]
        for entry, mentee in entries:
            key = fold(entry)
            tokens = entry.split()
            has_upper = any(t[:1].isupper() for t in tokens)
            forms = [(" ".join(tokens), False)] if len(tokens) > 1 else []
            first = tokens[0].strip(",")
            if len(first.strip(".")) >= 2 and not first.endswith(".") and (first[:1].isupper() or not has_upper):
                forms.append((first, True))
            if len(tokens) > 1 and len(tokens[-1]) >= 2:
                forms += [(f"{title} {tokens[-1]}", False) for title in _TITLES]
            for form, part in forms:
                self.variants.setdefault(fold(form), _Variant(key, mentee, part))
                spellings.update((form.casefold(), fold(form)))
        #: full names run together, as in handles and profile links ("jordanlee")
        self.handles = tuple(
            sorted(
                {h for e, _ in entries if len(e.split()) > 1 for h in [re.sub(r"[\W_]", "", fold(e))] if len(h) >= 6}
            )
        )
        self.pattern: re.Pattern[str] | None = None
        if spellings:
            alternatives = sorted(spellings, key=lambda v: (-len(v), v))
            body = "|".join(r"[\s\-‐]+".join(re.escape(t) for t in v.split(" ")) for v in alternatives)
            self.pattern = re.compile(rf"(?<![\w@.])(?:{body})(?!\w)(?!@)(?!\.\w)", re.IGNORECASE)

    def find(self, text: str, cased: bool | None = None) -> list[Span]:
        """Every listed name in ``text``; ``cased`` says whether capitals count (default: judged from text)."""
        if self.pattern is None:
            return []
        if cased is None:
            cased = is_cased(text)
        out = []
        for m in self.pattern.finditer(text):
            variant = self.variants.get(fold(m.group(0)))
            if variant is None:
                continue
            if variant.part and cased and not m.group(0)[:1].isupper():
                continue
            out.append(Span(m.start(), m.end(), "name", variant.key, variant.mentee))
        return out

    def resolve(self, label: str) -> _Variant | None:
        """The listed person a label (a speaker name) refers to, if any."""
        return self.variants.get(fold(label))
