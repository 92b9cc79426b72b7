"""Trains the crisis model's lexical partner: a character n-gram model that
reads a message's own words, beside the encoder that reads it in its
conversation (src/safety/crisis/learned.rs).

Why: on crisis messages by writers the encoder never saw, the two disagree
usefully. Their mean ranks crises above not-crises better than either alone on
every development and held-out part (docs/safety.md), and where the encoder
reads a plain "none" the n-gram model, keyed to pieces of words rather than
to a writer's whole phrasing, still catches some crises.

What: a char 1–5-gram TF-IDF (sublinear tf, n-grams in at least five training
messages) and a binary logistic regression (C 3) — crisis of any severity
against none — on the `model/crisis/*.jsonl` training messages (not
train9_independent.jsonl, a development part) and 4,000 everyday sentences of
the AI-Hub corpus's training dialogues, texts alone (lower-cased by the
vectoriser, as the Rust reader does). Its weights
are quantised to int8 per n-gram and written as `crisis_ngram.bin` in the
format `ensemble.py` writes (`MAEUMNG1`, two classes: none, crisis), which
`src/emotion/onnx/ngram.rs` reads.

Its threshold, written into config.json's `maeum.crisis_head.lexical`: where
the detector (rules and encoder) reads no crisis, the n-gram model alone
raises a message when its P(crisis) is at least this. The lowest value of
0.50, 0.55, …, 0.95 at which it adds at most `--max-added-false-alarms` of the
development parts' not-crisis messages and at most `--max-added-everyday` of
everyday corpus sentences. It reads what `maeum safety-eval --readings` wrote
for each part with the lexical model off (`MAEUM__SAFETY__CRISIS__LEXICAL_SIGNAL=false`):

    python model/train/crisis_ngram.py --model model \
        --dev tests/data/crisis/dev.jsonl=/tmp/dev.readings ... \
        --everyday EVERYDAY.jsonl=/tmp/everyday.readings

The held-out parts are never read here.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import crisis_data  # noqa: E402
import ensemble  # noqa: E402

FILE = "crisis_ngram.bin"
MIN_DF = 5
C = 3.0
THRESHOLDS = [round(0.5 + 0.05 * i, 2) for i in range(10)]


def train(cases: list[dict]):
    """The vectoriser, float weights [features, 2] and bias [2] (none, crisis)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(analyzer="char", ngram_range=(ensemble.MIN_N, ensemble.MAX_N),
                          sublinear_tf=True, min_df=MIN_DF)
    x = vec.fit_transform([c["text"] for c in cases])
    clf = LogisticRegression(C=C, max_iter=3000).fit(x, [int(c["crisis"]) for c in cases])
    # Two logits whose softmax is the regression's sigmoid: none at 0.
    weight = np.zeros((x.shape[1], 2))
    weight[:, 1] = clf.coef_[0]
    bias = np.array([0.0, clf.intercept_[0]])
    return vec, weight, bias


def part(spec: str) -> tuple[list[dict], list[dict]]:
    """`CASES=READINGS`: the cases and the detector's readings of them, in order."""
    cases_path, readings_path = spec.split("=", 1)
    cases = crisis_data.load_cases(cases_path)
    readings = crisis_data.load_cases(readings_path)
    if len(cases) != len(readings):
        sys.exit(f"{spec}: {len(cases)} cases but {len(readings)} readings")
    return cases, readings


def added(p, readings: list[dict], threshold: float, crisis: bool) -> int:
    """How many messages labelled `crisis` the model adds where the detector read none."""
    return sum(1 for pi, r in zip(p, readings)
               if r["read"] == "none" and r["crisis"] == crisis and pi >= threshold)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="model directory: writes crisis_ngram.bin and config.json's maeum.crisis_head.lexical")
    ap.add_argument("--train", nargs="+", default=sorted(
        f for f in glob.glob("model/crisis/*.jsonl") if "train9_independent" not in f))
    ap.add_argument("--corpus", default="../shared/data/aihub-emotion/sentences.csv")
    ap.add_argument("--everyday-train", type=int, default=4000)
    ap.add_argument("--dev", nargs="+", required=True, metavar="CASES=READINGS")
    ap.add_argument("--everyday", required=True, metavar="CASES=READINGS")
    ap.add_argument("--max-added-false-alarms", type=float, default=0.0025)
    ap.add_argument("--max-added-everyday", type=float, default=0.001)
    args = ap.parse_args()

    cases = [c for path in args.train for c in crisis_data.load_cases(path)]
    everyday = crisis_data.everyday_cases(args.corpus, "train", args.everyday_train, seed=1)
    vec, weight, bias = train(cases + everyday)
    q, scale = ensemble.quantise(weight)

    def probability(part_cases: list[dict]):
        return ensemble.probabilities(vec, q, scale, bias, [c["text"] for c in part_cases])[:, 1]

    dev = [part(spec) for spec in args.dev]
    dev_p = [probability(c) for c, _ in dev]
    every_cases, every_readings = part(args.everyday)
    every_p = probability(every_cases)
    negatives = sum(1 for _, rs in dev for r in rs if not r["crisis"])
    chosen = None
    for t in THRESHOLDS:
        caught = sum(added(p, rs, t, True) for p, (_, rs) in zip(dev_p, dev))
        false = sum(added(p, rs, t, False) for p, (_, rs) in zip(dev_p, dev))
        every = added(every_p, every_readings, t, False)
        ok = false <= args.max_added_false_alarms * negatives and every <= args.max_added_everyday * len(every_cases)
        print(f"threshold {t:.2f}: adds {caught} development crises, {false} of {negatives} false alarms, "
              f"{every} of {len(every_cases)} everyday{'  <- within the limits' if ok and chosen is None else ''}")
        if ok and chosen is None:
            chosen = t
    if chosen is None:
        sys.exit("no threshold keeps within the limits")

    path = os.path.join(args.model, FILE)
    ensemble.write(path, vec, q, scale, bias)
    config_path = os.path.join(args.model, "config.json")
    with open(config_path, encoding="utf-8") as f:
        config = json.load(f)
    config["maeum"]["crisis_head"]["lexical"] = {
        "file": FILE,
        "threshold": chosen,
        "model": f"char {ensemble.MIN_N}-{ensemble.MAX_N}-gram TF-IDF (sublinear, min_df {MIN_DF}) + "
                 f"logistic regression (C {C}), crisis against none, int8 per n-gram: crisis_ngram.py",
        "trained_on": sorted(args.train) + [f"{len(everyday)} everyday sentences of the AI-Hub corpus (training dialogues)"],
        "threshold_from": f"the lowest of {THRESHOLDS[0]}..{THRESHOLDS[-1]} adding at most "
                          f"{args.max_added_false_alarms:.2%} of {negatives} development not-crisis messages and "
                          f"{args.max_added_everyday:.2%} of {len(every_cases)} everyday sentences where the detector read none",
    }
    common.write_json(config_path, config)
    print(f"wrote {path} ({os.path.getsize(path)} bytes, {len(vec.vocabulary_)} n-grams) and threshold {chosen} into {config_path}")


if __name__ == "__main__":
    main()
