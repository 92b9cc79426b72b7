"""Choose among finished training runs by their VALIDATION figures (never the test
set): the run with the best mean of validation top-1 in single and context mode at
its last evaluation. Prints a table of all runs (validation and test) and writes a
summary JSON; optionally copies the chosen weights, split into parts.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("runs", nargs="+", help="train.py --out directories")
    ap.add_argument("--summary", required=True)
    ap.add_argument("--copy-to", help="copy the chosen model_fp16.pt here")
    ap.add_argument("--part-mib", type=int, default=0, help="split the copy into parts of this many MiB")
    args = ap.parse_args()

    runs = []
    for d in args.runs:
        p = os.path.join(d, "metrics.json")
        if not (os.path.exists(p) and os.path.exists(os.path.join(d, "model_fp16.pt"))):
            print(f"{d}: unfinished, skipped")
            continue
        with open(p) as f:
            m = json.load(f)
        if not m["history"]:
            continue
        last = m["history"][-1]
        score = (last["val/single"]["top1"] + last["val/context"]["top1"]) / 2
        runs.append({"dir": d, "score": score, "metrics": m})
        for h in m["history"]:
            print(f"{d} epoch {h['epoch']:.2f}: val single {h['val/single']['top1']:.4f} context {h['val/context']['top1']:.4f}"
                  f" | test single {h['test/single']['top1']:.4f} context {h['test/context']['top1']:.4f}"
                  f" group6 {h['test/single']['group6']:.4f}")
    if not runs:
        raise SystemExit("no finished run")
    best = max(runs, key=lambda r: r["score"])
    print(f"chosen by validation: {best['dir']} (val mean top-1 {best['score']:.4f})")
    with open(args.summary, "w") as f:
        json.dump({"chosen": best["dir"], "runs": runs}, f, indent=1)
    if args.copy_to:
        src = os.path.join(best["dir"], "model_fp16.pt")
        if args.part_mib:
            data = open(src, "rb").read()
            n = args.part_mib * 2**20
            for i in range(0, len(data), n):
                with open(f"{args.copy_to}.part{i // n}", "wb") as f:
                    f.write(data[i : i + n])
            print(f"wrote {args.copy_to}.part0..{(len(data) - 1) // n} ({len(data)} bytes)")
        else:
            shutil.copyfile(src, args.copy_to)


if __name__ == "__main__":
    main()
