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
