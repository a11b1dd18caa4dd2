"""Written personal data: e-mail addresses, phone numbers in digits, links that carry tokens."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from phonenumbers import Leniency, PhoneNumberMatcher

from ..enrich.langs import LanguagePack, pack
from .spans import BREAK, Span

# -- e-mail -------------------------------------------------------------------------------------

# A regex is the right tool here: an address has a fixed written shape. Also the usual
# obfuscations "jordan (at) example (dot) com" and "jordan [at] example [dot] com".
_LOCAL = r"[A-Za-z0-9](?:[A-Za-z0-9._%+-]*[A-Za-z0-9_%+-])?"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_EMAIL = re.compile(
    rf"(?<![\w.+%-])({_LOCAL})@((?:{_LABEL}\.)+[A-Za-z]{{2,24}})(?![\w-])"
    rf"|(?<![\w.+%-])({_LOCAL})\s*[\[(]\s*at\s*[\])]\s*({_LABEL}(?:\s*[\[(]\s*dot\s*[\])]\s*{_LABEL})+)(?![\w-])",
    re.IGNORECASE,
)


def find_emails(text: str) -> list[Span]:
    """Written e-mail addresses (and the bracketed "(at)"/"(dot)" forms)."""
    out = []
    for m in _EMAIL.finditer(text):
        if m.group(1):
            key = f"{m.group(1)}@{m.group(2)}"
        else:
            domain = re.sub(r"\s*[\[(]\s*dot\s*[\])]\s*", ".", m.group(4), flags=re.IGNORECASE)
            key = f"{m.group(3)}@{domain}"
        out.append(Span(m.start(), m.end(), "email", key.lower()))
    return out


# -- phone numbers in digits -------------------------------------------------------------------

# libphonenumber (the `phonenumbers` port; its `phonenumberslite` build, without the 40 MB of
# geocoding data we do not use) finds the candidates: it knows country codes, trunk
# prefixes, extensions and each region's number lengths. Its VALID leniency would miss the
# fictional ranges people use in examples and demos (US 555-01xx, UK 07700 900xxx), and POSSIBLE
# with region GB also takes years, versions and decimals ("2024", "3.10.4"), so candidates at
# POSSIBLE go through the shape checks below, which are ours.
_DATE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")
_IP = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_YEARS = re.compile(r"(?:1[89]|20)\d\d\s*[-–/]\s*(?:1[89]|20)?\d\d")
_DECIMAL = re.compile(r"\d+[.,]\d+")
# A bare run of digits is an order number or an id as often as a phone number: it needs a cue,
# in the session's language (its pack's ``phone_cue``: "call", "llámame", "appelle-moi").
_ENGLISH_REGIONS = ("US", "GB")


def _plausible(raw: str, region: str, before: str, cue: re.Pattern[str], fold) -> bool:
    digits = sum(c.isdigit() for c in raw)
    core = raw.split("ext")[0].split("x")[0].strip(" .,")
    if digits < 7 or digits > 17:
        return False
    if raw.startswith("+"):
        return True
    if _DATE.fullmatch(core) or _IP.fullmatch(core) or _YEARS.fullmatch(core) or _DECIMAL.fullmatch(core):
        return False
    groups = re.findall(r"\d+", core)
    if "." in core and sum(len(g) == 1 for g in groups) >= 2:
        return False  # a version number: 1.2.3.4567
    if not core.startswith(("0", "(")) and len(groups) > 1:
        if len(groups[0]) == 4:
            return False  # no national format opens with four digits but the UK's 0xxx: "2022 900" is a year
        if all(len(g) == 3 for g in groups[1:]):
            # thousands: "1 000 000", "250 000 000"; but "612 345 678" is also how Spain and Portugal
            # write their numbers: there, with a cue
            return region not in _ENGLISH_REGIONS and bool(cue.search(fold(before)))
    if region == "GB" and not re.match(r"\(?0", raw):
        # In GB we only take national numbers (trunk 0); other shapes come from the US pass or "+".
        return False
    if core.isdigit():
        if core.startswith("0") and len(core) in (10, 11):
            return True
        return bool(cue.search(fold(before)))
    return True


def find_phones(text: str, language: str | LanguagePack = "en") -> list[Span]:
    """Phone numbers written in digits: the national formats of the regions of ``language``'s pack
    (English: US and UK; Spanish: Spain and Mexico...) and any +country code."""
    p = pack(language)
    out: dict[tuple[int, int], Span] = {}
    for region in p.phone_regions:
        for m in PhoneNumberMatcher(text, region, leniency=Leniency.POSSIBLE, max_tries=1_000_000):
            if BREAK in m.raw_string:
                continue
            if not _plausible(m.raw_string, region, text[max(0, m.start - 60) : m.start], p.phone_cue, p.fold):
                continue
            national = str(m.number.national_number)
            out.setdefault((m.start, m.end), Span(m.start, m.end, "phone", national[-9:]))
    return list(out.values())


# -- links -------------------------------------------------------------------------------------

_TLDS = (
    "com|org|net|edu|gov|io|co|uk|us|ca|de|fr|nl|es|it|ie|au|nz|in|jp|dev|ai|app|me|info|biz|ly|gl|gg|to|tv|"
    "so|sh|xyz|tech|cloud|page|site|link|zoom|team|eu|ch|se|no|dk|fi|be|at|pl|br|mx|sg|hk|za"
)
_URL = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"'`\x00]+"
    rf"|\b(?:[A-Za-z0-9-]+\.)+(?:{_TLDS})/[^\s<>\"'`\x00]*",
    re.IGNORECASE,
)
#: Query (or fragment) parameters that carry a secret or a personal session.
TOKEN_PARAMS = frozenset(
    """token access_token refresh_token id_token auth auth_token authtoken key apikey api_key secret
    client_secret sig signature pwd password pass passwd passcode code session sessionid session_id sid
    jwt otp invite invite_code ticket hash x-amz-signature x-amz-credential x-goog-signature
    x-goog-credential""".split()
)
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def looks_random(value: str) -> bool:
    """True for a value that reads like a key or an id rather than words or a number."""
    if _UUID.search(value):
        return True
    for chunk in re.split(r"[-_.~/%+=]+", value):
        if len(chunk) >= 16 and re.fullmatch(r"[0-9a-f]+|[0-9A-F]+", chunk) and not chunk.isdigit():
            return True
        if len(chunk) < 12 or not re.fullmatch(r"[A-Za-z0-9]+", chunk):
            continue
        has_digit = any(c.isdigit() for c in chunk)
        has_alpha = any(c.isalpha() for c in chunk)
        switches = sum(a.isdigit() != b.isdigit() for a, b in zip(chunk, chunk[1:], strict=False))
        mixed_case = any(c.isupper() for c in chunk[1:]) and any(c.islower() for c in chunk)
        if has_digit and has_alpha and (switches >= 3 or mixed_case):
            return True
        if len(chunk) >= 20 and mixed_case and sum(c.isupper() for c in chunk) >= 4:
            return True
    return False


def _token_bearing(url: str, names: re.Pattern[str] | None, handles: tuple[str, ...]) -> bool:
    full = url if "://" in url else "https://" + url
    try:
        parts = urlsplit(full)
    except ValueError:
        return True  # a link too odd to parse is not worth publishing
    if parts.username or parts.password:
        return True
    for query in (parts.query, parts.fragment):
        for name, value in parse_qsl(query, keep_blank_values=True):
            if name.lower() in TOKEN_PARAMS and len(value) >= 6:
                return True
            if looks_random(value) or "@" in value:
                return True
    if any(looks_random(seg) for seg in parts.path.split("/") if seg):
        return True
    if names is not None and names.search(url):
        return True
    squashed = re.sub(r"[-_.~%+]", "", url.lower())
    return any(handle in squashed for handle in handles)


def _trim(url: str) -> str:
    """Drop the sentence punctuation a URL ends with in prose, keeping balanced brackets."""
    while url and url[-1] in ".,;:!?'\")]}>":
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def find_links(text: str, names: re.Pattern[str] | None = None, handles: tuple[str, ...] = ()) -> list[Span]:
    """Links whose query, fragment, path or user part carries a token, or which name a redacted person.

    ``names`` finds the listed names as words; ``handles`` are full names run together ("jordanlee"),
    as profile and booking links write them.
    """
    out = []
    for m in _URL.finditer(text):
        url = _trim(m.group(0))
        if "@" in url.split("/")[0] and "://" not in url:
            continue  # jordan@example.com/... is an address, not a link
        if _token_bearing(url, names, handles):
            key = url.lower().split("://")[-1].rstrip("/")
            out.append(Span(m.start(), m.start() + len(url), "link", key))
    return out
