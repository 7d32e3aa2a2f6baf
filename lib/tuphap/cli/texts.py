"""The words of the command line in the user's language (tuphap/i18n.py): the layout of each command's
help (paragraphs of prose, then examples), and what click itself prints (Usage:, Options, Error: …,
the -h and --version options), which click marks for gettext's default domain and tuphap's catalogue
translates."""
from __future__ import annotations

import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.types
from babel.numbers import format_decimal

from tuphap.i18n import N_, _, in_vietnamese

# The messages of click 8.5.1 a tuphap user can meet, each form of a plural as a message of its own
# (tests/test_i18n.py checks that click still has every one). Vietnamese has one form for every number.
CLICK_MESSAGES = (
    N_("Usage:"), N_("Options"), N_("Commands"), N_("Positional arguments"),
    N_("Show this message and exit."), N_("Show the version and exit."), N_("%(prog)s, version %(version)s"),
    N_("default: {default}"), N_("required"), N_("env var: {var}"), N_("Aborted!"),
    N_("Error: {message}"), N_("Try '{command} {option}' for help."),
    N_("Invalid value: {message}"), N_("Invalid value for {param_hint}: {message}"),
    N_("Missing argument"), N_("Missing option"), N_("Missing parameter"), N_("Missing {param_type}"),
    N_("Missing parameter: {param_name}"), N_("Missing command."),
    N_("No such option {name!r}."), N_("No such command {name!r}."),
    N_("Did you mean {possibility}?"), N_("(Did you mean one of: {possibilities}?)"),
    N_("Got unexpected extra argument ({args})"), N_("Got unexpected extra arguments ({args})"),
    N_("Option {name!r} requires an argument."), N_("Option {name!r} requires {nargs} arguments."),
    N_("Option {name!r} does not take a value."),
    N_("{value!r} is not a valid {number_type}."), N_("{value} is not in the range {range}."),
    N_("{value!r} is not {choice}."), N_("{value!r} is not one of {choices}."),
    N_("{name} {filename!r} does not exist."), N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."), N_("{name} {filename!r} is not readable."),
    N_("{name} {filename!r} is not writable."),
)
_CLICK_MODULES = (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.types)


def _plural(singular: str, plural: str, count: int) -> str:
    return _(singular if count == 1 else plural)


def translate_click() -> None:
    """Give click's modules tuphap's translation functions in place of gettext's (before the commands
    are declared: click translates some option help as it declares them)."""
    for module in _CLICK_MODULES:
        module._ = _
        if hasattr(module, "ngettext"):
            module.ngettext = _plural


def block(*lines: str) -> str:
    """Lines that click prints as they are (after its \\b mark), indented."""
    return "\b\n" + "\n".join(f"  {line}" for line in lines)


def verbatim(rows: list[tuple[str, str]]) -> str:
    """A block of a help text that click prints line by line (after its \\b mark): two columns."""
    width = max(len(left) for left, _right in rows)
    return "\b\n" + "\n".join(f"  {left.ljust(width)}  {right}".rstrip() for left, right in rows)


def examples(*rows: tuple[str, str]) -> str:
    """The examples that end every command's help: (command, what it does or '')."""
    width = max((len(command) for command, note in rows if note), default=0)
    lines = [f"  {command.ljust(width)}   # {note}" if note else f"  {command}" for command, note in rows]
    return "\b\n" + _("Examples:") + "\n" + "\n".join(lines)


def help_text(*paragraphs: str) -> str:
    """A command's help: its paragraphs (the first is the summary `tuphap -h` lists), blocks, examples."""
    return "\n\n".join(paragraphs)


def seconds(value: float, places: int) -> str:
    """A duration in seconds as the user's language writes a decimal: 14,8 in Vietnamese, 14.8 in English."""
    return format_decimal(round(value, places), format="0." + "0" * places, locale="vi" if in_vietnamese() else "en")
