"""The notes' six fruits as two small synthetic tables (section 10), seeded and documented.

- Single-label table: one fruit per row, 7 measurements drawn from a normal distribution per
  fruit (rough, made-up but plausible means and spreads; skin colour as CIELAB a*, b*).
- Multi-label baskets: 1 to 3 different fruits per basket; the features are 8 "electronic nose"
  channels, the sum of each present fruit's aroma profile times a random amount, plus noise.
  The target is the multi-hot vector of which fruits are in the basket.
Split them with `course.data.train_test` (the one seeded split of `course.data.split`).
`scripts/make_fruit_tables.py` writes both to ``data/``, shipped as `course.artifacts`; the
loaders read those CSVs, or regenerate the identical tables from the seed when a `data_dir`
without them is given.
"""

import csv
from pathlib import Path

import numpy as np

from course import artifacts
from course.validation import check_number

FRUITS = ("apple", "mango", "papaya", "litchi", "banana", "dragon_fruit")
FEATURES = ("weight_g", "length_cm", "sugar_brix", "acidity_ph", "skin_a", "skin_b", "roughness")
# Per fruit: (mean, standard deviation) of each feature in FEATURES order.
PROFILES = {
    "apple": ((180, 35), (7.5, 0.7), (13, 1.5), (3.4, 0.2), (30, 15), (22, 10), (0.05, 0.03)),
    "mango": ((300, 60), (12, 1.5), (15, 2.0), (4.0, 0.3), (15, 10), (55, 10), (0.10, 0.04)),
    "papaya": ((900, 250), (20, 4.0), (11, 1.5), (5.3, 0.2), (10, 8), (50, 10), (0.10, 0.04)),
    "litchi": ((20, 4), (3.2, 0.3), (17, 1.5), (4.5, 0.2), (35, 8), (20, 6), (0.70, 0.10)),
    "banana": ((120, 20), (19, 2.0), (20, 2.0), (5.0, 0.3), (-3, 4), (60, 8), (0.08, 0.03)),
    "dragon_fruit": ((450, 100), (11, 1.5), (12, 1.5), (4.8, 0.3), (55, 10), (-5, 8), (0.60, 0.10)),
}
AROMA_CHANNELS = (
    "esters",
    "aldehydes",
    "terpenes",
    "lactones",
    "alcohols",
    "sulfur",
    "acids",
    "ketones",
)
AROMA = np.array(
    [  # relative intensity of each channel, one row per fruit (synthetic)
        [0.8, 0.6, 0.1, 0.0, 0.4, 0.0, 0.3, 0.1],  # apple
        [0.5, 0.1, 0.9, 0.6, 0.1, 0.0, 0.2, 0.2],  # mango
        [0.2, 0.3, 0.2, 0.1, 0.5, 0.7, 0.1, 0.3],  # papaya
        [0.3, 0.1, 0.7, 0.0, 0.6, 0.0, 0.4, 0.5],  # litchi
        [1.0, 0.2, 0.0, 0.1, 0.3, 0.0, 0.1, 0.6],  # banana
        [0.1, 0.5, 0.1, 0.2, 0.2, 0.0, 0.6, 0.0],  # dragon_fruit
    ]
)
SEED = 7
TABLE_CSV, BASKETS_CSV = "fruits.csv", "fruit_baskets.csv"


def make_fruit_table(n_per_fruit=100, seed=SEED):
    """(x, y): measurements (6 * n_per_fruit, 7) float32 and integer fruit labels."""
    check_number("n_per_fruit", n_per_fruit, 1, integer=True)
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for label, fruit in enumerate(FRUITS):
        mean, sd = np.array(PROFILES[fruit], dtype="float64").T
        sample = rng.normal(mean, sd, size=(n_per_fruit, len(FEATURES)))
        sample[:, [0, 1, 6]] = np.abs(sample[:, [0, 1, 6]])  # sizes and roughness stay positive
        xs.append(sample)
        ys.append(np.full(n_per_fruit, label))
    return np.round(np.concatenate(xs), 3).astype("float32"), np.concatenate(ys).astype("int64")


def make_fruit_baskets(n_baskets=600, max_fruits=3, noise=0.05, seed=SEED):
    """(x, y): e-nose readings (n_baskets, 8) float32 and multi-hot fruit presence (n_baskets,
    6)."""
    check_number("n_baskets", n_baskets, 1, integer=True)
    check_number("max_fruits", max_fruits, 1, len(FRUITS), integer=True)
    check_number("noise", noise, 0)
    rng = np.random.default_rng(seed + 1)
    y = np.zeros((n_baskets, len(FRUITS)), dtype="float32")
    for row in y:
        row[rng.choice(len(FRUITS), size=rng.integers(1, max_fruits + 1), replace=False)] = 1.0
    amounts = y * rng.lognormal(0.0, 0.25, size=y.shape)
    x = amounts @ AROMA + rng.normal(0.0, noise, size=(n_baskets, len(AROMA_CHANNELS)))
    return np.round(x, 4).astype("float32"), y


def write_csv(path, header, rows):
    """Write rows under a header line (used by the data script)."""
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def _read_csv(path, n_targets):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))[1:]
    values = np.array(rows, dtype="float64")
    return values[:, :-n_targets].astype("float32"), values[:, -n_targets:]


def _table_path(data_dir, name):
    return artifacts.path(name) if data_dir is None else Path(data_dir) / name


def load_fruit_table(data_dir=None):
    """The single-label table (x, y) from the shipped ``fruits.csv`` (or `data_dir`), else
    regenerated."""
    path = _table_path(data_dir, TABLE_CSV)
    if not path.exists():
        return make_fruit_table()
    x, y = _read_csv(path, 1)
    return x, y[:, 0].astype("int64")


def load_fruit_baskets(data_dir=None):
    """The multi-label baskets (x, y) from the shipped ``fruit_baskets.csv`` (or `data_dir`), else
    regenerated."""
    path = _table_path(data_dir, BASKETS_CSV)
    if not path.exists():
        return make_fruit_baskets()
    x, y = _read_csv(path, len(FRUITS))
    return x, y.astype("float32")
