"""The course package has no import cycles: the graph of every import between course modules,
read from the source, is acyclic; and between packages every import runs down `LAYERS`.

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
    assert "course.validation" in graph["course.models.dense"]
    assert "course.models.residual" in graph["course.experiments.residual"]
    assert "course.data.pipeline" in graph["course.data.split"]  # a deferred import counts


def test_finding_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_course_has_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


# The package layering, lowest first: a package imports only packages of lower layers, never one
# of its own layer or above (the import arrows all run down). Building blocks sit below the
# models built from them, experiments above everything they train, the homework and the command
# line on top. `course.saving` imports the registering modules by name at run time, so it sits
# with the root.
LAYERS = (
    {"_lazy", "validation", "profiles", "keras_compat", "table"},
    {"config"},
    {"layers", "nn", "optim", "viz"},
    {"models", "data", "train"},
    {
        "augment",
        "ensemble",
        "generative",
        "model_selection",
        "regularization",
        "semisupervised",
        "transfer",
    },
    {"analysis", "experiments", "notebooks"},
    {"homework"},
    {"cli", "saving"},
)


def package_of(module):
    """`course.nn.xor` -> "nn", `course.config` -> "config"."""
    return module.split(".")[1]


def back_arrows(graph, layers=LAYERS):
    """Sorted (module, imported module) pairs whose import does not run to a lower layer."""
    rank = {package: level for level, packages in enumerate(layers) for package in packages}
    return sorted(
        (source, target)
        for source, targets in graph.items()
        if source != "course"
        for target in targets
        if package_of(source) != package_of(target)
        and rank[package_of(target)] >= rank[package_of(source)]
    )


def test_every_package_has_a_layer():
    packages = {package_of(module) for module in import_graph() if module != "course"}
    placed = set().union(*LAYERS)
    assert packages - placed == set(), "add the new package to LAYERS"
    assert sum(map(len, LAYERS)) == len(placed), "a package sits in two layers"


def test_finding_a_back_arrow():
    graph = {"course.nn.a": {"course.models.b"}, "course.models.b": {"course.nn.c"}}
    assert back_arrows(graph) == [("course.nn.a", "course.models.b")]
    same_layer = {"course.models.b": {"course.data.d"}}
    assert back_arrows(same_layer) == [("course.models.b", "course.data.d")]


def test_no_import_runs_back_up_between_packages():
    arrows = back_arrows(import_graph())
    assert arrows == [], "imports against the package layering: " + ", ".join(
        f"{source} -> {target}" for source, target in arrows
    )
