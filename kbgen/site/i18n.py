"""kbgen's own words on pages, in the site's language: one gettext catalogue per language.

The site's language is Material's ``theme.language`` (mkdocs.yml). kbgen's words (headings,
labels, notes; the mentor directory's form in ``assets/directory.js``) are msgids in English,
marked with ``_()`` / ``ngettext()`` (``N_()`` where a word is only named, translated later) in the
templates, the Python code of this package and its JavaScript, and in ``kbgen/directory``'s code:
what the mentor directory says of a mentor (a status and its reason, the meeting formats, the
time zone bands), kept in English there (``kbgen match``'s report) and said in the site's
language when pages and ``mentors/directory.json`` are made. Country names come from Babel's CLDR
data (:func:`country_name`), not from a catalogue. Translations live in
``locale/<lang>/LC_MESSAGES/kbgen.po``, read with Babel and compiled in memory (no ``.mo`` file);
a language without a catalogue gets English.

Keeping the catalogues in step (Babel's command line, from the repository root; a new language
starts with ``pybabel init -l <lang>`` instead of ``update``)::

    pybabel extract -F kbgen/site/locale/babel.cfg -k N_ --no-wrap --omit-header -o kbgen/site/locale/kbgen.pot .
    pybabel update -i kbgen/site/locale/kbgen.pot -d kbgen/site/locale -D kbgen --no-wrap

``tests/test_site_languages.py`` extracts the msgids the same way (:func:`extract_messages`) and
fails on any without a Spanish translation.

JavaScript gets no catalogue of its own: a page that runs a script with kbgen's words carries
their translations as data (:func:`js_messages`), and the script falls back to the msgid.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from .text import md

PACKAGE = Path(__file__).parent
LOCALE_DIR = PACKAGE / "locale"
DOMAIN = "kbgen"
#: The language of the msgids.
SOURCE_LANGUAGE = "en"
#: Where kbgen's words are: Babel's extraction methods (paths relative to the kbgen package; the
#: same as ``locale/babel.cfg``).
METHODS = (("site/templates/**.j2", "jinja2.ext:babel_extract"), ("site/assets/**.js", "javascript"),
           ("site/**.py", "python"), ("directory/**.py", "python"))
#: The marking functions, as Babel's keyword specs.
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def N_(message: str) -> str:  # gettext's name for "mark only"
    """Marks a msgid for extraction where it is translated later (a nav title, a level)."""
    return message


@dataclass(frozen=True)
class Messages:
    """kbgen's words in one language: ``_()`` and ``ngettext()`` as gettext's, with ``%(name)s``
    variables filled in when given (a msgid with variables is always formatted, so it writes a
    literal percent sign as ``%%``)."""

    language: str  # the catalogue's language tag ("en" when the site's has none)
    translations: _gettext.NullTranslations
    digest: str = ""  # of the catalogue file: pages made with another version are made again

    def _(self, message: str, **variables: object) -> str:
        text = self.translations.gettext(message)
        return text % variables if variables else text

    gettext = _

    def ngettext(self, singular: str, plural: str, n: int, **variables: object) -> str:
        """The form for ``n``; ``%(num)s`` is ``n``."""
        return self.translations.ngettext(singular, plural, n) % {"num": n, **variables}

    @property
    def english(self) -> bool:
        return self.language == SOURCE_LANGUAGE

    def template_callables(self):
        """``gettext`` and ``ngettext`` for Jinja2's i18n extension, for Markdown templates: the
        translation is kbgen's own text (it may hold Markdown), each variable is Markdown-escaped
        unless it is already :class:`~markupsafe.Markup` (a link made in the template, or text
        escaped with ``|h`` for a raw HTML block)."""

        def fill(text: str, variables: Mapping[str, object]) -> Markup:
            if not variables:
                return Markup(text)
            return Markup(text) % {k: v if isinstance(v, Markup) else md(v) for k, v in variables.items()}

        def gettext(message: str, **variables: object) -> Markup:
            return fill(self.translations.gettext(message), variables)

        def ngettext(singular: str, plural: str, n: int, **variables: object) -> Markup:
            return fill(self.translations.ngettext(singular, plural, n), {"num": n, **variables})

        return gettext, ngettext


def catalogue_file(language: str) -> Path | None:
    """The catalogue for a BCP 47 tag: the tag's own ('pt-BR' as pt_BR), else its language's ('pt')."""
    tag = (language or "").strip().replace("_", "-")
    parts = tag.split("-")
    for name in dict.fromkeys(["_".join([parts[0].lower(), *parts[1:]]), parts[0].lower()]):
        file = LOCALE_DIR / name / "LC_MESSAGES" / f"{DOMAIN}.po"
        if name and file.is_file():
            return file
    return None


@functools.cache
def _catalogue(file: Path):
    from babel.messages.pofile import read_po

    with file.open("rb") as f:
        return read_po(f, domain=DOMAIN)


@functools.cache
def messages(language: str | None = None) -> Messages:
    """kbgen's words in ``language`` (a site's ``theme.language``); English where no catalogue has it."""
    from babel.messages.mofile import write_mo
    from babel.support import Translations

    file = catalogue_file(language or SOURCE_LANGUAGE) or catalogue_file(SOURCE_LANGUAGE)
    if file is None:  # no catalogue at all (a broken install): the msgids as they are
        return Messages(SOURCE_LANGUAGE, _gettext.NullTranslations())
    buffer = io.BytesIO()
    write_mo(buffer, _catalogue(file))  # fuzzy entries left out, as msgfmt does
    buffer.seek(0)
    return Messages(file.parent.parent.name.replace("_", "-"), Translations(buffer, domain=DOMAIN),
                    hashlib.sha256(file.read_bytes()).hexdigest())


def extract_messages() -> dict[str | tuple[str, ...], list[str]]:
    """Every msgid of kbgen's words (a tuple for a plural), with where it is ('site/templates/x.j2:3')."""
    from babel.messages.extract import extract_from_dir

    found: dict[str | tuple[str, ...], list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(PACKAGE.parent), method_map=list(METHODS), keywords=KEYWORDS, comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True):
        found.setdefault(message, []).append(f"{filename}:{lineno}")
    return found


@functools.cache
def _js_msgids(asset: str) -> tuple[str | tuple[str, ...], ...]:
    from babel.messages.extract import extract

    with (PACKAGE / "assets" / asset).open("rb") as f:
        return tuple(dict.fromkeys(message for _line, message, _comments, _context in
                                   extract("javascript", f, keywords=KEYWORDS)))


def js_messages(t: Messages, asset: str) -> dict | None:
    """The translations of the msgids of a script in ``assets/``, as the page gives them to it
    (JSON): ``{"lang": tag, "plural": {CLDR category: form index}, "messages": {msgid: text, or
    singular msgid: [forms]}}``; None in English (the script's msgids are the words).

    The script picks a plural form with the browser's ``Intl.PluralRules`` for ``lang``: the
    categories are mapped here to the catalogue's form indexes (gettext's plural expression)."""
    if t.english:
        return None
    from babel import Locale, UnknownLocaleError

    form_of = getattr(t.translations, "plural", lambda n: int(n != 1))  # gettext's plural expression
    try:
        category_of = Locale.parse(t.language.replace("-", "_")).plural_form
    except (ValueError, UnknownLocaleError):
        category_of = lambda n: "one" if n == 1 else "other"  # noqa: E731
    sample: dict[int, int] = {}  # form index -> a number that takes it
    plural: dict[str, int] = {}  # CLDR category -> form index
    for n in range(200):
        sample.setdefault(int(form_of(n)), n)
        plural.setdefault(category_of(n), int(form_of(n)))
    out: dict[str, object] = {}
    for msgid in _js_msgids(asset):
        if isinstance(msgid, tuple):
            out[msgid[0]] = [t.translations.ngettext(msgid[0], msgid[1], sample[i]) for i in sorted(sample)]
        else:
            out[msgid] = t.translations.gettext(msgid)
    return {"lang": t.language, "plural": plural, "messages": out}


def language_name(tag: str, t: Messages) -> str:
    """A language's name in the site's language: 'es' -> 'Spanish' (English), 'español' (Spanish)."""
    import langcodes

    try:
        return langcodes.Language.get(tag).display_name(t.language)
    except (LookupError, ValueError):
        return tag


def country_name(code: str, t: Messages) -> str:
    """A country's name in the site's language, from its ISO 3166-1 alpha-2 code: 'DE' -> 'Germany'
    (English: the roster's names, :func:`kbgen.directory.places.country_name`), 'Alemania' (Spanish,
    Babel's CLDR names); the English name where CLDR has none in the language."""
    from ..directory.places import country_name as english

    if t.english:
        return english(code)
    return _territories(t.language).get(code.upper()) or english(code)


@functools.cache
def _territories(language: str) -> Mapping[str, str]:
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(language.replace("-", "_")).territories
    except (ValueError, UnknownLocaleError):
        return {}
