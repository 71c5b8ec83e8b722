#!/usr/bin/env bash
# Takes the README screenshots (assets/screenshots/) of the real window on a private Xvfb display,
# driving it with the keyboard and mouse as a person would. Needs xdotool, xclip and ImageMagick.
# Usage: tests/screenshots.sh [path to the otpvault binary]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-target/debug/otpvault}")
out=$(realpath assets/screenshots)
mkdir -p "$out"
display=":$((300 + $$ % 200))"
home=$(mktemp -d)
Xvfb "$display" -screen 0 1024x768x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
app=""
trap 'kill $app $xvfb 2>/dev/null; rm -rf "$home"' EXIT
sleep 1
export DISPLAY="$display" HOME="$home" XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data"
unset WAYLAND_DISPLAY OTPVAULT_VAULT OTPVAULT_PASSWORD
"$bin" >/dev/null 2>&1 &
app=$!
win=$(xdotool search --sync --name '^otpvault$' | head -1)
sleep 2
shot() { sleep "${2:-1.5}"; import -window "$win" "$out/$1.png"; }
click() { xdotool mousemove --window "$win" "$1" "$2" click 1; }

# First run: create the vault (the password field has the focus).
xdotool windowfocus --sync "$win"
sleep 0.5
xdotool type --delay 20 'correct horse battery staple'
shot create 0.5
xdotool key Tab
xdotool type --delay 20 'correct horse battery staple'
xdotool key Return
sleep 2
# Import a Google Authenticator export link from the clipboard: a checklist of its accounts.
xclip -selection clipboard -in tests/fixtures/gui/migration.txt
xdotool key ctrl+n
sleep 1
xdotool key ctrl+v
shot add-checklist
click 97 516
# Move the pointer off the rows so no row shows as hovered.
xdotool mousemove --window "$win" 455 675
shot codes
# Search as you type.
xdotool type --delay 50 'aws'
shot search
# The enrolment helper, as for an AWS virtual MFA device: paste the secret's link, save, code 1.
xdotool key ctrl+a BackSpace
click 297 20
sleep 1
click 175 370
printf '%s' 'otpauth://totp/Amazon%20Web%20Services:bob@210987654321?secret=MZXW6YTBOI2DKNRXHA4TAMJSGM2DKNRXHA4TAMJSGM2DKNRXHA4TAMJSGM2DKNRX&issuer=Amazon%20Web%20Services' \
  | xclip -selection clipboard -in
xdotool key ctrl+v
shot enrol-seed
click 100 497
shot enrol-codes
