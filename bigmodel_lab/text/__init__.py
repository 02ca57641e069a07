"""Text classification for chapter 5: tokens, vocabulary, padding and packing, models, baselines.

- ``tokenize``: English tokens, Chinese words (jieba), and a Keras-style splitter for contrast.
- ``vocab``: :class:`Vocabulary` (PAD = 0, UNK = 1, capped by frequency).
- ``stratified_splits``: stratified train/validation/test positions (:class:`IndexSplit`).
- ``sequences``: padding/truncation, length-bucketed batches, review windows.
- ``models``: :class:`RNNClassifier` (embedding, LSTM/GRU over packed sequences, dropout,
  linear) and :class:`BagOfNgrams` (fastText-style) with its inputs, GloVe-initialised
  embeddings, and :func:`train_model` (Adam, best validation epoch kept).
- ``baselines``: majority class, TF-IDF + logistic regression, mean word vectors, scored.
- ``scoring``: predictions, accuracy with Wilson and bootstrap intervals, window votes.

What the source chapters' listings do when run lives in
:mod:`bigmodel_lab.errata.text_listings`, not here.
"""

from .baselines import (
    BaselineResult,
    baseline_scores,
    majority_class,
    mean_vector_logistic_regression,
    tfidf_logistic_regression,
)
from .models import (
    BagInputs,
    BagOfNgrams,
    RNNClassifier,
    bag_inputs,
    count_parameters,
    embedding_matrix,
    train_model,
    with_bigrams,
)
from .scoring import (
    Score,
    bootstrap_interval,
    predict_labels,
    results_table,
    score,
    vote_windows,
    wilson_interval,
    window_vote_accuracy,
)
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
from .stratified_splits import IndexSplit, split_three, stratified_split
from .tokenize import chinese_tokens, english_tokens, keras_style_tokens
from .vocab import PAD, PAD_ID, UNK, UNK_ID, Vocabulary

__all__ = [
    "PAD",
    "PAD_ID",
    "UNK",
    "UNK_ID",
    "BagInputs",
    "BagOfNgrams",
    "BaselineResult",
    "Batch",
    "BatchLoader",
    "IndexSplit",
    "Loaders",
    "RNNClassifier",
    "Score",
    "Vocabulary",
    "bag_inputs",
    "baseline_scores",
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
    "results_table",
    "score",
    "split_three",
    "stratified_split",
    "tfidf_logistic_regression",
    "train_model",
    "vote_windows",
    "wilson_interval",
    "window_dataset",
    "window_vote_accuracy",
    "windowed_split",
    "windows",
    "with_bigrams",
]
