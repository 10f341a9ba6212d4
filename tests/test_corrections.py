"""Speaker corrections in the core: what a correction does to a passage, that a changed text
drops it, and that answers follow it."""

from __future__ import annotations

from retrieval.corrections import (
    Correction, MemoryCorrections, corrected, corrected_answer, text_hash,
)
from retrieval.models import Answer, Hit, Passage, Segment, Speaker
from tests.answer_helpers import symposium_answerer

LI = Speaker("李明", "北山市总工会主席")
WANG = Speaker("王芳", "南岭区总工会副主席")


def passage(text_parts: list[tuple[str, Speaker | None]]) -> Passage:
    text = "".join(t for t, _ in text_parts)
    return Passage("p0001", "a.txt", "标题", "", 1, text,
                   tuple(Segment(t, s) for t, s in text_parts))


def fix(p: Passage, speaker: Speaker | None) -> MemoryCorrections:
    return MemoryCorrections([Correction(p.id, text_hash(p.text), speaker, "admin", "now")])


def test_a_correction_replaces_speakers_and_keeps_narrative_nobodys():
    p = passage([("会议召开。", None), ("李明表示，要办实事。", LI), ("大家鼓掌。", None)])
    fixed = corrected(p, fix(p, WANG))
    assert [s.speaker for s in fixed.segments] == [None, WANG, None]
    assert "".join(s.text for s in fixed.segments) == p.text


def test_a_passage_with_no_speaker_becomes_wholly_the_corrected_speakers():
    p = passage([("要把职工书屋办到车间里。", None)])
    assert corrected(p, fix(p, LI)).speakers == (LI,)


def test_unknown_clears_every_speaker_and_joins_the_segments():
    p = passage([("李明表示，要办实事。", LI), ("王芳认为，要抓落实。", WANG)])
    fixed = corrected(p, fix(p, None))
    assert fixed.speakers == () and len(fixed.segments) == 1


def test_a_changed_text_no_longer_takes_the_correction():
    p = passage([("李明表示，要办实事。", LI)])
    changed = passage([("李明表示，要办更多实事。", LI)])
    source = fix(p, WANG)
    assert corrected(changed, source) is changed
    assert corrected(p, source).speakers == (WANG,)


def test_answers_follow_corrections_who_and_speaker_questions_alike():
    answerer = symposium_answerer()
    who = answerer.ask("谁提出要建设学习型工会？")
    assert who.speaker is not None and who.speaker.name == "陈立新"
    target = who.hits[0].passage
    answerer.corrections = fix(target, WANG)
    again = answerer.ask("谁提出要建设学习型工会？")
    assert again.speaker == WANG and again.hits[0].passage.speakers == (WANG,)
    assert answerer.passage(target.id).speakers == (WANG,)
    assert WANG in {s for p in answerer.neighbours(target.id) for s in p.speakers}
    # The person no longer speaks there, so a question about them no longer quotes it.
    theirs = answerer.ask("陈立新说了什么？")
    assert all(target.id != hit.passage.id for hit in theirs.hits)


def test_without_corrections_an_answer_is_left_as_it_is():
    answer = Answer("问", "passages", (Hit(passage([("文字。", None)]), 1.0, 1),))
    assert corrected_answer(answer, None) is answer
    assert corrected_answer(answer, MemoryCorrections()) is answer
