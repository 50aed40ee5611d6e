"""The notes' "when to fine-tune" table as a function that explains its choice.

small + similar -> freeze the backbone, train the head; small + different -> backbone as a
feature extractor + a light classifier (SVM); large -> fine-tune the whole network.
"""

from dataclasses import dataclass

from course.validation import check_choice, check_number


@dataclass(frozen=True)
class Strategy:
    """A recommendation: the `build_transfer_model` mode (or "features_svm") and why."""

    name: str
    mode: str
    reasoning: str


def recommend_strategy(n_samples, similarity, large=10_000):
    """Pick a transfer strategy from the dataset size and its similarity to the source data.

    similarity: "similar"/"different", or a number in [0, 1] (>= 0.5 counts as similar).
    large: the sample count from which a dataset counts as large.
    """
    check_number("n_samples", n_samples, 1, integer=True)
    check_number("large", large, 1, integer=True)
    if isinstance(similarity, str):
        similar = check_choice("similarity", similarity, ("similar", "different")) == "similar"
    else:
        similar = check_number("similarity", similarity, 0, 1) >= 0.5
    if n_samples >= large:
        return Strategy(
            "fine-tune everything",
            "full",
            f"{n_samples} samples is enough data to adapt every layer without "
            "overfitting; start from the pretrained weights with a small learning rate.",
        )
    if similar:
        return Strategy(
            "freeze the backbone, train the head",
            "feature_extraction",
            f"Only {n_samples} samples, but the data resemble the source task: the "
            "pretrained features already fit, so train only the classifier head.",
        )
    return Strategy(
        "features + SVM",
        "features_svm",
        f"Only {n_samples} samples from a different distribution: fine-tuning would "
        "overfit and the top layers are source-specific, so take generic pooled "
        "features and fit a light classifier such as an SVM.",
    )
