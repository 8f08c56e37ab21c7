"""Disjoint sets of ids (union-find): records of one event, entries joined by links, triggers that compete.

Each set's representative is its smallest id, so what is built from the sets does not depend on the order
the unions were made in (outputs must be byte-identical run to run)."""

from __future__ import annotations

from collections.abc import Iterable


class DisjointSets:
    def __init__(self, items: Iterable[str] = ()):
        self._parent: dict[str, str] = {item: item for item in items}

    def __contains__(self, item: str) -> bool:
        return item in self._parent

    def find(self, item: str) -> str:
        """The representative of `item`'s set (an unseen item starts a set of its own)."""
        parent = self._parent
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self._parent[max(ra, rb)] = min(ra, rb)

    def items(self) -> list[str]:
        return list(self._parent)
