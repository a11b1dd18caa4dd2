"""Languages and countries as rosters write them ("English", "english", "en", "Español";
"Germany", "DE", "Deutschland"), read into codes, and shown as names.

Languages become BCP 47 tags, countries ISO 3166-1 alpha-2 codes, both through ``langcodes``
and its ``language_data`` (CLDR names in many languages), so "Español" and "Spanish" are the
same filter. A macrolanguage is read as itself ("Mandarin" and "Chinese" are both ``zh``): a
mentee looking for Chinese finds both.
"""

from __future__ import annotations

import difflib
import string
import unicodedata
from functools import lru_cache

import langcodes
from language_data.names import name_to_code


def language_tag(text: str) -> tuple[str | None, str | None]:
    """(BCP 47 tag, None) for a language code or name, else (None, a close name or None)."""
    raw = " ".join(text.split())
    if not raw:
        return None, None
    tag = None
    try:
        if langcodes.tag_is_valid(raw):
            tag = langcodes.standardize_tag(raw, macro=True)
    except ValueError:
        tag = None
    if tag is None:
        try:
            tag = langcodes.standardize_tag(langcodes.find(raw).to_tag(), macro=True)
        except (LookupError, ValueError):
            tag = None
    if tag is not None and langcodes.Language.get(tag).is_valid() and tag not in ("und", "zxx", "mul"):
        return tag, None
    return None, _closest(raw, _language_names())


def base_language(tag: str) -> str:
    """The language of a tag without its region or script: 'en-US' -> 'en' (what a filter offers)."""
    try:
        return langcodes.Language.get(tag).language or tag
    except (LookupError, ValueError):
        return tag


def language_name(tag: str) -> str:
    """The English name of a tag: 'es' -> 'Spanish', 'pt-BR' -> 'Portuguese (Brazil)'."""
    try:
        return langcodes.Language.get(tag).display_name()
    except (LookupError, ValueError):
        return tag


def country_code(text: str) -> tuple[str | None, str | None]:
    """(ISO 3166-1 alpha-2 code, None) for a code or name ('de', 'DEU', 'Germany', 'Deutschland').

    Else (None, a close country name or None).
    """
    raw = " ".join(text.split())
    if not raw:
        return None, None
    names = _country_names()
    code = raw.upper()
    if len(code) == 3 and code in _ALPHA3:
        code = _ALPHA3[code]
    if len(code) == 2 and code.isalpha():
        code = langcodes.Language.get(langcodes.standardize_tag(f"und-{code}")).territory or code  # UK -> GB
        if code in names:
            return code, None
    try:
        found = name_to_code("territory", raw)
    except (LookupError, ValueError):
        found = None
    if found is None:  # accents left out ("Espana"): compare folded names
        found = _folded_countries().get(_fold(raw))
    if found in names:
        return found, None
    return None, _closest(raw, sorted(names.values()))


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


# Region subtags that are not places a person lives in.
_NOT_COUNTRIES = frozenset({"AA", "EZ", "QO", "UN", "ZZ", "XA", "XB"})  # EU: rosters say it
# The few alpha-3 codes rosters use; the rest are written as names or alpha-2 codes.
_ALPHA3 = {"USA": "US", "GBR": "GB", "DEU": "DE", "FRA": "FR", "ESP": "ES", "ITA": "IT", "NLD": "NL",
           "CAN": "CA", "AUS": "AU", "IND": "IN", "BRA": "BR", "MEX": "MX", "NGA": "NG", "KEN": "KE",
           "ZAF": "ZA", "CHN": "CN", "JPN": "JP", "KOR": "KR", "POL": "PL", "PRT": "PT", "CHE": "CH",
           "AUT": "AT", "BEL": "BE", "SWE": "SE", "NOR": "NO", "DNK": "DK", "FIN": "FI", "IRL": "IE",
           "ARG": "AR", "COL": "CO", "CHL": "CL", "PER": "PE", "EGY": "EG", "GHA": "GH", "UGA": "UG",
           "TZA": "TZ", "PAK": "PK", "BGD": "BD", "IDN": "ID", "PHL": "PH", "VNM": "VN", "THA": "TH",
           "TUR": "TR", "UKR": "UA", "RUS": "RU", "ISR": "IL", "ARE": "AE", "SAU": "SA", "NZL": "NZ"}


@lru_cache(maxsize=1)
def _folded_countries() -> dict[str, str]:
    return {_fold(name): code for code, name in _country_names().items()}


@lru_cache(maxsize=1)
def _language_names() -> list[str]:
    """English names of the languages with a two-letter code: what a suggestion is taken from."""
    names = set()
    for a in string.ascii_lowercase:
        for b in string.ascii_lowercase:
            lang = langcodes.Language.get(a + b)
            if lang.is_valid():
                name = lang.display_name()
                if not name.startswith("Unknown"):
                    names.add(name)
    return sorted(names)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def _closest(text: str, choices: list[str]) -> str | None:
    folded = {_fold(c): c for c in choices}
    close = difflib.get_close_matches(_fold(text), list(folded), n=1, cutoff=0.75)
    return folded[close[0]] if close else None


__all__ = ["base_language", "country_code", "country_name", "language_name", "language_tag"]
