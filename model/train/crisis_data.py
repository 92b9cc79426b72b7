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


def calm_dialogues(corpus: str, part: str) -> list[common.Dialogue]:
    """The corpus's `part` dialogues (train or test) that never speak of
    suicide, self-harm or a wish to die, in the corpus's order."""
    dialogues = common.load_corpus(corpus)
    ids = set(common.make_split(dialogues)[part])
    return [d for d in dialogues if d.dialogue_id in ids and not any(CRISIS_WORDS.search(s) for s in d.sentences)]


def everyday_cases(corpus: str, part: str, limit: int, seed: int) -> list[dict]:
    """Up to `limit` sentences of the corpus's `part` dialogues (train or test),
    sampled with `seed`, each with its speaker's two earlier sentences."""
    cases = []
    for d in calm_dialogues(corpus, part):
        for t, sentence in enumerate(d.sentences):
            cases.append({"text": sentence, "context": d.sentences[max(0, t - 2):t], "crisis": False,
                          "severity": "none", "category": "everyday_corpus"})
    random.Random(seed).shuffle(cases)
    return cases[:limit]


def everyday_paragraphs(corpus: str, part: str, limit: int, seed: int) -> list[dict]:
    """Up to `limit` long everyday messages: the sentences of one corpus
    dialogue of `part` written as one message, or of two dialogues (about a
    third), as someone tells their day at length. Not-crisis; the crisis
    model was trained on short messages and read a long ordinary day as
    danger (docs/safety.md, limits)."""
    calm = [d.sentences for d in calm_dialogues(corpus, part) if len(d.sentences) > 1]
    rng = random.Random(seed)
    rng.shuffle(calm)
    cases = []
    for i, sentences in enumerate(calm[:limit]):
        if rng.random() < 0.35:
            sentences = sentences + calm[(i + limit) % len(calm)]
        cases.append({"text": " ".join(sentences), "context": [], "crisis": False, "severity": "none",
                      "category": "everyday_paragraph"})
    return cases


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


def long_cases(corpus: str, dev_parts: list[str], seed: int = 16) -> tuple[list[dict], list[dict]]:
    """Two check sets of long messages (docs/safety.md, "Long messages"):
    every everyday corpus test dialogue of three sentences or more (up to
    600) written as one message; and every development message without
    earlier ones after a long ordinary preamble in the same message (Korean:
    another test dialogue's sentences; English: four of the development
    parts' own neutral or everyday-distress messages)."""
    calm = calm_dialogues(corpus, "test")
    rng = random.Random(seed)
    rng.shuffle(calm)
    whole_dialogues = [{"id": f"c3-{i:03d}", "lang": "ko", "category": "everyday_long", "crisis": False,
                        "severity": "none", "text": " ".join(d.sentences)}
                       for i, d in enumerate([d for d in calm if len(d.sentences) >= 3][:600])]
    cases = [case for path in dev_parts for case in load_cases(path)]
    english = [c["text"] for c in cases if c.get("lang") == "en" and not c["crisis"] and not c.get("context")
               and c["category"] in ("neutral", "everyday_distress")]
    korean = [" ".join(d.sentences) for d in calm[600:]]
    after_preamble = []
    for case in cases:
        if case.get("context"):
            continue
        if case.get("lang") == "en":
            talk = " ".join(t for t in rng.sample(english, 4) if t != case["text"])
        else:
            talk = rng.choice(korean)
        after_preamble.append(dict(case, id="pre-" + case["id"], text=f"{talk} {case['text']}"))
    return whole_dialogues, after_preamble


# The development parts of short messages the preamble set is made from.
DEV_PARTS = ["tests/data/crisis/dev.jsonl", "tests/data/crisis/dev2.jsonl", "tests/data/crisis/dev3.jsonl",
             "tests/data/crisis/dev4.jsonl", "tests/data/crisis/dev5.jsonl", "tests/data/crisis/dev6.jsonl",
             "tests/data/crisis/dev7.jsonl", "model/crisis/train9_independent.jsonl"]


def write_cases(path: str, cases: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for case in cases:
            f.write(json.dumps(case, ensure_ascii=False) + "\n")


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description="Writes everyday corpus sentences as crisis cases (crisis: false), "
                                 "for `maeum safety-eval --readings` and crisis_thresholds.py; or the long-message "
                                 "check sets.")
    ap.add_argument("--everyday-cases", metavar="OUT", help="JSON Lines to write (outside the repository)")
    ap.add_argument("--long-cases", metavar="DIR", help="write dialogues_as_one.jsonl and after_preamble.jsonl here "
                    "(outside the repository)")
    ap.add_argument("--corpus", default="../shared/data/aihub-emotion/sentences.csv")
    ap.add_argument("--part", default="test", choices=["train", "test"])
    ap.add_argument("--limit", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=2, help="2: the sentences crisis_model.py checks on")
    args = ap.parse_args()
    if not args.everyday_cases and not args.long_cases:
        ap.error("give --everyday-cases OUT or --long-cases DIR")
    if args.everyday_cases:
        write_cases(args.everyday_cases, [{"id": f"everyday-{i:04d}", "lang": "ko", **case} for i, case in
                                          enumerate(everyday_cases(args.corpus, args.part, args.limit, args.seed))])
        print(f"wrote {args.limit} everyday cases to {args.everyday_cases}")
    if args.long_cases:
        os.makedirs(args.long_cases, exist_ok=True)
        for name, cases in zip(("dialogues_as_one", "after_preamble"), long_cases(args.corpus, DEV_PARTS)):
            write_cases(os.path.join(args.long_cases, f"{name}.jsonl"), cases)
            print(f"wrote {len(cases)} cases to {args.long_cases}/{name}.jsonl")


if __name__ == "__main__":
    main()
