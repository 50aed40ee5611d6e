"""Text augmentation: the EDA operations and token dropout on strings and as Keras layers on
token ids, a built-in synonym list, pluggable back-translation/paraphrasing, and an offline
review corpus to measure what EDA buys at small training sizes."""

from course.augment.text.backtranslation import BackTranslator, ModelNotAvailableError, Paraphraser
from course.augment.text.corpus import load_reviews, make_reviews
from course.augment.text.experiment import eda_accuracy_table, eda_correctness, eda_table
from course.augment.text.layers import (
    RandomTokenDeletion,
    RandomTokenInsertion,
    RandomTokenSwap,
    SynonymReplacement,
    TokenDropout,
)
from course.augment.text.synonyms import SYNONYMS, synonyms_of
from course.augment.text.word_edits import (
    augment_dataset,
    eda,
    random_deletion,
    random_insertion,
    random_swap,
    synonym_replacement,
    token_dropout,
)

__all__ = [
    "BackTranslator",
    "ModelNotAvailableError",
    "Paraphraser",
    "RandomTokenDeletion",
    "RandomTokenInsertion",
    "RandomTokenSwap",
    "SYNONYMS",
    "SynonymReplacement",
    "TokenDropout",
    "augment_dataset",
    "eda",
    "eda_accuracy_table",
    "eda_correctness",
    "eda_table",
    "load_reviews",
    "make_reviews",
    "random_deletion",
    "random_insertion",
    "random_swap",
    "synonym_replacement",
    "synonyms_of",
    "token_dropout",
]
