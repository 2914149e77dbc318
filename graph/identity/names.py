"""Names in one comparable form: Latin letters, pinyin for Chinese, nicknames grouped.

Examples
--------
>>> split_name(None, None, "王伟")
('伟', '王')
>>> comparable("伟"), comparable("Zoë"), comparable("  O'Brien ")
('wei', 'zoe', 'obrien')
>>> nickname_groups("bob") & nickname_groups("robert") != set()
True
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["comparable", "has_cjk", "nickname_groups", "split_name"]

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NOT_LETTER = re.compile(r"[^a-z]+")

# Common English given-name variants; a name may belong to several groups (Pat, Chris).
_GROUPS: tuple[tuple[str, ...], ...] = (
    ("robert", "bob", "rob", "bobby", "robbie"),
    ("william", "bill", "will", "billy", "liam"),
    ("james", "jim", "jimmy", "jamie"),
    ("john", "jack", "johnny", "jon"),
    ("michael", "mike", "mikey", "mick"),
    ("elizabeth", "liz", "beth", "betty", "eliza", "lizzie"),
    ("david", "dave", "davey"),
    ("richard", "rick", "dick", "rich", "ricky"),
    ("joseph", "joe", "joey"),
    ("thomas", "tom", "tommy"),
    ("charles", "chuck", "charlie"),
    ("christopher", "chris", "kit"),
    ("christine", "chris", "chrissy", "tina"),
    ("christina", "tina", "chris"),
    ("daniel", "dan", "danny"),
    ("matthew", "matt"),
    ("anthony", "tony"),
    ("donald", "don", "donnie"),
    ("steven", "steve"),
    ("stephen", "steve"),
    ("andrew", "andy", "drew"),
    ("joshua", "josh"),
    ("kenneth", "ken", "kenny"),
    ("timothy", "tim", "timmy"),
    ("ronald", "ron", "ronnie"),
    ("edward", "ed", "eddie", "ted"),
    ("jeffrey", "jeff"),
    ("nicholas", "nick", "nicky"),
    ("jonathan", "jon", "johnny"),
    ("benjamin", "ben", "benny"),
    ("samuel", "sam", "sammy"),
    ("samantha", "sam", "sammy"),
    ("gregory", "greg"),
    ("alexander", "alex", "xander"),
    ("alexandra", "alex", "sandra", "lexi"),
    ("patrick", "pat", "paddy"),
    ("patricia", "pat", "patty", "trish"),
    ("raymond", "ray"),
    ("katherine", "kate", "kathy", "katie", "kat"),
    ("catherine", "cathy", "kate", "cat"),
    ("jennifer", "jen", "jenny"),
    ("margaret", "peggy", "maggie", "meg"),
    ("susan", "sue", "susie"),
    ("jessica", "jess", "jessie"),
    ("kimberly", "kim"),
    ("rebecca", "becky", "becca"),
    ("deborah", "debbie", "deb"),
    ("pamela", "pam"),
    ("victoria", "vicky", "tori"),
    ("abigail", "abby"),
    ("isabella", "bella", "izzy"),
    ("jacqueline", "jackie"),
    ("zachary", "zach", "zack"),
    ("frances", "fran"),
    ("francis", "frank"),
    ("judith", "judy"),
    ("lawrence", "larry"),
    ("gerald", "gerry", "jerry"),
    ("harold", "harry", "hal"),
    ("henry", "harry", "hank"),
    ("douglas", "doug"),
    ("walter", "walt"),
    ("eugene", "gene"),
    ("philip", "phil"),
    ("phillip", "phil"),
    ("dorothy", "dot", "dottie"),
    ("barbara", "barb", "babs"),
    ("sandra", "sandy"),
    ("kathleen", "kathy", "kate"),
    ("cynthia", "cindy"),
    ("nathan", "nate"),
    ("nathaniel", "nate", "nat"),
    ("gabriel", "gabe"),
    ("vincent", "vince", "vinny"),
    ("theresa", "terry", "tess"),
    ("teresa", "terry", "tess"),
    ("madison", "maddie"),
    ("alice", "ally"),
    ("melissa", "mel", "missy"),
    ("stephanie", "steph"),
    ("danielle", "dani"),
    ("natalie", "nat"),
    ("anne", "annie", "ann"),
    ("ann", "annie", "anne"),
    ("emily", "em", "emmy"),
    ("olivia", "liv", "livvy"),
    ("sophia", "sophie"),
    ("eleanor", "ellie", "nora"),
    ("albert", "al", "bert"),
    ("alan", "al"),
    ("allen", "al"),
    ("arthur", "art"),
    ("russell", "russ"),
    ("randolph", "randy"),
    ("randall", "randy"),
    ("wayne", "wayne"),
)
_NICK: dict[str, frozenset[int]] = {}
for _index, _group in enumerate(_GROUPS):
    for _name in _group:
        _NICK[_name] = _NICK.get(_name, frozenset()) | {_index}


def has_cjk(text: str) -> bool:
    """Whether the text holds Chinese characters."""
    return bool(_CJK.search(text))


@lru_cache(maxsize=262_144)
def comparable(name: str) -> str:
    """Lower-case ASCII letters only: pinyin for Chinese characters, accents removed."""
    if has_cjk(name):
        from pypinyin import lazy_pinyin

        name = "".join(lazy_pinyin(name))
    folded = unicodedata.normalize("NFKD", name)
    ascii_only = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    return _NOT_LETTER.sub("", ascii_only)


def split_name(first: str | None, last: str | None, full: str | None) -> tuple[str, str]:
    """``(given, family)`` from first/last names, or from a full name.

    Chinese full names put the family name first (one character, as nearly all are);
    Latin full names put it last.
    """
    if first or last:
        return first or "", last or ""
    text = (full or "").strip()
    if not text:
        return "", ""
    if has_cjk(text) and " " not in text:
        return text[1:], text[:1]
    parts = text.split()
    if len(parts) == 1:
        return parts[0], ""
    return " ".join(parts[:-1]), parts[-1]


def nickname_groups(name: str) -> frozenset[int]:
    """The nickname groups a comparable given name belongs to (empty if none)."""
    return _NICK.get(name, frozenset())
