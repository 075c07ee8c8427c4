"""Descope's official Python SDK validating session JWTs, for `descope-bench --validation`, which
installs the SDK (pinned) in a virtual environment under target/, starts this script once and
keeps it for every round.
  python python_validate.py <base URL of a fake-descope> <tokens.json>
tokens.json: {"projectId": "...", "userId": "...", "tokens": ["<session JWT>", ...]}.
It validates every token once (the SDK fetches the key set and caches it), prints one JSON line
{"ready": true, ...}, then for each line read from stdin (a window in milliseconds) validates the
tokens in turn for that long and prints one JSON line: {"validations": n, "wallSecs": s,
"cpuSecs": s} (CPU from time.process_time()). An empty line or the end of stdin ends it. A token
that does not validate ends it with an error.
"""

import json
import platform
import sys
import time
from importlib.metadata import version

from descope import DescopeClient


def main(base_url, tokens_file):
    with open(tokens_file, encoding="utf-8") as file:
        given = json.load(file)
    tokens = given["tokens"]
    client = DescopeClient(given["projectId"], base_url=base_url)

    for token in tokens:
        sub = client.validate_session(token).get("sub")
        if sub != given["userId"]:
            raise SystemExit(f"python_validate: validate_session answered sub {sub}")
    print(json.dumps({
        "ready": True,
        "sdk": f"descope {version('descope')}",
        "runtime": f"python {platform.python_version()}",
    }), flush=True)

    for line in sys.stdin:
        line = line.strip()
        if not line:
            break
        window = float(line) / 1e3
        validate = client.validate_session
        cpu_before = time.process_time()
        start = time.perf_counter()
        now = start
        validations = 0
        while now - start < window:
            for token in tokens:
                validate(token)
            validations += len(tokens)
            now = time.perf_counter()
        cpu = time.process_time() - cpu_before
        print(json.dumps({"validations": validations, "wallSecs": now - start, "cpuSecs": cpu}),
              flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
