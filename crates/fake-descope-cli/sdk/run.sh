#!/usr/bin/env bash
# Descope's official Node and Python SDKs, at pinned versions, against the fake-descope binary:
# their sign-in and session functions (sdk/node-flow.js, sdk/node-sessions.js,
# sdk/python_sessions.py). Installs the SDKs into a scratch directory (npm and PyPI only), starts
# the fake on a free loopback port, and fails when any step does not go as it would against
# Descope. CI runs it; by hand: bash crates/fake-descope-cli/sdk/run.sh
set -euo pipefail
NODE_SDK_VERSION=2.13.0
PYTHON_SDK_VERSION=2.16.1
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../../.."

work="$(mktemp -d)"
fake_pid=""
cleanup() {
    if [ -n "$fake_pid" ]; then kill "$fake_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

echo "== installing @descope/node-sdk@$NODE_SDK_VERSION and descope==$PYTHON_SDK_VERSION"
(cd "$work" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund "@descope/node-sdk@$NODE_SDK_VERSION" >/dev/null)
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "descope==$PYTHON_SDK_VERSION"

cargo build --locked --quiet -p fake-descope-cli
./target/debug/fake-descope --quiet --project P2aAc4T2V93bddihGEx2Ryhc8e5Z \
    --management-key K2-management-key --user ada@example.com >"$work/url" &
fake_pid=$!
for _ in $(seq 1 100); do
    if [ -s "$work/url" ]; then break; fi
    sleep 0.1
done
base_url="$(head -1 "$work/url")"
if [ -z "$base_url" ]; then echo "fake-descope did not start"; exit 1; fi
echo "== fake-descope at $base_url"

NODE_PATH="$work/node_modules" node "$here/node-flow.js" "$base_url"
NODE_PATH="$work/node_modules" node "$here/node-sessions.js" "$base_url"
"$work/venv/bin/python" "$here/python_sessions.py" "$base_url"
echo "== the official SDKs agree with fake-descope"
