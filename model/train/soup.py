"""Average the weights of several fine-tuned runs (a "model soup": runs that start from
the same pretrained weights and the same head initialisation can be averaged), then
evaluate the average on the validation and test dialogues like train.py does. Writes
model_fp16.pt and metrics.json to --out, so pick_run.py can weigh it with the runs."""

from __future__ import annotations

import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from modeling import BertConfig, EmotionClassifier  # noqa: E402
from train import evaluate_sets, pick_device  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("runs", nargs="+")
    ap.add_argument("--data", required=True)
    ap.add_argument("--base", required=True)
    ap.add_argument("--split", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--eval-limit", type=int, default=0)
    args = ap.parse_args()
    device = pick_device(args.device, 2)
    amp = device.type == "cuda"

    cks = [torch.load(os.path.join(r, "model_fp16.pt"), map_location="cpu", weights_only=False) for r in args.runs]
    avg = {k: sum(ck["state_dict"][k].float() for ck in cks) / len(cks) for k in cks[0]["state_dict"]}
    c = BertConfig(**cks[0]["config"])
    model = EmotionClassifier(c, cks[0]["num_labels"])
    model.load_state_dict(avg)
    model.bert.fused = True
    model.to(device)

    dialogues = common.load_corpus(args.data)
    split = common.load_or_make_split(args.split, dialogues)
    by_id = {d.dialogue_id: d for d in dialogues}
    sets = {k: [by_id[i] for i in split[k]] for k in ("val", "test")}
    if args.eval_limit:
        sets = {k: v[: args.eval_limit] for k, v in sets.items()}
    tok = common.load_tokenizer(os.path.join(args.base, "tokenizer.json"))
    print(f"soup of {', '.join(args.runs)}:", flush=True)
    res = evaluate_sets(model, tok, sets, c.pad_token_id, device, amp)

    os.makedirs(args.out, exist_ok=True)
    torch.save({**cks[0], "state_dict": {k: v.half() for k, v in avg.items()}, "soup_of": args.runs},
               os.path.join(args.out, "model_fp16.pt"))
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump({"soup_of": args.runs, "history": [{"step": 0, "epoch": 0.0, **res}]}, f, indent=1)


if __name__ == "__main__":
    main()
