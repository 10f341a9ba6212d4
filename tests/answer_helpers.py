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


REPORT = """# 东岭村办起茶叶合作社 村民家门口增收

东岭村茶叶合作社成立以来，加入茶叶合作社的东岭村茶农越来越多，东岭村茶叶合作社成了全村的“钱袋子”。

东岭村地处山区，种茶的历史有两百多年。过去村民各自采茶、各自卖茶，价格一直上不去。

合作社实行统一采摘、统一加工、统一销售，还请来专家指导茶园管理，帮村民把茶叶卖进了省城的超市。目前，全村共有一百二十六户加入了合作社。

合作社理事长周望山介绍，去年合作社的茶叶销售额达到三百八十万元。他说，明年要建一座新的加工厂。

镇里还请来农技专家，在东岭村开办了茶园管理培训班。

镇农业服务中心副主任孔令华说，培训班已经办了四期，参加的茶农有两百多人次。
"""

TRADITIONAL = """# 長照服務據點擴大設置

衛生福利部今天下午舉行記者會，說明長期照顧服務據點的擴大設置計畫。

長照司司長祝健芳表示，據點的照顧服務員薪資將調高到每月三萬二千元，以解決人力不足的問題。

經費來自長照基金，今年編列的預算是六百億元，足以支應新增據點。
"""


FACTORY = """# 城东机械厂工会为一线职工办实事

城东机械厂工会今年把职工食堂改造列为第一件实事，新食堂在五月投入使用。

厂工会主席韩立新介绍，改造后的食堂每天供应三餐，夜班职工也能吃上热饭。

工会还在车间旁边建了职工书屋，藏书两千多册，职工下班后可以借阅。

针对青年职工多的特点，工会组织了技能比武，比武优胜者可以破格晋升技师。

厂里的劳模创新工作室去年完成技术革新十二项，为企业节约成本四百多万元。

工会女工委员会开设了“爱心妈咪小屋”，为哺乳期女职工提供方便。

每逢夏季高温，工会都会到一线送清凉，把绿豆汤和防暑药品送到每个班组。
"""


def answerer_of(*texts: str) -> Answerer:
    """An answerer over the texts written here, built in memory, one document each."""
    documents = [make_document(text, f"doc{i}.txt") for i, text in enumerate(texts)]
    passages = [p for document in documents for p in chunk_document(document)]
    return Answerer.from_passages(passages, documents, top_k=3)
