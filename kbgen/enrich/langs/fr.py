"""French: the words of a mentoring conversation in French.

Written by hand where no library has them: what speech is full of ("euh", "du coup", "en fait"),
how advice is given ("tu devrais", "je te conseille", "il faut", "n'oublie pas", "le mieux, c'est"),
imperatives in tu and vous ("demande", "demandez", "renseigne-toi", "ne signe pas"), small talk,
first-person stories and arranging the next call. Stopwords are YAKE's list plus conversational
ones; stems are Snowball's. Words split at apostrophes and hyphens ("l'entretien": "l", "entretien").
"""

from __future__ import annotations

import re

from . import LanguagePack, SpokenEmail, advice_patterns, pattern, phraseset, snowball, wordset, yake_stopwords

WORD = re.compile(r"[^\W_]+")
STEM = snowball("french")

STOPWORDS = wordset(
    """
    je j me m moi tu t te toi il elle on nous vous ils elles le la les l un une des du de d à au aux en y
    ce c ça cela ceci cet cette ces mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs qui que qu
    quoi dont où et ou mais donc or ni car si s ne n pas plus jamais rien personne très trop peu beaucoup bien
    mal aussi encore déjà toujours souvent parfois est suis es sommes êtes sont était étais étaient été être
    ai as a avons avez ont avait avais avoir eu fait faire fais faisons faites font va vais vas allons allez
    vont aller peux peut pouvons pouvez peuvent pouvoir veux veut voulons voulez veulent vouloir dois doit
    devons devez doivent devoir sais sait savoir crois croit pense dis dit dire comme quand comment pourquoi
    combien alors puis ensuite après avant maintenant là ici voilà voici quelque quelqu chaque tout toute
    tous toutes même autre autres vraiment juste peut être monsieur madame mademoiselle bon bonne bons bonnes
    prendre mettre donner voir venir passer trouver rendre
    """
) | yake_stopwords("fr")

FILLERS = wordset(
    """
    euh heu hein ben bah bon ouais oui non ok okay accord voilà genre quoi enfin bref alors donc tiens ah oh
    eh hum mmh super génial parfait merci bonjour bonsoir salut coucou vraiment carrément franchement
    honnêtement clairement évidemment absolument exactement justement effectivement grave cool
    """
)

FILLER_PHRASES = phraseset(
    ["tu vois", "vous voyez", "tu sais", "vous savez", "je pense", "je crois", "en fait", "du coup",
     "c'est-à-dire", "en gros", "à mon avis", "s'il te plaît", "s'il vous plaît", "merci beaucoup", "ça marche",
     "pas de souci", "pas de problème", "c'est ça", "d'accord", "tout à fait", "bien sûr", "bonne soirée",
     "bonne journée", "bonne chance", "bonne continuation", "prendre le temps"],
    WORD,
)

#: Words too general to be a key phrase on their own; and the stand-ins of redaction ("[phone]", "[email]").
GENERIC = wordset(
    """
    aujourd hui demain hier semaine semaines mois an ans année années jour jours journée temps fois minute
    minutes heure heures moment question questions réponse réponses gens personne personnes idée idées point
    points partie parties cas exemple exemples problème problèmes sujet sujets chose choses truc trucs façon
    manière bientôt soirée journée chance
    phone email link name
    """
)

# -- cues ---------------------------------------------------------------------------------------

#: Imperatives of advice, in tu and vous ("demande", "demandez"); a negation before one ("ne signe
#: pas") is an instruction too. Hyphenated pronouns split off: "renseigne-toi" is "renseigne" "toi".
IMPERATIVE_VERBS = wordset(
    """
    demande demandez prépare préparez pose posez écris écrivez note notez fais faites dis dites mets mettez
    prends prenez garde gardez évite évitez commence commencez arrête arrêtez essaie essaye essayez pense
    pensez parle parlez appelle appelez envoie envoyez écoute écoutez regarde regardez lis lisez vérifie
    vérifiez compare comparez cherche cherchez renseigne renseignez informe informez négocie négociez accepte
    acceptez refuse refusez signe signez remercie remerciez explique expliquez montre montrez propose
    proposez présente présentez utilise utilisez profite profitez choisis choisissez décide décidez définis
    définissez fixe fixez planifie planifiez organise organisez priorise priorisez délègue déléguez mesure
    mesurez documente documentez partage partagez apprends apprenez entraîne entraînez répète répétez
    continue continuez change changez contacte contactez rejoins rejoignez inscris inscrivez participe
    participez sollicite sollicitez exige exigez calcule calculez réserve réservez bloque bloquez annule
    annulez respire respirez repose reposez dors dormez marche marchez bois buvez mange mangez coupe coupez
    limite limitez réduis réduisez augmente augmentez relance relancez rappelle rappelez souviens souvenez
    oublie oubliez assure assurez concentre concentrez prévois prévoyez anticipe anticipez valorise valorisez
    souligne soulignez chiffre chiffrez quantifie quantifiez liste listez teste testez valide validez
    construis construisez crée créez publie publiez réponds répondez attends attendez va allez viens venez
    sois soyez aie ayez laisse laissez lance lancez ose osez fonce foncez entoure entourez accorde accordez
    consacre consacrez relis relisez visite visitez trouve trouvez vise visez reste restez sors sortez ouvre
    ouvrez ferme fermez éteins éteignez désactive désactivez hésite hésitez insiste insistez mentionne
    mentionnez critique critiquez sous-estime sous-estimez
    """
)
PRONOUNS = wordset("te t le la les l lui leur me m se s y en nous vous")

ADVICE = advice_patterns((
    (1.0, r"tu (?:devrais|dois|as intérêt à)|vous (?:devriez|devez|avez intérêt à)|il (?:faut|faudrait)|"
          r"n'hésite(?:z)? pas"),
    (1.0, r"je (?:te |vous )?(?:recommande|conseille|suggère|propose|encourage|recommanderais|conseillerais)"),
    (1.0, r"mon (?:conseil|astuce)|ma (?:recommandation|règle|suggestion)"),
    (1.0, r"assure-toi|assurez-vous|veille à|veillez à|pense à|pensez à|n'oublie pas|n'oubliez pas|"
          r"souviens-toi|souvenez-vous|essaie de|essaye de|essayez de|tâche de"),
    (1.0, r"le (?:mieux|plus important|secret|truc),? c'est|la clé,? c'est|il est (?:important|essentiel|préférable|"
          r"utile|mieux) de|c'est (?:important|essentiel|mieux|préférable|utile) de|ça vaut le coup|"
          r"ça vaut la peine|mieux vaut|il vaut mieux"),
    (1.0, r"à ta place|à votre place|si j'étais toi|si j'étais vous|moi,? je (?:commencerais|ferais|demanderais)"),
    (0.8, r"tu (?:pourrais|peux toujours)|vous (?:pourriez|pouvez toujours)"),
    (0.8, r"(?:^|[,;:]\s*|\bet\s+)(?:ne jamais|jamais|toujours|évite|évitez)"),
    (0.5, r"tu peux \w+|vous pouvez \w+|au lieu de|plutôt que"),
    (0.3, r"jamais|toujours"),
))

SMALL_TALK = pattern(
    r"^(?:\W*(?:alors|et|bon|ben|oh|ah|ok|okay|oui|super|parfait|génial)\b[\s,.!]*)*"
    r"(?:bonjour|bonsoir|salut|coucou|enchanté|enchantée|ravi de|ravie de|merci|je vous en prie|de rien|"
    r"avec plaisir|au revoir|à bientôt|à la prochaine|à plus|bonne (?:journée|soirée|chance|continuation)|"
    r"comment (?:ça va|vas-tu|allez-vous)|ça va|tu m'entends|vous m'entendez|on m'entend|tu es en sourdine|"
    r"ça marche|d'accord|entendu|c'est noté|c'est clair|ça me parle|ça m'aide|c'est (?:très |vraiment )?utile)\b"
)
INTRODUCTION = pattern(r"^\W*(?i:(?:bonjour|salut)\W+)?(?i:je suis|je m'appelle|moi c'est|mon nom est)\s+[A-Z][a-z]+\b",
                       flags=0)
NARRATIVE = pattern(
    r"^(?:\W*(?:alors|et|mais|bon|ben|ouais|oui|honnêtement|franchement|euh|en fait)\b[\s,]*)*"
    r"(?:je|j'|moi|mon|ma|mes|nous|notre|nos)\b"
)
ADVISING_I = pattern(
    r"^\W*(?:\w+,?\s+){0,2}je (?:te |vous )?(?:recommande|conseille|suggère|propose|recommanderais|conseillerais)"
)
LOGISTICS = pattern(
    r"\b(?:appelle|appelez|écris|écrivez|envoie|envoyez|passe|passez|dis|dites|montre|montrez|rappelle|"
    r"rappelez)[- ]moi\b|\btiens-moi au courant\b|\btenez-moi au courant\b|"
    r"\bmon (?:numéro|portable|téléphone|mail|e-mail|email|adresse|agenda|calendrier|bureau)\b|"
    r"@|https?://|\b\d{2}[-. ]\d{2}[-. ]\d{2}\b|\b(?:notre|la) prochaine (?:séance|session|réunion|rencontre)\b"
)
CONDITION = pattern(
    r"\W*(?:\w+\W+){0,2}?(?:si|s'il|s'ils|quand|lorsque|avant de|avant que|après|dès que|une fois que|pendant que|"
    r"tant que)\b[^,;:]*[,;:]\s*"
)
ASIDE = pattern(r",?\s*(?:et\s+)?(?:je te le dis|franchement|sérieusement|vraiment|si tu peux|si possible)\s*,")

# -- summary and takeaways ------------------------------------------------------------------------

SUMMARY_LEADING = pattern(
    r"^(?:(?:euh|heu|ben|bah|bon|ouais|oui|ok|okay|ah|oh|hum)\b[\s,.;:!-]*|"
    r"(?:alors|donc|et|mais|bon|bref|enfin|en fait|du coup|tu vois|tu sais|écoute|écoutez|regarde|maintenant|"
    r"ensuite|puis|aussi|d'abord|premièrement|deuxièmement),\s*|(?:et|alors|donc|mais|puis|et puis|et donc)\s+(?=\w))+"
)
TAKEAWAY_LEADING = pattern(
    r"^(?:(?:ouais|oui|ok|okay|alors|donc|et|mais|euh|ben|bon|aussi|puis|et puis|et donc|du coup|bref|franchement|"
    r"honnêtement|juste|en fait)\b[\s,.;:!-]*|(?:écoute|écoutez|regarde|maintenant|d'abord|premièrement|"
    r"deuxièmement|ensuite|enfin|finalement|tu vois|tu sais),\s*)+"
)
TAKEAWAY_TRAILING = pattern(r"(?:,\s*(?:tu vois|vous voyez|tu sais|quoi|hein|je pense|je crois))+(?=[.!]?$)")
CLAUSE = pattern(r"(?:[;:]|\s[-\u2013\u2014]|,)\s+|\s+(?=(?:parce que|pour que|et puis|mais|pendant que)\b)")
FIRST_PERSON = pattern(r"\b(?:je|j|moi|mon|ma|mes|me|m)\b(?!'?\s*(?:te |vous )?(?:recommande|conseille|suggère))")
CONTRAST = pattern(
    r",\s*(?:et\s+|mais\s+)?pas\b|\bplutôt que\b|\bau lieu de\b|\bd'abord,?\s*\w+(?:\s+\w+)?\s+(?:ensuite|après)\b"
)
PRONOUN = pattern(r"\b(?:ça|cela|ceci)\b|-(?:le|la|les|lui|leur)\b")

# -- redaction ------------------------------------------------------------------------------------

SPOKEN_EMAIL = SpokenEmail(
    words={"tiret du bas": "_", "tiret bas": "_", "underscore": "_", "point": ".", "tiret": "-"},
    at="arobase|arrobase|at",
    dot="point",
    local="point|tiret du bas|tiret bas|underscore|tiret",
    marks="point|arobase|arrobase",
    cue=pattern(r"\b(?:mail|e-mail|email|courriel|adresse|écris-moi|écrivez-moi|écris|écrivez|contacte|contactez|"
                r"envoie|envoyez|message)\b"),
    not_local=wordset("je tu il elle on nous vous ils elles travaille travaillé chez boîte équipe"),
    tlds=r"com|org|net|fr|be|ch|ca|lu|eu|io|co|info|dev|app|me|ai",
    providers=frozenset({"orange", "wanadoo", "free", "sfr", "laposte", "bbox"}),
)

#: Inside a key phrase or a title these mean it runs across a clause.
INNER_STOP = wordset("est sont était être ont il elle ils elles je tu on nous vous me te se lui leur que qui quoi "
                       "comment pourquoi quand")

PACK = LanguagePack(
    code="fr",
    part="Partie {n}",
    word=WORD,
    stem=STEM,
    stopwords=STOPWORDS,
    fillers=FILLERS,
    filler_phrases=FILLER_PHRASES,
    generic=GENERIC,
    phrase_breaks=INNER_STOP,
    yake="fr",
    token=re.compile(r"[^\W_]+|[,;:.!?]"),
    imperative_verbs=IMPERATIVE_VERBS,
    negations=wordset("ne n"),
    pre_verb_pronouns=PRONOUNS,
    subject_of=wordset("est sont était ont va peut doit fait sera serait je tu il elle on nous vous ils elles"),
    lead_ins=wordset(
        "alors donc et puis ensuite après mais aussi d abord premièrement deuxièmement enfin bon ben bref "
        "maintenant juste simplement surtout"
    ),
    not_imperative_before={"dis": wordset("donc"), "tiens": wordset(", donc")},
    advice=ADVICE,
    small_talk=SMALL_TALK,
    introduction=INTRODUCTION,
    narrative=NARRATIVE,
    advising_i=ADVISING_I,
    you_words=wordset("tu te t toi ton ta tes vous votre vos"),
    logistics=LOGISTICS,
    condition=CONDITION,
    so_clause=r",\s*(?:donc|alors|du coup)|;",
    aside=ASIDE,
    abbreviations=wordset("m mme mlle dr pr etc ex cf env tél no p"),
    number_abbreviations=wordset("no p"),
    summary_leading=SUMMARY_LEADING,
    takeaway_leading=TAKEAWAY_LEADING,
    takeaway_trailing=TAKEAWAY_TRAILING,
    clause=CLAUSE,
    first_person=FIRST_PERSON,
    contrast=CONTRAST,
    pronoun=PRONOUN,
    inner_stop=INNER_STOP,
    numbers=wordset("zéro un une deux trois quatre cinq six sept huit neuf dix onze douze quinze vingt trente "
                    "quarante cinquante cent mille premier première deuxième second seconde troisième dernier "
                    "dernière prochain prochaine plusieurs quelques"),
    term_word=WORD,
    term_form=STEM,
    numbers_said="fr",
    spoken_email=SPOKEN_EMAIL,
    phone_regions=("FR", "BE", "CH"),
    phone_cue=pattern(r"\b(?:téléphone|tél|portable|mobile|appelle|appelez|appeler|numéro|joindre|whats ?app|"
                      r"contact)\b[^.?!\n\x00]{0,30}$"),
)
