#!/usr/bin/env bash
# Set up everything the editions and the tests need, installing only what is missing.
#
#   1. System tools from Debian/Ubuntu packages, in two kinds:
#      - to build the three editions: Python's venv, git and make; nothing else, since the
#        PDF is typeset by Typst from PyPI and its fonts ship inside Python packages;
#      - for the tests only: Java (epubcheck), poppler-utils and qpdf (PDF checks), Chromium
#        (browser checks), Node.js and npm (the HTML and EPUB checkers).
#      Installed with apt-get as root or through sudo.  Where there is no apt-get (macOS,
#      Windows, other Linux), a missing build tool stops setup and is named; missing test
#      tools are named as what `make test` will lack, and the editions still build.
#   2. Python packages, pinned by uv.lock, into .venv (uv itself is pinned below).
#   3. Node packages, pinned by booktools/node/package-lock.json, into booktools/node/node_modules
#      (only where npm is installed: they serve the tests).
#
# Safe to run again: each step checks first and does nothing when all is in place.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
UV_VERSION=0.13.8

# Debian package -> a file that shows it is installed (cheaper and surer than dpkg for some).
BUILD_PACKAGES=(
  "python3-venv:/usr/lib/python3/dist-packages/../../python3*/ensurepip"
  "git:/usr/bin/git"
  "make:/usr/bin/make"
)
TEST_PACKAGES=(
  "default-jre-headless:/usr/bin/java"
  "poppler-utils:/usr/bin/pdftotext"
  "qpdf:/usr/bin/qpdf"
  "chromium:/usr/bin/chromium"
  "nodejs:/usr/bin/node"
  "npm:/usr/bin/npm"
)

# missing_from LIST...: the packages of LIST whose probe finds nothing.
missing_from() {
  local item pkg probe
  for item in "$@"; do
    pkg=${item%%:*}
    probe=${item#*:}
    if [ "$pkg" = python3-venv ]; then
      python3 -c 'import ensurepip, venv' 2>/dev/null || echo "$pkg"
      continue
    fi
    # shellcheck disable=SC2086  # the probe may hold a glob
    compgen -G "$probe" >/dev/null || echo "$pkg"
  done
}
mapfile -t missing_build < <(missing_from "${BUILD_PACKAGES[@]}")
mapfile -t missing_test < <(missing_from "${TEST_PACKAGES[@]}")
missing=("${missing_build[@]}" "${missing_test[@]}")

if [ ${#missing[@]} -gt 0 ]; then
  SUDO=()
  can_install=yes
  if ! command -v apt-get >/dev/null; then
    can_install=no
  elif [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then SUDO=(sudo); else can_install=no; fi
  fi
  if [ "$can_install" = yes ]; then
    echo "[setup] installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update -qq
    "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    if [ ${#missing_build[@]} -gt 0 ]; then
      echo "[setup] the build needs these tools: install them (or their equivalents) with" >&2
      echo "        your package manager, then run 'make' again: ${missing_build[*]}" >&2
      exit 1
    fi
    echo "[setup] the editions build without them, but 'make test' will lack these test tools"
    echo "        (Debian/Ubuntu package names; install the equivalents to run every test):"
    echo "        ${missing_test[*]}"
  fi
fi

# Python: a virtual environment with uv, then the locked dependencies.
if [ ! -x .venv/bin/uv ]; then
  echo "[setup] creating .venv with uv $UV_VERSION"
  python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
fi
stamp=.venv/.synced
if [ ! -f "$stamp" ] || [ uv.lock -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "[setup] installing Python packages from uv.lock"
  # --inexact keeps uv itself, which is not in the lock; --frozen: the lock is the truth.
  # --compile-bytecode: imports stay fast even where PYTHONDONTWRITEBYTECODE is set.
  VIRTUAL_ENV="$ROOT/.venv" .venv/bin/uv sync --frozen --inexact --compile-bytecode --quiet
  touch "$stamp"
fi

# Node: the EPUB and HTML checkers (Ace by DAISY, the Nu HTML checker), from the lock file.
NODE_DIR=booktools/node
if [ -f "$NODE_DIR/package-lock.json" ] && ! command -v npm >/dev/null; then
  echo "[setup] no npm: the Node checkers (Ace, the Nu HTML checker) of 'make test' are missing"
elif [ -f "$NODE_DIR/package-lock.json" ]; then
  nstamp=$NODE_DIR/node_modules/.synced
  if [ ! -f "$nstamp" ] || [ "$NODE_DIR/package-lock.json" -nt "$nstamp" ]; then
    echo "[setup] installing Node packages from $NODE_DIR/package-lock.json"
    (cd "$NODE_DIR" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
    touch "$nstamp"
  fi
fi
echo "[setup] everything is in place"
