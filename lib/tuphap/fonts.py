"""The report's typeface, chosen by what its font files hold, not by their names.

Two packages may install files of the same family name with different contents (Debian's
fonts-liberation 1.07, which Chromium pulls in, has no ế, ộ, ấ …; fonts-liberation2 has them), and a
renderer that resolves a family name may take either. So every renderer is given font files, chosen
here: for each style, the first family of PREFERRED whose file has a glyph for every letter of the
Vietnamese alphabet, read with fontTools. matplotlib's own DejaVu Serif, which covers the alphabet, is
the last resort, so some family always qualifies.

TUPHAP_FONT_DIR names a folder whose font files are used instead, whatever they cover; the document
check then fails the build on the first character they lack (see `missing_glyphs`).
"""
from __future__ import annotations

import hashlib
import importlib.util
import io
import logging
import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tuphap.atomic import write_atomically
from tuphap.errors import TuphapError
from tuphap.i18n import _

# fontTools logs a warning for every odd date in a font's header and every table a subset drops.
logging.getLogger("fontTools").setLevel(logging.ERROR)

FONT_DIR_ENV = "TUPHAP_FONT_DIR"
# The chosen files are declared to renderers (@font-face) as the family "<their family> Tuphap": a name
# no installed font has (fontconfig compares family names ignoring case and spaces, so "LiberationSerif"
# would not do), so no renderer can swap in a same-named file. WeasyPrint embeds the fonts in the PDF
# under it: "Liberation-Serif-Tuphap", "Liberation-Serif-Tuphap-Bold", ...
FACE_SUFFIX = "Tuphap"
PREFERRED = ("Times New Roman", "Liberation Serif", "Tinos", "DejaVu Serif")
STYLES = ("regular", "bold", "italic", "bold italic")
SYSTEM_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
FONT_SUFFIXES = (".ttf", ".otf", ".ttc")

_VOWELS = "aăâeêioôơuưy"
_TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # ngang, sắc, huyền, hỏi, ngã, nặng
_CONSONANTS = "bcdđghklmnpqrstvx" + "fjwz"  # and the letters of foreign names (Zalo, Facebook)


def _alphabet() -> str:
    lower = [unicodedata.normalize("NFC", vowel + tone) for vowel in _VOWELS for tone in _TONES]
    letters = "".join(lower) + _CONSONANTS
    return letters + letters.upper()


VIETNAMESE_ALPHABET = _alphabet()
# What the reports print besides letters: digits and the punctuation of the templates and the data.
REPORT_SYMBOLS = "0123456789 .,;:!?()[]/-–—+%*=<>≤≥'\"“”‘’…•·↑\u00a0"
REQUIRED = VIETNAMESE_ALPHABET + REPORT_SYMBOLS


@dataclass(frozen=True)
class FontFile:
    path: Path
    index: int  # the face's number inside a .ttc collection
    family: str
    style: str  # one of STYLES
    postscript_name: str

    def covers(self) -> frozenset[int]:
        return _cmap(self.path, self.index)

    def missing(self, text: str) -> list[str]:
        """The characters of `text` this file has no glyph for (line breaks and spaces of layout aside)."""
        codes = self.covers()
        seen: dict[str, None] = {}
        for char in unicodedata.normalize("NFC", text):
            if char not in "\n\r\t\u200b\u00ad" and ord(char) not in codes:
                seen[char] = None
        return list(seen)


def describe_char(char: str) -> str:
    """'ế' (U+1EBF LATIN SMALL LETTER E WITH CIRCUMFLEX AND ACUTE), for messages."""
    return f"'{char}' (U+{ord(char):04X} {unicodedata.name(char, 'unnamed')})"


@lru_cache(maxsize=64)
def _cmap(path: Path, index: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(str(path), lazy=True, fontNumber=index).getBestCmap() or {})


def _style(font) -> str:
    """The style of a face from its OS/2 weight and italic flags (subfamily names vary by vendor)."""
    os2 = font["OS/2"] if "OS/2" in font else None
    bold = bool(os2 and (os2.usWeightClass >= 600 or os2.fsSelection & 0b100000))
    italic = bool(os2 and os2.fsSelection & 0b1)
    if "head" in font:
        bold = bold or bool(font["head"].macStyle & 0b1)
        italic = italic or bool(font["head"].macStyle & 0b10)
    return {(False, False): "regular", (True, False): "bold", (False, True): "italic", (True, True): "bold italic"}[(bold, italic)]


def _faces(path: Path) -> list[FontFile]:
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        count = len(TTCollection(str(path), lazy=True).fonts) if path.suffix.lower() == ".ttc" else 1
        faces = []
        for index in range(count):
            font = TTFont(str(path), lazy=True, fontNumber=index)
            names = font["name"]
            family = names.getBestFamilyName() or ""
            faces.append(FontFile(path, index, family, _style(font), names.getDebugName(6) or family))
        return faces
    except (TTLibError, OSError, KeyError, AssertionError):
        return []  # not a font fontTools can read: not a candidate


def _matplotlib_fonts() -> Path | None:
    """matplotlib's bundled fonts, found without importing matplotlib (slow to import)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(spec.submodule_search_locations[0]) / "mpl-data" / "fonts" / "ttf"


def _files_in(folders: list[Path]) -> list[Path]:
    found = []
    for folder in folders:
        if folder.is_dir():
            found += sorted(p for p in folder.rglob("*") if p.suffix.lower() in FONT_SUFFIXES and p.is_file())
    return found


@dataclass(frozen=True)
class Typeface:
    """The four files the report is set in, and whether they were chosen or imposed."""
    files: dict[str, FontFile]
    forced_from: Path | None = None

    @property
    def family(self) -> str:
        return self.files["regular"].family

    @property
    def face_family(self) -> str:
        """The family name the renderers are given for these files (see FACE_SUFFIX)."""
        return f"{self.family} {FACE_SUFFIX}"

    def file(self, style: str = "regular") -> FontFile:
        return self.files[style]

    def missing_glyphs(self, text: str, style: str = "regular") -> list[str]:
        return self.files[style].missing(text)

    def identity(self) -> str:
        """What a build's outputs depend on: the files' paths and contents, as one short hash."""
        digest = hashlib.sha256()
        for style in STYLES:
            face = self.files[style]
            digest.update(f"{style}\0{face.path}\0{face.index}\0".encode())
            digest.update(hashlib.sha256(face.path.read_bytes()).digest())
        return digest.hexdigest()[:16]


def _choose(faces: list[FontFile], *, forced: bool) -> dict[str, FontFile]:
    """Per style, the first preferred family whose file covers REQUIRED; forced: the best there is."""
    required = {ord(c) for c in REQUIRED}
    chosen: dict[str, FontFile] = {}
    for style in STYLES:
        candidates = [f for f in faces if f.style == style] or [f for f in faces if f.style == "regular"]
        if not forced:
            by_family = sorted((f for f in candidates if f.family in PREFERRED), key=lambda f: PREFERRED.index(f.family))
            covering = [f for f in by_family if required <= f.covers()]
            if covering:
                chosen[style] = covering[0]
                continue
        if candidates:
            chosen[style] = max(candidates, key=lambda f: len(required & f.covers()))
    return chosen


@lru_cache(maxsize=1)
def typeface() -> Typeface:
    """The report's fonts on this machine (cached for the process)."""
    forced = os.environ.get(FONT_DIR_ENV)
    if forced:
        folder = Path(forced).expanduser()
        faces = [face for path in _files_in([folder]) for face in _faces(path)]
        if not faces:
            raise TuphapError(_("{variable}={folder}: no font file (.ttf, .otf, .ttc) there").format(
                variable=FONT_DIR_ENV, folder=forced))
        return Typeface(_fill_styles(_choose(faces, forced=True)), folder)
    folders = [Path(d).expanduser() for d in SYSTEM_FONT_DIRS]
    bundled = _matplotlib_fonts()
    faces = [face for path in _files_in(folders + ([bundled] if bundled else [])) for face in _faces(path)]
    files = _choose(faces, forced=False)
    if "regular" not in files:
        raise TuphapError(_("no usable font file found (looked in {folders} and matplotlib's fonts)").format(
            folders=", ".join(SYSTEM_FONT_DIRS)))
    return Typeface(_fill_styles(files))


def _fill_styles(files: dict[str, FontFile]) -> dict[str, FontFile]:
    """A missing style falls back to the nearest one (bold italic → bold → regular)."""
    fallback = {"bold": "regular", "italic": "regular", "bold italic": "bold"}
    for style in STYLES[1:]:
        if style not in files:
            files[style] = files.get(fallback[style]) or files["regular"]
    return files


def font_face_css(*, embed: bool) -> str:
    """The report's font rules: @font-face declaring the chosen files (by file URL for the PDF renderer,
    or embedded as WOFF2 subsets of the alphabet and report symbols for a page that must look the same
    in any browser), and that family for the text and the page numbers."""
    face = typeface()
    family = f"'{face.face_family}', 'Times New Roman', serif"
    rules = [f"html {{ font-family: {family}; }}", f"@page {{ @top-center {{ font-family: {family}; }} }}"]
    for style in STYLES:
        font = face.file(style)
        source = f"url(data:font/woff2;base64,{_woff2_base64(font.path, font.index)}) format('woff2')" if embed \
            else f"url('{font.path.resolve().as_uri()}')"
        weight = "bold" if "bold" in style else "normal"
        slant = "italic" if "italic" in style else "normal"
        rules.append(f"@font-face {{ font-family: '{face.face_family}'; font-weight: {weight}; font-style: {slant}; "
                     f"src: {source}; }}")
    return "\n".join(rules)


# A subset changes only with its font file, what it keeps, and fontTools: cached on disk under a name
# made of the three, so that each build process does not spend most of a second making the same bytes.
SUBSET_CACHE_VERSION = "1"


@lru_cache(maxsize=8)
def _woff2_base64(path: Path, index: int) -> str:
    import base64

    from fontTools import version as fonttools_version

    key = hashlib.sha256(path.read_bytes() + f"\0{index}\0{fonttools_version}\0{SUBSET_CACHE_VERSION}\0{REQUIRED}".encode())
    cached = _subset_cache_dir() / f"{key.hexdigest()[:32]}.woff2"
    try:
        return base64.b64encode(cached.read_bytes()).decode("ascii")
    except OSError:
        pass
    data = _woff2_subset(path, index)
    try:
        write_atomically(cached, data)
    except OSError:  # a read-only home: the subset is simply made again next time
        pass
    return base64.b64encode(data).decode("ascii")


def _subset_cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("tuphap") / "font-subsets"


def _woff2_subset(path: Path, index: int) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), fontNumber=index, recalcTimestamp=False)  # the same bytes in every build
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]  # keep the copyright and licence notices in the embedded copy
    options.hinting = False  # much smaller; browsers render outlines well without hints
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted({ord(c) for c in REQUIRED} | set(range(0x20, 0x100))))
    subsetter.subset(font)
    font.flavor = "woff2"
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()
