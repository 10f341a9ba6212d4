"""Scrambled columns reassembled on a roundup page written for this test."""

from __future__ import annotations

from retrieval.columns import join_gain, place_of
from tests.helpers import name_at, passages_of

ROUNDUP = """
新年新思路

东阳市人大常委会副主任、市总工会主席周文海：**服务大局 建功立业**

新的一年，东阳工会将围绕全市中心工作，组织职工开展劳动竞赛，认真学习领

西江市总工会党组书记、常务副主席陈晓燕：**普惠服务 温暖职工**

新的一年，西江工会将把普惠服务作为重点工作，具体内

北岭市政协副主席、市总工会主席吴志刚：**深化改革 激发活力**

新的一年，北岭工会将推进机关扁平化改革，全面贯

会省委全会精神，在东阳打造一批劳模工匠创新工作室，带动一线职工提升技能。（记者甲整理）

容包括为西江职工发放爱心卡，建设职工驿站，让户外劳动者冷可取暖、热可纳凉。（记者乙整理）

彻群团改革要求，让北岭基层工会活起来、强起来。（记者丙整理）
"""


def test_join_gain_reads_across_the_cut():
    assert join_gain("认真学习领", "会省委全会精神") > 1.0
    assert join_gain("具体内", "容包括") > 1.0
    assert join_gain("开展劳动竞赛。", "新的一年") == 0.0


def test_place_of_a_title():
    assert place_of("东阳市人大常委会副主任、市总工会主席") == "东阳"
    assert place_of("省总工会副主席") == ""


def test_continuations_are_reassembled_into_their_sections():
    passages = passages_of(ROUNDUP)
    assert name_at(passages, "劳模工匠创新工作室") == "周文海"
    assert name_at(passages, "为西江职工发放爱心卡") == "陈晓燕"
    assert name_at(passages, "让北岭基层工会活起来") == "吴志刚"
    first = next(p for p in passages if "认真学习领会省委全会精神" in p.text)
    assert first.section == "服务大局 建功立业"


def test_continuation_lists_its_place_in_the_file():
    passages = passages_of(ROUNDUP.replace("（记者甲整理）", "\n\n建设职工之家。（记者甲整理）"))
    moved = [p for p in passages if p.origin]
    assert moved and all("原文第" in p.origin for p in moved)


def test_weak_evidence_leaves_the_speaker_unknown():
    # Two cut sections, continuations that neither read on nor name a place: order alone is
    # not enough to put words in an official's mouth.
    text = """
甲市总工会主席赵一：**题一**

工会工作要坚持以职工为中心，做到

乙市总工会主席钱二：**题二**

工会干部要深入基层，切实做到

统筹兼顾。（记者丁整理）

久久为功。（记者戊整理）
"""
    passages = passages_of(text)
    assert name_at(passages, "统筹兼顾") is None
    assert name_at(passages, "久久为功") is None


TWO_ROUNDS = """
各地工会谈新年打算

东阳市总工会主席周文海：**建功新时代**

今年东阳工会将深入开展劳动竞赛，引导职工立足岗位建功立业。我们将组织技能比武，推动

西江市总工会党组书记、常务副主席陈晓燕：**温暖进万家**

今年西江工会将把困难职工帮扶作为头等大事，做到精准识别、精准帮扶。我们还要建设

北岭市总工会主席吴志刚：**改革添活力**

今年北岭工会将推进机关扁平化改革，让干部下沉基层。改革的重点是

东阳各类企业开展岗位练兵，全年举办技能比武一百场。

我们还将深化劳动竞赛，在重点工程中开展立功竞赛，带动

西江职工驿站二百个，让户外劳动者有歇脚的地方。

西江工会还将开展送温暖活动，覆盖全市困难职工，做到应帮尽帮，不落

北岭基层工会的活力建设，推动工会干部到基层一线工作。

更多职工参与技术创新，为东阳发展贡献力量。（记者甲整理）

一人。（记者乙整理）

北岭工会将把改革成效交给职工评判。（记者丙整理）
"""


def test_two_rounds_of_continuations_in_section_order():
    passages = passages_of(TWO_ROUNDS)
    for anchor, name in [
        ("全年举办技能比武一百场", "周文海"), ("在重点工程中开展立功竞赛", "周文海"),
        ("为东阳发展贡献力量", "周文海"), ("西江职工驿站二百个", "陈晓燕"),
        ("覆盖全市困难职工", "陈晓燕"), ("北岭基层工会的活力建设", "吴志刚"),
        ("交给职工评判", "吴志刚"),
    ]:
        assert name_at(passages, anchor) == name, anchor
    # Reading order: each section's continuations follow its own text.
    east = [p.text for p in passages if p.speakers and p.speakers[0].name == "周文海"]
    assert east[0].startswith("今年东阳工会") and "贡献力量" in east[-1]


def test_join_scores_are_jiebas_own() -> None:
    # The column model scores joins with jieba's unigram model, computed in columns.py without
    # jieba's DAG dicts and with the text after a cut scored once: the figures must be jieba's.
    import random

    import jieba

    from retrieval.columns import _best_log_prob, _routes

    tokenizer = jieba.dt
    tokenizer.check_initialized()

    def jiebas(text: str) -> float:
        route: dict[int, tuple[float, int]] = {}
        tokenizer.calc(text, tokenizer.get_DAG(text), route)
        return route[0][0]

    rng = random.Random(6)
    alphabet = "认真学习领会省委全会精神具体内容包括工会职工服务大局建功立业新的一年劳模工匠"
    texts = ["学习领会", "具体内容", "领会", "会省委全", "x", "工会。"]
    texts += ["".join(rng.choices(alphabet, k=rng.randint(1, 8))) for _ in range(400)]
    for text in texts:
        assert _best_log_prob(text) == jiebas(text), text
        for cut in range(1, len(text)):
            assert _routes(text, _routes(text[cut:]))[0] == jiebas(text), (text, cut)
