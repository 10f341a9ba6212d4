"""Packed term arrays: what is packed comes back, damage is refused, documents join."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval.records import people_of
from retrieval.terms import Cutter, Joiner, Packed
from retrieval.tokenize import Tokenizer, normalize

DOC_ONE = """# 职工之家

西湖市总工会主席郑一鸣表示，职工之家要建在车间旁边。

东山县总工会打造“暖心驿站”，让户外劳动者歇脚。
"""
DOC_TWO = """# 劳模工匠

劳模工匠创新工作室今年新增十家。

各区县工会将组织技能比武。
"""
TEXTS = ["西湖市总工会主席郑一鸣表示，职工之家要建在车间旁边。", "", "职工之家，职工之家！",
         "东山县总工会打造“暖心驿站”。"]


def test_packed_terms_unpack_to_the_same_lists():
    tokens = [Tokenizer().tokens(text) for text in TEXTS]
    packed = Packed.of(tokens)
    assert packed.tokens() == tokens
    again = Packed.from_value(packed.to_value(), len(TEXTS))
    assert again.tokens() == tokens


@pytest.mark.parametrize("damage", [
    lambda v: (v[0], v[1][:-4], v[2]),  # a passage's length lost
    lambda v: (v[0][:1], v[1], v[2]),  # ids beyond the vocabulary
    lambda v: (v[0], v[1], v[2][:-4]),  # ids missing
    lambda v: ["not", "a", "tuple"],
])
def test_damaged_packed_terms_are_refused(damage):
    value = Packed.of([Tokenizer().tokens(text) for text in TEXTS]).to_value()
    with pytest.raises(ValueError):
        Packed.from_value(damage(value), len(TEXTS))


def _join(parts: list[Packed]) -> Packed:
    joiner = Joiner()
    for i, part in enumerate(parts):
        joiner.add(i, part)
    return joiner.join(range(len(parts)))


def test_join_keeps_passage_order_under_one_vocabulary():
    tokenizer = Tokenizer()
    first = [tokenizer.tokens(t) for t in TEXTS[:2]]
    second = [tokenizer.tokens(t) for t in TEXTS[2:]]
    joined = _join([Packed.of(first), Packed.of(second)])
    assert joined.tokens() == first + second
    assert len(set(joined.vocabulary)) == len(joined.vocabulary)
    assert joined.ids.dtype == np.int32 and joined.lengths.tolist() == [len(t) for t in first + second]
    assert _join([]).tokens() == []


def test_documents_sent_in_a_cutters_own_ids_join_as_their_strings_would():
    # Workers send a document's vocabulary as their cutter's term ids and each new term once
    # (`learn`, `add_cut`); the joined vocabulary and ids must be those of `add` with strings,
    # whatever the two cutters met first, and with documents from the cache added before.
    import random

    rng = random.Random(15)
    words = [f"词{i}" for i in range(60)]
    docs = [[[rng.choice(words) for _ in range(rng.randint(0, 12))] for _ in range(rng.randint(1, 4))]
            for _ in range(40)]
    cached = {3, 17}
    plain, sent = Joiner(), Joiner()
    for number in sorted(cached):
        plain.add(number, Packed.of(docs[number]))
        sent.add(number, Packed.of(docs[number]))
    cutters = {"a": [], "b": []}  # each cutter's own numbering of the terms it met
    learnt = {"a": 0, "b": 0}
    for start in range(0, 40, 5):  # batches of five documents, alternately on two cutters
        cutter = "a" if start % 10 == 0 else "b"
        known = cutters[cutter]
        batch = []
        for number in range(start, start + 5):
            if number in cached:
                continue
            packed = Packed.of(docs[number])
            for term in packed.vocabulary:
                if term not in known:
                    known.append(term)
            if rng.random() < 0.3:
                known.append(f"未用{number}")  # numbered, used by no document of the batch
            batch.append((number, packed, np.array([known.index(t) for t in packed.vocabulary],
                                                   dtype=np.int32)))
        sent.learn(cutter, learnt[cutter], known[learnt[cutter]:])
        learnt[cutter] = len(known)
        for number, packed, vocabulary in batch:
            plain.add(number, packed)
            sent.add_cut(number, cutter, vocabulary, packed.lengths, packed.ids)
    one, two = plain.join(range(40)), sent.join(range(40))
    assert one.vocabulary == two.vocabulary
    assert one.ids.tolist() == two.ids.tolist() and one.lengths.tolist() == two.lengths.tolist()
    with pytest.raises(ValueError):
        sent.learn("a", 0, ["词1"])  # not where its terms left off


def test_select_keeps_the_chosen_passages_and_only_their_terms():
    tokens = [Tokenizer().tokens(text) for text in TEXTS]
    chosen = Packed.of(tokens).select([0, 3])
    assert chosen.tokens() == [tokens[0], tokens[3]]
    assert sorted(chosen.vocabulary) == sorted(set(tokens[0] + tokens[3]))
    assert "东山县" in chosen.vocabulary and len(chosen.lengths) == 2
    assert Packed.of(tokens).select([]).tokens() == []


def test_a_cut_document_packs_as_its_term_lists_would():
    tokenizer = Tokenizer(["郑一鸣"])
    cutter = Cutter(tokenizer)
    normals = [normalize(text) for text in TEXTS + ["学习型、创新型、服务型工会", "柯桥区职工之家"]]
    peoples = ["郑一鸣 西湖市总工会主席", "", "", "", "", "王小红 柯桥区总工会主席"]
    cutter.pack(normals[::-1], peoples[::-1])  # another document numbered first
    packed = cutter.pack(normals, peoples)
    lists = [cutter.terms(normal, people) for normal, people in zip(normals, peoples)]
    expected = Packed.of(lists)
    assert packed.vocabulary == expected.vocabulary
    assert packed.lengths.tolist() == expected.lengths.tolist()
    assert packed.ids.tolist() == expected.ids.tolist() and packed.ids.dtype == np.int32
    assert lists[0] == tokenizer.tokens(f"{TEXTS[0]} {peoples[0]}")
    assert "六型" not in lists[4] and "三型" in lists[4] and "柯桥" in lists[5]
    assert cutter.pack([], []).tokens() == [] and cutter.pack([""], [""]).tokens() == [[]]


def test_store_gives_each_passage_its_terms_when_documents_interleave(tmp_path):
    from retrieval.store import IndexStore
    from tests.helpers import passages_of

    first, second = passages_of(DOC_ONE, "a.txt"), passages_of(DOC_TWO, "b.txt")
    passages = [first[0], second[0], first[1], second[1]]
    tokenizer = Tokenizer()
    cutter = Cutter(tokenizer)
    expected = [cutter.terms(normalize(p.text), people_of(p)) for p in passages]
    tokens, index = IndexStore(tmp_path, progress=False).prepare(tokenizer, passages, "bm25s")
    assert tokens == expected
    again, _ = IndexStore(tmp_path, progress=False).prepare(tokenizer, passages, "bm25s")
    assert again == tokens  # from the term caches
    assert [p for p, _ in index.search(tokenizer.tokens("暖心驿站"), 2)] == [2]  # a.txt's second


def test_speakers_cut_apart_give_the_terms_of_the_whole_indexed_text():
    from collections import Counter

    from retrieval.chunking import chunk_document
    from retrieval.records import index_text
    from tests.answer_helpers import SPEECH, SYMPOSIUM
    from tests.helpers import make_document

    passages = chunk_document(make_document(SYMPOSIUM, "a.txt")) \
        + chunk_document(make_document(SPEECH, "b.txt"))
    tokenizer = Tokenizer(["郑一鸣", "林晓燕"])
    spoken = [p for p in passages if people_of(p)]
    assert len(spoken) >= 3
    cutter = Cutter(tokenizer)
    for passage in passages * 2:  # the second time from what was remembered
        whole = tokenizer.tokens(index_text(passage))
        # The same terms, counted alike (the order of an enumeration's abbreviation differs).
        assert Counter(cutter.terms(normalize(passage.text), people_of(passage))) \
            == Counter(whole)


def test_remembered_speaker_terms_belong_to_their_tokenizer():

    text = normalize("今年将新建职工之家五十个。")
    people = "郑一鸣 西湖市总工会常务副主席"
    plain, named = Tokenizer(), Tokenizer(["西湖市总工会", "常务副主席"])
    assert "常务副主席" not in Cutter(plain).terms(text, people)
    assert "常务副主席" in Cutter(named).terms(text, people)
    assert sorted(Cutter(named).terms(text, people)) == sorted(named.tokens(f"{text} {people}"))


def test_speakers_terms_put_together_from_each_name_and_title_are_the_whole_strings():
    from pathlib import Path

    from benchmarks.corpus import synthetic_passages
    from retrieval.chunking import chunk_document
    from retrieval.loading import document_paths, read_document
    from retrieval.vocabulary import corpus_terms

    seeds = Path(__file__).resolve().parent.parent / "seeds"
    passages = [p for path in document_paths(seeds)
                for p in chunk_document(read_document(path, seeds))]
    passages += synthetic_passages(2000)
    written = [
        "郑一鸣 西湖市总工会党组书记、常务副主席 王小红 东山区总工会主席",
        "郑一鸣 主席 和平 西湖市总工会副主席",  # an enumeration can run across the space
        "林晓燕 主席 與會者 代表",  # 與 becomes 与, a separator, once normalised
        "陈立新 政治性、先进性、群众性 方志远 ",  # an abbreviation inside one title; no title
        "Ｇ20 峰会 代表  李大同 G20工会主席",
    ]
    strings = {people_of(p) for p in passages if people_of(p)} | set(written)
    assert len(strings) > 500
    for tokenizer in (Tokenizer(), Tokenizer(corpus_terms(passages))):
        cutter = Cutter(tokenizer)
        for people in sorted(strings) * 2:  # the second time from what was remembered
            assert cutter.terms("", people) == tokenizer.tokens(people), people
