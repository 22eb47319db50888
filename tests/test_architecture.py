"""The flow (decisionaid) reads the content (treatments), never the other way round. The rule is
import-linter's contract in pyproject.toml; these tests run it, and show it catches a break."""

import ast
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


# Django's own bookkeeping on models and querysets: setting any of these ties the app to one
# Django release's internals (published versions are read through `Model.from_db` instead).
PRIVATE_DJANGO = {"_state", "_result_cache", "_prefetch_done", "_prefetched_objects_cache"}


def private_attributes_set(source: str) -> list[str]:
    """Each assignment in `source` to one of Django's private attributes, or to something
    inside one (`row._state.db = ...`)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
        for target in targets:
            while isinstance(target, ast.Attribute):
                if target.attr in PRIVATE_DJANGO:
                    found.append(f"line {node.lineno}: .{target.attr}")
                    break
                target = target.value
    return found


def test_no_app_file_sets_a_private_django_attribute():
    files = [*(PROJECT / "decisionaid").rglob("*.py"), *(PROJECT / "treatments").rglob("*.py")]
    found = {
        str(path.relative_to(PROJECT)): private_attributes_set(path.read_text()) for path in files
    }
    assert {path: lines for path, lines in found.items() if lines} == {}


def test_the_private_attribute_check_finds_each_way_of_setting_one():
    source = (
        "row._state.adding = False\n"
        "queryset._result_cache = []\n"
        "row._prefetched_objects_cache: dict = {}\n"
        "row.name = 'allowed'\n"
    )
    assert private_attributes_set(source) == [
        "line 1: ._state",
        "line 2: ._result_cache",
        "line 3: ._prefetched_objects_cache",
    ]
