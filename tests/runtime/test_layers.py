"""The runtime's dependencies point down: api -> services -> chat -> dialogue -> providers/nlu
-> store (``tests/infra/test_contract.py`` checks that ``components/`` reaches the runtime only
through ``runtime.contract``).

Every import in every module (those deferred into functions included) is read with ``ast`` and
checked against the layer order below: a unit may import its own package and the units of
lower layers, never a unit of its own layer or above. A new package must be placed here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: Lowest first. Units in one tuple are peers: neither may import the other.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "types", "retry", "rich_reply"),
    ("model",),
    ("contract",),
    ("settings",),
    ("aws",),
    ("places",),
    ("store", "ratelimit", "redaction"),
    ("spool", "analytics", "nlu", "sentiment"),
    ("providers",),
    ("understanding", "experiments"),
    ("dialogue",),
    ("chat",),
    ("services",),
    ("api",),
    ("__main__",),
)
RANK = {unit: rank for rank, units in enumerate(LAYERS) for unit in units}


def unit_of(module: str) -> str | None:
    """The top-level runtime unit of a dotted module name (``runtime.store.sqlite`` -> store)."""
    parts = module.split(".")
    return parts[1] if parts[0] == "runtime" and len(parts) > 1 else None


def runtime_imports(path: Path) -> set[str]:
    """Every ``runtime.*`` module the file imports, wherever the import statement sits."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("runtime."))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "runtime":
                found.update(f"runtime.{alias.name}" for alias in node.names)
            elif node.module.startswith("runtime."):
                found.add(node.module)
    return found


def layer_violations(unit: str, imported: set[str]) -> list[str]:
    """The imports of ``unit`` that point sideways or up."""
    bad = []
    for module in sorted(imported):
        target = unit_of(module)
        if target is None or target == unit:
            continue
        if target not in RANK:
            bad.append(f"{module}: unit {target!r} has no layer")
        elif RANK[target] >= RANK[unit]:
            bad.append(f"{module}: {target!r} is not below {unit!r}")
    return bad


def runtime_files() -> list[Path]:
    return sorted(p for p in (ROOT / "runtime").rglob("*.py"))


@pytest.mark.parametrize("path", runtime_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_runtime_module_imports_only_what_lies_below_it(path: Path) -> None:
    relative = path.relative_to(ROOT / "runtime")
    unit = relative.parts[0].removesuffix(".py")
    if unit == "__init__":
        return
    assert unit in RANK, f"runtime/{relative.parts[0]} is not placed in LAYERS"
    assert layer_violations(unit, runtime_imports(path)) == []


def test_the_check_catches_an_upward_and_a_sideways_import() -> None:
    assert layer_violations("store", {"runtime.spool.base"}) == [
        "runtime.spool.base: 'spool' is not below 'store'"
    ]
    assert layer_violations("store", {"runtime.ratelimit.base"}) == [
        "runtime.ratelimit.base: 'ratelimit' is not below 'store'"
    ]
    assert layer_violations("api", {"runtime.store.base", "runtime.api.http"}) == []
