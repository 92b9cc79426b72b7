"""Adds (or replaces) the crisis head of the shipped emotion model: the learned
signal the crisis rules are combined with (docs/safety.md).

The head reads what the emotion model already computes for a message: the
mean, over the attention mask, of the hidden states of a middle encoder layer
(middle layers keep more of the sentence's meaning than the last, which the
emotion fine-tuning has specialised). A multinomial logistic regression over
those features gives four probabilities, in this order:

    none, concern (someone else is in danger), risk, imminent

and is written into model.onnx as a few float nodes after that layer, with a
second output `crisis` (float32 [batch, 4]). One forward pass serves both the
emotion and the crisis reading, so the head adds next to nothing per message.

    python model/train/crisis_head.py --model model

Training data: our own writing (`--train`, default every model/crisis/*.jsonl:
crisis and hard not-crisis messages, ko + en), and, as everyday not-crisis
talk, sentences of the AI-Hub emotional-dialogue corpus (`--everyday`, beside
the repository, never copied into it) from its training dialogues, each with
its speaker's two earlier sentences as context, as the bot reads them —
without sentences that name suicide, self-harm or a wish to die, which the
corpus does hold. The threshold is the lowest P(crisis) = 1 - P(none) at which
the head alone flags at most `--max-dev-false-alarms` of the dev part's
not-crisis messages (tests/data/crisis/dev.jsonl) and at most
`--max-everyday-false-alarms` of everyday sentences from the corpus's test
dialogues (the split of common.make_split, never trained on). The held-out
parts of the crisis set are never read here.

    python model/train/crisis_head.py --model model --bench

times the shipped graph with and without its head, side by side (what the
head adds per message), and writes nothing.

Needs numpy, onnx, onnxruntime, tokenizers, scikit-learn (requirements.txt).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import random
import re
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

CLASSES = ["none", "concern", "risk", "imminent"]
OUTPUT = "crisis"
PREFIX = "/crisis_head/"
FEATURES = PREFIX + "features"
# The emotion graph's own mask tensors: the float mask [batch, seq, 1] and the
# clipped token count [batch, 1] its final mean pooling divides by.
MASK = "/Cast_output_0"
COUNT = "/Clip_output_0"


def layer_output(layer: int) -> str:
    return f"/bert/layer.{layer}/LayerNorm_1/LayerNormalization_output_0"


def strip_head(model: onnx.ModelProto) -> None:
    """Removes an earlier crisis head, so the script can be run again."""
    keep = [n for n in model.graph.node if not n.name.startswith(PREFIX)]
    del model.graph.node[:]
    model.graph.node.extend(keep)
    outputs = [o for o in model.graph.output if o.name != OUTPUT]
    del model.graph.output[:]
    model.graph.output.extend(outputs)
    inits = [i for i in model.graph.initializer if not i.name.startswith(PREFIX)]
    del model.graph.initializer[:]
    model.graph.initializer.extend(inits)


def add_features(model: onnx.ModelProto, layers: list[int]) -> None:
    """FEATURES [batch, hidden]: the masked mean of the given layers' hidden
    states (averaged over the layers when there are several)."""
    have = {o for n in model.graph.node for o in n.output}
    for t in [MASK, COUNT] + [layer_output(i) for i in layers]:
        if t not in have:
            raise SystemExit(f"model.onnx has no tensor {t}: not the graph export.py writes")
    nodes = []
    summed = layer_output(layers[0])
    for i, layer in enumerate(layers[1:]):
        out = f"{PREFIX}sum{i}"
        nodes.append(helper.make_node("Add", [summed, layer_output(layer)], [out], name=out))
        summed = out
    axes = PREFIX + "axes"
    model.graph.initializer.append(numpy_helper.from_array(np.array([1], dtype=np.int64), axes))
    scale = PREFIX + "layer_scale"
    model.graph.initializer.append(numpy_helper.from_array(np.array(1.0 / len(layers), dtype=np.float32), scale))
    nodes += [
        helper.make_node("Mul", [summed, MASK], [PREFIX + "masked"], name=PREFIX + "masked"),
        helper.make_node("ReduceSum", [PREFIX + "masked", axes], [PREFIX + "summed"], name=PREFIX + "summed", keepdims=0),
        helper.make_node("Div", [PREFIX + "summed", COUNT], [PREFIX + "mean"], name=PREFIX + "mean"),
        helper.make_node("Mul", [PREFIX + "mean", scale], [FEATURES], name=FEATURES),
    ]
    model.graph.node.extend(nodes)


def add_head(model: onnx.ModelProto, weight: np.ndarray, bias: np.ndarray) -> None:
    """OUTPUT = softmax(FEATURES · weight + bias)."""
    w, b = PREFIX + "weight", PREFIX + "bias"
    model.graph.initializer.append(numpy_helper.from_array(weight.astype(np.float32), w))
    model.graph.initializer.append(numpy_helper.from_array(bias.astype(np.float32), b))
    model.graph.node.extend([
        helper.make_node("Gemm", [FEATURES, w, b], [PREFIX + "logits"], name=PREFIX + "logits"),
        helper.make_node("Softmax", [PREFIX + "logits"], [OUTPUT], name=PREFIX + "softmax", axis=-1),
    ])
    model.graph.output.append(helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["batch", len(CLASSES)]))


def load_cases(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# Sentences of the corpus that speak of suicide, self-harm or a wish to die:
# not taken as everyday (not-crisis) talk.
CRISIS_WORDS = re.compile(r"죽고\s*싶|죽어\s*버리|죽을\s*까|자살|자해|극단적|살기\s*싫|살고\s*싶지\s*않|사라지고\s*싶|목숨|뛰어내리|끝내고\s*싶|세상을\s*떠나|없어지고\s*싶")


def everyday_cases(corpus: str, part: str, limit: int, seed: int) -> list[dict]:
    """Up to `limit` sentences of the corpus's `part` dialogues (train or test),
    sampled with `seed`, each with its speaker's two earlier sentences."""
    dialogues = common.load_corpus(corpus)
    ids = set(common.make_split(dialogues)[part])
    cases = []
    for d in dialogues:
        if d.dialogue_id not in ids or any(CRISIS_WORDS.search(s) for s in d.sentences):
            continue
        for t, sentence in enumerate(d.sentences):
            cases.append({"text": sentence, "context": d.sentences[max(0, t - 2):t], "crisis": False,
                          "severity": "none", "category": "everyday_corpus"})
    random.Random(seed).shuffle(cases)
    return cases[:limit]


def case_example(case: dict) -> common.Example:
    """The pair the Rust side reads a message as: the message, then the
    writer's earlier messages newest first (emotion::Utterance::model_input)."""
    earlier = [c.strip() for c in reversed(case.get("context", [])) if c.strip()]
    return common.Example(a=case["text"].strip(), b=" ".join(earlier) or None, label=0, turn=1, dialogue_id="")


def target(case: dict) -> int:
    return CLASSES.index(case["severity"] if case["crisis"] else "none")


class Reader:
    """Runs a model file, one message at a time (as the bot reads them: the
    int8 model's activations are quantised per batch)."""

    def __init__(self, model: onnx.ModelProto, model_dir: str, outputs: list[str]):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 2
        self.session = ort.InferenceSession(model.SerializeToString(), options)
        self.tokenizer = common.load_tokenizer(os.path.join(model_dir, "tokenizer.json"))
        self.outputs = outputs

    def run(self, cases: list[dict]) -> list[np.ndarray]:
        results = [[] for _ in self.outputs]
        for ids in common.encode(self.tokenizer, [case_example(c) for c in cases]):
            feed = {"input_ids": np.array([ids], dtype=np.int64), "attention_mask": np.ones((1, len(ids)), dtype=np.int64)}
            for out, value in zip(results, self.session.run(self.outputs, feed)):
                out.append(value[0])
        return [np.array(r) for r in results]


def crisis_probability(probabilities: np.ndarray) -> np.ndarray:
    return 1.0 - probabilities[:, CLASSES.index("none")]


def pick_threshold(negatives: np.ndarray, max_false_alarms: float) -> float:
    """The lowest threshold at which at most `max_false_alarms` of the
    not-crisis scores `negatives` reach it (P >= threshold flags)."""
    negatives = np.sort(negatives)[::-1]
    allowed = int(np.floor(max_false_alarms * len(negatives)))
    # Flag strictly above the (allowed+1)-th highest not-crisis score.
    return float(np.nextafter(negatives[allowed], np.float32(1.0))) if allowed < len(negatives) else 0.0


def report(name: str, cases: list[dict], p: np.ndarray, threshold: float) -> dict:
    is_crisis = np.array([c["crisis"] for c in cases])
    flagged = p >= threshold
    by_category = {}
    for cat in sorted({c["category"] for c in cases}):
        idx = np.array([c["category"] == cat for c in cases])
        by_category[cat] = round(float(np.mean(flagged[idx])), 3)
    out = {"n": len(cases)}
    if is_crisis.any():
        out["recall"] = round(float(np.mean(flagged[is_crisis])), 3)
    if (~is_crisis).any():
        out["false_alarm_rate"] = round(float(np.mean(flagged[~is_crisis])), 3)
    out["flagged_by_category"] = by_category
    print(f"{name}: {json.dumps(out, ensure_ascii=False)}")
    return out


def bench(model_dir: str, cases: list[dict], rounds: int = 5) -> None:
    """Per-message latency of the graph with its head (both outputs fetched,
    as the bot does) and without it (the head stripped), interleaved."""
    import time

    with_head = onnx.load(os.path.join(model_dir, "model.onnx"))
    if OUTPUT not in {o.name for o in with_head.graph.output}:
        raise SystemExit("model.onnx has no crisis head to time")
    without = onnx.ModelProto()
    without.CopyFrom(with_head)
    strip_head(without)
    readers = {
        "without the head": Reader(without, model_dir, ["logits"]),
        "with the head": Reader(with_head, model_dir, ["logits", OUTPUT]),
    }
    times = {name: [] for name in readers}
    for reader in readers.values():
        reader.run(cases[:20])  # warm up
    for _ in range(rounds):
        for case in cases:
            for name, reader in readers.items():
                started = time.perf_counter()
                reader.run([case])
                times[name].append(time.perf_counter() - started)
    print(f"{len(cases)} messages x {rounds} rounds, one at a time")
    for name, t in times.items():
        print(f"{name:>17}: median {np.median(t) * 1e3:.2f} ms  p90 {np.quantile(t, 0.9) * 1e3:.2f} ms")
    a, b = times["with the head"], times["without the head"]
    print(f"ratio with/without: median {np.median(a) / np.median(b):.3f}  p90 {np.quantile(a, 0.9) / np.quantile(b, 0.9):.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="model", help="model directory (model.onnx is rewritten in place)")
    ap.add_argument("--train", nargs="+", default=sorted(glob.glob("model/crisis/*.jsonl")))
    ap.add_argument("--dev", default="tests/data/crisis/dev.jsonl")
    ap.add_argument("--everyday", default="../shared/data/aihub-emotion/sentences.csv",
                    help="the AI-Hub corpus (sentences.csv): everyday not-crisis talk")
    ap.add_argument("--everyday-train", type=int, default=12000, help="corpus sentences trained on as not-crisis")
    ap.add_argument("--everyday-check", type=int, default=2000, help="corpus sentences the threshold is checked on")
    ap.add_argument("--layers", default="6", help="encoder layers whose mean hidden state is read, e.g. 6 or 5,6,7")
    ap.add_argument("--c", type=float, default=0.03, help="inverse L2 strength of the logistic regression")
    ap.add_argument("--max-dev-false-alarms", type=float, default=0.02)
    ap.add_argument("--max-everyday-false-alarms", type=float, default=0.005)
    ap.add_argument("--dry-run", action="store_true", help="report, write nothing")
    ap.add_argument("--bench", action="store_true", help="time the graph with and without its head; write nothing")
    args = ap.parse_args()
    if args.bench:
        bench(args.model, load_cases(args.dev))
        return

    from sklearn.linear_model import LogisticRegression

    layers = [int(x) for x in args.layers.split(",")]
    path = os.path.join(args.model, "model.onnx")
    model = onnx.load(path)
    strip_head(model)
    add_features(model, layers)
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    probe.graph.output.append(helper.make_tensor_value_info(FEATURES, TensorProto.FLOAT, ["batch", None]))
    reader = Reader(probe, args.model, [FEATURES])

    written = [case for path in args.train for case in load_cases(path)]
    everyday = everyday_cases(args.everyday, "train", args.everyday_train, seed=1)
    check = everyday_cases(args.everyday, "test", args.everyday_check, seed=2)
    train, dev = written + everyday, load_cases(args.dev)
    print(f"training on {len(written)} written + {len(everyday)} everyday; dev {len(dev)}; everyday check {len(check)}")
    (x_train,) = reader.run(train)
    y_train = np.array([target(c) for c in train])
    # Standardise, then fold the scaling into the weights the graph carries.
    mean, std = x_train.mean(0), x_train.std(0) + 1e-6
    clf = LogisticRegression(C=args.c, max_iter=10000, class_weight="balanced")
    clf.fit((x_train - mean) / std, y_train)
    if list(clf.classes_) != list(range(len(CLASSES))):
        raise SystemExit(f"training data lacks some classes: has {clf.classes_}")
    weight = (clf.coef_ / std).T  # [hidden, classes]
    bias = clf.intercept_ - (clf.coef_ * mean / std).sum(1)

    add_head(model, weight, bias)
    head = Reader(model, args.model, [OUTPUT])
    scores = {name: crisis_probability(head.run(cases)[0]) for name, cases in
              [("train", written), ("dev", dev), ("everyday", check)]}
    dev_crisis = np.array([c["crisis"] for c in dev])
    threshold = max(pick_threshold(scores["dev"][~dev_crisis], args.max_dev_false_alarms),
                    pick_threshold(scores["everyday"], args.max_everyday_false_alarms))
    figures = {
        "train": report("train (fitted on, written part)", written, scores["train"], threshold),
        "dev": report("dev (threshold picked on)", dev, scores["dev"], threshold),
        "everyday": report("everyday corpus check (threshold picked on)", check, scores["everyday"], threshold),
    }
    print(f"threshold {threshold:.4f} (layers {layers}, C {args.c})")
    if args.dry_run:
        return

    onnx.save(model, path)
    config_path = os.path.join(args.model, "config.json")
    with open(config_path, encoding="utf-8") as f:
        config = json.load(f)
    config.setdefault("maeum", {})["crisis_head"] = {
        "output": OUTPUT,
        "classes": CLASSES,
        "threshold": round(threshold, 4),
        "features": f"mean over attention_mask of encoder layer(s) {layers} hidden states",
        "classifier": f"multinomial logistic regression, C={args.c}, balanced classes, scikit-learn",
        "trained_on": [os.path.relpath(p) for p in args.train]
        + [f"{args.everyday_train} everyday sentences of the AI-Hub emotional-dialogue corpus (training dialogues)"],
        "threshold_from": f"{os.path.relpath(args.dev)}: at most {args.max_dev_false_alarms:.1%} of not-crisis flagged "
        f"by the head alone; {args.everyday_check} everyday corpus sentences (test dialogues): at most "
        f"{args.max_everyday_false_alarms:.1%}",
        "figures_head_alone": {k: {m: v[m] for m in ("n", "recall", "false_alarm_rate") if m in v}
                               for k, v in figures.items()},
    }
    with open(config_path, "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False, indent=2)
        f.write("\n")
    print(f"wrote {path} (output {OUTPUT!r}) and the crisis_head block of {config_path}")


if __name__ == "__main__":
    main()
