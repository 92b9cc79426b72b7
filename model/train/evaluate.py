"""Evaluate an exported model directory (model.onnx + tokenizer.json) with ONNX Runtime
on the held-out dialogues of the split file, in both input modes:

  single   each human sentence alone
  context  each sentence with the same speaker's earlier sentences (the serving pair)

Figures: n, top-1 and top-3 over the 60 codes, fine58 (the two fine names that occur
under two groups merged), group6 (the group of the top code; group6_summed: the group
with the largest summed probability), macro-F1 over codes, top-1 by turn.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def run_onnx(sess, seqs: list[list[int]], pad_id: int, batch: int) -> np.ndarray:
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
    out = np.zeros((len(seqs), len(common.CODES)), dtype=np.float32)
    for s in range(0, len(order), batch):
        idx = order[s : s + batch]
        ids, mask = common.pad_batch([seqs[i] for i in idx], pad_id)
        out[idx] = sess.run(["logits"], {"input_ids": ids, "attention_mask": mask})[0]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="directory with model.onnx, tokenizer.json, config.json")
    ap.add_argument("--onnx", default="model.onnx", help="file name inside --model (e.g. model_fp32.onnx)")
    ap.add_argument("--data", required=True)
    ap.add_argument("--split", required=True, help="the split file train.py wrote")
    ap.add_argument("--set", default="test", choices=["test", "val"])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args()

    import onnxruntime as ort

    with open(os.path.join(args.model, "config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    assert [cfg["id2label"][str(i)] for i in range(len(common.CODES))] == common.CODES
    so = ort.SessionOptions()
    so.intra_op_num_threads = args.threads
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(os.path.join(args.model, args.onnx), so, providers=["CPUExecutionProvider"])
    tok = common.load_tokenizer(os.path.join(args.model, "tokenizer.json"))

    dialogues = common.load_corpus(args.data)
    split = common.load_or_make_split(args.split, dialogues)
    by_id = {d.dialogue_id: d for d in dialogues}
    held = [by_id[i] for i in split[args.set]]
    results = {"model": os.path.join(args.model, args.onnx), "set": args.set, "dialogues": len(held)}
    print(f"{args.set}: {len(held)} dialogues (dialogue-disjoint from training), {args.onnx}")
    for mode, ctx in (("single", False), ("context", True)):
        exs = common.examples(held, ctx)
        t = time.time()
        logits = run_onnx(sess, common.encode(tok, exs), cfg["pad_token_id"], args.batch)
        m = common.metrics(logits, [e.label for e in exs], [e.turn for e in exs])
        results[mode] = m
        print(common.format_metrics(mode, m) + f"  [{time.time() - t:.0f}s]", flush=True)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()
