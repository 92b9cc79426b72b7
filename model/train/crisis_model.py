"""The crisis model: a small encoder fine-tuned to read danger in a message,
merged into the shipped model.onnx as its second output `crisis` (the learned
signal the crisis rules are combined with; docs/safety.md).

Why a model of its own: the linear head over the emotion encoder's layer-6
features it replaces could only weigh what the emotion fine-tuning kept,
and missed most crises the rules missed (docs/safety.md has both). This one starts from the
same multilingual-e5-small base (its first `--layers` layers), reads the
same tokens (the shipped tokenizer, so the bot tokenizes once), and is
trained end to end on crisis and not-crisis messages, ko + en.

Outputs four probabilities, in crisis_data.CLASSES order:

    none, concern (someone else is in danger), risk, imminent

Training data: our own writing (`--train`, every model/crisis/*.jsonl), and
everyday talk from the AI-Hub corpus's training dialogues (`--everyday`,
beside the repository, never copied into it). Messages we wrote without an
earlier message are also shown once after two random everyday sentences of
the corpus, because the bot reads every message after the writer's earlier
ones; and a message we wrote as the second half of a crisis told over two
messages is also shown without its first half, as not a crisis (alone it
is not one: the model must read it from the conversation). People also
write at length, so long messages can be shown too (`--long-share`): a share
of our messages inside one to three sentences of ordinary talk, label
unchanged, and long ordinary messages (corpus dialogues written as one
message, ordinary messages of ours joined) as not a crisis, all read whole
(`--long-max-tokens`, the bot's limit); off by default, as the model
trained with them was not shipped (docs/safety-history.md). The threshold is
the lowest P(crisis) = 1 - P(none) at which the model alone flags at most
`--max-dev-false-alarms` of the development parts' (tests/data/crisis/dev*.jsonl) not-crisis
messages and at most `--max-everyday-false-alarms` of everyday sentences of
the corpus's test dialogues; the held-out parts are never read here.

    python model/train/crisis_model.py --model model [--layers 8] [--epochs 4]

rewrites model/model.onnx (the old crisis head or model replaced) and the
`maeum.crisis_head` block of model/config.json; `--dry-run` reports and
writes nothing.

    python model/train/crisis_model.py --model model --bench

times the shipped graph with and without the crisis model, side by side
(what it adds per message), and writes nothing.

Needs torch (requirements.txt) beside what crisis_data.py needs, and the
trimmed base of run.sh step 2 (`--base`, default .train/trim).
"""

from __future__ import annotations

import argparse
import glob
import json
import math
import os
import random
import sys
import tempfile
import time

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import TensorProto, helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import crisis_data as ch  # noqa: E402
from modeling import Encoder, load_packed_base, mean_pool  # noqa: E402
from quantise import quantise  # noqa: E402

PREFIX = "/crisis_model/"
OLD_HEAD_PREFIX = "/crisis_head/"
INPUTS = ("input_ids", "attention_mask")


class CrisisClassifier(torch.nn.Module):
    """The base's first layers → mean pooling → linear → softmax."""

    def __init__(self, base: str, layers: int):
        super().__init__()
        config, weights = load_packed_base(os.path.join(base, "base.npz"))
        config.layers = layers
        config.dropout = 0.1
        self.bert = Encoder(config)
        missing, _ = self.bert.load_state_dict(
            {k: v for k, v in weights.items() if not k.startswith("encoder.layer.") or int(k.split(".")[2]) < layers},
            strict=False)
        if missing:
            raise SystemExit(f"the base lacks {missing[:3]}")
        self.dropout = torch.nn.Dropout(0.1)
        self.classifier = torch.nn.Linear(config.hidden, len(ch.CLASSES))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        h = self.bert(input_ids, attention_mask)
        return self.classifier(self.dropout(mean_pool(h, attention_mask)))


class Exported(torch.nn.Module):
    def __init__(self, model: CrisisClassifier):
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.model(input_ids, attention_mask).softmax(-1)


def with_everyday_context(cases: list[dict], everyday: list[dict], seed: int) -> list[dict]:
    """Each case written without an earlier message, again after two random
    everyday sentences (as the bot reads a message: after the writer's own)."""
    rng = random.Random(seed)
    out = []
    for case in cases:
        if not case.get("context"):
            out.append(dict(case, context=[rng.choice(everyday)["text"], rng.choice(everyday)["text"]]))
    return out


def ordinary_passages(written: list[dict], everyday: list[dict]) -> dict[str, list[str]]:
    """Ordinary talk per language to write long messages from: the written
    not-crisis messages without earlier ones, and (Korean) everyday corpus
    sentences."""
    out: dict[str, list[str]] = {}
    for case in written:
        if not case["crisis"] and not case.get("context") and case["category"] not in ("negation", "two_message_benign"):
            out.setdefault(case.get("lang", "ko"), []).append(case["text"])
    out.setdefault("ko", []).extend(case["text"] for case in everyday)
    return out


def within_ordinary_talk(cases: list[dict], passages: dict[str, list[str]], share: float, seed: int) -> list[dict]:
    """A `share` of the cases written without an earlier message, again inside
    one to three sentences of ordinary talk of their language (mostly before
    the message, as someone tells their day first), label unchanged: the bot
    reads a long message whole, and danger said after a long preamble is still
    danger, a long ordinary day still none."""
    rng = random.Random(seed)
    out = []
    for case in cases:
        pool = passages.get(case.get("lang", "ko"))
        if case.get("context") or not pool or rng.random() >= share:
            continue
        talk = " ".join(rng.choice(pool) for _ in range(rng.randint(1, 3)))
        text = f"{talk} {case['text']}" if rng.random() < 0.75 else f"{case['text']} {talk}"
        out.append(dict(case, text=text, category=case["category"] + "_in_long_talk"))
    return out


def joined_ordinary_talk(passages: dict[str, list[str]], per_language: int, seed: int) -> list[dict]:
    """Long not-crisis messages made of three to five ordinary messages of one
    language."""
    rng = random.Random(seed)
    return [{"text": " ".join(rng.choice(pool) for _ in range(rng.randint(3, 5))), "lang": lang, "context": [],
             "crisis": False, "severity": "none", "category": "ordinary_long"}
            for lang, pool in sorted(passages.items()) for _ in range(per_language)]


def without_first_half(cases: list[dict]) -> list[dict]:
    """The second halves of crises told over two messages, alone, as not a
    crisis."""
    return [dict(case, context=[], crisis=False, severity="none", category="two_message_alone")
            for case in cases if case["crisis"] and case["category"] == "two_message" and case.get("context")]


def bench(model_dir: str, cases: list[dict], rounds: int = 5) -> None:
    """Per-message latency of the graph with the crisis model (both outputs
    fetched, as the bot does) and without it, interleaved."""
    with_model = onnx.load(os.path.join(model_dir, "model.onnx"))
    if ch.OUTPUT not in {o.name for o in with_model.graph.output}:
        raise SystemExit("model.onnx has no crisis output to time")
    without = onnx.ModelProto()
    without.CopyFrom(with_model)
    strip(without)
    readers = {
        "without it": ch.Reader(without, model_dir, ["logits"]),
        "with it": ch.Reader(with_model, model_dir, ["logits", ch.OUTPUT]),
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
        print(f"{name:>10}: median {np.median(t) * 1e3:.2f} ms  p90 {np.quantile(t, 0.9) * 1e3:.2f} ms")
    a, b = times["with it"], times["without it"]
    print(f"added: median {(np.median(a) - np.median(b)) * 1e3:.2f} ms; "
          f"ratio with/without: median {np.median(a) / np.median(b):.3f}  p90 {np.quantile(a, 0.9) / np.quantile(b, 0.9):.3f}")


def batches(ids: list[list[int]], labels: list[int], size: int, rng: random.Random):
    """Shuffled batches of similar lengths (little padding)."""
    order = list(range(len(ids)))
    rng.shuffle(order)
    chunks = [order[i:i + size * 50] for i in range(0, len(order), size * 50)]
    out = []
    for chunk in chunks:
        chunk.sort(key=lambda i: len(ids[i]))
        out += [chunk[i:i + size] for i in range(0, len(chunk), size)]
    rng.shuffle(out)
    for b in out:
        x, m = common.pad_batch([ids[i] for i in b], pad_id=1)
        yield torch.from_numpy(x), torch.from_numpy(m), torch.tensor([labels[i] for i in b])


def train(model: CrisisClassifier, cases: list[dict], tok, args, device: str) -> None:
    # Long messages are read whole, as the bot reads them (emotion.max_tokens);
    # the others keep the shorter cut that costs less on this CPU.
    ids = [[] for _ in cases]
    for limit in {c.get("max_tokens", args.max_tokens) for c in cases}:
        picked = [i for i, c in enumerate(cases) if c.get("max_tokens", args.max_tokens) == limit]
        for i, encoded in zip(picked, common.encode(tok, [ch.case_example(cases[i]) for i in picked], max_tokens=limit)):
            ids[i] = encoded
    labels = [ch.target(c) for c in cases]
    counts = np.bincount(labels, minlength=len(ch.CLASSES)).astype(np.float64)
    # Square-root class balancing: the rare classes (concern, imminent) count
    # more without drowning the many everyday sentences.
    class_weight = torch.tensor((counts.sum() / np.maximum(counts, 1)) ** 0.5, dtype=torch.float32)
    class_weight = (class_weight / class_weight.mean()).to(device)
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)  # unseen words keep their base meaning
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    steps = args.epochs * math.ceil(len(ids) / args.batch)
    warmup = max(1, int(0.06 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / (steps - warmup))))
    rng = random.Random(args.seed)
    model.train()
    step, started = 0, time.time()
    for epoch in range(args.epochs):
        total = 0.0
        for x, m, y in batches(ids, labels, args.batch, rng):
            x, m, y = x.to(device), m.to(device), y.to(device)
            loss = F.cross_entropy(model(x, m), y, weight=class_weight, label_smoothing=0.05)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            total += loss.item()
            step += 1
            if step % 50 == 0:
                print(f"epoch {epoch + 1} step {step}/{steps} loss {total / 50:.4f} ({time.time() - started:.0f} s)", flush=True)
                total = 0.0
    model.eval()


def export(model: CrisisClassifier, work: str) -> onnx.ModelProto:
    """The model as an int8 ONNX graph (probabilities out), as export.py does it."""
    model.bert.fused = False
    fp32, int8 = os.path.join(work, "crisis_fp32.onnx"), os.path.join(work, "crisis_int8.onnx")
    ids = torch.tensor([[0, 5, 6, 7, 2, 2, 8, 2], [0, 9, 10, 2, 1, 1, 1, 1]])
    torch.onnx.export(Exported(model), (ids, (ids != 1).long()), fp32, input_names=list(INPUTS), output_names=["probabilities"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
                                    "probabilities": {0: "batch"}},
                      opset_version=17, do_constant_folding=True, dynamo=False)
    quantise(fp32, int8)
    return onnx.load(int8)


def merge(emotion: onnx.ModelProto, crisis: onnx.ModelProto) -> None:
    """Adds the crisis graph to the emotion graph: same inputs, its own names
    (PREFIX), its probabilities as the output `crisis`. An earlier crisis head
    or model is removed first."""
    strip(emotion)
    g = crisis.graph
    (final,) = [o.name for o in g.output]
    names = {n: n for n in INPUTS}

    def renamed(name: str) -> str:
        if not name:
            return name
        if name == final:
            return ch.OUTPUT
        return names.setdefault(name, PREFIX + name)

    for init in g.initializer:
        init.name = renamed(init.name)
        emotion.graph.initializer.append(init)
    for node in g.node:
        node.input[:] = [renamed(i) for i in node.input]
        node.output[:] = [renamed(o) for o in node.output]
        node.name = PREFIX + (node.name or node.output[0])
        emotion.graph.node.append(node)
    emotion.graph.output.append(helper.make_tensor_value_info(ch.OUTPUT, TensorProto.FLOAT, ["batch", len(ch.CLASSES)]))
    domains = {o.domain for o in emotion.opset_import}  # both exported at opset 17
    emotion.opset_import.extend(o for o in crisis.opset_import if o.domain not in domains)


def strip(model: onnx.ModelProto) -> None:
    """Removes the crisis model (or the linear head that came before it), so
    the script can be run again."""
    prefixes = (PREFIX, OLD_HEAD_PREFIX)
    keep = [n for n in model.graph.node if not n.name.startswith(prefixes)]
    del model.graph.node[:]
    model.graph.node.extend(keep)
    inits = [i for i in model.graph.initializer if not i.name.startswith(prefixes)]
    del model.graph.initializer[:]
    model.graph.initializer.extend(inits)
    outputs = [o for o in model.graph.output if o.name != ch.OUTPUT]
    del model.graph.output[:]
    model.graph.output.extend(outputs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="model", help="model directory (model.onnx is rewritten in place)")
    ap.add_argument("--base", default=".train/trim", help="run.sh step 2's output (base.npz of the same tokenizer)")
    # train9_independent.jsonl is kept out: it is the third development part,
    # on which a retrained model is judged before it ships (docs/safety.md).
    crisis_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crisis")
    ap.add_argument("--train", nargs="+", default=sorted(
        os.path.relpath(p) for p in glob.glob(os.path.join(crisis_dir, "*.jsonl"))
        if not p.endswith("train9_independent.jsonl")))
    ap.add_argument("--dev", nargs="+", default=["tests/data/crisis/dev.jsonl", "tests/data/crisis/dev2.jsonl"],
                    help="the development parts (the threshold is picked on them; the held-out parts are never read)")
    ap.add_argument("--everyday", default="../shared/data/aihub-emotion/sentences.csv")
    ap.add_argument("--everyday-train", type=int, default=4000)
    ap.add_argument("--everyday-check", type=int, default=2000)
    ap.add_argument("--layers", type=int, default=8, help="encoder layers of the base kept")
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1.5e-4)
    ap.add_argument("--max-tokens", type=int, default=64, help="training inputs are cut to this many tokens")
    ap.add_argument("--long-max-tokens", type=int, default=common.MAX_LENGTH,
                    help="the long messages below are cut to this many tokens (the bot's emotion.max_tokens)")
    # Off by default: the sixteenth session's model trained with them (0.3,
    # 500, 1,500) read long everyday messages far better but missed more
    # crises, short and long, and was not shipped (docs/safety-history.md).
    ap.add_argument("--long-share", type=float, default=0.0,
                    help="share of the written messages without earlier ones also shown inside ordinary talk (0: none of the long messages below)")
    ap.add_argument("--long-joined", type=int, default=500, help="long not-crisis messages joined from ordinary messages, per language")
    ap.add_argument("--long-everyday", type=int, default=1500, help="long everyday messages: corpus dialogues written as one message")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="auto", choices=["auto", "cuda", "cpu"])
    ap.add_argument("--max-dev-false-alarms", type=float, default=0.02)
    ap.add_argument("--max-everyday-false-alarms", type=float, default=0.005)
    ap.add_argument("--save", help="also keep the merged model here (with --dry-run: for a look before shipping)")
    ap.add_argument("--dry-run", action="store_true", help="report, write nothing into --model")
    ap.add_argument("--bench", action="store_true", help="time the graph with and without the crisis model; write nothing")
    args = ap.parse_args()
    if args.bench:
        bench(args.model, [case for path in args.dev for case in ch.load_cases(path)])
        return
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)

    tok = common.load_tokenizer(os.path.join(args.model, "tokenizer.json"))
    with open(os.path.join(args.base, "tokenizer.json"), encoding="utf-8") as f, \
            open(os.path.join(args.model, "tokenizer.json"), encoding="utf-8") as g:
        if json.load(f)["model"]["vocab"] != json.load(g)["model"]["vocab"]:
            raise SystemExit(f"{args.base} was trimmed for another tokenizer than {args.model}'s")

    written = [case for path in args.train for case in ch.load_cases(path)]
    everyday = ch.everyday_cases(args.everyday, "train", args.everyday_train, seed=1)
    check = ch.everyday_cases(args.everyday, "test", args.everyday_check, seed=2)
    cases = written + with_everyday_context(written, everyday, args.seed) + without_first_half(written) + everyday
    long = []
    if args.long_share > 0:
        passages = ordinary_passages(written, everyday)
        long = (within_ordinary_talk(written, passages, args.long_share, args.seed)
                + joined_ordinary_talk(passages, args.long_joined, args.seed)
                + ch.everyday_paragraphs(args.everyday, "train", args.long_everyday, seed=3))
        cases += [dict(case, max_tokens=args.long_max_tokens) for case in long]
    dev = [case for path in args.dev for case in ch.load_cases(path)]
    print(f"training on {len(written)} written (+ the same after everyday context, + second halves alone) + {len(everyday)} everyday "
          f"+ {len(long)} long = {len(cases)}; dev {len(dev)}; everyday check {len(check)}", flush=True)

    device = "cuda" if args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available()) else "cpu"
    model = CrisisClassifier(args.base, args.layers).to(device)
    train(model, cases, tok, args, device)
    model.cpu()

    emotion = onnx.load(os.path.join(args.model, "model.onnx"))
    with tempfile.TemporaryDirectory() as work:
        merge(emotion, export(model, work))
    reader = ch.Reader(emotion, args.model, [ch.OUTPUT])
    scores = {name: ch.crisis_probability(reader.run(c)[0]) for name, c in
              [("train", written), ("dev", dev), ("everyday", check)]}
    dev_crisis = np.array([c["crisis"] for c in dev])
    threshold = max(ch.pick_threshold(scores["dev"][~dev_crisis], args.max_dev_false_alarms),
                    ch.pick_threshold(scores["everyday"], args.max_everyday_false_alarms))
    figures = {
        "train": ch.report("train (fitted on, written part)", written, scores["train"], threshold),
        "dev": ch.report("dev (threshold picked on)", dev, scores["dev"], threshold),
        "everyday": ch.report("everyday corpus check (threshold picked on)", check, scores["everyday"], threshold),
    }
    print(f"threshold {threshold:.4f} (layers {args.layers}, epochs {args.epochs}, lr {args.lr})")
    if args.save:
        os.makedirs(args.save, exist_ok=True)
        onnx.save(emotion, os.path.join(args.save, "model.onnx"))
        with open(os.path.join(args.save, "threshold.json"), "w") as f:
            json.dump({"threshold": threshold, "figures": figures}, f)
    if args.dry_run:
        return

    path = os.path.join(args.model, "model.onnx")
    onnx.save(emotion, path)
    config_path = os.path.join(args.model, "config.json")
    with open(config_path, encoding="utf-8") as f:
        config = json.load(f)
    config.setdefault("maeum", {})["crisis_head"] = {
        "output": ch.OUTPUT,
        "classes": ch.CLASSES,
        "threshold": round(threshold, 4),
        "model": f"multilingual-e5-small's first {args.layers} layers (same tokenizer), mean pooling, linear; "
                 f"fine-tuned {args.epochs} epochs, lr {args.lr}, word embeddings frozen; int8 (weights per channel, "
                 f"activations per token row: quantise.py)",
        "trained_on": [os.path.relpath(p) for p in args.train]
        + [f"{args.everyday_train} everyday sentences of the AI-Hub emotional-dialogue corpus (training dialogues)"]
        + ([f"long messages, read to {args.long_max_tokens} tokens: {args.long_share:.0%} of the written messages without "
            f"earlier ones inside ordinary talk, {args.long_joined} ordinary written messages joined per language, "
            f"{args.long_everyday} corpus training dialogues each written as one message"] if long else []),
        "threshold_from": f"{' + '.join(os.path.relpath(p) for p in args.dev)}: at most {args.max_dev_false_alarms:.1%} of not-crisis flagged "
        f"by the model alone; {args.everyday_check} everyday corpus sentences (test dialogues): at most "
        f"{args.max_everyday_false_alarms:.1%}",
        "figures_model_alone": {k: {m: v[m] for m in ("n", "recall", "false_alarm_rate") if m in v}
                                for k, v in figures.items()},
    }
    common.write_json(config_path, config)
    print(f"wrote {path} (output {ch.OUTPUT!r}) and the crisis_head block of {config_path}")


if __name__ == "__main__":
    main()
