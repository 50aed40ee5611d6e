"""Write data/reviews.tsv, the offline sentiment corpus of `course.augment.text.corpus`.

Usage: python scripts/make_text_corpus.py   (deterministic: seed 0, 500 reviews per class)
"""

from pathlib import Path

from course.augment.text.corpus import CORPUS_FILE, write_reviews

if __name__ == "__main__":
    print(f"wrote {write_reviews(Path(__file__).resolve().parent.parent / 'data' / CORPUS_FILE)}")
