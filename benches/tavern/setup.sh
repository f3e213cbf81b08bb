#!/usr/bin/env bash
# A virtual environment with Tavern, for the side-by-side flow benchmark.
set -euo pipefail
cd "$(dirname "$0")"
[ -x venv/bin/python ] || python3 -m venv venv
venv/bin/pip install -q --disable-pip-version-check tavern==3.7.1 "pytest>=8,<9"
