"""Where each unit stands in sending its figures: the first form decides lateness, later ones are
revisions, a unit with none is missing and overdue once the due date has passed."""
from __future__ import annotations

import datetime as dt

from tuphap.compute.submissions import LATE, MISSING, OVERDUE, RECEIVED, days_late, track
from tuphap.inputs.submissions import Receipt

HANOI = dt.timezone(dt.timedelta(hours=7))
DUE = dt.date(2025, 11, 5)


def receipt(unit: str, received: str, row: int, *, kind: str = "nam", year: int = 2025) -> Receipt:
    moment = dt.datetime.fromisoformat(received).replace(tzinfo=HANOI)
    return Receipt(unit, year, kind, moment, True, moment, f"{unit}.xlsx", "0" * 64, 40, row)


def test_the_first_form_decides_lateness_and_later_ones_are_revisions():
    receipts = [receipt("b", "2025-11-09T08:00", 3), receipt("a", "2025-11-05T23:59", 2), receipt("b", "2025-11-07T09:00", 4),
                receipt("b", "2025-11-04T10:00", 5)]  # listed last, received first: arrival decides, not the file's order
    tracking = track(2025, "nam", ["a", "b", "c"], receipts, DUE, dt.date(2025, 11, 20))
    a, b, c = tracking.submissions
    assert (a.status, a.days_late) == (RECEIVED, 0)  # on the due day, even at 23:59, is on time
    assert (b.status, b.revisions, b.first.row, b.latest.row) == (RECEIVED, 2, 5, 3)
    assert c.status == OVERDUE and c.first is None
    assert (tracking.sent, tracking.count(OVERDUE)) == (2, 1)


def test_a_late_first_form_counts_its_days_late_in_the_time_where_it_was_received():
    late = receipt("a", "2025-11-08T00:30", 2)  # 17:30 on the 7th in UTC: the unit's own day counts
    tracking = track(2025, "nam", ["a"], [late], DUE, dt.date(2025, 11, 20))
    assert (tracking.submissions[0].status, tracking.submissions[0].days_late) == (LATE, 3)


def test_a_form_makes_its_unit_late_only_as_its_first():
    """What `tuphap ingest` reports of each form it accepts: late by so many days when it is the unit's first
    form of the year and kind (also when it arrived before forms already on file), never when sent again."""
    on_file = [receipt("a", "2025-11-09T08:00", 2), receipt("b", "2025-11-04T08:00", 3),
               receipt("a", "2025-11-10T08:00", 4, kind="6thang")]
    first, again, earlier = receipt("c", "2025-11-07T10:00", 5), receipt("b", "2025-11-12T10:00", 6), \
        receipt("a", "2025-11-06T10:00", 7)  # came by e-mail before the form on file, read in after it
    receipts = [*on_file, first, again, earlier]
    assert [days_late(r, receipts, DUE) for r in (first, again, earlier)] == [2, 0, 1]
    assert days_late(on_file[0], receipts, DUE) == 0  # no longer the first
    assert days_late(first, receipts, None) == 0  # no due date: never late


def test_missing_is_overdue_only_after_the_due_day_and_never_without_a_due_date():
    assert track(2025, "nam", ["a"], [], DUE, DUE).submissions[0].status == MISSING
    assert track(2025, "nam", ["a"], [], DUE, DUE + dt.timedelta(days=1)).submissions[0].status == OVERDUE
    no_due = track(2025, "nam", ["a", "b"], [receipt("b", "2026-03-01T08:00", 2)], None, dt.date(2026, 6, 1))
    assert [s.status for s in no_due.submissions] == [MISSING, RECEIVED]


def test_receipts_of_other_years_and_kinds_do_not_count_and_unexpected_units_are_listed_apart():
    receipts = [receipt("a", "2025-06-01T08:00", 2, kind="6thang"), receipt("a", "2024-11-01T08:00", 3, year=2024),
                receipt("z", "2025-11-01T08:00", 4)]
    tracking = track(2025, "nam", ["a"], receipts, DUE, dt.date(2025, 11, 1))
    assert tracking.submissions[0].status == MISSING
    assert [(s.unit, s.status) for s in tracking.unexpected] == [("z", RECEIVED)]
