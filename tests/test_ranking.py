"""What a question's words weigh, when it is declined, and which paragraph answers first,
over small texts written here (a village feature, a traditional-Chinese report)."""

from __future__ import annotations

import pytest

from retrieval.directory import holds_post
from retrieval.ranking import headline_like, weigh
from retrieval.tokenize import normalize
from retrieval.answer import Answerer
from retrieval.chunking import chunk_document
from retrieval.readers import read_document
from tests.answer_helpers import (
    FACTORY,
    FAIR_2023,
    FAIR_2024,
    FAMILY,
    INTERVIEW,
    REPORT,
    TRADITIONAL,
    UNITS,
    answerer_of,
)


@pytest.fixture(scope="module")
def village():
    return answerer_of(REPORT, FACTORY)


def test_variant_characters_read_as_their_standard_form():
    assert normalize("衞生淸潔，値得") == "卫生清洁,值得"


@pytest.mark.parametrize("question", ["照顧服務員的薪資會調高到多少？",  # 繁體 about 繁體
                                      "照顾服务员的薪资会调高到多少？",  # simplified about 繁體
                                      "長照基金今年編列多少預算？"])
def test_traditional_documents_answer_questions_in_either_script(question):
    answer = answerer_of(TRADITIONAL).ask(question)
    assert answer.hits, question
    # Quoted in the document's own characters.
    assert "薪資" in answer.hits[0].passage.text or "預算" in answer.hits[0].passage.text


def test_words_that_only_ask_are_not_searched_and_light_words_weigh_little():
    df = {"合作社": 3, "开展": 2, "表态": 1}.get
    query = weigh(["合作社", "开展", "表态"], lambda t: df(t) or 0, 10, frozenset(), False)
    assert "表态" not in query.terms
    assert query.weights["开展"] < query.weights["合作社"]


def test_a_content_word_the_corpus_never_uses_declines_but_a_light_or_function_word_not():
    tags = {"门票": "n", "去世": "t", "帮忙": "v", "一共": "j", "那条": "mq"}.get
    df = {"景区": 2}.get

    def query(word: str):
        return weigh(["景区", word], lambda t: df(t) or 0, 10, frozenset(), False, tag=tags)

    assert query("门票").unanswerable and query("去世").unanswerable
    assert not query("帮忙").unanswerable  # light: an answer may put it otherwise
    assert not query("一共").unanswerable and not query("那条").unanswerable


def test_a_compound_of_words_the_corpus_uses_is_not_decisive():
    df = {"政协": 2, "主席": 3}.get
    query = weigh(["政协主席", "政协", "主席"], lambda t: df(t) or 0, 10, frozenset(), False,
                  tag=lambda t: "n")
    assert not query.unanswerable


@pytest.mark.parametrize("question", ["东岭村的门票多少钱？", "周望山是哪一年去世的？",
                                      "西山村有多少户加入了合作社？", "2019年东岭村卖了多少茶叶？"])
def test_questions_about_what_the_corpus_does_not_hold_are_declined(village, question):
    assert village.ask(question).hits == ()


def test_a_count_asked_for_comes_from_the_paragraph_stating_it_not_the_lead(village):
    # The lead names 东岭村, 茶叶, 合作社 and 加入 twice over; BM25 alone ranks it first.
    answer = village.ask("东岭村有多少户加入了茶叶合作社？")
    assert "一百二十六户" in answer.hits[0].passage.text
    assert answer.hits[1].passage.paragraph == 1


def test_a_word_jieba_cut_across_two_words_is_cut_again(village):
    # 村有 is no word of the village text: cut again it is 村 + 有, and the question answers.
    assert village.query_terms("东岭村有多少户")[:2] != ["东岭", "村有"]
    assert village.ask("东岭村有多少户加入了茶叶合作社？").hits


def test_a_headline_run_into_a_lead_is_recognised():
    assert headline_like(normalize("做有根的人走有光的路——某校长在开学典礼上的讲话尊敬的各位老师："))
    assert not headline_like(normalize("今天，全市劳模座谈会召开，气氛热烈。"))


def test_a_post_is_held_by_its_title_word_not_a_deputys():
    assert holds_post("院长张三作了讲话", "学院院长")
    assert not holds_post("副院长李四主持", "学院院长")
    assert holds_post("副院长李四主持", "学院副院长")


def test_a_speaker_question_set_somewhere_quotes_their_words_not_the_scene(village):
    answer = village.ask("周望山在采访中说了什么？")
    assert answer.kind == "speaker" and answer.speaker.name == "周望山"
    assert "三百八十万元" in answer.hits[0].passage.text


def test_who_holds_a_post_no_speaker_holds_is_found_in_the_text():
    text = ("# 学院召开教学工作会\n\n3月1日，化工学院召开教学工作会，学院副院长马文主持会议。\n\n"
            "院长杜明作了讲话，要求把课堂教学放在首位。\n")
    answer = answerer_of(text).ask("化工学院院长是谁？")
    assert answer.hits and "院长杜明" in answer.hits[0].passage.text


@pytest.fixture(scope="module")
def desk():
    return answerer_of(INTERVIEW, UNITS, FAMILY, REPORT)


def test_an_interviewers_question_is_not_the_answer_the_paragraph_after_it_is(desk):
    answer = desk.ask("青禾农业职业学院和普通高校比有什么不同？")
    assert answer.hits and answer.hits[0].passage.text.startswith("答：最大的不同是课堂在田里")


def test_a_subheading_run_into_a_units_lead_does_not_outrank_the_heads_words(desk):
    answer = desk.ask("县农业农村局今年要为种粮农户减免多少费用？")
    assert answer.hits and "不少于三百万元" in answer.hits[0].passage.text


def test_a_question_about_someones_relative_is_about_the_relative(desk):
    answer = desk.ask("宗晓川的父亲怎么看儿子回来？")
    assert answer.kind == "passages"  # not a question about 宗晓川's own words
    assert any("起初并不同意" in hit.passage.text for hit in answer.hits)


@pytest.mark.parametrize("question", [
    "宗晓川在省城一个月工资多少？",  # the text says only that it was more than his father's
    "宗晓川是哪所大学毕业的？",  # a bare 大学 names no university
    "青禾农业职业学院是哪一年建校的？",  # no year stated
])
def test_a_detail_no_paragraph_states_in_kind_is_declined(desk, question):
    assert not desk.ask(question).hits, question


def test_a_question_about_a_thing_no_paragraph_names_is_declined(desk):
    # The feature names the boatman, the interview names 技术: no paragraph names both.
    assert not desk.ask("宗福林撑船的技术怎么学？").hits


def test_a_name_only_the_title_holds_is_not_missing(desk):
    answer = desk.ask("邵远帆说学生一年有几个月在地里？")
    assert answer.hits and "四个月" in answer.hits[0].passage.text


def test_a_year_in_the_question_picks_the_document_dated_then(tmp_path):
    documents = []
    for name, text in (("fair_2023.md", FAIR_2023), ("fair_2024.md", FAIR_2024)):
        (tmp_path / name).write_text(text, "utf-8")
        documents.append(read_document(tmp_path / name, tmp_path))
    passages = [p for d in documents for p in chunk_document(d)]
    answerer = Answerer.from_passages(passages, documents)
    answer = answerer.ask("2024年的丰收节吸引了多少游客？")
    assert answer.hits and "十八万人次" in answer.hits[0].passage.text
    answer = answerer.ask("2023年的丰收节吸引了多少游客？")
    assert answer.hits and "十二万人次" in answer.hits[0].passage.text


CHAIR = """# 县总工会召开户外劳动者座谈会

5月6日，县总工会召开户外劳动者座谈会，县总工会主席柏文清出席并讲话。

柏文清在讲话中指出，户外劳动者是城市运行的重要力量，工会要当好他们的“娘家人”，把服务送到路边、送到站点。

柏文清强调，对座谈会上提出的进小区难、歇脚难等问题，县总工会将逐条梳理，能马上解决的马上解决，一时解决不了的要给出时间表和办法。

柏文清还透露，县总工会正在与县教育局协商，争取今年秋季为户外劳动者的随迁子女提供一批公办学校学位。
"""


def test_what_someone_said_starts_where_they_begin_and_a_telling_verb_picks_its_paragraph():
    answerer = answerer_of(CHAIR)
    said = answerer.ask("柏文清说了什么？")
    assert said.hits[0].passage.text.startswith("柏文清在讲话中指出")
    told = answerer.ask("柏文清透露了什么消息？")
    assert told.hits[0].passage.text.startswith("柏文清还透露")


PRESS_BRIEFING = """# 台风灾后复建记者会

主持人：接下来请交通处处长说明山区道路抢修情形。

交通处处长范志明：这次台风造成的坍方主要集中在青石乡和云岭乡，受损道路共有四十三处。

记者：想请问范处长，青石乡有果农说，他们下山的产业道路断了十天，荔枝运不出来，什么时候可以通？

范志明：这条产业道路我们知道，它是溪口村通往果园的主要道路。下方边坡整段滑落，必须先做临时挡土墙，否则一下雨又会再坍。

目前施工单位已经进场，预计本月二十五日可以先开放小型车通行。在通车以前，我们会协调乡公所安排人力，协助果农把荔枝运下山。

记者：灾后的农业救助什么时候开始申请？

范志明：救助由农业处受理，请果农留意乡公所公告。
"""


def test_an_answer_running_over_paragraphs_answers_from_the_one_stating_what_is_asked():
    # The reporter's question names the township; the official's answer names the village in
    # its first paragraph and gives the date only in its second.
    answer = answerer_of(PRESS_BRIEFING, REPORT).ask("青石乡溪口村那条产业道路什么时候可以通车？")
    assert answer.hits and "本月二十五日" in answer.hits[0].passage.text


SITTING = """# 議會質詢紀錄

主席：第一項質詢。

何嘉朗議員：主席，近年公共泳池的救生員流失嚴重，政府會否提高救生員的薪酬？

康體事務署署長韋家樂：主席，多謝何議員的質詢。去年署方共接獲四十六宗泳池安全投訴，已全部跟進。

何嘉朗議員：主席，署長可否說明，去年有多少宗泳池溺水事故？

康體事務署署長：主席，去年共發生三宗溺水事故，全部發生在非當值時段。
"""


def test_a_count_in_a_measure_word_of_cases_answers_how_many():
    answer = answerer_of(SITTING, REPORT).ask("去年署方接獲多少宗泳池安全投訴？")
    assert answer.hits and "四十六宗" in answer.hits[0].passage.text


def test_what_someone_asked_is_answered_by_their_questions_not_the_replies():
    answer = answerer_of(SITTING, REPORT).ask("何嘉朗議員問了泳池什麼問題？")
    assert answer.hits and answer.hits[0].passage.text.startswith("何嘉朗議員：")


FORUM = """# 职工发展论坛在嘉兴举行

11月29日，职工发展论坛在嘉兴举行。四地总工会负责人和专家学者共200余人参加。
"""


def test_an_abbreviation_the_corpus_never_uses_declines_the_question():
    desk = answerer_of(FORUM, REPORT)
    assert desk.ask("冬奥会在哪里举行？").kind == "not_found"
    assert desk.ask("职工发展论坛在哪里举行？").hits
