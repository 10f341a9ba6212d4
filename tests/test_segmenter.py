"""Parity: `Segmenter` on rjieba cuts exactly as jieba does, user dictionary included.

The fast engine is used only because these tests prove it identical: every seed paragraph (as
written and normalised), texts written here, and random strings, cut in both modes with and
without HMM, after the same user words were added in the same order.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrieval.segmenter import Segmenter, _SortedDictionary, rjieba_available
from retrieval.tokenize import normalize

pytestmark = pytest.mark.skipif(not rjieba_available(), reason="rjieba is not installed")

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

OWN_TEXTS = [
    "西湖市总工会党组书记、常务副主席郑一鸣表示，今年将新建职工之家五十个。",
    "甬工惠平台上线后，一都三城建设提速；G20峰会期间，85%的职工参与了志愿服务。",
    "中华人民共和国工会法规定，工会是职工自愿结合的工人阶级群众组织。",
    "快递员、送餐员、网约车司机等新就业形态劳动者入会难的问题得到缓解。",
    "2016年5月1日起，AT&T和B超、c#、3.5%、-12、1,000元  混在一起\r\n也要切得一样。",
    "劳模工匠创新工作室“三唯观念”和“五型”班组建设。",
    "",
    "   ",
    "！？。",
]
# Words already in jieba's dictionary (their re-addition changes jieba's total differently on
# the two engines), words whose prefixes are not words, Latin and mixed words.
EXTRA_WORDS = ["工会", "中华人民共和国", "共同富裕", "职工之家", "甬工惠", "一都三城", "三唯观念",
               "郑一鸣", "g20峰会", "新就业形态", "劳模工匠"]


def _seed_paragraphs() -> list[str]:
    lines = []
    for path in sorted(SEEDS.glob("*.txt")):
        lines += [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    return lines


@pytest.fixture(scope="module")
def user_words() -> list[str]:
    """The seeds' own corpus terms (as chuchu builds them) and the extra words above."""
    from retrieval.chunking import chunk_document
    from retrieval.loading import load_documents
    from retrieval.models import Document
    from retrieval.vocabulary import corpus_terms

    passages = [p for d in load_documents(SEEDS) if isinstance(d, Document)
                for p in chunk_document(d)]
    words = sorted({normalize(w) for w in corpus_terms(passages)} | set(EXTRA_WORDS))
    assert len(words) > 30
    return words


def _pair(words: list[str], tmp_path: Path) -> tuple[Segmenter, Segmenter]:
    """Both engines with `words` added the way `Tokenizer` and its learning add them."""
    fast, slow = Segmenter("rjieba", cache_dir=tmp_path), Segmenter("jieba")
    slow.initialize()
    for i, word in enumerate(words):
        suggested = fast.suggest_freq(word, tune=False)
        assert suggested == slow.suggest_freq(word, tune=False), word
        freq = max(suggested, 1000) if i % 3 else suggested  # both ways the tokenizer adds
        fast.add_word(word, freq=freq)
        slow.add_word(word, freq=freq)
    return fast, slow


@pytest.fixture(scope="module")
def engines(user_words, tmp_path_factory) -> tuple[Segmenter, Segmenter]:
    return _pair(user_words, tmp_path_factory.mktemp("dict"))


def _assert_same(fast: Segmenter, slow: Segmenter, text: str) -> None:
    for hmm in (True, False):
        assert list(fast.cut(text, HMM=hmm)) == list(slow.cut(text, HMM=hmm)), text
        assert list(fast.cut_for_search(text, HMM=hmm)) == list(
            slow.cut_for_search(text, HMM=hmm)), text
        # the cutter chosen once for a whole text cuts it, and any part of it, alike
        for search, slow_cut in ((False, slow.cut), (True, slow.cut_for_search)):
            cutter = fast.cutter(text, search)
            for part in (text, text[len(text) // 3:]):
                assert list(cutter(part, hmm)) == list(slow_cut(part, HMM=hmm)), part


def test_every_seed_paragraph_cuts_alike_with_the_corpus_user_words(engines):
    fast, slow = engines
    paragraphs = _seed_paragraphs()
    assert len(paragraphs) > 200
    for paragraph in paragraphs:
        _assert_same(fast, slow, paragraph)
        _assert_same(fast, slow, normalize(paragraph))


def test_own_texts_cut_alike(engines):
    fast, slow = engines
    for text in OWN_TEXTS:
        _assert_same(fast, slow, text)
        _assert_same(fast, slow, normalize(text))


def test_user_words_are_kept_whole_on_both_engines(engines):
    fast, _ = engines
    assert "郑一鸣" in fast.cut("常务副主席郑一鸣表示")
    assert "一都三城" in fast.cut("推进一都三城建设")


def test_plain_engines_without_user_words_cut_alike(tmp_path):
    fast, slow = Segmenter("rjieba", cache_dir=tmp_path), Segmenter("jieba")
    for text in OWN_TEXTS + _seed_paragraphs()[:40]:
        _assert_same(fast, slow, text)


def test_adding_words_keeps_both_engines_totals_equal(engines):
    fast, slow = engines
    assert fast._base().total + fast._added == slow._py.total


_HAN = st.sampled_from(list("工会职工之家总主席表示新建劳模工匠创新中华人民共和国的了是在和一都三城西湖市"))
_ANY = st.one_of(_HAN, st.sampled_from(list("abcAB12.%-+#&_，。 、“”\n")))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(_ANY, max_size=40))
def test_random_strings_cut_alike(engines, text):
    fast, slow = engines
    _assert_same(fast, slow, text)


def test_segmenter_records_every_added_word(tmp_path):
    segmenter = Segmenter("rjieba", cache_dir=tmp_path)
    segmenter.add_word("甬工惠", 1000)
    segmenter.add_word("工会")  # jieba's suggested frequency
    assert segmenter.added[0] == ("甬工惠", 1000)
    assert segmenter.added[1][0] == "工会" and segmenter.added[1][1] >= 981


def test_damaged_sorted_dictionary_is_rebuilt(tmp_path):
    first = _SortedDictionary(tmp_path)
    assert first.lookup("工会") == 981
    assert first.lookup("中华人民共") == 0  # a prefix of a word, not a word
    assert first.lookup("郑荣胜") is None
    first.path.write_bytes(first.path.read_bytes()[:1000])  # cut short
    again = _SortedDictionary(tmp_path)
    assert again.lookup("工会") == 981
    assert again.total == first.total


def test_the_loaded_dictionary_answers_as_the_mapped_file(tmp_path):
    # After LOAD_AFTER look-ups the sorted words are searched in memory: same answers.
    queries = ["工会", "中华人民共", "郑荣胜", "", "a", "1号店", "龢", "\U0010ffff", "工会 主席", "工"]
    mapped = _SortedDictionary(tmp_path)
    before = [(mapped.lookup(q), mapped.tag(q)) for q in queries]
    assert before[0] == (981, "n") and before[1] == (0, None) and before[2] == (None, None)
    loaded = _SortedDictionary(tmp_path)
    loaded.LOAD_AFTER = 0
    assert [(loaded.lookup(q), loaded.tag(q)) for q in queries] == before
    assert loaded._lines is not None and mapped._lines is None
    words = loaded._words[::997] + [w[:-1] for w in loaded._words[5::1009]]
    words += [w + "们" for w in loaded._words[7::1013]]
    assert [loaded.lookup(w) for w in words] == [mapped.lookup(w) for w in words]


def test_re_added_dictionary_words_leave_both_totals_alike(tmp_path):
    """jieba adds a re-added word's frequency to its total without taking the old one off.

    The total is the cost of every word in every cut; rjieba's own `suggest_freq` (which
    divides by its total) shows whether its total follows jieba's.
    """
    fast, slow = Segmenter("rjieba", cache_dir=tmp_path), Segmenter("jieba")
    for word, freq in (("的", 600_000), ("是", 900_000)):
        fast.add_word(word, freq)
        slow.add_word(word, freq)
    for word in ("的是", "我的", "中国的", "的人"):
        assert fast._rs.suggest_freq(word) == slow.suggest_freq(word), word
        _assert_same(fast, slow, f"这是{word}问题，的确是的。")


def test_joiner_search_finds_exactly_the_joiner_characters():
    """`_JOINER.search` stands in for `_JOINERS.isdisjoint`, 1 µs against 6 on a passage."""
    from retrieval.segmenter import _JOINER, _JOINERS

    for char in map(chr, range(0x30000)):
        assert (_JOINER.search(char) is None) == _JOINERS.isdisjoint(char), hex(ord(char))
    for text in OWN_TEXTS + _seed_paragraphs():
        assert (_JOINER.search(text) is None) == _JOINERS.isdisjoint(text), text
