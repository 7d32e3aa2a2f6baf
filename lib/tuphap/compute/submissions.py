"""Where each unit stands in sending its figures for a year and kind, from the receipts and the due date.

As routine statistics systems count it: the FIRST form received decides whether a unit was on time
(its day, in the time where it was received, against the due date: a form received on the due day is
on time); forms sent again after it are revisions, counted and dated, and the latest one's figures are
those on file. A unit with no form is missing, and overdue once the due date has passed.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tuphap.inputs.submissions import Receipt, SubmissionInputs

RECEIVED, LATE, MISSING, OVERDUE = "received", "late", "missing", "overdue"
STATUSES = (RECEIVED, LATE, MISSING, OVERDUE)


@dataclass(frozen=True)
class Submission:
    unit: str
    status: str  # one of STATUSES
    receipts: tuple[Receipt, ...] = ()  # in the order they arrived
    days_late: int = 0

    @property
    def first(self) -> Receipt | None:
        return self.receipts[0] if self.receipts else None

    @property
    def latest(self) -> Receipt | None:
        return self.receipts[-1] if self.receipts else None

    @property
    def revisions(self) -> int:
        """Forms sent again after the first."""
        return max(len(self.receipts) - 1, 0)


@dataclass(frozen=True)
class Tracking:
    """One year and kind: every unit expected, and the units that sent figures without being expected."""
    year: int
    kind: str
    due: dt.date | None
    today: dt.date
    submissions: list[Submission]
    unexpected: list[Submission] = field(default_factory=list)

    def count(self, *statuses: str) -> int:
        return sum(s.status in statuses for s in self.submissions)

    @property
    def sent(self) -> int:
        return self.count(RECEIVED, LATE)

    @property
    def past_due(self) -> bool:
        return self.due is not None and self.today > self.due


def _submission(unit: str, receipts: list[Receipt], due: dt.date | None, today: dt.date) -> Submission:
    ordered = tuple(sorted(receipts, key=lambda r: (r.received, r.row)))
    if not ordered:
        return Submission(unit, OVERDUE if due is not None and today > due else MISSING)
    late = (ordered[0].received.date() - due).days if due is not None else 0
    return Submission(unit, LATE if late > 0 else RECEIVED, ordered, max(late, 0))


def track(year: int, kind: str, expected: list[str], receipts: list[Receipt], due: dt.date | None,
          today: dt.date) -> Tracking:
    """The status of every expected unit (in the order given) for one year and kind."""
    by_unit: dict[str, list[Receipt]] = {}
    for receipt in receipts:
        if receipt.year == year and receipt.kind == kind:
            by_unit.setdefault(receipt.unit, []).append(receipt)
    return Tracking(year, kind, due, today, [_submission(unit, by_unit.get(unit, []), due, today) for unit in expected],
                    [_submission(unit, found, due, today) for unit, found in sorted(by_unit.items()) if unit not in expected])


def track_year(inputs: SubmissionInputs, today: dt.date) -> list[Tracking]:
    """Every kind tracked in a year (one with a due date or a receipt)."""
    return [track(inputs.year, kind, inputs.expected[kind], inputs.receipts, inputs.due.get(kind), today)
            for kind in inputs.kinds]


def days_late(receipt: Receipt, receipts: list[Receipt], due: dt.date | None) -> int:
    """By how many days this receipt made its unit late for its year and kind: the days past the due date
    when it is the unit's first form (among `receipts`, which hold it), else 0 (a form sent again is a revision)."""
    mine = [r for r in receipts if (r.unit, r.year, r.kind) == (receipt.unit, receipt.year, receipt.kind)]
    submission = _submission(receipt.unit, mine, due, receipt.ingested.date())
    return submission.days_late if submission.first == receipt else 0
