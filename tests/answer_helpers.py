"""Builders for the answer tests: a small union-newspaper corpus written here, and its answerer."""

from __future__ import annotations

from pathlib import Path

from config.settings import load_settings
from retrieval.answer import Answerer
from retrieval.chunking import chunk_document
from tests.helpers import make_document, write

SYMPOSIUM = """# 职工之家建设座谈会实录

西湖市总工会党组书记、常务副主席郑一鸣表示，今年将新建职工之家五十个，让职工下班有去处。他说，职工之家要建在车间旁边。

东山县总工会主席林晓燕认为，工会要打造“暖心驿站”，为快递员、送餐员提供歇脚的地方。驿站里有热水、有药箱，还能给手机充电。

南湖区总工会主席陈立新提出，要建设“学习型、服务型、创新型”工会，把职工培训放在首位。

与会者一致认为，座谈会开得及时，大家收获很大。

与会者一致认为，座谈会开得及时，大家收获很大。
"""

SPEECH = """# 在北岭市总工会全委会上的讲话

北岭市总工会主席方志远

各位委员：

过去一年，全市工会组织开展劳动竞赛一百二十场，参赛职工超过三万人。技能比武让一批青年工人脱颖而出。

今年要抓好困难职工帮扶。对困难职工建档立卡，做到应帮尽帮。春节前要走访慰问每一户困难职工家庭。
"""


def symposium_answerer() -> Answerer:
    """An answerer over SYMPOSIUM, built in memory through `from_passages`."""
    document = make_document(SYMPOSIUM, "symposium.txt")
    return Answerer.from_passages(chunk_document(document), [document], top_k=3)


def folder_answerer(folder: Path) -> Answerer:
    """An answerer over both texts written as files into `folder`, built as the CLI builds it."""
    write(folder / "docs", "symposium.txt", SYMPOSIUM)
    write(folder / "docs", "speech.txt", SPEECH)
    settings = load_settings(documents_dir=folder / "docs", cache_dir=folder / "cache")
    return Answerer.build(settings)


MEETING = """# 全省工会工作会议召开

本报讯 3月5日，全省工会工作会议在杭州召开。

浙江省总工会党组书记、主席李明远出席会议并讲话。李明远表示，今年全省工会要把服务新就业形态劳动者作为重点，新建户外劳动者服务站点五百个。

宁波市总工会党组书记、主席王海平介绍，宁波去年为快递员办理意外伤害保障两万份。他说，明年还要把网约车司机纳入保障范围。

杭州市人大常委会副主任、市总工会主席郑荣胜认为，工会要下沉到社区和园区，做到“职工在哪里，工会就在哪里”。

丽水市总工会党组书记、常务副主席陈子明透露，丽水将在年底前建成十个职工疗休养基地。

温州市总工会副主席林晓燕回应说，温州的骑手驿站已经覆盖所有街道，骑手可以免费喝水、充电。

李明远在总结时强调，各级工会要把职工的急难愁盼当作自己的事，一件一件抓落实。
"""


def meeting_answerer() -> Answerer:
    """An answerer over MEETING: five officials of five cities, each named with their posts."""
    document = make_document(MEETING, "meeting.txt")
    return Answerer.from_passages(chunk_document(document), [document], top_k=3)
