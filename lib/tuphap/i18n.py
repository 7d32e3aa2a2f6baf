"""The user's language: what the commands print, in Vietnamese by default and in English on request.

Messages are written in English in the code and marked for translation, whole sentences with named
fields: `_("no reports for {year}: build them first").format(year=year)`. Their Vietnamese is in the
gettext catalogue of the domain "tuphap", lib/tuphap/locale/vi/LC_MESSAGES/tuphap.po, compiled to the
tuphap.mo beside it (both are committed; docs/architecture.md, "Translations", says how to update them).

The language is read from the environment at every call, in gettext's order of precedence: the first
of LANGUAGE, LC_ALL, LC_MESSAGES and LANG that is set decides, and in it (LANGUAGE may list several,
'en:vi') the first entry naming English or Vietnamese wins ('en_US.UTF-8' is English). Anything else
(nothing set, C, POSIX, another language) means Vietnamese, the language of the people who use
tuphap. A missing or damaged catalogue means English: never an error.
"""
from __future__ import annotations

import gettext
import os
import re
import struct
from functools import lru_cache
from pathlib import Path

DOMAIN = "tuphap"
LOCALE_DIR = Path(__file__).resolve().with_name("locale")
DEFAULT_LANGUAGE = "vi"
LANGUAGES = ("vi", "en")  # "en" is the messages as written in the code
ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def language(environ: dict | None = None) -> str:
    """'vi' or 'en', from the environment (os.environ unless given) by the rules above."""
    environ = os.environ if environ is None else environ
    for name in ENVIRONMENT:
        value = environ.get(name)
        if value:
            return _language_of(value)  # gettext reads only the first variable that is set
    return DEFAULT_LANGUAGE


@lru_cache(maxsize=64)
def _language_of(value: str) -> str:
    """The language a variable's value names ('en:vi' -> 'en'). Cached: every message asks, and a
    file with 200,000 bad rows makes a million messages."""
    for entry in value.split(":"):
        code = re.split(r"[_.@-]", entry.strip(), maxsplit=1)[0].lower()
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def catalogue_file(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


@lru_cache(maxsize=None)
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of a language; the messages as written (English) when there is none."""
    if lang == "en":
        return gettext.NullTranslations()
    try:
        with open(catalogue_file(lang), "rb") as file:
            return gettext.GNUTranslations(file)
    except (OSError, struct.error, UnicodeError, ValueError):  # missing, unreadable or not a catalogue
        return gettext.NullTranslations()


def _(message: str) -> str:
    """The message in the user's language."""
    return translations(language()).gettext(message)


def N_(message: str) -> str:
    """Marks a message for the catalogue without translating it: it is translated where it is shown."""
    return message


def in_vietnamese() -> bool:
    """Whether messages are shown in Vietnamese (for texts that carry both, such as findings)."""
    return language() == "vi" and isinstance(translations("vi"), gettext.GNUTranslations)
