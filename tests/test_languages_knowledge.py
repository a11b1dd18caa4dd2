"""Knowledge in the session's language: Spanish, French, German and Portuguese conversations.

Each dialogue is a short mentoring session as native speakers would hold it: greetings, the
mentee's situation and questions, the mentor's advice, small talk, a phone number and an
e-mail address said aloud. Every check is run twice: in the session's language it must hold,
and with the session taken for English it must not (the check can fail, and the language is
what makes it pass). English itself is unchanged (the older test files cover it as it was).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import replace

import pytest

from kbgen.config import KbgenConfig, RedactConfig, TopicDef
from kbgen.enrich import key_phrases, pack, summarize
from kbgen.enrich.chapters import chapters
from kbgen.enrich.cues import advice_strength, is_question, is_small_talk
from kbgen.enrich.langs import NEUTRAL
from kbgen.enrich.takeaways import takeaways
from kbgen.enrich.topics import Taxonomy, tag_topics, topic_hits
from kbgen.knowledge import build_docs
from kbgen.models import Segment, Session, Transcript
from kbgen.redact import redact_transcript

LANGUAGES = ("es", "fr", "de", "pt")

DIALOGUES: dict[str, list[tuple[str, str]]] = {
    # Negotiating a first salary (Spain).
    "es": [
        ("Mentee", "Hola, Lucía, ¿qué tal? Gracias por hacer un hueco hoy."),
        ("Mentor", "Hola, Diego. Encantada, para eso estamos. ¿Cómo va todo?"),
        ("Mentee", "Pues bien, aunque un poco nervioso. Me han ofrecido un puesto de analista de datos en una empresa "
                   "de logística, pero el salario es más bajo de lo que esperaba."),
        ("Mentee", "¿Crees que puedo negociar sin que retiren la oferta?"),
        ("Mentor", "Claro que sí. Una negociación no es una pelea, es una conversación entre dos partes que quieren "
                   "llegar a un acuerdo."),
        ("Mentor", "Primero, investiga el rango salarial del puesto en tu ciudad y habla con gente que haga un "
                   "trabajo parecido."),
        ("Mentor", "Luego pide una cifra concreta, un poco por encima de lo que quieres cobrar."),
        ("Mentee", "¿Y si me dicen que el presupuesto está cerrado?"),
        ("Mentor", "Entonces negocia otras cosas: días de vacaciones, formación o teletrabajo."),
        ("Mentor", "Te recomiendo que agradezcas la oferta antes de hablar de dinero, eso siempre ayuda."),
        ("Mentor", "Y no aceptes la primera propuesta en la misma llamada; pide un par de días para pensarlo."),
        ("Mentee", "Vale, tiene sentido. La verdad es que nunca he negociado un salario."),
        ("Mentor", "Es normal. Asegúrate de tener la contraoferta por escrito antes de firmar nada."),
        ("Mentee", "Perfecto. ¿Te puedo llamar después de la entrevista final?"),
        ("Mentor", "Sí, claro. Mi móvil es seis cinco cero, uno dos tres, cuatro cinco seis."),
        ("Mentor", "Y si prefieres, escríbeme a lucia punto garcia arroba gmail punto com."),
        ("Mentee", "Genial, muchas gracias, Lucía. Hasta pronto."),
        ("Mentor", "Hasta pronto, Diego, y mucha suerte con la negociación."),
    ],
    # Preparing a job interview (France).
    "fr": [
        ("Mentee", "Bonjour Claire, merci de prendre le temps aujourd'hui."),
        ("Mentor", "Avec plaisir, Julien. Alors, comment ça se passe de ton côté ?"),
        ("Mentee", "Ben, j'ai enfin décroché un entretien chez un éditeur de logiciels à Lyon, mais honnêtement je "
                   "stresse un peu."),
        ("Mentee", "Comment je peux me préparer aux questions du recruteur ?"),
        ("Mentor", "D'abord, relis l'offre d'emploi et note les trois compétences qu'ils mettent en avant."),
        ("Mentor", "Ensuite, prépare deux ou trois exemples concrets de projets où tu as utilisé ces compétences."),
        ("Mentee", "Et si on me demande mes points faibles ?"),
        ("Mentor", "Choisis un vrai point faible, mais montre ce que tu fais déjà pour progresser."),
        ("Mentor", "Je te conseille aussi de t'entraîner à voix haute, avec un ami ou devant une caméra."),
        ("Mentee", "D'accord, ça marche."),
        ("Mentor", "Et surtout, ne critique jamais ton ancien employeur pendant l'entretien."),
        ("Mentee", "Est-ce que je dois poser des questions à la fin ?"),
        ("Mentor", "Oui, il faut toujours arriver avec deux ou trois questions sur l'équipe et sur le poste."),
        ("Mentee", "Super, merci beaucoup. Je peux te tenir au courant après l'entretien ?"),
        ("Mentor", "Bien sûr. Appelle-moi au zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit."),
        ("Mentor", "Ou écris-moi à claire point martin arobase orange point fr."),
        ("Mentee", "Parfait. Bonne soirée, Claire !"),
        ("Mentor", "Bonne soirée, et bonne chance pour ton entretien !"),
    ],
    # A new team lead learning to give feedback (Germany, formal "Sie").
    "de": [
        ("Mentee", "Hallo Frau Weber, schön, Sie zu sehen."),
        ("Mentor", "Hallo Jonas, freut mich auch. Wie läuft es im neuen Job?"),
        ("Mentee", "Ehrlich gesagt ist es nicht so einfach. Ich leite seit zwei Monaten ein kleines Team, und es "
                   "fällt mir schwer, Feedback zu geben."),
        ("Mentee", "Wie spreche ich Probleme an, ohne dass sich jemand angegriffen fühlt?"),
        ("Mentor", "Fangen Sie immer mit einer konkreten Situation an, nicht mit der Person."),
        ("Mentor", "Beschreiben Sie, was passiert ist, und welche Wirkung das auf das Team hatte."),
        ("Mentee", "Und was mache ich, wenn sich jemand verteidigt?"),
        ("Mentor", "Hören Sie zuerst zu und stellen Sie offene Fragen."),
        ("Mentor", "Ich empfehle Ihnen außerdem, Feedback zeitnah zu geben und nicht bis zum Jahresgespräch zu "
                   "warten."),
        ("Mentee", "Das macht Sinn."),
        ("Mentee", "Soll ich auch loben, oder nur kritisieren?"),
        ("Mentor", "Unbedingt auch loben, und zwar genauso konkret wie bei der Kritik."),
        ("Mentor", "Vergessen Sie nicht, sich nach jedem Gespräch kurze Notizen zu machen."),
        ("Mentee", "Gute Idee. Darf ich Sie anrufen, wenn es schwierig wird?"),
        ("Mentor", "Natürlich. Meine Nummer ist null eins sieben sechs, zwei drei vier, fünf sechs sieben acht."),
        ("Mentor", "Oder schreiben Sie mir an petra punkt weber at web punkt de."),
        ("Mentee", "Vielen Dank, Frau Weber. Bis zum nächsten Mal!"),
        ("Mentor", "Bis bald, Jonas, und viel Erfolg mit Ihrem Team."),
    ],
    # From accounting to data: a career change (Brazil).
    "pt": [
        ("Mentee", "Oi, Beatriz, tudo bem? Obrigado por conversar comigo hoje."),
        ("Mentor", "Oi, Rafael, tudo ótimo. Me conta, como estão as coisas?"),
        ("Mentee", "Então, eu trabalho há seis anos com contabilidade, mas quero fazer uma transição de carreira para "
                   "a área de dados."),
        ("Mentee", "Por onde eu começo sem largar o meu emprego atual?"),
        ("Mentor", "Primeiro, faça um curso curto de SQL e de análise de dados, à noite ou nos fins de semana."),
        ("Mentor", "Depois, procure um projeto na sua própria empresa em que você possa usar esses dados."),
        ("Mentee", "E se eu não tiver experiência nenhuma para colocar no currículo?"),
        ("Mentor", "Monte um portfólio simples com dois ou três projetos e publique tudo no GitHub."),
        ("Mentor", "Eu recomendo também conversar com analistas de dados para entender o dia a dia da profissão."),
        ("Mentee", "Faz sentido, obrigado."),
        ("Mentor", "E não se esqueça de destacar a sua experiência em contabilidade, porque isso é um diferencial na "
                   "transição de carreira."),
        ("Mentee", "Você acha que eu preciso de um mestrado?"),
        ("Mentor", "Não necessariamente; o mais importante é mostrar resultados concretos nos seus projetos."),
        ("Mentee", "Legal. Posso te mandar o meu portfólio quando estiver pronto?"),
        ("Mentor", "Claro, me manda no e-mail bia ponto souza arroba gmail ponto com."),
        ("Mentor", "Ou me liga no nove um dois três quatro, cinco seis sete oito."),
        ("Mentee", "Combinado, muito obrigado, Beatriz!"),
        ("Mentor", "De nada, Rafael. Boa sorte nessa nova fase!"),
    ],
}

#: What each dialogue should give: the advice the mentor gave, what is no advice and no summary
#: point (questions, greetings, contact details), the personal data said aloud, the words a key
#: phrase must never be, a phrase the key phrases should hold, and the topic with what names it.
EXPECTED = {
    "es": {
        "advice": [
            "investiga el rango salarial del puesto en tu ciudad",
            "pide una cifra concreta",
            "negocia otras cosas",
            "te recomiendo que agradezcas la oferta",
            "no aceptes la primera propuesta",
            "asegúrate de tener la contraoferta por escrito",
        ],
        "chatter": ["¿qué tal?", "gracias por hacer un hueco", "¿crees que puedo negociar", "hasta pronto",
                    "mi móvil es", "escríbeme", "tiene sentido"],
        "said": ["seis cinco cero, uno dos tres, cuatro cinco seis", "lucia punto garcia arroba gmail punto com"],
        "not_phrases": ["que", "pues", "también", "una", "por", "para", "hola", "gracias", "vale", "claro", "qué",
                        "cómo", "tal", "hasta", "pronto", "muy"],
        "phrases": ["salario", "negociación", "oferta"],
        "topic": ("negotiation", ["negociar", "negociación", "salario", "contraoferta"]),
    },
    "fr": {
        "advice": [
            "relis l'offre d'emploi",
            "prépare deux ou trois exemples concrets",
            "choisis un vrai point faible",
            "je te conseille aussi de t'entraîner à voix haute",
            "ne critique jamais ton ancien employeur",
            "il faut toujours arriver avec deux ou trois questions",
        ],
        "chatter": ["merci de prendre le temps", "comment ça se passe", "comment je peux me préparer",
                    "d'accord, ça marche", "appelle-moi", "écris-moi", "bonne soirée"],
        "said": ["zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit",
                 "claire point martin arobase orange point fr"],
        "not_phrases": ["alors", "avec", "bonjour", "merci", "bien", "ben", "est", "les", "des", "une", "pour",
                        "donc", "bonne", "aujourd", "hui", "mes", "trois"],
        "phrases": ["entretien", "compétences", "point faible"],
        "topic": ("interviews", ["entretien", "recruteur"]),
    },
    "de": {
        "advice": [
            "fangen sie immer mit einer konkreten situation an",
            "beschreiben sie, was passiert ist",
            "hören sie zuerst zu und stellen sie offene fragen",
            "ich empfehle ihnen außerdem, feedback zeitnah zu geben",
            "unbedingt auch loben",
            "vergessen sie nicht, sich nach jedem gespräch kurze notizen zu machen",
        ],
        "chatter": ["schön, sie zu sehen", "wie läuft es", "wie spreche ich probleme an", "das macht sinn",
                    "gute idee", "meine nummer ist", "bis bald"],
        "said": ["null eins sieben sechs, zwei drei vier, fünf sechs sieben acht",
                 "petra punkt weber at web punkt de"],
        "not_phrases": ["genau", "und", "sie", "ich", "hallo", "nicht", "auch", "frau", "das", "bis", "mit", "zum"],
        "phrases": ["feedback", "team", "konkreten situation"],
        "topic": ("feedback", ["feedback", "kritik", "jahresgespräch"]),
    },
    "pt": {
        "advice": [
            "faça um curso curto de sql",
            "procure um projeto na sua própria empresa",
            "monte um portfólio simples",
            "eu recomendo também conversar com analistas de dados",
            "não se esqueça de destacar a sua experiência",
            "o mais importante é mostrar resultados concretos",
        ],
        "chatter": ["tudo bem?", "obrigado por conversar", "por onde eu começo", "faz sentido", "me manda no e-mail",
                    "me liga", "boa sorte"],
        "said": ["nove um dois três quatro, cinco seis sete oito", "bia ponto souza arroba gmail ponto com"],
        "not_phrases": ["também", "tudo", "para", "obrigado", "comigo", "hoje", "bem", "oi", "que", "com", "não",
                        "né", "então"],
        "phrases": ["transição de carreira", "dados", "contabilidade"],
        "topic": ("career-change", ["transição de carreira", "área de dados"]),
    },
}

TOPICS = [
    TopicDef(id="negotiation", label="Negotiation", synonyms={
        "en": ["salary", "counter offer"], "es": ["negociación", "salario", "contraoferta"],
        "pt": ["negociação", "salário", "contraproposta"]}),
    TopicDef(id="interviews", label="Interviews", synonyms={
        "en": ["interview", "recruiter"], "fr": ["entretien", "recruteur", "entretien d'embauche"]}),
    TopicDef(id="feedback", label="Feedback", synonyms={"de": ["Rückmeldung", "Kritik", "Jahresgespräch"]}),
    TopicDef(id="career-change", label="Career change", synonyms={
        "en": ["career change", "switch careers"], "pt": ["transição de carreira", "área de dados"]}),
]


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def said(lang: str) -> Transcript:
    """The dialogue as a transcript: one segment per turn, about 0.4 s a word."""
    segments, t = [], 0.0
    for speaker, text in DIALOGUES[lang]:
        duration = max(2.0, 0.4 * len(text.split()))
        segments.append(Segment(round(t, 3), round(t + duration, 3), text, speaker))
        t += duration + 0.5
    return Transcript(tuple(segments), lang, round(t, 3))


def redacted(lang: str, language: str) -> Transcript:
    """The dialogue redacted as a session in ``language`` (knowledge is made from this)."""
    return redact_transcript(said(lang), RedactConfig(), language=language).transcript


def _in_any(text: str, needles: list[str]) -> bool:
    folded = _fold(text)
    return any(_fold(n) in folded for n in needles)


# -- what must hold, as lists of problems (empty: it holds) ---------------------------------------


def phrase_problems(lang: str, language: str) -> list[str]:
    phrases = key_phrases(redacted(lang, language).text, 8, language)
    problems = [f"no key phrases ({language})"] if not phrases else []
    banned = {_fold(w) for w in EXPECTED[lang]["not_phrases"]}
    for phrase in phrases:
        problems += [f"{phrase!r} holds {w!r}" for w in re.findall(r"\w+", _fold(phrase)) if w in banned]
        if not _in_any(said(lang).text, [phrase.split()[0]]):
            problems.append(f"{phrase!r} is no word of the transcript")
    if not any(p in phrases for p in EXPECTED[lang]["phrases"]):
        problems.append(f"none of {EXPECTED[lang]['phrases']} in {phrases}")
    return problems


def takeaway_problems(lang: str, language: str) -> list[str]:
    found = takeaways(redacted(lang, language), 5, mentor_speakers=["Mentor"], language=language)
    problems = [f"{len(found)} takeaways, expected 5"] if len(found) != 5 else []
    for t in found:
        if not _in_any(t, EXPECTED[lang]["advice"]):
            problems.append(f"not advice: {t!r}")
        if _in_any(t, EXPECTED[lang]["chatter"]) or t.rstrip().endswith("?"):
            problems.append(f"a question or small talk: {t!r}")
    return problems


def summary_problems(lang: str, language: str) -> list[str]:
    t = redacted(lang, language)
    picked = summarize(t.segments, 3, mentor_speakers=["Mentor"], language=language)
    problems = [f"{len(picked)} summary sentences"] if len(picked) != 3 else []
    for sentence in picked:
        if _in_any(sentence, EXPECTED[lang]["chatter"]) or "[" in sentence:
            problems.append(f"small talk, a question or contact details: {sentence!r}")
        if not _in_any(t.text, [sentence.rstrip(".!")[1:40]]):
            problems.append(f"not a sentence of the session: {sentence!r}")
    return problems


def chapter_problems(lang: str, language: str) -> list[str]:
    found = chapters(redacted(lang, language), language=language)
    p = pack(lang)
    transcript_words = {_fold(w) for w in p.words(said(lang).text)}
    problems = [f"{len(found)} chapters"] if len(found) < 2 else []
    for c in found:
        words = p.words(c.title)
        if not words or re.fullmatch(r"(?:Parte|Partie|Teil|Part) \d+", c.title):
            problems.append(f"no title: {c.title!r}")
            continue
        if any(_fold(w) not in transcript_words for w in words):
            problems.append(f"{c.title!r} is not words of the session")
        for w in (words[0], words[-1]):
            if p.fold(w) in p.stopwords or p.fold(w) in p.fillers:
                problems.append(f"{c.title!r} starts or ends with {w!r}")
    return problems


def redaction_problems(lang: str, language: str) -> list[str]:
    result = redact_transcript(said(lang), RedactConfig(), language=language)
    problems = [f"{needle!r} left in" for needle in EXPECTED[lang]["said"] if needle in result.transcript.text]
    if result.counts.get("phone") != 1 or result.counts.get("email") != 1:
        problems.append(f"counts {result.counts}")
    return problems


def topic_problems(lang: str, language: str) -> list[str]:
    topic, names = EXPECTED[lang]["topic"]
    t = redacted(lang, language)
    tags = tag_topics(t, Taxonomy.build(TOPICS), language=language)
    tag = next((x for x in tags if x.id == topic), None)
    if tag is None:
        return [f"{topic} not tagged: {[x.id for x in tags]}"]
    problems = [] if tag.evidence else ["no evidence"]
    starts = {s.start: s.text for s in t.segments}
    for e in tag.evidence:
        if e.start not in starts or e.text not in starts[e.start]:
            problems.append(f"evidence {e} is not where it was said")
    if not any(_in_any(e.text, [n[:6] for n in names]) for e in tag.evidence):
        problems.append(f"evidence {tag.evidence} names none of {names}")
    return problems


CHECKS = {
    "key phrases": phrase_problems,
    "takeaways": takeaway_problems,
    "summary": summary_problems,
    "chapters": chapter_problems,
    "redaction": redaction_problems,
    "topics": topic_problems,
}


@pytest.mark.parametrize("check", list(CHECKS))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_knowledge_in_the_sessions_language(lang, check):
    """Each check holds in the session's language and fails when the session is taken for English."""
    assert CHECKS[check](lang, lang) == []
    assert CHECKS[check](lang, "en") != []


def test_a_regional_tag_takes_its_languages_pack():
    assert pack("es-MX") is pack("es") and pack("pt_BR") is pack("pt") and pack("de-AT") is pack("de")
    assert pack("en-GB") is pack("en") and pack("ja") is NEUTRAL and pack("") is NEUTRAL
    t = redacted("es", "es-MX")
    assert takeaways(t, 5, mentor_speakers=["Mentor"], language="es-MX") == takeaways(
        t, 5, mentor_speakers=["Mentor"], language="es")


def test_evidence_for_spanish_negotiation_names_the_stems_that_met():
    """"negociar", "negociación" and "salario" meet the synonyms: the evidence is what was said, and when."""
    t = redacted("es", "es")
    (tag,) = [x for x in tag_topics(t, Taxonomy.build(TOPICS), language="es") if x.id == "negotiation"]
    texts = [e.text for e in tag.evidence]
    assert texts == ["salario", "negociar", "negociación"]
    assert [e.start for e in tag.evidence] == sorted(e.start for e in tag.evidence)
    assert "¿Crees que puedo negociar" in next(s.text for s in t.segments if s.start == tag.evidence[1].start)


def test_synonyms_of_one_language_are_not_matched_in_another():
    """A Spanish synonym never tags a Portuguese or English session, nor an English one a Spanish session."""
    taxonomy = Taxonomy.build([TopicDef(id="negotiation", label="Negociación laboral", synonyms={
        "es": ["salario", "contraoferta"], "en": ["negociar"]})])
    t = said("es")
    hits = topic_hits(t, taxonomy, language="es")["hits"]
    assert hits["negotiation"][1] == 2  # "salario" and "contraoferta"; never the English list's "negociar"
    assert topic_hits(t, taxonomy, language="pt")["hits"] == {}


def test_a_list_of_synonyms_is_every_languages():
    """Synonyms as a list match in every language, as before; as a mapping by language they are the
    same for English sessions when given under ``en``."""
    as_list = Taxonomy.build([TopicDef(id="negotiation", label="Negotiation", synonyms=["salary", "counter offer"])])
    by_language = Taxonomy.build([TopicDef(id="negotiation", label="Negotiation",
                                           synonyms={"en": ["salary", "counter offer"]})])
    english = Transcript((Segment(0.0, 5.0, "They made a counter offer and a salary band came up."),
                          Segment(5.0, 9.0, "Negotiation is a conversation, and the salary is one part.")), "en", 9.0)
    assert tag_topics(english, as_list) == tag_topics(english, by_language)
    assert topic_hits(said("es"), as_list, language="es")["hits"] == {}  # no English word said in Spanish
    spanish = Transcript((Segment(0.0, 4.0, "Hablamos del salary y de la counter offer."),), "es", 4.0)
    assert topic_hits(spanish, as_list, language="es")["hits"]["negotiation"][0] == 2
    assert topic_hits(spanish, by_language, language="es")["hits"] == {}


def test_synonyms_by_language_are_validated():
    with pytest.raises(ValueError, match="'Spansh!' is not a known language"):
        TopicDef(id="negotiation", label="Negotiation", synonyms={"Spansh!": ["salario"]})
    assert TopicDef(id="n", label="N", synonyms={"pt_BR": ["salário"]}).synonyms == {"pt-BR": ["salário"]}
    # keys are read as the roster's languages are: a name, any case; one language's lists meet
    assert TopicDef(id="n", label="N", synonyms={"Spanish": ["salario"], "ES": ["sueldo"]}).synonyms == {
        "es": ["salario", "sueldo"]}


def test_a_language_without_a_pack_gets_no_english_lists():
    """Japanese has no pack: no English stopwords or cues; questions by their mark. Redaction keeps
    English's rules in every language (people switch languages; a detection can be wrong)."""
    assert is_question("お元気ですか？", "ja") and is_question("Is it?", "ja")
    assert advice_strength("You should always ask for the offer in writing.", "ja") == 0.0
    assert advice_strength("You should always ask for the offer in writing.", "en") > 1.0
    assert not is_small_talk("Thanks so much, talk soon, the salary offer is good.", "ja")
    phrases = key_phrases("The offer and the salary of the offer and the salary.", 5, "ja")
    assert any(w in {"the", "and", "of"} for p in phrases for w in p.split())  # no English stopwords dropped
    text = "Call me at five five five, zero one nine two."
    result = redact_transcript(Transcript((Segment(0.0, 3.0, text),), "ja", 3.0), RedactConfig(), language="ja")
    assert result.transcript.text == "Call me at [phone]."


def test_english_results_do_not_depend_on_other_languages():
    """English is English with or without a region, and by default."""
    t = Transcript((Segment(0.0, 4.0, "Hi Sam, thanks for making time.", "Mentee"),
                    Segment(4.0, 9.0, "I got an offer but the salary is lower than I hoped.", "Mentee"),
                    Segment(9.0, 15.0, "Ask for the offer in writing and never accept on the first call.", "Mentor"),
                    Segment(15.0, 21.0, "Research the salary band for the role, then name a number.", "Mentor")),
                   "en", 21.0)
    default = (takeaways(t, 3), summarize(t.segments, 3), key_phrases(t.text, 5))
    assert default == (takeaways(t, 3, language="en-US"), summarize(t.segments, 3, language="en-GB"),
                       key_phrases(t.text, 5, "en"))
    assert default[0] == ("Ask for the offer in writing and never accept on the first call.",
                          "Research the salary band for the role, then name a number.")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_build_docs_makes_each_sessions_knowledge_in_its_language(lang, tmp_path):
    """The knowledge stage passes each session's language (the sidecar's, else the transcript's) to
    every step, and keys its cache by it: the same transcript as an English session gets English results."""
    config = KbgenConfig.model_validate({"topics": [t.model_dump() for t in TOPICS]})
    session = Session(id=f"s-{lang}", title="Mentoring", date=dt.date(2026, 3, 2), mentors=(), topics=(),
                      visibility="public", consent=True)
    transcript = said(lang)
    docs, _ = build_docs(config, [session], {session.id: transcript}, [], cache_dir=tmp_path)
    doc = docs[0]
    assert doc.language == lang
    assert EXPECTED[lang]["topic"][0] in [t.id for t in doc.enrichment.topics]
    assert doc.enrichment.takeaways and all(_in_any(t, EXPECTED[lang]["advice"]) for t in doc.enrichment.takeaways)
    assert dict(doc.redactions) == {"email": 1, "phone": 1}
    assert not any(needle in doc.transcript.text for needle in EXPECTED[lang]["said"])
    # The sidecar says English: the same transcript, cached under the other language, is not reused.
    english = replace(session, language="en")
    again, _ = build_docs(config, [english], {session.id: transcript}, [], cache_dir=tmp_path)
    assert again[0].language == "en"
    assert again[0].enrichment.takeaways == () and again[0].redactions == ()
    assert doc.enrichment.key_phrases != again[0].enrichment.key_phrases
