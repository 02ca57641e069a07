"""Text classification for chapter 5: tokens, vocabulary, padding and packing, models, baselines.

- ``tokenize``: English tokens, Chinese words (jieba), and a Keras-style splitter for contrast.
- ``vocab``: :class:`Vocabulary` (PAD = 0, UNK = 1, capped by frequency).
- ``sequences``: padding/truncation, length-bucketed batches, review windows.
- ``models``: :class:`RNNClassifier` (embedding, LSTM/GRU over packed sequences, dropout,
  linear) and :class:`BagOfNgrams` (fastText-style), plus GloVe-initialised embeddings.
- ``baselines``: majority class, TF-IDF + logistic regression, mean word vectors.
- ``evaluation``: stratified splits, Wilson and bootstrap intervals, predictions.
- ``seed_checks``: the source chapters' failing constructs, rebuilt and run.
"""

from . import seed_checks
from .baselines import (
    BaselineResult,
    majority_class,
    mean_vector_logistic_regression,
    tfidf_logistic_regression,
)
from .evaluation import (
    Score,
    Split,
    bootstrap_interval,
    predict_labels,
    score,
    split_three,
    stratified_split,
    vote_windows,
    wilson_interval,
    window_vote_accuracy,
)
from .models import BagOfNgrams, RNNClassifier, count_parameters, embedding_matrix, with_bigrams
from .sequences import (
    Batch,
    BatchLoader,
    Loaders,
    length_quantile,
    make_loaders,
    pad_sequences,
    window_dataset,
    windowed_split,
    windows,
)
from .tokenize import chinese_tokens, english_tokens, keras_style_tokens, tokenize_all
from .vocab import PAD, PAD_ID, UNK, UNK_ID, Vocabulary

__all__ = [
    "PAD",
    "PAD_ID",
    "UNK",
    "UNK_ID",
    "BagOfNgrams",
    "BaselineResult",
    "Batch",
    "BatchLoader",
    "Loaders",
    "RNNClassifier",
    "Score",
    "Split",
    "Vocabulary",
    "bootstrap_interval",
    "chinese_tokens",
    "count_parameters",
    "embedding_matrix",
    "english_tokens",
    "keras_style_tokens",
    "length_quantile",
    "majority_class",
    "make_loaders",
    "mean_vector_logistic_regression",
    "pad_sequences",
    "predict_labels",
    "score",
    "seed_checks",
    "split_three",
    "stratified_split",
    "tfidf_logistic_regression",
    "tokenize_all",
    "vote_windows",
    "wilson_interval",
    "window_dataset",
    "window_vote_accuracy",
    "windowed_split",
    "windows",
    "with_bigrams",
]
