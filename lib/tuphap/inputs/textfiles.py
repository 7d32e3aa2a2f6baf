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
_PUNCTUATION = set("–—‘’“”…•°·§€\u00a0")
# The letters of the Vietnamese alphabet beyond ASCII: the twelve vowels with each of the five tone marks
# (grave, hook above, tilde, acute, dot below), and đ. A tone mark on a consonant ("Ḥ") is not Vietnamese:
# it is what Windows-1258 makes of another encoding's bytes (Latin-1 "Hòa" reads as "Ḥa").
_VOWELS = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
_VIETNAMESE_LETTERS = {unicodedata.normalize("NFC", vowel + tone) for vowel in _VOWELS + _VOWELS.upper()
                       for tone in _TONES} - set("aeiouyAEIOUY") | set("đĐ")
# Western Latin-1 / Windows-1252 letters that Vietnamese shares (à, é, ô…): a file that decodes in it to
# only such letters was most likely saved in it, and it cannot hold the rest of the alphabet.
_WESTERN_ENCODING = "cp1252"


def _vietnamese_letter(char: str) -> bool:
    return char in _VIETNAMESE_LETTERS


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


def _looks_western(data: bytes) -> bool:
    """Whether the bytes read as Latin-1 / Windows-1252 text whose letters beyond ASCII are all ones
    Vietnamese shares (Hòa, Tân): a Western save of Vietnamese text, which has lost the other letters."""
    try:
        text = data.decode(_WESTERN_ENCODING)
    except UnicodeDecodeError:
        return False
    return any(not char.isascii() for char in text) and _reads_as_vietnamese(text)


def decode_exactly(path: Path, data: bytes) -> tuple[str, Encoding]:
    """The text as stored (not normalised) and its encoding, so that encoding it again gives the same
    bytes; DataError naming the file when the encoding cannot be told."""
    encoding = encoding_of(data)
    if encoding is None:
        hint = (_(" (it looks like UTF-16 without a byte-order mark)") if b"\x00" in data
                else _(" (it looks like Western Latin-1/Windows-1252, which has no room for most Vietnamese "
                       "letters)") if _looks_western(data) else "")
        raise DataError(path, _("cannot tell its text encoding{hint}: it is neither UTF-8 nor Vietnamese "
                                "Windows-1258; save it as CSV UTF-8 (or UTF-8 text)").format(hint=hint))
    try:
        return data[len(encoding.bom):].decode(encoding.codec), encoding
    except UnicodeDecodeError as exc:
        raise DataError(path, _("not valid {encoding} text ({reason} at byte {byte}); save it as UTF-8").format(
            encoding=encoding.codec, reason=exc.reason, byte=exc.start)) from None


def check_size(path: Path, limit: int) -> None:
    """Refuse a file larger than `limit` bytes by its size on disk, before a byte of it is read."""
    size = path.stat().st_size
    if size > limit:
        raise DataError(path, _("the file is {size} bytes, more than the {limit} bytes such a file may hold "
                                "(see Limits in docs/data-format.md)").format(size=size, limit=limit))


def read_text(path: Path, limit: int) -> str:
    """A text file's content, normalised to NFC; DataError when it is larger than `limit` bytes."""
    check_size(path, limit)
    return unicodedata.normalize("NFC", decode_exactly(path, path.read_bytes())[0])
