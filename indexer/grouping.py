"""One line per case: a search's matching items folded into their cases.

A line is a case number with every treatment the archive knows of it (the
items filed under it and the earlier treatments those items name), the
latest outcome, and how many of its items matched. An item without a case
number is a line of its own: there is nothing to fold it into, and hiding it
would make the grouped view answer less than the plain one.

The order of the lines is the order of their best item in the plain result
list (by relevance: the best-scoring item; by date: the newest, or with
`date_asc` the oldest), so grouping never re-ranks what the search found.
Everything here is computed over all matching items, not a page of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .records import ItemRecord


@dataclass
class LineTreatment:
    """One treatment on a case line: a body on a date, archived or only referred to."""

    council: str
    date: str | None
    in_archive: bool
    item_id: str | None = None
    decision_kind: str | None = None


@dataclass
class CaseLine:
    """One case (or one item without a case number) in a grouped search."""

    case_number: str | None
    title: str
    hit: Any  # the best matching item of the case (search.Hit), with its snippet
    matching: int  # items of the case that match the search
    items: int  # items of the case in the archive
    treatments: list[LineTreatment] = field(default_factory=list)  # in date order
    decision: str | None = None  # the latest outcome: the newest treatment that has a decision
    decision_kind: str | None = None
    decision_council: str | None = None
    decision_date: str | None = None

    @property
    def councils(self) -> list[str]:
        """The bodies that treated the case, each once, in the order they first did."""
        return list(dict.fromkeys(t.council for t in self.treatments))

    @property
    def first_date(self) -> str | None:
        return next((t.date for t in self.treatments if t.date), None)

    @property
    def last_date(self) -> str | None:
        return next((t.date for t in reversed(self.treatments) if t.date), None)


def fold_groups(ordered: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Matching docnums in result order → (each group's best docnum, its group
    key, its number of matching docnums), groups in the order of their best docnum."""
    if ordered.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    keys = groups[ordered]
    unique, first, counts = np.unique(keys, return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable")
    return ordered[first[order]], unique[order], counts[order]


def case_line(case_number: str | None, hit: Any, matching: int, records: list[ItemRecord],
              same_council: Callable[[str | None, str | None], bool]) -> CaseLine:
    """The line of one case from all its archived items' records (for an item
    without a case number: that item's record alone)."""
    treatments: list[tuple[LineTreatment, str | None]] = []  # with the decision text, where known

    def known(council: str, date: str | None) -> tuple[LineTreatment, str | None] | None:
        for entry in treatments:
            treatment = entry[0]
            if same_council(treatment.council, council) and (treatment.date == date or date is None):
                return entry
        return None

    for record in sorted(records, key=lambda r: (r["date"] or "", r["number"])):
        treatments.append((LineTreatment(record["council"] or "Notat", record["date"], True, record["id"],
                                         record["decision_kind"]), record["decision"]))
    for record in records:
        for prior in record["prior_treatments"]:
            if not prior["council"]:
                continue
            found = known(prior["council"], prior["date"])
            if found is None:
                treatments.append((LineTreatment(prior["council"], prior["date"], False, None,
                                                 prior["decision_kind"]), prior["decision"]))
            elif not found[0].in_archive and found[1] is None and prior["decision"]:
                index = treatments.index(found)
                found[0].decision_kind = prior["decision_kind"]
                treatments[index] = (found[0], prior["decision"])
    treatments.sort(key=lambda entry: (entry[0].date or "9999", not entry[0].in_archive))
    line = CaseLine(case_number=case_number, title=hit.title, hit=hit, matching=matching, items=len(records),
                    treatments=[treatment for treatment, _ in treatments])
    decided = [(treatment, text) for treatment, text in treatments if text]
    dated = [entry for entry in decided if entry[0].date]
    decided = dated or decided  # an undated reference is never "the latest" over a dated decision
    if decided:
        treatment, text = decided[-1]
        line.decision, line.decision_kind = text, treatment.decision_kind
        line.decision_council, line.decision_date = treatment.council, treatment.date
    return line
