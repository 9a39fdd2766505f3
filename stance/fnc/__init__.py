"""FNC-1 stance detection (headline vs article body: agree / disagree / discuss / unrelated).

A benchmark application of the project's parts, in its own subpackage:
  * ``scoring``: the official FNC-1 score plus macro-F1, per-class figures and the confusion matrix;
  * ``data``: the official CSV formats (shared with training: :mod:`stance.data.stance_csv`);
  * ``config``: the validated ``configs/fnc.yaml``;
  * ``cache``: sentence splits, embeddings and NLI probabilities on disk (npz/json, no pickle);
  * ``features``: MiniLM and TF-IDF relatedness, NLI of the headline against the body's most related
    sentences (both directions), hedging / refuting cues and claim attribution of those sentences;
  * ``head``: a small scikit-learn head over those features, stored without pickle (skops, trusted types);
  * ``predict`` (``stance fnc``), ``train`` (``stance fnc-train``) and ``cli``.

NLI is the expensive step, so it only runs for pairs whose MiniLM relatedness clears a low floor
(about three quarters of FNC-1 pairs are unrelated); the others get zeros and a flag.
"""
