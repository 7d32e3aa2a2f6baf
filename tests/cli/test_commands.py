"""Forgiving commands: a typo names what exists and the nearest slug; exit codes say done (0), a report
failed or data has errors (1), or the command was wrong (2); -h is help."""
from __future__ import annotations

import pytest

from tests.conftest import REPO, run_tuphap
from tuphap.inputs.registry import load_units

KNOWN_UNITS = sorted(load_units(REPO / "data" / "units.csv"))  # an unknown slug with no near one lists the first


@pytest.mark.parametrize("args", [
    ("build", "--unit", "tan-kai", "--year", "2024"),
    ("validate", "--unit", "tan-kai"),
    ("check", "--unit", "tan-kai"),
    ("form", "--year", "2025", "--unit", "tan-kai"),
])
def test_an_unknown_unit_is_a_usage_error_that_suggests_the_nearest(args):
    result = run_tuphap(*args, root=REPO)
    assert result.returncode == 2, result.stderr
    assert "unknown unit 'tan-kai'" in result.stderr and "did you mean 'tan-khai'?" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args, message", [
    (("build", "--unit", "tan-khai", "--year", "24"), "invalid year 24"),
    (("build", "--unit", "tan-khai", "--year", "abc"), "'abc' is not a valid integer"),
    (("build", "--year", "2031"), "years with params: 2023, 2024"),
    (("build",), "say what to build"),
    (("build", "--unit", "qqqq", "--year", "2024"), "known units: " + ", ".join(KNOWN_UNITS[:12]) + ", …"),
])
def test_impossible_requests_exit_2_and_say_what_there_is(args, message):
    result = run_tuphap(*args, root=REPO)
    assert result.returncode == 2 and message in result.stderr, result.stderr


@pytest.mark.parametrize("command", ["", "build", "validate", "check", "form", "ingest", "site", "serve", "publish", "list"])
def test_dash_h_is_help(command):
    result = run_tuphap(*([command] if command else []), "-h")
    assert result.returncode == 0 and "Usage:" in result.stdout


@pytest.mark.parametrize("language, expected", [("vi", ("14,8", "0,02")), ("en", ("14.8", "0.02"))])
def test_durations_are_written_with_the_languages_decimal_mark(monkeypatch, language, expected):
    """A build's summary says "trong 14,8 giây" in Vietnamese, never "14.8 giây"."""
    from tuphap.cli import texts

    monkeypatch.setenv("LANGUAGE", language)
    assert (texts.seconds(14.83, 1), texts.seconds(0.0249, 2)) == expected
