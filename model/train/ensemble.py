"""The character n-gram model served beside the encoder (`src/emotion/onnx/ngram.rs`).

Trains char 1-5-gram TF-IDF + logistic regression on the training dialogues'
sentences, quantises its weights to int8 (one scale per n-gram) and writes
`ngram.bin` into the model directory. The served reading is

    w * encoder + (1 - w) * n-gram

with one weight for a message read alone (no earlier messages) and one for a
message read with its context, and the mix read alone sharpened by a temperature
(p^(1/T), renormalised). All are chosen on the validation dialogues only,
from the encoder's own probabilities as the Rust reader gives them: run
`maeum eval --data PART.csv [--context] --predictions FILE` with
`MAEUM__EMOTION__NGRAM=false` on the validation and test dialogues first (`--write-csv
DIR` writes those dialogues' rows as DIR/val.csv and DIR/test.csv). The
weights and figures go into `config.json` (`maeum.ngram`). Test figures are
printed, never used to choose. Needs scikit-learn.

The CSVs are the corpus rows of the split's val / test dialogues, in corpus order
(the order `maeum eval` reads and writes them in); predictions are checked
against the gold codes line by line.

ngram.bin, little-endian:
    b"MAEUMNG1", u32 features, u32 classes, u32 min_n, u32 max_n,
    f32 bias[classes], f32 idf[features], f32 scale[features],
    i8 weight[features][classes], then each n-gram as u16 byte length + UTF-8.
Classes are in config.json's id2label order (E10..E69)."""

from __future__ import annotations

import argparse
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

MAGIC = b"MAEUMNG1"
FILE = "ngram.bin"
MIN_N, MAX_N = 1, 5
MIN_DF = 5


def read_predictions(path: str):
    import numpy as np

    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    return np.array([r["p"] for r in rows], dtype=np.float64), [r["gold"] for r in rows], [r["turn"] for r in rows]


def scores(p, gold_ids, turns) -> dict:
    import numpy as np

    return common.metrics(np.log(np.clip(p, 1e-12, 1.0)), gold_ids, turns)


def train(sentences: list[str], labels: list[int], C: float):
    """The vectoriser and the float weights [features, 60] and bias [60]."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(analyzer="char", ngram_range=(MIN_N, MAX_N), sublinear_tf=True, min_df=MIN_DF)
    x = vec.fit_transform(sentences)
    clf = LogisticRegression(C=C, max_iter=3000).fit(x, labels)
    weight = np.zeros((x.shape[1], len(common.CODES)), dtype=np.float64)
    # A code never seen in training can never win.
    bias = np.full(len(common.CODES), -30.0)
    weight[:, clf.classes_] = clf.coef_.T
    bias[clf.classes_] = clf.intercept_
    return vec, weight, bias


def quantise(weight):
    """int8 per n-gram row, symmetric: weight ~ q * scale[:, None]."""
    import numpy as np

    scale = np.abs(weight).max(1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.round(weight / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32)


def write(path: str, vec, q, scale, bias) -> None:
    import numpy as np

    grams = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
    with open(path, "wb") as f:
        f.write(MAGIC)
        f.write(struct.pack("<4I", len(grams), q.shape[1], MIN_N, MAX_N))
        f.write(np.asarray(bias, dtype="<f4").tobytes())
        f.write(np.asarray(vec.idf_, dtype="<f4").tobytes())
        f.write(np.asarray(scale, dtype="<f4").tobytes())
        f.write(q.tobytes())
        for g in grams:
            b = g.encode("utf-8")
            f.write(struct.pack("<H", len(b)))
            f.write(b)


def probabilities(vec, q, scale, bias, texts: list[str]):
    """What the served model gives: the quantised weights, f32 idf."""
    import numpy as np

    x = vec.transform(texts).astype(np.float64)
    logits = x @ (q.astype(np.float64) * scale.astype(np.float64)[:, None]) + bias
    p = np.exp(logits - logits.max(1, keepdims=True))
    return p / p.sum(1, keepdims=True)


def temper(p, T: float):
    """As the reader's `temper`: p^(1/T), renormalised."""
    import numpy as np

    q = np.power(np.clip(p, 1e-38, 1.0), 1.0 / T)
    return q / q.sum(-1, keepdims=True)


def write_parts(corpus: str, split: dict, out: str) -> None:
    """The corpus rows of the validation and test dialogues, header and order kept."""
    import csv

    with open(corpus, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    os.makedirs(out, exist_ok=True)
    for part in ("val", "test"):
        ids = set(split[part])
        with open(os.path.join(out, f"{part}.csv"), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(rows[0])
            w.writerows(r for r in rows[1:] if r[0] in ids)
    print(f"wrote {out}/val.csv and {out}/test.csv", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="the corpus (sentences.csv)")
    ap.add_argument("--split", required=True)
    ap.add_argument("--write-csv", metavar="DIR",
                    help="only write DIR/val.csv and DIR/test.csv (the corpus rows of those dialogues, for `maeum eval`) and stop")
    ap.add_argument("--predictions",
                    help="a directory with the encoder's pred_val.jsonl, pred_val_ctx.jsonl, pred_test.jsonl, pred_test_ctx.jsonl")
    ap.add_argument("--model", help="a model directory to write ngram.bin into and config.json's maeum.ngram (else only report)")
    ap.add_argument("--C", type=float, default=3.0)
    args = ap.parse_args()
    import numpy as np

    dialogues = common.load_corpus(args.data)
    split = common.load_or_make_split(args.split, dialogues)
    if args.write_csv:
        write_parts(args.data, split, args.write_csv)
        return
    if not args.predictions:
        raise SystemExit("--predictions is needed (or --write-csv)")
    by_id = {d.dialogue_id: d for d in dialogues}
    parts = {k: [by_id[i] for i in split[k]] for k in ("train", "val", "test")}

    def rows(ds):
        return [(d.sentences[t], common.CODE_ID[d.code], t + 1) for d in ds for t in range(len(d.sentences))]

    tr = rows(parts["train"])
    vec, weight, bias = train([s for s, _, _ in tr], [y for _, y, _ in tr], args.C)
    q, scale = quantise(weight)
    print(f"{len(vec.vocabulary_)} n-grams; int8 weights {q.nbytes / 1e6:.1f} MB", flush=True)

    got = {}
    for part in ("val", "test"):
        ex = rows(parts[part])
        gold = [common.CODES[y] for _, y, _ in ex]
        ng = probabilities(vec, q, scale, bias, [s for s, _, _ in ex])
        for suffix in ("", "_ctx"):
            enc, pred_gold, turns = read_predictions(os.path.join(args.predictions, f"pred_{part}{suffix}.jsonl"))
            if pred_gold != gold:
                raise SystemExit(f"{part}{suffix}: the predictions are not in the corpus order")
            got[part + suffix] = (enc, ng, [y for _, y, _ in ex], np.array(turns))

    grid = [w / 20 for w in range(21)]
    # Alone: every validation sentence read by itself. With context: the
    # validation turns that had earlier messages.
    enc, ng, y, t = got["val"]
    alone = max(grid, key=lambda w: scores(w * enc + (1 - w) * ng, y, t)["top1"])
    enc, ng, y, t = got["val_ctx"]
    later = t >= 2
    with_context = max(grid, key=lambda w: scores(w * enc[later] + (1 - w) * ng[later], list(np.array(y)[later]), t[later])["top1"])
    # The mix of two distributions is flatter than either: a temperature for
    # the mixed reading of a message alone, by likelihood on validation.
    enc, ng, y, t = got["val"]
    mixed = alone * enc + (1 - alone) * ng
    temperature = min((k / 20 for k in range(10, 61)), key=lambda T: -np.log(np.clip(temper(mixed, T)[np.arange(len(y)), y], 1e-12, 1)).sum())
    print(f"chosen on validation: weights alone {alone}, with context {with_context}; temperature alone {temperature}", flush=True)

    figures = {}
    for key, mode in (("", "single"), ("_ctx", "context")):
        for part in ("val", "test"):
            enc, ng, y, t = got[part + key]
            alone_rows = t < 2 if key else np.ones(len(t), dtype=bool)
            w = np.where(alone_rows, alone, with_context)[:, None]
            mixed = w * enc + (1 - w) * ng
            mixed[alone_rows] = temper(mixed[alone_rows], temperature)
            for name, p in (("encoder", enc), ("n-gram", ng), ("ensemble", mixed)):
                m = scores(p, y, t)
                print(common.format_metrics(f"{part} {mode} {name}", m), flush=True)
                figures.setdefault(f"{part}_{mode}", {})[name] = {k: round(m[k], 4) for k in ("top1", "top3", "group6", "group6_summed")}

    if args.model:
        write(os.path.join(args.model, FILE), vec, q, scale, bias)
        path = os.path.join(args.model, "config.json")
        config = json.load(open(path, encoding="utf-8"))
        config.setdefault("maeum", {})["ngram"] = {
            "file": FILE,
            "weight_alone": alone,
            "weight_with_context": with_context,
            "temperature_alone": temperature,
            "model": f"char {MIN_N}-{MAX_N}-gram TF-IDF (sublinear, min_df {MIN_DF}) + logistic regression (C {args.C}); int8 per n-gram",
            "weights_from": "model/train/ensemble.py: top-1 on the validation dialogues (alone: every sentence; with context: turns 2 and later); temperature_alone by likelihood on the validation sentences read alone",
            "figures": figures,
        }
        common.write_json(path, config)
        print(f"wrote {args.model}/{FILE} and {path}", flush=True)


if __name__ == "__main__":
    main()
