"""The table of attribution cases (`attribution_cases.toml`), one test per row."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tests.helpers import name_at, passages_of

CASES = tomllib.loads((Path(__file__).parent / "attribution_cases.toml").read_text("utf-8"))["case"]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['rule']}-{c['anchor'][:8]}" for c in CASES])
def test_attribution_case(case: dict[str, str]) -> None:
    passages = passages_of(case["text"] + "\n")
    found = name_at(passages, case["anchor"])
    assert found != "MISSING", f"anchor not in any passage: {case['anchor']}"
    assert (found or "") == case["speaker"], case["why"]


def test_every_rule_has_rows() -> None:
    rules = {case["rule"] for case in CASES}
    assert {"person_speaks", "letter_speaks", "pronoun_speaks", "unnamed_speaks", "shared_view",
            "introduced", "named_after", "words_of", "subject_after", "follows_speaker",
            "nested", "transcript", "interview", "broadcast", "speech", "byline"} <= rules
