#!/usr/bin/env bash
# Makes a copy of a node-llama-cpp install (see engine/README.md) whose llama.cpp cannot use AMX: the copy lacks the
# ggml CPU library built for AMX (sapphirerapids), so ggml loads the best remaining one (zen4 on a Sapphire Rapids
# CPU: AVX-512 with VNNI). With AMX, llama.cpp copies every quantized matrix at load into an AMX tile layout; without
# it, Q8_0, Q6_K and the other types it has no repacked kernel for stay in the file's mapping, as Baton's weights do
# (Q4_0 and Q4_K are still repacked, into CPU_REPACK buffers). bench.mjs reports which library ran and where the
# weights lived, so compare.mjs --llama-mapped-dir can show both references side by side.
#
#   bench/llamacpp/no-amx-install.sh [SOURCE_DIR (~/baton-llama)] [TARGET_DIR (~/baton-llama-no-amx)]
set -euo pipefail
source="${1:-$HOME/baton-llama}"
target="${2:-$HOME/baton-llama-no-amx}"
bins="node_modules/@node-llama-cpp/linux-x64/bins/linux-x64"
[[ -d "$source/$bins" ]] || { echo "no node-llama-cpp install at $source (see engine/README.md)" >&2; exit 2; }
rm -rf "$target"
cp -a "$source" "$target"
rm -f "$target/$bins"/libggml-cpu-sapphirerapids.so
echo "$target: llama.cpp without its AMX CPU library"
