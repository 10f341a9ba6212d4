"""Words for retrieval: the stop words to ignore and the corpus's own terms to keep whole.

jieba's dictionary does not know the names, places and coined terms of a particular corpus
(郑荣胜, 甬工惠, 一都三城); the user dictionary is built from the corpus at index time so that
passages and questions are cut the same way.

The stop words are function words and the words that say how a question is asked (请问, 是谁,
说了什么). They are a short curated list rather than a general list such as stopwords-iso's
Chinese one: that list also drops numerals (六, 三), places' suffixes (区) and 做/用/看, which carry
the content of short questions here, and it scored no better on our measurements (see issue 4).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from retrieval.models import Passage, Speaker

# Function words and question words: they say how a question is asked, not what it is about.
STOP_WORDS = frozenset(
    """
    的 了 是 在 和 与 及 或 也 还 就 都 而 并 又 把 被 将 对 从 向 以 于 为 之 其 这 那 这个 那个 这些 那些
    一个 一些 有 没有 没 不 很 更 最 要 会 能 可以 可 让 使 给 等 等等 着 过 吗 呢 吧 啊 呀 么 嘛 哦 哈
    我 你 他 她 它 我们 你们 他们 她们 它们 自己 什么 怎么 怎样 怎么样 如何 为什么 为何 哪 哪些 哪个 哪里
    哪儿 哪位 谁 是谁 几 多少 多 何 啥 请问 请 告诉 一下 关于 有关 问题 说 说了 说过 讲 讲了 谈 谈了 提出 提出了
    认为 表示 指出 观点 看法 怎么看 如何看 有没有 是不是 能否 是否 所 该 个 些 上 下 中 里 后 前 时
    所以 因为 但是 但 然而 如果 咋 咋样 干什么 做什么 哪方面 方面 内容 情况 呀 啦 嗯 您
    the a an of to in on at for is are was were be been what who whom how why which when where
    do does did can could would should will and or not with by from as it its this that these
    those i you he she we they me my your please tell about
    """.split()
)

# Bump when `corpus_terms` gives other terms for the same passages: each passages entry records
# them (tests/test_versions.py).
VOCABULARY_VERSION = 1

_OPENING_MARKS = "“「『\""
_QUOTED_TERM = re.compile(r"[“「『\"]([\u4e00-\u9fff0-9A-Za-z·+\-]{2,12})[”」』\"]")
# A place at the start of a title, or after 、/，: `台州市总工会…`, `绍兴柯桥区总工会主席`.
_TITLE_PLACE = re.compile(r"(?:^|[、，,；])([\u4e00-\u9fff]{2,3}(?:省|市|县|区))")


def corpus_terms(passages: Iterable[Passage]) -> set[str]:
    """Speaker names, places in their titles and terms in quotation marks, kept as whole words."""
    terms: set[str] = set()
    for passage in passages:
        terms.update(quoted_terms(passage.text))
        for speaker in passage.speakers:
            for member in speaker.members or (speaker,):
                terms.update(speaker_terms(member))
    return terms


def quoted_terms(text: str) -> list[str]:
    """Terms in quotation marks: `“暖心驿站”`."""
    if not any(mark in text for mark in _OPENING_MARKS):  # most paragraphs quote nothing
        return []
    return _QUOTED_TERM.findall(text)


def speaker_terms(member: Speaker) -> list[str]:
    """A speaker's name (when it looks like one) and the places at the start of their title."""
    terms = _TITLE_PLACE.findall(member.title)
    if 2 <= len(member.name) <= 4:
        terms.append(member.name)
    return terms
