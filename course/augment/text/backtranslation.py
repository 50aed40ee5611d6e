"""Back-translation and paraphrasing as pluggable callables: the library holds the plumbing
(batching, validation, round trips), the caller plugs in a model.

A model is any callable mapping a list of strings to a list of strings of the same length, for
example a Hugging Face ``transformers`` translation pipeline wrapped on Colab (see the Session 7
augmentation notebook). Without one, calling raises `ModelNotAvailableError`: nothing here
downloads weights.
"""

from course.augment.text.word_edits import tokens_of

OFFLINE_HINT = (
    "Plug in a model, e.g. on Colab: pip install transformers sentencepiece, then wrap "
    "transformers.pipeline('translation', model='Helsinki-NLP/opus-mt-en-fr') (and "
    "'opus-mt-fr-en' back) as a list[str] -> list[str] callable. Offline, use the EDA "
    "functions in course.augment.text instead."
)


class ModelNotAvailableError(RuntimeError):
    """Raised when a model-backed augmenter is called without a model."""


def _as_batch(texts):
    single = isinstance(texts, str)
    batch = [texts] if single else list(texts)
    if not batch:
        raise ValueError("texts must contain at least one text, got an empty sequence")
    for text in batch:
        tokens_of(text)
    return batch, single


def _run(model, batch, what):
    outputs = list(model(batch))
    if len(outputs) != len(batch) or not all(isinstance(o, str) for o in outputs):
        raise ValueError(
            f"{what} must return one str per input: {len(batch)} inputs, got "
            f"{len(outputs)} outputs of types {sorted({type(o).__name__ for o in outputs})}"
        )
    return outputs


class BackTranslator:
    """Translate to a pivot language and back: ``to_pivot`` then ``from_pivot``, each a
    ``list[str] -> list[str]`` callable. Accepts one string or a list; labels are unaffected."""

    def __init__(self, to_pivot=None, from_pivot=None, pivot="fr"):
        if (to_pivot is None) != (from_pivot is None):
            raise ValueError("to_pivot and from_pivot must be given together (both or neither)")
        for name, fn in (("to_pivot", to_pivot), ("from_pivot", from_pivot)):
            if fn is not None and not callable(fn):
                raise TypeError(f"{name} must be callable, got {type(fn).__name__}")
        self.to_pivot, self.from_pivot, self.pivot = to_pivot, from_pivot, pivot

    def __call__(self, texts):
        batch, single = _as_batch(texts)
        if self.to_pivot is None:
            raise ModelNotAvailableError(f"BackTranslator has no translation model. {OFFLINE_HINT}")
        pivoted = _run(self.to_pivot, batch, "to_pivot")
        back = _run(self.from_pivot, pivoted, "from_pivot")
        return back[0] if single else back


class Paraphraser:
    """Rewrite texts with a ``list[str] -> list[str]`` paraphrase model (e.g. a seq2seq model)."""

    def __init__(self, paraphrase=None):
        if paraphrase is not None and not callable(paraphrase):
            raise TypeError(f"paraphrase must be callable, got {type(paraphrase).__name__}")
        self.paraphrase = paraphrase

    def __call__(self, texts):
        batch, single = _as_batch(texts)
        if self.paraphrase is None:
            raise ModelNotAvailableError(f"Paraphraser has no paraphrase model. {OFFLINE_HINT}")
        out = _run(self.paraphrase, batch, "paraphrase")
        return out[0] if single else out
