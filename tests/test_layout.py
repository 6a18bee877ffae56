"""The project's shape: which package may import which, and how long a module may grow (README, Project layout)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = {"partnership_portal", "engagement", "meetings", "priorities", "reimbursement", "toolkit", "demo"}

# Dependencies point one way: each package may import only the packages listed for it.
MAY_IMPORT = {
    "toolkit": set(),
    "engagement": {"toolkit"},
    "meetings": {"engagement", "toolkit"},
    "priorities": {"meetings", "engagement", "toolkit"},
    "reimbursement": {"meetings", "engagement", "toolkit"},
}
MAX_MODULE_LINES = 500


def modules(package):
    return [path for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts]


def imported_packages(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        yield from (name.split(".")[0] for name in names if name.split(".")[0] in PROJECT_PACKAGES)


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_dependencies_point_one_way(package):
    allowed = MAY_IMPORT[package] | {package}
    wrong = sorted(
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules(package)
        for name in imported_packages(path)
        if name not in allowed
    )
    assert wrong == []


def test_no_application_module_is_over_500_lines():
    long = sorted(
        f"{path.relative_to(ROOT)}: {lines} lines"
        for package in PROJECT_PACKAGES - {"demo"}
        for path in modules(package)
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    )
    assert long == []
