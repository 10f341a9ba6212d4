"""Telegram HTML for what admins read: feedback reports, statistics, and confirmations."""

from __future__ import annotations

from collections.abc import Sequence

from bot.feedback import VOTES, Report, Stats
from bot.telegram_render import esc, source_command
from retrieval.presentation import clip

FIX_USAGE = "用法：/fix 编号 姓名 [职务]，或 /fix 编号 发言人不详。编号见每条引用下方的“全文”。"
GRANT_USAGE = ("用法：/allow 用户ID 或 /deny 用户ID（群组 ID 为负数）；在群组中不带参数即指本群组，"
               "回复某人的消息即指此人。")
QUOTE = 200  # characters of a quote in a report


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
