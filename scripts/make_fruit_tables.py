"""Write the synthetic six-fruit tables used by session 7, section 10 (one-vs-rest) to data/.

    python scripts/make_fruit_tables.py

Seeded (course.data.fruits.SEED), so reruns write identical files:
- data/fruits.csv: 600 rows (100 per fruit), 7 measurements and an integer `fruit` label
  (0 apple, 1 mango, 2 papaya, 3 litchi, 4 banana, 5 dragon_fruit).
- data/fruit_baskets.csv: 600 baskets of 1-3 fruits, 8 e-nose channels and 6 presence columns.
"""

from pathlib import Path

from course.data import fruits

DATA_DIR = Path(__file__).resolve().parent.parent / "data"  # shipped as course.artifacts


def main():
    x, y = fruits.make_fruit_table()
    fruits.write_csv(
        DATA_DIR / fruits.TABLE_CSV,
        [*fruits.FEATURES, "fruit"],
        [[*(f"{v:.7g}" for v in row), int(label)] for row, label in zip(x, y)],
    )
    x, y = fruits.make_fruit_baskets()
    fruits.write_csv(
        DATA_DIR / fruits.BASKETS_CSV,
        [*fruits.AROMA_CHANNELS, *fruits.FRUITS],
        [[*(f"{v:.7g}" for v in row), *map(int, labels)] for row, labels in zip(x, y)],
    )
    print(f"wrote {fruits.TABLE_CSV} and {fruits.BASKETS_CSV} in {DATA_DIR}")


if __name__ == "__main__":
    main()
