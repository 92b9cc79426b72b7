"""Fine-tune the trimmed multilingual-e5-small into a 60-way emotion classifier.

Training data: every human sentence of the training dialogues once alone and once
with its context (the text-pair convention in common.model_input), label = the
dialogue's code. The split is dialogue-disjoint (common.make_split), written once to
--split and reused by evaluation.

Writes to --out: checkpoint.pt (every --save-every steps and at the end; --resume
continues from it), model_fp16.pt (the final weights, encoder + head, float16),
metrics.json (validation/test figures after each epoch, from torch).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from modeling import EmotionClassifier, load_packed_base  # noqa: E402


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="corpus: sentences.csv or dialogues.xlsx")
    ap.add_argument("--base", required=True, help="dir with base.npz and tokenizer.json from convert_base.py")
    ap.add_argument("--split", required=True, help="split file (made if missing)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--device", default="auto", help="auto (CUDA if available), cuda or cpu")
    ap.add_argument("--threads", type=int, default=2, help="torch threads on CPU")
    ap.add_argument("--epochs", type=float, default=5)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=6e-5, help="encoder learning rate")
    ap.add_argument("--head-lr", type=float, default=1e-3)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--warmup", type=float, default=0.06, help="fraction of steps")
    ap.add_argument("--label-smoothing", type=float, default=0.1)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--replies", help="counsellor replies: dialogues.xlsx or a CSV (dialogue_id, turn, reply)")
    ap.add_argument("--aug-replies", type=int, default=0, help="add each training dialogue's first N replies as inputs")
    ap.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (smoke runs)")
    ap.add_argument("--limit", type=int, default=0, help="use only this many training dialogues (smoke runs)")
    ap.add_argument("--eval-limit", type=int, default=0, help="evaluate on only this many dialogues (smoke runs)")
    ap.add_argument("--save-every", type=int, default=500)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--no-bf16", action="store_true", help="no bf16 autocast on CUDA")
    ap.add_argument("--time-budget", type=float, default=0, help="seconds; end training early (with a save) past this")
    return ap.parse_args(argv)


def pick_device(name: str, threads: int) -> torch.device:
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cpu":
        torch.set_num_threads(threads)
    return torch.device(name)


def param_groups(model: EmotionClassifier, lr: float, head_lr: float, wd: float):
    head, decay, no_decay = [], [], []
    for n, p in model.named_parameters():
        if n.startswith("classifier."):
            head.append(p)
        elif n.endswith(".bias") or "LayerNorm" in n or "embeddings" in n:
            # No decay on embeddings: rows the training data never uses then stay exactly
            # the pretrained ones (AdamW leaves a parameter with zero gradient history alone).
            no_decay.append(p)
        else:
            decay.append(p)
    return [
        {"params": head, "lr": head_lr, "weight_decay": wd},
        {"params": decay, "lr": lr, "weight_decay": wd},
        {"params": no_decay, "lr": lr, "weight_decay": 0.0},
    ]


@torch.no_grad()
def predict(model, seqs: list[list[int]], pad_id: int, device, amp: bool, batch: int = 256) -> np.ndarray:
    model.eval()
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
    out = np.zeros((len(seqs), len(common.CODES)), dtype=np.float32)
    for s in range(0, len(order), batch):
        idx = order[s : s + batch]
        ids, mask = common.pad_batch([seqs[i] for i in idx], pad_id)
        ids, mask = torch.from_numpy(ids).to(device), torch.from_numpy(mask).to(device)
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=amp):
            logits = model(ids, mask)
        out[idx] = logits.float().cpu().numpy()
    model.train()
    return out


def evaluate_sets(model, tok, sets: dict, pad_id, device, amp) -> dict:
    res = {}
    for name, dialogues in sets.items():
        for mode, ctx in (("single", False), ("context", True)):
            exs = common.examples(dialogues, ctx)
            logits = predict(model, common.encode(tok, exs), pad_id, device, amp)
            m = common.metrics(logits, [e.label for e in exs], [e.turn for e in exs])
            res[f"{name}/{mode}"] = m
            print("  " + common.format_metrics(f"{name}/{mode}", m), flush=True)
    return res


def main(argv=None) -> None:
    args = parse_args(argv)
    t_start = time.time()
    device = pick_device(args.device, args.threads)
    amp = device.type == "cuda" and not args.no_bf16
    os.makedirs(args.out, exist_ok=True)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)

    dialogues = common.load_corpus(args.data)
    split = common.load_or_make_split(args.split, dialogues)
    by_id = {d.dialogue_id: d for d in dialogues}
    train_d = [by_id[i] for i in split["train"]]
    if args.limit:
        train_d = train_d[: args.limit]
    eval_sets = {k: [by_id[i] for i in split[k]] for k in ("val", "test")}
    if args.eval_limit:
        eval_sets = {k: v[: args.eval_limit] for k, v in eval_sets.items()}

    tok = common.load_tokenizer(os.path.join(args.base, "tokenizer.json"))
    replies = common.load_replies(args.replies) if args.replies and args.aug_replies else None
    exs = common.training_examples(train_d, replies, args.aug_replies)
    seqs = common.encode(tok, exs)
    labels = [e.label for e in exs]
    lens = [len(s) for s in seqs]
    print(f"device={device} amp_bf16={amp} train dialogues={len(train_d)} examples={len(exs)} "
          f"tokens/example mean={np.mean(lens):.1f} max={max(lens)}; val={len(eval_sets['val'])} test={len(eval_sets['test'])} dialogues",
          flush=True)

    cfg, sd = load_packed_base(os.path.join(args.base, "base.npz"))
    cfg.dropout = args.dropout
    model = EmotionClassifier(cfg, len(common.CODES))
    model.bert.load_state_dict(sd)
    model.bert.fused = True  # SDPA for training; export uses the plain ops (same maths)
    model.to(device).train()
    pad_id = cfg.pad_token_id

    steps_per_epoch = math.ceil(len(exs) / args.batch)
    total = math.ceil(steps_per_epoch * args.epochs)
    if args.max_steps:
        total = min(total, args.max_steps)
    warm = max(1, int(total * args.warmup))
    opt = torch.optim.AdamW(param_groups(model, args.lr, args.head_lr, args.weight_decay), betas=(0.9, 0.999), eps=1e-6,
                            **({"fused": True} if device.type == "cuda" else {}))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))

    step = 0
    ckpt_path = os.path.join(args.out, "checkpoint.pt")
    if args.resume and os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, map_location=device, weights_only=False)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        sched.load_state_dict(ck["sched"])
        step = ck["step"]
        torch.set_rng_state(ck["rng"])
        print(f"resumed at step {step}", flush=True)

    def save():
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(), "step": step,
                    "rng": torch.get_rng_state(), "args": vars(args)}, ckpt_path + ".tmp")
        os.replace(ckpt_path + ".tmp", ckpt_path)

    history = []
    t0 = t_log = time.time()
    loss_acc, loss_n = torch.zeros((), device=device), 0
    log_every = 200 if device.type == "cuda" else 10
    stopped_early = False
    while step < total:
        epoch = step // steps_per_epoch
        order = np.random.default_rng(args.seed * 1000 + epoch).permutation(len(exs))
        for b in range(step % steps_per_epoch, steps_per_epoch):
            idx = order[b * args.batch : (b + 1) * args.batch]
            ids, mask = common.pad_batch([seqs[i] for i in idx], pad_id)
            ids = torch.from_numpy(ids).to(device, non_blocking=True)
            mask = torch.from_numpy(mask).to(device, non_blocking=True)
            y = torch.tensor([labels[i] for i in idx], device=device)
            with torch.autocast("cuda", dtype=torch.bfloat16, enabled=amp):
                logits = model(ids, mask)
            loss = F.cross_entropy(logits.float(), y, label_smoothing=args.label_smoothing)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            loss_acc += loss.detach()  # no .item() per step: it would stall the GPU queue
            loss_n += 1
            if step % log_every == 0:
                rate = loss_n / max(1e-9, time.time() - t_log)
                print(f"step {step}/{total} epoch {epoch + 1} loss {loss_acc.item() / loss_n:.4f} "
                      f"lr {sched.get_last_lr()[1]:.2e} {rate:.1f} steps/s", flush=True)
                loss_acc.zero_()
                loss_n, t_log = 0, time.time()
            if args.save_every and step % args.save_every == 0:
                save()
            if step >= total:
                break
            if args.time_budget and time.time() - t_start > args.time_budget:
                print(f"time budget {args.time_budget}s reached at step {step}", flush=True)
                stopped_early = True
                break
        if stopped_early or step >= total or step % steps_per_epoch == 0:
            print(f"after step {step} (epoch {step / steps_per_epoch:.2f}), {time.time() - t0:.0f}s:", flush=True)
            history.append({"step": step, "epoch": step / steps_per_epoch,
                            **evaluate_sets(model, tok, eval_sets, pad_id, device, amp)})
        if stopped_early:
            break

    save()
    model.bert.fused = False
    fp16 = {k: v.detach().to("cpu", torch.float16) for k, v in model.state_dict().items()}
    torch.save({"state_dict": fp16, "config": vars(cfg), "num_labels": len(common.CODES), "step": step,
                "complete": step >= total}, os.path.join(args.out, "model_fp16.pt"))
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump({"args": vars(args), "steps": step, "total_steps": total, "history": history,
                   "train_seconds": time.time() - t0}, f, indent=1)
    print(f"done: {step} steps in {time.time() - t0:.0f}s; wrote {args.out}/model_fp16.pt", flush=True)


if __name__ == "__main__":
    main()
