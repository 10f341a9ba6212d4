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


def _reference_build(corpus_tokens: list[list[str]]) -> BM25sIndex:
    """The former `BM25sIndex.build`: bm25s's own `index()`, each column rescaled afterwards."""
    import numpy as np

    from retrieval.index import B, EPSILON, K1, _bm25s

    corpus = [list(t) or [""] for t in corpus_tokens] or [[""]]
    retriever = _bm25s().BM25(k1=K1, b=B, method="atire", idf_method="lucene")
    retriever.index(corpus, show_progress=False)
    scores = retriever.scores
    df = np.diff(np.asarray(scores["indptr"])).astype(np.float64)
    n = len(corpus)
    lucene = np.log1p((n - df + 0.5) / (df + 0.5))
    idf = np.log(n - df + 0.5) - np.log(df + 0.5)
    idf = np.where(idf < 0, EPSILON * idf.mean() if len(idf) else 0.0, idf)
    scores["data"] *= np.repeat((idf / lucene).astype(scores["data"].dtype),
                                np.diff(scores["indptr"]))
    return BM25sIndex(retriever, len(corpus_tokens), idf)


def _assert_same_matrix(reference: BM25sIndex, fast: BM25sIndex) -> None:
    """The same matrix once the reference's columns are put in `fast`'s order."""
    import numpy as np

    ref, new = reference._bm25.scores, fast._bm25.scores
    assert new["num_docs"] == ref["num_docs"]
    assert fast._vocab.keys() == reference._vocab.keys()
    columns = len(new["indptr"]) - 1
    assert columns == len(ref["indptr"]) - 1 == len(fast._idf)
    # "" is a column when an empty passage made it one, else bm25s's token past the matrix.
    assert (fast._vocab[""] < columns) == (reference._vocab[""] < columns)
    named = sorted((i, t) for t, i in fast._vocab.items() if i < columns)
    assert [i for i, _ in named] == list(range(columns))  # one term per column
    order = [reference._vocab[t] for _, t in named]
    parts = [slice(int(ref["indptr"][c]), int(ref["indptr"][c + 1])) for c in order]
    indptr = np.concatenate([[0], np.cumsum([p.stop - p.start for p in parts])])
    assert np.array_equal(new["indptr"], indptr)
    assert np.array_equal(new["indices"], np.concatenate([ref["indices"][p] for p in parts]))
    assert new["data"].dtype == np.float32 and new["indices"].dtype == ref["indices"].dtype
    assert np.allclose(new["data"], np.concatenate([ref["data"][p] for p in parts]),
                       rtol=1e-6, atol=1e-7)
    assert np.allclose(fast._idf, reference._idf[order], rtol=1e-12, atol=1e-12)


def _assert_same_answers(reference: BM25sIndex, fast: BM25sIndex, corpus: list[list[str]],
                         rng: random.Random) -> None:
    """search, idf, df, postings and present agree, and bm25s's own scoring with `scores`."""
    import numpy as np

    words = sorted({t for tokens in corpus for t in tokens}) + ["", "没有这个词"]
    for _ in range(20):
        query = rng.sample(words, min(3, len(words)))
        _assert_same_top(reference.search(query, 5), fast.search(query, 5))
        ids = [fast._vocab[t] for t in query if t and t in fast._vocab]
        if ids:
            assert np.allclose(fast.scores(ids), fast._bm25.get_scores_from_ids(ids),
                               rtol=1e-5, atol=1e-6)
    positions = list(range(len(corpus)))
    for term in words:
        assert fast.idf(term) == pytest.approx(reference.idf(term), rel=1e-12, abs=1e-12), term
        assert fast.df(term) == reference.df(term), term
        assert fast.postings(term) == reference.postings(term), term
    assert fast.present(words, positions) == reference.present(words, positions)


def _arrays(corpus: list[list[str]], vocabulary: list[str]):  # noqa: ANN202 - numpy arrays
    import numpy as np

    ids = {t: i for i, t in enumerate(vocabulary)}
    lengths = np.array([len(t) for t in corpus], dtype=np.int32)
    return lengths, np.array([ids[t] for tokens in corpus for t in tokens], dtype=np.int32)


def _written_corpora() -> list[list[list[str]]]:
    """Small corpora with repeated terms, empty passages, and terms in most passages."""
    words = "工会 职工 之家 劳模 工匠 创新 帮扶 权益 维权 农民工 工资 培训 技能 竞赛".split()
    rng = random.Random(11)
    corpora: list[list[list[str]]] = [[], [[]], [[], []], [["工会"]], [["工会", "工会", "职工"]],
                                      [["工会"], ["工会"], ["职工"]], [["工会"], [], ["工会"]]]
    for size in (2, 5, 30, 200):
        corpus = []
        for _ in range(size):
            tokens = [rng.choice(words[:6]) for _ in range(rng.randint(0, 15))]  # repeats
            if rng.random() < 0.7:
                tokens.append("工会")  # in most passages: its idf is rank-bm25's floor
            corpus.append(tokens if rng.random() > 0.1 else [])
        corpora.append(corpus)
    return corpora


def test_from_arrays_builds_the_former_build_s_matrix():
    rng = random.Random(12)
    floors = 0
    for corpus in _written_corpora():
        reference = _reference_build(corpus)
        floors += any(2 * reference.df(t) > len(corpus) for t in reference._vocab)
        vocabulary = sorted({t for tokens in corpus for t in tokens})
        # Ids in another order, unused terms and "" in the vocabulary change nothing.
        padded = ["不用的词", *reversed(vocabulary), "", "也不用"]
        for fast in (BM25sIndex.build(corpus), BM25sIndex.from_arrays(*_arrays(corpus, vocabulary),
                     vocabulary), BM25sIndex.from_arrays(*_arrays(corpus, padded), padded)):
            assert len(fast) == len(reference) == len(corpus)
            _assert_same_matrix(reference, fast)
            _assert_same_answers(reference, fast, corpus, rng)
    assert floors >= 3  # the floor was exercised


def test_from_arrays_builds_the_former_build_s_matrix_on_the_seeds(seed_corpus, tmp_path):
    tokenizer, corpus = seed_corpus
    corpus = [*corpus, []]
    reference, fast = _reference_build(corpus), BM25sIndex.build(corpus)
    _assert_same_matrix(reference, fast)
    _assert_same_answers(reference, fast, corpus, random.Random(13))
    for question in QUESTIONS:
        tokens = tokenizer.tokens(question)
        _assert_same_top(reference.search(tokens, 10), fast.search(tokens, 10))
    fast.save(tmp_path)
    _assert_same_matrix(reference, BM25sIndex.load(tmp_path))


def test_from_arrays_refuses_arrays_that_disagree():
    import numpy as np

    lengths, ids = np.array([2, 1], dtype=np.int32), np.array([0, 1, 1], dtype=np.int32)
    BM25sIndex.from_arrays(lengths, ids, ["工会", "职工"])
    for bad in ((lengths, ids[:2], ["工会", "职工"]), (lengths, ids, ["工会"]),
                (np.array([4, -1], dtype=np.int32), ids, ["工会", "职工"]),
                (lengths, ids, ["工会", "工会"])):
        with pytest.raises(ValueError):
            BM25sIndex.from_arrays(*bad)
