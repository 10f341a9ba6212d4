"""The fast engine (bm25s) against the reference (rank-bm25), and the index on disk.

bm25s is set up to score as rank-bm25 does; on the seeds and on small corpora written here
both engines must return the same top hits with the same scores (float32 against float64).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from retrieval.index import BM25S_FROM, BM25sIndex, RankBM25Index, build_index
from retrieval.tokenize import Tokenizer

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
QUESTIONS = ["工会工作政治性先进性群众性", "职工之家建设", "劳模工匠创新工作室", "郑荣胜 三唯观念",
             "农民工 工资 欠薪", "职工 权益 维护", "互联网 工会", "困难职工帮扶"]


@pytest.fixture(scope="module")
def seed_corpus() -> tuple[Tokenizer, list[list[str]]]:
    from retrieval.chunking import chunk_document
    from retrieval.loading import load_documents
    from retrieval.models import Document
    from retrieval.vocabulary import corpus_terms

    passages = [p for d in load_documents(SEEDS) if isinstance(d, Document)
                for p in chunk_document(d) if p.kind == "text"]
    tokenizer = Tokenizer(corpus_terms(passages))
    return tokenizer, [tokenizer.tokens(p.text) for p in passages]


def _assert_same_top(reference: list[tuple[int, float]], fast: list[tuple[int, float]]) -> None:
    """Same positions in the same order, scores equal to float32 precision.

    Where two reference scores are equal to that precision their order may differ, so such
    ties are compared as sets.
    """
    assert len(reference) == len(fast)
    for (i, a), (j, b) in zip(reference, fast):
        assert b == pytest.approx(a, rel=1e-4, abs=1e-5)
    groups_ref: dict[float, set[int]] = {}
    groups_fast: dict[float, set[int]] = {}
    for i, score in reference:
        groups_ref.setdefault(round(score, 3), set()).add(i)
    for i, score in fast:
        groups_fast.setdefault(round(score, 3), set()).add(i)
    last = round(reference[-1][1], 3) if reference else None
    for key in groups_ref:
        if key != last:  # the last group may be cut by k differently on either side
            assert groups_ref[key] == groups_fast.get(key), key


def test_bm25s_returns_rank_bm25_top_hits_on_the_seeds(seed_corpus):
    tokenizer, corpus = seed_corpus
    reference, fast = RankBM25Index(corpus), BM25sIndex.build(corpus)
    queries = [tokenizer.tokens(q) for q in QUESTIONS]
    rng = random.Random(6)
    for tokens in corpus[::3]:  # a few terms of every third passage, as a question would hold
        if tokens:
            queries.append(rng.sample(tokens, min(len(tokens), 3)))
    assert len(queries) > 50
    for query in queries:
        _assert_same_top(reference.search(query, 10), fast.search(query, 10))


def test_idf_is_rank_bm25_s_on_both_engines(seed_corpus):
    _, corpus = seed_corpus
    reference, fast = RankBM25Index(corpus), BM25sIndex.build(corpus)
    for term in {t for tokens in corpus for t in tokens}:
        assert fast.idf(term) == pytest.approx(reference.idf(term), rel=1e-9, abs=1e-12), term
    assert fast.idf("没有这个词") == reference.idf("没有这个词") == 0.0


def test_small_written_corpora_give_the_same_top_hits():
    words = "工会 职工 之家 劳模 工匠 创新 帮扶 权益 维权 农民工 工资 培训 技能 竞赛 安全 生产".split()
    rng = random.Random(7)
    for size in (3, 10, 60):
        corpus = [[rng.choice(words) for _ in range(rng.randint(0, 12))] for _ in range(size)]
        reference, fast = RankBM25Index(corpus), BM25sIndex.build(corpus)
        for _ in range(30):
            query = rng.sample(words, 2)
            _assert_same_top(reference.search(query, 5), fast.search(query, 5))


def test_unknown_empty_and_repeated_terms():
    corpus = [["工会", "职工"], [], ["工会", "工会", "劳模"], ["培训"]]
    for index in (RankBM25Index(corpus), BM25sIndex.build(corpus)):
        assert index.search([], 3) == []
        assert index.search(["没有"], 3) == []
        assert index.search([""], 3) == []
        assert [i for i, _ in index.search(["劳模"], 3)] == [2]
        assert index.search(["培训", "培训"], 1)[0][0] == 3  # a term asked twice weighs twice
    for index in (RankBM25Index([]), BM25sIndex.build([])):
        assert index.search(["工会"], 3) == []


def test_bm25s_index_round_trips_through_disk(seed_corpus, tmp_path):
    tokenizer, corpus = seed_corpus
    built = BM25sIndex.build(corpus)
    built.save(tmp_path)
    loaded = BM25sIndex.load(tmp_path)
    assert len(loaded) == len(built)
    for question in QUESTIONS:
        tokens = tokenizer.tokens(question)
        assert loaded.search(tokens, 5) == built.search(tokens, 5)
        assert [loaded.idf(t) for t in tokens] == [built.idf(t) for t in tokens]


def test_inconsistent_arrays_are_refused(seed_corpus, tmp_path):
    import numpy as np

    _, corpus = seed_corpus
    BM25sIndex.build(corpus).save(tmp_path)
    indices = np.load(tmp_path / "indices.csc.index.npy")
    np.save(tmp_path / "indices.csc.index.npy", indices[:-5])
    with pytest.raises(ValueError):
        BM25sIndex.load(tmp_path)


def test_build_index_picks_the_engine_by_size():
    assert build_index([["工会"]] * 5).engine == "rank-bm25"
    assert build_index([["工会"]] * 5, engine="bm25s").engine == "bm25s"
    assert BM25S_FROM >= 1_000  # below it rank-bm25 is fast enough and starts sooner


def test_column_sums_equal_bm25s_own_scoring(seed_corpus):
    import numpy as np

    tokenizer, corpus = seed_corpus
    index = BM25sIndex.build(corpus)
    for question in QUESTIONS:
        ids = [index._vocab[t] for t in tokenizer.tokens(question) if t in index._vocab]
        own = index._bm25.get_scores_from_ids(ids)
        assert np.allclose(index.scores(ids), own, rtol=1e-5, atol=1e-6)


def test_both_engines_know_which_passages_hold_a_term(seed_corpus, tmp_path):
    """df, postings and present, which the answer core uses instead of keeping term sets."""
    _, corpus = seed_corpus
    corpus = [*corpus, []]  # an empty passage is indexed as one empty word, never a term
    saved = tmp_path / "bm25s"
    saved.mkdir()
    BM25sIndex.build(corpus).save(saved)
    engines = [RankBM25Index(corpus), BM25sIndex.build(corpus), BM25sIndex.load(saved)]
    sets = [set(terms) for terms in corpus]
    words = sorted({t for terms in corpus for t in terms})
    rng = random.Random(7)
    probes = rng.sample(words, 60) + ["工会", "职工", "", "从未出现的词"]
    positions = rng.sample(range(len(corpus)), 40) + [len(corpus) - 1, 0]
    for index in engines:
        for term in probes:
            holding = [i for i, terms in enumerate(sets) if term and term in terms]
            assert index.df(term) == len(holding), term
            assert index.postings(term) == holding, term
        assert index.present(probes, positions) == [
            {t for t in probes if t in sets[p]} for p in positions]
