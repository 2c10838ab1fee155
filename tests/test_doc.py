"""Docstring examples of the public modules run as tests."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import aigovkg

MODULES = sorted(m.name for m in pkgutil.iter_modules(aigovkg.__path__, "aigovkg."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_some_examples_exist() -> None:
    total = sum(doctest.testmod(importlib.import_module(n)).attempted for n in MODULES)
    assert total >= 8
