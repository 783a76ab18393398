#!/usr/bin/env bash
# setup.sh — install the Debian bookworm packages leasesim needs (only those missing) and
# build the Release preset. Safe to run repeatedly. Usage: bash scripts/setup.sh [preset]
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"

packages=(
  cmake ninja-build g++ pkg-config
  libboost1.81-dev nlohmann-json3-dev catch2 libbenchmark-dev libcli11-dev libfmt-dev libyaml-cpp-dev
  libimgui-dev libstb-dev libglfw3-dev libgl-dev libopengl-dev
  libgl1-mesa-dri libglx-mesa0 xvfb xauth
  clang-14 libclang-rt-14-dev   # scripts/fuzz.sh: libFuzzer, ASan, UBSan
)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: packages are missing and this is not root; run as root or install: ${missing[*]}" >&2
    exit 2
  fi
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
