"""Recognising people in Chinese newspaper text: a title followed by a personal name.

Officials are written as their full title run straight into their name
(`杭州市人大常委会副主任、市总工会主席郑荣胜`). A name is found after the last title word of such a
run and is accepted only when the text after it is something that can follow a name (a cue verb
such as 表示, 等, 在, a comma, the end of the line…). No dictionary of people is needed, which is
what lets the same rules work on documents the project has never seen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words a title ends with, longest first so that 副主席 wins over 主席.
TITLE_WORDS = (
    "常务副主席", "党组副书记", "党委书记", "党组书记", "副主席", "副书记", "副主任", "副部长",
    "副局长", "副市长", "副县长", "副区长", "副校长", "副院长", "副会长", "副理事长", "副总经理",
    "总编辑", "副总编辑", "总经理", "董事长", "理事长", "秘书长", "巡视员", "调研员", "主席",
    "书记", "主任", "部长", "局长", "市长", "县长", "区长", "镇长", "乡长", "校长", "院长",
    "会长", "组长", "处长", "科长", "厂长", "经理", "总监", "委员", "常委", "代表", "所长",
    "馆长", "社长", "站长", "队长", "教授", "研究员", "劳模", "工程师", "技师", "律师",
    "工人", "职工", "员工", "教师", "老师", "医生", "护士", "师傅", "骑手", "快递员", "司机",
    "专家", "负责人", "发言人", "工匠", "班长", "车间主任", "农民工",
)
_TITLE_ALT = "|".join(sorted(set(TITLE_WORDS), key=len, reverse=True))

# Verbs that introduce what a person said, longest first.
CUE_WORDS = (
    "介绍说", "补充说", "强调说", "表示", "认为", "指出", "强调", "提出", "提到", "介绍",
    "说道", "谈到", "坦言", "直言", "透露", "建议", "呼吁", "补充道", "补充", "总结", "举例",
    "回忆", "感慨", "解释", "评价", "发言", "交流", "告诉", "分享", "希望", "要求", "表态", "寄语",
    "说明", "叮嘱", "回应称", "说",
)
_CUE_ALT = "|".join(sorted(set(CUE_WORDS), key=len, reverse=True))

# What may stand between a name and its cue verb: 等, 也, 还, 特别, 率先, 在…时/中, 结合…, 从….
_BRIDGE = (
    r"(?:等人|等)?(?:[，,]?(?:也|还|则|又|更|都|亦|均))?(?:特别|首先|率先|最后|专门|分别|共同|一致)?"
)
_ADVERBIAL = r"(?:(?:在|结合|从|就|围绕|针对|对|通过|联系)[^。！？；“”]{0,24}?(?:时|中|上|后|里|方面|现状|情况|实际|讲话|问题|来看)?[，,]?(?:并)?)?"

CJK = r"\u4e00-\u9fff"
_NAME_STOP = set("等在也还和及的与说是了着对从就将把被所")  # 所: 李强所说 is 李强 + 所说

# Phrases that make a subject collective: they name nobody, so nobody is quoted.
COLLECTIVE = re.compile(
    r"(大家|与会者|与会人员|与会代表|与会委员|委员们|代表们|主席们|干部们|同志们|各地|各级|"
    r"负责人们|两地|双方|多位|不少|很多|许多|他们|我们|一致|纷纷|共同认为|都认为|县市区|县市总)"
)



# The Hundred Family Surnames and other common ones: a personal name starts with one of these,
# which keeps verbs and nouns after a title (主席谈…, 主席们…) from passing for names.
_SINGLE_SURNAMES = set(
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛"
    "奚范彭郎鲁韦昌马苗凤花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅皮卞齐康"
    "伍余元卜顾孟平黄和穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝闵"
    "席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管卢莫经房裘缪干解应宗"
    "丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁荀羊於惠甄曲家封芮羿储靳汲邴糜松井段富巫"
    "乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄"
    "印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙池乔阴鬱胥能苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍却璩桑桂"
    "濮牛寿通边扈燕冀郏浦尚农温别庄晏柴瞿阎充慕连茹习宦艾鱼容向古易慎戈廖庾终暨居衡步都耿满弘"
    "匡国文寇广禄阙东欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空曾毋沙乜养鞠须丰巢关蒯相"
    "查后荆红游竺权逯盖益桓公仉督晋楚闫法汝鄢涂钦归海岳帅缑亢况郈有琴商牟佘佴伯赏墨哈谯笪年爱"
    "阳佟言福肖付仝郇匙"
)
_COMPOUND_SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "令狐", "端木", "澹台", "公冶", "申屠", "太史", "钟离", "闻人", "赫连", "轩辕", "独孤",
    "南宫", "百里", "呼延", "万俟", "拓跋", "西门", "第五",
)


def looks_like_name(candidate: str) -> bool:
    """Whether `candidate` can be a Chinese personal name (a known surname, 2–4 characters)."""
    if candidate.startswith(_COMPOUND_SURNAMES):
        return 3 <= len(candidate) <= 4
    return candidate[:1] in _SINGLE_SURNAMES and 2 <= len(candidate) <= 3


# A candidate jieba's dictionary counts more often than this is a word (周边, 许多), not a name;
# so is a surname before a common two-character word (强基础: 强 + 基础, a list's item).
_NAME_WORD_FREQUENCY = 120
_GIVEN_NAME_WORD_FREQUENCY = 1000


def looks_like_untitled_name(candidate: str) -> bool:
    """Whether `candidate`, standing with no title, is a name: name-shaped and rare as a word.

    Loads jieba's dictionary on first use (about half a second), so it is called only once the
    cheaper tests have passed. Names whose given name is also a common word (王建国) fail too:
    with no title to vouch for them, an unknown speaker is better than a word read as a name.
    """
    if not looks_like_name(candidate):
        return False
    import jieba

    jieba.dt.check_initialized()
    if (jieba.dt.FREQ.get(candidate) or 0) > _NAME_WORD_FREQUENCY:
        return False
    given = candidate[2:] if candidate.startswith(_COMPOUND_SURNAMES) else candidate[1:]
    return len(given) < 2 or (jieba.dt.FREQ.get(given) or 0) <= _GIVEN_NAME_WORD_FREQUENCY


@dataclass(frozen=True)
class Mention:
    """A person named in text: where the mention starts and ends, the name, and the title."""

    start: int
    end: int
    name: str
    title: str


# What follows a name: strong followers (a cue verb, a list separator, the end) are tried for
# every name length before the weak ones, so that 朱红认为 splits as 朱红 + 认为, not 朱红认 + 为.
_STRONG_FOLLOWERS = re.compile(
    rf"(?:{_BRIDGE}{_ADVERBIAL}(?:{_CUE_ALT}))|等|、|，|,|$|\s|：|:|。|）|\)|\*"
)
_WEAK_FOLLOWERS = re.compile(
    r"和|及|与|也|还|在|从|结合|率先|的|同志|宣布|主持|听取|参加|出席|到|率|带领|作|做|发表|"
    r"代表|致辞|讲话|宣读|通报|先后|分别|各|都|均|一行|先生|女士|补充|评价|谈|就|对|为|向|指|称"
)
# Narrative words that can stand right before a title without being part of it.
_LEAD_IN = re.compile(r"^(?:这是|据|由|经|而|但|并|其中|包括|如|以及|和|及|与|同时|随后|此外|另外|对此|会上|会议上)")
# Characters of organisations and titles, which no personal name in these texts contains.
_NOT_IN_NAMES = set("会副委党省市县区局部处科组总团协队站院校厂司们")


def split_name(after_title: str, strict: bool = False) -> str | None:
    """The personal name at the start of `after_title`, or None when none can be told apart.

    `strict` accepts a name only before a cue verb, a separator or the end of the text.
    """
    strong = _split_name(after_title, _STRONG_FOLLOWERS)
    if strong or strict:
        return strong
    return _split_name(after_title, _WEAK_FOLLOWERS)


def _split_name(after_title: str, followers: re.Pattern[str]) -> str | None:
    for length in (3, 2, 4):
        if len(after_title) < length:
            continue
        candidate = after_title[:length]
        if not re.fullmatch(rf"[{CJK}]+", candidate):
            continue
        if candidate[-1] in _NAME_STOP or candidate[0] in _NAME_STOP:
            continue
        if _NOT_IN_NAMES & set(candidate) or _TITLE_RUN.search(candidate):
            continue
        if not looks_like_name(candidate):
            continue
        if followers.match(after_title[length:]):
            return candidate
    return None


_TITLE_RUN = re.compile(rf"(?:{_TITLE_ALT})")
_TITLE_BREAK = re.compile(r"[。！？!?；;：:“”\"「」『』（）()\n，,]")


def _title_start(text: str, title_end: int, lower: int) -> int:
    """Index where the title ending at `title_end` begins: back to a clause break or `lower`.

    A comma ends a title, except where the clause before it is itself a title
    (`文成县政协副主席,县总工会主席刘建华`).
    """
    start = title_end
    while start > lower and not _TITLE_BREAK.match(text[start - 1]):
        start -= 1
    while start - 1 > lower and text[start - 1] in "，,":
        before = start - 1
        prev = before
        while prev > lower and not _TITLE_BREAK.match(text[prev - 1]):
            prev -= 1
        clause = text[prev:before]
        if clause.endswith(TITLE_WORDS) and len(clause) <= 30:
            start = prev
        else:
            break
    return start


def find_titled_mentions(text: str, strict: bool = False) -> list[Mention]:
    """Every `title + name` mention in `text`, left to right, not overlapping."""
    mentions: list[Mention] = []
    lower = 0
    for match in _TITLE_RUN.finditer(text):
        if match.start() < lower:
            continue
        name = split_name(text[match.end():], strict)
        if name is None:
            continue
        start = _title_start(text, match.end(), lower)
        title = text[start:match.end()].strip(" 　*、")
        title = _LEAD_IN.sub("", title)
        if not title or len(title) > 60:
            continue
        mentions.append(Mention(start=start, end=match.end() + len(name), name=name, title=title))
        lower = match.end() + len(name)
    return mentions


_TITLE_SPACE = re.compile(rf"({_TITLE_ALT})\s+(?=[{CJK}])")


def parse_byline(line: str) -> list[Mention] | None:
    """People named by a byline line that holds nothing but titles and names.

    `杭州市人大常委会副主任、市总工会主席郑荣胜` gives one mention, as does the typeset
    `…市总工会主席 郑荣胜` (positions are then in the line without that space); a list of such
    runs separated by 、 or spaces gives several. Anything else in the line (a verb, a
    sentence) gives None.
    """
    text = line.strip().strip("*").strip()
    if not text or len(text) > 80 or re.search(r"[。！？；，,:：“”]", text):
        return None
    text = _TITLE_SPACE.sub(r"\1", text)  # typeset `市总工会副主席 刘芳`
    mentions = find_titled_mentions(text)
    if not mentions:
        return None
    covered = "".join(text[m.start:m.end] for m in mentions)
    leftover = text
    for m in mentions:
        leftover = leftover.replace(text[m.start:m.end], "", 1)
    if re.sub(r"[\s、和及与]", "", leftover):
        return None
    return mentions if covered else None
