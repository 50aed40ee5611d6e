"""Public means public: no code outside a package imports that package's private modules or
names (a leading underscore), whether it is library code, a test, a benchmark, a script, an
instructor file or a notebook cell. What another package needs is made public where it lives.

Read from the source with `ast` (notebook cells through nbformat), so nothing is imported.
"""

import ast
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("course", "tests", "benchmarks", "scripts", "instructor")


def _private(part):
    return part.startswith("_") and not part.startswith("__")


def owner(dotted):
    """The package that owns the first private part of a dotted name, or None if all is public.

    A private module belongs to its package, a private name to the package of its module:
    `course.augment._table.Table` -> "course.augment"; `course.transfer.freezing._all_layers`
    -> "course.transfer"; `course._lazy` -> "course".
    """
    parts = dotted.split(".")
    for i, part in enumerate(parts):
        if _private(part):
            parent = parts[:i]
            return ".".join(parent if _is_package(parent) else parent[:-1])
    return None


def _is_package(parts):
    return (ROOT.joinpath(*parts) / "__init__.py").is_file()


def imported_names(source, module=""):
    """Every dotted name an import statement in `source` reaches (`from a import b` -> "a.b").

    Relative imports are resolved against `module` (the dotted name of the importing file's
    package).
    """
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")[: len(module.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            names += [f"{base}.{alias.name}" for alias in node.names]
    return [name for name in names if name.split(".")[0] == "course"]


def violations(source, where, package=""):
    """(where, name) for each course name `source` imports from a package it is not inside."""
    found = []
    for name in imported_names(source, package):
        owning = owner(name)
        if owning is not None and not (package + ".").startswith(owning + "."):
            found.append((where, name))
    return found


def _python_files():
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            relative = path.relative_to(ROOT)
            parts = relative.with_suffix("").parts
            package = ".".join(parts[:-1] if parts[-1] == "__init__" else parts[:-1])
            yield relative.as_posix(), path.read_text(encoding="utf-8"), package


def _notebook_cells():
    for path in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.cell_type == "code":
                lines = [
                    line
                    for line in cell.source.splitlines()
                    if not line.lstrip().startswith(("%", "!"))
                ]
                yield f"{path.relative_to(ROOT).as_posix()} cell {i}", "\n".join(lines), ""


def test_owner_of_private_modules_and_names():
    assert owner("course.augment._table.Table") == "course.augment"
    assert owner("course.transfer.freezing._all_layers") == "course.transfer"
    assert owner("course._lazy.lazy_exports") == "course"
    assert owner("course.train.Trainer") is None


def test_the_scan_flags_a_private_import_across_packages():
    source = "from course.optim._base import CourseOptimizer\nimport course.augment._table\n"
    assert violations(source, "nb", "") == [
        ("nb", "course.optim._base.CourseOptimizer"),
        ("nb", "course.augment._table"),
    ]
    assert violations("from course.optim._base import X", "f", "course.optim") == []
    assert violations("from ._base import X", "f", "course.optim") == []
    assert violations("from course.optim._base import X", "f", "course.train") != []
    assert violations("from course.transfer.freezing import _all_layers", "t", "tests") != []


def test_no_private_import_across_packages():
    found = []
    for where, source, package in [*_python_files(), *_notebook_cells()]:
        found += violations(source, where, package)
    assert found == [], "private imports across packages: " + ", ".join(
        f"{where}: {name}" for where, name in found
    )


def _export_style(path):
    """How a package `__init__` exports: "all" (an `__all__` list), "lazy" (`lazy_exports`
    builds `__all__`), plus "own-getattr" if it writes a `__getattr__` of its own."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    styles = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        for target in targets:
            names = target.elts if isinstance(target, ast.Tuple) else [target]
            if any(isinstance(name, ast.Name) and name.id == "__all__" for name in names):
                call = node.value
                is_lazy = (
                    isinstance(call, ast.Call) and getattr(call.func, "id", "") == "lazy_exports"
                )
                styles.add("lazy" if is_lazy else "all")
        if isinstance(node, ast.FunctionDef) and node.name == "__getattr__":
            styles.add("own-getattr")
    return styles


def test_every_package_exports_in_the_one_style():
    """An `__all__` list, or `lazy_exports` for a package that must stay cheap; never a
    hand-written `__getattr__` (the root package's lazy submodules are the one exception)."""
    found = {
        path.parent.relative_to(ROOT).as_posix(): _export_style(path)
        for path in sorted((ROOT / "course").rglob("__init__.py"))
        if path.parent != ROOT / "course"
    }
    odd = {package: styles for package, styles in found.items() if len(styles) != 1}
    assert odd == {}, "one export style per package __init__ (see course/__init__.py)"


def _all_names(path):
    """The names a package `__init__` exports: its `__all__` list, or the names (not the module
    keys) of its `lazy_exports` table."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            names.update(ast.literal_eval(node.value))
        elif isinstance(node, ast.Dict):
            for value in node.values:
                if isinstance(value, ast.Tuple):
                    names.update(e.value for e in value.elts if isinstance(e, ast.Constant))
    return names


def test_no_exported_function_shares_its_name_with_a_submodule():
    """`from course.models import mlp` must mean one thing whatever was imported before: a
    package that exports a function or class named like one of its submodules makes the name
    the module or the object depending on import order (or on `import a.b.c as m`)."""
    clashes = []
    for init in sorted((ROOT / "course").rglob("__init__.py")):
        exported = _all_names(init)
        for module in sorted(init.parent.glob("*.py")):
            defined = {
                node.name
                for node in ast.parse(module.read_text(encoding="utf-8")).body
                if isinstance(node, (ast.FunctionDef, ast.ClassDef))
            }
            for sub in init.parent.iterdir():
                name = sub.stem if sub.suffix == ".py" else sub.name
                if name in exported and name in defined and name != "__init__":
                    clashes.append(f"{module.relative_to(ROOT)}: {name}")
    assert clashes == [], "rename the submodule or the function: " + ", ".join(clashes)
