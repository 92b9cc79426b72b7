#!/usr/bin/env python3
"""Builds model/test-tiny: a small, randomly initialised BERT-style emotion
classifier for tests and for running `maeum` before the real Korean model exists.

THE WEIGHTS ARE RANDOM (seeded). The model's emotions mean nothing; it exists so
that the whole inference path (tokenizer, padding, attention mask, batching,
ONNX Runtime, softmax, labels) runs on a real transformer graph in tests.

The directory it writes has the same shape as the real model's (a Hugging
Face-style export): `model.onnx`, `tokenizer.json`, `config.json` (with `id2label`
over the 60 codes E10..E69 and `"maeum": {"meaningful": false, ...}`), `README.md`.

Graph (opset 17, IR 9; batch and sequence dimensions dynamic):
  inputs  input_ids, attention_mask, token_type_ids: int64 [batch, sequence]
  token + position + token-type embeddings -> LayerNorm
  2 post-LayerNorm encoder layers: 4-head self-attention masked by attention_mask,
    erf-GELU feed-forward
  mean pooling over the tokens the mask keeps -> dense -> output logits: float [batch, 60]

Tokenizer: WordPiece over single characters (Hangul syllables are NFD-decomposed to
conjoining jamo first, so any Korean text tokenises), ASCII, compatibility jamo
(ㅋㅋ, ㅠㅠ) and common punctuation; anything else becomes [UNK]. BERT specials
[PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4 and a pair template, so token_type_ids are
produced for (utterance, context) pairs.

Regenerate (the output is byte-for-byte the same for the same package versions):
    python3 -m venv /tmp/tm
    /tmp/tm/bin/pip install onnx==1.23.2 numpy==2.4.6 tokenizers==0.23.3 onnxruntime==1.32.0
    /tmp/tm/bin/python scripts/build_test_model.py            # writes model/test-tiny
    /tmp/tm/bin/python scripts/build_test_model.py --check    # also runs it under ONNX Runtime

`--check` (needs onnxruntime) compares ONNX Runtime's logits with a NumPy
re-implementation of the same network and checks that padding a batch does not
change any sequence's logits.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

SEED = 20241128
HIDDEN = 64
HEADS = 4
LAYERS = 2
FFN = 256
MAX_POSITIONS = 512
TYPE_VOCAB = 2
LN_EPS = 1e-12
OPSET = 17
IR_VERSION = 9
# Additive attention bias for masked keys: exp(-10000) is exactly 0 in float32,
# so padded keys get no weight and padding cannot change a sequence's result.
MASK_BIAS = -10000.0

CODES = [f"E{n}" for n in range(10, 70)]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PAD_ID = 0

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "model" / "test-tiny"


# ---------------------------------------------------------------- tokenizer


def vocabulary_characters() -> list[str]:
    chars: list[str] = []
    # ASCII printable, lower case only (the normalizer lowercases).
    chars += [chr(c) for c in range(0x21, 0x7F) if not ("A" <= chr(c) <= "Z")]
    # Conjoining jamo: what NFD turns every Hangul syllable into.
    chars += [chr(c) for c in range(0x1100, 0x1113)]  # 19 leading consonants
    chars += [chr(c) for c in range(0x1161, 0x1176)]  # 21 vowels
    chars += [chr(c) for c in range(0x11A8, 0x11C3)]  # 27 trailing consonants
    # Compatibility jamo typed on their own (ㅋㅋ, ㅠㅠ, ㅎㅎ).
    chars += [chr(c) for c in range(0x3131, 0x3164)]
    # Punctuation and symbols common in chat.
    chars += list("…·~‘’“”「」『』♡♥★☆。、！？～")
    seen: set[str] = set()
    unique = []
    for ch in chars:
        if ch not in seen:
            seen.add(ch)
            unique.append(ch)
    return unique


def build_tokenizer() -> Tokenizer:
    vocab: dict[str, int] = {}
    for token in SPECIALS:
        vocab[token] = len(vocab)
    for ch in vocabulary_characters():
        vocab[ch] = len(vocab)
        vocab["##" + ch] = len(vocab)

    tokenizer = Tokenizer(models.WordPiece(vocab=vocab, unk_token="[UNK]", max_input_chars_per_word=100))
    tokenizer.normalizer = normalizers.Sequence([normalizers.NFD(), normalizers.Lowercase()])
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    cls, sep = vocab["[CLS]"], vocab["[SEP]"]
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)],
    )
    tokenizer.decoder = decoders.WordPiece(prefix="##")
    tokenizer.add_special_tokens(SPECIALS)
    return tokenizer


# ---------------------------------------------------------------- weights


def make_weights(vocab_size: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(SEED)

    def normal(shape, std):
        return rng.normal(0.0, std, size=shape).astype(np.float32)

    # Larger than BERT's 0.02 initialisation on purpose: with tiny weights every
    # input gives nearly the uniform distribution, and tests could not tell
    # inputs apart. These give logits spread over a few units.
    w: dict[str, np.ndarray] = {
        "emb.word": normal((vocab_size, HIDDEN), 1.0),
        "emb.pos": normal((MAX_POSITIONS, HIDDEN), 0.5),
        "emb.type": normal((TYPE_VOCAB, HIDDEN), 0.5),
        "emb.ln.w": (1.0 + normal((HIDDEN,), 0.1)),
        "emb.ln.b": normal((HIDDEN,), 0.1),
    }
    proj = 1.0 / math.sqrt(HIDDEN)
    for i in range(LAYERS):
        p = f"l{i}."
        for name in ("q", "k", "v", "ao"):
            w[p + name + ".w"] = normal((HIDDEN, HIDDEN), proj * 1.5)
            w[p + name + ".b"] = normal((HIDDEN,), 0.05)
        w[p + "aln.w"] = 1.0 + normal((HIDDEN,), 0.1)
        w[p + "aln.b"] = normal((HIDDEN,), 0.1)
        w[p + "fi.w"] = normal((HIDDEN, FFN), proj)
        w[p + "fi.b"] = normal((FFN,), 0.05)
        w[p + "fo.w"] = normal((FFN, HIDDEN), 1.0 / math.sqrt(FFN))
        w[p + "fo.b"] = normal((HIDDEN,), 0.05)
        w[p + "oln.w"] = 1.0 + normal((HIDDEN,), 0.1)
        w[p + "oln.b"] = normal((HIDDEN,), 0.1)
    w["cls.w"] = normal((HIDDEN, len(CODES)), 0.35)
    w["cls.b"] = normal((len(CODES),), 0.2)
    return w


# ---------------------------------------------------------------- graph


class GraphBuilder:
    def __init__(self, weights: dict[str, np.ndarray]):
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = [numpy_helper.from_array(v, name=k) for k, v in weights.items()]
        self.counter = 0

    def const(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(numpy_helper.from_array(value, name=name))
        return name

    def op(self, op_type: str, inputs: list[str], **attrs) -> str:
        self.counter += 1
        out = f"{op_type.lower()}_{self.counter}"
        self.nodes.append(helper.make_node(op_type, inputs, [out], name=f"n{self.counter}_{op_type}", **attrs))
        return out

    def layer_norm(self, x: str, prefix: str) -> str:
        return self.op("LayerNormalization", [x, prefix + ".w", prefix + ".b"], axis=-1, epsilon=LN_EPS)

    def linear(self, x: str, prefix: str) -> str:
        return self.op("Add", [self.op("MatMul", [x, prefix + ".w"]), prefix + ".b"])

    def gelu(self, x: str) -> str:
        # 0.5 * x * (1 + erf(x / sqrt(2))): the erf GELU BERT uses.
        scaled = self.op("Mul", [x, "c.inv_sqrt2"])
        return self.op("Mul", [self.op("Mul", [x, "c.half"]), self.op("Add", [self.op("Erf", [scaled]), "c.one"])])

    def split_heads(self, x: str) -> str:
        # [B, S, H] -> [B, heads, S, head_dim]
        return self.op("Transpose", [self.op("Reshape", [x, "c.heads_shape"])], perm=[0, 2, 1, 3])


def build_graph(weights: dict[str, np.ndarray]) -> onnx.ModelProto:
    g = GraphBuilder(weights)
    head_dim = HIDDEN // HEADS
    g.const("c.one", np.array(1.0, dtype=np.float32))
    g.const("c.half", np.array(0.5, dtype=np.float32))
    g.const("c.inv_sqrt2", np.array(1.0 / math.sqrt(2.0), dtype=np.float32))
    g.const("c.mask_bias", np.array(MASK_BIAS, dtype=np.float32))
    g.const("c.scale", np.array(1.0 / math.sqrt(head_dim), dtype=np.float32))
    g.const("c.tiny", np.array(1e-9, dtype=np.float32))
    g.const("c.heads_shape", np.array([0, -1, HEADS, head_dim], dtype=np.int64))
    g.const("c.merge_shape", np.array([0, -1, HIDDEN], dtype=np.int64))
    g.const("c.i0", np.array(0, dtype=np.int64))
    g.const("c.i1", np.array(1, dtype=np.int64))
    g.const("c.axis1", np.array([1], dtype=np.int64))
    g.const("c.mask_axes", np.array([1, 2], dtype=np.int64))
    g.const("c.pool_axes", np.array([2], dtype=np.int64))

    # Embeddings; positions are 0..S-1 for every row (BERT, not RoBERTa's offset).
    seq_len = g.op("Gather", [g.op("Shape", ["input_ids"]), "c.i1"], axis=0)
    positions = g.op("Range", ["c.i0", seq_len, "c.i1"])
    emb = g.op("Add", [g.op("Gather", ["emb.word", "input_ids"], axis=0), g.op("Gather", ["emb.pos", positions], axis=0)])
    emb = g.op("Add", [emb, g.op("Gather", ["emb.type", "token_type_ids"], axis=0)])
    x = g.layer_norm(emb, "emb.ln")

    mask = g.op("Cast", ["attention_mask"], to=TensorProto.FLOAT)  # [B, S]
    # (1 - mask) * MASK_BIAS, shaped [B, 1, 1, S] to broadcast over heads and queries.
    bias = g.op("Mul", [g.op("Sub", ["c.one", mask]), "c.mask_bias"])
    bias = g.op("Unsqueeze", [bias, "c.mask_axes"])

    for i in range(LAYERS):
        p = f"l{i}."
        q = g.split_heads(g.linear(x, p + "q"))
        k = g.split_heads(g.linear(x, p + "k"))
        v = g.split_heads(g.linear(x, p + "v"))
        scores = g.op("Mul", [g.op("MatMul", [q, g.op("Transpose", [k], perm=[0, 1, 3, 2])]), "c.scale"])
        probs = g.op("Softmax", [g.op("Add", [scores, bias])], axis=-1)
        ctx = g.op("Transpose", [g.op("MatMul", [probs, v])], perm=[0, 2, 1, 3])
        ctx = g.op("Reshape", [ctx, "c.merge_shape"])
        x = g.layer_norm(g.op("Add", [x, g.linear(ctx, p + "ao")]), p + "aln")
        ff = g.linear(g.gelu(g.linear(x, p + "fi")), p + "fo")
        x = g.layer_norm(g.op("Add", [x, ff]), p + "oln")

    # Mean pooling over the tokens the mask keeps.
    mask3 = g.op("Unsqueeze", [mask, "c.pool_axes"])  # [B, S, 1]
    summed = g.op("ReduceSum", [g.op("Mul", [x, mask3]), "c.axis1"], keepdims=0)  # [B, H]
    count = g.op("Max", [g.op("ReduceSum", [mask3, "c.axis1"], keepdims=0), "c.tiny"])  # [B, 1]
    pooled = g.op("Div", [summed, count])
    logits_raw = g.linear(pooled, "cls")
    g.nodes.append(helper.make_node("Identity", [logits_raw], ["logits"], name="logits"))

    def int_input(name):
        return helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "sequence"])

    graph = helper.make_graph(
        g.nodes,
        "maeum-test-tiny",
        [int_input("input_ids"), int_input("attention_mask"), int_input("token_type_ids")],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", len(CODES)])],
        initializer=g.initializers,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="maeum scripts/build_test_model.py",
        doc_string="Random seeded weights: a test model whose emotions mean nothing.",
    )
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model, full_check=True)
    return model


# ---------------------------------------------------------------- config


def build_config(vocab_size: int) -> dict:
    return {
        "model_type": "bert",
        "architectures": ["MeanPoolingBertClassifier"],
        "hidden_size": HIDDEN,
        "num_hidden_layers": LAYERS,
        "num_attention_heads": HEADS,
        "intermediate_size": FFN,
        "hidden_act": "gelu",
        "max_position_embeddings": MAX_POSITIONS,
        "type_vocab_size": TYPE_VOCAB,
        "vocab_size": vocab_size,
        "layer_norm_eps": LN_EPS,
        "pad_token_id": PAD_ID,
        "problem_type": "single_label_classification",
        "id2label": {str(i): code for i, code in enumerate(CODES)},
        "label2id": {code: i for i, code in enumerate(CODES)},
        "maeum": {
            "name": "test-tiny",
            "meaningful": False,
            "note": "Random seeded weights built by scripts/build_test_model.py; for tests only.",
        },
    }


README = """# test-tiny: a test model, not an emotion model

Built by `scripts/build_test_model.py` (read its header to regenerate). The weights
are **random** (fixed seed): the emotions it gives mean nothing. It exists so tests and
`maeum chat` can run the real inference path — tokenizer, padding, attention mask,
batching, ONNX Runtime, softmax, labels — on a real transformer graph before the
trained Korean model is available. `config.json` says so (`"maeum": {{"meaningful": false}}`,
read into `ModelInfo.meaningful`), so Maeum can tell its user.

- `model.onnx`: BERT-style encoder, {layers} layers, hidden {hidden}, {heads} heads, FFN {ffn},
  {positions} positions, mean pooling over the attention mask, 60-way `logits`. Inputs
  `input_ids`, `attention_mask`, `token_type_ids` (int64, `[batch, sequence]`, both dynamic).
  Opset {opset}.
- `tokenizer.json`: character-level WordPiece ({vocab} entries): Hangul is NFD-decomposed
  into jamo, plus ASCII, compatibility jamo and common punctuation; anything else is `[UNK]`.
  Pair template `[CLS] A [SEP] B [SEP]` with token type 1 for B.
- `config.json`: Hugging Face-style, `id2label` over the codes E10–E69, `pad_token_id` 0.
"""


# ---------------------------------------------------------------- checks


def reference_logits(w: dict[str, np.ndarray], ids: np.ndarray, mask: np.ndarray, types: np.ndarray) -> np.ndarray:
    """The same network in NumPy, written independently of the graph builder."""

    def ln(x, prefix):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + LN_EPS) * w[prefix + ".w"] + w[prefix + ".b"]

    def erf(x):
        return np.vectorize(math.erf)(x).astype(np.float64)

    b, s = ids.shape
    hd = HIDDEN // HEADS
    x = w["emb.word"][ids] + w["emb.pos"][np.arange(s)][None] + w["emb.type"][types]
    x = ln(x.astype(np.float64), "emb.ln")
    m = mask.astype(np.float64)
    bias = ((1.0 - m) * MASK_BIAS)[:, None, None, :]
    for i in range(LAYERS):
        p = f"l{i}."

        def heads(t):
            return t.reshape(b, s, HEADS, hd).transpose(0, 2, 1, 3)

        q, k, v = (heads(x @ w[p + n + ".w"] + w[p + n + ".b"]) for n in ("q", "k", "v"))
        sc = q @ k.transpose(0, 1, 3, 2) / math.sqrt(hd) + bias
        sc = np.exp(sc - sc.max(-1, keepdims=True))
        pr = sc / sc.sum(-1, keepdims=True)
        ctx = (pr @ v).transpose(0, 2, 1, 3).reshape(b, s, HIDDEN)
        x = ln(x + ctx @ w[p + "ao.w"] + w[p + "ao.b"], p + "aln")
        h = x @ w[p + "fi.w"] + w[p + "fi.b"]
        h = 0.5 * h * (1.0 + erf(h / math.sqrt(2.0)))
        x = ln(x + h @ w[p + "fo.w"] + w[p + "fo.b"], p + "oln")
    pooled = (x * m[:, :, None]).sum(1) / np.maximum(m.sum(1, keepdims=True), 1e-9)
    return pooled @ w["cls.w"] + w["cls.b"]


def check(out_dir: Path, weights: dict[str, np.ndarray]) -> None:
    import onnxruntime as ort

    tok = Tokenizer.from_file(str(out_dir / "tokenizer.json"))
    session = ort.InferenceSession(str(out_dir / "model.onnx"), providers=["CPUExecutionProvider"])
    pairs = [
        ("오늘 면접에서 떨어져서 너무 속상해 ㅠㅠ", "어제부터 긴장했는데"),
        ("I passed the exam!", None),
        ("", None),
        ("진짜 짜증나... 왜 나한테만 이래?", "팀장님이 또 소리 질렀어 회사 가기 싫다"),
    ]
    encodings = [tok.encode(a, b) if b is not None else tok.encode(a) for a, b in pairs]
    for (a, _), enc in zip(pairs, encodings):
        unknown = enc.tokens.count("[UNK]")
        if unknown:
            raise SystemExit(f"check: {a!r} has {unknown} [UNK] tokens: {enc.tokens}")
    longest = max(len(e.ids) for e in encodings)

    def arrays(encs, length):
        ids = np.full((len(encs), length), PAD_ID, dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for r, e in enumerate(encs):
            n = len(e.ids)
            ids[r, :n], mask[r, :n], types[r, :n] = e.ids, e.attention_mask, e.type_ids
        return ids, mask, types

    ids, mask, types = arrays(encodings, longest)
    (batched,) = session.run(["logits"], {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})
    expected = reference_logits(weights, ids, mask, types)
    worst = float(np.abs(batched - expected).max())
    if worst > 1e-3:
        raise SystemExit(f"check: ONNX Runtime and the NumPy reference differ by {worst}")
    for r, e in enumerate(encodings):
        single_ids, single_mask, single_types = arrays([e], len(e.ids))
        (alone,) = session.run(
            ["logits"], {"input_ids": single_ids, "attention_mask": single_mask, "token_type_ids": single_types}
        )
        gap = float(np.abs(alone[0] - batched[r]).max())
        if gap > 1e-4:
            raise SystemExit(f"check: padding changed row {r}'s logits by {gap}")
    spread = float(batched.std(axis=1).mean())
    print(f"check: ok (max |ORT - NumPy| = {worst:.2e}; logits std per row ~ {spread:.2f}; batch of {len(pairs)} == one by one)")


# ---------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output directory (default {DEFAULT_OUT})")
    parser.add_argument("--check", action="store_true", help="run the model under onnxruntime and verify it")
    args = parser.parse_args()

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    tokenizer = build_tokenizer()
    vocab_size = tokenizer.get_vocab_size(with_added_tokens=True)
    tokenizer.save(str(out / "tokenizer.json"), pretty=True)

    weights = make_weights(vocab_size)
    model = build_graph(weights)
    (out / "model.onnx").write_bytes(model.SerializeToString(deterministic=True))

    config = build_config(vocab_size)
    (out / "config.json").write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "README.md").write_text(
        README.format(
            layers=LAYERS, hidden=HIDDEN, heads=HEADS, ffn=FFN, positions=MAX_POSITIONS, opset=OPSET, vocab=vocab_size
        ),
        encoding="utf-8",
    )
    for name in ("model.onnx", "tokenizer.json", "config.json", "README.md"):
        print(f"wrote {out / name} ({(out / name).stat().st_size:,} bytes)")

    if args.check:
        check(out, weights)
    return 0


if __name__ == "__main__":
    sys.exit(main())
