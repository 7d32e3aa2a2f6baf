"""The README's promises, CI and the conda environment stay in step with the project."""
from __future__ import annotations

import re
import tomllib

import yaml
from click.testing import CliRunner

from tuphap.cli import cli


def quick_start_commands(readme: str) -> list[str]:
    block = re.search(r"## Quick start.*?```sh\n(.*?)```", readme, re.S).group(1)
    return [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]


def test_quick_start_is_two_commands_that_the_makefile_and_ci_run(repo):
    commands = quick_start_commands((repo / "README.md").read_text(encoding="utf-8"))
    assert commands == ["make sample", "make test"]
    makefile = (repo / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^sample: setup\n\t\$\(BIN\)/tuphap build --all$", makefile, re.M)
    assert re.search(r"^test: setup\n\t\$\(BIN\)/lint-imports\n\t\$\(BIN\)/python -m pytest \$\(PYTEST_PARALLEL\) "
                     r"--durations=10$", makefile, re.M)
    assert re.search(r"^test-fast: setup\n\t\$\(BIN\)/python -m pytest \$\(PYTEST_PARALLEL\) -m \"not slow\"$", makefile, re.M)
    ci = (repo / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()


def test_quick_start_promises_the_site_that_every_build_ends_with(repo):
    # `make sample` is `tuphap build --all` (above); test_site checks that a build writes the site.
    quick_start = re.search(r"## Quick start(.*?)\n## ", (repo / "README.md").read_text(encoding="utf-8"), re.S).group(1)
    assert "outputs/site/index.html" in quick_start


def test_every_cli_command_is_documented_with_examples(repo):
    readme = (repo / "README.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        assert f"tuphap {name}" in readme, f"README does not mention `tuphap {name}`"
        help_text = CliRunner().invoke(cli, [name, "--help"]).output
        # English under the suite (tests/conftest.py); "Ví dụ:" where a command's help is Vietnamese
        assert ("Example" in help_text or "Ví dụ:" in help_text) and f"tuphap {name}" in help_text


def _normalise(name: str) -> str:
    return {"matplotlib-base": "matplotlib", "brotli-python": "brotli"}.get(name, name).lower().replace("_", "-")


def test_conda_environment_pins_the_same_versions_as_pyproject(repo):
    project = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = dict(spec.split("==") for spec in project["dependencies"] + project["optional-dependencies"]["test"])
    environment = yaml.safe_load((repo / "environment.yml").read_text(encoding="utf-8"))
    conda = dict(dep.split("=") for dep in environment["dependencies"] if isinstance(dep, str) and "=" in dep)
    conda.pop("python")
    pip = next(dep["pip"] for dep in environment["dependencies"] if isinstance(dep, dict))
    conda.update(dict(dep.split("==") for dep in pip if "==" in dep))  # what conda-forge does not have
    assert {_normalise(k): v for k, v in conda.items()} == {_normalise(k): v for k, v in pins.items()}
