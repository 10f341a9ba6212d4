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

INTERVIEW = """# 把课堂搬到田野——访青禾农业职业学院院长邵远帆

编者按：青禾农业职业学院今年入选省级“双高”建设单位。学院如何办出特色？记者专访了院长邵远帆。

问：学院和普通高校相比，最大的不同是什么？

答：最大的不同是课堂在田里。我们有一千二百亩实训基地，学生一年有四个月在地里跟着农时学。

问：毕业生都去了哪里？

答：去年毕业生有八成回到了县里，很多人成了合作社的技术骨干。
"""

UNITS = """# 各部门传达全县春耕工作会议精神

县农业农村局：抓好春耕备耕“第一仗”3月2日上午，县农业农村局召开专题会议，传达全县春耕工作会议精神。会议由局长温景川主持。

温景川指出，今年全县要落实粮食播种面积四十二万亩，为种粮农户减免农机作业费用不少于三百万元。

县水利局：确保春灌用水3月3日，县水利局召开干部大会。局长苗立秋出席会议并讲话。

苗立秋强调，各灌区要在3月底前完成渠道清淤，确保春灌用水不断档。
"""

FAMILY = """# 渡口边的父子

老渡口边住着一对父子。父亲宗福林今年七十岁，撑了一辈子船；儿子宗晓川大学毕业后，在省城做了五年工程师。

去年，宗晓川辞职回到渡口，开起了民宿。“城里的工资高，可这里才是家。”宗晓川说。

对于儿子回来，宗福林起初并不同意。“撑船挣不了大钱，他在省城一个月的工资，我一年都挣不到。”他说。
"""

FAIR_2023 = """---
title: 青禾县农民丰收节闭幕
date: 2023-09-25
---
9月24日，为期三天的农民丰收节在县体育中心闭幕。本届丰收节吸引游客约十二万人次，农产品销售额达到一千六百万元。
"""

FAIR_2024 = """---
title: 青禾县农民丰收节落幕 游客人次创新高
date: 2024-09-24
---
9月23日，农民丰收节在县体育中心落幕。本届丰收节吸引游客约十八万人次，农产品销售额达到两千三百万元。
"""
