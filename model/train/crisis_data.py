"""What the crisis model (crisis_model.py) is trained and checked on, and
how it is read: the classes, the evaluation-set format, everyday corpus
sentences as not-crisis talk, the input pair the bot builds, one-at-a-time
reading under ONNX Runtime, threshold picking and the per-category report.

Needs numpy, onnx, onnxruntime, tokenizers (requirements.txt).
"""

from __future__ import annotations

import json
import os
import random
import re
import sys

import numpy as np
import onnx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

CLASSES = ["none", "concern", "risk", "imminent"]
OUTPUT = "crisis"


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


GREETINGS = {"안녕", "안녕안녕", "안녕하세요", "안녕하십니까", "안뇽", "하이", "ㅎㅇ", "hi", "hii", "hello",
             "hey", "heyy", "hiya", "yo"}


def is_bare_greeting(text: str) -> bool:
    """A message that is only a greeting word; left out of the context as the
    Rust side does (emotion::Utterance::model_input)."""
    return "".join(c for c in text.lower() if c.isalnum()) in GREETINGS


def case_example(case: dict) -> common.Example:
    """The pair the Rust side reads a message as: the message, then the
    writer's earlier messages newest first (emotion::Utterance::model_input)."""
    earlier = [c.strip() for c in reversed(case.get("context", [])) if c.strip() and not is_bare_greeting(c)]
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


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description="Writes everyday corpus sentences as crisis cases (crisis: false), "
                                 "for `maeum safety-eval --readings` and crisis_thresholds.py.")
    ap.add_argument("--everyday-cases", required=True, metavar="OUT", help="JSON Lines to write (outside the repository)")
    ap.add_argument("--corpus", default="../shared/data/aihub-emotion/sentences.csv")
    ap.add_argument("--part", default="test", choices=["train", "test"])
    ap.add_argument("--limit", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=2, help="2: the sentences crisis_model.py checks on")
    args = ap.parse_args()
    with open(args.everyday_cases, "w", encoding="utf-8") as f:
        for i, case in enumerate(everyday_cases(args.corpus, args.part, args.limit, args.seed)):
            f.write(json.dumps({"id": f"everyday-{i:04d}", "lang": "ko", **case}, ensure_ascii=False) + "\n")
    print(f"wrote {args.limit} everyday cases to {args.everyday_cases}")


if __name__ == "__main__":
    main()
