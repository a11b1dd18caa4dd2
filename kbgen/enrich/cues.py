"""What a spoken sentence is doing: asking, chatting, telling a story, or giving advice.

Shared by the summary, the takeaways and the chapters. English only, rule based and
deterministic: a sentence's cues depend on its own words (and, for roles, on who said it).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from .words import FILLERS, STOPWORDS, is_content, words

MENTOR, MENTEE = "mentor", "mentee"

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
_ADVICE = [(w, re.compile(rf"\b(?:{p})\b", re.IGNORECASE)) for w, p in _ADVICE_PHRASES]

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


def is_logistics(text: str) -> bool:
    """Whether the sentence arranges contact or a next meeting rather than teaching something."""
    return _LOGISTICS.search(text) is not None


def is_question(text: str) -> bool:
    """Whether the sentence asks something (ends in '?', closing quotes aside)."""
    return text.rstrip(" \"')]\u201d\u2019").endswith("?")


def is_small_talk(text: str) -> bool:
    """Greetings, thanks, "makes sense", or a sentence with fewer than two content words."""
    if _INTRODUCTION.search(text):
        return True
    if _SMALL_TALK.match(text.strip()) and not re.match(r"\W*thank (?:them|him|her|the)\b", text, re.I):
        return True
    return len({w for w in words(text) if is_content(w)}) < 2


def is_narrative(text: str) -> bool:
    """A first-person statement about oneself ("I just got an offer"), not advice to "you"."""
    if not _NARRATIVE.match(text) or _ADVISING_I.match(text):
        return False
    lowered = f" {' '.join(words(text))} "
    return " you " not in lowered and " your " not in lowered


def imperative(text: str) -> bool:
    """Whether the sentence, or a main clause of it, opens with a verb ("Ask...", "If they insist, give...")."""
    return imperative_at(text) is not None


def imperative_at(text: str) -> tuple[int, float] | None:
    """Where the sentence's first imperative clause starts (character offset) and how sure that is.

    Looked at: the sentence's start, the main clause after an "If/When/Before ...," clause, and
    a clause after ", so" or ";" ("They named one, so anchor your counter..."). A verb of
    IMPERATIVE_VERBS counts 1.0; another word that looks like a bare verb ("Mitigate first",
    "Invite the founder": not a known function word, no -s/-ed/-ing/-ly ending, not followed by
    a comma, and followed by an object-like word) 0.8.
    """
    starts = [0]
    head = _CONDITION.match(text)
    if head:
        starts.append(head.end())
    starts += [m.end() for m in re.finditer(r"(?:,\s*so|;)\s+", text, re.IGNORECASE)]
    for begin in sorted(set(starts)):
        sure = _clause_imperative(text[begin:])
        if sure:
            return begin, sure
    return None


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


def _clause_imperative(clause: str) -> float:
    clause = ASIDE.sub(",", clause)
    tokens = [t.lower().replace("\u2019", "'") for t in _TOKEN.findall(clause)]
    i = 0
    while i < len(tokens) and (tokens[i] in _LEAD_INS or tokens[i] == ","):
        i += 1
    if i >= len(tokens):
        return 0.0
    verb = tokens[i]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
    if verb in ("don't", "never", "always"):
        return 1.0 if nxt not in ("know", "") and not nxt.startswith(("'", ",")) else 0.0
    if verb == "do" and nxt == "not":
        return 1.0
    if verb == "let" and nxt in ("me", "us", "'s", "s"):
        return 0.0
    if verb in ("thank", "thanks") and nxt in ("you", "god", "goodness", "", ",", "."):
        return 0.0
    if nxt in (",", "!"):
        return 0.0  # "Remember, Jordan, ...", "Look, ...", "Listen!": an address, not an instruction
    if verb in ("say", "look", "think", "mind", "wait", "see", "welcome") and nxt in (
        "", ",", ".", "i", "like", "so", "you", "yeah", "okay", "to"
    ):
        return 0.0  # "Look, I...", "Say I ...", "Think so", "See, ...", "Welcome to the club"
    if nxt in _SUBJECT_OF:
        return 0.0  # "Rest is part of...", "Plans would change": the word is a subject, not a verb
    if verb in IMPERATIVE_VERBS:
        return 1.0
    if (
        verb.isalpha()
        and verb not in STOPWORDS
        and verb not in FILLERS
        and verb not in _NOT_VERBS
        and not verb.endswith(("s", "ed", "ing", "ly", "'s"))
        and nxt in _OBJECT_LIKE
    ):
        return 0.8
    return 0.0


def advice_strength(text: str) -> float:
    """How surely the sentence gives advice: 0 for none, about 1-2 for plain advice.

    Questions and small talk are never advice; first-person stories ("I never ask for help")
    count for little unless the speaker recommends something ("I'd suggest...").
    """
    if is_question(text) or is_small_talk(text):
        return 0.0
    at = imperative_at(text)
    score = at[1] if at else 0.0
    matched = [w for w, pattern in _ADVICE if pattern.search(text)]
    if matched:
        score = max(score, *matched) + 0.2 * len(matched) - (0.0 if score else 0.2)
        score = min(score, 1.6)
    if score and is_narrative(text):
        score *= 0.3
    return round(score, 6)


def speaker_roles(
    turns: Iterable[tuple[str | None, str]], mentor_speakers: Iterable[str] = ()
) -> dict[str, str]:
    """Which speaker labels are the mentor and which the mentee, where that can be told.

    ``turns`` are (speaker, sentence) pairs. A label saying "mentor"/"coach" or "mentee"/
    "student" decides; so does a label (or first name) in ``mentor_speakers``. Otherwise, with
    two or more speakers, the one whose sentences are clearly the most advice and the fewest
    questions is the mentor, the others mentees. Labels that cannot be told are left out.
    """
    stats: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])  # advice, questions, sentences
    for speaker, text in turns:
        if not speaker:
            continue
        s = stats[speaker]
        s[0] += advice_strength(text) > 0
        s[1] += is_question(text) or is_narrative(text)
        s[2] += 1
    labels = sorted(stats)
    known = {_norm(m) for m in mentor_speakers if m and m.strip()}
    known |= {n.split()[0] for n in known if n.split()}
    roles: dict[str, str] = {}
    for label in labels:
        name = _norm(label)
        if re.search(r"\b(?:mentor|coach|advisor|adviser|host)\b", name) or (
            name in known or (name.split() and name.split()[0] in known)
        ):
            roles[label] = MENTOR
        elif re.search(r"\b(?:mentee|student|learner|coachee|guest)\b", name):
            roles[label] = MENTEE
    if MENTOR in roles.values():
        return {label: roles.get(label, MENTEE) for label in labels}
    if len(labels) < 2:
        return roles
    ratio = {label: (stats[label][0] - stats[label][1]) / stats[label][2] for label in labels}
    ranked = sorted(labels, key=lambda label: (-ratio[label], label))
    best, second = ranked[0], ranked[1]
    if stats[best][0] >= 2 and ratio[best] >= 0.3 and ratio[second] <= 0.1 and ratio[best] - ratio[second] >= 0.3:
        return {label: MENTOR if label == best else MENTEE for label in labels}
    return roles


def _norm(label: str) -> str:
    return " ".join(words(label))
