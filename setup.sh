#!/usr/bin/env bash
# Set up policyclip on this machine and render the bundled example brief.
#
# Installs the system parts (espeak-ng for offline speech, a CJK font, Python's venv module) with
# apt-get on Debian/Ubuntu or Homebrew on macOS, creates .venv with policyclip and its test tools,
# then renders examples/liushui-lianfei.yaml into ./out. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")"

say() { printf 'setup: %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "need root for: $*"; exit 1; fi
}

has_cjk_font() {
  for dir in /usr/share/fonts /usr/local/share/fonts "$HOME/.local/share/fonts" \
             "$HOME/Library/Fonts" /Library/Fonts; do
    [ -d "$dir" ] && find "$dir" \( -iname 'NotoSansCJK*' -o -iname 'NotoSansSC*' \) \
      -print -quit 2>/dev/null | grep -q . && return 0
  done
  return 1
}

if command -v apt-get >/dev/null; then
  packages=()
  command -v python3 >/dev/null || packages+=(python3)
  python3 -c 'import ensurepip, venv' 2>/dev/null || packages+=(python3-venv)
  command -v espeak-ng >/dev/null || packages+=(espeak-ng)
  has_cjk_font || packages+=(fonts-noto-cjk)
  if [ ${#packages[@]} -gt 0 ]; then
    say "installing ${packages[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${packages[@]}" >/dev/null
  fi
elif command -v brew >/dev/null; then
  command -v espeak-ng >/dev/null || brew install espeak-ng
  has_cjk_font || brew install --cask font-noto-sans-cjk-sc
else
  say "no apt-get or brew: install espeak-ng and a Noto Sans CJK font yourself (see README)"
fi

if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  python3 -m venv .venv
fi
say "installing policyclip into .venv"
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test,bench]'

.venv/bin/policyclip doctor || true
say "rendering the bundled example"
.venv/bin/policyclip render examples/liushui-lianfei.yaml --out out
say "done: open out/liushui-lianfei.mp4; activate with: source .venv/bin/activate"
