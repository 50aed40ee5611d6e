"""The run profile: every size that fast mode shrinks, by name, in this one file.

`FULL` is what students run (each field's default below); `FAST` is what the tests and CI run
(``COURSE_FAST=1``, set by the root conftest), so notebooks finish in seconds without being
edited. `profile()` returns the active one. Library code and notebooks read sizes by name, e.g.
``profile().xor.steps`` or ``profile().diffusion.sampling_steps``; an explicit argument always
wins over the profile (``steps=0`` is honoured or refused, never replaced by a default).

Fast mode changes sizes, never code paths: both profiles run the same code (graph execution,
the same checks). The few fields that are not sizes are expectations a short run cannot meet
(``min_*``); each says so.

Groups: one per library experiment (named after its module), then one per session notebook
(named after the notebook) for the sizes the notebook itself chooses. None means "no cap".
"""

import os
from dataclasses import dataclass, field

FAST_ENV = "COURSE_FAST"
_TRUE = {"1", "true", "yes", "on"}


# -- library experiments and loaders ----------------------------------------------------------
@dataclass(frozen=True)
class Digits:
    """`course.data.load_digits` when `max_samples` is not given."""

    max_samples: int | None = None  # digits kept (None: all 1797)


@dataclass(frozen=True)
class Shapes:
    """`course.data.load_shapes` when `n` is not given."""

    n: int = 3000  # synthetic shape images made


@dataclass(frozen=True)
class KerasDatasets:
    """`course.data.load_keras_dataset` (MNIST, Fashion-MNIST, CIFAR-10) without `max_samples`."""

    max_samples: int | None = None  # cap on the train and on the test set each (None: all)


@dataclass(frozen=True)
class Xor:
    """`course.nn.xor.train` (notebook session07/06)."""

    steps: int = 600  # full-batch Adam steps on the four XOR points


@dataclass(frozen=True)
class Ovr:
    """`course.nn.ovr.train_head`, the six-fruit heads (notebook session07/06)."""

    steps: int = 600  # full-batch Adam steps per head


@dataclass(frozen=True)
class Residual:
    """`course.nn.residual.compare_skips` (notebook session07/09)."""

    steps: int = 400  # full-batch Adam steps per network (plain and residual)


@dataclass(frozen=True)
class SmallBatchNorm:
    """`course.nn.small_batch_norm.train_with_norm` (notebook session07/09)."""

    steps: int = 600  # mini-batch Adam steps per normalization kind and batch size


@dataclass(frozen=True)
class PcaComparison:
    """`course.generative.pca_comparison`: autoencoders against PCA (notebook session07/08)."""

    epochs: int = 100  # epochs per autoencoder and code size


@dataclass(frozen=True)
class PseudoLabels:
    """`course.semisupervised.pseudo_labelling` (notebook session07/08)."""

    epochs: int = 60  # epochs per training round


@dataclass(frozen=True)
class GanExperiments:
    """`course.generative.gan.experiments.score` (notebook session07/03)."""

    scored_samples: int = 1000  # generated images scored (coverage, entropy, FID)


# -- session notebooks ------------------------------------------------------------------------
@dataclass(frozen=True)
class DataPipelines:
    """notebooks/session02/01_data_pipelines."""

    folder_epochs: int = 5  # epochs of the CNN trained from the image folder


@dataclass(frozen=True)
class AugmentationTta:
    """notebooks/session02/02_augmentation_and_tta (and its exercise solutions)."""

    epochs: int = 15  # epochs of the plain and augmented CNNs (batches of 64)
    tta_copies: int = 16  # augmented copies per test image in test-time augmentation
    seeds: int = 5  # seeds per arm (plain, augmented) in the comparisons


@dataclass(frozen=True)
class TransferLearning:
    """notebooks/session02/03_transfer_learning."""

    similar_max_samples: int | None = None  # digits kept for the digits 5-9 target (None: all)
    different_n: int = 1500  # images of the shapes target
    seeds: int = 3  # seeds per strategy (mid-size models: at least 3)
    max_epochs: int = 40  # most epochs per run; early stopping on validation usually ends it sooner
    patience: int = 5  # epochs without a better validation accuracy before a run stops
    steps_per_epoch: int = 8  # updates between two validation checks, whatever the label count
    label_sweep: tuple = (20, 50)  # label counts of the scratch-vs-fine-tune sweep
    cats_dogs_epochs: int = 3  # epochs of the ImageNet MobileNetV2 example
    cats_dogs_steps_per_epoch: int | None = None  # its steps per epoch (None: the whole set)


@dataclass(frozen=True)
class Ensembling:
    """notebooks/session02/04_ensembling."""

    simulation_trials: int = 200_000  # Monte Carlo trials per point of the correlated-vote curves
    epochs: int = 30  # epochs per bagged or boosted MLP
    members: int = 7  # bagging members (and regressors averaged)
    seeds: int = 5  # bagging ensembles (and single models) in the comparison over seeds
    boosting_rounds: int = 5  # AdaBoost SAMME rounds
    gradient_boosting_trees: int = 100  # scikit-learn GradientBoostingClassifier n_estimators
    random_forest_trees: int = 200  # scikit-learn RandomForestClassifier n_estimators
    regression_epochs: int = 100  # epochs per diabetes regressor


@dataclass(frozen=True)
class DropoutBatchnorm:
    """notebooks/session02/05_dropout_and_batchnorm."""

    epochs: int = 40  # epochs per variant (plain, dropout, BatchNorm, both)
    lr_epochs: int = 10  # epochs per run of the large-learning-rate comparison
    seeds: int = 5  # seeds per variant in both comparisons
    # An expectation, not a size: the lowest test accuracy every variant must reach (a 4-epoch
    # run on 600 digits cannot reach the full run's 0.9).
    min_test_accuracy: float = 0.9


@dataclass(frozen=True)
class TrainingWorkflow:
    """notebooks/session02/06_training_workflow."""

    max_samples: int | None = None  # digits kept before selecting 5-9 (None: all 1797)
    seeds: int = 5  # seeds per arm of every keep-or-drop comparison
    head_epochs: int = 300  # epochs of the heads trained on the frozen backbone's features
    epochs: int = 30  # epochs of the fine-tuning phase (top block + head)
    search_grid: tuple = (3e-4, 3e-3)  # fine-tuning learning rates tried against the incumbent's
    # An expectation, not a size: the shipped model's lowest acceptable test accuracy (a short
    # run on about 45 labelled images cannot reach the full run's 0.8).
    min_test_accuracy: float = 0.8


@dataclass(frozen=True)
class AugmentationCatalog:
    """notebooks/session07/01_augmentation_catalog."""

    offline_copies: int = 8  # augmented copies written per image in the offline comparison
    epochs: int = 40  # epochs of the CNN whose predictions the label-preservation check reads


@dataclass(frozen=True)
class BeyondImages:
    """notebooks/session07/02_augmentation_beyond_images."""

    eda_repeats: int = 10  # draws per training size in the EDA accuracy table
    resampler_repeats: int = 20  # splits averaged in the tabular resampler comparison


@dataclass(frozen=True)
class Gans:
    """notebooks/session07/03_gans."""

    max_samples: int | None = None  # training digits (None: all 1797)
    epochs: int = 100  # epochs for DCGAN, the conditional GAN and AC-GAN
    short_epochs: int = 30  # epochs for the mode-collapse pair and WGAN-GP
    # An expectation, not a size: the conditional GAN's lowest acceptable conditional accuracy
    # (2 epochs on 200 digits cannot show it; the stored full-mode figure is asserted instead).
    min_conditional_accuracy: float = 0.9


@dataclass(frozen=True)
class Vaes:
    """notebooks/session07/04_vaes."""

    epochs: int = 100  # epochs per VAE
    latent_grid_side: int = 15  # decoded images per side of the 2-D latent map
    samples_per_class: int = 100  # generated images per class in the quality table


@dataclass(frozen=True)
class Diffusion:
    """notebooks/session07/05_diffusion."""

    timesteps: int = 500  # T, the noising steps of the model
    train_steps: int = 2000  # optimizer steps
    batch_size: int = 128  # training batch size
    filters: int = 32  # U-Net base filters
    groups: int = 8  # GroupNorm groups of the U-Net
    sampling_steps: int = 20  # DDIM steps when generating
    guidance_sampling_steps: int = 50  # DDIM steps of the classifier-free guidance grid
    quality_per_class: int = 100  # images per class in the sampler table (protocol: 1000)


@dataclass(frozen=True)
class MlpActivations:
    """notebooks/session07/06_mlp_activations_losses."""

    dead_relu_epochs: int = 20  # SGD epochs of the dead-ReLU experiment
    dead_relu_seeds: int = 10  # seeds per learning rate of the dead-ReLU experiment
    smoothing_epochs: int = 100  # epochs per label-smoothing model


@dataclass(frozen=True)
class Regularization:
    """notebooks/session07/07_overfitting_and_regularization."""

    epochs: int = 30  # logged epochs (of 5 passes each) per regularizer
    seeds: int = 5  # seeds (each its own training draw) per remedy in the comparison
    folds: int = 5  # k of the k-fold comparison
    fold_epochs: int = 40  # epochs per fold


@dataclass(frozen=True)
class Autoencoders:
    """notebooks/session07/08_autoencoders_vs_pca."""

    epochs: int = 100  # epochs per dense autoencoder variant
    sequence_epochs: int = 30  # epochs of the GRU sequence autoencoder
    code_sizes: tuple = (2, 4, 8, 16)  # code sizes of the PCA comparison
    detector_epochs: int = 150  # epochs of the anomaly-detecting autoencoder
    pseudo_label_rounds: int = 3  # pseudo-labelling rounds
    seeds: int = 3  # training seeds of the PCA-vs-autoencoder comparison
    pseudo_label_seeds: int = 5  # seeds (labelled subset and weights) of the pseudo-labelling


@dataclass(frozen=True)
class InitResiduals:
    """notebooks/session07/09_init_backprop_residuals."""

    symmetry_epochs: int = 20  # SGD epochs of the symmetric network
    sweep_width: int = 256  # units per layer of the 50-layer variance sweep
    seeds: int = 5  # seeds per arm of the normalization comparison
    skip_seeds: int = 3  # seeds per arm of the skip comparison (20 layers: the costliest run here)


@dataclass(frozen=True)
class Optimization:
    """notebooks/session07/10_optimization."""

    plateau_steps: int = 300  # optimizer steps on the plateau landscape
    ravine_steps: int = 1000  # optimizer steps on the ravine landscape
    seeds: int = 5  # seeds per arm of every digits comparison (sweep, switch, warmup)
    sweep_epochs: int = 10  # epochs per run of the learning-rate sweep
    switch_epochs: int = 5  # epochs of each phase of Adam-then-SGD and its controls
    warmup_epochs: int = 8  # epochs per run of the warmup comparison
    warmup_steps: int = 100  # linear warmup steps


@dataclass(frozen=True)
class Profile:
    """Every size fast mode shrinks, grouped by experiment; see `FULL`, `FAST` and `profile`."""

    name: str = "full"
    digits: Digits = field(default_factory=Digits)
    shapes: Shapes = field(default_factory=Shapes)
    keras_datasets: KerasDatasets = field(default_factory=KerasDatasets)
    xor: Xor = field(default_factory=Xor)
    ovr: Ovr = field(default_factory=Ovr)
    residual: Residual = field(default_factory=Residual)
    small_batch_norm: SmallBatchNorm = field(default_factory=SmallBatchNorm)
    pca_comparison: PcaComparison = field(default_factory=PcaComparison)
    pseudo_labels: PseudoLabels = field(default_factory=PseudoLabels)
    gan_experiments: GanExperiments = field(default_factory=GanExperiments)
    data_pipelines: DataPipelines = field(default_factory=DataPipelines)
    augmentation_tta: AugmentationTta = field(default_factory=AugmentationTta)
    transfer_learning: TransferLearning = field(default_factory=TransferLearning)
    ensembling: Ensembling = field(default_factory=Ensembling)
    dropout_batchnorm: DropoutBatchnorm = field(default_factory=DropoutBatchnorm)
    training_workflow: TrainingWorkflow = field(default_factory=TrainingWorkflow)
    augmentation_catalog: AugmentationCatalog = field(default_factory=AugmentationCatalog)
    beyond_images: BeyondImages = field(default_factory=BeyondImages)
    gans: Gans = field(default_factory=Gans)
    vaes: Vaes = field(default_factory=Vaes)
    diffusion: Diffusion = field(default_factory=Diffusion)
    mlp_activations: MlpActivations = field(default_factory=MlpActivations)
    regularization: Regularization = field(default_factory=Regularization)
    autoencoders: Autoencoders = field(default_factory=Autoencoders)
    init_residuals: InitResiduals = field(default_factory=InitResiduals)
    optimization: Optimization = field(default_factory=Optimization)


FULL = Profile()

FAST = Profile(
    name="fast",
    digits=Digits(max_samples=600),
    shapes=Shapes(n=600),
    keras_datasets=KerasDatasets(max_samples=2000),
    xor=Xor(steps=300),
    ovr=Ovr(steps=200),
    residual=Residual(steps=50),
    small_batch_norm=SmallBatchNorm(steps=200),
    pca_comparison=PcaComparison(epochs=40),
    pseudo_labels=PseudoLabels(epochs=20),
    gan_experiments=GanExperiments(scored_samples=200),
    data_pipelines=DataPipelines(folder_epochs=2),
    augmentation_tta=AugmentationTta(epochs=8, tta_copies=4, seeds=2),
    transfer_learning=TransferLearning(
        similar_max_samples=700,
        different_n=500,
        seeds=2,
        max_epochs=3,
        patience=1,
        steps_per_epoch=4,
        label_sweep=(50,),
        cats_dogs_epochs=1,
        cats_dogs_steps_per_epoch=2,
    ),
    ensembling=Ensembling(
        simulation_trials=20_000,
        epochs=4,
        members=3,
        seeds=2,
        boosting_rounds=3,
        gradient_boosting_trees=10,
        random_forest_trees=20,
        regression_epochs=10,
    ),
    dropout_batchnorm=DropoutBatchnorm(epochs=4, lr_epochs=4, seeds=2, min_test_accuracy=0.5),
    training_workflow=TrainingWorkflow(
        max_samples=900,
        seeds=2,
        head_epochs=100,
        epochs=10,
        search_grid=(3e-3,),
        min_test_accuracy=0.5,
    ),
    augmentation_catalog=AugmentationCatalog(offline_copies=2, epochs=10),
    beyond_images=BeyondImages(eda_repeats=4, resampler_repeats=8),
    gans=Gans(max_samples=200, epochs=2, short_epochs=2, min_conditional_accuracy=0.0),
    vaes=Vaes(epochs=20, latent_grid_side=8, samples_per_class=20),
    diffusion=Diffusion(
        timesteps=50,
        train_steps=40,
        batch_size=32,
        filters=8,
        groups=4,
        sampling_steps=5,
        guidance_sampling_steps=5,
        quality_per_class=5,
    ),
    mlp_activations=MlpActivations(dead_relu_epochs=5, dead_relu_seeds=3, smoothing_epochs=40),
    regularization=Regularization(epochs=8, seeds=2, folds=3, fold_epochs=10),
    autoencoders=Autoencoders(
        epochs=15,
        sequence_epochs=15,
        code_sizes=(2, 8),
        detector_epochs=20,
        pseudo_label_rounds=1,
        seeds=2,
        pseudo_label_seeds=2,
    ),
    init_residuals=InitResiduals(symmetry_epochs=5, sweep_width=128, seeds=2, skip_seeds=2),
    optimization=Optimization(
        plateau_steps=150,
        ravine_steps=500,
        seeds=2,
        sweep_epochs=3,
        switch_epochs=2,
        warmup_epochs=3,
        warmup_steps=15,
    ),
)


def profile():
    """The active profile: `FAST` when ``COURSE_FAST`` is 1/true/yes/on, else `FULL`.

    Read from the environment at every call, so a test can switch modes with monkeypatch.
    """
    return FAST if os.environ.get(FAST_ENV, "").strip().lower() in _TRUE else FULL
