"""Refuse library shortcuts in from-scratch answers.

Two layers: the answer's code (and the helper functions it calls) is scanned for names that
resolve to course, Keras, TensorFlow or TFP objects; then it runs with imports of those modules
refused. Either way the message says which object was used and why it is not allowed.
"""

import builtins
import importlib
import types

BLOCKED = ("course", "keras", "tensorflow", "tf_keras", "tensorflow_probability", "torch", "jax")


def _blocked_name(obj, blocked):
    """The dotted module name that makes `obj` a shortcut, or None."""
    name = obj.__name__ if isinstance(obj, types.ModuleType) else getattr(obj, "__module__", None)
    if not isinstance(name, str) and not isinstance(obj, (type, types.FunctionType)):
        name = getattr(type(obj), "__module__", None)
    if isinstance(name, str) and any(name == b or name.startswith(b + ".") for b in blocked):
        return name
    return None


def _code_names(code):
    """Every global/attribute name used by a code object and the code objects nested in it."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def find_shortcut(fn, blocked, _seen=None):
    """Describe the first blocked object `fn` refers to (following user helpers), or None."""
    seen = set() if _seen is None else _seen
    if id(fn) in seen or not isinstance(fn, types.FunctionType):
        return None
    seen.add(id(fn))
    refs = {n: fn.__globals__[n] for n in _code_names(fn.__code__) if n in fn.__globals__}
    for i, cell in enumerate(fn.__closure__ or ()):
        try:
            refs[fn.__code__.co_freevars[i]] = cell.cell_contents
        except ValueError:  # an empty cell
            continue
    for name, obj in sorted(refs.items()):
        module = _blocked_name(obj, blocked)
        if module is not None:
            return f"`{name}` (from {module})"
        found = find_shortcut(obj, blocked, seen)
        if found:
            return found
    return None


def call_from_scratch(qid, fn, args, extra=()):
    """Call `fn(*args)` after refusing shortcuts; imports of blocked modules fail during the
    call."""
    blocked = BLOCKED + tuple(extra)
    used = find_shortcut(fn, blocked)
    if used:
        raise AssertionError(
            f"{qid} asks for your own implementation, but the answer uses {used}. "
            f"Write it with NumPy (or plain Python); {', '.join(blocked)} are not allowed here."
        )
    real_import, real_import_module = builtins.__import__, importlib.import_module

    def refuse(name, *rest, **kw):
        if any(name == b or name.startswith(b + ".") for b in blocked):
            raise AssertionError(
                f"{qid} asks for your own implementation: importing {name} is not allowed "
                "in this answer."
            )
        return real_import(name, *rest, **kw)

    def refuse_module(name, *rest, **kw):
        refuse(name)
        return real_import_module(name, *rest, **kw)

    builtins.__import__, importlib.import_module = refuse, refuse_module
    try:
        return fn(*args)
    finally:
        builtins.__import__, importlib.import_module = real_import, real_import_module
