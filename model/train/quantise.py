"""int8 quantisation whose readings do not depend on the batch.

ONNX Runtime's dynamic quantisation (`quantize_dynamic`) stores the weights as
int8 (per output channel) and quantises the activations at run time with
`DynamicQuantizeLinear`: one scale and zero point for the whole activation
tensor, i.e. for every message of a batch and its padding together. A message's
reading then shifts with the messages read beside it (on the shipped model, the
top emotion of about 1 message in 6 changed inside a batch of 32).

`per_row_activations` rewrites each `DynamicQuantizeLinear` into a per-row
symmetric quantisation: every token row gets its own scale (max |x| / 127),
shifted by 128 into uint8 so the integer product keeps ONNX Runtime's fast
u8 x s8 kernel. A row's integers then depend on that row alone. The product is
ONNX Runtime's `MatMulIntegerToFloat` with the weight scales and an activation
scale of 1, then a Mul by the row scales: that operator takes one activation
scale per tensor, and the fusion ONNX Runtime applies to a plain
MatMulInteger -> Cast -> Mul(row x weight scales) mis-reads per-row scales
(probabilities off by up to 0.3). Measured on the shipped graph
(model/README.md): 1.2x the time of dynamic quantisation per message, closer
to the fp32 graph, and a message's probabilities alone and inside a padded
batch equal within 1e-6.

`unsigned_weights` then stores the int8 weights as uint8 with zero point 128
(the same numbers, shifted), so the integer product runs on ONNX Runtime's
u8 x u8 kernel. Its u8 x s8 kernel gives exact sums only on CPUs with VNNI
instructions: on plain AVX2 it adds pairs of u8 x s8 products in 16 bits
with saturation, and a row quantised to the full 0..255 range overflows
them. On an AVX2-only machine (AMD EPYC, 2026-12-06) 59 % of the sums of a
random 384-wide product with rows quantised this way came out wrong (off by
up to 26,000), and the crisis detector read 14 of 5,999 development and
everyday messages otherwise than with exact sums; with u8 weights the sums
are exact there too and the readings are those measured on VNNI machines,
for about 7 % more time per message on the AVX2 machine (model/README.md).

`fuse_attention` then replaces each self-attention block the TorchScript
exporter writes (Reshape/Transpose of Q, K and V, MatMul, Div by sqrt(head
size), Add of the mask, Softmax, MatMul, Transpose, Reshape) with ONNX
Runtime's `MultiHeadAttention` on the same Q, K, V and the attention mask.
ONNX Runtime fuses these blocks itself only when Q, K and V come from plain
MatMul + Add, which the quantised graph no longer has. It wins back most of
what the per-row scales cost (model/README.md); padding is still masked, so
the readings stay independent of the batch.

    python model/train/quantise.py --rewrite model/model.onnx   # in place, idempotent
"""

from __future__ import annotations

import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROW_PREFIX = "rowq_"
MASK_INT32 = "attention_mask_int32"  # MultiHeadAttention's key padding mask


def quantise(src: str, dst: str) -> None:
    """fp32 ONNX file -> the served graph: int8 weights (per channel), per-row
    activation scales, fused attention."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(src, dst, per_channel=True, weight_type=QuantType.QInt8)
    model = onnx.load(dst)
    per_row_activations(model)
    unsigned_weights(model)
    fuse_attention(model)
    onnx.checker.check_model(model)
    onnx.save(model, dst)


def wiring(g: onnx.GraphProto) -> tuple[dict[str, onnx.NodeProto], dict[str, list[onnx.NodeProto]]]:
    """Which node makes each tensor, and which nodes read it."""
    producers = {o: n for n in g.node for o in n.output}
    consumers: dict[str, list[onnx.NodeProto]] = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    return producers, consumers


def use_contrib_ops(model: onnx.ModelProto) -> None:
    """Declares ONNX Runtime's com.microsoft operators (MatMulIntegerToFloat,
    MultiHeadAttention), once."""
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))


def per_row_activations(model: onnx.ModelProto) -> int:
    """Rewrites the dynamic (per-tensor) activation quantisation in place; returns
    how many quantisations were rewritten (0 when there is none left)."""
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    producers, consumers = wiring(g)
    rewritten = sum(1 for n in g.node if n.op_type == "DynamicQuantizeLinear")
    if not rewritten:
        return 0

    constants = {
        "127": np.array(127.0, np.float32),
        "eps": np.array(1e-8, np.float32),  # an all-zero row: the scale stays finite
        "zero_point": np.array(128, np.uint8),
        "one": np.array(1.0, np.float32),
        "flat": np.array([-1], np.int64),
    }

    def c(key: str) -> str:
        return ROW_PREFIX + key

    dropped: set[int] = set()
    replaced: dict[int, list[onnx.NodeProto]] = {}
    for n in g.node:
        if n.op_type == "DynamicQuantizeLinear":
            x = n.input[0]
            xq, xs, xzp = n.output
            p = xq + "_row"
            # QuantizeLinear has one scale per index of one axis, so the rows
            # ([batch, tokens] or [batch]) are flattened into that axis and back.
            (k,) = {inits[m.input[1]].dims[0] for m in consumers[xq] if m.op_type == "MatMulInteger"}
            g.initializer.append(numpy_helper.from_array(np.array([-1, k], np.int64), p + "_rows_by_k"))
            replaced[id(n)] = [
                helper.make_node("Abs", [x], [p + "_abs"]),
                helper.make_node("ReduceMax", [p + "_abs"], [p + "_max"], axes=[-1], keepdims=1),
                helper.make_node("Max", [p + "_max", c("eps")], [p + "_max_eps"]),
                helper.make_node("Div", [p + "_max_eps", c("127")], [xs]),
                helper.make_node("Reshape", [xs, c("flat")], [p + "_scales"]),
                helper.make_node("Shape", [p + "_scales"], [p + "_rows"]),
                helper.make_node("Expand", [c("zero_point"), p + "_rows"], [p + "_zero_points"]),
                helper.make_node("Shape", [x], [p + "_shape"]),
                helper.make_node("Reshape", [x, p + "_rows_by_k"], [p + "_2d"]),
                helper.make_node("QuantizeLinear", [p + "_2d", p + "_scales", p + "_zero_points"], [p + "_q2d"], axis=0),
                helper.make_node("Reshape", [p + "_q2d", p + "_shape"], [xq]),
                helper.make_node("Identity", [c("zero_point")], [xzp]),
            ]
        elif n.op_type == "MatMulInteger" and producers.get(n.input[0], n).op_type == "DynamicQuantizeLinear":
            (cast,) = consumers[n.output[0]]
            (mul,) = consumers[cast.output[0]]
            (scales,) = [i for i in mul.input if i != cast.output[0]]
            scale_mul = producers[scales]  # Mul(activation scale, weight scales)
            (weight_scale,) = [i for i in scale_mul.input if i in inits]
            (row_scale,) = [i for i in scale_mul.input if i not in inits]
            dropped.update({id(n), id(cast), id(scale_mul)})
            a, w, a_zero, w_zero = n.input
            # The weight scales (per column) fused into the integer product with
            # activation scale 1; the row scales multiplied in after it.
            replaced[id(mul)] = [
                helper.make_node("MatMulIntegerToFloat", [a, w, c("one"), weight_scale, a_zero, w_zero],
                                 [mul.output[0] + "_weight_scaled"], domain="com.microsoft"),
                helper.make_node("Mul", [mul.output[0] + "_weight_scaled", row_scale], [mul.output[0]]),
            ]
    # New nodes are named after the node they replace, so a name prefix still
    # tells whose they are (crisis_model.py's strip() removes its graph by it).
    for n in g.node:
        for i, new in enumerate(replaced.get(id(n), [])):
            new.name = f"{n.name or n.output[0]}_row{i}"
    nodes = [m for n in g.node if id(n) not in dropped for m in replaced.get(id(n), [n])]
    del g.node[:]
    g.node.extend(nodes)
    g.initializer.extend(numpy_helper.from_array(v, c(k)) for k, v in constants.items() if c(k) not in inits)
    use_contrib_ops(model)
    return rewritten


def unsigned_weights(model: onnx.ModelProto) -> int:
    """Shifts the int8 weights (and their zero points) of every
    MatMulIntegerToFloat into uint8, in place, so the product is exact on
    every x86 CPU (see the top of this file); returns how many tensors were
    shifted (0 when none is left)."""
    inits = {i.name: i for i in model.graph.initializer}
    shifted = set()
    for n in model.graph.node:
        if n.op_type != "MatMulIntegerToFloat":
            continue
        for name in (n.input[1], n.input[5]):  # the weights and their zero points
            values = numpy_helper.to_array(inits[name])
            if name in shifted or values.dtype != np.int8:
                continue
            inits[name].CopyFrom(numpy_helper.from_array((values.astype(np.int16) + 128).astype(np.uint8), name))
            shifted.add(name)
    return len(shifted)


def fuse_attention(model: onnx.ModelProto, num_heads: int = 12) -> int:
    """Replaces each exported self-attention block with one MultiHeadAttention
    (in place); returns how many were replaced (0 when none is left)."""
    g = model.graph
    producers, consumers = wiring(g)
    constants = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    constants.update({n.output[0]: numpy_helper.to_array(n.attribute[0].t) for n in g.node if n.op_type == "Constant"})

    def made_by(op: str, name: str) -> onnx.NodeProto | None:
        n = producers.get(name)
        return n if n is not None and n.op_type == op else None

    def block(softmax: onnx.NodeProto) -> tuple[list[onnx.NodeProto], onnx.NodeProto] | None:
        """The nodes of one attention block around `softmax` and its replacement."""
        add = made_by("Add", softmax.input[0])
        div = next((d for d in (made_by("Div", i) for i in add.input) if d), None) if add else None
        scores = made_by("MatMul", div.input[0]) if div else None
        if scores is None or div.input[1] not in constants:
            return None
        q_t, k_t = made_by("Transpose", scores.input[0]), made_by("Transpose", scores.input[1])
        users = consumers.get(softmax.output[0], [])
        if not (q_t and k_t and len(users) == 1 and users[0].op_type == "MatMul"):
            return None
        context = users[0]
        v_t = made_by("Transpose", context.input[1])
        (out_t,) = consumers[context.output[0]]
        (out_r,) = consumers[out_t.output[0]]
        q_r, k_r = made_by("Reshape", q_t.input[0]), made_by("Reshape", k_t.input[0])
        v_r = made_by("Reshape", v_t.input[0]) if v_t else None
        perms = [list(t.attribute[0].ints) for t in (q_t, k_t, v_t, out_t)]
        if not (q_r and k_r and v_r and out_r.op_type == "Reshape") or perms != [[0, 2, 1, 3], [0, 2, 3, 1], [0, 2, 1, 3], [0, 2, 1, 3]]:
            return None
        fused = helper.make_node(
            "MultiHeadAttention", [q_r.input[0], k_r.input[0], v_r.input[0], "", MASK_INT32], [out_r.output[0]],
            domain="com.microsoft", num_heads=num_heads, scale=float(1.0 / constants[div.input[1]]),
            name=softmax.name.rsplit("/", 1)[0] + "/MultiHeadAttention")
        return [softmax, add, div, scores, q_t, k_t, q_r, k_r, context, v_t, v_r, out_t, out_r], fused

    replaced: dict[int, onnx.NodeProto] = {}
    removed: set[int] = set()
    for n in g.node:
        found = block(n) if n.op_type == "Softmax" else None
        if found:
            nodes, fused = found
            removed.update(id(m) for m in nodes)
            replaced[id(nodes[-1])] = fused  # where the block's output was made
    if not replaced:
        return 0
    nodes = [helper.make_node("Cast", ["attention_mask"], [MASK_INT32], to=TensorProto.INT32, name=MASK_INT32)]
    nodes += [replaced.get(id(n), n) for n in g.node if id(n) not in removed or id(n) in replaced]
    # The shape arithmetic that fed the removed Reshapes is left unused.
    outputs = {o.name for o in g.output}
    while True:
        used = {i for n in nodes for i in n.input} | outputs
        kept = [n for n in nodes if any(o in used for o in n.output)]
        if len(kept) == len(nodes):
            break
        nodes = kept
    del g.node[:]
    g.node.extend(nodes)
    del g.value_info[:]
    used = {i for n in nodes for i in n.input}
    inits = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend(inits)
    use_contrib_ops(model)
    return len(replaced)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rewrite", required=True, help="a (dynamically) quantised model.onnx, rewritten in place")
    args = ap.parse_args()
    model = onnx.load(args.rewrite)
    rows = per_row_activations(model)
    shifted = unsigned_weights(model)
    blocks = fuse_attention(model)
    if rows or shifted or blocks:
        onnx.checker.check_model(model)
        onnx.save(model, args.rewrite)
    print(f"{args.rewrite}: {rows} activation quantisations made per row, {shifted} weight tensors made unsigned, "
          f"{blocks} attention blocks fused")


if __name__ == "__main__":
    main()
