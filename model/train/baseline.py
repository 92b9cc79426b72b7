"""The corpus README's baseline on OUR split, for a like-for-like comparison: character
1-3-gram TF-IDF + logistic regression, trained on the training dialogues (single
sentences for the single-sentence model; the person's utterances so far, turns 1..t
joined, for the context model, as the README describes it) and evaluated on the same
held-out test dialogues as evaluate.py. Needs scikit-learn (not in requirements.txt:
only this comparison uses it)."""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def so_far(d: common.Dialogue, t: int) -> str:
    return " ".join(d.sentences[: t + 1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True)
    ap.add_argument("--split", required=True)
    ap.add_argument("--C", type=float, default=3.0)
    args = ap.parse_args()
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    dialogues = common.load_corpus(args.data)
    split = common.load_or_make_split(args.split, dialogues)
    by_id = {d.dialogue_id: d for d in dialogues}
    train = [by_id[i] for i in split["train"]]
    test = [by_id[i] for i in split["test"]]
    for mode in ("single", "context"):
        def texts(ds):
            return [(d.sentences[t] if mode == "single" else so_far(d, t), common.CODE_ID[d.code], t + 1)
                    for d in ds for t in range(len(d.sentences))]

        tr, te = texts(train), texts(test)
        vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, min_df=2)
        x = vec.fit_transform([t for t, _, _ in tr])
        clf = LogisticRegression(C=args.C, max_iter=2000)
        clf.fit(x, [y for _, y, _ in tr])
        scores = clf.decision_function(vec.transform([t for t, _, _ in te]))
        # Columns follow clf.classes_; spread them over all 60 codes.
        import numpy as np

        full = np.full((len(te), len(common.CODES)), -1e9)
        full[:, clf.classes_] = scores
        m = common.metrics(full, [y for _, y, _ in te], [t for _, _, t in te])
        print(common.format_metrics(f"baseline {mode}", m), flush=True)


if __name__ == "__main__":
    main()
