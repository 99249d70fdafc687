#!/bin/sh
# cross/check-embedded.sh [TARGET...]: compile modules as Embedded Swift for x86_64 without
# linking the product: a quick check that code stays inside the Embedded subset.
set -eu
cd "$(dirname "$0")/.."
mkdir -p .cross
cross/toolset.sh x86_64 / > .cross/toolset-x86_64.json
[ $# -gt 0 ] || set -- ucagent
for t in "$@"; do
  swift build -c release --triple x86_64-unknown-linux-gnu --toolset .cross/toolset-x86_64.json \
    --scratch-path .build-embedded/check --target "$t"
done
