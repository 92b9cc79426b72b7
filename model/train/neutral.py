"""The "no particular emotion" reader: a character n-gram logistic regression
that tells messages with no emotion to tag (greetings, thanks, plain
questions, logistics, small talk, talk to the bot) from the corpus's
emotional sentences. The bot shows no emotion tag for a message it reads as
neutral (src/emotion/neutral.rs reproduces the features and the model).

    python model/train/neutral.py --data ../shared/data/aihub-emotion/sentences.csv \
        --split .train/split.json --out model/neutral.json

Training: model/neutral/train.jsonl (neutral, written for Maeum) against the
sentences of the corpus's training dialogues (emotional by the corpus's
labels), the emotional chat messages of model/crisis/*.jsonl and the short
emotional messages of model/neutral/emotional_short.jsonl (without these,
short chat reads as neutral whatever it says: the corpus's sentences are
longer and differently written). The threshold is chosen on validation
only: the lowest P(neutral) at which at most `--max-silenced` of the
validation dialogues' sentences, and of the emotional messages of the crisis
development parts, would lose their tag. Reported, never tuned on: the test
dialogues' and the crisis held-out parts' silenced shares, and how many of
tests/data/neutral/{dev,heldout}.jsonl are read as neutral.

Features (kept identical to the Rust side): the text lower-cased, split at
whitespace; each word padded with one space on both sides; its character
1-, 2- and 3-grams (a word shorter than n gives the padded word once);
sublinear term frequency (1 + ln count) times a smoothed idf
(ln((1 + N) / (1 + df)) + 1) over the `--max-features` most frequent
n-grams; the vector L2-normalised; P(neutral) = sigmoid(w . x + b).

Needs scikit-learn and numpy (requirements.txt)."""

from __future__ import annotations

import argparse
import glob
import json
import math
import os
import sys
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

NGRAM_RANGE = (1, 3)
# Categories of the crisis sets whose messages carry an emotion (chat-style,
# as the corpus's sentences are not): negatives in training, and a check of
# how many emotional chat messages would lose their tag.
EMOTIONAL = {
    "everyday_distress", "sadness", "mood_mild", "sleep_tired", "hyperbole", "hyperbole_idiom",
    "dark_joke", "jokes", "negation", "ending_nonlife", "direct", "indirect", "method", "means",
    "attempt", "farewell", "time_bound", "place_intent", "slang", "history", "two_message",
    "other_in_danger",
}


def ngrams(text: str) -> list[str]:
    """The character n-grams of `text`, as src/emotion/neutral.rs computes them."""
    out = []
    for word in text.lower().split():
        padded = " " + word + " "
        length = len(padded)
        for n in range(NGRAM_RANGE[0], NGRAM_RANGE[1] + 1):
            if length <= n:
                out.append(padded)
                break
            for start in range(0, length - n + 1):
                out.append(padded[start:start + n])
    return out


class Features:
    def __init__(self, texts: list[str], max_features: int):
        df = Counter()
        total = Counter()
        for text in texts:
            grams = Counter(ngrams(text))
            total.update(grams)
            df.update(grams.keys())
        kept = [g for g, _ in sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))[:max_features]]
        self.vocabulary = {g: i for i, g in enumerate(kept)}
        n = len(texts)
        self.idf = [math.log((1 + n) / (1 + df[g])) + 1.0 for g in kept]

    def transform(self, texts: list[str]):
        from scipy.sparse import csr_matrix

        rows, cols, values = [], [], []
        for r, text in enumerate(texts):
            counts = Counter(g for g in ngrams(text) if g in self.vocabulary)
            entries = [(self.vocabulary[g], (1.0 + math.log(c)) * self.idf[self.vocabulary[g]]) for g, c in counts.items()]
            norm = math.sqrt(sum(v * v for _, v in entries)) or 1.0
            for c, v in entries:
                rows.append(r)
                cols.append(c)
                values.append(v / norm)
        return csr_matrix((values, (rows, cols)), shape=(len(texts), len(self.vocabulary)))


def read_jsonl(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="the corpus (sentences.csv)")
    ap.add_argument("--split", required=True, help="the dialogue-disjoint split (run.sh writes it)")
    ap.add_argument("--train", default="model/neutral/train.jsonl")
    ap.add_argument("--check", nargs="+", default=["tests/data/neutral/dev.jsonl", "tests/data/neutral/heldout.jsonl"])
    ap.add_argument("--emotional-train", nargs="+", default=sorted(glob.glob("model/crisis/*.jsonl")),
                    help="chat messages whose EMOTIONAL categories are negatives in training")
    ap.add_argument("--emotional-short", default="model/neutral/emotional_short.jsonl",
                    help="short emotional chat messages (every line a negative in training)")
    ap.add_argument("--emotional-val", nargs="+",
                    default=["tests/data/crisis/dev.jsonl", "tests/data/crisis/dev2.jsonl"],
                    help="chat messages whose emotional categories the threshold may silence at most --max-silenced of")
    ap.add_argument("--emotional-test", nargs="+",
                    default=sorted(glob.glob("tests/data/crisis/heldout*.jsonl")))
    ap.add_argument("--out", help="where to write the model (JSON); without it only reported")
    ap.add_argument("--max-features", type=int, default=20000)
    ap.add_argument("--C", type=float, default=4.0)
    ap.add_argument("--max-silenced", type=float, default=0.02,
                    help="the most validation sentences the threshold may silence")
    args = ap.parse_args()
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    dialogues = common.load_corpus(args.data)
    split = common.load_or_make_split(args.split, dialogues)
    by_id = {d.dialogue_id: d for d in dialogues}

    def sentences(part: str) -> list[str]:
        return [s for i in split[part] for s in by_id[i].sentences]

    def emotional_chat(paths: list[str]) -> list[str]:
        return [r["text"] for p in paths for r in read_jsonl(p) if r["category"] in EMOTIONAL]

    neutral = [r["text"] for r in read_jsonl(args.train)]
    emotional = (sentences("train") + emotional_chat(args.emotional_train)
                 + [r["text"] for r in read_jsonl(args.emotional_short)])
    texts = neutral + emotional
    labels = np.array([1] * len(neutral) + [0] * len(emotional))
    features = Features(texts, args.max_features)
    model = LogisticRegression(C=args.C, max_iter=3000, class_weight="balanced")
    model.fit(features.transform(texts), labels)

    def p_neutral(batch: list[str]) -> np.ndarray:
        return model.predict_proba(features.transform(batch))[:, 1]

    val = p_neutral(sentences("val"))
    chat_val = p_neutral(emotional_chat(args.emotional_val))
    # The lowest threshold that silences at most --max-silenced of the
    # validation sentences and of the emotional chat messages alike.
    threshold = max(float(np.quantile(val, 1.0 - args.max_silenced)),
                    float(np.quantile(chat_val, 1.0 - args.max_silenced)), 0.5)
    test = p_neutral(sentences("test"))
    chat_test = p_neutral(emotional_chat(args.emotional_test))
    report = {
        "threshold": round(threshold, 4),
        "validation_silenced": round(float(np.mean(val >= threshold)), 4),
        "emotional_chat_validation_silenced": round(float(np.mean(chat_val >= threshold)), 4),
        "test_silenced": round(float(np.mean(test >= threshold)), 4),
        "emotional_chat_test_silenced": round(float(np.mean(chat_test >= threshold)), 4),
        "n_validation": int(len(val)),
        "n_emotional_chat_validation": int(len(chat_val)),
        "n_test": int(len(test)),
        "n_emotional_chat_test": int(len(chat_test)),
    }
    for path in args.check:
        rows = read_jsonl(path)
        p = p_neutral([r["text"] for r in rows])
        name = os.path.basename(path)
        report[f"{name}_read_neutral"] = round(float(np.mean(p >= threshold)), 4)
        for lang in ("ko", "en"):
            mask = np.array([r["lang"] == lang for r in rows])
            report[f"{name}_{lang}_read_neutral"] = round(float(np.mean(p[mask] >= threshold)), 4)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if args.out:
        grams = [None] * len(features.vocabulary)
        for g, i in features.vocabulary.items():
            grams[i] = g
        checks = ["안녕", "고마워", "내일 3시에 치과 가", "오늘 너무 슬퍼", "시험 떨어져서 속상해", "hello there"]
        out = {
            "kind": "maeum neutral reader: char 1-3-gram tf-idf (sublinear, smoothed idf, l2) + logistic regression",
            "trained_on": [args.train, "the corpus's training dialogues (emotional)"],
            "threshold": round(threshold, 4),
            "figures": report,
            "ngrams": grams,
            "idf": [round(v, 6) for v in features.idf],
            "weights": [round(float(w), 6) for w in model.coef_[0]],
            "bias": round(float(model.intercept_[0]), 6),
            # The Rust side must read these the same (tests/emotion.rs).
            "checks": [{"text": t, "p": round(float(p), 6)} for t, p in zip(checks, p_neutral(checks))],
        }
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(out, f, ensure_ascii=False, separators=(",", ":"))
        print(f"wrote {args.out} ({os.path.getsize(args.out) // 1024} KiB)")


if __name__ == "__main__":
    main()
