"""JupyterLab for analysts (`tuphap lab`): the project's environment, the interface in Vietnamese and a
start page. Every file Lab is given is written under outputs/lab/, none in the user's home or the venv
(Jupyter keeps its run-time files, such as kernel connection files, where it always does).

It sits in runtime, beside startup.py: it sets up the process in which section notebooks run by hand
(their kernel, PATH, settings), as the build sets up its own; it reads only the project's files.

- The kernel: a spec named `python3`, as the notebooks' metadata name it, that runs this environment's
  Python, found first through JUPYTER_PATH (a user-wide `python3` may lack tuphap). Its display name is
  the notebooks' own ("Python 3"), so that Lab, which writes the kernel's spec into a notebook it saves,
  leaves that metadata as committed.
- The settings: JupyterLab takes default values for its plugins' settings from
  `<config dir>/labconfig/default_setting_overrides.json` in every Jupyter config dir (jupyterlab_server's
  settings_utils._get_overrides); JUPYTER_CONFIG_PATH puts ours first. They choose the Vietnamese
  language pack, open Markdown files linked from the start page in the editor (the narratives are edited,
  not previewed) and turn off the news and update checks. Settings the analyst changes are kept in
  outputs/lab/settings/, the layout in outputs/lab/workspaces/.
- The start page: a notebook of Markdown cells (a notebook opens rendered, so its links work), opened by
  Lab at start, linking each section notebook and the unit's narrative and built report.
- Terminals: a plain (not login) shell, so that they keep the PATH that puts tuphap first.
"""
from __future__ import annotations

import json
import os
import platform
import secrets
import shutil
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from tuphap.errors import TuphapError
from tuphap.i18n import _
from tuphap.inputs.registry import load_units
from tuphap.inputs.report_kinds import ReportKinds, load_report_kinds
from tuphap.inputs.report_unit import report_unit
from tuphap.project import CommuneKey, ProjectPaths, check_slug, check_year, commune_reports

HOST = "127.0.0.1"
LOCALE = "vi_VN"
START_PAGE = "bat-dau.ipynb"
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}  # as in the notebooks' metadata
SETTING_DEFAULTS = {
    "@jupyterlab/translation-extension:plugin": {"locale": LOCALE},
    "@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"markdown": "Editor"}},
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}
TERMINAL = "trong một cửa sổ dòng lệnh (**Tệp** → **Mới** → **Phiên điều khiển**)"  # Lab's own words, in Vietnamese
BUILT_FILES = (("report.html", "trang HTML"), ("report.pdf", "PDF"))  # what Lab can show; Word opens outside


def lab_dir(paths: ProjectPaths) -> Path:
    return paths.outputs_dir / "lab"


def start_page_file(paths: ProjectPaths) -> Path:
    return lab_dir(paths) / START_PAGE


def choose_report(paths: ProjectPaths, unit: str | None = None, year: int | None = None,
                  kind: str | None = None) -> CommuneKey:
    """The report whose narrative and files the start page links: of the given kind (a slug of
    data/report_kinds.yaml; default: the default kind), the given unit and year, else the newest year (of
    the unit, if given) and its first unit (alphabetically) with params of that kind. An unknown kind names
    the nearest one."""
    if unit is not None:
        check_slug(unit)
    if year is not None:
        check_year(year)
    kinds = load_report_kinds(paths.report_kinds_file)
    folder = kinds.folder(kind or kinds.default)  # an unknown kind: unknown_kind's error
    found = commune_reports(paths, (unit,) if unit else (), (year,) if year else (), kinds=(folder,))
    if found:
        newest = max(key.year for key in found)
        return min(key for key in found if key.year == newest)
    pattern = f"params/<year>/_{folder}/<unit>.yaml" if folder else "params/<year>/<unit>.yaml"
    if unit and year:
        missing = _("the file {path} is missing").format(path=paths.params_file(year, unit, folder))
    elif unit:
        missing = _("no params file of the unit {unit} in {folder}").format(unit=unit, folder=paths.params_dir)
    elif year:
        missing = _("no params file for {year} in {folder}").format(year=year, folder=paths.params_dir)
    else:
        missing = _("no {pattern} file in {folder} yet").format(pattern=pattern, folder=paths.params_dir)
    raise TuphapError(_("no report to open: {missing} (`tuphap list` lists the reports that can be built)").format(
        missing=missing))


def _kinds(paths: ProjectPaths) -> ReportKinds | None:
    try:
        return load_report_kinds(paths.report_kinds_file)
    except TuphapError:
        return None


def _unit_title(paths: ProjectPaths, report: CommuneKey) -> str:
    """'Thị trấn Tân Khai' as the report names it (inputs/report_unit.py), or the slug when the registry
    cannot say (Lab is where one fixes it)."""
    try:
        found = report_unit(paths, load_units(paths.units_file), _kinds(paths), report.year, report.unit, report.kind)
    except (TuphapError, OSError):
        found = None
    return found.full_name[:1].upper() + found.full_name[1:] if found else report.unit


def _link(target: Path, start: Path, text: str | None = None) -> str:
    relative = Path(os.path.relpath(target, start)).as_posix()
    return f"[{text or relative}]({relative})"


def start_page_markdown(paths: ProjectPaths, report: CommuneKey) -> list[str]:
    """The start page of a report of any kind, one Markdown text per cell, with links relative to outputs/lab/:
    that kind's notebooks, the unit's narrative file of that kind, the report built."""
    here, unit, year, folder = lab_dir(paths), report.unit, report.year, report.kind
    root = paths.root
    kinds = _kinds(paths)
    report_kind = kinds[kinds.slug(folder)] if kinds is not None and kinds.slug(folder) in kinds else None
    kind_name = report_kind.name if report_kind else folder
    kind_option = f" --kind {folder}" if folder else ""
    intro = (
        f"# {kind_name if folder else 'Báo cáo tổng kết công tác Tư pháp'}: bắt đầu\n\n"
        f"Đơn vị: **{_unit_title(paths, report)}** (`{unit}`), năm **{year}**"
        + (f", loại báo cáo **{kind_name}** (`{folder}`)" if folder else "") + ". "
        "Trang này do `tuphap lab` tạo lại mỗi lần khởi động; đừng sửa ở đây "
        f"(chọn đơn vị khác: `tuphap lab --unit <đơn vị> --year <năm>{kind_option}`; loại báo cáo khác: "
        "`tuphap lab --kind <loại>`, các loại ghi trong `data/report_kinds.yaml`)."
    )
    parameters = f'unit = "{unit}"\nyear = {year}' + (f'\nkind = "{folder}"' if folder else "")
    sections = [
        "## Các phần của báo cáo\n",
        "Mỗi phần của báo cáo là một notebook. Để xem một phần cho đơn vị này: mở notebook, sửa ô tham số "
        "(ô mã đầu tiên, có thẻ `parameters`) thành\n",
        f"```python\n{parameters}\n```\n",
        "rồi chạy tất cả các ô (trình đơn **Chạy**) và lưu (Ctrl+S). Kết quả chạy và siêu dữ liệu không bao giờ "
        "vào git (bộ lọc nbstripout bỏ chúng đi), và việc đổi ô tham số không làm `tuphap build` chạy lại phần "
        "nào; chỉ dòng `unit = ...` đã đổi hiện trong `git diff`: trả lại như cũ trước khi commit.\n",
    ]
    notebooks = paths.section_notebooks(folder, report_kind.sections if report_kind else ())
    sections += [f"{number}. {_link(notebook, here, notebook.relative_to(paths.notebooks_dir).as_posix())}"
                 for number, notebook in enumerate(notebooks, 1)]
    if not notebooks:
        shown = paths.kind_notebooks_dir(folder).relative_to(root).as_posix() + "/"
        sections.append(f"*(Chưa có notebook nào trong {_link(paths.kind_notebooks_dir(folder), here, shown)}.)*")
    narrative_file = paths.narrative_file(year, unit, folder)
    narrative = ["## Lời văn riêng của đơn vị\n"]
    if narrative_file.is_file():
        narrative.append(
            f"{_link(narrative_file, here, narrative_file.relative_to(root).as_posix())}: các đoạn `## khóa` mà "
            'notebook hiển thị bằng `section.narrative("khóa")`. Sửa lời văn trong tệp này, không sửa trong '
            "notebook, để lần tạo báo cáo nào cũng giữ được.")
    else:
        narrative.append(f"Chưa có tệp `{narrative_file.relative_to(root).as_posix()}`: chép các tiêu đề `## khóa` "
                         "từ tệp của một đơn vị khác cùng năm và cùng loại báo cáo.")
    built_dir = paths.report_dir(year, unit, folder)
    built = [(built_dir / name, label) for name, label in BUILT_FILES if (built_dir / name).is_file()]
    files = ["## Báo cáo đã tạo\n"]
    if built:
        files += [f"- {_link(path, here, f'{path.name} ({label})')}" for path, label in built]
        if (built_dir / "report.docx").is_file():
            files.append(f"- `{(built_dir / 'report.docx').relative_to(root).as_posix()}` (Word: mở bằng Word, "
                         "không mở trong JupyterLab)")
        files.append(f"\nTạo lại sau khi sửa số liệu, lời văn hay notebook, {TERMINAL}:\n")
    else:
        files.append(f"Báo cáo này chưa được tạo. Tạo bằng lệnh sau, {TERMINAL}, rồi khởi động lại `tuphap lab` "
                     "để có liên kết:\n")
    files.append(f"```sh\ntuphap build --unit {unit} --year {year}{kind_option}\n```")
    files.append(f"\nXem cả báo cáo, tự cập nhật mỗi khi lưu tệp: `tuphap preview --unit {unit} --year {year}{kind_option}`.")
    return [intro, "\n".join(sections), "\n".join(narrative), "\n".join(files)]


def start_page_notebook(cells: list[str]) -> dict:
    """A notebook of Markdown cells, as nbformat 4.5 writes it."""
    return {
        "cells": [{"cell_type": "markdown", "id": f"bat-dau-{number}", "metadata": {}, "source": text.splitlines(True)}
                  for number, text in enumerate(cells)],
        # What Lab writes when the kernel starts, so that the page does not read as modified.
        "metadata": {"kernelspec": KERNEL, "language_info": {
            "codemirror_mode": {"name": "ipython", "version": sys.version_info[0]}, "file_extension": ".py",
            "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
            "pygments_lexer": f"ipython{sys.version_info[0]}", "version": platform.python_version()}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _write_json(path: Path, content: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _terminal_shell() -> str:
    return os.environ.get("SHELL") or shutil.which("bash") or shutil.which("sh") or "/bin/sh"


def kernel_spec() -> dict:
    """This environment's own kernel spec (ipykernel's, running this Python) under the notebooks' names."""
    from ipykernel.kernelspec import get_kernel_dict  # only here: the other commands need no ipykernel

    return {**get_kernel_dict(), "display_name": KERNEL["display_name"]}


def prepare(paths: ProjectPaths, report: CommuneKey) -> Path:
    """Write what Lab is given under outputs/lab/ (the kernel spec, the settings' defaults, the server's
    terminal setting, the start page); return the start page."""
    folder = lab_dir(paths)
    _write_json(folder / "jupyter" / "kernels" / KERNEL["name"] / "kernel.json", kernel_spec())
    _write_json(folder / "config" / "labconfig" / "default_setting_overrides.json", SETTING_DEFAULTS)
    _write_json(folder / "config" / "jupyter_server_config.json",
                {"ServerApp": {"terminado_settings": {"shell_command": [_terminal_shell()]}}})
    page = start_page_file(paths)
    _write_json(page, start_page_notebook(start_page_markdown(paths, report)))
    return page


def pick_port(port: int) -> int:
    """The port Lab will listen on: the one asked for if it is free (0: one the system picks)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds: TIME_WAIT is free
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            raise TuphapError(_("cannot use the port {port} at {host} ({reason}): choose another with --port, or "
                                "--port 0 for any free port").format(port=port, host=HOST,
                                                                     reason=exc.strerror or exc)) from None
        return probe.getsockname()[1]


@dataclass(frozen=True)
class LabLaunch:
    """How to start Lab: its command line, environment and the address that opens the start page."""
    argv: list[str]
    env: dict[str, str]
    url: str


def launch(paths: ProjectPaths, start_page: Path, *, port: int, open_browser: bool) -> LabLaunch:
    """Lab at the project root on HOST:port, with a fresh token, in the project's environment."""
    folder = lab_dir(paths)
    token = secrets.token_hex(24)
    argv = [
        sys.executable, "-m", "jupyterlab",
        f"--ServerApp.root_dir={paths.root}",
        f"--ServerApp.ip={HOST}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",  # the address printed is the one it listens on, or it stops
        f"--ServerApp.open_browser={open_browser}",
        f"--LabApp.user_settings_dir={folder / 'settings'}",
        f"--LabApp.workspaces_dir={folder / 'workspaces'}",
        # The command says where Lab is; its own log only for problems.
        "--ServerApp.log_level=WARN", "--LabApp.log_level=WARN",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--allow-root")
    argv.append(str(start_page))  # the file Lab opens at start (ServerApp.file_to_run)
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    env.update({
        "PATH": os.pathsep.join([bin_dir] + [p for p in env.get("PATH", "").split(os.pathsep) if p and p != bin_dir]),
        "JUPYTER_PATH": _prepend(folder / "jupyter", env.get("JUPYTER_PATH")),
        "JUPYTER_CONFIG_PATH": _prepend(folder / "config", env.get("JUPYTER_CONFIG_PATH")),
        "JUPYTER_TOKEN": token,  # in the environment, not on a command line others can list
        "TUPHAP_ROOT": str(paths.root),
    })
    env.pop("JUPYTER_TOKEN_FILE", None)
    relative = start_page.relative_to(paths.root).as_posix()
    return LabLaunch(argv, env, f"http://{HOST}:{port}/lab/tree/{relative}?token={token}")


def _prepend(folder: Path, existing: str | None) -> str:
    return os.pathsep.join([str(folder)] + ([existing] if existing else []))


def run(lab: LabLaunch) -> None:
    """Become JupyterLab: Ctrl-C and signals then reach it directly, and it stops its kernels itself."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(lab.argv[0], lab.argv, lab.env)
