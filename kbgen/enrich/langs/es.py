"""Spanish: the words of a mentoring conversation in Spanish (Spain and Latin America).

Written by hand where no library has them: what speech is full of ("pues", "o sea", "vale"),
how advice is given ("deberías", "te recomiendo", "asegúrate de", "lo mejor es", "no olvides"),
imperatives in tú and usted ("pide", "pida", "pídele"), small talk, first-person stories and
arranging the next call. Stopwords are YAKE's list plus conversational ones; stems are Snowball's.
Lists are written with accents; look-ups fold them, so "tambien" is "también".
"""

from __future__ import annotations

import re

from . import LanguagePack, SpokenEmail, advice_patterns, pattern, phraseset, snowball, wordset, yake_stopwords

WORD = re.compile(r"[^\W_]+")
STEM = snowball("spanish")

STOPWORDS = wordset(
    """
    yo tú tu tus te ti contigo conmigo usted ustedes vosotros vosotras os vos él ella ellos ellas nosotros
    nosotras le les lo los la las me mi mis nos se su sus nuestro nuestra vuestro vuestra suyo suya mío mía
    este esta esto estos estas ese esa eso esos esas aquel aquella aquello aquí allí ahí acá allá
    un una unos unas el del al a ante bajo con contra de desde durante en entre hacia hasta mediante para
    por según sin sobre tras y e o u ni pero sino aunque porque pues que qué quien quién quienes cual cuál
    cuales como cómo cuando cuándo donde dónde adonde cuanto cuánto cuánta si sí no ya muy más menos tan
    tanto también tampoco solo sólo siempre nunca jamás todo toda todos todas nada algo alguien nadie
    otro otra otros otras mismo misma cada vez veces
    es son era eran fue fueron ser sido siendo sea sean soy eres somos estar está están estoy estás estamos
    estaba estaban estado he has ha hemos han había habías habían haber hay haya habrá habría
    tengo tienes tiene tenemos tienen tener tenía tuve tuvo hago haces hace hacemos hacen hacer hice hizo
    voy vas va vamos van ir iba fui puedo puedes puede podemos pueden poder podía pude quiero quieres quiere
    queremos quieren querer sé sabes sabe sabemos saben saber creo crees cree creemos digo dices dice
    decimos dicen decir dije dijo parece parecía
    mucho mucha muchos muchas poco poca pocos pocas bastante demasiado luego entonces después antes ahora
    hoy ayer aún todavía así bien mal mejor peor casi quizás quizá igual incluso además señor señora don doña
    """
) | yake_stopwords("es")

FILLERS = wordset(
    """
    eh ehh em emm mm mmm hm hmm ah ay oh uh bueno pues vale venga vaya claro osea digamos tipo sí no okay ok
    oye mira mire ya genial perfecto estupendo gracias hola adiós chao chau porfa acuerdo exacto exactamente
    verdad cierto obvio obviamente básicamente literalmente realmente totalmente sinceramente honestamente
    fenomenal guay chévere bacán dale órale ándale sabes entiendes
    """
)

FILLER_PHRASES = phraseset(
    ["o sea", "es decir", "la verdad", "por favor", "de acuerdo", "muchas gracias", "mil gracias", "tiene sentido",
     "me parece", "no sé", "a ver", "en plan", "sabes qué", "me entiendes", "qué tal", "de nada", "por supuesto",
     "claro que sí", "yo creo", "creo que", "la verdad es que"],
    WORD,
)

#: Words too general to be a key phrase on their own; and the stand-ins of redaction ("[phone]", "[email]").
GENERIC = wordset(
    """
    hoy mañana ayer semana semanas mes meses año años día días tiempo vez veces minuto minutos hora horas
    momento momentos pregunta preguntas respuesta respuestas gente persona personas idea ideas punto puntos
    parte partes caso casos ejemplo ejemplos problema problemas tema temas cosa cosas forma formas manera
    maneras algo nada todo pronto luego
    phone email link name
    """
)

# -- cues ---------------------------------------------------------------------------------------

#: Imperatives of advice, tú and usted ("pide"/"pida"), and the negative ones ("no firmes").
#: Left out: forms that are mostly other words ("sé" I know, "cree" believes, "viaje" trip, "nota").
IMPERATIVE_VERBS = wordset(
    """
    pide pida pregunta pregunte prepara prepare practica practique busca busque habla hable escribe escriba
    anota anote apunta apunte agradece agradezca explica explique di diga haz haga pon ponga ten tenga ve
    vaya ven venga sal salga lleva lleve llama llame manda mande envía envíe revisa revise compara compare
    investiga investigue negocia negocie acepta acepte rechaza rechace evita evite empieza empiece comienza
    comience termina termine deja deje guarda guarde usa use aprovecha aproveche elige elija decide decida
    define defina piensa piense recuerda recuerde confirma confirme consulta consulte intenta intente trata
    trate cuida cuide descansa descanse duerme duerma delega delegue prioriza priorice organiza organice
    planifica planifique planea planee mide mida documenta documente comparte comparta muestra muestre
    presenta presente ofrece ofrezca propón proponga sugiere sugiera escucha escuche aprende aprenda lee lea
    estudia estudie ensaya ensaye repite repita mantén mantenga sigue siga cambia cambie actualiza actualice
    contacta contacte conecta conecte une únete únase asiste asista solicita solicite exige exija reclama
    reclame calcula calcule fija fije marca marque agenda agende reserva reserve cancela cancele respira
    respire relaja relaje toma tome da quita quite añade añada incluye incluya asegura asegure acuerda
    acuerde calma calme informa informe atrévete atrévase concentra concentre enfoca enfoque centra centre
    valora valore celebra celebre reconoce reconozca aclara aclare cuenta cuente demuestra demuestre destaca
    destaque resume resuma cuantifica cuantifique valida valide verifica verifique comprueba compruebe
    prueba pruebe construye construya diseña diseñe publica publique contesta conteste responde responda
    espera espere camina camine come bebe beba abre abra cierra cierre apaga apague silencia silencie
    desconecta desconecte bloquea bloquee limita limite reduce reduzca aumenta aumente sube suba invierte
    invierta ahorra ahorre paga pague cobra cobre firma firme graba grabe visita visite entrena entrene
    mira mire fíjate fíjese pídele pregúntale prepárate asegúrate acuérdate tómate dale dile hazlo
    insiste insista plantea plantee expón exponga cuestiona cuestione anticipa anticipe olvida olvide
    aceptes firmes digas hagas olvides pongas vayas dejes esperes compares preocupes rindas tengas pidas
    mandes envíes respondas contestes regales subestimes menosprecies asumas des uses trabajes compartas
    mientas abandones cedas renuncies quedes pierdas gastes ignores temas aceptéis firméis olvidéis
    """
)
#: Pronouns fused to an imperative ("pídele", "dímelo"), longer ones first.
CLITICS = ("les", "los", "las", "nos", "me", "te", "se", "le", "lo", "la")
PRONOUNS = wordset("me te se le les lo los la las nos os")

ADVICE = advice_patterns((
    (1.0, r"deberías|debería usted|debes|tienes que|hay que|te conviene|le conviene|necesitas"),
    (1.0, r"te (?:recomiendo|recomendaría|sugiero|sugeriría|aconsejo|aconsejaría|propongo)|"
          r"le (?:recomiendo|recomendaría|sugiero|aconsejo)|yo (?:recomiendo|sugiero|aconsejo)"),
    (1.0, r"mi (?:consejo|recomendación|sugerencia|regla)"),
    (1.0, r"asegúrate de|asegúrese de|no olvides|no se olvide|no te olvides|acuérdate de|recuerda que|"
          r"intenta|procura|trata de|vale la pena|merece la pena"),
    (1.0, r"lo (?:mejor|más importante|ideal|clave) es|la clave (?:es|está)|el (?:truco|secreto) (?:es|está)|"
          r"es (?:mejor|importante|clave|fundamental|buena idea)|mejor (?:que|no)"),
    (1.0, r"yo que tú|yo en tu lugar|si yo fuera tú|en tu lugar|lo que yo haría|"
          r"yo (?:empezaría|haría|pediría|preguntaría)"),
    (0.8, r"podrías \w+|puedes (?:probar|intentar)"),
    (0.8, r"(?:^|[,;:]\s*|\by\s+)(?:nunca|jamás|siempre|evita|evite)"),
    (0.5, r"puedes \w+|en vez de|en lugar de|así (?:podrás|puedes)|tiene que"),
    (0.3, r"nunca|siempre"),
))

SMALL_TALK = pattern(
    r"^(?:\W*(?:y|bueno|pues|vale|ah|oh|eh|sí|claro|genial|perfecto|estupendo|muy bien)\b[\s,.!¡]*)*"
    r"(?:hola|buenos días|buenas tardes|buenas noches|buenas|qué tal|cómo estás|cómo está|encantad[oa]|"
    r"mucho gusto|gracias|muchas gracias|mil gracias|de nada|no hay de qué|un placer|hasta luego|hasta pronto|"
    r"hasta la próxima|nos vemos|adiós|chao|chau|cuídate|que te vaya bien|me oyes|me escuchas|se me oye|"
    r"estás en silencio|tiene sentido|entendido|de acuerdo|me (?:ha|has) ayudado|me ayuda mucho|qué bien)\b"
)
INTRODUCTION = pattern(r"^\W*(?i:(?:hola|buenas)\W+)?(?i:soy|me llamo|mi nombre es)\s+[A-Z][a-z]+\b", flags=0)
# Spanish drops the subject: first-person verbs open a story as much as "yo" does.
NARRATIVE = pattern(
    r"^(?:\W*(?:y|pero|bueno|pues|vale|mira|la verdad|sinceramente|eh|em)\b[\s,]*)*"
    r"(?:yo|me|mi|mis|nosotros|nosotras|nuestro|nuestra|tengo|estoy|soy|he|hice|fui|estaba|tenía|quiero|"
    r"creo|siento|llevo|trabajo|acabo|preparo|voy)\b"
)
ADVISING_I = pattern(
    r"^\W*(?:\w+,?\s+){0,2}(?:yo\s+)?(?:te |le )?(?:recomiendo|recomendaría|sugiero|sugeriría|aconsejo|aconsejaría)"
)
LOGISTICS = pattern(
    r"\b(?:llámame|escríbeme|mándame|envíame|pásame|avísame|llámeme|escríbame|mándeme|envíeme|avíseme)\b|"
    r"\bmi (?:número|teléfono|móvil|celular|correo|email|e-mail|mail|dirección|calendario|agenda|oficina)\b|"
    r"\b(?:el|mi) número es\b|@|https?://|\d{3}[-. )]+\d{2,4}|"
    r"\b(?:nuestra próxima|la próxima|la siguiente) (?:sesión|llamada|reunión)\b"
)
CONDITION = pattern(
    r"\W*(?:\w+\W+){0,2}?(?:si|cuando|antes de|después de|una vez que|mientras|hasta que|en cuanto)\b[^,;:]*[,;:]\s*"
)
ASIDE = pattern(r",?\s*(?:y\s+)?(?:de verdad|en serio|sinceramente|la verdad|si puedes|si es posible)\s*,")

# -- summary and takeaways ------------------------------------------------------------------------

SUMMARY_LEADING = pattern(
    r"^(?:(?:eh|em|mm+|ah|oh|bueno|pues|vale|claro|ok|okay)\b[\s,.;:!-]*|"
    r"(?:sí|y|pero|entonces|luego|además|mira|oye|o sea|la verdad|primero|segundo|finalmente|también),\s*|"
    r"(?:y|pero|entonces|y entonces|y luego)\s+(?=\w))+"
)
TAKEAWAY_LEADING = pattern(
    r"^(?:(?:vale|bueno|pues|ok|okay|y|pero|entonces|además|también|luego|y luego|y entonces|eh|em|"
    r"por favor|simplemente|solo|sinceramente)\b[\s,.;:!-]*|"
    r"(?:sí|mira|oye|mire|ahora|primero|segundo|tercero|finalmente|por último|lo primero|o sea),\s*)+"
)
TAKEAWAY_TRAILING = pattern(r"(?:,\s*(?:sabes|vale|eh|digo yo|creo yo))+(?=[.!]?$)")
CLAUSE = pattern(r"(?:[;:]|\s[-\u2013\u2014]|,)\s+|\s+(?=(?:porque|para que|y luego|pero|mientras|aunque)\b)")
FIRST_PERSON = pattern(r"\b(?:yo|me|mi|mis|conmigo)\b(?! (?:recomiendo|sugiero|aconsejo))")
CONTRAST = pattern(
    r",\s*(?:y\s+|pero\s+)?no\b|\ben (?:vez|lugar) de\b|\bantes que\b|"
    r"\bprimero,?\s*\w+(?:\s+\w+)?\s+(?:después|luego)\b"
)
PRONOUN = pattern(r"\b(?:eso|esto|ello|aquello)\b")

# -- redaction ------------------------------------------------------------------------------------

SPOKEN_EMAIL = SpokenEmail(
    words={"guion bajo": "_", "barra baja": "_", "punto": ".", "guion": "-"},
    at="arroba",
    dot="punto",
    local="punto|guion bajo|barra baja|guion",
    marks="punto|arroba",
    cue=pattern(r"\b(?:correo|e-?mail|mail|dirección|escríbeme|escribe|escríbele|contacto|contactar|mándame|"
                r"envíame|manda|envía|mensaje)\b"),
    not_local=wordset("yo tú él ella nosotros ellos que en trabajo empresa equipo"),
    tlds=r"com|org|net|edu|gob|gov|io|co|es|mx|ar|cl|pe|uy|ve|ec|bo|py|cr|do|gt|hn|ni|pa|sv|cu|pr|us|info|dev|app|me|ai",
    providers=frozenset({"terra", "telefonica", "movistar", "prodigy"}),
)

#: Inside a key phrase or a title these mean it runs across a clause.
INNER_STOP = wordset("es son era fue ser estar están ha han hay yo tú ella nosotros ellos me te se le les nos que "
                       "qué cómo quién cuál dónde cuándo un una")

PACK = LanguagePack(
    code="es",
    part="Parte {n}",
    word=WORD,
    stem=STEM,
    stopwords=STOPWORDS,
    fillers=FILLERS,
    filler_phrases=FILLER_PHRASES,
    generic=GENERIC,
    phrase_breaks=INNER_STOP,
    yake="es",
    token=re.compile(r"[^\W_]+|[,;:.!?]"),
    imperative_verbs=IMPERATIVE_VERBS,
    clitics=CLITICS,
    polite_subjects=wordset("usted ustedes"),
    negations=wordset("no nunca jamás tampoco siempre"),
    pre_verb_pronouns=PRONOUNS,
    subject_of=wordset("es son era fue están será sería puede pueden debe ha han había hay va van yo ella"),
    lead_ins=wordset(
        "y entonces luego después pero también además así primero segundo tercero finalmente bueno pues vale oye "
        "ahora simplemente solo quizás quizá por favor porfa"
    ),
    advice=ADVICE,
    small_talk=SMALL_TALK,
    introduction=INTRODUCTION,
    narrative=NARRATIVE,
    advising_i=ADVISING_I,
    you_words=wordset("tú tu tus te ti contigo usted ustedes vosotros vosotras os vuestro vuestra"),
    logistics=LOGISTICS,
    condition=CONDITION,
    so_clause=r",\s*(?:asi que|entonces|por eso)|;",
    aside=ASIDE,
    abbreviations=wordset("sr sra srta dr dra lic ing prof etc ej pág núm no tel aprox dpto av"),
    number_abbreviations=wordset("no núm"),
    summary_leading=SUMMARY_LEADING,
    takeaway_leading=TAKEAWAY_LEADING,
    takeaway_trailing=TAKEAWAY_TRAILING,
    clause=CLAUSE,
    first_person=FIRST_PERSON,
    contrast=CONTRAST,
    pronoun=PRONOUN,
    inner_stop=INNER_STOP,
    numbers=wordset("cero uno una dos tres cuatro cinco seis siete ocho nueve diez once doce quince veinte treinta "
                    "cuarenta cincuenta cien ciento mil primero primera segundo segunda tercero tercera último "
                    "última próximo próxima varios varias pocos"),
    weak_title_endings=("mente",),
    term_word=WORD,
    term_form=STEM,
    numbers_said="es",
    spoken_email=SPOKEN_EMAIL,
    phone_regions=("ES", "MX"),
    phone_cue=pattern(r"\b(?:teléfono|tel|móvil|celular|llámame|llama|llamar|llámeme|whats ?app|número|contacto|"
                      r"marca|marcar)\b[^.?!\n\x00]{0,30}$"),
)
