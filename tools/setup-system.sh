#!/usr/bin/env bash
# Install the Debian packages the course needs, if they are missing: Chromium (the browser test),
# Node.js with npm (the widget assets the book serves itself), and a software TPM 2.0 with its tools
# (swtpm, tpm2-tools: the Nitro tests check PCR arithmetic against a real TPM).
# Needs root, or the packages already there.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
command -v swtpm >/dev/null 2>&1 || need+=(swtpm swtpm-tools)
command -v tpm2_pcrextend >/dev/null 2>&1 || need+=(tpm2-tools)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing system packages: ${need[*]}; install them (sudo apt-get install ${need[*]}) and run make again" >&2
  exit 1
fi
echo "installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
