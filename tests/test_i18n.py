"""The commands in the user's language (tuphap/i18n.py): Vietnamese by default, English when the
environment asks for it, through a gettext catalogue that is complete, current and compiled as committed.

The rest of the suite runs in English (tests/conftest.py sets LANGUAGE=en); these tests give each
command the environment they mean."""
from __future__ import annotations

import gettext
import io
import os
import re
import sys
from pathlib import Path

import click
import pytest
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.conftest import REPO, copy_project, run_tuphap
from tuphap import i18n
from tuphap.cli import texts

PO = REPO / "lib" / "tuphap" / "locale" / "vi" / "LC_MESSAGES" / "tuphap.po"
MO = PO.with_suffix(".mo")
LANGUAGE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def environment(**variables: str) -> dict[str, str]:
    """This process's environment without any language setting, plus the given variables."""
    env = {name: value for name, value in os.environ.items() if name not in LANGUAGE_VARIABLES}
    return {**env, **variables}


VIETNAMESE = environment()  # nothing set: the default
ENGLISH = environment(LANG="en_US.UTF-8")


def _catalogue():
    with PO.open("rb") as file:
        return read_po(file, locale="vi")


# -- which language ----------------------------------------------------------------------------

@pytest.mark.parametrize("variables, expected", [
    ({}, "vi"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "vi_VN.UTF-8"}, "vi"),
    ({"LANG": "C.UTF-8"}, "vi"),
    ({"LANG": "POSIX"}, "vi"),
    ({"LANG": "fr_FR.UTF-8"}, "vi"),
    ({"LANGUAGE": "en"}, "en"),
    ({"LANGUAGE": "vi", "LANG": "en_US.UTF-8"}, "vi"),  # LANGUAGE comes first
    ({"LANGUAGE": "en", "LANG": "vi_VN.UTF-8"}, "en"),
    ({"LANGUAGE": "fr:en_GB:vi"}, "en"),  # the first entry tuphap has
    ({"LANGUAGE": "", "LC_ALL": "en_US.UTF-8", "LANG": "vi_VN.UTF-8"}, "en"),  # empty counts as unset
    ({"LC_ALL": "vi_VN.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "vi"),
    ({"LC_MESSAGES": "en_US.UTF-8", "LANG": "vi_VN.UTF-8"}, "en"),
    ({"LC_MESSAGES": "fr_FR.UTF-8", "LANG": "en_US.UTF-8"}, "vi"),  # only the first variable set counts
])
def test_the_language_follows_gettexts_order_and_is_vietnamese_by_default(variables, expected):
    assert i18n.language(variables) == expected


def test_a_missing_or_damaged_catalogue_falls_back_to_english(tmp_path, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "vi")
    for number, content in enumerate((None, b"not a catalogue", b"\xde\x12\x04\x95")):  # none, junk, cut short
        i18n.translations.cache_clear()
        folder = tmp_path / f"locale-{number}"
        if content is not None:
            (folder / "vi" / "LC_MESSAGES").mkdir(parents=True)
            (folder / "vi" / "LC_MESSAGES" / "tuphap.mo").write_bytes(content)
        monkeypatch.setattr(i18n, "LOCALE_DIR", folder)
        try:
            assert i18n._("Usage:") == "Usage:"
            assert not i18n.in_vietnamese()
        finally:
            i18n.translations.cache_clear()
    monkeypatch.undo()
    monkeypatch.setenv("LANGUAGE", "vi")
    assert i18n._("Usage:") == "Cách dùng:" and i18n.in_vietnamese()


# -- the catalogue -----------------------------------------------------------------------------

def test_every_message_has_a_vietnamese_translation():
    catalogue = _catalogue()
    messages = [message for message in catalogue if message.id]
    assert len(messages) > 250
    untranslated = [message.id for message in messages if not message.string]
    fuzzy = [message.id for message in messages if message.fuzzy]
    assert not untranslated and not fuzzy, untranslated + fuzzy
    assert not list(catalogue.check())  # e.g. %(prog)s kept in the translation


def test_translations_keep_every_field_of_their_message():
    """A field the code fills ({year}, {count}…) missing or misspelled in a translation would crash
    str.format or drop a figure; only click's file/folder word may go ({name}: Vietnamese says it once)."""
    field = re.compile(r"(?<!\{)\{([a-z_]+)(?:![rs])?(?::[^}]*)?\}")
    allowed_to_drop = {"name"}
    for message in _catalogue():
        if message.id:
            source, translated = set(field.findall(message.id)), set(field.findall(message.string))
            assert translated <= source and source - translated <= allowed_to_drop, message.id


def test_the_catalogue_holds_every_message_of_the_code_and_no_other():
    """pybabel extract, in memory, over lib/tuphap: the .po is up to date with the code (see
    docs/architecture.md, "Translations", to update it)."""
    in_code = {message for _file, _line, message, _comments, _context in extract_from_dir(REPO / "lib" / "tuphap")}
    in_catalogue = {message.id for message in _catalogue() if message.id}
    assert not in_code - in_catalogue, f"not in the catalogue (run pybabel extract/update): {in_code - in_catalogue}"
    assert not in_catalogue - in_code, f"obsolete in the catalogue: {in_catalogue - in_code}"


def test_the_committed_mo_is_the_po_compiled():
    compiled = io.BytesIO()
    write_mo(compiled, _catalogue())
    assert MO.read_bytes() == compiled.getvalue(), "run pybabel compile (docs/architecture.md, Translations)"
    with MO.open("rb") as file:
        assert gettext.GNUTranslations(file).gettext("Building") == "Đang tạo báo cáo"


def test_clicks_messages_that_the_catalogue_translates_are_still_clicks():
    folder = Path(click.__file__).parent
    in_click = set()
    for module in ("core", "decorators", "exceptions", "formatting", "parser", "types"):
        for _line, message, _comments, _context in extract_from_file("python", str(folder / f"{module}.py")):
            in_click.update(message if isinstance(message, tuple) else (message,))
    assert set(texts.CLICK_MESSAGES) <= in_click, set(texts.CLICK_MESSAGES) - in_click


def test_the_package_ships_its_catalogues(repo):
    import tomllib

    package_data = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]
    shipped = [pattern for pattern in package_data["tuphap"] if pattern.startswith("locale/")]
    for path in (PO, MO):
        relative = path.relative_to(REPO / "lib" / "tuphap")
        assert any(relative.match(pattern) for pattern in shipped), relative


# -- the commands ------------------------------------------------------------------------------

def test_help_is_in_vietnamese_by_default_and_in_english_with_lang_en():
    vietnamese = run_tuphap("--help", env=VIETNAMESE)
    assert vietnamese.returncode == 0, vietnamese.stderr
    assert "Cách dùng: tuphap" in vietnamese.stdout and "Tạo báo cáo tổng kết công tác Tư pháp" in vietnamese.stdout
    assert "Tùy chọn:" in vietnamese.stdout and "Lệnh:" in vietnamese.stdout
    assert "Hiện hướng dẫn này rồi thoát." in vietnamese.stdout
    assert "Usage:" not in vietnamese.stdout and "Show this message" not in vietnamese.stdout

    english = run_tuphap("--help", env=ENGLISH)
    assert english.returncode == 0, english.stderr
    assert "Usage: tuphap" in english.stdout and "Build the yearly commune justice report" in english.stdout
    assert "Show this message and exit." in english.stdout and "Cách dùng" not in english.stdout


def test_every_commands_help_has_its_examples_in_vietnamese():
    script = ("import json; from click.testing import CliRunner; from tuphap.cli import cli; "
              "print(json.dumps({name: CliRunner().invoke(cli, [name, '--help']).output for name in cli.commands}))")
    import json
    import subprocess

    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=VIETNAMESE, timeout=120)
    assert result.returncode == 0, result.stderr
    for name, help_text in json.loads(result.stdout).items():
        assert "Ví dụ:" in help_text and f"tuphap {name}" in help_text, name
        assert "Cách dùng:" in help_text and "Examples:" not in help_text, name


def test_a_usage_error_in_both_languages():
    vietnamese = run_tuphap("build", root=REPO, env=VIETNAMESE)
    assert vietnamese.returncode == 2
    assert "Lỗi: hãy cho biết cần tạo báo cáo nào: --unit SLUG --year YEAR" in vietnamese.stderr
    assert "Xem hướng dẫn: 'tuphap build --help'." in vietnamese.stderr

    english = run_tuphap("build", root=REPO, env=ENGLISH)
    assert english.returncode == 2
    assert "Error: say what to build: --unit SLUG --year YEAR" in english.stderr
    assert "Try 'tuphap build --help' for help." in english.stderr

    typo = run_tuphap("build", "--unit", "tan-kai", "--year", "2024", root=REPO, env=VIETNAMESE)
    assert typo.returncode == 2
    assert "lỗi: không có đơn vị 'tan-kai'" in typo.stderr and "có phải ý bạn là 'tan-khai'?" in typo.stderr


def test_a_data_error_in_both_languages(tmp_path):
    root = copy_project(tmp_path / "project")
    values = root / "data" / "values" / "2024.csv"
    rows = values.read_text(encoding="utf-8").splitlines()
    values.write_text("\n".join([*rows, "tan-khai,2024,khong_co.chi_tieu,5,"]) + "\n", encoding="utf-8")
    row = len(rows) + 1

    vietnamese = run_tuphap("validate", "--unit", "tan-khai", "--year", "2024", root=root, env=VIETNAMESE)
    assert vietnamese.returncode == 1, vietnamese.stdout + vietnamese.stderr
    assert (f"lỗi: data/values/2024.csv, dòng {row} | tan-khai 2024 | quy tắc load | Không đọc được tệp: "
            f"không có chỉ tiêu 'khong_co.chi_tieu' (không có trong data/indicators.csv) (trường 'indicator')"
            ) in vietnamese.stdout
    assert vietnamese.stdout.splitlines()[-1].startswith("1 lỗi, ")  # the report's own warnings are checked too

    english = run_tuphap("validate", "--unit", "tan-khai", "--year", "2024", root=root, env=ENGLISH)
    assert english.returncode == 1, english.stdout + english.stderr
    assert (f"error: data/values/2024.csv, row {row} | tan-khai 2024 | rule load | "
            "unknown indicator 'khong_co.chi_tieu' (not in data/indicators.csv) (field 'indicator')") in english.stdout
    assert english.stdout.splitlines()[-1].startswith("1 error(s), ")

    broken = root / "data" / "values" / "2023.csv"  # a file that cannot be read at all: nobody knows whose rows it has
    broken.write_text("unit,year\n", encoding="utf-8")
    english = run_tuphap("validate", root=root, env=ENGLISH)
    assert english.returncode == 1 and "missing column(s) indicator, value" in english.stdout
    assert "in the data files; no report could be checked until they are fixed" in english.stdout


def test_validation_findings_read_in_vietnamese():
    """describe() gives the rule's Vietnamese message (data/rules.csv, message_vi) in Vietnamese."""
    result = run_tuphap("validate", "--unit", "tan-khai", "--year", "2024", root=REPO, env=VIETNAMESE)
    assert result.returncode == 0, result.stdout + result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("cảnh báo: ") and ", dòng 18 | tan-khai 2024 | ho_tich.tong | quy tắc tong_thanh_phan | " \
        "cần 1.733, thực tế 1.732 | " in first
    assert "the parts of" not in result.stdout
    assert result.stdout.splitlines()[-1] == "0 lỗi, 4 cảnh báo trong 1 báo cáo"


def test_a_build_reports_its_progress_and_summary_in_vietnamese(tmp_path):
    root = copy_project(tmp_path / "project")
    result = run_tuphap("build", "--unit", "an-phu-mau", "--year", "2024", "--jobs", "1", root=root, env=VIETNAMESE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Đang tạo báo cáo: 100%" in result.stderr and "1/1" in result.stderr, result.stderr
    assert re.search(r"^ +đã tạo 2024 an-phu-mau", result.stdout, re.M), result.stdout
    assert re.search(r"^1 đã tạo, 0 không đổi, 0 lỗi trên tổng số 1 báo cáo trong [\d]+,[\d] giây, [\d]+,[\d]{2} giây mỗi báo cáo "
                     r"\(số mục đã chạy: 11, dùng lại: 0\)$", result.stdout, re.M), result.stdout
    assert f"Báo cáo ở {root / 'outputs'}; sổ theo dõi ở {root / 'outputs' / 'manifest.json'}" in result.stdout
    assert f"Trang nội bộ: {root / 'outputs' / 'site' / 'index.html'}" in result.stdout
