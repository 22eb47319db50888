"""The flow (decisionaid) reads the content (treatments), never the other way round. The rule is
import-linter's contract in pyproject.toml; these tests run it, and show it catches a break."""

import subprocess
import sys
from pathlib import Path

from tests.processes import PROJECT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(folder: Path) -> subprocess.CompletedProcess:
    """The contract checked on the packages found in `folder`."""
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", "--no-logo", PROJECT / "pyproject.toml"],
        cwd=folder,
        capture_output=True,
        text=True,
    )


def test_the_content_never_imports_the_flow():
    result = lint_imports(PROJECT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_an_import_of_the_flow_in_the_content_breaks_the_contract(tmp_path):
    for package in ("decisionaid", "treatments"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "decisionaid" / "journey.py").write_text("")
    (tmp_path / "treatments" / "models.py").write_text("from decisionaid import journey\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "treatments.models -> decisionaid.journey" in result.stdout
