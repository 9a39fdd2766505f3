"""The package layout stays readable: no import cycles between modules (including imports inside
functions), no module over 500 lines, and the README's Components section names every subpackage."""
import ast
from pathlib import Path

from conftest import PROJECT

PACKAGE = PROJECT / "stance"
MAX_LINES = 500


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """Project modules ``path`` imports anywhere in its body (``from stance.x import y`` counts
    ``stance.x.y`` when that is a module, else ``stance.x``)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name in modules}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.startswith("stance"):
            for a in node.names:
                sub = f"{node.module}.{a.name}"
                out.add(sub if sub in modules else node.module)
    return out & modules


def graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(files)
    g = {m: imports_of(p, modules) - {m} for m, p in files.items()}
    # a package's __init__ is imported implicitly by its submodules; only explicit edges count
    return g


def find_cycle(g: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in sorted(g.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in state:
                found = visit(m)
                if found:
                    return found
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(g):
        if n not in state:
            found = visit(n)
            if found:
                return found
    return None


def test_no_import_cycles():
    cycle = find_cycle(graph())
    assert cycle is None, " -> ".join(cycle)


def test_cycle_finder_finds_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_modules_are_small():
    big = {str(p.relative_to(PROJECT)): n for p in PACKAGE.rglob("*.py")
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not big, big


def test_readme_components_name_every_subpackage():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Components"):]
    section = section[: section.index("\n## ", 4)]
    for pkg in sorted(p.parent for p in PACKAGE.rglob("__init__.py")):
        rel = pkg.relative_to(PROJECT).as_posix() + "/"
        assert rel in section, f"{rel} missing from the README's Components section"
    for mod in sorted(PACKAGE.rglob("*.py")):
        if mod.name != "__init__.py":
            assert mod.name in section, f"{mod.relative_to(PROJECT)} missing from the README's Components section"
