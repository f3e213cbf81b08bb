#!/usr/bin/env bash
# Installs the public clients veeam-em and cvpysdk in a virtual environment and
# runs them, unchanged, against `sessionconf serve` for each dialect.
# Usage: tests/public_clients/run.sh   (from the repository; builds the binary if needed)
set -euo pipefail
cd "$(dirname "$0")/../.."

venv=target/public-clients-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q --disable-pip-version-check veeam-em==2022.11.0 cvpysdk==11.44

cargo build -q --locked
bin=target/debug/sessionconf
dir=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

start() {
  "$bin" serve --dialect "$1" >"$dir/$1.url" 2>"$dir/$1.log" &
  pids+=($!)
  for _ in $(seq 100); do
    [ -s "$dir/$1.url" ] && return 0
    sleep 0.1
  done
  echo "the $1 reference server did not start:" >&2
  cat "$dir/$1.log" >&2
  return 1
}
start veeam-em
start commvault
em=$(head -n1 "$dir/veeam-em.url")
cv=$(head -n1 "$dir/commvault.url")

# veeam-em appends /api itself; cvpysdk takes the web service without the last slash.
timeout 120 "$venv/bin/python" tests/public_clients/clients.py "${em%/api/}" "${cv%/}"
