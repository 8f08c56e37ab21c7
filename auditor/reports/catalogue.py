"""The rulebook as a catalogue a safeguarding board can publish: every standard, edition and citation."""

from __future__ import annotations

from itertools import groupby

from ..rulebook import Rulebook
from ..rulebook.catalogue import citations_of, describe_check, level_counts
from ..rulebook.schema import Rule
from .render import environment


def catalogue_markdown(book: Rulebook, rules: list[Rule], selection: str = "") -> str:
    by_family = sorted(rules, key=lambda r: (book.origins[r.id].family, r.id))
    families = [(family, list(group)) for family, group in groupby(by_family, key=lambda r: book.origins[r.id].family)]
    variants = {r.id: book.variants_of(r.id) for r in rules}
    citations = {r.id: citations_of(book, r.id) for r in rules}
    every = [c for cites in citations.values() for c in cites]
    return environment().get_template("catalogue.md.j2").render(
        book=book, rules=rules, selection=selection, families=families, variants=variants, citations=citations,
        checks={v.key: describe_check(v.check) for vs in variants.values() for v in vs},
        unverified=sum(1 for c in every if not c.confirmed), total_citations=len(every),
        levels=level_counts(every))
