"""Paragraph chunks: broken lines rejoined, layout metadata kept out of the passages."""

from __future__ import annotations

import pytest

from retrieval.layout import Kind, classify, ends_sentence
from tests.helpers import make_document, passages_of

REPORT = """

# 春风送岗位 服务暖人心

本报讯 记者李明 通讯员赵刚报道 昨天，某市总工会举办春季招聘会，现场提供岗位两千多个。

招聘会现场人头攒动，前来求职的农民工络绎不绝。市总工会党组书记、常务副主席刘海洋介绍，今年的招聘会首次开设了网上

专场，求职者可以在手机上投递简历。

参加招聘会的职工在现场咨询。记者王芳 摄

SANGONGLUNTAN

（见习记者孙悦整理）
"""


def test_line_broken_mid_sentence_is_rejoined():
    texts = [p.text for p in passages_of(REPORT)]
    assert any("今年的招聘会首次开设了网上专场，求职者可以在手机上投递简历。" in t for t in texts)


def test_headings_credits_captions_and_labels_are_not_passages():
    passages = passages_of(REPORT)
    texts = " ".join(p.text for p in passages if p.kind == "text")
    captions = [p for p in passages if p.kind == "caption"]
    assert [c.text for c in captions] == ["参加招聘会的职工在现场咨询。记者王芳 摄"]
    assert captions[0].speakers == ()
    for metadata in ("春风送岗位", "记者王芳 摄", "SANGONGLUNTAN", "见习记者孙悦整理", "本报讯", "记者李明"):
        assert metadata not in texts
    assert texts.startswith("昨天，某市总工会举办春季招聘会")


def test_document_title_is_the_headline_without_markdown():
    assert make_document(REPORT).title == "春风送岗位 服务暖人心"


def test_markdown_residue_is_stripped_from_passages():
    text = "## 小标题\n\n**王小明** 观点\n\n这是**重点**内容，要认真落实。\n"
    passage = passages_of(text)[0]
    assert passage.text == "这是重点内容，要认真落实。"
    assert passage.section == "小标题"


def test_passage_ids_are_stable_and_segments_join_to_text():
    first = passages_of(REPORT)
    again = passages_of(REPORT)
    assert [p.id for p in first] == [p.id for p in again]
    assert len({p.id for p in first}) == len(first)
    for passage in first:
        assert "".join(s.text for s in passage.segments) == passage.text
        assert passage.paragraph >= 1 and passage.document_id == "doc.txt"


def test_sentence_ends_and_line_kinds():
    assert ends_sentence("完成任务。”")
    assert not ends_sentence("做好职工的“娘家人”")
    assert not ends_sentence("工会组织要实现自")
    assert classify(1, "（记者王海霞 通讯员王稼聘整理）").kind is Kind.CREDIT
    assert classify(1, "与会委员聚精会神。 记者周金友 摄").kind is Kind.CAPTION
    assert classify(1, "宁波市总工会党组书记、常务副主席王爱民").kind is Kind.BYLINE
    assert classify(1, "### 不忘初心").kind is Kind.HEADING
    assert classify(1, "□ 赵文斌 孙丽").names == ("赵文斌", "孙丽")
    assert classify(1, "■ 本报记者 李明").kind is Kind.LABEL
    assert classify(1, "□ 强基础").kind is not Kind.BYLINE


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = st.sampled_from(
    ["\n", "\n\n", "。", "，", "“", "”", "**", "# ", "（记者王某整理）", "市总工会主席张三", "表示",
     "说", "工会工作要", "学习领", "会精神", "记者李四 摄", "SANGONG", "abc", "👍", "\t", "：", "等"]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=60))
def test_any_text_chunks_without_error_and_segments_join(pieces):
    text = "".join(pieces)
    for passage in passages_of(text):
        assert "".join(s.text for s in passage.segments) == passage.text
        assert passage.text.strip()


def test_the_headline_is_read_from_the_leading_lines_alone():
    # Reading a file names it by its headline from `leading_lines`, which classifies only the
    # top of the file: the title must be the one the whole page's classification gives.
    from retrieval.layout import classify_document, leading_lines
    from retrieval.loading import document_paths
    from retrieval.sections import document_title
    from tests.conftest import SEEDS

    texts = [path.read_text("utf-8") for path in document_paths(SEEDS)]
    texts += [
        "一个很长的标题写成了句子没有句号——在开学典礼上的讲话\n\n正文第一段。\n",
        "\n\n标题\n——副标题\n\n第一段。\n\n小标题\n\n东阳市总工会主席周文海\n\n第二段。\n",
        "正文第一段就是一句话。\n\n下一段。\n",
        "标题\n\n小标题一\n\n小标题二\n\n市总工会主席李明：**主动作为**\n\n正文。\n",
        "", "\n\n", "只有一个标题\n",
        "# 一级标题\n\n## 二级标题\n\n答：回答一句话。\n",
    ]
    for text in texts:
        assert document_title(leading_lines(text), "fallback") == \
            document_title(classify_document(text), "fallback"), text[:40]


PAGE_OF_ARTICLES = """# 版面一：要闻

## 市总工会召开十五届三次全委会

本报讯 12月1日，市总工会召开十五届三次全委会。

## 劳模工作室再添二十家新成员

记者从市总工会获悉，今年全市新命名劳模创新工作室二十家。

## 职工书屋走进城东建筑工地

“以前下了班只能刷手机，现在能借书看了。”钢筋工鲍大勇说。
"""

ONE_REPORT_WITH_PARTS = """# 我市推进职工书屋建设

## 背景

过去，不少工地没有读书的地方。

## 做法

市总工会今年为四十个工地配送图书。
"""


def _title_of(passages, anchor):
    return next(p.document_title for p in passages if anchor in p.text)


def test_each_article_of_a_page_under_its_banner_is_cited_under_its_own_headline():
    passages = passages_of(PAGE_OF_ARTICLES)
    assert _title_of(passages, "十五届三次全委会") == "市总工会召开十五届三次全委会"
    assert _title_of(passages, "新命名劳模创新工作室") == "劳模工作室再添二十家新成员"
    assert _title_of(passages, "借书看了") == "职工书屋走进城东建筑工地"


@pytest.mark.parametrize("text", [
    ONE_REPORT_WITH_PARTS,
    ONE_REPORT_WITH_PARTS.replace("## 背景", "## 一、工地读书难的由来").replace(
        "## 做法", "## 二、市总工会的做法和成效"),
])
def test_the_parts_of_one_text_stay_under_its_title(text):
    passages = passages_of(text)
    assert {p.document_title for p in passages} == {"我市推进职工书屋建设"}
