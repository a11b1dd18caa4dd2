"""English: the word lists and patterns kbgen was written with (kept as they were)."""

from __future__ import annotations

import re

from . import LanguagePack, SpokenEmail, identity

# -- words (key phrases, summary, chapters) ----------------------------------------------------

#: Function words: carry no topic on their own.
STOPWORDS = frozenset(
    """
    a about above after again against all almost also although am among an and another any
    anybody anyone anything anyway anywhere are aren't around as at away be became because
    become been before being below between both but by can can't cannot could couldn't did
    didn't do does doesn't doing don't done down during each either else enough even ever
    every everybody everyone everything few for from further get gets getting go goes going
    gone got had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers
    herself him himself his how how's however i i'd i'll i'm i've if in into is isn't it it's
    its itself just let's made make makes many may maybe me might mine more most much must
    mustn't my myself need needs neither never no nobody none nor not nothing now of off
    often on once one ones only onto or other others otherwise ought our ours ourselves out
    over own per perhaps quite rather said same say says see seem seems shall shan't she she'd
    she'll she's should shouldn't since so some somebody someone something sometimes somewhere
    still such than that that's the their theirs them themselves then there there's these they
    they'd they'll they're they've thing things this those though through thus to too toward
    towards under until up upon us use used very via want wants was wasn't way we we'd we'll
    we're we've well were weren't what what's whatever when when's where where's whether which
    while who who's whom whose why why's will with within without won't would wouldn't yes yet
    you you'd you'll you're you've your yours yourself yourselves
    """.split()
)

#: What speech is full of and text is not: never a key phrase, never worth a summary point.
FILLERS = frozenset(
    """
    yeah yep yup yes no nope okay ok alright um umm uh uhh er erm hmm mm mhm mm-hmm uh-huh ah
    oh wow like right really actually basically literally totally honestly obviously
    definitely probably pretty kind kinda sort sorta gonna wanna gotta lot lots stuff guess
    mean know think thought feel sure cool great good fine nice awesome thanks thank please
    hey hi hello bye anyway whatever exactly absolutely certainly true yeah-yeah
    """.split()
)

#: Multi-word fillers dropped as phrases ("you know", "i think" ...).
FILLER_PHRASES = frozenset(
    {
        "you know",
        "i think",
        "i mean",
        "i guess",
        "kind of",
        "sort of",
        "a lot",
        "at the end of the day",
        "to be honest",
        "thank you",
        "makes sense",
        "that makes sense",
    }
)

#: Words too general to be a key phrase on their own (fine inside one: "start date").
GENERIC = frozenset(
    """
    today tomorrow yesterday tonight morning afternoon evening week weeks month months year years
    day days time times minute minutes hour hours moment talk talking call calls question
    questions answer people person guy guys folks idea ideas point points part bit way ways case
    cases example examples problem problems issue issues everything something anything
    """.split()
)

_WORD = re.compile(r"[a-z0-9]+(?:['\u2019-][a-z0-9]+)*")


def light_stem(word: str) -> str:
    """A light, predictable stem so 'offers' meets 'offer' and 'negotiating' meets 'negotiate'."""
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    for suffix in ("ing", "ed"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


# -- cues ---------------------------------------------------------------------------------------

#: Verbs that open an imperative sentence of advice ("Ask for...", "Write down...").
IMPERATIVE_VERBS = frozenset(
    """
    accept acknowledge act add adjust agree aim align allow anchor answer apologise apologize apply approach
    argue arrange ask assess assume attach attend automate avoid back batch be begin block book borrow break
    bring budget build call cancel celebrate challenge change check choose clarify clean close coach collect
    combine commit compare confirm connect consider contact continue copy count cover create cut decide
    decline define delegate delete describe design do document double draft draw drink drop eat email
    embrace encourage end enjoy estimate expect experiment explain explore express fill find finish fix
    focus follow forget forgive frame get give go grab ground guard handle have help hire hold identify
    ignore imagine include introduce invest invite join keep kill label lead lean learn leave let limit
    link list listen log look lower make map mark measure meet mention message mitigate move mute name
    negotiate note notice offer open organise organize own pace pair pause pay pick pitch plan play post
    practice practise prepare present prioritise prioritize protect prototype publish pull push put quote
    raise reach read rebuild record redirect reduce refuse reframe rehearse relax release remember remind
    remove repeat replace reply report request research reserve reset respect respond rest restore rethink
    return review revisit rewrite roll rotate run save say schedule screen search send separate set share
    shift shadow show shut sign simplify skip sleep slow speak spend split stand start state stay step stick
    stop structure study submit summarise summarize support switch take talk teach tell test thank think
    time track trade train treat trust try turn understand update use validate value verify visit volunteer
    wait walk watch welcome work write
    """.split()
)
#: First words that are not verbs though they look like bare ones ("Good to...", "Welcome to...").
_NOT_VERBS = frozenset(
    "good great nice fine glad happy welcome congratulations sorry important easier easy hard harder best better "
    "worse true real same different enough even another other next last first second third half part most "
    "everybody anybody nobody somebody".split()
)
_SUBJECT_OF = frozenset(
    "is are was were would will can could should shall may might must has have had does did isn't aren't "
    "wasn't won't can't doesn't didn't 's".split()
)
_LEAD_INS = frozenset(
    "so and then but also just first second third next finally now well okay ok yeah right please "
    "instead again still really actually simply maybe".split()
)

# Modal and framing phrases of advice, with how surely each marks advice.
_ADVICE_PHRASES: tuple[tuple[float, str], ...] = (
    (1.0, r"you (?:really )?(?:should|shouldn't|should not|must|ought to|need to|have to|might want to)"),
    (1.0, r"you'll want to|you will want to|you'd want to|you want to make sure"),
    (1.0, r"i(?:'d| would)? (?:strongly )?(?:recommend|suggest|encourage|advise)"),
    (1.0, r"my (?:advice|suggestion|recommendation|rule)"),
    (1.0, r"make sure|be sure to|try to|try and|remember to|don't forget|do not forget"),
    (1.0, r"the (?:key|trick|secret|goal|point|rule) (?:is|here is)|rule of thumb|the first rule"),
    (1.0, r"the best (?:way|thing|move|approach)|it (?:really )?helps to|it's (?:worth|important|better|best)"),
    (1.0, r"it is (?:worth|important|better|best)|(?:better|best) to|worth (?:asking|it|doing|trying)"),
    (1.0, r"if i were you|what i(?:'d| would) do|i(?:'d| would) (?:start|begin|focus|ask|try)"),
    (0.8, r"you (?:could|might) (?:always |also |just |then |even )?\w+"),
    (0.8, r"(?:is|are) (?:always |usually |often )?better than"),
    (0.8, r"\w+ (?:beats?|trumps?|(?:is|are) (?:worth more|more important) than)"),
    (0.8, r"(?:^|[,;:]\s*|\byou\s+|\bjust\s+|\band\s+|\bso\s+)(?:don't|do not|never|always|avoid)"),
    (0.5, r"you can \w+|you (?:want|may) to|instead of|rather than|so that you"),
    (0.3, r"never|always|don't"),
)

# Greetings, thanks and other talk about the call rather than the subject.
_SMALL_TALK = re.compile(
    r"^(?:\W*(?:so|and|well|oh|okay|ok|yeah|great|perfect|awesome|right)\b[\s,.!]*)*"
    r"(?:hi|hello|hey|good (?:morning|afternoon|evening|luck)|nice to (?:meet|see)|thanks|thank you|"
    r"you're welcome|welcome to|no problem|take care|see you|bye|goodbye|talk (?:to you )?soon|how are you|"
    r"can you hear me|you're on mute|let me share|that makes sense|makes sense|got it|"
    r"sounds good|that helps|this (?:was|is) (?:so |really )?helpful|exactly|absolutely|of course)\b",
    re.IGNORECASE,
)
# "I'm Amara, Amara Osei, from the platform team.", "My name is...": who is talking, not the subject.
_INTRODUCTION = re.compile(
    r"^\W*(?i:(?:hi|hello|hey)\W+)?(?i:i'm|i am|my name is|this is)\s+[A-Z][a-z]+\b(?!\s+(?:at|in)\b)"
)
# The speaker's own story: "I just got...", "I was promoted...", "I'm nervous..."
_NARRATIVE = re.compile(
    r"^(?:\W*(?:so|and|but|well|yeah|okay|ok|um|uh|honestly|actually)\b[\s,]*)*"
    r"(?:i|i'm|i've|i'd|i'll|my|we|we're|we've|our)\b",
    re.IGNORECASE,
)
_ADVISING_I = re.compile(r"^\W*(?:\w+,?\s+){0,2}i(?:'d| would)? (?:recommend|suggest|encourage|advise)", re.I)


# Arranging the next step with the mentor, or contact details: "Call me at...", "Send it over".
_LOGISTICS = re.compile(
    r"\b(?:call|text|email|e-mail|message|ping|send|tell|show|give|ask|remind|cc|forward|book)\s+(?:it\s+to\s+)?me\b|"
    r"\blet me know\b|\b(?:send|pass) it (?:over|along|to)\b|\bmy (?:number|cell|phone|email|e-mail|address|"
    r"direct line|calendar|office)\b|\b(?:the|my) number is\b|@|https?://|\d{3}[-. )]+\d{3,4}|"
    r"\b(?:our|next) (?:session|call|meeting)\b",
    re.IGNORECASE,
)

_CONDITION = re.compile(
    r"\W*(?:\w+\W+){0,2}?(?:if|when|whenever|before|after|once|while|until|as soon as)\b[^,;:]*[,;:]\s*", re.IGNORECASE
)
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['\u2019-][A-Za-z0-9]+)*|[,;:.!?]")
#: Words after which a first word reads as a verb: objects, determiners, particles.
_OBJECT_LIKE = frozenset(
    """
    the a an your you yourself yourselves my his her their our its them him it this that these those some any
    every each all one two three four five six seven eight nine ten to for with about on up out down off back
    in into at from by over what how when why who which where whatever first early late now later often
    regularly everything something anything someone somebody everyone more less
    """.split()
)


# Asides before the verb: "First, and I mean this, talk to a doctor."
ASIDE = re.compile(
    r",?\s*(?:and\s+)?(?:i mean (?:this|it|that)|honestly|seriously|really|if you can|if possible)\s*,", re.IGNORECASE
)


# -- summary and takeaways ------------------------------------------------------------------------

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st vs etc e.g i.e a.m p.m approx dept inc ltd co no fig".split()
)
_NUMBER_ABBREVIATIONS = frozenset({"no"})
# Interjections dropped from a summary sentence's start; connectives only before a comma.
_INTERJECTIONS = "yeah|yep|yup|okay|ok|alright|um+|uh+|er|erm|hmm+|mm+|mhm|oh|ah"
_CONNECTIVES = "so|and|but|well|right|like|anyway|you know|i mean|look|now|then|also|first|second|finally"
_LEADING_FILLER = re.compile(
    rf"^(?:(?:{_INTERJECTIONS})\b[\s,.;:!-]*|(?:{_CONNECTIVES}),\s*|(?:and|so|but|then|and so|and then)\s+(?=\w))+",
    re.IGNORECASE,
)

# Dropped from a takeaway's start: interjections and connectives, and (before a comma only)
# words that could also start the advice itself ("Look at...", "Now is the time...").
_FILLER = (
    r"yeah|yep|yes|okay|ok|alright|so|and|but|um+|uh+|oh|also|then|and then|and so|plus|basically|"
    r"honestly|anyway|please|just"
)
_COMMA_FILLER = r"right|well|look|now|like|you know|i mean|first|first of all|second|secondly|third|finally|next|lastly"
_LEADING = re.compile(rf"^(?:(?:{_FILLER})\b[\s,.;:!-]*|(?:{_COMMA_FILLER}),\s*)+", re.IGNORECASE)
# Places a long sentence may be cut, best last: "; " ": " " - " ", because" ", so" ", and" ", but" ", which"
_CLAUSE = re.compile(r"(?:[;:]|\s[-\u2013\u2014]|,)\s+|\s+(?=(?:because|so that|and then|but|which|while)\b)")
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'll|me|my)\b(?!'d| would| recommend| suggest)")
_CONTRAST = re.compile(
    r",\s*(?:and\s+|but\s+)?not\b|\brather than\b|\binstead of\b|\bfirst,\s*\w+(?:\s+\w+)?\s+(?:later|second|after)\b",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"\b(?:it|him|her|them|that|this|those|these|one)\b", re.IGNORECASE)
_TRAILING_FILLER = re.compile(r"(?:,\s*(?:you know|right|okay|yeah|i think|i guess))+(?=[.!]?$)", re.IGNORECASE)

# -- chapter titles -------------------------------------------------------------------------------

# Inside a title these mean the phrase runs across a clause ("equity is worth", "background a weakness").
_INNER_STOP = frozenset(
    "is are was were be been a an it this that they you i we he she what how why who which where when".split()
)
_NUMBERS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty "
    "hundred thousand first second third fourth fifth last next few several".split()
)

# -- topic matching ---------------------------------------------------------------------------------

# Words of a transcript: letters and digits, an apostrophe suffix kept ("manager's", "don't").
# Hyphens split words, so "follow-up" meets the synonym "follow up".
TERM_TOKEN = re.compile(r"[a-z0-9]+(?:['\u2019][a-z]+)?")


def singular(token: str) -> str:
    """The plural-insensitive form of one lower-case word (and no other stemming)."""
    token = token.replace("\u2019", "'")
    if token.endswith("'s"):
        token = token[:-2]
    elif "'" in token:
        return token  # "don't", "i'm": not a plural
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 4 and token.endswith("es") and token[:-2].endswith(("s", "x", "z", "ch", "sh")):
        return token[:-2]
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


# -- redaction -----------------------------------------------------------------------------------

_SPOKEN_TLDS = r"com|org|net|edu|gov|io|co|uk|us|ca|de|fr|ie|au|nz|in|dev|ai|me|app|info|biz|tech|xyz"
#: Words before "at" that make "worked at acme dot com" a workplace, not an address.
_NOT_LOCAL = frozenset(
    """i me you he she we they it him her us them this that there here who which what be am is are was were
    been being work works worked working job jobs intern interned internship role position started start
    stay stayed live lived based engineer developer manager lead team people folks someone somebody look
    looked looking see seen met meet meeting interview interviewed interviewing apply applied hired hiring
    joined join left quit time times stuff things thing something nothing everything one ones all both
    them those these online shop shopping sign signed log logged posted post blog site website page""".split()
)
_MAIL_CUE = re.compile(r"\b(?:e-?mail|mail|address|contact|reach|write|send|message|ping|inbox)\b", re.IGNORECASE)
# A bare run of digits is an order number or an id as often as a phone number: it needs a cue.
_PHONE_CUE = re.compile(
    r"\b(?:phone|call|calls|calling|cell|mobile|text|texts|whats ?app|dial|tel|telephone|ring|reach|"
    r"my (?:\w+ )?number|number is|contact)\b[^.?!\n\x00]{0,30}$",
    re.IGNORECASE,
)


#: English says "at" and "dot"; "period", "dash", "hyphen", "underscore" inside the local part.
SPOKEN_EMAIL = SpokenEmail(
    words={"dot": ".", "period": ".", "underscore": "_", "dash": "-", "hyphen": "-"},
    at=r"at(?:\s+(?:sign|symbol))?",
    dot="dot",
    local="dot|underscore|dash|hyphen|period",
    marks="dot|at",
    cue=_MAIL_CUE,
    not_local=_NOT_LOCAL,
    tlds=_SPOKEN_TLDS,
)

_BARE_WORD = frozenset({"", ",", ".", "i", "like", "so", "you", "yeah", "okay", "to"})

PACK = LanguagePack(
    code="en",
    part="Part {n}",
    word=_WORD,
    fold=identity,
    stem=light_stem,
    stopwords=STOPWORDS,
    fillers=FILLERS,
    filler_phrases=FILLER_PHRASES,
    generic=GENERIC,
    yake="en",
    question_marks=("?",),
    token=_TOKEN,
    imperative_verbs=IMPERATIVE_VERBS,
    never_words=frozenset({"don't", "never", "always"}),
    never_not_before=frozenset({"know", ""}),
    imperative_pairs=frozenset({("do", "not")}),
    not_imperative_before={
        "let": frozenset({"me", "us", "'s", "s"}),  # "Let me...", "Let's...": no instruction
        "thank": frozenset({"you", "god", "goodness", "", ",", "."}),
        "thanks": frozenset({"you", "god", "goodness", "", ",", "."}),
        # "Look, I...", "Say I ...", "Think so", "See, ...", "Welcome to the club"
        **{verb: _BARE_WORD for verb in ("say", "look", "think", "mind", "wait", "see", "welcome")},
    },
    subject_of=_SUBJECT_OF,
    lead_ins=_LEAD_INS,
    guess_verbs=True,
    not_verb_endings=("s", "ed", "ing", "ly", "'s"),
    not_verbs=_NOT_VERBS,
    object_like=_OBJECT_LIKE,
    advice=tuple((w, re.compile(rf"\b(?:{p})\b", re.IGNORECASE)) for w, p in _ADVICE_PHRASES),
    small_talk=_SMALL_TALK,
    small_talk_unless=re.compile(r"\W*thank (?:them|him|her|the)\b", re.I),
    introduction=_INTRODUCTION,
    narrative=_NARRATIVE,
    advising_i=_ADVISING_I,
    you_words=frozenset({"you", "your"}),
    logistics=_LOGISTICS,
    condition=_CONDITION,
    so_clause=r",\s*so|;",
    aside=ASIDE,
    abbreviations=_ABBREVIATIONS,
    number_abbreviations=_NUMBER_ABBREVIATIONS,
    abbreviation=re.compile(r"([A-Za-z.]+)$"),
    summary_leading=_LEADING_FILLER,
    takeaway_leading=_LEADING,
    takeaway_trailing=_TRAILING_FILLER,
    clause=_CLAUSE,
    first_person=_FIRST_PERSON,
    contrast=_CONTRAST,
    pronoun=_PRONOUN,
    inner_stop=_INNER_STOP,
    numbers=_NUMBERS,
    weak_title_endings=("ed", "ly"),
    name_word=re.compile(r"(?<![.!?]\s)(?<![.!?][\"')\u201d\u2019]\s)(?<!^)\b([A-Za-z][a-z]+)\b"),
    term_word=TERM_TOKEN,
    term_form=singular,
    numbers_said="en",  # read by rules of kbgen.redact.spoken's own: text2num knows no "oh seven", "double nine"
    spoken_email=SPOKEN_EMAIL,
    phone_regions=("US", "GB"),
    phone_cue=_PHONE_CUE,
)
