"""Personal data said aloud, as a transcript writes it: digit words and spelled-out addresses.

No library reads "oh seven seven double nine, nine hundred one two three" as a phone number or
"jordan dot lee at gmail dot com" as an address (libphonenumber and e-mail validators want the
written form), so these are hand-written. Precision comes first in the rules: ordinary speech is
full of small counts ("three or four people", "one or two", "twenty twenty-four").
"""

from __future__ import annotations

import re

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


def find_spoken_phones(text: str) -> list[Span]:
    """Runs of 7+ digits said as words ("five five five, zero one nine two"; "oh seven seven double nine ...").

    A run may mix in short digit groups ("555 oh one three four") and the punctuation a transcript puts
    between groups; any other word ends it. At least 4 digits must be said one by one, so years and
    sums ("nineteen ninety-nine", "three hundred, four hundred") never count; nor does counting aloud.
    """
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


# -- e-mail addresses in words ------------------------------------------------------------------

_W = r"[A-Za-z0-9]+"
_SEP_LOCAL = r"(?:\s+(?:dot|underscore|dash|hyphen|period)\s+|[._-])"
_AT = r"(?:\s+at(?:\s+(?:sign|symbol))?\s+|\s*@\s*)"
_DOT = r"(?:\s+dot\s+|\.)"
_SPOKEN_TLDS = r"com|org|net|edu|gov|io|co|uk|us|ca|de|fr|ie|au|nz|in|dev|ai|me|app|info|biz|tech|xyz"
_SPOKEN_EMAIL = re.compile(
    rf"(?<![\w'’@.-])(?P<local>{_W}(?:{_SEP_LOCAL}{_W})*){_AT}"
    rf"(?P<domain>{_W}(?:{_DOT}{_W})*{_DOT}(?:{_SPOKEN_TLDS}))(?![\w@-])(?!\.\w)",
    re.IGNORECASE,
)
_PROVIDERS = frozenset(
    "gmail googlemail yahoo outlook hotmail live msn icloud me mac aol proton protonmail pm fastmail "
    "zoho gmx yandex mail hey tutanota".split()
)
#: Words before "at" that make "worked at acme dot com" a workplace, not an address.
_NOT_LOCAL = frozenset(
    """i me you he she we they it him her us them this that there here who which what be am is are was were
    been being work works worked working job jobs intern interned internship role position started start
    stay stayed live lived based engineer developer manager lead team people folks someone somebody look
    looked looking see seen met meet meeting interview interviewed interviewing apply applied hired hiring
    joined join left quit time times stuff things thing something nothing everything one ones all both
    them those these online shop shopping sign signed log logged posted post blog site website page""".split()
)
_MAIL_CUE = re.compile(r"\b(?:e-?mail|mail|address|contact|reach|write|send|message|ping|inbox)\b", re.IGNORECASE)


def _written(spoken: str) -> str:
    s = re.sub(r"\s+(?:dot|period)\s+", ".", spoken, flags=re.IGNORECASE)
    s = re.sub(r"\s+underscore\s+", "_", s, flags=re.IGNORECASE)
    s = re.sub(r"\s+(?:dash|hyphen)\s+", "-", s, flags=re.IGNORECASE)
    return s.lower()


def find_spoken_emails(text: str) -> list[Span]:
    """Addresses spelled out: "jordan dot lee at gmail dot com", "sam underscore k at outlook.com"."""
    out = []
    for m in _SPOKEN_EMAIL.finditer(text):
        local, domain = m.group("local"), m.group("domain")
        if "@" in m.group(0) and not re.search(r"\s(?:dot|at)\s", m.group(0), re.IGNORECASE):
            continue  # plainly written: find_emails has it
        single_word = re.fullmatch(_W, local) is not None
        if single_word and local.lower() in _NOT_LOCAL:
            continue
        provider = _written(domain).split(".")[0] in _PROVIDERS
        cue = _MAIL_CUE.search(text[max(0, m.start() - 80) : m.start()]) is not None
        marked = not single_word or any(c.isdigit() for c in local)
        if not (provider or cue or marked):
            continue
        out.append(Span(m.start(), m.end(), "email", f"{_written(local)}@{_written(domain)}"))
    return out
