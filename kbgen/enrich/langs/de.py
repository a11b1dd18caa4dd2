"""German: the words of a mentoring conversation in German.

Written by hand where no library has them: what speech is full of ("äh", "halt", "genau"),
how advice is given ("du solltest", "ich empfehle", "denk daran", "am besten", "an deiner Stelle"),
imperatives in du and Sie ("frag", "fragen Sie"), small talk, first-person stories and arranging
the next call. Stopwords are YAKE's list plus conversational ones; stems are Snowball's. Every noun
is capitalised in German, so capitals tell no names and chapter titles keep them as written.
"""

from __future__ import annotations

import re

from . import LanguagePack, SpokenEmail, advice_patterns, pattern, phraseset, snowball, wordset, yake_stopwords

WORD = re.compile(r"[^\W_]+")
STEM = snowball("german")

STOPWORDS = wordset(
    """
    ich du er sie es wir ihr mich dich sich uns euch mir dir ihm ihn ihnen mein meine meinen meinem meiner
    dein deine deinen deinem deiner sein seine seinen seinem seiner ihre ihren ihrem ihrer unser unsere
    unseren euer eure der die das den dem des ein eine einen einem einer eines und oder aber denn sondern
    doch ja nein nicht kein keine keinen keinem keiner auch noch schon nur sehr so wie als wenn weil dass
    ob bei mit von vom zu zum zur für auf an in im am aus nach über unter vor durch um ohne gegen bis ist
    sind war waren bin bist seid habe hast hat haben hatte hatten wird werden wurde wurden kann kannst können
    muss musst müssen soll sollst sollen sollte solltest sollten will willst wollen mag möchte möchtest darf
    dürfen mal halt eben eigentlich also dann da hier dort jetzt heute immer nie oft manchmal etwas nichts
    alles viel viele mehr weniger man dies diese dieser dieses diesen jeder jede jedes was wer wo wann warum
    wieso weshalb welche welcher welches würde würdest würden gibt geht gut ganz gerade einfach wirklich
    frau herr herrn sehen geben machen gehen kommen sagen lassen nehmen finden
    """
) | yake_stopwords("de")

FILLERS = wordset(
    """
    äh ähm öh hm hmm mhm ja jo jap nee nein ok okay genau also naja na gut klar super toll prima danke bitte
    hallo tschüss servus moin eigentlich halt eben irgendwie sozusagen quasi wirklich echt total voll
    ehrlich natürlich stimmt absolut freut
    """
)

FILLER_PHRASES = phraseset(
    ["weißt du", "wissen Sie", "ich meine", "ich glaube", "ich denke", "keine Ahnung", "vielen Dank",
     "danke schön", "macht Sinn", "das macht Sinn", "alles klar", "na ja", "im Prinzip", "sag mal", "gute Idee"],
    WORD,
)

#: Words too general to be a key phrase on their own; and the stand-ins of redaction ("[phone]", "[email]").
GENERIC = wordset(
    """
    heute morgen gestern woche wochen monat monate monaten jahr jahre jahren tag tage tagen zeit mal minute
    minuten stunde stunden moment frage fragen antwort antworten leute person personen mensch menschen idee
    ideen punkt punkte teil teile beispiel beispiele problem probleme thema themen sache sachen ding dinge
    art weise fall fälle
    phone email link name
    """
)

# -- cues ---------------------------------------------------------------------------------------

#: Imperatives of advice in du ("frag", "frage", "bereite ... vor"). The polite form is the
#: infinitive before "Sie" ("Fragen Sie"), taken from the word order (``polite_subjects``).
IMPERATIVE_VERBS = wordset(
    """
    frag frage bereite sag sage schreib schreibe nimm mach mache geh gehe hör höre sprich lies schau sieh
    denk denke vergiss merk merke überleg überlege prüf prüfe vergleich vergleiche such suche recherchier
    recherchiere verhandle verhandel akzeptier akzeptiere lehn lehne unterschreib unterschreibe bedank
    bedanke erklär erkläre zeig zeige schlag schlage stell stelle nutz nutze benutz benutze wähl wähle
    entscheide definier definiere setz setze plan plane organisier organisiere priorisier priorisiere
    delegier delegiere miss dokumentier dokumentiere teil teile lern lerne üb übe wiederhol wiederhole
    bleib bleibe änder ändere kontaktier kontaktiere meld melde bewirb beantrag beantrage forder fordere
    rechne berechne reservier reserviere blockier blockiere atme ruh schlaf trink iss begrenz begrenze
    reduzier reduziere erhöh erhöhe versuch versuche beginn beginne fang fange vermeid vermeide achte acht
    sorg sorge pass konzentrier konzentriere vertrau vertraue gib lass lasse ruf rufe schick schicke sende
    antworte warte beschreib beschreibe lob lobe kritisier kritisiere formulier formuliere notier notiere
    bring bringe hol hole nenn nenne verlang verlange trau traue zögere zögre erzähl erzähle hinterfrag
    hinterfrage investier investiere spar spare gönn gönne
    """
)

ADVICE = advice_patterns((
    (1.0, r"(?:du|sie) (?:solltest|sollten|musst|müssen)|solltest du|sollten sie|musst du|müssen sie"),
    (1.0, r"ich (?:würde )?(?:empfehle|empfehlen|rate|raten|schlage vor|würde vorschlagen)|"
          r"mein (?:rat|tipp|vorschlag)|meine (?:empfehlung|regel)"),
    (1.0, r"denk(?:e|en sie)? (?:daran|dran)|vergiss nicht|vergessen sie nicht|achte darauf|achten sie darauf|"
          r"sorg(?:e|en sie)? dafür|stell(?:e|en sie)? sicher|versuch(?:e|en sie)? (?:mal|doch|es)"),
    (1.0, r"am besten|es lohnt sich|wichtig ist|das wichtigste ist|der (?:trick|schlüssel) ist|"
          r"es ist (?:wichtig|besser|sinnvoll|hilfreich)|es hilft"),
    (1.0, r"an deiner stelle|an ihrer stelle|wenn ich du wäre|wenn ich sie wäre|ich (?:würde|hätte) (?:zuerst|erst)"),
    (0.8, r"(?:du|sie) (?:kannst|können|könntest|könnten) (?:auch |ruhig |einfach |gern )?\w+"),
    (0.8, r"(?:^|[,;:]\s*|\bund\s+)(?:nie|niemals|immer|vermeide|vermeiden sie|unbedingt)"),
    (0.5, r"statt|anstatt|lieber \w+ als"),
    (0.3, r"nie|immer"),
))

SMALL_TALK = pattern(
    r"^(?:\W*(?:also|und|ja|ok|okay|gut|na|super|prima|toll|genau)\b[\s,.!]*)*"
    r"(?:hallo|hi|guten (?:morgen|tag|abend)|servus|moin|grüß gott|schön,? (?:dich|sie|euch) zu sehen|freut mich|"
    r"danke|vielen dank|dankeschön|bitte(?:schön)?|gern geschehen|kein problem|tschüss|auf wiedersehen|"
    r"bis (?:bald|dann|später|zum nächsten mal)|mach's gut|machen sie's gut|wie geht(?:'s| es)|"
    r"hörst du mich|hören sie mich|das macht sinn|macht sinn|verstanden|alles klar|klingt gut|gute idee|"
    r"das hilft|das war (?:sehr |wirklich )?hilfreich)\b"
)
# A name after "ich bin" (nouns are capitalised too: "Ich bin Teamleiterin" also reads as one).
INTRODUCTION = pattern(r"^\W*(?i:(?:hallo|hi)\W+)?(?i:ich bin|ich heiße|mein name ist)\s+[A-Z][a-z]+\b[.!,]", flags=0)
# German puts the verb second: "Dann plane ich..." is a first-person statement too.
NARRATIVE = pattern(
    r"^(?:\W*(?:also|und|aber|naja|ja|ehrlich gesagt|eigentlich|ähm|äh)\b[\s,]*)*"
    r"(?:(?:ich|mein|meine|meinen|meinem|mir|mich|wir|unser|unsere)\b|\w+\s+(?:ich|wir)\b)"
)
ADVISING_I = pattern(
    r"^\W*(?:\w+,?\s+){0,2}ich (?:würde )?(?:empfehle|empfehlen|rate|raten|schlage|vorschlagen)"
)
LOGISTICS = pattern(
    r"\b(?:ruf|rufen sie|schreib|schreiben sie|schick|schicken sie|sende|senden sie|sag|sagen sie|gib|"
    r"geben sie|erzähl|erzählen sie|melde dich|melden sie sich)\s+(?:mir|mich|bei mir)\b|"
    r"\bgib mir bescheid\b|\bgeben sie mir bescheid\b|"
    r"\bmeine (?:nummer|handynummer|telefonnummer|e-mail|mail|adresse)\b|\bmein (?:handy|telefon|kalender|büro)\b|"
    r"@|https?://|\d{3,4}[-. /]+\d{3,}|\b(?:unsere|die) nächste (?:sitzung|session|besprechung|stunde)\b|"
    r"\bunser nächster termin\b"
)
CONDITION = pattern(
    r"\W*(?:\w+\W+){0,2}?(?:wenn|falls|sobald|bevor|nachdem|während|solange)\b[^,;:]*[,;:]\s*"
)
ASIDE = pattern(r",?\s*(?:und\s+)?(?:ehrlich gesagt|im ernst|wirklich|wenn möglich|wenn du kannst|wenn sie können)\s*,")

# -- summary and takeaways ------------------------------------------------------------------------

SUMMARY_LEADING = pattern(
    r"^(?:(?:äh|ähm|öh|hm+|ja|ok|okay|na|naja|gut)\b[\s,.;:!-]*|"
    r"(?:und|aber|also|naja|ja|gut|schau|hör zu|jetzt|dann|erstens|zweitens|schließlich|übrigens|genau),\s*|"
    r"(?:und|aber|also|dann|und dann|und also)\s+(?=\w))+"
)
TAKEAWAY_LEADING = pattern(
    r"^(?:(?:ja|ok|okay|also|und|aber|äh|ähm|dann|und dann|auch|einfach|bitte|ehrlich gesagt|naja|genau)\b"
    r"[\s,.;:!-]*|(?:schau|hör zu|hören sie|jetzt|erstens|zweitens|drittens|zuerst|schließlich|als erstes|"
    r"weißt du),\s*)+"
)
TAKEAWAY_TRAILING = pattern(r"(?:,\s*(?:weißt du|wissen sie|oder|ne|gell|ja|okay|finde ich|glaube ich))+(?=[.!]?$)")
CLAUSE = pattern(r"(?:[;:]|\s[-\u2013\u2014]|,)\s+|\s+(?=(?:weil|damit|und dann|aber|sondern|während)\b)")
FIRST_PERSON = pattern(r"\b(?:ich|mich|mir|mein|meine|meinen|meinem|meiner)\b(?! (?:empfehle|rate|würde empfehlen))")
CONTRAST = pattern(
    r",\s*(?:und\s+|aber\s+)?nicht\b|\bstatt\b|\banstatt\b|\bsondern\b|"
    r"\bzuerst,?\s*\w+(?:\s+\w+)?\s+(?:später|dann|danach)\b"
)
PRONOUN = pattern(r"\b(?:ihn|ihm|ihnen|dies|dieses|dasselbe)\b")

# -- redaction ------------------------------------------------------------------------------------

SPOKEN_EMAIL = SpokenEmail(
    words={"unterstrich": "_", "bindestrich": "-", "punkt": ".", "minus": "-"},
    at="at|ät|ett|klammeraffe",
    dot="punkt",
    local="punkt|unterstrich|bindestrich|minus",
    marks="punkt|at|ät|ett|klammeraffe",
    cue=pattern(r"\b(?:mail|e-mail|email|adresse|schreib|schreiben|schick|schicken|kontakt|erreichen|nachricht)\b"),
    not_local=wordset("ich du er sie es wir ihr arbeite arbeitete gearbeitet firma team war bin"),
    tlds=r"com|org|net|de|at|ch|eu|io|info|biz|dev|app|me|ai",
    providers=frozenset({"web", "gmx", "freenet", "posteo", "mailbox", "arcor"}),
)

#: Inside a key phrase or a title these mean it runs across a clause.
INNER_STOP = wordset("ist sind war waren sein hat haben ich du er sie es wir ihr man mir mich dir dich uns euch ihm "
                       "ihn was wie warum wer welche wo wann dass")

PACK = LanguagePack(
    code="de",
    part="Teil {n}",
    word=WORD,
    stem=STEM,
    stopwords=STOPWORDS,
    fillers=FILLERS,
    filler_phrases=FILLER_PHRASES,
    generic=GENERIC,
    phrase_breaks=INNER_STOP,
    yake="de",
    token=re.compile(r"[^\W_]+|[,;:.!?]"),
    imperative_verbs=IMPERATIVE_VERBS,
    polite_subjects=wordset("sie"),
    subject_of=wordset("ist sind war waren wird werden hat haben kann können muss müssen soll sollte ich du er es "
                       "wir ihr man"),
    lead_ins=wordset(
        "also dann und aber auch jetzt zuerst erstens zweitens drittens danach schließlich einfach bitte nur "
        "vielleicht doch ja ok okay gut na naja unbedingt"
    ),
    not_imperative_before={"sag": wordset("mal"), "warte": wordset("mal"), "schau": wordset("mal"),
                           "lass": wordset("uns"), "stell": wordset("dir"), "wissen": wordset("sie")},
    advice=ADVICE,
    small_talk=SMALL_TALK,
    introduction=INTRODUCTION,
    narrative=NARRATIVE,
    advising_i=ADVISING_I,
    you_words=wordset("du dich dir dein deine deinen deinem deiner sie ihnen ihr ihre ihren ihrem euch euer"),
    logistics=LOGISTICS,
    condition=CONDITION,
    so_clause=r",\s*(?:also|dann|deshalb|deswegen)|;",
    aside=ASIDE,
    abbreviations=wordset("z.b bzw usw ca dr prof hr fr nr tel evtl ggf inkl bspw d.h u.a etc vgl"),
    summary_leading=SUMMARY_LEADING,
    takeaway_leading=TAKEAWAY_LEADING,
    takeaway_trailing=TAKEAWAY_TRAILING,
    clause=CLAUSE,
    first_person=FIRST_PERSON,
    contrast=CONTRAST,
    pronoun=PRONOUN,
    inner_stop=INNER_STOP,
    numbers=wordset("null eins ein eine zwei drei vier fünf sechs sieben acht neun zehn elf zwölf fünfzehn zwanzig "
                    "dreißig vierzig fünfzig hundert tausend erste erster ersten zweite dritte letzte nächste "
                    "nächsten einige mehrere paar"),
    weak_title_endings=("lich", "weise"),
    capitalised_nouns=True,
    term_word=WORD,
    term_form=STEM,
    numbers_said="de",
    spoken_email=SPOKEN_EMAIL,
    phone_regions=("DE", "AT", "CH"),
    phone_cue=pattern(r"\b(?:telefon|tel|handy|mobil|nummer|telefonnummer|handynummer|ruf|rufen|anrufen|erreichst|"
                      r"erreichen|whats ?app|kontakt)\b[^.?!\n\x00]{0,30}$"),
)
