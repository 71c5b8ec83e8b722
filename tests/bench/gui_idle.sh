#!/usr/bin/env bash
# Runs the window benchmark (tests/bench/gui_idle.rs) on a private Xvfb display, optimised build,
# in a private D-Bus session with an unlocked gnome-keyring for the vault's keyring slot.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${OTPVAULT_BENCH_SESSION:-}" ]; then
  export OTPVAULT_BENCH_SESSION=1
  exec dbus-run-session -- "$0" "$@"
fi
keyring_home=$(mktemp -d)
export XDG_DATA_HOME="$keyring_home/data" XDG_CONFIG_HOME="$keyring_home/config"
printf 'otpvault-bench' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
display=":$((200 + $$ % 300))"
Xvfb "$display" -screen 0 1024x768x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb; rm -rf "$keyring_home"' EXIT
sleep 1
DISPLAY="$display" WAYLAND_DISPLAY= cargo bench --bench gui_idle "$@"
