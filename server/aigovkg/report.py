"""Violations found by any check, printed the same way whatever found them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Violation:
    where: str  # file:line:col of the source that produced the node, or the file alone
    node: str  # the focus node (IRI), or "" for file-level problems
    path: str  # the property concerned, or ""
    message: str
    check: str  # "parse", "compile", "shacl", "evidence", "reasoner"

    def __str__(self) -> str:
        parts = [self.where]
        if self.node:
            parts.append(f"node <{self.node}>")
        if self.path:
            parts.append(f"path <{self.path}>")
        return f"{': '.join([', '.join(parts)])}: [{self.check}] {self.message}"
