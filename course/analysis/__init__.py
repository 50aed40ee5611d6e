"""Error analysis: how a trained model fails and which augmentations would fix it; comparisons of
arms over seeds with intervals and verdict sentences (`compare`); stored figures over seeds and
where one more run falls among them (`course.analysis.seed_spread`).

`robustness_sweeps` measures accuracy (overall and per class) under rotation, blur, scale,
occlusion and noise at a grid of severities; `error_report` adds the confusion matrix and names
the augmentations to add; `compare_robustness` compares arms of models over seeds under each
perturbation. Perturbations are deterministic TensorFlow ops (`course.analysis.perturb`).
"""

from course.analysis.comparison import (
    ArmSummary,
    Comparison,
    Difference,
    compare,
    compare_arms,
    mcnemar,
    paired_bootstrap,
    run_arms,
)
from course.analysis.confusion import (
    confusion_matrix,
    most_confused,
    per_class_accuracy,
    predict_labels,
)
from course.analysis.perturb import (
    PERTURBATIONS,
    Perturbation,
    add_noise,
    blur,
    occlude,
    rescale,
    rotate,
    translate,
)
from course.analysis.report import ErrorReport, Recommendation, error_report, recommend
from course.analysis.seed_spread import (
    SeedDifference,
    SeedSpread,
    average_records,
    record_difference,
    record_spread,
    seed_difference,
    setting_difference,
)
from course.analysis.sweeps import (
    SweepResult,
    compare_robustness,
    plot_sweeps,
    robustness_sweeps,
    sweep,
)

__all__ = [
    "SeedDifference",
    "SeedSpread",
    "average_records",
    "record_difference",
    "record_spread",
    "seed_difference",
    "setting_difference",
    "PERTURBATIONS",
    "ArmSummary",
    "Comparison",
    "Difference",
    "ErrorReport",
    "Perturbation",
    "Recommendation",
    "SweepResult",
    "add_noise",
    "blur",
    "compare",
    "compare_arms",
    "compare_robustness",
    "confusion_matrix",
    "error_report",
    "most_confused",
    "mcnemar",
    "occlude",
    "paired_bootstrap",
    "per_class_accuracy",
    "plot_sweeps",
    "predict_labels",
    "recommend",
    "rescale",
    "robustness_sweeps",
    "rotate",
    "run_arms",
    "sweep",
    "translate",
]
