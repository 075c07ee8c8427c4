// Descope's official Node SDK validating session JWTs, for `descope-bench --validation`, which
// installs the SDK (pinned) under target/, starts this script once and keeps it for every round.
//   node node-validate.js <base URL of a fake-descope> <tokens.json>
// tokens.json: {"projectId": "...", "userId": "...", "tokens": ["<session JWT>", ...]}.
// It validates every token once (the SDK fetches the key set and caches it), prints one JSON
// line {"ready": true, ...}, then for each line read from stdin (a window in milliseconds)
// validates the tokens in turn, one at a time, for that long and prints one JSON line:
// {"validations": n, "wallSecs": s, "cpuSecs": s} (CPU from process.cpuUsage(), user + system).
// An empty line or the end of stdin ends it. A token that does not validate ends it with an error.
const fs = require('fs');
const readline = require('readline');
const sdk = require('@descope/node-sdk');
const DescopeClient = sdk.default || sdk;
// The package's exports hide its package.json: read it next to the entry point (dist/cjs/).
const path = require('path');
const sdkRoot = path.resolve(path.dirname(require.resolve('@descope/node-sdk')), '..', '..');
const { version } = JSON.parse(fs.readFileSync(path.join(sdkRoot, 'package.json'), 'utf8'));

(async () => {
  const [baseUrl, tokensFile] = process.argv.slice(2);
  const { projectId, userId, tokens } = JSON.parse(fs.readFileSync(tokensFile, 'utf8'));
  const client = DescopeClient({ projectId, baseUrl });

  for (const token of tokens) {
    const info = await client.validateSession(token);
    if (info.token.sub !== userId) throw new Error(`validateSession answered sub ${info.token.sub}`);
  }
  console.log(JSON.stringify({ ready: true, sdk: `@descope/node-sdk ${version}`, runtime: `node ${process.version}` }));

  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    const windowMs = Number(line.trim());
    if (!(windowMs > 0)) break;
    const cpuBefore = process.cpuUsage();
    const start = process.hrtime.bigint();
    const end = start + BigInt(Math.round(windowMs * 1e6));
    let now = start;
    let validations = 0;
    while (now < end) {
      for (const token of tokens) {
        await client.validateSession(token);
      }
      validations += tokens.length;
      now = process.hrtime.bigint();
    }
    const cpu = process.cpuUsage(cpuBefore);
    console.log(JSON.stringify({
      validations,
      wallSecs: Number(now - start) / 1e9,
      cpuSecs: (cpu.user + cpu.system) / 1e6,
    }));
  }
})().catch((error) => {
  console.error(`node-validate: ${error}`);
  process.exit(1);
});
