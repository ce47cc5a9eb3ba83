"""What the parser understood: shares of meetings and items with each field.

A municipality adding its archive needs to see at once what came out: a
layout the parser does not know shows up as meetings without a council or a
date, one item where there should be twenty, or items without decisions.
`parse --report DIR` prints these shares per file and in total; the build
summary carries the same totals for the files a build parsed.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from .records import Meeting

__all__ = ["Coverage"]


@dataclass
class Coverage:
    """Counts of files, meetings and items, and how many of each carry a field."""

    files: int = 0
    failed: int = 0
    meetings: int = 0
    with_council: int = 0
    with_date: int = 0
    with_items: int = 0
    items: int = 0
    with_title: int = 0
    with_case_number: int = 0
    with_decision: int = 0
    with_decision_kind: int = 0
    referat_items: int = 0  # items of minutes: the ones that can carry a decision

    def add(self, meeting: Meeting) -> None:
        self.files += 1
        self.meetings += 1
        self.with_council += meeting.council is not None
        self.with_date += meeting.date is not None
        self.with_items += bool(meeting.items)
        for item in meeting.items:
            self.items += 1
            self.with_title += bool(item.title.strip())
            self.with_case_number += item.case_number is not None
            self.with_decision += item.decision is not None
            self.with_decision_kind += item.decision_kind is not None
            self.referat_items += meeting.kind == "referat" and not item.closed

    def add_failure(self) -> None:
        self.files += 1
        self.failed += 1

    def merge(self, other: Coverage) -> None:
        for spec in fields(self):
            setattr(self, spec.name, getattr(self, spec.name) + getattr(other, spec.name))

    def shares(self) -> dict[str, float | None]:
        """Each "with_" count as a share of meetings or items (None when there are none)."""
        def share(count: int, whole: int) -> float | None:
            return round(count / whole, 4) if whole else None

        return {
            "council": share(self.with_council, self.meetings),
            "date": share(self.with_date, self.meetings),
            "items": share(self.with_items, self.meetings),
            "title": share(self.with_title, self.items),
            "case_number": share(self.with_case_number, self.items),
            "decision": share(self.with_decision, self.referat_items),
            "decision_kind": share(self.with_decision_kind, self.with_decision),
        }

    def to_dict(self) -> dict[str, object]:
        counts = {spec.name: getattr(self, spec.name) for spec in fields(self)}
        return {**counts, "shares": self.shares()}

    def line(self) -> str:
        """One line in Danish, for `parse --report` and the build output."""
        shares = self.shares()

        def pct(key: str) -> str:
            value = shares[key]
            return "–" if value is None else f"{value * 100:.0f} %"

        return (
            f"{self.meetings} møder ({self.failed} fejl): råd {pct('council')}, dato {pct('date')}, "
            f"punkter {pct('items')} · {self.items} punkter: titel {pct('title')}, sagsnr. {pct('case_number')}, "
            f"beslutning {pct('decision')} (af referatpunkter), beslutningstype {pct('decision_kind')}"
        )
