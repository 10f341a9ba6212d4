"""Speaker attribution on texts written for these tests (each form the documents use)."""

from __future__ import annotations

import pytest

from tests.helpers import name_at, passages_of, speaker_at

ROUNDUP = """
稳就业 促增收

江北市人大常委会副主任、市总工会主席周明远

今年我们要把稳就业放在突出位置，推动职工技能提升行动全面铺开，努力让每一位职工

都有一技之长。

强服务 暖人心

南湖市总工会党组书记、常务副主席孙丽华

服务职工是工会的立身之本。我们将建设职工驿站一百个，让户外劳动者有歇脚的地方。

（记者钱进整理）
"""

REPORT = """
本报讯 记者吴文报道 昨天，全市工会工作会议召开。讨论现场气氛热烈，发言踊跃。

东城区政协副主席、区总工会主席赵立新表示，今年要把困难职工帮扶作为头等大事。他说，帮扶要精准到户。

“我们建立了夜间维权热线，职工随时可以求助。”西城区总工会主席钱小红说。

大家认为，工会工作必须贴近基层。

北城区总工会主席孙大伟、南城区总工会主席李春梅等认为，基层工会建设要抓紧抓实。

服务站点已覆盖全部街道，职工满意率明显提高。这是东城区总工会党组书记、常务副主席冯国强和西城区总工会党组书记、常务副主席陈美玲的共同体会。

“创新永无止境。”孙大伟在总结时表示，要继续推进工会改革。
"""


def test_section_byline_speaks_for_its_section_across_broken_lines():
    passages = passages_of(ROUNDUP)
    speaker = speaker_at(passages, "都有一技之长")
    assert speaker.name == "周明远"
    assert speaker.title == "江北市人大常委会副主任、市总工会主席"
    assert name_at(passages, "建设职工驿站一百个") == "孙丽华"


def test_headline_byline():
    text = "东湖市总工会主席吴一帆：**守好职工钱袋子**\n\n今年我们将全面推行工资集体协商。\n"
    passage = passages_of(text)[0]
    assert passage.speakers[0].name == "吴一帆"
    assert passage.section == "守好职工钱袋子"


@pytest.mark.parametrize("text, name, title", [
    ("# 标题\n\n**林清** 观点\n\n工会要把服务做到职工心坎上。\n\n（作者为某省总工会副主席）\n",
     "林清", "某省总工会副主席"),  # the title from the author's note
    ("某市总工会党组书记、常务副主席 王爱华\n\n今年要把职工服务做实。\n",
     "王爱华", "某市总工会党组书记、常务副主席"),  # typeset with a space before the name
])
def test_a_byline_gives_the_name_and_title(text, name, title):
    speaker = passages_of(text)[0].speakers[0]
    assert (speaker.name, speaker.title) == (name, title)


def test_multi_author_byline_keeps_every_author():
    text = "**张一二** **王三 李四** 观点\n\n基层工会要有活力。\n"
    assert passages_of(text)[0].speakers[0].name == "张一二、王三、李四"


def test_speech_speaker_is_the_name_under_the_title():
    text = "在全市工会大会上的讲话\n\n马国庆\n（2020年1月2日）\n\n同志们：今年的任务很重。\n"
    assert name_at(passages_of(text), "今年的任务很重") == "马国庆"


def test_inline_cue_and_pronoun_continuation():
    passages = passages_of(REPORT)
    assert name_at(passages, "困难职工帮扶作为头等大事") == "赵立新"
    assert name_at(passages, "帮扶要精准到户") == "赵立新"


def test_quote_before_speaker():
    assert name_at(passages_of(REPORT), "建立了夜间维权热线") == "钱小红"


def test_collective_subject_and_narrative_name_nobody():
    passages = passages_of(REPORT)
    assert name_at(passages, "工会工作必须贴近基层") is None
    assert name_at(passages, "讨论现场气氛热烈") is None


def test_joint_speakers_keep_every_name():
    speaker = speaker_at(passages_of(REPORT), "基层工会建设要抓紧抓实")
    assert [m.name for m in speaker.members] == ["孙大伟", "李春梅"]


def test_attribution_after_the_content():
    speaker = speaker_at(passages_of(REPORT), "服务站点已覆盖全部街道")
    assert speaker is not None and {m.name for m in speaker.members} == {"冯国强", "陈美玲"}


def test_short_mention_resolves_to_the_titled_person():
    passages = passages_of(REPORT)
    speaker = speaker_at(passages, "要继续推进工会改革")
    assert speaker.name == "孙大伟" and speaker.title == "北城区总工会主席"
    assert name_at(passages, "创新永无止境") == "孙大伟"


MORE = """
本报记者 林小雨

高新区总工会主席许晨,开发区总工会主席严峰,都提出要把新就业形态劳动者纳入工会。

港区总工会主席金涛等也分别结合各自工作实际,对下一步工作提出了看法和建议。

“我们把服务送到了工地上。”李卫东说。

他说，明年还要再建十个驿站。
"""


def test_comma_before_a_shared_cue_makes_a_joint_speaker():
    speaker = speaker_at(passages_of(MORE), "新就业形态劳动者纳入工会")
    assert [m.name for m in speaker.members] == ["许晨", "严峰"]


def test_naming_people_without_reporting_their_words_attributes_nothing():
    assert name_at(passages_of(MORE), "提出了看法和建议") is None


def test_untitled_name_before_a_cue_and_a_pronoun_in_the_next_paragraph():
    passages = passages_of(MORE)
    assert name_at(passages, "我们把服务送到了工地上") == "李卫东"
    assert name_at(passages, "明年还要再建十个驿站") == "李卫东"


def test_pronoun_without_a_recent_speaker_stays_unknown():
    text = "会议强调，要抓好安全生产。\n\n会场秩序井然。\n\n他说，要落实责任。\n"
    assert name_at(passages_of(text), "要落实责任") is None


def test_reporter_line_is_metadata_not_a_speaker():
    passages = passages_of(MORE)
    assert all("林小雨" not in p.text for p in passages)
    assert all(s.name != "林小雨" for p in passages for s in p.speakers)


def test_common_words_before_a_cue_are_not_names():
    text = "许多人认为，工会工作大有可为。\n"
    assert name_at(passages_of(text), "工会工作大有可为") is None


NEWS = """职工书屋建设提速

本报记者 王伟

本报讯 近日，全国总工会召开职工书屋建设推进会。全总书记处书记李明在会上指出，职工书屋是服务职工的重要阵地。

“我们厂的书屋有两万多册藏书。”在推进会上，来自某钢铁企业的一线工人张小红说。

与会代表认为，职工书屋要与数字阅读相结合。

中国劳动关系学院教授刘志远在接受记者采访时说，书屋的关键在于用起来。他建议，把书屋与技能培训结合起来。

记者：书屋下一步怎么建？

刘志远：要向新就业形态劳动者延伸。
"""


def test_a_news_article_of_a_kind_not_in_the_seeds():
    passages = passages_of(NEWS)
    assert name_at(passages, "职工书屋是服务职工的重要阵地") == "李明"
    assert name_at(passages, "有两万多册藏书") == "张小红"
    assert name_at(passages, "与数字阅读相结合") is None
    assert name_at(passages, "书屋的关键在于用起来") == "刘志远"
    assert name_at(passages, "把书屋与技能培训结合起来") == "刘志远"
    assert name_at(passages, "书屋下一步怎么建") is None
    speaker = speaker_at(passages, "向新就业形态劳动者延伸")
    assert speaker.name == "刘志远" and speaker.title == "中国劳动关系学院教授"
    assert "近日，全国总工会召开" in passages[0].text and name_at(passages, "近日") is None


def test_an_unresolved_voice_ends_the_previous_speakers_turn():
    text = "市总工会主席王五表示，要办好职工食堂。有关部门负责同志指出，要坚持以人民为中心。\n"
    passages = passages_of(text)
    assert name_at(passages, "要办好职工食堂") == "王五"
    assert name_at(passages, "要坚持以人民为中心") is None


def test_a_title_after_the_name_vouches_for_it():
    text = "市总工会主席王五表示，要办好职工食堂。李明远总书记指出，要坚持以人民为中心。\n"
    passages = passages_of(text)
    assert name_at(passages, "要办好职工食堂") == "王五"
    assert name_at(passages, "要坚持以人民为中心") == "李明远"


def test_a_narrative_quote_names_no_speaker_even_if_the_paragraph_has_one():
    text = "讨论现场气氛热烈，发言踊跃。东城区总工会主席赵立新表示，今年要把困难职工帮扶作为头等大事。\n"
    passage = passages_of(text)[0]
    assert passage.speakers_in("讨论现场气氛热烈，发言踊跃。") == ()
    assert [s.name for s in passage.speakers_in("今年要把困难职工帮扶作为头等大事")] == ["赵立新"]
    assert passage.speakers_in("不在文中的话") == passage.speakers


def test_words_an_author_quotes_are_the_quoted_persons():
    text = ("**林清** 观点\n\n职工书屋不能成摆设。市总工会主席张大伟表示，书屋要按职工的需要配书。"
            "我认为，这句话说到了点子上。\n\n“书要常换常新。”张大伟说。\n")
    passages = passages_of(text)
    assert name_at(passages, "不能成摆设") == "林清"
    assert name_at(passages, "按职工的需要配书") == "张大伟"
    assert name_at(passages, "这句话说到了点子上") == "林清"
    assert name_at(passages, "书要常换常新") == "张大伟"
    assert name_at(passages, "张大伟说。") is None  # the narration that names him is nobody's


OPINION = """
# 让职工书屋真正“活”起来

□ 赵文斌

近年来，各地建了不少职工书屋，但有的书屋成了摆设。

市总工会主席张大伟表示，书屋要按职工的需要配书。我认为，这句话说到了点子上。

（作者单位：某市总工会宣教部）

# 技能比武再出发

■ 某市总工会副主席 刘芳 王小明

技能比武要让一线职工唱主角。
"""


def test_a_marked_byline_names_its_authors_and_what_they_quote_stays_with_the_quoted():
    passages = passages_of(OPINION)
    speaker = speaker_at(passages, "有的书屋成了摆设")
    assert (speaker.name, speaker.title) == ("赵文斌", "某市总工会宣教部")
    assert name_at(passages, "书屋要按职工的需要配书") == "张大伟"
    assert name_at(passages, "这句话说到了点子上") == "赵文斌"
    assert name_at(passages, "让一线职工唱主角") is None  # 王小明 has no title: not a byline


def test_marks_before_reporters_and_list_items_name_no_author():
    for line in ("□ 本报记者 李明", "□ 强基础", "● 文明", "◆ 王建国"):
        text = f"# 标题\n\n{line}\n\n要把基层组织建好，让职工有处说理。\n"
        assert name_at(passages_of(text), "让职工有处说理") is None, line


def test_a_marked_byline_after_an_article_starts_the_next_one():
    text = "# 标题\n\n□ 李明\n\n第一篇讲的是工会。\n\n# 另一篇\n\n◎ 赵文斌 孙丽\n\n第二篇讲的是职工。\n"
    passages = passages_of(text)
    assert name_at(passages, "第一篇讲的是工会") == "李明"
    assert name_at(passages, "第二篇讲的是职工") == "赵文斌、孙丽"
    assert all("赵文斌" not in p.text for p in passages)


def test_an_authors_sign_off_ends_the_article_so_the_next_one_is_not_theirs():
    signed_apart = "**林清** 观点\n\n工会要把服务做到职工心坎上。\n\n（作者为某省总工会副主席）\n\n## 短讯\n\n昨天，某区举办了职工运动会。\n"
    signed_inline = "**林清** 观点\n\n工会要把服务做到职工心坎上。（作者单位：某省总工会）\n\n昨天，某区举办了职工运动会。\n"
    for text in (signed_apart, signed_inline):
        passages = passages_of(text)
        assert name_at(passages, "做到职工心坎上") == "林清"
        assert name_at(passages, "举办了职工运动会") is None
    assert passages_of(signed_apart)[-1].section == "短讯"


def test_he_after_a_speech_is_the_speaker_and_after_someone_else_is_unknown():
    text = (
        "昨天，全市工会工作会议召开。市总工会党组书记、主席王建平作了讲话。他强调，要把职工利益放在首位。\n\n"
        "会上，市委常委、组织部部长王建国出席会议并讲话。他指出，工会要服务大局。\n\n"
        "市总工会主席吴红梅表示，要敢于维权。会议由市总工会副主席陈立主持。他说，会议开得很好。\n\n"
        "区总工会主席孙强表示，要办好职工食堂。有关负责人表示，食堂已经开工。他说，年底前完工。\n"
    )
    passages = passages_of(text)
    assert name_at(passages, "要把职工利益放在首位") == "王建平"
    assert name_at(passages, "工会要服务大局") == "王建国"
    assert name_at(passages, "会议开得很好") is None  # not 吴红梅: 陈立 came between, and gave no speech
    assert name_at(passages, "年底前完工") is None


def test_what_someone_is_cited_as_saying_does_not_make_a_name_of_its_particle():
    text = "市总工会主席吴红梅表示，要敢于维权。正如市委书记李强所说，工会要有担当。这是我们的出发点。\n"
    passage = passages_of(text)[0]
    assert [s.name for s in passage.speakers] == ["吴红梅"]  # no 李强所
    assert name_at([passage], "工会要有担当") is None


def test_less_common_speech_verbs():
    text = ("对此，市总工会副主席陈立回应称，驿站选址已经确定。\n\n"
            "“驿站要有热水，还要有药箱。”在调研时，市总工会主席吴红梅叮嘱道。\n")
    passages = passages_of(text)
    assert name_at(passages, "驿站选址已经确定") == "陈立"
    assert name_at(passages, "还要有药箱") == "吴红梅"


@pytest.mark.parametrize("text, anchor, name, title", [
    ("座谈会上，主持人宣读了市人力资源和社会保障局副局长诸葛明的书面发言。诸葛明说，今年将新增见习岗位三千个。",
     "新增见习岗位三千个", "诸葛明", "市人力资源和社会保障局副局长"),
    ("大家围绕全会精神以及市总工会主席邝立军的报告展开讨论。邝立军表示，要把职工之家建到楼宇里。",
     "职工之家建到楼宇里", "邝立军", "市总工会主席"),
    ("我刚进厂时跟着老钳工马德顺学手艺。他说，锉刀要稳，心更要稳。",
     "锉刀要稳", "马德顺", "老钳工"),
    ("“船要天天开。”守了四十年渡口的船工施长根说。",
     "船要天天开", "施长根", "守了四十年渡口的船工"),
])
def test_a_title_starts_after_the_verb_that_introduces_it(text, anchor, name, title):
    speaker = speaker_at(passages_of(text), anchor)
    assert speaker is not None and (speaker.name, speaker.title) == (name, title)
