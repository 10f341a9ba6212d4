"""A synthetic corpus of any size, built from the seeds' own sentences and speakers.

The bundled seeds are chunked and attributed once; their passages are cut into sentences, each
keeping the speaker it was attributed to. A synthetic passage joins two to four random
sentences (about 150 characters, like a newspaper paragraph), so passages read like the seeds,
carry real attribution, and are almost never duplicates. Passages are grouped 200 to a
document, as an archive's pages would be. The vocabulary is only the seeds' (some 5,000
words), so posting lists are longer than in a real archive and query times are pessimistic.

    .venv/bin/python benchmarks/corpus.py 10000 --write benchmarks/data/10k   # text files

Used as a module by `benchmarks/bench_index.py` (`synthetic_passages(n)`).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from retrieval.models import Document, Passage, Segment  # noqa: E402

PER_DOCUMENT = 200
_SENTENCE = re.compile(r"[^。！？!?；;]*[。！？!?；;]?[”’」』]?")


@lru_cache(maxsize=1)
def seed_sentences() -> tuple[tuple[str, object], ...]:
    """(sentence, speaker or None) for every sentence of the seeds' text passages."""
    from retrieval.chunking import chunk_document
    from retrieval.loading import load_documents

    pieces: list[tuple[str, object]] = []
    for document in load_documents(REPO / "seeds"):
        if not isinstance(document, Document):
            continue
        for passage in chunk_document(document):
            if passage.kind != "text":
                continue
            for segment in passage.segments:
                for sentence in _SENTENCE.findall(segment.text):
                    if len(sentence.strip()) >= 6:
                        pieces.append((sentence, segment.speaker))
    return tuple(pieces)


def synthetic_passages(n: int, seed: int = 6) -> list[Passage]:
    """`n` passages in documents of `PER_DOCUMENT`, reproducible for a given `seed`."""
    sentences = seed_sentences()
    rng = random.Random(seed)
    passages: list[Passage] = []
    for i in range(n):
        document = f"synthetic/{i // PER_DOCUMENT:06d}.txt"
        chosen = [sentences[rng.randrange(len(sentences))] for _ in range(rng.randint(2, 4))]
        segments: list[Segment] = []
        for text, speaker in chosen:  # neighbouring sentences of one speaker make one segment
            if segments and segments[-1].speaker == speaker:
                segments[-1] = Segment(segments[-1].text + text, speaker)
            else:
                segments.append(Segment(text, speaker))  # type: ignore[arg-type]
        text = "".join(s.text for s in segments)
        digest = hashlib.sha1(f"{document}\n{i}\n{text}".encode()).hexdigest()[:8]
        passages.append(Passage(
            id=f"s{digest}", document_id=document, document_title=f"合成文档 {i // PER_DOCUMENT}",
            section="", paragraph=i % PER_DOCUMENT + 1, text=text, segments=tuple(segments),
        ))
    return passages


def documents_of(passages: list[Passage]) -> list[Document]:
    """One `Document` per synthetic document id, its text the passages joined."""
    texts: dict[str, list[str]] = {}
    for passage in passages:
        texts.setdefault(passage.document_id, []).append(passage.text)
    return [Document(d, f"合成文档 {d}", "\n\n".join(t)) for d, t in texts.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("size", type=int, help="number of passages")
    parser.add_argument("--write", type=Path, help="write the documents as .txt files here")
    args = parser.parse_args()
    passages = synthetic_passages(args.size)
    if args.write:
        for document in documents_of(passages):
            path = args.write / document.id
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"# {document.title}\n\n{document.text}\n", encoding="utf-8")
    chars = sum(len(p.text) for p in passages)
    print(f"{len(passages)} passages, {chars / 1e6:.1f} million characters")


if __name__ == "__main__":
    main()
