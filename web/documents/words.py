"""Numbers with nouns, in the right number: `count(1, "council")` is "1 council", `count(2,
"council")` is "2 councils"; 0 takes the plural ("0 councils").

Nouns are given in the singular. The plural is looked up in `IRREGULAR` (phrases such as "part of
the government" are plural in their first word: "parts of the government"), else made by the
usual English rules: -y after a consonant becomes -ies (body, bodies; company, companies), -s,
-x, -z, -ch and -sh take -es (bus, buses; search, searches), everything else takes -s.
"""

from __future__ import annotations

IRREGULAR = {
    "person": "people",
    "child": "children",
    "hop": "hops",
    "police force": "police forces",
    "news firm": "news firms",
    "health service": "health services",
    "part of the government": "parts of the government",
    "paper and web page": "papers and web pages",
    "other group": "other groups",
    "app or firm": "apps and firms",
    "school system or app": "school systems and apps",
    "release and share": "releases and shares",
}


def plural(noun: str) -> str:
    """The plural of the singular `noun` (a word or a phrase whose first word is its head)."""
    if noun in IRREGULAR:
        return IRREGULAR[noun]
    if " of " in noun:
        head, _, rest = noun.partition(" of ")
        return f"{plural(head)} of {rest}"
    if noun.endswith("y") and len(noun) > 1 and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def noun_for(n: int, noun: str) -> str:
    """`noun` in the singular when n is 1, else in the plural."""
    return noun if n == 1 else plural(noun)


def count(n: int, noun: str) -> str:
    """ "1 council", "2 councils", "0 councils"."""
    return f"{n} {noun_for(n, noun)}"
