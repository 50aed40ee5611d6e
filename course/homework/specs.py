"""Inputs that are objects (a model to predict with, image transforms, a critic), sent as plain
specs.

A hidden case cannot ship a function across the sandbox boundary, so it names a builder
registered here and its numeric parameters: `spec("tta_model", weights=w)`. The grader builds the
object in its own process to compute the expected value; the sandbox builds its own copy from the
same plain data to call the student's answer with it. Builders are public: they hold no answer.
"""

BUILDERS = {}
KEY = "__spec__"


def builder(name):
    """Register `fn(**params)` as the builder of spec `name`."""

    def register(fn):
        if name in BUILDERS:
            raise ValueError(f"spec builder {name!r} is registered twice")
        BUILDERS[name] = fn
        return fn

    return register


def spec(builder_name, /, **params):
    """A plain description of the object that builder `builder_name` makes from `params`."""
    if builder_name not in BUILDERS:
        raise ValueError(f"unknown spec {builder_name!r}; known: {', '.join(sorted(BUILDERS))}")
    return {KEY: builder_name, **params}


def build(value):
    """`value` with every spec (inside lists and tuples too) replaced by the object it describes."""
    if isinstance(value, dict) and KEY in value:
        params = {k: v for k, v in value.items() if k != KEY}
        if value[KEY] not in BUILDERS:
            raise ValueError(f"unknown spec {value[KEY]!r}; known: {', '.join(sorted(BUILDERS))}")
        return BUILDERS[value[KEY]](**params)
    if isinstance(value, (list, tuple)):
        return type(value)(build(v) for v in value)
    return value
