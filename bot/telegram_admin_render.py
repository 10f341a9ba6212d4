"""Telegram HTML for what admins read: feedback reports, statistics, confirmations, and what
became of a document they added or removed."""

from __future__ import annotations

from collections.abc import Sequence

from bot.feedback import VOTES, Report, Stats
from bot.telegram_render import esc, link, source_command
from retrieval.document_report import DocumentReport
from retrieval.presentation import TITLE_LIMIT, citation, clip, speaker_labels

FIX_USAGE = "用法：/fix 编号 姓名 [职务]，或 /fix 编号 发言人不详。编号见每条引用下方的“全文”。"
GRANT_USAGE = ("用法：/allow 用户ID 或 /deny 用户ID（群组 ID 为负数）；在群组中不带参数即指本群组，"
               "回复某人的消息即指此人。")
QUOTE = 200  # characters of a quote in a report
ADD_USAGE = "用法：/add 网页链接，例如 /add https://news.example.cn/2024/07/15/1.html"
REMOVE_USAGE = "用法：/remove 编号，编号见 /sources（每篇文档标题下方）。"
SPEAKERS_SHOWN = 200  # characters of the speaker list in the reply to an added document


def feedback_blocks(reports: Sequence[Report]) -> list[str]:
    """/feedback: each recent 👎 or 发言人有误 with the question, the quotes, speakers, links."""
    if not reports:
        return ["还没有 👎 或“发言人有误”的反馈。"]
    blocks = [f"<b>最近的反馈</b>（{len(reports)} 条，新的在前）："]
    for report in reports:
        lines = [f"<b>{esc(VOTES.get(report.vote, report.vote))}</b> {esc(report.at.replace('T', ' ')[:16])}"
                 f" · 用户 <code>{report.user_id}</code>",
                 f"问：{esc(clip(report.question, 200))}"]
        for shown in report.shown[:5]:
            lines += [f"<blockquote>{esc(clip(shown.quote, QUOTE))}</blockquote>",
                      f"—— {esc(clip(shown.speaker, 200))}　{source_command(shown.passage_id)}"]
        if not report.shown:
            lines.append("（当时没有引用原文）")
        blocks.append("\n".join(lines))
    return blocks


def stats_blocks(stats: Stats) -> list[str]:
    """/stats: questions per day, the share declined, unanswered questions, doubted passages."""
    share = f"{stats.declined_share:.0%}"
    head = [f"<b>提问统计</b>：共 {stats.total} 个问题，未能回答 {stats.declined} 个（{share}）"]
    if stats.days:
        head.append("最近 7 天：")
        head += [f"• {day}：{count} 问，未答 {declined}" for day, count, declined in stats.days]
    votes = " · ".join(f"{label} {stats.votes.get(vote, 0)}" for vote, label in VOTES.items())
    head.append(f"反馈：{esc(votes)}")
    blocks = ["\n".join(head)]
    if stats.unanswered:
        blocks.append("\n".join(["<b>最常问而未能回答的问题</b>："] + [
            f"• {esc(clip(question, 100))} — {times} 次" for question, times in stats.unanswered]))
    if stats.doubted:
        blocks.append("\n".join(["<b>最受质疑的段落</b>（👎 与“发言人有误”）："] + [
            f"• {source_command(passage)} — {doubts} 次：{esc(clip(quote, 80))}"
            for passage, doubts, quote in stats.doubted]))
    return blocks


def fixed(passage_id: str, before: str, after: str) -> str:
    return (f"已更正 {source_command(passage_id)} 的发言人：原显示为 {esc(before)}，现为 <b>{esc(after)}</b>。"
            "此后所有回答都按更正显示，重建索引后仍然有效；段落文字改变后更正失效。")


def granted(subject: int, allowed: bool, newly_restricted: bool) -> str:
    who = f"群组 <code>{subject}</code>" if subject < 0 else f"用户 <code>{subject}</code>"
    if not allowed:
        return f"已禁止{who}使用本机器人。"
    text = f"已允许{who}使用本机器人。"
    if newly_restricted:
        text += "注意：此前所有人都可以使用；现在只有被允许的用户和群组（以及管理员）可以使用。"
    return text


def totals(documents: int, passages: int) -> str:
    return f"现共收录 {documents} 篇文档、{passages} 段。"


def added(report: DocumentReport, documents: int, passages: int) -> str:
    """The reply to an admin who added a document: what the index now holds of it."""
    lines = [f"已收录《{esc(clip(report.title, TITLE_LIMIT))}》",
             f"编号：<code>{esc(report.id)}</code>"]
    cited = citation(report.source)
    if cited:
        lines.append(esc(cited))
    if report.source.url.startswith(("https://", "http://")):
        lines.append(f"原文：{link(report.source.url)}")
    count = f"共 {report.paragraphs} 段"
    left = []
    if report.captions:
        left.append(f"{report.captions} 段是图片说明")
    if report.repeated:
        left.append(f"{report.repeated} 段与已有段落重复")
    if left:
        count += f"（其中{'、'.join(left)}，不作为回答）"
    lines.append(count + "。")
    if report.speakers:
        labels = "；".join(speaker_labels(report.speakers, SPEAKERS_SHOWN))
        lines.append(f"发言人（{len(report.speakers)} 位）：{esc(labels)}")
    else:
        lines.append("没有找到署名的发言人：引用将显示“发言人不详”。")
    lines.append(totals(documents, passages))
    return "\n".join(lines)


def not_indexed(document_id: str, reason: str) -> str:
    return (f"文件已保存为 <code>{esc(document_id)}</code>，但未能收录：{esc(reason)}。"
            f"可用 /remove {esc(document_id)} 删除。")


def refused(name: str, reason: str) -> str:
    """A file or a link that was not added, and why (nothing was stored)."""
    return f"未能添加 {esc(clip(name, 120))}：{esc(reason)}。没有保存任何文件。"


def removed(document_id: str, title: str | None, documents: int, passages: int) -> str:
    named = f"《{esc(clip(title, TITLE_LIMIT))}》" if title else ""
    return f"已删除{named}（<code>{esc(document_id)}</code>）。{totals(documents, passages)}"
