"""Corpus reading, the dialogue-disjoint split, the input convention and the metrics.

Shared by train.py, export.py and evaluate.py so that all three see the same data.
"""

from __future__ import annotations

import csv
import json
import os
import random
from collections import defaultdict
from dataclasses import dataclass

# The 60 codes in label-id order: E10..E69. The tens digit is the group.
CODES = [f"E{i}" for i in range(10, 70)]
CODE_ID = {c: i for i, c in enumerate(CODES)}
GROUPS = ["분노", "슬픔", "불안", "상처", "당황", "기쁨"]

# Fine emotion names (labels.json of the corpus). Two names occur under two
# groups (고립된: E43/E51, 혼란스러운: E34/E59), so "fine58" accuracy merges them.
SUB_NAMES = {
    "E10": "분노", "E11": "툴툴대는", "E12": "좌절한", "E13": "짜증내는", "E14": "방어적인",
    "E15": "악의적인", "E16": "안달하는", "E17": "구역질 나는", "E18": "노여워하는", "E19": "성가신",
    "E20": "슬픔", "E21": "실망한", "E22": "비통한", "E23": "후회되는", "E24": "우울한",
    "E25": "마비된", "E26": "염세적인", "E27": "눈물이 나는", "E28": "낙담한", "E29": "환멸을 느끼는",
    "E30": "불안", "E31": "두려운", "E32": "스트레스 받는", "E33": "취약한", "E34": "혼란스러운",
    "E35": "당혹스러운", "E36": "회의적인", "E37": "걱정스러운", "E38": "조심스러운", "E39": "초조한",
    "E40": "상처", "E41": "질투하는", "E42": "배신당한", "E43": "고립된", "E44": "충격 받은",
    "E45": "가난한, 불우한", "E46": "희생된", "E47": "억울한", "E48": "괴로워하는", "E49": "버려진",
    "E50": "당황", "E51": "고립된", "E52": "남의 시선을 의식하는", "E53": "외로운", "E54": "열등감",
    "E55": "죄책감의", "E56": "부끄러운", "E57": "혐오스러운", "E58": "한심한", "E59": "혼란스러운",
    "E60": "기쁨", "E61": "감사하는", "E62": "신뢰하는", "E63": "편안한", "E64": "만족스러운",
    "E65": "흥분", "E66": "느긋", "E67": "안도", "E68": "신이 난", "E69": "자신하는",
}

MAX_LENGTH = 128  # tokens, special tokens included (the Rust side's emotion.max_tokens default)


@dataclass
class Dialogue:
    dialogue_id: str
    source: str
    code: str
    sentences: list[str]  # the person's utterances in order (turn 1, 2, 3)


def _clean(s) -> str:
    return "" if s is None else str(s).strip()


def load_corpus(path: str) -> list[Dialogue]:
    """Read `sentences.csv` (one row per human sentence) or `dialogues.xlsx` (one row
    per dialogue, the original corpus's columns). Rows with an unknown code are skipped."""
    if path.endswith(".xlsx"):
        return _load_xlsx(path)
    turns: dict[str, dict[int, str]] = defaultdict(dict)
    meta: dict[str, tuple[str, str]] = {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            code = _clean(row["code"])
            if code not in CODE_ID:
                continue
            did = _clean(row["dialogue_id"])
            turns[did][int(row["turn"])] = _clean(row["sentence"])
            meta[did] = (_clean(row.get("source")), code)
    out = []
    for did in sorted(turns):
        ss = [turns[did][t] for t in sorted(turns[did])]
        out.append(Dialogue(did, meta[did][0], meta[did][1], [s for s in ss if s]))
    return [d for d in out if d.sentences]


def _load_xlsx(path: str) -> list[Dialogue]:
    import openpyxl  # only needed for this layout

    ws = openpyxl.load_workbook(path, read_only=True).active
    rows = ws.iter_rows(values_only=True)
    header = [_clean(h) for h in next(rows)]
    col = {h: i for i, h in enumerate(header)}
    human = [c for c in (f"사람문장{i}" for i in range(1, 10)) if c in col]
    out = []
    for n, r in enumerate(rows):
        code = _clean(r[col["code"]]) if "code" in col else ""
        if code not in CODE_ID:
            continue
        did = _clean(r[col["dialogue_id"]]) if "dialogue_id" in col else f"row{n:06d}"
        ss = [_clean(r[col[c]]) for c in human]
        ss = [s for s in ss if s]
        if ss:
            out.append(Dialogue(did, _clean(r[col["source"]]) if "source" in col else "", code, ss))
    out.sort(key=lambda d: d.dialogue_id)
    return out


def make_split(dialogues: list[Dialogue], seed: int = 20251128, test_frac: float = 0.10, val_frac: float = 0.05) -> dict:
    """Dialogue-disjoint split: shuffle the sorted dialogue ids with a fixed seed; the
    first `test_frac` are the held-out test set, the next `val_frac` a validation set
    (for choosing among training runs), the rest train."""
    ids = sorted(d.dialogue_id for d in dialogues)
    random.Random(seed).shuffle(ids)
    n_test = round(len(ids) * test_frac)
    n_val = round(len(ids) * val_frac)
    return {
        "seed": seed,
        "test": sorted(ids[:n_test]),
        "val": sorted(ids[n_test : n_test + n_val]),
        "train": sorted(ids[n_test + n_val :]),
    }


def load_or_make_split(path: str, dialogues: list[Dialogue]) -> dict:
    """The split file is written once and reused, so training and evaluation agree."""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            split = json.load(f)
        known = {d.dialogue_id for d in dialogues}
        listed = set(split["test"]) | set(split["val"]) | set(split["train"])
        if known != listed:
            raise SystemExit(f"{path} was made for other data ({len(listed)} ids vs {len(known)}); delete it or pass another --split")
        return split
    split = make_split(dialogues)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(split, f)
    return split


def model_input(sentences: list[str], turn_index: int, with_context: bool) -> tuple[str, str | None]:
    """The text pair for the utterance at `turn_index` (0-based), as the Rust side's
    `Utterance::model_input` builds it: A = the utterance, B = the same speaker's
    earlier utterances newest first, joined by a space (None when there are none).
    The Rust side also reads both plain (src/text.rs: capitals lowered, invisible
    characters dropped, spelled-out words joined); the training files are read as
    written (`plain` changes 20 of the crisis model's 14,557 training texts)."""
    a = sentences[turn_index].strip()
    if not with_context:
        return a, None
    earlier = [s.strip() for s in reversed(sentences[:turn_index]) if s.strip()]
    return a, (" ".join(earlier) if earlier else None)


@dataclass
class Example:
    a: str
    b: str | None
    label: int
    turn: int  # 1-based
    dialogue_id: str


def examples(dialogues: list[Dialogue], with_context: bool) -> list[Example]:
    out = []
    for d in dialogues:
        for t in range(len(d.sentences)):
            a, b = model_input(d.sentences, t, with_context)
            out.append(Example(a, b, CODE_ID[d.code], t + 1, d.dialogue_id))
    return out


def training_examples(dialogues: list[Dialogue], replies: dict[str, list[str]] | None = None,
                      n_replies: int = 0) -> list[Example]:
    """Every sentence once alone and once with its context, so one model serves both
    modes; a first utterance has no context, so it appears once. With `replies`
    (dialogue id → the counsellor's replies, see load_replies), the first `n_replies`
    replies of each dialogue are added as extra single inputs with the dialogue's label
    (turn 0): the first reply usually restates the person's feeling in other words."""
    single = examples(dialogues, False)
    ctx = [e for e in examples(dialogues, True) if e.b is not None]
    extra = []
    if replies and n_replies:
        for d in dialogues:
            for r in replies.get(d.dialogue_id, [])[:n_replies]:
                if r.strip():
                    extra.append(Example(r.strip(), None, CODE_ID[d.code], 0, d.dialogue_id))
    return single + ctx + extra


def load_replies(path: str) -> dict[str, list[str]]:
    """The counsellor's replies (시스템문장N) per dialogue, from dialogues.xlsx or from a
    CSV with columns dialogue_id, turn, reply (extract_replies.py writes one)."""
    out: dict[str, dict[int, str]] = defaultdict(dict)
    if path.endswith(".xlsx"):
        import openpyxl

        ws = openpyxl.load_workbook(path, read_only=True).active
        rows = ws.iter_rows(values_only=True)
        header = [_clean(h) for h in next(rows)]
        col = {h: i for i, h in enumerate(header)}
        for r in rows:
            for t in range(1, 10):
                c = f"시스템문장{t}"
                if c in col and _clean(r[col[c]]):
                    out[_clean(r[col["dialogue_id"]])][t] = _clean(r[col[c]])
    else:
        with open(path, newline="", encoding="utf-8-sig") as f:
            for row in csv.DictReader(f):
                out[_clean(row["dialogue_id"])][int(row["turn"])] = _clean(row["reply"])
    return {k: [v[t] for t in sorted(v)] for k, v in out.items()}


def load_tokenizer(path: str):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(path)
    # Truncation and padding are ours (encode, pad_batch), as they are the Rust side's.
    tok.no_truncation()
    tok.no_padding()
    return tok


def encode(tok, exs: list[Example], max_tokens: int = MAX_LENGTH) -> list[list[int]]:
    """Token ids of each example's pair, truncated exactly as the Rust side's
    `emotion::onnx::encode` does it: at most `max_tokens` tokens with the special
    ones; segment B is cut from its end to fit beside the whole of A, and dropped
    when A alone fills the budget (A is then cut from its end)."""
    single = tok.num_special_tokens_to_add(False)
    pair_room = max_tokens - tok.num_special_tokens_to_add(True)
    firsts = tok.encode_batch([e.a for e in exs], add_special_tokens=False)
    with_b = [i for i, e in enumerate(exs) if e.b]
    seconds = dict(zip(with_b, tok.encode_batch([exs[i].b for i in with_b], add_special_tokens=False)))
    out = []
    for i, first in enumerate(firsts):
        second = seconds.get(i)
        if second is not None and len(second.ids) > 0 and len(first.ids) < pair_room:
            second.truncate(pair_room - len(first.ids))
            enc = tok.post_process(first, second, True)
        else:
            first.truncate(max_tokens - single)
            enc = tok.post_process(first, None, True)
        out.append(enc.ids)
    return out


def pad_batch(seqs: list[list[int]], pad_id: int):
    import numpy as np

    n = max(len(s) for s in seqs)
    ids = np.full((len(seqs), n), pad_id, dtype=np.int64)
    mask = np.zeros((len(seqs), n), dtype=np.int64)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = s
        mask[i, : len(s)] = 1
    return ids, mask


def metrics(logits, labels, turns) -> dict:
    """top-1 / top-3 over the 60 codes, fine58 (names merged), group6 (the group of the
    top code, and of the summed group probabilities), macro-F1 over codes, top-1 by turn."""
    import numpy as np

    logits = np.asarray(logits, dtype=np.float64)
    labels = np.asarray(labels)
    turns = np.asarray(turns)
    n = len(labels)
    pred = logits.argmax(1)
    top3 = np.argsort(-logits, 1)[:, :3]
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    group_prob = p.reshape(n, 6, 10).sum(2).argmax(1)
    names = np.array([SUB_NAMES[c] for c in CODES])
    f1s = []
    for c in range(len(CODES)):
        tp = np.sum((pred == c) & (labels == c))
        fp = np.sum((pred == c) & (labels != c))
        fn = np.sum((pred != c) & (labels == c))
        if tp + fp + fn == 0:
            continue  # a code absent from both truth and predictions
        f1s.append(2 * tp / (2 * tp + fp + fn))
    out = {
        "n": int(n),
        "top1": float(np.mean(pred == labels)),
        "top3": float(np.mean((top3 == labels[:, None]).any(1))),
        "fine58": float(np.mean(names[pred] == names[labels])),
        "group6": float(np.mean(pred // 10 == labels // 10)),
        "group6_summed": float(np.mean(group_prob == labels // 10)),
        "macro_f1": float(np.mean(f1s)),
        "by_turn": {},
    }
    for t in sorted(set(turns.tolist())):
        m = turns == t
        out["by_turn"][str(t)] = {"n": int(m.sum()), "top1": float(np.mean(pred[m] == labels[m]))}
    return out


def format_metrics(name: str, m: dict) -> str:
    turns = " ".join(f"t{t}={v['top1']:.3f}(n={v['n']})" for t, v in m["by_turn"].items())
    return (
        f"{name}: n={m['n']} top1={m['top1']:.4f} top3={m['top3']:.4f} fine58={m['fine58']:.4f} "
        f"group6={m['group6']:.4f} group6_summed={m['group6_summed']:.4f} macroF1={m['macro_f1']:.4f} | {turns}"
    )


def write_json(path: str, value) -> None:
    """Writes `value` as the model directory's JSON files are kept: UTF-8 as
    is (Korean stays readable), two-space indent, a final newline."""
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, indent=2)
        f.write("\n")
