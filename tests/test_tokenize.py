"""Tokenization: questions and passages cut alike, normalised, with the corpus's own words."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval.tokenize import Tokenizer, abbreviations, normalize, normalize_aligned


def test_normalize_folds_width_traditional_and_case():
    assert normalize("ＧＤＰ與勞動關係") == "gdp与劳动关系"


def test_normalize_aligned_maps_back_to_source_characters():
    text, origin = normalize_aligned("Ａ㈠勞")
    assert text == "a(一)劳"
    assert [origin[i] for i in range(len(text))] == [0, 1, 1, 1, 2]


def test_question_and_passage_share_terms_whatever_the_script():
    tokenizer = Tokenizer(["暖心驿站"])
    passage = set(tokenizer.tokens("工会要打造“暖心驿站”，为快递员提供歇脚的地方。"))
    question = tokenizer.tokens("暖心驛站是什麼？")
    assert "暖心驿站" in question and set(question) <= passage


def test_stop_words_and_punctuation_are_dropped():
    assert Tokenizer().tokens("请问，是谁说的？！") == []


def test_latin_and_numbers_stay_whole_in_chinese_text():
    tokens = Tokenizer().tokens("服务保障G20峰会，85%的经费留在基层")
    assert "g20" in tokens and "85%" in tokens


def test_place_names_are_also_indexed_by_their_stem():
    tokens = Tokenizer(["柯桥区"]).tokens("柯桥区总工会")
    assert "柯桥区" in tokens and "柯桥" in tokens


def test_enumerations_are_indexed_by_their_numeric_abbreviation():
    assert abbreviations("打造“学习型、创新型、服务型”工会") == ["三型"]
    assert abbreviations("机关化、行政化、贵族化、娱乐化") == ["四化"]
    assert abbreviations("我和你") == []


def _tokens_as_before(tokenizer: Tokenizer, text: str, hmm: bool) -> list[str]:
    """`Tokenizer.tokens` as first written (a generator per word), the reference for the lean one."""
    from retrieval.tokenize import _LATIN_RUN, _PLACE, _WORD

    def han(piece: str):
        if not piece.strip():
            return
        if tokenizer.search_mode:
            yield from tokenizer._jieba.cut_for_search(piece, HMM=hmm)
        else:
            yield from tokenizer._jieba.cut(piece, HMM=hmm)

    def cut(text: str):
        position = 0
        for match in _LATIN_RUN.finditer(text):
            yield from han(text[position:match.start()])
            yield match.group()
            position = match.end()
        yield from han(text[position:])

    out = []
    text = normalize(text)
    for word in cut(text):
        word = word.strip()
        if not word or not _WORD.search(word) or word in tokenizer.stop_words:
            continue
        out.append(word)
        place = _PLACE.match(word)
        if place and place.group(1) not in tokenizer.stop_words:
            out.append(place.group(1))
    out.extend(abbreviations(text))
    return out


def test_lean_tokens_equal_the_first_implementation_on_every_seed_paragraph():
    from pathlib import Path

    from retrieval.chunking import chunk_document
    from retrieval.loading import load_documents
    from retrieval.models import Document
    from retrieval.vocabulary import corpus_terms

    seeds = Path(__file__).resolve().parent.parent / "seeds"
    passages = [p for d in load_documents(seeds) if isinstance(d, Document)
                for p in chunk_document(d)]
    texts = [p.text for p in passages] + [
        "服务保障G20峰会，85%的经费留在基层", "柯桥区总工会 2016-05-01 发布1.2.3版", "  ，。 ",
        "", "请问，是谁说的？！", "ＧＤＰ與勞動關係 a-b c.d 5·1 x+y", "学习型、创新型、服务型工会",
    ]
    for search_mode in (True, False):
        tokenizer = Tokenizer(corpus_terms(passages), search_mode=search_mode)
        for hmm in (True, False):
            for text in texts:
                for _ in range(2):  # the second time from the remembered words
                    assert tokenizer.tokens(text, hmm=hmm) == _tokens_as_before(
                        tokenizer, text, hmm), text


# -- shortcuts proven against the plain computation -----------------------------------------

def _seed_texts() -> list[str]:
    """Every non-empty line of the seeds, as written and normalised."""
    from pathlib import Path

    seeds = Path(__file__).resolve().parent.parent / "seeds"
    lines = [line for path in sorted(seeds.glob("*.txt"))
             for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    assert len(lines) > 200
    return lines + [normalize(line) for line in lines]


def _enumerations_as_before(text: str) -> list[tuple[tuple[int, int], str]]:
    from retrieval.tokenize import _ENUMERATION

    return [(m.span(), m.group(1)) for m in _ENUMERATION.finditer(text)]


def _assert_enumerations_alike(text: str) -> None:
    from retrieval.tokenize import _enumerations

    assert [(m.span(), m.group(1)) for m in _enumerations(text)] == _enumerations_as_before(
        text), text


def _abbreviations_as_before(text: str) -> list[str]:
    """`abbreviations` as first written: the whole text searched."""
    import re

    from retrieval.tokenize import _ENUMERATION, _NUMERALS

    found = []
    for match in _ENUMERATION.finditer(text):
        suffix = match.group(1)
        items = [item for item in re.split(r"[、，,和与及]", match.group()) if item.endswith(suffix)]
        if 2 <= len(items) <= len(_NUMERALS) and suffix not in "的了和与及":
            found.append(_NUMERALS[len(items) - 1] + suffix)
    return found


ENUMERATIONS = [
    "打造“学习型、创新型、服务型”工会", "机关化、行政化、贵族化、娱乐化", "我和你", "",
    "政治性、先进性、群众性", "政治性,先进性和群众性", "政治性，先进性与群众性及人民性",
    "学习型、\n创新型、服务型", "学习型\n、创新型", "学习型、创新型\n", "的、的", "了了、了了",
    "甲x、乙x", "甲x,乙x和丙x", "a型、b型", "学习型、型", "、学习型、创新型", "学习型、创新型、",
    "一二三四五六型、创新型", "一二三四五型、一二三四五型", "学习型、一二三四五六型",
    "一型、二型、三型、四型、五型、六型、七型、八型、九型、十型、十一型", "型型、型型、型型",
    "好、好、好、好", "好好、好、好好好", "实现好、维护好、发展好职工群众切身利益",
    "。" * 70 + "学习型、创新型", "学习型、创新型" + "。" * 70,
    "前" * 80 + "、".join(["甲乙丙丁戊型"] * 10) + "后" * 80,
    # The farthest a match reaches back from the text's first ending (its own: the items' last
    # characters differ): separators 7 apart, the first 6 after the match's start.
    "前。" * 40 + "、".join(f"甲乙丙丁戊{c}" for c in "子丑寅卯辰巳午未申申") + "后" * 40,
    "前前前前前前前" + "、".join(f"甲乙丙丁戊{c}" for c in "子丑寅卯辰巳午未申申"),
    "和前前前前前前前" + "、".join(f"甲乙丙丁戊{c}" for c in "子丑寅卯辰巳午未申申"),
    "和前前前前前前" + "、".join(f"甲乙丙丁戊{c}" for c in "子丑寅卯辰巳午未申申"),
    "甲乙丙丁戊子、甲乙丙丁戊丑和" * 5 + "甲乙丙丁戊型、甲乙丙丁戊型",
    "前。" * 40 + "、".join(["甲乙丙丁戊型"] * 12) + "，" + "、".join(["己庚辛壬癸化"] * 3),
]


def test_enumerations_searched_from_their_endings_equal_the_whole_search():
    for text in _seed_texts() + ENUMERATIONS:
        _assert_enumerations_alike(text)
        assert abbreviations(text) == _abbreviations_as_before(text), text


_ENUMERATION_PARTS = st.one_of(
    st.sampled_from(list("学习创新服务型性化的了和与及、，,。 \nxa1")),
    st.sampled_from(["学习型", "创新型", "一二三四五型", "一二三四五六型", "、", "和", "\n"]),
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(_ENUMERATION_PARTS, max_size=90).map("".join))
def test_enumerations_of_random_strings_equal_the_whole_search(text):
    _assert_enumerations_alike(text)
    assert abbreviations(text) == _abbreviations_as_before(text)


def test_each_full_width_replacement_is_the_characters_whole_decomposition():
    import unicodedata

    from retrieval.tokenize import _FULL_WIDTH

    for wide, narrow in _FULL_WIDTH:
        assert len(narrow) == 1 and narrow.isascii(), wide
        assert unicodedata.normalize("NFKD", wide) == narrow == unicodedata.normalize("NFKC", wide)


def _normalize_as_before(text: str) -> str:
    import unicodedata

    from retrieval.tokenize import _converter

    text = unicodedata.normalize("NFKC", text)
    converter = _converter()
    if converter is not None:
        text = converter.convert(text)  # type: ignore[attr-defined]
    return text.lower()


NORMALIZE_TEXTS = [
    "ＧＤＰ與勞動關係", "工会，职工；（一）：好！？", "８５％的經費", "全角　空格", "㈠㈡ ﬁ ①",
    "，\u0301；\u0338（\u0308", "＝\u0338 ＜\u0338 e\u0301 ᄀ\u1161\u11a8", "Ａ，Ｂ",
    "", "ＡＢＣ１２３ａｂｃ", "“暖心驛站”是什麼？", "\ud800，",
]
_NORMALIZE_CHARACTERS = st.sampled_from(list(
    "，；：（）！？％\u3000,;:()!?% 工会與勞動關係ＧＤＰａ１Ａ㈠ﬁ①＝＜=<e\u0301\u0308\u0338ᄀ\u1161\u11a8"))


def _outcome(function, text: str) -> tuple[str, object]:
    try:
        return "returned", function(text)
    except Exception as error:  # noqa: BLE001 - a lone surrogate fails in OpenCC either way
        return "raised", type(error)


def test_normalize_equals_plain_nfkc_on_seeds_and_full_width_and_traditional_text():
    for text in _seed_texts() + NORMALIZE_TEXTS:
        assert _outcome(normalize, text) == _outcome(_normalize_as_before, text), text


@settings(max_examples=2000, deadline=None)
@given(st.one_of(st.text(_NORMALIZE_CHARACTERS, max_size=30), st.text(max_size=30)))
def test_normalize_of_random_strings_equals_plain_nfkc(text):
    assert normalize(text) == _normalize_as_before(text)
