#!/usr/bin/env bash
# Pictures of the live view for docs/: runs a command in the real pwsh inside a detached tmux of a given size, waits,
# captures the screen with its colours and has headless Chromium take a picture of it.
# Usage: tools/screenshots/capture.sh OUT.png COLUMNS ROWS SECONDS 'PowerShell command' [KEYS...]
# Needs: tmux, chromium, node, the module in out/Tokentap (dotnet build) and the test pwsh (dotnet build tests/Tokentap.Pwsh).
set -euo pipefail
out=$1 cols=$2 rows=$3 wait=$4 command=$5; shift 5
root=$(cd "$(dirname "$0")/../.." && pwd)
pwsh=${PWSH:-$root/tests/Tokentap.Pwsh/bin/Debug/net10.0/pwsh}
socket=tokentap-shot-$$
work=$(mktemp -d)
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
home=${TOKENTAP_HOME:-$work/home}
tmux -L "$socket" new-session -d -s shot -x "$cols" -y "$rows" \
  -e TERM=xterm-256color -e COLORTERM=truecolor -e "TOKENTAP_HOME=$home" -e HOME="$work" \
  "$pwsh" -NoProfile -NoLogo -Command "Import-Module '$root/out/Tokentap/Tokentap.psd1'; $command"
sleep "$wait"
for key in "$@"; do tmux -L "$socket" send-keys -t shot "$key"; sleep 1; done
tmux -L "$socket" capture-pane -p -e -t shot > "$work/screen.ans"
node "$root/tools/screenshots/ansi-to-html.mjs" < "$work/screen.ans" > "$work/screen.html"
# DejaVu Sans Mono at 15px: 9.04 px a column, 18.75 px a row, plus the page's padding.
width=$(( cols * 904 / 100 + 30 )) height=$(( rows * 1875 / 100 + 26 ))
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
  --window-size="$width,$height" --screenshot="$work/shot.png" "file://$work/screen.html" >/dev/null 2>&1
cp "$work/shot.png" "$out"
echo "$out: ${cols}x${rows} terminal, ${width}x${height} px"
