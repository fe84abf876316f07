#!/usr/bin/env bash
# Runs every test of the repository. On a fresh Debian 12 machine with only the
# .NET SDK it first installs the Debian packages the tests read:
#   libonnx-testdata       ONNX's backend conformance tests (models + reference outputs)
#   dataset-fashion-mnist  Fashion-MNIST's IDX files (the reader's test reads the real test set)
set -euo pipefail
cd "$(dirname "$0")"

missing=()
[ -d /usr/share/libonnx-testdata/data/node ] || missing+=(libonnx-testdata)
[ -f /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz ] || missing+=(dataset-fashion-mnist)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

# The whole solution first: `dotnet test` alone builds only the test projects and their
# references, and the samples and benchmarks must compile too.
dotnet build Compiler.sln -c Release
dotnet test Compiler.sln -c Release --no-build "$@"
