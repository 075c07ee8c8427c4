"""The session functions of Descope's official Python SDK against a running fake, as a Python
service uses them: sign-in by embedded link, validate_session, refresh_session,
validate_and_refresh_session of an expired session, me, a key rotation, logout and the refresh
after it refused, logout_all. Run by run.sh; by hand:
  fake-descope --project P2aAc4T2V93bddihGEx2Ryhc8e5Z --management-key K2-management-key &
  python python_sessions.py http://127.0.0.1:<port>
"""

import json
import sys
import urllib.request

from descope import AuthException, DescopeClient

PROJECT_ID = "P2aAc4T2V93bddihGEx2Ryhc8e5Z"
failed = False


def expect(what, ok):
    global failed
    print(f"{'ok  ' if ok else 'FAIL'} python: {what}")
    failed = failed or not ok


def refused(call):
    try:
        call()
        return False
    except AuthException:
        return True


def control(base_url, path, body):
    request = urllib.request.Request(
        f"{base_url}/_fake/{path}",
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def main(base_url):
    client = DescopeClient(PROJECT_ID, management_key="K2-management-key", base_url=base_url)
    login_id = "python-user@example.com"
    control(base_url, "users", {
        "loginId": login_id,
        "tenants": {"T1": {"roles": ["admin"], "permissions": ["billing.read"]}},
        "roles": ["support"],
    })

    token = client.mgmt.user.generate_embedded_link(login_id, {"plan": "pro"})
    signed_in = client.magiclink.verify(token)
    session_jwt = signed_in["sessionToken"]["jwt"]
    refresh_jwt = signed_in["refreshSessionToken"]["jwt"]
    expect("sign-in by embedded link and verify", bool(session_jwt and refresh_jwt))

    info = client.validate_session(session_jwt)
    user_id = info["sub"]
    expect("validate_session reads the RS256 key set", bool(user_id))
    expect("validate_tenant_roles", client.validate_tenant_roles(info, "T1", ["admin"]))
    expect("validate_roles (top-level)", client.validate_roles(info, ["support"]))
    expect("the link's custom claims", info.get("plan") == "pro")

    refreshed = client.refresh_session(refresh_jwt)
    expect("refresh_session answers a valid session", refreshed["sessionToken"]["sub"] == user_id)

    expired = control(base_url, "sessions", {"loginId": login_id, "projectId": PROJECT_ID, "expired": True})
    expect("an expired session does not validate",
           refused(lambda: client.validate_session(expired["sessionJwt"])))
    renewed = client.validate_and_refresh_session(expired["sessionJwt"], expired["refreshJwt"])
    expect("validate_and_refresh_session refreshes an expired session",
           renewed["sessionToken"]["sub"] == user_id)

    me = client.me(refresh_jwt)
    expect("me answers the user", me["loginIds"] == [login_id])

    control(base_url, "keys/rotate", {})
    after = client.refresh_session(refresh_jwt)
    expect("a session signed by the rotated-in key validates", after["sessionToken"]["sub"] == user_id)

    client.logout(refresh_jwt)
    expect("a refresh after logout is refused", refused(lambda: client.refresh_session(refresh_jwt)))
    expect("me after logout is refused", refused(lambda: client.me(refresh_jwt)))

    one = control(base_url, "sessions", {"loginId": login_id, "projectId": PROJECT_ID})
    two = control(base_url, "sessions", {"loginId": login_id, "projectId": PROJECT_ID})
    client.logout_all(one["refreshJwt"])
    expect("logout_all ended the other device too",
           refused(lambda: client.refresh_session(two["refreshJwt"])))

    # A project that rotates refresh JWTs: each refresh answers a new one.
    rotating_id = "P2rotating0000000000000000000"
    control(base_url, "projects", {"id": rotating_id, "rotateRefreshJwts": True})
    rotating = DescopeClient(rotating_id, base_url=base_url)
    first = control(base_url, "sessions", {"loginId": login_id, "projectId": rotating_id})
    rotated = rotating.refresh_session(first["refreshJwt"])["refreshSessionToken"]["jwt"]
    expect("with rotation, refresh_session answers a new refresh JWT", rotated != first["refreshJwt"])
    expect("and the one before is refused",
           refused(lambda: rotating.refresh_session(first["refreshJwt"])))
    expect("the new one refreshes", bool(rotating.refresh_session(rotated)["sessionToken"]["jwt"]))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8089")
    sys.exit(1 if failed else 0)
