"""The course package has no import cycles: the graph of every import between course modules,
read from the source, is acyclic.

Deferred imports (inside a function) count too: they only hide a cycle until someone moves
them to the top of the module, and a cycle means two modules that are really one concept or
a helper in the wrong home.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "course"


def _module_name(path):
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules():
    return {_module_name(path): path for path in ROOT.rglob("*.py")}


def _imports(name, path, modules):
    """The course modules that `name` imports anywhere in its source."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative import
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in modules else base)
    return {target for target in found if target in modules and target != name}


def import_graph():
    """{module: set of course modules it imports}.

    Imports of the root package itself (`import course`) are left out: Python imports the root
    before any submodule anyway, and a submodule that names it only reads `course.__file__` or
    its lazy accessors, so the edge adds no dependency.
    """
    modules = _modules()
    return {name: _imports(name, path, modules) - {"course"} for name, path in modules.items()}


def find_cycle(graph):
    """One cycle as a list of modules [a, b, ..., a], or None if the graph is acyclic."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                return stack[stack.index(target) :] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_graph_sees_real_imports():
    graph = import_graph()
    assert "course.validation" in graph["course.models.mlp"]
    assert "course.models.residual" in graph["course.nn.residual"]
    assert "course.data.pipeline" in graph["course.data.split"]  # a deferred import counts


def test_finding_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_course_has_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)
