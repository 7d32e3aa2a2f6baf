"""Fonts chosen by what their files hold: every Vietnamese letter, in every chart and document."""
from __future__ import annotations

import io
import os
import warnings
from pathlib import Path

import pytest
from fontTools import subset
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont
from PIL import Image

from tests.conftest import copy_project, run_tuphap
from tuphap import fonts
from tuphap.errors import TuphapError
from tuphap.render import drawing
from tuphap.render.chart import Chart

OLD_LIBERATION = Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf")  # 1.07: no ế, ộ, ấ


def test_the_alphabet_is_every_vowel_with_every_tone_in_both_cases_and_d_with_stroke():
    letters = set(fonts.VIETNAMESE_ALPHABET)
    assert len(letters) == len(fonts.VIETNAMESE_ALPHABET) == 2 * (12 * 6 + 21)
    assert {"ế", "Ế", "ộ", "Ộ", "ữ", "Ữ", "ỵ", "Ỵ", "đ", "Đ", "ơ", "Ư"} <= letters


@pytest.mark.parametrize("style", fonts.STYLES)
def test_every_style_of_the_chosen_typeface_draws_every_letter(style):
    face = fonts.typeface().file(style)
    assert face.missing(fonts.REQUIRED) == []
    font = TTFont(str(face.path), fontNumber=face.index)
    glyphs, cmap = font.getGlyphSet(), font.getBestCmap()
    for letter in fonts.VIETNAMESE_ALPHABET:
        pen = BoundsPen(glyphs)
        glyphs[cmap[ord(letter)]].draw(pen)
        assert pen.bounds is not None, f"{letter!r} maps to an empty glyph in {face.path}"


@pytest.mark.skipif(not OLD_LIBERATION.is_file(), reason="Debian's fonts-liberation 1.07 is not installed")
def test_a_same_named_file_without_the_letters_is_passed_over():
    old = fonts.FontFile(OLD_LIBERATION, 0, "Liberation Serif", "regular", "LiberationSerif")
    assert "ế" in old.missing(fonts.VIETNAMESE_ALPHABET)
    assert fonts.typeface().file("regular").path != OLD_LIBERATION


def test_a_chart_of_the_whole_alphabet_draws_every_glyph_in_the_chosen_file():
    words = [fonts.VIETNAMESE_ALPHABET[i:i + 24] for i in range(0, len(fonts.VIETNAMESE_ALPHABET), 24)]
    chart = Chart("bars", "Bảng chữ cái tiếng Việt", words, ["chữ"] * len(words), ["Số liệu"],
                  [[float(len(w)) for w in words]], [[str(len(w)) for w in words]], axis="chữ cái")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing" where it would draw a box
        png = drawing.draw(chart)
    assert Image.open(io.BytesIO(png)).size[0] > 0


def _ascii_only_font(folder: Path) -> Path:
    """A copy of the chosen regular font cut down to ASCII: a font without Vietnamese letters."""
    face = fonts.typeface().file("regular")
    font = TTFont(str(face.path), fontNumber=face.index)
    subsetter = subset.Subsetter(subset.Options())
    subsetter.populate(unicodes=range(0x20, 0x7F))
    subsetter.subset(font)
    folder.mkdir()
    font.save(folder / "ascii-serif.ttf")
    return folder


def test_a_chart_in_a_font_without_the_letters_is_an_error_naming_the_character(tmp_path, monkeypatch):
    monkeypatch.setenv(fonts.FONT_DIR_ENV, str(_ascii_only_font(tmp_path / "fonts")))
    fonts.typeface.cache_clear()
    try:
        chart = Chart("bars", "Kết quả hòa giải", ["Hòa giải thành"], ["vụ việc"], ["Số liệu"], [[10.0]], [["10"]])
        with pytest.raises(TuphapError, match=r"chart “Kết quả hòa giải”: .* has no glyph for 'ò' \(U\+00F2"):
            drawing.draw(chart)
    finally:
        monkeypatch.delenv(fonts.FONT_DIR_ENV)
        fonts.typeface.cache_clear()


def test_a_build_forced_to_a_font_without_the_letters_fails_naming_the_character(tmp_path):
    root = copy_project(tmp_path / "project")
    environment = {**os.environ, fonts.FONT_DIR_ENV: str(_ascii_only_font(tmp_path / "fonts"))}
    result = run_tuphap("build", "--unit", "tan-khai", "--year", "2024", root=root, env=environment)
    assert result.returncode == 1
    assert "has no glyph for '" in result.stderr and "(U+" in result.stderr, result.stderr
    assert "section 03-hoa-giai-co-so" in result.stderr  # the first chart, named with its section
    assert not (root / "outputs" / "2024" / "tan-khai" / "report.pdf").exists()


def test_the_pdf_embeds_only_the_chosen_files(built_tan_khai):
    from pypdf import PdfReader

    face = fonts.typeface()
    names = {str(font.get_object()["/BaseFont"]).split("+", 1)[1]
             for page in PdfReader(built_tan_khai / "report.pdf").pages
             for font in page["/Resources"]["/Font"].values()}
    assert names and all(name.startswith(face.face_family.replace(" ", "-")) for name in names), names


def test_the_html_report_carries_its_fonts(built_tan_khai):
    html = (built_tan_khai / "report.html").read_text(encoding="utf-8")
    assert html.count("src: url(data:font/woff2;base64,") == 4  # regular, bold, italic, bold italic
    assert f"font-family: '{fonts.typeface().face_family}'" in html
    assert "file://" not in html  # no path of the build machine


def test_executed_sections_hold_no_missing_glyph_warning(built_2024):
    notebooks = sorted((built_2024 / "outputs" / "2024").glob("**/sections/*.ipynb"))
    assert len(notebooks) == 3 * 11 + 2 * 5  # three communes, two roll-ups
    for notebook in notebooks:
        text = notebook.read_text(encoding="utf-8")
        assert "missing from font" not in text and "Glyph" not in text, notebook
