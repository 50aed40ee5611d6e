"""Write data/reviews.tsv, the offline sentiment corpus of `course.augment.text.corpus`.

Usage: python scripts/make_text_corpus.py   (deterministic: seed 0, 500 reviews per class)
"""
from course.augment.text.corpus import write_reviews

if __name__ == "__main__":
    print(f"wrote {write_reviews()}")
