"""booktools/__init__.py's event table lists every handler booktools connects, truly."""

from __future__ import annotations

import ast
import re

from conftest import ROOT

import booktools

TOOLS = ROOT / "booktools"


def connected() -> set[tuple[str, str, int]]:
    """(event, module.handler, priority) for every ``app.connect`` in booktools' extensions."""
    out = set()
    for path in [*TOOLS.glob("*.py"), *TOOLS.glob("typst/*.py")]:
        if path.name in ("serve.py",):  # the preview's own application, noted in the map
            continue
        module = "typst" if path.parent.name == "typst" else path.stem
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "connect" and len(node.args) >= 2
                    and isinstance(node.args[0], ast.Constant)):
                handler = ast.unparse(node.args[1])
                priority = next((k.value.value for k in node.keywords
                                 if k.arg == "priority"), 500)
                out.add((node.args[0].value, f"{module}.{handler}", priority))
    return out


def documented() -> set[tuple[str, str, int]]:
    rows = set()
    for line in booktools.__doc__.splitlines():
        m = re.match(r"^([a-z-]+)\s{2,}([a-z_]+\.[\w.]+?)(\.\.\.)?\s{2,}\S+\s+(\d{1,3})\b", line)
        if m:
            rows.add((m.group(1), m.group(2) + (m.group(3) or ""), int(m.group(4))))
    return rows


def test_every_handler_is_in_the_module_map_with_its_priority() -> None:
    listed = documented()
    missing = []
    for event, handler, priority in sorted(connected()):
        if not any(e == event and p == priority and (
                h == handler or (h.endswith("...") and handler.startswith(h[:-3])))
                for e, h, p in listed):
            missing.append(f"{event} {handler} {priority}")
    assert not missing, ("booktools/__init__.py's event table lacks (or has a wrong priority "
                         "for): " + "; ".join(missing))
    assert len(listed) == len(connected()), "the event table lists a handler that is gone"
