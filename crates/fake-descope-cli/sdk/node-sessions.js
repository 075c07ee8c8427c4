// The session functions of Descope's official Node SDK against a running fake, as a Node
// service uses them: sign-in by embedded link, validateSession, refreshSession,
// validateAndRefreshSession of an expired session, me, a key rotation, logout and the refresh
// after it refused, logoutAll. Run by run.sh; by hand:
//   fake-descope --project P2aAc4T2V93bddihGEx2Ryhc8e5Z --management-key K2-management-key &
//   node node-sessions.js http://127.0.0.1:<port>
const sdk = require('@descope/node-sdk');
const DescopeClient = sdk.default || sdk;

const projectId = 'P2aAc4T2V93bddihGEx2Ryhc8e5Z';

function expect(what, ok) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} node: ${what}`);
  if (!ok) process.exitCode = 1;
}

async function refused(promise) {
  try {
    await promise;
    return false;
  } catch (error) {
    return true;
  }
}

async function control(baseUrl, path, body) {
  const response = await fetch(`${baseUrl}/_fake/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`control ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

(async () => {
  const baseUrl = process.argv[2] || 'http://127.0.0.1:8089';
  const client = DescopeClient({ projectId, managementKey: 'K2-management-key', baseUrl });
  const loginId = 'node-user@example.com';
  await control(baseUrl, 'users', {
    loginId,
    tenants: { T1: { roles: ['admin'], permissions: ['billing.read'] } },
    currentTenant: 'T1',
  });

  const link = await client.management.user.generateEmbeddedLink(loginId, { plan: 'pro' });
  const signedIn = await client.magicLink.verify(link.data.token);
  expect('sign-in by embedded link and verify', signedIn.ok);
  const { sessionJwt, refreshJwt } = signedIn.data;

  const info = await client.validateSession(sessionJwt);
  expect('validateSession reads the RS256 key set', info.token.sub === signedIn.data.user.userId);
  expect('the session carries the user\'s tenants', info.token.tenants.T1.roles[0] === 'admin');
  expect('getMatchedTenantRoles', client.getMatchedTenantRoles(info, 'T1', ['admin']).length === 1);
  expect('the current tenant (dct)', info.token.dct === 'T1');

  const refreshed = await client.refreshSession(refreshJwt);
  expect('refreshSession answers a valid session', refreshed.token.sub === info.token.sub);

  const expired = await control(baseUrl, 'sessions', { loginId, projectId, expired: true });
  expect('an expired session does not validate', await refused(client.validateSession(expired.sessionJwt)));
  const renewed = await client.validateAndRefreshSession(expired.sessionJwt, expired.refreshJwt);
  expect('validateAndRefreshSession refreshes an expired session', renewed.token.sub === info.token.sub);

  const me = await client.me(refreshJwt);
  expect('me answers the user', me.ok && me.data.loginIds[0] === loginId);

  await control(baseUrl, 'keys/rotate', {});
  const afterRotation = await client.refreshSession(refreshJwt);
  expect('a session signed by the rotated-in key validates', afterRotation.token.sub === info.token.sub);
  expect('a session of the key before still validates in its grace', (await client.validateSession(sessionJwt)).token.sub === info.token.sub);

  const loggedOut = await client.logout(refreshJwt);
  expect('logout', loggedOut.ok);
  expect('a refresh after logout is refused', await refused(client.refreshSession(refreshJwt)));
  const meAfter = await client.me(refreshJwt);
  expect('me after logout is refused', !meAfter.ok && meAfter.error.errorCode === 'E061004');

  const one = await control(baseUrl, 'sessions', { loginId, projectId });
  const two = await control(baseUrl, 'sessions', { loginId, projectId });
  expect('logoutAll', (await client.logoutAll(one.refreshJwt)).ok);
  expect('logoutAll ended the other device too', await refused(client.refreshSession(two.refreshJwt)));

  // A project that rotates refresh JWTs: each refresh answers a new one.
  const rotatingId = 'P2rotating0000000000000000000';
  await control(baseUrl, 'projects', { id: rotatingId, rotateRefreshJwts: true });
  const rotating = DescopeClient({ projectId: rotatingId, baseUrl });
  const first = await control(baseUrl, 'sessions', { loginId, projectId: rotatingId });
  const next = await rotating.refreshSession(first.refreshJwt);
  expect('with rotation, refreshSession answers a new refresh JWT', !!next.refreshJwt && next.refreshJwt !== first.refreshJwt);
  expect('and the one before is refused', await refused(rotating.refreshSession(first.refreshJwt)));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
