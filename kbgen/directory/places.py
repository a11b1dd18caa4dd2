"""Languages and countries as rosters write them ("English", "english", "en", "Español";
"Germany", "DE", "Deutschland"), read into codes, and shown as names.

Languages become BCP 47 tags, countries ISO 3166-1 alpha-2 codes, both through ``langcodes``
and its ``language_data`` (CLDR names in many languages), so "Español" and "Spanish" are the
same filter. A macrolanguage is read as itself ("Mandarin" and "Chinese" are both ``zh``): a
mentee looking for Chinese finds both.

A name is taken only when it is one of the language's or country's names (accents and case
aside): ``langcodes.find`` alone also reads "JavaScript" as Javanese and "English & Spanish"
as English, and ``name_to_code`` reads "Nigera" as Niger. Anything else is refused with the
closest name as a suggestion, so a typo is never published as another place.
"""

from __future__ import annotations

import difflib
import re
import string
import unicodedata
from functools import lru_cache

import langcodes
from language_data.names import code_to_names, name_to_code

from ..models import base_language  # noqa: F401 - re-exported: what a filter offers

#: How one roster item names several languages: "English & Spanish", "English/Hindi".
_SEPARATORS = re.compile(r"\s*(?:[/&+;]|\band\b)\s*", re.I)
#: Names CLDR does not list that rosters write (folded as _fold does).
_LANGUAGE_ALIASES = {"asl": "ase", "american sign language": "ase", "bsl": "bfi", "farsi": "fa", "mandarin": "zh",
                     "brazilian portuguese": "pt-BR"}
#: The languages whose names of a language or country are read: a country's or language's name in
#: the world's larger languages. Every CLDR language would take rare spellings that are typos of
#: another place ("Nigera").
_NAME_LANGUAGES = frozenset({
    "am", "ar", "bn", "ca", "cs", "da", "de", "el", "en", "es", "fa", "fi", "fil", "fr", "ha", "he", "hi", "hu",
    "id", "ig", "it", "ja", "ko", "ms", "nb", "nl", "pl", "pt", "ro", "ru", "sv", "sw", "ta", "th", "tr", "uk",
    "ur", "vi", "yo", "zh", "zu"})
_COUNTRY_ALIASES = {"uk": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
                    "wales": "GB", "northern ireland": "GB", "usa": "US", "u s a": "US", "u s": "US",
                    "america": "US", "uae": "AE", "the netherlands": "NL", "holland": "NL",
                    # former or other English names CLDR no longer lists
                    "turkey": "TR", "swaziland": "SZ", "burma": "MM", "ivory coast": "CI", "macedonia": "MK",
                    "cape verde": "CV", "east timor": "TL", "south korea": "KR", "north korea": "KP",
                    "czech republic": "CZ", "hong kong": "HK", "macau": "MO", "palestine": "PS", "vatican": "VA",
                    "bosnia": "BA", "drc": "CD"}
#: Names that end a location and are also a US state: "Atlanta, Georgia" is not in the Caucasus.
_LOCATION_AMBIGUOUS = frozenset({"georgia"})
#: What a suggestion may name for an ambiguous name (never taken on its own).
_COUNTRY_HINTS = {"korea": "South Korea", "congo": "Congo - Kinshasa"}


def split_languages(text: str) -> list[str]:
    """One roster item as the languages it names: 'English & Spanish' -> ['English', 'Spanish']."""
    return [part for part in _SEPARATORS.split(text) if part.strip()]


def language_tag(text: str) -> tuple[str | None, str | None]:
    """(BCP 47 tag, None) for a language code or name, else (None, a close name or None)."""
    raw = " ".join(text.split())
    if not raw:
        return None, None
    folded = _fold(raw)
    tag = _LANGUAGE_ALIASES.get(folded)
    if tag is None and langcodes.tag_is_valid(raw):
        tag = langcodes.standardize_tag(raw, macro=True)
    if tag is None:
        try:
            found = langcodes.find(raw)
        except LookupError:
            found = None
        if found is not None and folded in _folded_names(found.language or ""):
            tag = langcodes.standardize_tag(found.to_tag(), macro=True)
    if tag is not None and _usable(tag):
        return tag, None
    return None, _closest(raw, _language_names())


def _usable(tag: str) -> bool:
    lang = langcodes.Language.get(tag)
    code = lang.language or ""
    private = "qaa" <= code <= "qtz" or tag.lower().startswith("x-") or "-x-" in tag.lower()
    return lang.is_valid() and bool(code) and code not in ("und", "zxx", "mul", "mis") and not private



def language_name(tag: str) -> str:
    """The English name of a tag: 'es' -> 'Spanish', 'pt-BR' -> 'Portuguese (Brazil)'."""
    try:
        return langcodes.Language.get(tag).display_name()
    except (LookupError, ValueError):
        return tag


def country_code(text: str, names_only: bool = False) -> tuple[str | None, str | None]:
    """(ISO 3166-1 alpha-2 code, None) for a code or name ('de', 'DEU', 'Germany', 'Deutschland').

    Else (None, a close country name or None). ``names_only``: codes are not read (the end of a
    location: 'Boston, MA' is Massachusetts, not Morocco); 'UK' and 'USA' still are.
    """
    raw = " ".join(text.split())
    if not raw:
        return None, None
    names = _country_names()
    folded = _fold(raw)
    if names_only and folded in _LOCATION_AMBIGUOUS:
        return None, None
    code = _COUNTRY_ALIASES.get(folded)
    if code is None and names_only and len(folded) <= 3:  # "MA", "CO": a state's code, not a country
        return None, None
    if code is None and not names_only and re.fullmatch(r"[A-Za-z]{2,3}", raw):
        code = raw.upper()
        if len(code) == 3:  # ISO alpha-3 ("DEU"), from ISO's own list
            import pycountry

            found3 = pycountry.countries.get(alpha_3=code)
            code = found3.alpha_2 if found3 is not None else ""
        elif code.isalpha():  # deprecated codes as their successors: UK -> GB
            code = langcodes.Language.get(langcodes.standardize_tag(f"und-{code}")).territory or code
    if code is None or code not in names:
        code = None
        try:
            found = name_to_code("territory", raw)
        except (LookupError, ValueError):
            found = None
        if found in names and folded in _folded_names(found):
            code = found
        else:  # written without its accents or punctuation ("Espana", "Cote d Ivoire")
            code = _countries_by_folded_name().get(folded) or _iso_name(raw)
    if code is not None and code in names:
        return code, None
    hint = _COUNTRY_HINTS.get(folded)
    return None, hint or _closest(raw, sorted(names.values()))


def country_name(code: str) -> str:
    """The English name of a country code: 'DE' -> 'Germany'."""
    return _country_names().get(code, code)


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Every country and territory with an ISO alpha-2 code (CLDR 'region' subtags), by code."""
    out = {}
    for a in string.ascii_uppercase:
        for b in string.ascii_uppercase:
            code = a + b
            if code in _NOT_COUNTRIES:
                continue
            lang = langcodes.Language.get(f"und-{code}")
            if lang.is_valid():
                name = lang.territory_name()
                if name and not name.startswith("Unknown"):
                    out[code] = name
    return out


# Region subtags that are not places a person lives in ('EU' is: rosters write it).
_NOT_COUNTRIES = frozenset({"AA", "EZ", "QO", "UN", "ZZ", "XA", "XB"})
@lru_cache(maxsize=None)
def _folded_names(code: str) -> frozenset[str]:
    """The CLDR names of a language or territory code in :data:`_NAME_LANGUAGES`, and its own name, folded."""
    names = code_to_names(code)
    own = names.get(code.lower()) if len(code) < 4 else None
    return frozenset(_fold(name) for lang, name in names.items() if lang in _NAME_LANGUAGES or name == own)


def _iso_name(text: str) -> str | None:
    """The code of a country written as ISO 3166 lists it ("Korea, Republic of"): forms exported
    from registration tools, which CLDR does not name."""
    import pycountry

    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return None


@lru_cache(maxsize=1)
def _countries_by_folded_name() -> dict[str, str]:
    out: dict[str, str] = {}
    for code in _country_names():
        for name in _folded_names(code):
            out.setdefault(name, code)
    return out


@lru_cache(maxsize=1)
def _language_names() -> list[str]:
    """English names and own names (autonyms) of the languages with a two-letter code: suggestions."""
    names = set()
    for a in string.ascii_lowercase:
        for b in string.ascii_lowercase:
            lang = langcodes.Language.get(a + b)
            if lang.is_valid():
                for name in (lang.display_name(), lang.autonym()):
                    if not name.startswith("Unknown") and "[" not in name:
                        names.add(name)
    return sorted(names)


def _fold(text: str) -> str:
    """Case, accents and punctuation aside: "Côte d’Ivoire" and "cote d ivoire" fold alike."""
    decomposed = unicodedata.normalize("NFKD", text.replace("&", " and "))
    kept = "".join(c if c.isalnum() or c.isspace() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join({"st": "saint"}.get(w, w) for w in kept.casefold().split())


def _closest(text: str, choices: list[str]) -> str | None:
    folded = {_fold(c): c for c in choices}
    close = difflib.get_close_matches(_fold(text), list(folded), n=1, cutoff=0.75)
    return folded[close[0]] if close else None


__all__ = ["base_language", "country_code", "country_name", "language_name", "language_tag", "split_languages"]
