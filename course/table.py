"""`Table`: the course's plain-text results table, rows of named numbers printed as aligned
text (no pandas dependency) and queried by column in notebook asserts. The experiments of every
package (augmentation, diffusion sampling, ...) print their results through it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    """Rows of dicts; `str()` is an aligned text table with floats to 3 decimals.

    ``columns`` picks (and orders) the printed columns; None prints every key of the first row.
    """

    rows: tuple
    columns: tuple = None

    def __post_init__(self):
        object.__setattr__(self, "rows", tuple(self.rows))
        if self.columns is not None:
            object.__setattr__(self, "columns", tuple(self.columns))

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
        names = (
            self.columns if self.columns is not None else tuple(self.rows[0] if self.rows else ())
        )
        cells = [
            [f"{row[n]:.3f}" if isinstance(row[n], float) else str(row[n]) for n in names]
            for row in self.rows
        ]
        widths = [max(len(n), *(len(c[i]) for c in cells)) for i, n in enumerate(names)]
        lines = ["  ".join(n.rjust(w) for n, w in zip(names, widths))]
        lines += ["  ".join(c.rjust(w) for c, w in zip(cell, widths)) for cell in cells]
        return "\n".join(lines)
