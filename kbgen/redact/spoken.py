"""Personal data said aloud, as a transcript writes it: digit words and spelled-out addresses.

Each in the session's language (its pack, :mod:`kbgen.enrich.langs`). Numbers said in Spanish,
French, German or Portuguese are read by text2num ("seis cinco cero", "zéro six, douze",
"achtundsiebzig"); English has rules of its own below, since text2num reads neither "oh seven"
nor "double nine". No library reads "jordan dot lee at gmail dot com" as an address (e-mail
validators want the written form), so the spoken separators of each language are hand-written
in its pack. Precision comes first in the rules: ordinary speech is full of small counts ("three
or four people", "one or two", "twenty twenty-four", "dos mil veinte").
"""

from __future__ import annotations

import re

from ..enrich.langs import LanguagePack, pack
from .spans import Span

# -- phone numbers in words --------------------------------------------------------------------

_DIGITS = {
    "zero": "0", "oh": "0", "o": "0", "nought": "0", "nil": "0",
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip
_TEENS = {
    "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15",
    "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19",
}  # fmt: skip
_TENS = {
    "twenty": "2", "thirty": "3", "forty": "4", "fifty": "5", "sixty": "6", "seventy": "7", "eighty": "8", "ninety": "9"
}  # fmt: skip
_REPEAT = {"double": 2, "triple": 3}
#: Punctuation a transcript puts between the groups of a dictated number.
_SEPARATORS = {",", "-", ".", "–", "…", ";"}
#: Fewest digits in a number: 7 is a local number without its area code.
MIN_DIGITS = 7
#: Fewest digits said one by one ("five", "double five"): a run of "twenty", "fifty" is a year or a sum.
MIN_SINGLE = 4

_TOKEN = re.compile(r"[A-Za-z]+|\d+|\S")


def _unit(tokens: list[re.Match[str]], i: int) -> tuple[str, int, int] | None:
    """The digits tokens[i:] start with: (digits, how many said singly, tokens used), or None."""
    word = tokens[i].group(0)
    low = word.lower()
    nxt = tokens[i + 1].group(0).lower() if i + 1 < len(tokens) else ""
    if low in _REPEAT and nxt in _DIGITS:
        return _DIGITS[nxt] * _REPEAT[low], _REPEAT[low], 2
    if low in _DIGITS:
        if low == "o" and word == "O" and nxt not in _DIGITS:
            return None  # "O" alone is a letter more often than a digit
        return _DIGITS[low], 1, 1
    if low in _TEENS:
        return _TEENS[low], 0, 1
    if low in _TENS:
        # "fifty-five" or "fifty five" is two digits, "fifty" alone is "50"
        j = i + 1
        if j < len(tokens) and tokens[j].group(0) == "-":
            j += 1
        if j < len(tokens) and tokens[j].group(0).lower() in _DIGITS and tokens[j].group(0).lower() not in ("oh", "o"):
            return _TENS[low] + _DIGITS[tokens[j].group(0).lower()], 0, j - i + 1
        return _TENS[low] + "0", 0, 1
    if low == "hundred":
        return "00", 0, 1
    if word.isdigit() and len(word) <= 4:
        return word, 0, 1
    return None


def _counting(digits: str) -> bool:
    """One, two, three, four... (or down): counting aloud, not a number."""
    steps = {int(b) - int(a) for a, b in zip(digits, digits[1:], strict=False)}
    return steps in ({1}, {-1})


def find_spoken_phones(text: str, language: str | LanguagePack = "en") -> list[Span]:
    """Runs of 7+ digits said as words ("five five five, zero one nine two"; "oh seven seven double nine ...").

    A run may mix in short digit groups ("555 oh one three four") and the punctuation a transcript puts
    between groups; any other word ends it. At least 4 digits must be said one by one, so years and
    sums ("nineteen ninety-nine", "three hundred, four hundred") never count; nor does counting aloud.
    In another language (``language``, a BCP 47 tag) see :func:`_said_numbers`; a language without
    number words in its pack has none.
    """
    p = pack(language)
    if p.numbers_said is None:
        return []
    if p.numbers_said != "en":
        return _said_numbers(text, p.numbers_said)
    tokens = list(_TOKEN.finditer(text))
    out = []
    i = 0
    while i < len(tokens):
        plus = tokens[i].group(0).lower() == "plus" and i + 1 < len(tokens) and _unit(tokens, i + 1) is not None
        j = i + 1 if plus else i
        groups: list[list] = []  # [digits, said singly, first token, last token], split at punctuation
        new_group = True
        while j < len(tokens):
            unit = _unit(tokens, j)
            if unit is None or (unit[0] == "00" and not groups):
                break  # "hundred" needs a digit before it
            if new_group:
                groups.append(["", 0, j, j])
                new_group = False
            group = groups[-1]
            group[0] += unit[0]
            group[1] += unit[1]
            group[3] = j + unit[2] - 1
            j += unit[2]
            # one separator between groups; the break between two speakers is no separator
            if j < len(tokens) and tokens[j].group(0) in _SEPARATORS and j + 1 < len(tokens) and _unit(tokens, j + 1):
                j += 1
                new_group = True
        if not groups:
            i += 1
            continue
        # a lone digit at either end is speech around the number ("two. Five five five ...", "..., three times")
        while len(groups) > 1 and len(groups[0][0]) == 1 and _qualifies(groups[1:]):
            groups.pop(0)
            plus = False
        while len(groups) > 1 and len(groups[-1][0]) == 1 and _qualifies(groups[:-1]):
            groups.pop()
        if _qualifies(groups):
            first = groups[0][2] - (1 if plus else 0)
            digits = "".join(g[0] for g in groups)
            out.append(Span(tokens[first].start(), tokens[groups[-1][3]].end(), "phone", digits.lstrip("0")[-9:]))
        i = j if j > i else i + 1  # a run is maximal: the next one starts after it
    return out


def _qualifies(groups: list[list]) -> bool:
    digits = "".join(g[0] for g in groups)
    single = sum(g[1] for g in groups)
    return len(digits) >= MIN_DIGITS and single >= MIN_SINGLE and not _counting(digits)


# -- phone numbers in words, other languages ------------------------------------------------------

_WORD_TOKEN = re.compile(r"[^\W\d_]+|\d+|\S")
#: Most digits in one group of a dictated number: "seiscientos doce" (612) is one, "dos mil veinte" a year.
MAX_GROUP = 3


def _said_numbers(text: str, language: str) -> list[Span]:
    """Phone numbers said in ``language`` (text2num's code): numbers said in a row.

    text2num finds each number said ("seis", "treinta y cuatro", "zéro six", "achtundsiebzig");
    digits already written ("612") count too. Numbers follow each other directly or with one
    punctuation mark between groups; any other word ends a run. A run is a phone number when it
    has 7+ digits, no number longer than MAX_GROUP digits (years, thousands), at least MIN_SINGLE
    digits in numbers that are not round ("doce", "cinco", not "trescientos"), and is not
    counting aloud. A lone digit before or after the number ("dos. Seis cinco cero...") is left.
    """
    from text_to_num import Token, find_numbers

    class _Word(Token):
        def __init__(self, match: re.Match[str]) -> None:
            self.match = match

        def text(self) -> str:
            return self.match.group(0)

    tokens = list(_WORD_TOKEN.finditer(text))
    said: dict[int, tuple[int, str]] = {}  # first token -> (token after the last, digits)
    for found in find_numbers([_Word(t) for t in tokens], language, threshold=0):
        if not found.is_ordinal and found.text.isdigit():
            said[found.start] = (found.end, found.text)
    for i, t in enumerate(tokens):
        if i not in said and t.group(0).isdigit() and len(t.group(0)) <= 4:
            said[i] = (i + 1, t.group(0))
    out = []
    i = 0
    while i < len(tokens):
        if i not in said:
            i += 1
            continue
        # groups (between punctuation) of numbers: [(first token, token after the last, digits), ...]
        groups: list[list[tuple[int, int, str]]] = [[(i, *said[i])]]
        j = said[i][0]
        while True:
            if j in said:
                groups[-1].append((j, *said[j]))
            elif j < len(tokens) and tokens[j].group(0) in _SEPARATORS and j + 1 in said:
                j += 1
                groups.append([(j, *said[j])])
            else:
                break
            j = said[j][0]
        while len(groups) > 1 and _lone_digit(groups[0]) and _qualifies_said(groups[1:]):
            groups.pop(0)
        while len(groups) > 1 and _lone_digit(groups[-1]) and _qualifies_said(groups[:-1]):
            groups.pop()
        if _qualifies_said(groups):
            digits = "".join(n[2] for g in groups for n in g)
            first, last = groups[0][0][0], groups[-1][-1][1] - 1
            out.append(Span(tokens[first].start(), tokens[last].end(), "phone", digits.lstrip("0")[-9:]))
        i = j
    return out


def _lone_digit(group: list[tuple[int, int, str]]) -> bool:
    return len(group) == 1 and len(group[0][2]) == 1


def _qualifies_said(groups: list[list[tuple[int, int, str]]]) -> bool:
    numbers = [n[2] for g in groups for n in g]
    digits = "".join(numbers)
    informative = sum(len(n) for n in numbers if len(n) == 1 or not n.endswith("0"))
    return (len(digits) >= MIN_DIGITS and all(len(n) <= MAX_GROUP for n in numbers)
            and informative >= MIN_SINGLE and not _counting(digits))


# -- e-mail addresses in words ------------------------------------------------------------------

_PROVIDERS = frozenset(
    "gmail googlemail yahoo outlook hotmail live msn icloud me mac aol proton protonmail pm fastmail "
    "zoho gmx yandex mail hey tutanota".split()
)


def _written(spoken: str, words: dict[str, str]) -> str:
    for word, char in words.items():
        spoken = re.sub(rf"\s+{word}\s+", char, spoken, flags=re.IGNORECASE)
    return spoken.lower()


def find_spoken_emails(text: str, language: str | LanguagePack = "en") -> list[Span]:
    """Addresses spelled out: "jordan dot lee at gmail dot com", "ana punto garcia arroba gmail punto com".

    The words are those of ``language`` (a BCP 47 tag); a language without them in its pack has none.
    """
    p = pack(language)
    spoken = p.spoken_email
    if spoken is None:
        return []
    folded = p.fold(text)  # "garcía" as "garcia": an address is ASCII, offsets stay
    out = []
    for m in spoken.regex.finditer(folded):
        local, domain = m.group("local"), m.group("domain")
        if "@" in m.group(0) and not re.search(rf"\s(?:{spoken.marks})\s", m.group(0), re.IGNORECASE):
            continue  # plainly written: find_emails has it
        single_word = re.fullmatch(r"[A-Za-z0-9]+", local) is not None
        if single_word and local.lower() in spoken.not_local:
            continue
        provider = _written(domain, spoken.words).split(".")[0] in (_PROVIDERS | spoken.providers)
        cue = spoken.cue.search(folded[max(0, m.start() - 80) : m.start()]) is not None
        marked = not single_word or any(c.isdigit() for c in local)
        if not (provider or cue or marked):
            continue
        written = f"{_written(local, spoken.words)}@{_written(domain, spoken.words)}"
        out.append(Span(m.start(), m.end(), "email", written))
    return out
