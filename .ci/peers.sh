#!/usr/bin/env bash
# Installs the third-party peers the tests talk to: socat and mbpoll (the
# Modbus interop tests), tmux (the terminal the control end-to-end tests
# run the kiosk in) and systemd (systemd-analyze checks the units in
# deploy/), mosquitto (the MQTT broker of the fleet tests), openssl (the
# certificates of the fleet's TLS tests) and espeak-ng
# (the kiosk's spoken prompts, rendered to a file by the speech test) from Debian,
# and pymodbus and aiosmtpd (an SMTP server for the
# notification tests) in <repo>/.venv. Idempotent and quiet.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sudo=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi

missing=()
command -v socat >/dev/null 2>&1 || missing+=(socat)
command -v mbpoll >/dev/null 2>&1 || missing+=(mbpoll)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
if [ "${#missing[@]}" -gt 0 ]; then
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

venv="$repo/.venv"
if ! "$venv/bin/python" -c 'import pymodbus, serial, aiosmtpd' >/dev/null 2>&1; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "pymodbus==3.8.6" "pyserial==3.5" "aiosmtpd==1.4.6"
fi
