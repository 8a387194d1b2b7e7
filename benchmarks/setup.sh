#!/usr/bin/env bash
# Install what the benchmark needs and the book's build does not: the peers.
#
#   pandoc        from Debian (apt-get, as root), the peer for EPUB and PDF
#   Jupyter Book  1.x in its own virtual environment, benchmarks/.venv-jb (pinned in
#                 benchmarks/jb-requirements.txt), the peer for HTML and PDF
#
# Run by `make bench` before benchmarks/run.py; `make` and `make test` never pay for it.
# Safe to run again: each step checks first.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

if ! command -v pandoc >/dev/null; then
  if ! command -v apt-get >/dev/null; then
    echo "[bench setup] pandoc is missing and this is not a Debian or Ubuntu system:" >&2
    echo "              install pandoc with your package manager, then run 'make bench' again" >&2
    exit 1
  fi
  if [ "$(id -u)" -eq 0 ]; then SUDO=(); elif command -v sudo >/dev/null; then SUDO=(sudo); else
    echo "[bench setup] root rights are needed to install pandoc: apt-get install pandoc" >&2
    exit 1
  fi
  echo "[bench setup] installing pandoc (Debian)"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends pandoc >/dev/null
fi

JB=benchmarks/.venv-jb
stamp=$JB/.synced
if [ ! -f "$stamp" ] || [ benchmarks/jb-requirements.txt -nt "$stamp" ]; then
  if [ ! -x .venv/bin/uv ]; then
    echo "[bench setup] .venv/bin/uv is missing: run 'make setup' first" >&2
    exit 1
  fi
  echo "[bench setup] installing Jupyter Book into $JB"
  .venv/bin/uv venv --quiet --python "$(command -v python3)" "$JB"
  VIRTUAL_ENV="$ROOT/$JB" .venv/bin/uv pip install --quiet --compile-bytecode \
    -r benchmarks/jb-requirements.txt
  touch "$stamp"
fi
echo "[bench setup] pandoc $(pandoc --version | head -1 | cut -d' ' -f2)," \
  "Jupyter Book $($JB/bin/python -c 'import jupyter_book; print(jupyter_book.__version__)')"
