"""Lazy package exports: names resolve to their submodule on first access, keeping imports cheap."""

import importlib


def lazy_exports(package, exports):
    """Return (`__getattr__`, `__dir__`, `__all__`) for `package` given {submodule: (names...)}."""
    owner = {name: module for module, names in exports.items() for name in names}
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name):
        if name in owner:
            value = getattr(importlib.import_module(f"{package}.{owner[name]}"), name)
            namespace[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__():
        return sorted(set(namespace) | set(owner))

    return __getattr__, __dir__, sorted(owner)
