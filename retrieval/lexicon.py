"""The lexicon: every word list of the linguistic rules, and every pattern compiled from them.

The words themselves live in `lexicon.toml`, a file a linguist can edit without reading Python;
this module loads it once and builds the regular expressions that layout, attribution and
question reading share, so a speech verb added there reaches all three.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable
from importlib.resources import files

CJK = r"\u4e00-\u9fff"
_TEXT = files("retrieval").joinpath("lexicon.toml").read_text("utf-8")
_DATA = tomllib.loads(_TEXT)
# What the word lists are, for cache keys: a word added changes what chunking and cutting give.
DIGEST = hashlib.sha256(_TEXT.encode("utf-8")).hexdigest()[:16]


def _words(section: str, key: str) -> tuple[str, ...]:
    value = _DATA[section][key]
    if isinstance(value, str):  # a run of single characters, possibly over several lines
        return tuple(ch for ch in value if not ch.isspace())
    return tuple(value)


def _spaced(section: str, key: str) -> tuple[str, ...]:
    """A list written as one string of words separated by white space."""
    return tuple(_DATA[section][key].split())


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of `words`, longest first so that 副主席 wins over 主席."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))



# -- speech --------------------------------------------------------------------------------
SPEECH_VERBS = _words("speech", "verbs")
SPEECH_VERB_ENDINGS = _words("speech", "verb_endings")
CUE_ALT = alternation(SPEECH_VERBS)
AFTER_QUOTE_VERBS = _words("speech", "after_quote")
LETTERS = _words("speech", "letters")
NOT_SPEECH = _words("speech", "not_speech")
REQUESTS = _words("speech", "requests")
# `请陈处长说明`: a request a few characters before a name (search it up to the name).
REQUESTED = re.compile(f"(?:{alternation(REQUESTS)})(?:[^。！？，,]{{0,6}})$")
SENDS = _words("speech", "sends")
TEXTS = frozenset(_words("speech", "texts"))
QUOTED_AS = _words("speech", "quoted_as")
IN_WORDS_OF = _words("speech", "in_words_of")

# -- quotation marks -----------------------------------------------------------------------
QUOTE_PAIRS = tuple((pair[0], pair[1]) for pair in _words("quotes", "pairs"))

# -- people --------------------------------------------------------------------------------
TITLE_WORDS = _words("people", "title_words")
TITLE_ALT = alternation(TITLE_WORDS)
SINGLE_SURNAMES = frozenset(_words("people", "single_surnames") + _words("people", "rare_surnames"))
TRANSLITERATION = frozenset(_words("people", "transliteration"))
HONORIFICS = _words("people", "honorifics")
ORGANISATION_SUFFIXES = _words("people", "organisation_suffixes")
DESCRIPTOR_ENDINGS = frozenset(_words("people", "descriptor_endings"))
SURNAME_HONORIFICS = _words("people", "surname_honorifics")
FAMILIAR_PREFIXES = _words("people", "familiar_prefixes")
PERSON_NOUNS = _words("people", "person_nouns")
UNNAMED_VOICES = _words("people", "unnamed_voices")
COMPOUND_SURNAMES = _words("people", "compound_surnames")
NAME_STOP = frozenset(_words("people", "name_stop"))
TIME_FOLLOWERS = _words("people", "time_followers")
NAME_FOLLOWERS = _words("people", "name_followers") + TIME_FOLLOWERS
NOT_IN_NAMES = frozenset(_words("people", "not_in_names"))
COLLECTIVE = re.compile(f"({alternation(_words('people', 'collective_subjects'))})")
PRONOUNS = _words("people", "pronouns")
FIRST_PERSON = _words("people", "first_person")
FIRST_PERSON_RE = re.compile(alternation(FIRST_PERSON))
# Characters around a name that are not part of it: an age before a surname and its honorific
# (`八十岁黄婆婆`), an adverb after a two-character name before its verb (`冯保便说`).
AGE_ENDS = "".join(_words("people", "age_ends"))
ADVERB_ENDS = "".join(_words("people", "adverb_ends"))
HEARD = _words("people", "heard")
REACTIONS = _words("people", "reactions")
NOT_ALONE_AFTER = _words("people", "not_alone_after")
COLLECTIVE_TITLES = re.compile(alternation(_words("people", "collective_titles")))

# -- what stands between a name and its speech verb ---------------------------------------
BRIDGE = (
    f"(?:{alternation(_words('bridges', 'group'))})?"
    f"(?:[0-9０-９]{{1,2}}日|{alternation(_words('bridges', 'when'))})?"
    f"(?:[，,]?(?:{alternation(_words('bridges', 'adverbs'))}))?"
    f"(?:{alternation(_words('bridges', 'manners'))})?"
)
# Adverbs and manners between a name and its verb: 也, 曾, 笑着, 扯着嗓子.
# 着, and 著 as Taiwan and Hong Kong print it (`笑著說`; OpenCC keeps 著, 显著's character).
ASPECT_MARKS = "".join(_words("bridges", "aspect_marks"))
MANNER = (
    f"(?:{alternation(_words('bridges', 'manners') + _words('bridges', 'adverbs'))}"
    f"|[{CJK}]{{1,2}}[{ASPECT_MARKS}][{CJK}]{{0,3}}?)*"
)
ADVERBIAL = (
    f"(?:(?:(?:{alternation(_words('bridges', 'setting_openers'))})[^。！？；“”]{{0,24}}?"
    f"(?:{alternation(_words('bridges', 'setting_closers'))})?"
    f"|[^。！？；“”，,]{{1,12}}?(?:{alternation(_words('bridges', 'time_closers'))}))[，,]?(?:并)?)?"
)
VERB_ENDING = f"(?:{alternation(SPEECH_VERB_ENDINGS)})?"
# `对我`, `向记者`: whom the words are told to, before the speech verb.
ADDRESSED = (f"(?:(?:{alternation(_words('bridges', 'addressing'))})"
             f"(?:{alternation(_words('bridges', 'addressees'))}))")
ADDRESSEE = f"{ADDRESSED}?"
ADDRESSED_RE = re.compile(ADDRESSED)
# What follows a speaker's name up to the end of their speech verb: `等也在会上表示`, `笑着说道`.
# Attribution (names, reported speech, quotations) reads a speaker through this one pattern.
SPEECH_TAIL = f"{BRIDGE}{ADVERBIAL}{MANNER}(?:{CUE_ALT}){VERB_ENDING}"

# -- narrative -----------------------------------------------------------------------------
NARRATIVE_START = re.compile(f"(?:{alternation(_words('narrative', 'openers'))})")
AGENT_WORDS = _words("narrative", "agent_words")
OBJECT_MARKERS = _words("narrative", "object_markers")
TITLE_LEAD_IN = re.compile(f"(?:{alternation(_words('narrative', 'title_lead_ins'))})")
TITLE_CUTS = re.compile(f"(?:{alternation(_words('narrative', 'title_cuts'))})")
SPEECH_EVENTS = _words("narrative", "speech_events")
SUBJECT_OPENINGS = _words("narrative", "subject_openings")
VIEW_CLOSERS = _words("narrative", "view_closers")
COMPARISONS = _words("narrative", "comparisons")
AFTER_SUBJECT = _words("narrative", "after_subject")
SPEECH_EVENT_VERBS = _words("narrative", "speech_event_verbs")
NOTHING_REPORTED_WORDS = _words("narrative", "nothing_reported")
SHARED_VIEWS = _words("narrative", "shared_views")

# -- transcripts ---------------------------------------------------------------------------
ASKERS = frozenset(_words("transcript", "askers"))
ANSWERERS = frozenset(_words("transcript", "answerers"))
INTERVIEW_WORDS = _words("transcript", "interview_words")
SPEECH_TITLES = _words("transcript", "speech_titles")
SALUTATIONS = _words("transcript", "salutations")
CLOSINGS = _words("transcript", "closings")
INTERVIEW_TITLES = _words("transcript", "interview_titles")
PRESS_TITLES = _words("transcript", "press_titles")
BROADCAST_MARKS = _words("transcript", "broadcast_marks")
NOT_LABELS = frozenset(_words("transcript", "not_labels"))
CREDIT_MARKS = _words("transcript", "credit_marks")
SOUND_MARKS = frozenset(_words("transcript", "sound_marks"))
NARRATION_MARKS = frozenset(_words("transcript", "narration_marks"))

# -- questions -----------------------------------------------------------------------------
WHO_WORDS = _words("questions", "who")
ASKS_FOR_WORDS = _words("questions", "asks_for_words")
WHO = re.compile(alternation(WHO_WORDS))
ASKS_FOR_WORDS_RE = re.compile(alternation(ASKS_FOR_WORDS))
PLAIN_CUES = frozenset(_words("questions", "plain_cues"))
# Everything that makes a question about a named person a question about their words.
ASKS_FOR_SPEECH_RE = re.compile(alternation(ASKS_FOR_WORDS + SPEECH_VERBS))
WHO_IS_RE = re.compile(alternation(_words("questions", "who_is")))
ASKS_FOR_POST_RE = re.compile(alternation(_words("questions", "asks_for_post")))
ASKING_WORDS = frozenset(_words("questions", "asking"))
ASKED_QUESTIONS_RE = re.compile(alternation(_words("questions", "asked_questions")))
ASKING_RE = re.compile(alternation(ASKING_WORDS))
LIGHT_WORDS = frozenset(_words("questions", "light"))
# `柯雨桐的父亲`: a relative of the person named, right after the name.
RELATIVE_RE = re.compile(f"^的?(?:{alternation(_words('questions', 'relatives'))})")
RELATIVE_WORDS = tuple(tuple(entry.split()) for entry in _words("questions", "relative_words"))
FOLLOW_UP_PRONOUNS = _words("questions", "follow_up_pronouns")
FOLLOW_UP_PRONOUN_RE = re.compile(f"^(?:{alternation(FOLLOW_UP_PRONOUNS)})")
FOLLOW_UP_MORE_RE = re.compile(alternation(_words("questions", "follow_up_more")))
FOLLOW_UP_TAIL_RE = re.compile(f"(?:{alternation(_words('questions', 'follow_up_tails'))})$")
# Posts as questions and speakers' titles name them: the title words and the posts people ask
# about; longest first, so 副署长 wins over 署长.
POST_ALT = alternation(TITLE_WORDS + _words("questions", "posts"))
TITLE_RE = re.compile(POST_ALT)
TITLE_END_RE = re.compile(f"(?:{POST_ALT})$")
ORGANISATION_SUFFIXES = _words("questions", "organisation_suffixes")
ORGANISATION_RE = re.compile(
    f"^[{CJK}]{{2,}}?(?:{alternation(ORGANISATION_SUFFIXES)})$")
PLACE_SUFFIXES = _words("questions", "place_suffixes")
PLACE_RE = re.compile(f"^([{CJK}]{{2,}})(?:{alternation(PLACE_SUFFIXES)})$")

SETTING_RE = re.compile(
    f"(?:{alternation(_words('questions', 'setting_openers'))})([^，,。？?！!]{{1,24}}?)"
    f"(?:{alternation(_words('questions', 'setting_closers'))})")
ASKS_QUANTITY_RE = re.compile(alternation(_words("questions", "asks_quantity")))
ASKS_TIME_RE = re.compile(alternation(_words("questions", "asks_time")))
_NUMERAL = "0-9０-９〇零一二两三四五六七八九十百千万亿"
# A count: a numeral run and a unit, not an ordinal (第五届) and not a year (2024年).
COUNT_RE = re.compile(
    f"(?<![第{_NUMERAL}])(?![0-9]{{4}}年)(?!一[^{_NUMERAL}])[{_NUMERAL}][{_NUMERAL}.]*[多余几]?"
    f"(?:{alternation(_words('questions', 'measure_words'))})")
# A date or year: 1926年, 9月18日, 去年三月.
TIME_RE = re.compile(f"[{_NUMERAL}]+(?:年|月|日|号)|[去今明前]年|上世纪")

# -- what kind of answer a question asks for (`retrieval.asked`) ---------------------------------
ASKS_YEAR_RE = re.compile(alternation(_words("questions", "asks_year")))
ASKS_DAY_RE = re.compile(alternation(_words("questions", "asks_day")))
ASKS_CLOCK_RE = re.compile(alternation(_words("questions", "asks_clock")))
ASKS_MONEY_RE = re.compile(f"(?:{alternation(_words('questions', 'asks_money'))})钱?")
ASKS_SHARE_RE = re.compile(alternation(_words("questions", "asks_share")))
ASKS_DURATION_RE = re.compile(alternation(_words("questions", "asks_duration")))
ASKS_LENGTH_RE = re.compile(alternation(_words("questions", "asks_length")))
ASKS_AGE_RE = re.compile(alternation(_words("questions", "asks_age")))
ASKS_ORIGIN_RE = re.compile(alternation(_words("questions", "asks_origin")))
UNIT_CLASSES = tuple(tuple(entry.split()) for entry in _words("questions", "unit_classes"))
COUNT_WORDS = {entry.split()[0]: tuple(entry.split()[1:])
               for entry in _words("questions", "count_words")}
_UNITS = {unit for entry in UNIT_CLASSES for unit in entry} | set(
    _words("questions", "measure_words"))
# The unit a count asked for names: 多少吨, 几本, 多少个.
ASKED_UNIT_RE = re.compile(f"(?:多少|几)({alternation(_UNITS)})")
# A sum asked for by what it is (`工资多少`, `人均收入是多少`), and a share (`入住率有多高`).
_HOW_MUCH = "(?:有|是|为|达到|能有|大约|大概|一共|共)?(?:多少|多高|多大|几成)"
ASKS_SUM_RE = re.compile(f"({alternation(_words('questions', 'money_nouns'))}){_HOW_MUCH}")
ASKS_RATE_RE = re.compile(f"(?:{alternation(_words('questions', 'share_endings'))}){_HOW_MUCH}")
# A price by the unit (`多少钱一斤`, `一亩地要多少钱`): the unit it is asked by.
ASKS_PER_RE = re.compile(
    f"多少钱一({alternation(_UNITS)})|[一每]({alternation(_UNITS)})[^，,。？?]{{0,3}}多少钱")
# A count and its unit, the unit captured: 六十二万人次, 四十个学时 (a unit after 个), 八万元.
UNIT_COUNT_RE = re.compile(
    f"(?<![第])[{_NUMERAL}][{_NUMERAL}.]*(?:[多余几][万亿])?[多余几]?"
    f"(?:个(?=(?:{alternation(_UNITS)})))?({alternation(_UNITS)})")
# A share: 百分之五十八, 58%, 四成.
SHARE_RE = re.compile(f"百分之|[0-9.]+%|[{_NUMERAL}]成|分之[{_NUMERAL}]")
# A year (1926年, 去年, 上世纪五十年代) and a day (3月6日, 6号).
YEAR_RE = re.compile(f"[0-9〇零一二三四五六七八九]{{4}}年|[去今明前]年|上世纪|[{_NUMERAL}]+年前")
DAY_RE = re.compile(f"[{_NUMERAL}]+(?:月[{_NUMERAL}]*|日|号)|[昨今明前]天|[昨今明]日")
# A time of day: 晚上九点, 3时半, 十二点 (not 一点, "a little").
CLOCK_RE = re.compile(f"(?!一点)[{_NUMERAL}]{{1,3}}(?:点|时)(?:半|[{_NUMERAL}]{{1,2}}分)?")
ORIGIN_MARKERS = _words("questions", "origin_markers")
# Where someone is from: 来自…, 老家…, 湖南长沙县人, or an apposition `老吴，福建莆田人，`.
ORIGIN_RE = re.compile(
    f"(?:{alternation(ORIGIN_MARKERS)})|[{CJK}](?:省|市|县|区|镇|乡|村|州)人[,，。、;；)）]"
    f"|[,，][{CJK}]{{2,6}}人[,，。;；]")
ORGANISATION_ASKERS = _words("questions", "organisation_askers")
NOT_A_NAME_BEFORE = frozenset(_words("questions", "not_a_name_before"))
ASKED_ORGANISATIONS = {entry.split()[0]: tuple(entry.split()[1:])
                       for entry in _words("questions", "asks_organisation")}
ASKS_ORGANISATION_RE = re.compile(
    f"(?:{alternation(ORGANISATION_ASKERS)})({alternation(ASKED_ORGANISATIONS)})")

# -- search --------------------------------------------------------------------------------
STOP_WORDS = frozenset(_spaced("search", "stop_words"))
# Variant characters read as their standard simplified form, applied after OpenCC.
VARIANTS = str.maketrans({pair[0]: pair[1] for pair in _words("variants", "pairs")})
# Whether a text holds any of them: searching is six times faster than translating every text.
VARIANT_RE = re.compile("[" + "".join(pair[0] for pair in _words("variants", "pairs")) + "]")
