"""The text classifiers: packing gives each text its own final state, padding never leaks
into the output, and pretrained rows land where they belong."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from bigmodel_lab.data.glove import WordVectors
from bigmodel_lab.text.models import (
    BagOfNgrams,
    RNNClassifier,
    bag_inputs,
    count_parameters,
    embedding_matrix,
    train_model,
    with_bigrams,
)
from bigmodel_lab.text.sequences import Batch, make_loaders, pad_sequences
from bigmodel_lab.text.stratified_splits import IndexSplit
from bigmodel_lab.text.vocab import PAD_ID, Vocabulary

CONFIGS = [
    (cell, bi, pool)
    for cell in ("lstm", "gru")
    for bi in (False, True)
    for pool in ("last", "max", "mean")
]


def _model(cell="lstm", bidirectional=False, pool="last", n_classes=3, seed=0):
    torch.manual_seed(seed)
    return RNNClassifier(
        30, 6, 5, n_classes, cell=cell, bidirectional=bidirectional, pool=pool
    ).eval()


def _batch(seqs, width=None):
    ids, lengths = pad_sequences(seqs, width)
    return Batch(torch.as_tensor(ids), torch.as_tensor(lengths))


@pytest.mark.parametrize("cell, bidirectional, pool", CONFIGS)
def test_each_text_in_a_padded_batch_gets_the_output_it_gets_alone(cell, bidirectional, pool):
    model = _model(cell, bidirectional, pool)
    seqs = [[3, 4, 5, 6, 7], [8, 9], [10, 11, 12]]
    with torch.no_grad():
        together = model(_batch(seqs))
        alone = torch.cat([model(_batch([s])) for s in seqs])
    torch.testing.assert_close(together, alone, atol=1e-6, rtol=1e-5)


@settings(max_examples=15)
@given(
    st.lists(st.lists(st.integers(2, 29), min_size=1, max_size=7), min_size=1, max_size=5),
    st.integers(1, 29),
    st.sampled_from(CONFIGS),
)
def test_what_lies_beyond_a_texts_length_does_not_matter(seqs, junk, config):
    model = _model(*config)
    batch = _batch(seqs, 9)
    noisy = batch.tokens.clone()
    steps = torch.arange(noisy.shape[1])[None, :]
    noisy[steps >= batch.lengths[:, None]] = junk
    with torch.no_grad():
        torch.testing.assert_close(model(batch), model(Batch(noisy, batch.lengths)))


def test_outputs_are_log_probabilities_or_one_logit():
    with torch.no_grad():
        out = _model()(_batch([[2, 3], [4]]))
        assert out.shape == (2, 3)
        torch.testing.assert_close(out.exp().sum(dim=1), torch.ones(2))
        logit = _model(n_classes=1)(_batch([[2, 3], [4]]))
    assert logit.shape == (2,)


def test_gradients_reach_the_embedding_unless_frozen():
    emb = np.arange(30 * 6, dtype=np.float32).reshape(30, 6) / 100
    for frozen in (False, True):
        torch.manual_seed(0)
        model = RNNClassifier(30, 6, 5, 2, embeddings=emb, freeze_embeddings=frozen)
        np.testing.assert_array_equal(model.embedding.weight.detach().numpy(), emb)
        model(_batch([[2, 3], [4]])).sum().backward()
        grad = model.embedding.weight.grad
        assert (grad is None) == frozen
        if grad is not None:
            assert grad[[2, 3, 4]].abs().sum() > 0 and grad[5:].abs().sum() == 0
    assert count_parameters(model) < count_parameters(model, trainable_only=False)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="cell: expected one of"):
        RNNClassifier(10, 4, 4, 2, cell="rnn")
    with pytest.raises(ValueError, match="pool: expected one of"):
        RNNClassifier(10, 4, 4, 2, pool="first")
    with pytest.raises(ValueError, match="embed_dropout: expected a probability"):
        RNNClassifier(10, 4, 4, 2, embed_dropout=1.0)
    with pytest.raises(ValueError, match="hidden_dim: expected a positive int"):
        RNNClassifier(10, 4, 0, 2)
    with pytest.raises(TypeError, match="bidirectional: expected True or False"):
        RNNClassifier(10, 4, 4, 2, bidirectional=1)
    with pytest.raises(ValueError, match=r"embeddings: expected shape \(10, 4\)"):
        RNNClassifier(10, 4, 4, 2, embeddings=np.zeros((10, 5)))
    with pytest.raises(TypeError, match="batch: expected a Batch"):
        RNNClassifier(10, 4, 4, 2)(torch.zeros(2, 3, dtype=torch.long))


def test_embedding_matrix_copies_known_words_and_scales_the_rest(rng):
    words = ["good", "bad", "film"]
    vectors = WordVectors(words, rng.normal(0, 0.5, size=(3, 4)).astype(np.float32))
    vocab = Vocabulary.build([["good", "film", "unseen"] * 2 + ["other"]])
    matrix, found = embedding_matrix(vocab, vectors, seed=1)
    assert found == 2 and matrix.dtype == np.float32 and matrix.shape == (len(vocab), 4)
    np.testing.assert_array_equal(matrix[vocab.ids["good"]], vectors["good"])
    np.testing.assert_array_equal(matrix[vocab.ids["film"]], vectors["film"])
    assert not matrix[PAD_ID].any()
    random, none = embedding_matrix(vocab, vectors, pretrained=False, seed=1)
    assert none == 0 and not np.isin(random, vectors.vectors).any()

    big = Vocabulary.build([[f"w{i}" for i in range(4000)]])
    noise, _ = embedding_matrix(big, vectors, pretrained=False)
    assert abs(noise[2:].std() - vectors.vectors.std()) < 0.02


def test_bigrams_follow_the_tokens():
    assert with_bigrams(["a", "b", "c"]) == ["a", "b", "c", "a b", "b c"]
    assert with_bigrams(["a"]) == ["a"]
    with pytest.raises(TypeError, match="tokenise first"):
        with_bigrams("a b")


def test_bag_of_ngrams_is_the_mean_embedding_without_padding():
    torch.manual_seed(0)
    model = BagOfNgrams(12, 4, 3).eval()
    batch = _batch([[3, 5, 5, 7], [2]])
    with torch.no_grad():
        out = model(batch)
        w = model.bag.weight
        means = torch.stack([w[[3, 5, 5, 7]].mean(0), w[[2]].mean(0)])
        expected = torch.log_softmax(model.fc(means), dim=-1)
    torch.testing.assert_close(out, expected)
    with torch.no_grad():
        assert BagOfNgrams(12, 4, 1)(batch).shape == (2,)
    with pytest.raises(ValueError, match="dropout: expected a probability"):
        BagOfNgrams(12, 4, 2, dropout=-0.1)


def test_bag_inputs_build_the_vocabulary_on_the_training_part_only():
    tokens = [["good", "film"], ["good", "film"], ["bad", "plot"], ["bad", "plot"], ["odd"]]
    split = IndexSplit(np.array([0, 1]), np.array([2]), np.array([3, 4]))
    vocab, ids, lengths, emb = bag_inputs(tokens, split)
    assert vocab.tokens[2:] == ["film", "good", "good film"]  # seen twice in training
    assert ids.shape == (5, 3) and lengths.tolist() == [3, 3, 3, 3, 1]
    assert vocab.decode(ids[0]) == ["good", "film", "good film"]
    assert vocab.decode(ids[4][:1]) == ["<unk>"] and emb is None
    capped = bag_inputs(tokens, split, max_size=1)
    assert len(capped.vocab) == 3
    vectors = WordVectors(["good"], np.array([[2.0, 2.0]], dtype=np.float32))
    inputs = bag_inputs(tokens, split, vectors=vectors)
    assert inputs.embeddings.shape == (len(inputs.vocab), 2)
    np.testing.assert_array_equal(inputs.embeddings[inputs.vocab.ids["good"]], [2.0, 2.0])


def _separable_loaders(n=240, seed=0):
    gen = np.random.default_rng(seed)
    y = gen.integers(0, 2, size=n)
    ids = gen.integers(3, 20, size=(n, 6))
    ids[:, 2] = 1 + y  # token 1 or 2 gives the class away
    split = IndexSplit(np.arange(0, 160), np.arange(160, 200), np.arange(200, n))
    return make_loaders(ids, np.full(n, 6), y, split, batch_size=32), y


def test_train_model_keeps_the_best_validation_epoch():
    loaders, _ = _separable_loaders()
    torch.manual_seed(0)
    model = BagOfNgrams(20, 8, 2, dropout=0.0)
    scores = iter([0.2, 0.9, 0.5])  # a validation metric that peaks at epoch 2
    states = []

    def metric(m):
        states.append({k: v.clone() for k, v in m.state_dict().items()})
        return next(scores)

    history, best = train_model(model, loaders, torch.nn.NLLLoss(), lr=0.05, epochs=3,
                                val_metric=metric)  # fmt: skip
    assert best == 2 == history.kept_epoch and history.val_acc == [0.2, 0.9, 0.5]
    assert len(history.train_loss) == 3
    for name, value in model.state_dict().items():
        assert torch.equal(value, states[1][name]), name
    assert not torch.equal(states[1]["fc.weight"], states[2]["fc.weight"])
    history, best = train_model(model, loaders, torch.nn.NLLLoss(), lr=0.05, epochs=4)
    assert history.val_acc[best - 1] == max(history.val_acc) > 0.9
