#!/usr/bin/env bash
# Install what the benchmark needs and the book's build does not: the peers.
#
#   pandoc        from Debian (apt-get, as root), the peer for EPUB and PDF, with the TeX
#                 Live its PDF and Jupyter Book's need (the book's own PDF needs no TeX)
#   Jupyter Book  1.x in its own virtual environment, benchmarks/.venv-jb (pinned in
#                 benchmarks/jb-requirements.txt), the peer for HTML and PDF
#
# Run by `make bench` before benchmarks/run.py; `make` and `make test` never pay for it.
# Safe to run again: each step checks first.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# Debian package -> a file that shows it is installed.  The peers' PDFs need TeX, which the
# book itself no longer does (its PDF is typeset by Typst from PyPI): pandoc's PDF runs
# xelatex with the Linux Libertine fonts, Jupyter Book's runs latexmk, xelatex and xindy.
PEER_PACKAGES=(
  "pandoc:/usr/bin/pandoc"
  "texlive-xetex:/usr/bin/xelatex"
  "texlive-latex-extra:/usr/share/texlive/texmf-dist/tex/latex/titlesec/titlesec.sty"
  "texlive-lang-european:/usr/share/texlive/texmf-dist/tex/generic/hyph-utf8/loadhyph/loadhyph-hu.tex"
  "texlive-fonts-recommended:/usr/share/texlive/texmf-dist/fonts/tfm/adobe/times"
  "lmodern:/usr/share/texlive/texmf-dist/fonts/type1/public/lm"
  "latexmk:/usr/bin/latexmk"
  "xindy:/usr/bin/xindy"
  "fonts-linuxlibertine:/usr/share/fonts/opentype/linux-libertine/LinLibertine_R.otf"
  "fonts-freefont-otf:/usr/share/fonts/opentype/freefont/FreeSerif.otf"
)
missing=()
for item in "${PEER_PACKAGES[@]}"; do
  compgen -G "${item#*:}" >/dev/null || missing+=("${item%%:*}")
done
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "[bench setup] the peers need these and this is not a Debian or Ubuntu system:" >&2
    echo "              install them with your package manager, then run 'make bench' again:" >&2
    echo "              ${missing[*]}" >&2
    exit 1
  fi
  if [ "$(id -u)" -eq 0 ]; then SUDO=(); elif command -v sudo >/dev/null; then SUDO=(sudo); else
    echo "[bench setup] root rights are needed: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "[bench setup] installing the peers' tools (Debian): ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
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
