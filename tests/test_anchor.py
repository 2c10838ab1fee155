"""`aigov anchor` turns a whitespace-normalised quote into the verbatim span and its offset."""

from __future__ import annotations

from pathlib import Path

import pytest

from aigovkg.anchor import anchor_file
from aigovkg.corpus import Corpus
from aigovkg.errors import SourceError
from aigovkg.yamlsource import load_yaml

TEXT = "第一行\nAI 高级别\n咨询机构成立。\n再说一次：高级别咨询机构。\n"


@pytest.fixture()
def setup(tmp_path: Path) -> tuple[Path, Corpus]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "f.txt").write_text(TEXT, encoding="utf-8")
    return tmp_path, Corpus(corpus)


def test_anchor_rewrites_quote_and_offset(setup: tuple[Path, Corpus]) -> None:
    tmp, corpus = setup
    paper = tmp / "p.yaml"
    paper.write_text("paper: p\n# a comment stays\npassages:\n  - q: AI 高级别咨询机构成立\n    mentions: []\n", encoding="utf-8")
    result = anchor_file(paper, corpus, {"p": ("f.txt", 1, 4)})
    assert result.changed == 1
    data = load_yaml(paper)
    passage = data["passages"][0]
    start = int(passage["at"])
    assert TEXT[start : start + len(passage["q"])] == passage["q"] == "AI 高级别\n咨询机构成立"
    assert "# a comment stays" in paper.read_text(encoding="utf-8")
    assert anchor_file(paper, corpus, {"p": ("f.txt", 1, 4)}).changed == 0  # idempotent


def test_ambiguous_quote_needs_a_hint(setup: tuple[Path, Corpus]) -> None:
    tmp, corpus = setup
    paper = tmp / "p.yaml"
    paper.write_text("paper: p\npassages:\n  - q: 高级别咨询机构\n", encoding="utf-8")
    with pytest.raises(SourceError, match="occurs 2 times"):
        anchor_file(paper, corpus, {"p": ("f.txt", 1, 4)})
    paper.write_text("paper: p\npassages:\n  - q: 高级别咨询机构\n    at: 20\n", encoding="utf-8")
    anchor_file(paper, corpus, {"p": ("f.txt", 1, 4)})
    start = int(load_yaml(paper)["passages"][0]["at"])
    assert TEXT[start:].startswith("高级别咨询机构。")


def test_quote_outside_the_papers_lines_is_not_found(setup: tuple[Path, Corpus]) -> None:
    tmp, corpus = setup
    paper = tmp / "p.yaml"
    paper.write_text("paper: p\npassages:\n  - q: 再说一次\n", encoding="utf-8")
    with pytest.raises(SourceError, match="quote not found in lines 1-3"):
        anchor_file(paper, corpus, {"p": ("f.txt", 1, 3)})
