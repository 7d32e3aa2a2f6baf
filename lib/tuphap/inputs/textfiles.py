"""Reading text files whatever Vietnamese Windows and Excel saved them as, into NFC Unicode.

The encoding is decided in this order, never by guessing among many:
1. a byte-order mark: UTF-8 (Excel's "CSV UTF-8"), UTF-16 (Excel's "Unicode Text"), UTF-32;
2. UTF-8, if the bytes decode as UTF-8;
3. Windows-1258 (Excel's plain "CSV" on Vietnamese Windows), only if the bytes decode and the text
   reads as Vietnamese: every non-ASCII character a Vietnamese letter or common punctuation. A file in
   another legacy encoding (TCVN3, VNI, Western Windows-1252 with other languages) fails this test
   and is rejected with advice, rather than read as nonsense.
Windows-1258 writes tone marks as separate combining characters; NFC joins them to the letters.
"""
from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from tuphap.errors import DataError
from tuphap.i18n import _

_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# The marks Vietnamese letters carry: grave, acute, circumflex, tilde, breve, hook above, horn, dot below.
_VIETNAMESE_MARKS = {"\u0300", "\u0301", "\u0302", "\u0303", "\u0306", "\u0309", "\u031b", "\u0323"}
_PUNCTUATION = set("–—‘’“”…•°·§€\u00a0")


def _vietnamese_letter(char: str) -> bool:
    if char in "đĐ":
        return True
    base, *marks = unicodedata.normalize("NFD", char)
    return base.isascii() and base.isalpha() and bool(marks) and set(marks) <= _VIETNAMESE_MARKS


def _reads_as_vietnamese(text: str) -> bool:
    return all(
        char.isascii() and (char.isprintable() or char in "\t\r\n") or char in _PUNCTUATION or _vietnamese_letter(char)
        for char in text
    )


@dataclass(frozen=True)
class Encoding:
    bom: bytes
    codec: str

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.codec)


def encoding_of(data: bytes) -> Encoding | None:
    """The encoding of these bytes by the rules above, or None when none fits."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return Encoding(bom, codec)
    try:
        data.decode("utf-8")
        return Encoding(b"", "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        return None
    return Encoding(b"", "cp1258") if _reads_as_vietnamese(text) else None


def decode_exactly(path: Path, data: bytes) -> tuple[str, Encoding]:
    """The text as stored (not normalised) and its encoding, so that encoding it again gives the same
    bytes; DataError naming the file when the encoding cannot be told."""
    encoding = encoding_of(data)
    if encoding is None:
        hint = _(" (it looks like UTF-16 without a byte-order mark)") if b"\x00" in data else ""
        raise DataError(path, _("cannot tell its text encoding{hint}: it is neither UTF-8 nor Vietnamese "
                                "Windows-1258; save it as CSV UTF-8 (or UTF-8 text)").format(hint=hint))
    try:
        return data[len(encoding.bom):].decode(encoding.codec), encoding
    except UnicodeDecodeError as exc:
        raise DataError(path, _("not valid {encoding} text ({reason} at byte {byte}); save it as UTF-8").format(
            encoding=encoding.codec, reason=exc.reason, byte=exc.start)) from None


def read_text(path: Path) -> str:
    """A text file's content, normalised to NFC."""
    return unicodedata.normalize("NFC", decode_exactly(path, path.read_bytes())[0])
