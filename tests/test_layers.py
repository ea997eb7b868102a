"""The package's layers: every import in `sim/` goes down the layers (or stays in its own), and
no modules import each other in a cycle. Function-local and type-checking imports count too:
a lazy upward import is still an upward import."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parent.parent / "sim"

# lowest first; a module may import its own layer and those listed before it
LAYERS = (
    ("common",),
    ("scenario",),
    ("metrics",),
    ("stats",),
    ("model",),
    ("experiments",),
    ("io",),
    ("report",),
    ("api",),
    ("cli", "docs"),
)
PACKAGE_FACE = "sim"  # sim/__init__.py: `__version__`, and the API imported when first used


def module_name(path: Path) -> str:
    """`sim.model.hotline` for sim/model/hotline.py, `sim.model` for sim/model/__init__.py."""
    parts = path.relative_to(SIM.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every `sim` module that `path` imports, anywhere in it (`from sim.x import y` counts as
    `sim.x.y` when that is a module, else `sim.x`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "sim"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            if module.split(".")[0] != "sim":
                continue
            for alias in node.names:
                candidate = f"{module}.{alias.name}"
                found.add(candidate if is_module(candidate) else module)
    return found


def is_module(name: str) -> bool:
    """Whether `name` is a module or package of sim/."""
    path = SIM.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def layer_of(module: str, layers=LAYERS) -> int | None:
    """The index of the layer a module belongs to (None: the package face)."""
    if module == PACKAGE_FACE:
        return None
    top = module.split(".")[1]
    for index, names in enumerate(layers):
        if top in names:
            return index
    raise AssertionError(f"{module} is in no layer: add its folder to LAYERS in tests/test_layers.py")


def graph() -> dict[str, set[str]]:
    """Every module of sim/ and the sim modules it imports."""
    return {module_name(path): imports_of(path) for path in sorted(SIM.rglob("*.py"))}


def upward_imports(edges: dict[str, set[str]], layers=LAYERS) -> list[str]:
    """`a -> b` for every import of a module in a higher layer than the importer's."""
    found = []
    for module, targets in edges.items():
        own = layer_of(module, layers)
        if own is None:
            continue
        for target in sorted(targets):
            there = layer_of(target, layers)
            if there is not None and there > own:
                found.append(f"{module} -> {target}")
    return found


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Each cycle of imports between modules, found by depth-first search (one per back edge)."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(edges.get(module, ())):
            if target == module or target not in edges or target == PACKAGE_FACE:
                continue
            if state.get(target) == 1:
                found.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module)
    return found


def test_every_module_is_in_a_layer():
    for module in graph():
        layer_of(module)


def test_no_import_goes_up_the_layers():
    found = upward_imports(graph())
    assert not found, "imports that go up the layers:\n" + "\n".join(found)


def test_no_modules_import_each_other_in_a_cycle():
    found = cycles(graph())
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in found)


def test_the_package_face_imports_only_the_api():
    assert imports_of(SIM / "__init__.py") <= {"sim.api"}


def test_only_the_version_is_taken_from_the_package_face():
    for path in SIM.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "sim" and not node.level:
                names = {alias.name for alias in node.names}
                modules = {name for name in names if is_module(f"sim.{name}")}
                assert names - modules <= {"__version__"}, f"{path}: from sim import {names}"


def test_no_module_reaches_the_api_through_the_package_face():
    """`import sim` then `sim.run(...)` would reach the API (the face's lazy attributes) from any
    layer unseen by the import graph; every module names the module it imports instead, and none
    imports one by a computed name."""
    for path in SIM.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                assert all(alias.name != "sim" for alias in node.names), f"{path}: import sim"
        assert "import_module(" not in source and "__import__(" not in source, f"{path}: a computed import"


@pytest.mark.parametrize(
    ("edges", "upward", "cyclic"),
    [
        ({"sim.model.a": {"sim.io.b"}, "sim.io.b": set()}, ["sim.model.a -> sim.io.b"], []),
        ({"sim.io.b": {"sim.model.a"}, "sim.model.a": set()}, [], []),
        (
            {"sim.stats.a": {"sim.stats.b"}, "sim.stats.b": {"sim.stats.a"}},
            [],
            [["sim.stats.a", "sim.stats.b", "sim.stats.a"]],
        ),
        (
            {"sim.cli": {"sim.api"}, "sim.api": {"sim.cli"}},
            ["sim.api -> sim.cli"],
            [["sim.api", "sim.cli", "sim.api"]],
        ),
    ],
)
def test_the_checks_catch_an_upward_import_and_a_cycle(edges, upward, cyclic):
    assert upward_imports(edges) == upward
    assert cycles(edges) == cyclic


def test_no_module_keeps_settings_of_the_command_being_run():
    """The scheduler, --quiet and the command line are passed down, never kept in module globals
    that a command sets and the library reads."""
    import sim.cli
    import sim.experiments.execution
    import sim.io.output

    for module in (sim.cli, sim.experiments.execution, sim.io.output):
        for name in ("SCHEDULER", "QUIET", "use_scheduler"):
            assert not hasattr(module, name), f"{module.__name__}.{name}"
        source = Path(module.__file__).read_text(encoding="utf-8")
        assert "sys.argv" not in source or module is sim.cli, f"{module.__name__} reads sys.argv"
