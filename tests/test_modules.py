"""The rooms: one job per module, small enough to read, imports one way.

Every library module is listed in ``docs/modules.md``, each importing only modules listed
above it there (counting imports inside functions), so no import closes a cycle; no library
module is much over 700 lines and no function over 60; the math modules define no checks.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULES_DOC = (ROOT / "docs" / "modules.md").read_text()
LIBRARY = sorted([*ROOT.glob("*.py"), *ROOT.glob("_validation/*.py")])


def module_name(path):
    return "_validation" if path.parent.name == "_validation" else path.stem


def imports_of(path):
    """The top-level modules of ours that ``path`` imports anywhere in its code."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    ours = {module_name(p) for p in LIBRARY}
    return names & ours - {module_name(path)}


def listed_order():
    """The modules in the order docs/modules.md lists them."""
    order = []
    for name in re.findall(r"^\| `([\w/.]+)` \|", MODULES_DOC, re.M):
        stem = name.removesuffix(".py")
        if (ROOT / name).is_file() and name.endswith(".py") and "/" not in name:
            order.append(stem)
    return order


def test_every_library_module_is_listed_in_docs_modules():
    listed = listed_order()
    for path in ROOT.glob("*.py"):
        assert path.stem in listed, f"{path.name} is not in docs/modules.md"


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_module_imports_only_modules_listed_above_it(path):
    order = listed_order() + ["_validation"]
    position = {name: i for i, name in enumerate(order)}
    here = module_name(path)
    if here == "_validation":
        # The shelves import each other (values <- network <- training) and nothing else.
        assert imports_of(path) <= {"_validation"}
        return
    for name in imports_of(path):
        if name == "_validation":
            assert here == "validation", f"{path.name} reaches past the door of validation"
            continue
        assert position[name] < position[here], f"{path.name} imports {name}, listed below it"


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_are_small_rooms_of_short_functions(path):
    source = path.read_text()
    assert source.count("\n") <= 720, f"{path.name} has {source.count(chr(10))} lines"
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            assert length <= 60, f"{path.name}: {node.name} has {length} lines"


@pytest.mark.parametrize("name", ["neural_network.py", "neural_net_optimized.py"])
def test_the_math_modules_define_no_checks_and_stay_under_700_lines(name):
    source = (ROOT / name).read_text()
    assert source.count("\n") <= 700
    defined = [n.name for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)]
    assert not [f for f in defined if f.startswith(("check_", "_check_"))]
