"""Copies of crisis evaluation parts with each message written another way, to
measure whether the detector reads the same words the same (docs/safety.md,
"Written another way"):

- caps: an English message in capitals;
- elong: about four words in ten with their last letter repeated 3-5 times;
- sep: two words of a message spelled out with dots (s.u.i.c.i.d.e, 죽.고.싶.다);
- zw: zero-width spaces after about three letters in ten;
- full: an English message in full-width letters.

For each kind it writes KIND.jsonl (the changed messages) and KIND.orig.jsonl
(the same messages as written) into OUT, outside the repository:

    python scripts/written_another_way.py --out /tmp/another-way
    maeum safety-eval --data /tmp/another-way/caps.orig.jsonl --json
    maeum safety-eval --data /tmp/another-way/caps.jsonl --json

Deterministic (seed 15); the parts default to the development parts.
"""

import argparse
import json
import os
import random

PARTS = [f"tests/data/crisis/{p}.jsonl" for p in ("dev", "dev2", "dev3", "dev4", "dev5", "dev6", "dev7")]
ZERO_WIDTH = "\u200b"
FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"}


def caps(case, rng):
    return case["text"].upper() if case["lang"] == "en" else None


def elong(case, rng):
    words = []
    for w in case["text"].split():
        if rng.random() < 0.4 and w[-1].isalpha():
            w = w + w[-1] * rng.randint(2, 4)
        words.append(w)
    return " ".join(words)


def sep(case, rng):
    words = case["text"].split()
    spellable = [i for i, w in enumerate(words) if len(w) >= 2 and w.isalpha()]
    if not spellable:
        return None
    for i in rng.sample(spellable, min(2, len(spellable))):
        words[i] = ".".join(words[i])
    return " ".join(words)


def zw(case, rng):
    return "".join(c + (ZERO_WIDTH if c.isalpha() and rng.random() < 0.3 else "") for c in case["text"])


def full(case, rng):
    return "".join(FULL_WIDTH.get(c, c) for c in case["text"]) if case["lang"] == "en" else None


KINDS = {"caps": caps, "elong": elong, "sep": sep, "zw": zw, "full": full}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="a folder outside the repository")
    ap.add_argument("--parts", nargs="+", default=PARTS)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(15)
    for kind, change in KINDS.items():
        with open(os.path.join(args.out, f"{kind}.jsonl"), "w", encoding="utf-8") as changed, \
                open(os.path.join(args.out, f"{kind}.orig.jsonl"), "w", encoding="utf-8") as orig:
            for path in args.parts:
                for line in open(path, encoding="utf-8"):
                    if not line.strip():
                        continue
                    case = json.loads(line)
                    text = change(case, rng)
                    if text is None or text == case["text"]:
                        continue
                    orig.write(json.dumps(case, ensure_ascii=False) + "\n")
                    changed.write(json.dumps({**case, "text": text}, ensure_ascii=False) + "\n")
        print(f"wrote {args.out}/{kind}.jsonl")


if __name__ == "__main__":
    main()
