"""Does a character n-gram model add to the shipped encoder? Trains the corpus
README's baseline (char 1-3-gram TF-IDF + logistic regression, as baseline.py) on
the training dialogues, mixes its probabilities with the encoder's — read by the
Rust reader itself: `maeum eval --data PART.csv [--context] --predictions FILE` on
the validation and test dialogues — as w * encoder + (1 - w) * n-gram, chooses w
on validation only, and reports validation and test. Needs scikit-learn.

The CSVs are the corpus rows of the split's val / test dialogues, in corpus order
(the order `maeum eval` reads and writes them in); predictions are checked
against the gold codes line by line."""

from __future__ import annotations

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def so_far(d: common.Dialogue, t: int) -> str:
    return " ".join(d.sentences[: t + 1])


def read_predictions(path: str):
    import numpy as np

    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    return np.array([r["p"] for r in rows], dtype=np.float64), [r["gold"] for r in rows]


def scores(p, gold_ids, turns):
    import numpy as np

    m = common.metrics(np.log(np.clip(p, 1e-12, 1.0)), gold_ids, turns)
    return m


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True, help="the corpus (sentences.csv)")
    ap.add_argument("--split", required=True)
    ap.add_argument("--predictions", required=True,
                    help="a directory with pred_val.jsonl, pred_val_ctx.jsonl, pred_test.jsonl, pred_test_ctx.jsonl")
    ap.add_argument("--C", type=float, default=3.0)
    args = ap.parse_args()
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    dialogues = common.load_corpus(args.data)
    split = common.load_or_make_split(args.split, dialogues)
    by_id = {d.dialogue_id: d for d in dialogues}
    parts = {k: [by_id[i] for i in split[k]] for k in ("train", "val", "test")}
    for mode, suffix in (("single", ""), ("context", "_ctx")):
        def texts(ds):
            return [(d.sentences[t] if mode == "single" else so_far(d, t), common.CODE_ID[d.code], t + 1)
                    for d in ds for t in range(len(d.sentences))]

        tr = texts(parts["train"])
        vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, min_df=2)
        x = vec.fit_transform([t for t, _, _ in tr])
        clf = LogisticRegression(C=args.C, max_iter=2000)
        clf.fit(x, [y for _, y, _ in tr])
        print(f"{mode}: {x.shape[1]} features", flush=True)
        mixed = {}
        for part in ("val", "test"):
            ex = texts(parts[part])
            enc, gold = read_predictions(os.path.join(args.predictions, f"pred_{part}{suffix}.jsonl"))
            if [common.CODES[y] for _, y, _ in ex] != gold:
                raise SystemExit(f"{part}{suffix}: the predictions are not in the corpus order")
            ng = np.zeros_like(enc)
            ng[:, clf.classes_] = clf.predict_proba(vec.transform([t for t, _, _ in ex]))
            mixed[part] = (enc, ng, [y for _, y, _ in ex], [t for _, _, t in ex])
        enc, ng, y, turns = mixed["val"]
        weights = [w / 20 for w in range(21)]
        best = max(weights, key=lambda w: scores(w * enc + (1 - w) * ng, y, turns)["top1"])
        for part in ("val", "test"):
            enc, ng, y, turns = mixed[part]
            for name, p in (("encoder", enc), ("n-gram", ng), (f"mix w={best:.2f}", best * enc + (1 - best) * ng)):
                print(common.format_metrics(f"{part} {mode} {name}", scores(p, y, turns)), flush=True)


if __name__ == "__main__":
    main()
