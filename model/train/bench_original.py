"""The original's way of serving against Maeum's, side by side in one run.

The student project behind Maeum served its classifier with a Python
`transformers` text-classification pipeline in fp32, one sentence per call.
This script times, interleaved round by round on the same messages, one
message at a time, one CPU thread each:

  pipeline      `transformers.pipeline("text-classification")` over a
                BertForSequenceClassification of the shipped emotion encoder's
                size (12 layers, hidden 384, 15,747-piece vocabulary, 60
                labels), fp32, with the shipped tokenizer
  onnx-emotion  ONNX Runtime on the shipped graph without its crisis model
                (what the emotion reading alone costs)
  onnx-shipped  ONNX Runtime on model/model.onnx as the bot runs it (emotion
                and crisis models in one call)

The pipeline's weights are random: its cost does not depend on their values,
and the fine-tuned fp32 weights of the shipped model are not kept (the GPU
session exported them straight to ONNX). Load times are reported beside the
per-message median and p90, and every latency as a ratio to the pipeline's.

    .venv/bin/python model/train/bench_original.py [--model model] [--rounds 15]

Needs torch and transformers (requirements.txt).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

# Everyday messages, short and long: the ones `cargo bench --bench classify` reads.
MESSAGES_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "benches", "everyday_messages.txt")


def without_crisis(path: str) -> bytes:
    """The shipped graph with the crisis model removed (crisis_model.strip)."""
    import onnx
    from crisis_model import strip

    model = onnx.load(path)
    strip(model)
    return model.SerializeToString()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="model", help="the shipped model directory")
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args()

    import onnxruntime as ort
    import torch
    from transformers import BertConfig, BertForSequenceClassification, PreTrainedTokenizerFast, pipeline

    torch.set_num_threads(1)
    torch.manual_seed(0)
    tok_path = os.path.join(args.model, "tokenizer.json")
    tok = common.load_tokenizer(tok_path)

    loads: dict[str, float] = {}
    started = time.perf_counter()
    hf_tok = PreTrainedTokenizerFast(tokenizer_file=tok_path, pad_token="<pad>", cls_token="<s>", sep_token="</s>",
                                     unk_token="<unk>")
    config = BertConfig(vocab_size=hf_tok.vocab_size, hidden_size=384, num_hidden_layers=12, num_attention_heads=12,
                        intermediate_size=1536, max_position_embeddings=514, pad_token_id=1, num_labels=len(common.CODES))
    classifier = pipeline("text-classification", model=BertForSequenceClassification(config).eval(), tokenizer=hf_tok,
                          device=-1)
    loads["pipeline"] = time.perf_counter() - started

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    sessions = {}
    for name, source in [("onnx-emotion", without_crisis(os.path.join(args.model, "model.onnx"))),
                         ("onnx-shipped", os.path.join(args.model, "model.onnx"))]:
        started = time.perf_counter()
        sessions[name] = ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])
        loads[name] = time.perf_counter() - started

    def onnx_read(session, text: str) -> None:
        ids = np.array([tok.encode(text).ids], dtype=np.int64)
        session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})

    readers = {
        "pipeline": lambda text: classifier(text),
        "onnx-emotion": lambda text: onnx_read(sessions["onnx-emotion"], text),
        "onnx-shipped": lambda text: onnx_read(sessions["onnx-shipped"], text),
    }
    with open(MESSAGES_FILE, encoding="utf-8") as f:
        messages = [line.strip() for line in f if line.strip()]
    times: dict[str, list[float]] = {name: [] for name in readers}
    for read in readers.values():
        for text in messages[:3]:  # warm up
            read(text)
    for _ in range(args.rounds):
        for name, read in readers.items():
            for text in messages:
                started = time.perf_counter()
                read(text)
                times[name].append(time.perf_counter() - started)

    base = statistics.median(times["pipeline"])
    print(f"{len(messages)} messages x {args.rounds} rounds, one at a time, one thread, rounds interleaved")
    print(f"{'reader':<14} {'load s':>7} {'median ms':>10} {'p90 ms':>8} {'vs pipeline':>12}")
    for name, t in times.items():
        median = statistics.median(t)
        print(f"{name:<14} {loads[name]:>7.2f} {median * 1e3:>10.2f} {np.quantile(t, 0.9) * 1e3:>8.2f} "
              f"{median / base:>11.2f}x")


if __name__ == "__main__":
    main()
