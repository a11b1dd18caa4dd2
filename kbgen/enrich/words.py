"""Word lists shared by the summariser and the key-phrase extractor (English)."""

from __future__ import annotations

import re

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


def words(text: str) -> list[str]:
    """Lower-case words of ``text``; apostrophes and hyphens inside a word kept."""
    return [w.replace("\u2019", "'") for w in _WORD.findall(text.lower())]


def stem(word: str) -> str:
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


def is_content(word: str) -> bool:
    """A word that can carry a topic: not a stopword, not filler, not a lone digit or letter."""
    return len(word) > 2 and word not in STOPWORDS and word not in FILLERS and not word.isdigit()
