"""What `tuphap lab` gives JupyterLab, without starting it (tests/cli/test_lab.py starts it): the report
the start page is about, the start page's links, the settings, the kernel, the command and environment."""
from __future__ import annotations

import json
import os
import re
import socket
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from click.testing import CliRunner

from tuphap.cli import cli
from tuphap.errors import TuphapError
from tuphap.project import CommuneKey, ProjectPaths
from tuphap.runtime import lab


def markdown_links(page: Path) -> list[Path]:
    """Every relative link of the start page's Markdown cells, resolved from the page's folder."""
    cells = json.loads(page.read_text(encoding="utf-8"))["cells"]
    assert cells and all(cell["cell_type"] == "markdown" for cell in cells)
    text = "\n".join("".join(cell["source"]) for cell in cells)
    return [(page.parent / target).resolve() for target in re.findall(r"\]\(([^)]+)\)", text)]


def test_the_default_report_is_the_newest_years_first_unit(project):
    paths = ProjectPaths(project)
    assert lab.choose_report(paths) == CommuneKey(2025, "tan-khai")  # 2025 has xã Tân Khai only
    assert lab.choose_report(paths, "an-phu-mau") == CommuneKey(2024, "an-phu-mau")  # its newest year
    assert lab.choose_report(paths, year=2023) == CommuneKey(2023, "an-phu-mau")
    assert lab.choose_report(paths, "tan-khai", 2023) == CommuneKey(2023, "tan-khai")
    with pytest.raises(TuphapError, match=r"the file .*params/2022/tan-khai\.yaml is missing"):
        lab.choose_report(paths, "tan-khai", 2022)


def test_the_start_page_links_each_section_the_narrative_and_the_built_report(project):
    paths = ProjectPaths(project)
    report = paths.report_dir(2024, "tan-khai")
    report.mkdir(parents=True)
    for name in ("report.html", "report.pdf", "report.docx"):
        (report / name).write_bytes(b"built")
    page = lab.prepare(paths, CommuneKey(2024, "tan-khai"))
    assert page == project / "outputs" / "lab" / "bat-dau.ipynb"
    links = markdown_links(page)
    assert all(link.is_file() for link in links), [link for link in links if not link.is_file()]
    assert [link for link in links if link.suffix == ".ipynb"] == paths.section_notebooks()
    assert len(paths.section_notebooks()) == 11
    assert paths.narrative_file(2024, "tan-khai") in links
    assert {report / "report.html", report / "report.pdf"} <= set(links)  # Word opens outside Lab: named, not linked
    text = page.read_text(encoding="utf-8")
    # named as the 2024 report names it, though the registry knows the xã it became in 2025
    assert "Thị trấn Tân Khai" in text and "Xã Tân Khai" not in text and "outputs/2024/tan-khai/report.docx" in text


def test_a_report_not_built_yet_is_not_linked_but_the_command_to_build_it_is_given(project):
    paths = ProjectPaths(project)
    page = lab.prepare(paths, CommuneKey(2023, "hoa-binh-mau"))
    assert all(link.is_file() for link in markdown_links(page))
    text = page.read_text(encoding="utf-8")
    assert "report.html" not in text and "tuphap build --unit hoa-binh-mau --year 2023" in text
    assert "data/narrative/2023/hoa-binh-mau.md" in text


def test_lab_is_given_vietnamese_this_pythons_kernel_and_a_plain_terminal_shell(project):
    paths = ProjectPaths(project)
    lab.prepare(paths, CommuneKey(2024, "an-phu-mau"))
    folder = project / "outputs" / "lab"
    overrides = json.loads((folder / "config" / "labconfig" / "default_setting_overrides.json").read_text("utf-8"))
    assert overrides["@jupyterlab/translation-extension:plugin"] == {"locale": "vi_VN"}
    kernel = json.loads((folder / "jupyter" / "kernels" / "python3" / "kernel.json").read_text(encoding="utf-8"))
    assert kernel["argv"][:3] == [sys.executable, "-m", "ipykernel_launcher"]
    # the notebooks' own kernelspec, so that Lab saves them with the metadata they were committed with
    notebook = json.loads((project / "notebooks" / "03-hoa-giai-co-so.ipynb").read_text(encoding="utf-8"))
    assert notebook["metadata"]["kernelspec"] == {**lab.KERNEL, "display_name": kernel["display_name"]}
    server = json.loads((folder / "config" / "jupyter_server_config.json").read_text(encoding="utf-8"))
    assert "-l" not in server["ServerApp"]["terminado_settings"]["shell_command"]  # a login shell resets PATH
    # the pinned language pack is installed where JupyterLab's server looks for language packs
    assert "vi_VN" in {entry.name for entry in entry_points(group="jupyterlab.languagepack")}


def test_lab_listens_on_localhost_with_a_token_and_the_projects_path_first(project):
    paths = ProjectPaths(project)
    page = lab.prepare(paths, CommuneKey(2024, "an-phu-mau"))
    launch = lab.launch(paths, page, port=8765, open_browser=False)
    assert launch.argv[:3] == [sys.executable, "-m", "jupyterlab"]
    for option in (f"--ServerApp.root_dir={project}", "--ServerApp.ip=127.0.0.1", "--ServerApp.port=8765",
                   "--ServerApp.port_retries=0", "--ServerApp.open_browser=False"):
        assert option in launch.argv
    assert ("--allow-root" in launch.argv) == (os.geteuid() == 0)
    assert launch.argv[-1] == str(page)
    assert launch.env["PATH"].split(os.pathsep)[0] == str(Path(sys.executable).parent)
    assert launch.env["JUPYTER_PATH"].split(os.pathsep)[0] == str(project / "outputs" / "lab" / "jupyter")
    assert launch.env["JUPYTER_CONFIG_PATH"].split(os.pathsep)[0] == str(project / "outputs" / "lab" / "config")
    assert launch.env["TUPHAP_ROOT"] == str(project)
    token = launch.env["JUPYTER_TOKEN"]
    assert len(token) >= 32 and token not in " ".join(launch.argv)
    assert launch.url == f"http://127.0.0.1:8765/lab/tree/outputs/lab/bat-dau.ipynb?token={token}"


def test_a_busy_port_is_refused_in_vietnamese_and_port_0_picks_a_free_one(monkeypatch):
    monkeypatch.setenv("LANGUAGE", "vi")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with pytest.raises(TuphapError, match="không dùng được cổng"):
            lab.pick_port(busy.getsockname()[1])
    assert lab.pick_port(0) > 0


def test_the_command_refuses_a_report_without_params_before_starting_anything(project):
    result = CliRunner().invoke(cli, ["--root", str(project), "lab", "--unit", "tan-khai", "--year", "2022"])
    assert result.exit_code == 2
    assert "error: no report to open: the file" in result.output
    assert not (project / "outputs" / "lab").exists()


def test_the_command_suggests_the_unit_meant(project):
    result = CliRunner().invoke(cli, ["--root", str(project), "lab", "--unit", "tan-kai"])
    assert result.exit_code == 2
    assert "unknown unit 'tan-kai'" in result.output and "did you mean 'tan-khai'?" in result.output
    assert not (project / "outputs" / "lab").exists()
