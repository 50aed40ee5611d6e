"""A tiny results table for the augmentation experiments: rows of named numbers, printed as
aligned text (no pandas dependency) and queried by column in notebook asserts."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    """Rows of equal-keyed dicts; `str()` is an aligned text table with floats to 3 decimals."""

    rows: tuple

    def column(self, name):
        """All values of one column, in row order."""
        return [row[name] for row in self.rows]

    def row(self, key, value):
        """The first row whose column `key` equals `value`."""
        for row in self.rows:
            if row[key] == value:
                return row
        raise KeyError(f"no row with {key}={value!r}")

    def __str__(self):
        names = list(self.rows[0]) if self.rows else []
        cells = [
            [f"{v:.3f}" if isinstance(v, float) else str(v) for v in row.values()]
            for row in self.rows
        ]
        widths = [max(len(n), *(len(c[i]) for c in cells)) for i, n in enumerate(names)]
        lines = ["  ".join(n.rjust(w) for n, w in zip(names, widths))]
        lines += ["  ".join(c.rjust(w) for c, w in zip(cell, widths)) for cell in cells]
        return "\n".join(lines)
