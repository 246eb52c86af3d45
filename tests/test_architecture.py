"""The house rules of `agents/`, measured with `ast`: small files, short functions, no private
names imported across modules, the environment read only by config, and every subpackage saying
what it owns. (The import directions themselves are `lint-imports` contracts in pyproject.toml.)"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

AGENTS = Path(__file__).resolve().parents[1] / "agents"
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 80


@cache
def _modules() -> dict[Path, ast.Module]:
    """Every Python file under agents/, parsed once."""
    return {p: ast.parse(p.read_text("utf-8"), str(p)) for p in sorted(AGENTS.rglob("*.py"))}


def _where(path: Path, node: ast.AST | None = None) -> str:
    line = f":{node.lineno}" if node is not None and hasattr(node, "lineno") else ""
    return f"{path.relative_to(AGENTS.parent)}{line}"


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_no_file_is_longer_than_400_lines() -> None:
    long = [
        f"{_where(p)}: {n} lines"
        for p in _modules()
        if (n := len(p.read_text("utf-8").splitlines())) > MAX_FILE_LINES
    ]
    assert not long, "split these modules by idea:\n" + "\n".join(long)


def test_no_function_is_longer_than_80_lines() -> None:
    long = [
        f"{_where(p, node)} {node.name}: {node.end_lineno - node.lineno + 1} lines"
        for p, tree in _modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, "split these functions into helpers:\n" + "\n".join(long)


def test_no_private_name_is_imported_from_another_module() -> None:
    """`from x import _y` couples two modules through a name its owner may change at will."""
    found = [
        f"{_where(p, node)}: from {'.' * node.level}{node.module or ''} import {alias.name}"
        for p, tree in _modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if _is_private(alias.name)
        or any(_is_private(part) for part in (node.module or "").split("."))
    ]
    assert not found, "make these public (or keep them in their module):\n" + "\n".join(found)


def _reads_environment(node: ast.AST) -> bool:
    """`os.environ.get(...)`, `os.getenv(...)`, `os.environ[...]` read, `environ.get(...)`."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        owner, attr = node.func.value, node.func.attr
        if attr == "getenv":
            return True
        named_environ = (isinstance(owner, ast.Attribute) and owner.attr == "environ") or (
            isinstance(owner, ast.Name) and owner.id == "environ"
        )
        return named_environ and attr in ("get", "copy", "items", "keys", "values")
    if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
        value = node.value
        return isinstance(value, ast.Attribute) and value.attr == "environ"
    return False


def test_only_config_reads_the_environment() -> None:
    config = AGENTS / "config.py"
    found = [
        _where(p, node)
        for p, tree in _modules().items()
        if p != config
        for node in ast.walk(tree)
        if _reads_environment(node)
    ]
    assert not found, "read settings through agents/config.py:\n" + "\n".join(found)


def test_every_subpackage_says_what_it_owns_and_may_import() -> None:
    vague = []
    for init in sorted(AGENTS.glob("*/__init__.py")):
        doc = ast.get_docstring(_modules()[init]) or ""
        if len(doc.splitlines()) < 2 or "TODO" in doc or "import" not in doc:
            vague.append(_where(init))
    assert not vague, "write what each package owns and may import:\n" + "\n".join(vague)
