"""Where the data folders are: inside the installed wheel, or at the root of a checkout."""

from __future__ import annotations

import os
from pathlib import Path

DATA_FOLDERS = ("ontology", "instances", "shapes", "queries")

_PACKAGE_DATA = Path(__file__).resolve().parent / "data"
_CHECKOUT_ROOT = Path(__file__).resolve().parents[2]


def data_dir(name: str) -> Path:
    """The folder ``name`` (one of DATA_FOLDERS): the wheel's copy, else the checkout's."""
    if name not in DATA_FOLDERS:
        raise ValueError(f"unknown data folder {name!r}")
    packaged = _PACKAGE_DATA / name
    if packaged.is_dir():
        return packaged
    return _CHECKOUT_ROOT / name


def default_corpus_dir() -> Path | None:
    """The corpus folder: $AIGOV_CORPUS, else ../shared/corpus beside a checkout, else None."""
    env = os.environ.get("AIGOV_CORPUS")
    if env:
        return Path(env)
    for candidate in (_CHECKOUT_ROOT.parent / "shared" / "corpus", Path.cwd().parent / "shared" / "corpus"):
        if candidate.is_dir():
            return candidate
    return None
