#!/usr/bin/env bash
# Set up everything the editions and the tests need, installing only what is missing.
#
#   1. System tools from Debian/Ubuntu packages: TeX Live (xelatex, latexmk, xindy), the
#      book's fonts, librsvg2-bin (SVG figures in the PDF), Java (epubcheck), poppler-utils
#      and qpdf (PDF tests), Chromium (browser tests), Node.js and npm (HTML and EPUB checkers).
#      Installed with apt-get as root or through sudo; elsewhere we stop and name the packages.
#   2. Python packages, pinned by uv.lock, into .venv (uv itself is pinned below).
#   3. Node packages, pinned by booktools/node/package-lock.json, into booktools/node/node_modules.
#
# Safe to run again: each step checks first and does nothing when all is in place.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
UV_VERSION=0.13.8

# Debian package -> a file that shows it is installed (cheaper and surer than dpkg for some).
PACKAGES=(
  "python3-venv:/usr/lib/python3/dist-packages/../../python3*/ensurepip"
  "texlive-xetex:/usr/bin/xelatex"
  "texlive-latex-extra:/usr/share/texlive/texmf-dist/tex/latex/titlesec/titlesec.sty"
  "texlive-lang-european:/usr/share/texlive/texmf-dist/tex/generic/hyph-utf8/loadhyph/loadhyph-hu.tex"
  "texlive-fonts-recommended:/usr/share/texlive/texmf-dist/fonts/tfm/adobe/times"
  "latexmk:/usr/bin/latexmk"
  "xindy:/usr/bin/xindy"
  "fonts-linuxlibertine:/usr/share/fonts/opentype/linux-libertine/LinLibertine_R.otf"
  "fonts-freefont-otf:/usr/share/fonts/opentype/freefont/FreeSerif.otf"
  "librsvg2-bin:/usr/bin/rsvg-convert"
  "default-jre-headless:/usr/bin/java"
  "poppler-utils:/usr/bin/pdftotext"
  "qpdf:/usr/bin/qpdf"
  "chromium:/usr/bin/chromium"
  "nodejs:/usr/bin/node"
  "npm:/usr/bin/npm"
  "git:/usr/bin/git"
  "make:/usr/bin/make"
)

missing=()
for item in "${PACKAGES[@]}"; do
  pkg=${item%%:*}
  probe=${item#*:}
  if [ "$pkg" = python3-venv ]; then
    python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=("$pkg")
    continue
  fi
  # shellcheck disable=SC2086  # the probe may hold a glob
  compgen -G "$probe" >/dev/null || missing+=("$pkg")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "[setup] installing system packages: ${missing[*]}"
  if ! command -v apt-get >/dev/null; then
    echo "[setup] this is not a Debian or Ubuntu system. Install these packages (or their" >&2
    echo "        equivalents) with your package manager, then run 'make' again:" >&2
    echo "        ${missing[*]}" >&2
    exit 1
  fi
  if [ "$(id -u)" -eq 0 ]; then SUDO=(); elif command -v sudo >/dev/null; then SUDO=(sudo); else
    echo "[setup] root rights are needed to install: ${missing[*]}" >&2
    echo "        run as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
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
if [ -f "$NODE_DIR/package-lock.json" ]; then
  nstamp=$NODE_DIR/node_modules/.synced
  if [ ! -f "$nstamp" ] || [ "$NODE_DIR/package-lock.json" -nt "$nstamp" ]; then
    echo "[setup] installing Node packages from $NODE_DIR/package-lock.json"
    (cd "$NODE_DIR" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
    touch "$nstamp"
  fi
fi
echo "[setup] everything is in place"
