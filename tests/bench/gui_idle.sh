#!/usr/bin/env bash
# Runs the window benchmark (tests/bench/gui_idle.rs) on a private Xvfb display, optimised build.
set -euo pipefail
cd "$(dirname "$0")/../.."
display=":$((200 + $$ % 300))"
Xvfb "$display" -screen 0 1024x768x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb' EXIT
sleep 1
DISPLAY="$display" WAYLAND_DISPLAY= cargo bench --bench gui_idle "$@"
