"""Portuguese: the words of a mentoring conversation in Portuguese (Brazil and Portugal).

Written by hand where no library has them: what speech is full of ("né", "tipo", "então"), how
advice is given ("você deveria", "eu recomendo", "certifique-se", "o melhor é", "não esqueça"),
imperatives in você and tu ("peça", "pede", "não aceite"), small talk, first-person stories and
arranging the next call. Stopwords are YAKE's list (less the content words it holds, such as
"trabalho") plus conversational ones; stems are Snowball's. Words split at hyphens
("certifique-se": "certifique", "se").
"""

from __future__ import annotations

import re

from . import LanguagePack, SpokenEmail, advice_patterns, pattern, phraseset, snowball, wordset, yake_stopwords

WORD = re.compile(r"[^\W_]+")
STEM = snowball("portuguese")

#: Content words in YAKE's Portuguese stopword list: a career conversation is about them.
YAKE_KEEP = "trabalho conselho sistema viagem apoio obra questão relação nível posição grupo área"

STOPWORDS = wordset(
    """
    eu tu você vocês ele ela nós eles elas me te se lhe lhes nos o a os as um uma uns umas de do da dos das
    em no na nos nas num numa por pelo pela pelos pelas para pra pro com sem sobre entre até e ou mas porque
    que quem qual quais como quando onde não sim já muito muita muitos muitas pouco pouca mais menos também
    só sempre nunca tudo todo toda todos todas nada algo alguém ninguém isso isto aquilo esse essa esses
    essas este esta estes estas aquele aquela é são era eram foi foram ser sendo sido estar está estão estou
    estava estavam tenho tens tem temos têm ter tinha faço faz fazemos fazem fazer fiz fez vou vais vai vamos
    vão ir ia posso pode podemos podem poder quero quer queremos querem querer sei sabe sabemos sabem saber
    acho acha achar digo diz dizer disse então depois antes agora hoje ontem aqui ali lá aí assim bem mal
    melhor pior cada vez vezes né tá seu sua seus suas meu minha meus minhas teu tua tiver tiverem estiver
    estiverem for forem fosse possa possam senhor senhora dona
    """
) | yake_stopwords("pt", keep=YAKE_KEEP.split())

FILLERS = wordset(
    """
    é eh hum hmm ah oh ok okay tá né pois bom então olha olhe tipo assim sabe entende cara pá pronto sim não
    claro certo exato exatamente ótimo perfeito legal beleza valeu obrigado obrigada oi olá tchau realmente
    basicamente literalmente totalmente honestamente obviamente enfim
    """
)

FILLER_PHRASES = phraseset(
    ["você sabe", "tipo assim", "quer dizer", "na verdade", "ou seja", "por favor", "muito obrigado",
     "muito obrigada", "faz sentido", "eu acho", "acho que", "sei lá", "de acordo", "com certeza", "tudo bem",
     "tudo bom"],
    WORD,
)

#: Words too general to be a key phrase on their own; and the stand-ins of redaction ("[phone]", "[email]").
GENERIC = wordset(
    """
    hoje amanhã ontem semana semanas mês meses ano anos dia dias tempo vez vezes minuto minutos hora horas
    momento pergunta perguntas resposta respostas gente pessoa pessoas ideia ideias ponto pontos parte partes
    caso casos exemplo exemplos problema problemas assunto assuntos tema temas coisa coisas forma formas
    maneira jeito breve logo
    phone email link name
    """
)

# -- cues ---------------------------------------------------------------------------------------

#: Imperatives of advice, você and tu ("peça", "pede"), and the negative ones ("não aceite").
#: Left out: forms that are mostly other words ("faz", "tem", "vai", "diz", "vem": he does, has...).
IMPERATIVE_VERBS = wordset(
    """
    peça pede pergunte pergunta prepare prepara pratique pratica procure procura pesquise pesquisa fale fala
    escreva escreve anote anota agradeça agradece explique explica diga faça coloque coloca ponha tenha vá
    venha seja leve leva ligue liga mande manda envie envia revise revisa compare compara negocie negocia
    aceite aceita recuse recusa evite evita comece começa termine termina deixe deixa guarde guarda use usa
    aproveite aproveita escolha escolhe decida decide defina define pense pensa lembre lembra confirme
    confirma consulte consulta tente tenta cuide cuida descanse descansa durma dorme delegue delega priorize
    prioriza organize organiza planeje planeja planeie meça mede documente documenta compartilhe compartilha
    partilhe partilha mostre mostra apresente apresenta ofereça oferece proponha sugira sugere escute escuta
    ouça ouve aprenda aprende leia estude estuda ensaie ensaia repita repete mantenha siga segue mude muda
    atualize atualiza contate contata conecte conecta participe participa solicite solicita exija exige
    calcule calcula marque marca agende agenda reserve reserva cancele cancela respire respira relaxe relaxa
    tome toma tire tira inclua inclui assegure certifique concentre concentra foque foca valorize valoriza
    celebre celebra reconheça reconhece demonstre demonstra destaque destaca resuma quantifique quantifica
    valide valida verifique verifica teste testa crie cria construa publique publica responda responde
    espere espera caminhe caminha beba bebe coma come abra abre feche fecha desligue desliga bloqueie
    bloqueia limite limita reduza aumente aumenta invista investe economize economiza poupe poupa pague paga
    cobre cobra assine assina grave grava visite visita treine treina insista insiste questione questiona
    busque busca converse conversa chame chama convide convida mencione menciona informe informa avise avisa
    monte monta esqueça esqueças aceites assines digas faças deixes esperes preocupe preocupes tenhas peças desista
    desistas subestime subestimes fique fiques perca percas gaste gastes ignore ignores
    """
)
PRONOUNS = wordset("se te me lhe lhes o a os as nos")

ADVICE = advice_patterns((
    (1.0, r"você (?:deveria|devia|deve|tem que|tem de|precisa)|deverias|devias|deves|tens que|tens de|precisas"),
    (1.0, r"(?:eu )?(?:te |lhe )?(?:recomendo|recomendaria|sugiro|sugeriria|aconselho|aconselharia)"),
    (1.0, r"meu (?:conselho|truque|segredo)|minha (?:recomendação|sugestão|dica|regra)|uma dica"),
    (1.0, r"certifique-se|certifica-te|garanta que|não (?:se )?esqueça|não te esqueças|lembre-se|lembra-te|"
          r"tente|tenta|procure"),
    (1.0, r"o (?:melhor|mais importante|ideal|segredo|truque) é|a (?:chave|dica) é|"
          r"é (?:melhor|importante|fundamental|essencial|bom)|vale a pena"),
    (1.0, r"se eu fosse (?:você|tu)|no seu lugar|no teu lugar|eu (?:começaria|faria|pediria|perguntaria)"),
    (0.8, r"deveria|tem que|tem de|você (?:poderia|pode) (?:sempre |também |até )?\w+|podias|poderias"),
    (0.8, r"(?:^|[,;:]\s*|\be\s+)(?:nunca|jamais|sempre|evite|evita)"),
    (0.5, r"em vez de|ao invés de|em lugar de|pode \w+"),
    (0.3, r"nunca|sempre"),
))

SMALL_TALK = pattern(
    r"^(?:\W*(?:e|bom|então|ah|oh|ok|tá|sim|claro|ótimo|perfeito|legal)\b[\s,.!]*)*"
    r"(?:oi|olá|bom dia|boa tarde|boa noite|tudo bem|tudo bom|como vai|como você está|prazer|muito prazer|"
    r"obrigad[oa]|muito obrigad[oa]|valeu|de nada|por nada|imagina|até logo|até mais|até a próxima|até breve|"
    r"tchau|adeus|se cuida|me ouve|está me ouvindo|você está no mudo|faz sentido|entendi|combinado|"
    r"isso ajuda|ajudou muito)\b"
)
INTRODUCTION = pattern(r"^\W*(?i:(?:oi|olá)\W+)?(?i:eu sou|me chamo|meu nome é|o meu nome é)\s+[A-Z][a-z]+\b",
                       flags=0)
# Portuguese drops the subject: first-person verbs open a story as much as "eu" does.
NARRATIVE = pattern(
    r"^(?:\W*(?:e|mas|bom|então|olha|sim|honestamente|na verdade)\b[\s,]*)*"
    r"(?:eu|meu|minha|meus|minhas|me|nós|nosso|nossa|a gente|tenho|estou|sou|fui|recebi|acho|quero|estava|"
    r"tinha|comecei|consegui|vou)\b"
)
ADVISING_I = pattern(
    r"^\W*(?:\w+,?\s+){0,2}(?:eu\s+)?(?:te |lhe )?(?:recomendo|sugiro|aconselho|recomendaria|sugeriria|aconselharia)"
)
LOGISTICS = pattern(
    r"\bme (?:liga|ligue|manda|mande|envia|envie|escreve|escreva|avisa|avise|chama|chame|conta|conte)\b|"
    r"\b(?:ligue|envie|mande|escreva|avise|liga|manda|envia|escreve|avisa)-me\b|"
    r"\b(?:o )?meu (?:número|telefone|celular|telemóvel|e-mail|email|endereço|calendário|escritório)\b|"
    r"@|https?://|\d{3,5}[-. ]\d{4}|\b(?:nossa|a) próxima (?:sessão|conversa|reunião|chamada)\b"
)
CONDITION = pattern(
    r"\W*(?:\w+\W+){0,2}?(?:se|quando|antes de|depois de|assim que|logo que|enquanto|até que)\b[^,;:]*[,;:]\s*"
)
ASIDE = pattern(r",?\s*(?:e\s+)?(?:sério|de verdade|honestamente|se puder|se possível)\s*,")

# -- summary and takeaways ------------------------------------------------------------------------

SUMMARY_LEADING = pattern(
    r"^(?:(?:eh|hum+|ah|oh|ok|tá|né|bom|pois|olha|sim)\b[\s,.;:!-]*|"
    r"(?:e|mas|então|aí|bom|olha|tipo|agora|depois|primeiro|segundo|finalmente|também|na verdade|ou seja),\s*|"
    r"(?:e|mas|então|e então|e aí|aí)\s+(?=\w))+"
)
TAKEAWAY_LEADING = pattern(
    r"^(?:(?:sim|ok|tá|bom|pois|e|mas|então|também|aí|e aí|e então|só|simplesmente|honestamente|por favor)\b"
    r"[\s,.;:!-]*|(?:olha|olhe|agora|primeiro|segundo|terceiro|finalmente|por último|na verdade),\s*)+"
)
TAKEAWAY_TRAILING = pattern(r"(?:,\s*(?:sabe|né|tá|ok|certo|acho eu))+(?=[.!]?$)")
CLAUSE = pattern(r"(?:[;:]|\s[-\u2013\u2014]|,)\s+|\s+(?=(?:porque|para que|e depois|mas|enquanto|embora)\b)")
FIRST_PERSON = pattern(r"\b(?:eu|me|meu|minha|meus|minhas|mim|comigo)\b(?! (?:recomendo|sugiro|aconselho))")
CONTRAST = pattern(
    r",\s*(?:e\s+|mas\s+)?não\b|\bem vez de\b|\bao invés de\b|\bprimeiro,?\s*\w+(?:\s+\w+)?\s+(?:depois|mais tarde)\b"
)
PRONOUN = pattern(r"\b(?:isso|isto|aquilo)\b|-(?:o|a|os|as|lo|la|los|las)\b")

# -- redaction ------------------------------------------------------------------------------------

SPOKEN_EMAIL = SpokenEmail(
    words={"underline": "_", "underscore": "_", "sublinhado": "_", "ponto": ".", "hífen": "-", "traço": "-"},
    at="arroba",
    dot="ponto",
    local="ponto|underline|underscore|sublinhado|hífen|traço",
    marks="ponto|arroba",
    cue=pattern(r"\b(?:e-?mail|email|correio|endereço|escreve|escreva|manda|mande|envia|envie|contato|contacto|"
                r"mensagem)\b"),
    not_local=wordset("eu você ele ela nós eles trabalho trabalhei empresa equipe equipa"),
    tlds=r"com|org|net|edu|gov|io|co|br|pt|ao|mz|info|dev|app|me|ai",
    providers=frozenset({"uol", "bol", "terra", "sapo", "ig"}),
)

#: Inside a key phrase or a title these mean it runs across a clause.
INNER_STOP = wordset("são era foi ser estão eu tu você ele ela nós eles elas me te se lhe que quem como porque "
                       "onde quando qual")

PACK = LanguagePack(
    code="pt",
    part="Parte {n}",
    word=WORD,
    stem=STEM,
    stopwords=STOPWORDS,
    fillers=FILLERS,
    filler_phrases=FILLER_PHRASES,
    generic=GENERIC,
    phrase_breaks=INNER_STOP,
    yake="pt",
    token=re.compile(r"[^\W_]+|[,;:.!?]"),
    imperative_verbs=IMPERATIVE_VERBS,
    negations=wordset("não nunca jamais sempre"),
    pre_verb_pronouns=PRONOUNS,
    subject_of=wordset("são era foi estão vai vão pode podem deve tem têm será seria fica eu ele ela"),
    lead_ins=wordset(
        "e então depois mas também aí primeiro segundo terceiro finalmente bom olha olhe ok agora só "
        "simplesmente talvez pois"
    ),
    advice=ADVICE,
    small_talk=SMALL_TALK,
    introduction=INTRODUCTION,
    narrative=NARRATIVE,
    advising_i=ADVISING_I,
    you_words=wordset("você vocês tu te ti contigo teu tua teus tuas seu sua seus suas lhe"),
    logistics=LOGISTICS,
    condition=CONDITION,
    so_clause=r",\s*(?:entao|por isso|ai)|;",
    aside=ASIDE,
    abbreviations=wordset("sr sra srta dr dra prof eng etc ex pág nº tel aprox av"),
    summary_leading=SUMMARY_LEADING,
    takeaway_leading=TAKEAWAY_LEADING,
    takeaway_trailing=TAKEAWAY_TRAILING,
    clause=CLAUSE,
    first_person=FIRST_PERSON,
    contrast=CONTRAST,
    pronoun=PRONOUN,
    inner_stop=INNER_STOP,
    numbers=wordset("zero um uma dois duas três quatro cinco seis sete oito nove dez onze doze quinze vinte trinta "
                    "quarenta cinquenta cem cento mil primeiro primeira segundo segunda terceiro terceira último "
                    "última próximo próxima vários várias alguns algumas poucos"),
    weak_title_endings=("mente",),
    term_word=WORD,
    term_form=STEM,
    numbers_said="pt",
    spoken_email=SPOKEN_EMAIL,
    phone_regions=("BR", "PT"),
    phone_cue=pattern(r"\b(?:telefone|tel|celular|telemóvel|whats ?app|zap|liga|ligue|ligar|número|contato|"
                      r"contacto)\b[^.?!\n\x00]{0,30}$"),
)
