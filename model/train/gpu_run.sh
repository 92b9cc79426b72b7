#!/usr/bin/env bash
# The GPU run: three training configurations side by side on one GPU, plus weight
# averages ("soups") of them; the one with the best VALIDATION figures is picked,
# exported (fp32 + int8 ONNX) and evaluated on the held-out test dialogues. Results go to $OUT (default ./gpu-out):
#   logs.txt, summary.json (all runs' per-epoch val/test figures, the pick),
#   model_fp16.pt.part0.. (the pick's weights in 15 MiB parts: join with cat), eval_*.json
#
# Run from a directory holding code/ (this folder's scripts), trim/ (convert_base.py's
# output), data/sentences.csv, data/replies.csv (extract_replies.py) and split.json:
#   bash code/gpu_run.sh
# Environment: BUDGET (seconds of training per run, default 270), EXTRA (more train.py
# arguments, e.g. "--max-steps 4 --limit 50 --eval-limit 10" for a dry run on CPU).
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-./gpu-out}
mkdir -p "$OUT" runs
export PYTHONUNBUFFERED=1 OMP_NUM_THREADS=${OMP_NUM_THREADS:-4}
PY=${PY:-python3}
$PY -c "import torch, tokenizers, onnx, onnxruntime, numpy; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else '-', '| tokenizers', tokenizers.__version__, '| onnx', onnx.__version__, '| onnxruntime', onnxruntime.__version__, '| numpy', numpy.__version__)"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null

# A first GPU run (5 epochs at 5e-5 / 1e-4, 8 at 8e-5) peaked on validation at 2-3
# epochs, hence 3 epochs here; a and b also learn from the counsellor's first reply.
common="--data data/sentences.csv --base trim --split split.json --device auto --save-every 0 --time-budget ${BUDGET:-200} ${EXTRA:-}"
aug="--replies data/replies.csv --aug-replies 1"
t0=$(date +%s)
$PY code/train.py $common $aug --out runs/a --lr 5e-5 --epochs 3 > runs/a.log 2>&1 &
$PY code/train.py $common $aug --out runs/b --lr 8e-5 --epochs 3 > runs/b.log 2>&1 &
$PY code/train.py $common --out runs/c --lr 5e-5 --epochs 3 > runs/c.log 2>&1 &
wait
echo "training wall time: $(( $(date +%s) - t0 ))s"
soup="--data data/sentences.csv --base trim --split split.json ${SOUP_EXTRA:-}"
$PY code/soup.py runs/a runs/b runs/c $soup --out runs/soup_abc > runs/soup_abc.log 2>&1 &
$PY code/soup.py runs/a runs/b $soup --out runs/soup_ab > runs/soup_ab.log 2>&1 &
wait
for r in a b c soup_abc soup_ab; do echo "=== run $r"; cat runs/$r.log; done > "$OUT/logs.txt"
grep -hE "^device=|steps/s|budget|^done|Error|error" runs/*.log | awk 'NR % 4 == 1 || /device=|budget|done|rror/'
grep -h "Error" runs/soup*.log

$PY code/pick_run.py runs/a runs/b runs/c runs/soup_abc runs/soup_ab --summary "$OUT/summary.json" --copy-to "$OUT/model_fp16.pt" --part-mib 15 || exit 1
best=$($PY -c "import json; print(json.load(open('$OUT/summary.json'))['chosen'])")
$PY code/export.py --weights "$best/model_fp16.pt" --tokenizer trim/tokenizer.json --out export --keep-fp32 2>&1 | grep -vi warn
for m in model.onnx model_fp32.onnx; do
  $PY code/evaluate.py --model export --onnx $m --data data/sentences.csv --split split.json --threads 8 --batch 64 --json "$OUT/eval_$m.json"
done
echo "total wall time: $(( $(date +%s) - t0 ))s"
