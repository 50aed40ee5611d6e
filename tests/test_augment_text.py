"""Text augmentation: EDA and token dropout on strings and as Keras layers on token ids, the
synonym source, pluggable back-translation, and the offline review corpus."""

import random
from collections import Counter

import keras
import numpy as np
import pytest

from course import artifacts
from course.augment import text
from course.augment.text import (
    BackTranslator,
    ModelNotAvailableError,
    Paraphraser,
    RandomTokenDeletion,
    RandomTokenInsertion,
    RandomTokenSwap,
    SynonymReplacement,
    TokenDropout,
    augment_dataset,
    eda,
    random_deletion,
    random_insertion,
    random_swap,
    synonym_replacement,
    synonyms_of,
    token_dropout,
)
from course.augment.text.corpus import CORPUS_FILE, load_reviews, make_reviews

SENTENCE = "the food was really great but the waiter was a bit rude"
VOCAB = [
    "",
    "[UNK]",
    "the",
    "food",
    "was",
    "great",
    "meal",
    "excellent",
    "superb",
    "waiter",
    "rude",
    "impolite",
    "server",
    "a",
    "bit",
]


# ---- synonym source -------------------------------------------------------------------------


def test_synonyms_are_symmetric_and_skip_stopwords():
    assert "superb" in synonyms_of("great") and "great" in synonyms_of("superb")
    assert synonyms_of("Great") == synonyms_of("great")
    assert synonyms_of("the") == () and synonyms_of("zzz") == ()
    assert "great" not in synonyms_of("great")


# ---- string functions -----------------------------------------------------------------------


def test_deletion_with_p0_is_identity_and_p1_keeps_one_word():
    assert random_deletion(SENTENCE, p=0.0, seed=0) == SENTENCE
    kept = random_deletion(SENTENCE, p=1.0, seed=0)
    assert len(kept.split()) == 1 and kept in SENTENCE.split()


def test_deletion_keeps_order_of_survivors():
    out = random_deletion(SENTENCE, p=0.5, seed=1).split()
    words = SENTENCE.split()
    positions = [words.index(w) for w in out if words.count(w) == 1]
    assert positions == sorted(positions) and len(out) < len(words)


def test_swap_keeps_the_multiset_of_words():
    out = random_swap(SENTENCE, n=5, seed=0)
    assert out != SENTENCE and Counter(out.split()) == Counter(SENTENCE.split())


def test_synonym_replacement_only_uses_synonyms():
    out = synonym_replacement(SENTENCE, n=3, seed=0).split()
    original = SENTENCE.split()
    changed = [(a, b) for a, b in zip(original, out) if a != b]
    assert len(out) == len(original) and 1 <= len({a for a, _ in changed}) <= 3
    assert all(b in synonyms_of(a) for a, b in changed)


def test_synonym_replacement_without_candidates_is_identity():
    assert synonym_replacement("the of and", n=2, seed=0) == "the of and"


def test_insertion_adds_synonyms_of_sentence_words():
    out = random_insertion(SENTENCE, n=2, seed=0).split()
    assert len(out) == len(SENTENCE.split()) + 2
    extra = Counter(out) - Counter(SENTENCE.split())
    pool = {s for w in SENTENCE.split() for s in synonyms_of(w)}
    assert all(w in pool for w in extra)


def test_token_dropout_masks_in_place():
    out = token_dropout(SENTENCE, p=0.5, seed=0, mask_token="<m>").split()
    assert len(out) == len(SENTENCE.split()) and 0 < out.count("<m>") < len(out)
    assert all(a == b for a, b in zip(SENTENCE.split(), out) if b != "<m>")
    assert token_dropout(SENTENCE, p=0.0, seed=0) == SENTENCE


def test_seeds_numpy_generator_and_random_random_are_deterministic():
    assert eda(SENTENCE, n_aug=6, seed=3) == eda(SENTENCE, n_aug=6, seed=3)
    assert eda(SENTENCE, n_aug=6, seed=3) != eda(SENTENCE, n_aug=6, seed=4)
    a = random_swap(SENTENCE, 2, seed=np.random.default_rng(5))
    assert a == random_swap(SENTENCE, 2, seed=np.random.default_rng(5))
    assert random_swap(SENTENCE, 2, seed=random.Random(1)) == random_swap(
        SENTENCE, 2, seed=random.Random(1)
    )


def test_eda_takes_turns_and_can_switch_operations_off():
    copies = eda(SENTENCE, n_aug=8, seed=0)
    assert len(copies) == 8
    assert Counter(copies[2].split()) == Counter(SENTENCE.split())  # third op is swap
    only_swaps = eda(SENTENCE, n_aug=4, alpha_sr=0, alpha_ri=0, p_rd=0, seed=0)
    assert all(Counter(c.split()) == Counter(SENTENCE.split()) for c in only_swaps)
    assert eda(SENTENCE, 3, 0, 0, 0, 0) == [SENTENCE] * 3


def test_augment_dataset_preserves_labels():
    texts = ["a great movie", "an awful film", "the plot was dull"]
    labels = [1, 0, 0]
    new_texts, new_labels = augment_dataset(texts, labels, n_aug=4, seed=0)
    assert new_texts[:3] == texts and new_labels[:3] == labels
    assert new_labels[3:] == [1] * 4 + [0] * 4 + [0] * 4
    assert len(new_texts) == 15


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: random_deletion(SENTENCE, p=1.5), "p"),
        (lambda: random_deletion(SENTENCE, p=-0.1), "p"),
        (lambda: token_dropout(SENTENCE, p=2.0), "p"),
        (lambda: eda(SENTENCE, alpha_sr=1.2), "alpha_sr"),
        (lambda: eda(SENTENCE, p_rd=-1), "p_rd"),
        (lambda: random_swap("   ", 1), "text"),
        (lambda: synonym_replacement("", 1), "text"),
        (lambda: random_swap(SENTENCE, -1), "n"),
        (lambda: augment_dataset(["a b"], [0, 1]), "labels"),
    ],
)
def test_invalid_arguments_raise_value_error_naming_them(call, name):
    with pytest.raises(ValueError, match=name):
        call()


# ---- Keras layers on token ids --------------------------------------------------------------


def _ids():
    return np.array([[2, 3, 4, 5, 0, 0, 0, 0, 0, 0], [2, 9, 4, 13, 14, 10, 2, 3, 4, 5]], "int64")


def _layers(seed=1):
    return [
        TokenDropout(0.3, seed=seed),
        RandomTokenDeletion(0.3, seed=seed),
        RandomTokenSwap(0.3, seed=seed),
        SynonymReplacement(VOCAB, 0.3, seed=seed),
        RandomTokenInsertion(VOCAB, 0.3, seed=seed),
    ]


@pytest.mark.parametrize("index", range(5))
def test_layers_identity_at_inference_and_seeded_in_training(index):
    x = _ids()
    layer = _layers()[index]
    np.testing.assert_array_equal(np.asarray(layer(x)), x)
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)
    first = np.asarray(layer(x, training=True))
    again = np.asarray(_layers()[index](x, training=True))
    np.testing.assert_array_equal(first, again)
    assert first.shape == x.shape and first.dtype == x.dtype and not np.array_equal(first, x)


def test_token_dropout_layer_masks_only_real_tokens():
    x = _ids()
    out = np.asarray(TokenDropout(0.5, mask_id=1, seed=0)(x, training=True))
    assert np.all(out[x == 0] == 0)
    assert np.all((out == x) | (out == 1)) and (out == 1).sum() > 0


def test_deletion_layer_packs_survivors_in_order():
    x = _ids()
    out = np.asarray(RandomTokenDeletion(0.5, seed=0)(x, training=True))
    for row_in, row_out in zip(x, out):
        kept = row_out[row_out != 0].tolist()
        assert 1 <= len(kept) <= (row_in != 0).sum()
        assert np.all(row_out[len(kept) :] == 0)
        it = iter(row_in.tolist())
        assert all(token in it for token in kept)  # subsequence of the input


def test_deletion_layer_rate_1_keeps_one_token():
    out = np.asarray(RandomTokenDeletion(1.0, seed=0)(_ids(), training=True))
    assert ((out != 0).sum(axis=1) == 1).all()


def test_swap_layer_keeps_each_row_multiset_and_padding():
    x = _ids()
    out = np.asarray(RandomTokenSwap(0.5, seed=2)(x, training=True))
    for row_in, row_out in zip(x, out):
        assert sorted(row_in.tolist()) == sorted(row_out.tolist())
        assert np.all(row_out[row_in == 0] == 0)


def test_synonym_layers_use_in_vocabulary_synonyms():
    x = _ids()
    vocab = np.array(VOCAB)
    out = np.asarray(SynonymReplacement(VOCAB, 0.3, seed=0)(x, training=True))
    for a, b in zip(x.ravel(), out.ravel()):
        assert a == b or vocab[b] in synonyms_of(vocab[a])
    inserted = np.asarray(RandomTokenInsertion(VOCAB, 0.3, seed=0)(x, training=True))
    assert (inserted[0] != 0).sum() == 5  # 4 tokens, round(0.3 * 4) = 1 insertion
    extra = Counter(inserted[0].tolist()) - Counter(x[0].tolist())
    pool = {s for w in vocab[x[0][x[0] != 0]] for s in synonyms_of(w)}
    assert [vocab[t] in pool for t in extra] == [True]


def test_layer_validation_names_arguments():
    for call, name in [
        (lambda: TokenDropout(1.5), "rate"),
        (lambda: RandomTokenSwap(-0.1), "alpha"),
        (lambda: SynonymReplacement(VOCAB, alpha=2), "alpha"),
        (lambda: SynonymReplacement([], 0.1), "vocabulary"),
    ]:
        with pytest.raises(ValueError, match=name):
            call()


def test_layers_in_a_model_fit_and_keras_round_trip(tmp_path):
    keras.utils.set_random_seed(0)
    inputs = keras.Input((10,), dtype="int64")
    x = inputs
    for layer in _layers():
        x = layer(x)
    x = keras.layers.Embedding(len(VOCAB), 4)(x)
    outputs = keras.layers.Dense(1, activation="sigmoid")(keras.layers.GlobalAveragePooling1D()(x))
    model = keras.Model(inputs, outputs)
    model.compile("adam", "binary_crossentropy")
    ids = np.tile(_ids(), (4, 1))
    model.fit(ids, np.arange(8) % 2, epochs=1, batch_size=4, verbose=0)
    path = tmp_path / "text.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(
        model.predict(ids, verbose=0), loaded.predict(ids, verbose=0), atol=1e-6
    )
    config = loaded.layers[4].get_config()
    assert config["vocabulary"] == VOCAB and config["alpha"] == 0.3 and config["seed"] == 1


def test_layers_work_in_tf_data_with_text_vectorization():
    import tensorflow as tf

    vectorize = keras.layers.TextVectorization(output_sequence_length=12)
    vectorize.adapt([SENTENCE, "a superb meal and an excellent server"])
    swap = RandomTokenSwap(0.2, seed=0)
    ds = (
        tf.data.Dataset.from_tensor_slices([SENTENCE])
        .batch(1)
        .map(lambda s: swap(vectorize(s), training=True))
    )
    row = next(iter(ds)).numpy()[0]
    plain = vectorize([SENTENCE]).numpy()[0]
    assert sorted(row.tolist()) == sorted(plain.tolist()) and not np.array_equal(row, plain)


# ---- back-translation and paraphrasing --------------------------------------------------------


def test_back_translator_without_model_raises_clear_error():
    with pytest.raises(ModelNotAvailableError, match="course.augment.text"):
        BackTranslator()(SENTENCE)
    with pytest.raises(ModelNotAvailableError, match="transformers"):
        Paraphraser()([SENTENCE])


def test_back_translator_round_trip_with_plugged_in_model():
    reverse = lambda batch: [" ".join(reversed(t.split())) for t in batch]  # noqa: E731
    calls = []

    def upper_back(batch):
        calls.append(list(batch))
        return [" ".join(reversed(t.split())).upper() for t in batch]

    bt = BackTranslator(reverse, upper_back)
    assert bt(SENTENCE) == SENTENCE.upper()
    assert bt(["a b", "c d"]) == ["A B", "C D"]
    assert calls[-1] == ["b a", "d c"]  # the pivot text went through the second model
    assert Paraphraser(lambda b: [t + "!" for t in b])("hi") == "hi!"


def test_back_translator_checks_models_and_inputs():
    with pytest.raises(ValueError, match="to_pivot"):
        BackTranslator(to_pivot=lambda b: b)
    with pytest.raises(TypeError, match="to_pivot"):
        BackTranslator("fr", "en")
    bad = BackTranslator(lambda b: b, lambda b: b[:1])
    with pytest.raises(ValueError, match="from_pivot"):
        bad(["a", "b"])
    with pytest.raises(ValueError, match="text"):
        BackTranslator(lambda b: b, lambda b: b)([""])


# ---- corpus and experiment --------------------------------------------------------------------


def test_corpus_file_is_the_generators_output():
    texts, labels = load_reviews()
    generated, generated_labels, _ = make_reviews()
    assert artifacts.path(CORPUS_FILE).exists()
    assert texts == generated and labels.tolist() == generated_labels
    assert np.bincount(labels).tolist() == [500, 500]
    assert len(set(texts)) > 900  # mostly distinct reviews


def test_load_reviews_falls_back_to_the_generator(tmp_path):
    texts, labels = load_reviews(tmp_path / "missing.tsv")
    assert texts == make_reviews()[0] and labels.dtype == np.int64


def test_eda_accuracy_table_shape():
    table = text.eda_accuracy_table(train_sizes=(10, 40), repeats=1, n_aug=2)
    assert table.column("train size") == [10, 40]
    for row in table.rows:
        assert 0.4 <= row["accuracy"] <= 1.0 and 0.4 <= row["accuracy + EDA"] <= 1.0
        assert row["gain"] == pytest.approx(row["accuracy + EDA"] - row["accuracy"])


def test_eda_correctness_pairs_each_draw_on_the_fixed_test_set():
    few = text.eda_correctness(train_sizes=(10,), repeats=2, n_aug=1, test_size=100)[10]
    more = text.eda_correctness(train_sizes=(10,), repeats=2, n_aug=2, test_size=100)[10]
    assert list(few) == ["without EDA", "with EDA"]
    for arm in few.values():
        assert arm.shape == (2, 100) and arm.dtype == bool
    # The arm without EDA sees the same draws whatever EDA does: only then are rows paired.
    np.testing.assert_array_equal(few["without EDA"], more["without EDA"])
    assert not np.array_equal(few["with EDA"], more["with EDA"])


def test_eda_table_is_the_mean_over_draws_and_reviews():
    correctness = {10: {"without EDA": [[1, 0], [1, 1]], "with EDA": [[1, 1], [0, 1]]}}
    (row,) = text.eda_table(correctness).rows
    assert row == {"train size": 10, "accuracy": 0.75, "accuracy + EDA": 0.75, "gain": 0.0}
