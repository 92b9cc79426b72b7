"""Serving cost of an exported model directory on this CPU with ONNX Runtime:
session load time, and the median / p90 latency of one message (batch 1, tokenizer
included) for single sentences and for context pairs from the held-out dialogues.
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--split", required=True)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--n", type=int, default=200, help="messages per mode")
    args = ap.parse_args()

    import onnxruntime as ort

    dialogues = common.load_corpus(args.data)
    split = common.load_or_make_split(args.split, dialogues)
    by_id = {d.dialogue_id: d for d in dialogues}
    held = [by_id[i] for i in split["test"]]
    files = ("model.onnx", "tokenizer.json", "config.json")
    size = sum(os.path.getsize(os.path.join(args.model, f)) for f in files)
    print(f"model files {size / 1e6:.1f} MB ({size / 2**20:.1f} MiB): {', '.join(files)}")
    for threads in args.threads:
        t = time.perf_counter()
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        sess = ort.InferenceSession(os.path.join(args.model, "model.onnx"), so, providers=["CPUExecutionProvider"])
        tok = common.load_tokenizer(os.path.join(args.model, "tokenizer.json"))
        load = time.perf_counter() - t
        for mode, ctx in (("single", False), ("context", True)):
            exs = [e for e in common.examples(held, ctx) if not ctx or e.b is not None][: args.n]
            times, lens = [], []
            for i, e in enumerate(exs):
                t = time.perf_counter()
                ids = common.encode(tok, [e])
                a, m = common.pad_batch(ids, 1)
                sess.run(["logits"], {"input_ids": a, "attention_mask": m})
                if i >= 5:  # warm-up
                    times.append((time.perf_counter() - t) * 1000)
                    lens.append(len(ids[0]))
            print(f"threads={threads} load={load:.2f}s {mode}: median {statistics.median(times):.2f} ms, "
                  f"p90 {np.percentile(times, 90):.2f} ms over {len(times)} messages of {np.mean(lens):.1f} tokens on average")


if __name__ == "__main__":
    main()
