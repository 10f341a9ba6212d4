"""What kind of answer a question asks for, and whether a passage states one.

`几点开门`, `多少钱一斤`, `哪一年建校`, `哪里人`, `哪所大学毕业`: the words that ask say what the
answer must be, a time of day, a sum of money, a year, a place of origin, a university. A
paragraph that names everything the question names but states no answer of that kind (the
museum's opening hours asked, a paragraph giving its visitors) is not an answer: it ranks
below one that does, and a question no paragraph answers in kind is declined. This is what
tells `柯雨桐在上海一个月工资多少？` (the document says only that it was more than her father
earns in a year) from a question the document answers.

Every word list is in the lexicon (`[questions]` asks_*, unit_classes, origin_markers,
asks_organisation).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from retrieval.lexicon import (
    ASKED_ORGANISATIONS,
    ASKED_UNIT_RE,
    ASKS_CLOCK_RE,
    ASKS_AGE_RE,
    ASKS_DAY_RE,
    ASKS_DURATION_RE,
    ASKS_LENGTH_RE,
    ASKS_MONEY_RE,
    ASKS_ORGANISATION_RE,
    ASKS_ORIGIN_RE,
    ASKS_PER_RE,
    ASKS_QUANTITY_RE,
    ASKS_RATE_RE,
    ASKS_SHARE_RE,
    ASKS_SUM_RE,
    ASKS_TIME_RE,
    ASKS_YEAR_RE,
    CLOCK_RE,
    COUNT_WORDS,
    NOT_A_NAME_BEFORE,
    DAY_RE,
    ORIGIN_RE,
    SHARE_RE,
    UNIT_CLASSES,
    UNIT_COUNT_RE,
    YEAR_RE,
)

_BARE = ("万", "亿")
Kind = Literal["time", "year", "day", "clock", "quantity", "share", "origin", "organisation"]


@dataclass(frozen=True)
class Asked:
    """The kind of answer a question asks for.

    `units`: for a count, the units that answer it (empty: any count); for an organisation,
    the endings of the names that answer it. `phrase`: the words that ask it (`多少钱`,
    `比例`), which the answer need not contain.
    """

    kind: Kind
    units: tuple[str, ...] = ()
    phrase: str = ""
    per: str = ""  # a price by the unit (多少钱一斤: 斤): the answer names it (一斤, 每斤)
    noun: str = ""  # what a sum is (工资, 总额): the answer names it

    @property
    def is_count(self) -> bool:
        return self.kind in ("quantity", "share")

    @property
    def is_time(self) -> bool:
        return self.kind in ("time", "year", "day", "clock")


def _class_of(unit: str) -> tuple[str, ...]:
    """The units that answer a count asked for in `unit`."""
    for entry in UNIT_CLASSES:
        if entry[0] == unit or (unit in entry and unit != "名" and unit != "位"):
            return entry
    # 多少名/几位 ask for people: the people's class, where they stand first.
    for entry in UNIT_CLASSES:
        if unit in entry:
            return entry
    return (unit,)


def asked_for(normal: str) -> Asked | None:
    """What a normalised question asks for, or None when it asks for no particular kind."""
    for pattern, kind in ((ASKS_CLOCK_RE, "clock"), (ASKS_YEAR_RE, "year"), (ASKS_DAY_RE, "day")):
        found = pattern.search(normal)
        if found:
            return Asked(kind, phrase=found.group())  # type: ignore[arg-type]
    found = ASKS_ORIGIN_RE.search(normal)
    if found:
        return Asked("origin", phrase=found.group())
    found = ASKS_ORGANISATION_RE.search(normal)
    if found:
        return Asked("organisation", ASKED_ORGANISATIONS[found.group(1)], found.group())
    found = ASKS_SHARE_RE.search(normal) or ASKS_RATE_RE.search(normal)
    if found:
        return Asked("share", phrase=found.group())
    per = ASKS_PER_RE.search(normal)
    if per:
        return Asked("quantity", UNIT_CLASSES[0], "多少钱", per.group(1) or per.group(2))
    found = ASKS_MONEY_RE.search(normal)
    if found:
        return Asked("quantity", UNIT_CLASSES[0], found.group())
    found = ASKS_SUM_RE.search(normal)
    if found:
        # 工资多少, 退税总额是多少: the answer names the sum it gives.
        return Asked("quantity", UNIT_CLASSES[0], noun=found.group(1))
    found = ASKS_AGE_RE.search(normal)
    if found:
        return Asked("quantity", _class_of("岁"), found.group())
    found = ASKS_DURATION_RE.search(normal)
    if found:
        return Asked("quantity", UNIT_CLASSES[2], found.group())
    found = ASKS_LENGTH_RE.search(normal)
    if found:
        return Asked("quantity", UNIT_CLASSES[3], found.group())
    if ASKS_TIME_RE.search(normal):
        return Asked("time")
    unit = ASKED_UNIT_RE.search(normal)
    if unit:
        return Asked("quantity", _class_of(unit.group(1)))
    if ASKS_QUANTITY_RE.search(normal):
        return Asked("quantity")
    return None


def states(asked: Asked, text: str, names: Iterable[str] = ()) -> bool:
    """Whether the normalised `text` states an answer of the kind `asked` for; `names` are
    the people the question names (`宗晓川大学毕业后`: no `晓川大学`)."""
    if asked.kind == "share":
        return SHARE_RE.search(text) is not None or _says_count(text, ("%",))
    if asked.kind == "quantity":
        if asked.per and not any(f"{mark}{asked.per}" in text for mark in "一每"):
            return False
        if asked.noun and asked.noun not in text:
            return False
        # A count given in ten-thousands with its noun left out (`播放量超过了两百万`) answers
        # any count but a sum.
        units = asked.units + _BARE if asked.units and asked.units != UNIT_CLASSES[0] \
            else asked.units
        return _says_count(text, units) or any(
            not units or match.group(1) in units for match in UNIT_COUNT_RE.finditer(text)
            if not _is_year(text, match.start(), match.end()))
    if asked.kind == "year":
        return YEAR_RE.search(text) is not None
    if asked.kind == "day":
        return DAY_RE.search(text) is not None
    if asked.kind == "clock":
        return CLOCK_RE.search(text) is not None
    if asked.kind == "time":  # a date of any precision, not a length of time (三十年)
        return any(p.search(text) is not None for p in (YEAR_RE, DAY_RE, CLOCK_RE))
    if asked.kind == "origin":
        return ORIGIN_RE.search(text) is not None
    if asked.kind == "organisation":
        return any(_names_one(text, ending, tuple(names)) for ending in asked.units)
    return True


def _says_count(text: str, units: tuple[str, ...]) -> bool:
    """Whether `text` gives a count in `units` without a numeral (`满分`, `一半`)."""
    return any(word in text for unit in units for word in COUNT_WORDS.get(unit, ()))


def _is_year(text: str, start: int, end: int) -> bool:
    """A four-digit year (2024年) is a date, not a count of years."""
    return text[end - 1] == "年" and end - start == 5 and text[start:end - 1].isdigit()


def _names_one(text: str, ending: str, names: tuple[str, ...]) -> bool:
    """Whether `text` names an organisation ending in `ending` (`挪威科技大学`), not the
    bare word (`读完大学`, `宗晓川大学毕业`): at least two letters stand before the ending,
    not a verb's and not the end of a person's name."""
    start = text.find(ending)
    while start >= 0:
        before = text[max(0, start - 2):start]
        if (len(before) == 2 and before.isalnum() and before[-1] not in NOT_A_NAME_BEFORE
                and not any(text.endswith(name, 0, start) for name in names)):
            return True
        start = text.find(ending, start + 1)
    return False

