"""Tokenization: questions and passages cut alike, normalised, with the corpus's own words."""

from __future__ import annotations

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
