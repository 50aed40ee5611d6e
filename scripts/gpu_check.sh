#!/usr/bin/env bash
# The GPU check, as one prepared script (about 10 minutes on one GPU):
#   1. the unit tests on the GPU (tests/, fast mode; the notebooks run in CI on the CPU),
#   2. benchmarks/train_loop.py with mixed precision and XLA, against model.fit at the same settings,
#   3. benchmarks/augment_throughput.py,
#   4. one full-mode notebook timing (session07/05_diffusion).
# On a machine without a GPU it says so and runs the CPU part (2 and 3 at CPU settings).
# Usage: bash scripts/gpu_check.sh            (from the repository root; logs go to build/gpu_check/)
set -uo pipefail
cd "$(dirname "$0")/.."
out=build/gpu_check
mkdir -p "$out"
status=0

step() {  # step NAME COMMAND...: run, keep the log, report the time and the exit code
  local name=$1; shift
  local start=$(date +%s)
  echo "== $name: $*"
  "$@" 2>&1 | tee "$out/$name.log" | tail -n 25
  local rc=${PIPESTATUS[0]}
  echo "== $name: exit $rc in $(( $(date +%s) - start )) s"
  [ "$rc" -eq 0 ] || status=1
}

gpus=$(python -c "import course; course.config.import_tensorflow_quietly(); import tensorflow as tf; \
print(len(tf.config.list_physical_devices('GPU')))" 2>/dev/null || echo 0)
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
python -c "import course; course.setup(verbose=True)"

if [ "${gpus:-0}" -gt 0 ]; then
  echo "GPU found ($gpus): running the GPU check"
  step unit_tests timeout 300 python -m pytest tests -q -n 0 -p no:randomly --ignore=tests/test_browser_jupyterlab.py
  step train_loop timeout 240 python benchmarks/train_loop.py --mixed-precision --jit-compile --rounds 5
  step augment_throughput timeout 120 python benchmarks/augment_throughput.py --rounds 2
  step diffusion_full_mode timeout 400 env COURSE_FAST=0 course run 05_diffusion --output "$out/notebooks"
else
  echo "No GPU on this machine: running the CPU part only (benchmarks at CPU settings; the unit"
  echo "tests and notebooks run in CI). Run this script on a GPU machine for the GPU figures."
  step train_loop timeout 600 python benchmarks/train_loop.py --rounds 5
  step augment_throughput timeout 300 python benchmarks/augment_throughput.py --rounds 2
fi
echo "gpu_check: $([ $status -eq 0 ] && echo ok || echo FAILED) (logs in $out/)"
exit $status
