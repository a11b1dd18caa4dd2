"""Redaction in the session's language: numbers and addresses said aloud, national phone formats.

Each personal datum is redacted in its language and left alone when the session is taken for
English (the language is what finds it); look-alikes (years, sums, counting, a website said
aloud) are kept in every language.
"""

from __future__ import annotations

import pytest

from kbgen.config import RedactConfig
from kbgen.models import Segment, Transcript, Word
from kbgen.redact import Redactor, redact_text, redact_transcript

MASK = RedactConfig()


def red(text: str, language: str) -> str:
    return redact_text(text, MASK, language=language)[0]


FOUND = [
    # numbers said one by one, in groups, in pairs, with text2num's compounds
    ("es", "Llámame al seis uno dos, treinta y cuatro, cincuenta y seis, setenta y ocho.", "Llámame al [phone]."),
    ("es", "Mi móvil es seis cinco cero uno dos tres cuatro cinco seis, apúntalo.", "Mi móvil es [phone], apúntalo."),
    ("fr", "Appelle-moi au zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit.",
     "Appelle-moi au [phone]."),
    ("de", "Ruf mich an unter null eins sieben sechs, eins zwei drei, vier fünf sechs sieben.",
     "Ruf mich an unter [phone]."),
    ("de", "Die Nummer ist null drei null, zwölf vierunddreißig sechsundfünfzig.", "Die Nummer ist [phone]."),
    ("pt", "Me liga no nove um dois três quatro, cinco seis sete oito.", "Me liga no [phone]."),
    # digits in the national formats of the language's regions (Spain, France, Germany, Brazil)
    ("es", "Mi número es 612 34 56 78.", "Mi número es [phone]."),
    ("es", "Mi móvil es el 612 345 678.", "Mi móvil es el [phone]."),
    ("de", "Meine Handynummer ist 0176 12345678.", "Meine Handynummer ist [phone]."),
    ("pt", "O meu celular é (11) 91234-5678.", "O meu celular é [phone]."),
    # addresses spelled out, accents and all
    ("es", "Escríbeme a ana punto garcía arroba gmail punto com.", "Escríbeme a [email]."),
    ("es", "Es ana guion bajo lopez arroba empresa punto es.", "Es [email]."),
    ("fr", "Écris à paul tiret bas durand arobase free point fr.", "Écris à [email]."),
    ("de", "Schreib an max punkt mustermann at gmx punkt de.", "Schreib an [email]."),
    ("pt", "Manda para joao ponto silva arroba uol ponto com ponto br.", "Manda para [email]."),
]


@pytest.mark.parametrize(("language", "said", "redacted"), FOUND)
def test_personal_data_said_in_the_sessions_language(language, said, redacted):
    assert red(said, language) == redacted
    assert red(said, "en") == said  # taken for English, nothing is found: the language finds it


def test_numbers_english_finds_too_are_found_in_every_language():
    """A national number with a trunk 0 reads as a UK one in English: still found, now as French."""
    said = "Mon numéro, c'est le 06 12 34 56 78."
    assert red(said, "fr") == red(said, "en") == "Mon numéro, c'est le [phone]."


KEPT = [
    ("es", "Nací en mil novecientos noventa y dos y tengo tres o cuatro ideas."),
    ("es", "Cobraba treinta mil, cuarenta mil, cincuenta mil euros."),
    ("es", "Trabajé en dos mil veinte, dos mil veintiuno y dos mil veintidós."),
    ("es", "Contamos uno, dos, tres, cuatro, cinco, seis, siete, ocho."),
    ("es", "El presupuesto es de 250 000 euros al año."),
    ("es", "La web es acme punto com."),
    ("fr", "Il y avait deux cents, trois cents, quatre cents personnes."),
    ("fr", "En deux mille vingt-deux et deux mille vingt-trois."),
    ("fr", "Le site est exemple point fr."),
    ("de", "Im Jahr zweitausendzwanzig und zweitausendeinundzwanzig."),
    ("de", "Das kostet dreihundert, vierhundert oder fünfhundert Euro."),
    ("de", "Die Seite ist beispiel punkt de."),
    ("pt", "Em dois mil e vinte e dois mil e vinte e um."),
    ("pt", "Custou trezentos, quatrocentos, quinhentos reais."),
    ("pt", "O site é exemplo ponto com."),
]


@pytest.mark.parametrize(("language", "said"), KEPT)
def test_look_alikes_are_kept(language, said):
    assert red(said, language) == said


@pytest.mark.parametrize(("language", "said", "redacted"), [
    ("en", "Call me on oh seven seven double nine, nine hundred one two three.", "Call me on [phone]."),
    ("es", "Llámame al oh seven seven double nine, nine hundred one two three.", "Llámame al [phone]."),
    ("de", "Write to jordan dot lee at gmail dot com.", "Write to [email]."),
    ("es", "Mi correo es ana at gmail dot com.", "Mi correo es [email]."),
    ("es", "Llámame al 020 7946 0958 en Londres.", "Llámame al [phone] en Londres."),
    ("fr", "Appelle-moi au (415) 555-0132.", "Appelle-moi au [phone]."),
])
def test_english_rules_run_in_every_language(language, said, redacted):
    """People switch languages mid-sentence, and a language can be detected wrongly: what English
    finds is found in a session of any language too (the review of issue 16 found these leaking)."""
    assert red(said, language) == redacted


def test_a_language_without_a_pack_gets_the_english_rules_only():
    said = "Mail ana@example.com or call +34 612 34 56 78. Or five five five zero one nine two."
    assert red(said, "ja") == "Mail [email] or call [phone]. Or [phone]."
    assert red("Llámame al seis cinco cero, uno dos tres, cuatro cinco seis.", "ja").endswith("cuatro cinco seis.")


def test_the_redactor_keeps_words_and_times_in_the_sessions_language():
    """A number said across a segment's words becomes one word: the transcript's words stay in step."""
    text = "Mi móvil es seis cinco cero, uno dos tres, cuatro cinco seis."
    words = tuple(Word(" " + w, 1.0 + i * 0.4, 1.3 + i * 0.4) for i, w in enumerate(text.split(" ")))
    t = Transcript((Segment(1.0, words[-1].end, text, "Mentor", words),), "es", 10.0)
    redactor = Redactor(MASK, language="es")
    out = redactor.transcript(t)
    seg = out.segments[0]
    assert seg.text == "Mi móvil es [phone]." and redactor.counts == {"phone": 1}
    assert "".join(w.text for w in seg.words).strip() == seg.text
    assert [w.text.strip() for w in seg.words][-1] == "[phone]."
    assert redact_transcript(t, MASK, language="en").transcript == t
