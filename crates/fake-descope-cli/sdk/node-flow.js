// The sign-in flow of Descope's official Node SDK against a running fake:
//   fake-descope --project P2aAc4T2V93bddihGEx2Ryhc8e5Z --management-key K2-management-key --user ada@example.com &
//   npm install @descope/node-sdk && node node-flow.js http://127.0.0.1:8089
// It exits non-zero when a step does not go as Descope's own service would have it.
const sdk = require('@descope/node-sdk');
const DescopeClient = sdk.default || sdk;

function expect(what, ok) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) process.exitCode = 1;
}

(async () => {
  const baseUrl = process.argv[2] || 'http://127.0.0.1:8089';
  const projectId = 'P2aAc4T2V93bddihGEx2Ryhc8e5Z';
  const client = DescopeClient({ projectId, managementKey: 'K2-management-key', baseUrl });

  const link = await client.management.user.generateEmbeddedLink('ada@example.com', { plan: 'pro' });
  expect('sign-in embedded link', link.ok);
  const verified = await client.magicLink.verify(link.data.token);
  expect('verify the token', verified.ok);
  // validateSession fetches the fake's keys (GET /v2/keys/<projectId>) and checks the JWT.
  const info = await client.validateSession(verified.data.sessionJwt);
  expect('the session validates against the fake\'s JWKS', info.token.sub === verified.data.user.userId);
  expect('the link\'s custom claims are on the session', info.token.plan === 'pro');
  const again = await client.magicLink.verify(link.data.token);
  expect('a second verify is refused', !again.ok && again.error.errorCode === 'E061102');

  const signup = await client.management.user.generateSignUpEmbeddedLink(
    'grace@example.com',
    { name: 'Grace Hopper', givenName: 'Grace', phone: '+12025550199', email: 'grace@example.com' },
    true, false, { customClaims: { plan: 'team' } }, 300,
  );
  expect('sign-up embedded link', signup.ok);
  const first = await client.magicLink.verify(signup.data.token);
  expect('its verify starts a first session', first.ok && first.data.firstSeen === true);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
