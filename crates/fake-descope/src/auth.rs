//! The `Authorization` check: `Bearer <ProjectId>:<RefreshJWT>[:<AuthManagementKey>]`
//! or `Bearer <ProjectId>:<ManagementKey>`, against the registered projects.
//!
//! Messages never repeat a secret: a client may log them.

use http::HeaderValue;

use crate::refusal::Refusal;
use crate::registry::Project;
use crate::service::State;
use crate::session::Sessions;
use descope_spec::Credential;

/// What a valid credential says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Checked<'h> {
    pub(crate) project_id: &'h str,
    /// The refresh JWT of a refresh-JWT credential; empty otherwise.
    pub(crate) refresh_jwt: &'h str,
}

/// Checks `header` for an endpoint that takes `kind`. A permissive fake
/// accepts unknown projects and secrets, as long as the secret has the shape
/// of the kind expected (a refresh JWT has three dot-separated parts, a
/// management key does not); registered secrets are still told apart. A
/// refresh JWT the fake signed for the project is accepted here; whether its
/// session still lives is each operation's to check (a logout ends a session
/// by any of its refresh JWTs, a refresh wants the current one).
pub(crate) fn check<'h>(
    header: Option<&'h HeaderValue>,
    kind: Credential,
    state: &State,
    permissive: bool,
) -> Result<Checked<'h>, Refusal> {
    let registry = &state.registry;
    let header = header.ok_or_else(|| {
        Refusal::unauthorized(
            "The Authorization header is missing: send `Bearer <ProjectId>:<credential>`",
        )
    })?;
    let value = header
        .to_str()
        .map_err(|_| Refusal::unauthorized("The Authorization header is not ASCII"))?;
    let token = value
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .ok_or_else(|| {
            Refusal::unauthorized(
                "The Authorization header must be `Bearer <ProjectId>:<credential>`",
            )
        })?;
    let parts: Vec<&str> = token.split(':').collect();
    let well_formed =
        kind.part_counts().contains(&parts.len()) && parts.iter().all(|part| !part.is_empty());
    if !well_formed {
        return Err(Refusal::unauthorized(format!(
            "The bearer credential must be `{}`",
            kind.bearer_format()
        )));
    }
    let project_id = parts[0];
    let mut checked = Checked {
        project_id,
        refresh_jwt: "",
    };
    let unknown = Project::new(project_id);
    let project = match registry.project(project_id) {
        Some(project) => project,
        None if permissive => &unknown,
        None => {
            return Err(Refusal::unauthorized(format!(
                "The project id {project_id:?} is not known"
            )))
        }
    };
    match kind {
        // The project id alone: known (or permissive), nothing more to check.
        Credential::ProjectId => {}
        Credential::ProjectRefreshJwt => {
            // Well-formed: the parts its scheme requires are there.
            let secret = parts[1];
            if project.management_keys.contains(secret) {
                return Err(Refusal::forbidden(
                    "A management key cannot stand for a user's refresh JWT",
                ));
            }
            let accepted = project.refresh_jwts.contains(secret)
                || Sessions::signed_for(&state.keys, secret, project_id, state.clock.now())
                || (permissive && looks_like_jwt(secret));
            if !accepted {
                return Err(if permissive {
                    Refusal::forbidden("The credential is not shaped like a refresh JWT")
                } else {
                    Refusal::unauthorized("The refresh JWT is unknown or expired")
                });
            }
            if let Some(auth_key) = parts.get(2) {
                if !project.auth_management_keys.contains(*auth_key) && !permissive {
                    return Err(Refusal::unauthorized(
                        "The auth management key is not known",
                    ));
                }
            }
            checked.refresh_jwt = secret;
        }
        Credential::ProjectManagementKey => {
            let secret = parts[1];
            if project.refresh_jwts.contains(secret) {
                return Err(Refusal::forbidden(
                    "A refresh JWT cannot stand for a management key",
                ));
            }
            let accepted =
                project.management_keys.contains(secret) || (permissive && !looks_like_jwt(secret));
            if !accepted {
                return Err(if permissive {
                    Refusal::forbidden("A refresh JWT cannot stand for a management key")
                } else {
                    Refusal::unauthorized("The management key is not known")
                });
            }
        }
    }
    Ok(checked)
}

/// Three non-empty base64url segments joined by dots: the shape of a JWT.
fn looks_like_jwt(secret: &str) -> bool {
    let segments: Vec<&str> = secret.split('.').collect();
    segments.len() == 3
        && segments.iter().all(|segment| {
            !segment.is_empty()
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'=')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::registry::User;
    use crate::service::Setup;
    use crate::session::Grant;

    fn state() -> State {
        let mut state = State::new(&Setup::default());
        state.registry.add_project(
            Project::new("P1")
                .management_key("mgmt")
                .refresh_jwt("a.b.c")
                .auth_management_key("amk"),
        );
        state
    }

    fn status(header: Option<&str>, kind: Credential, permissive: bool) -> u16 {
        let header = header.map(|h| HeaderValue::from_str(h).unwrap());
        match check(header.as_ref(), kind, &state(), permissive) {
            Ok(_) => 200,
            Err(refusal) => refusal.status,
        }
    }

    #[test]
    fn strict_credentials() {
        use Credential::{ProjectManagementKey as ManagementKey, ProjectRefreshJwt as RefreshJwt};
        assert_eq!(status(Some("Bearer P1:a.b.c"), RefreshJwt, false), 200);
        assert_eq!(status(Some("bearer P1:a.b.c:amk"), RefreshJwt, false), 200);
        assert_eq!(
            status(Some("Bearer P1:a.b.c:other"), RefreshJwt, false),
            401
        );
        assert_eq!(status(Some("Bearer P1:mgmt"), ManagementKey, false), 200);
        assert_eq!(status(None, ManagementKey, false), 401);
        assert_eq!(status(Some("Basic P1:mgmt"), ManagementKey, false), 401);
        assert_eq!(status(Some("Bearer P1"), ManagementKey, false), 401);
        assert_eq!(status(Some("Bearer P1:"), ManagementKey, false), 401);
        assert_eq!(status(Some("Bearer P1:mgmt:x"), ManagementKey, false), 401);
        assert_eq!(status(Some("Bearer P2:mgmt"), ManagementKey, false), 401);
        assert_eq!(status(Some("Bearer P1:other"), ManagementKey, false), 401);
        assert_eq!(status(Some("Bearer P1:mgmt"), RefreshJwt, false), 403);
        assert_eq!(status(Some("Bearer P1:a.b.c"), ManagementKey, false), 403);
    }

    #[test]
    fn permissive_credentials_still_need_the_right_shape() {
        use Credential::{ProjectManagementKey as ManagementKey, ProjectRefreshJwt as RefreshJwt};
        assert_eq!(status(Some("Bearer P9:x.y.z"), RefreshJwt, true), 200);
        assert_eq!(status(Some("Bearer P9:x.y.z:any"), RefreshJwt, true), 200);
        assert_eq!(status(Some("Bearer P9:some-key"), ManagementKey, true), 200);
        assert_eq!(status(Some("Bearer P9:some-key"), RefreshJwt, true), 403);
        assert_eq!(status(Some("Bearer P9:x.y.z"), ManagementKey, true), 403);
        assert_eq!(status(Some("Bearer P1:mgmt"), RefreshJwt, true), 403);
        assert_eq!(status(None, RefreshJwt, true), 401);
    }

    #[test]
    fn the_project_id_alone_and_issued_refresh_jwts() {
        use Credential::{ProjectId, ProjectRefreshJwt as RefreshJwt};
        assert_eq!(status(Some("Bearer P1"), ProjectId, false), 200);
        assert_eq!(status(Some("Bearer P2"), ProjectId, false), 401);
        assert_eq!(status(Some("Bearer P1:mgmt"), ProjectId, false), 401);
        assert_eq!(status(Some("Bearer P9"), ProjectId, true), 200);
        let mut state = state();
        let user = state.registry.add_user(User::new("ada")).clone();
        let issuer = crate::session::Issuer {
            keys: &state.keys,
            ids: &state.ids,
            now: state.clock.now(),
            lifetimes: state.lifetimes,
        };
        let expirations = issuer.default_expirations();
        let issued = state
            .sessions
            .start(&issuer, "P1", &user, Grant::default(), expirations);
        let jwt = issued.refresh_jwt.unwrap();
        let header = HeaderValue::from_str(&format!("Bearer P1:{jwt}")).unwrap();
        let checked = check(Some(&header), RefreshJwt, &state, false).map_err(|r| r.status);
        assert_eq!(
            checked.map(|c| (c.project_id, c.refresh_jwt)),
            Ok(("P1", jwt.as_str()))
        );
        let other_fake = check(Some(&header), RefreshJwt, &self::state(), false);
        assert_eq!(other_fake.map_err(|r| r.status), Err(401));
    }

    #[test]
    fn a_jwt_is_three_non_empty_base64url_segments() {
        for jwt in ["x.y.z", "a-_.b=.c9", "A.B.C"] {
            assert!(looks_like_jwt(jwt), "{jwt}");
        }
        for not in [
            "x.y", "x.y.z.w", ".y.z", "x..z", "x.y.", "x.y.z+", "x/.y.z", "x.y!.z", "",
        ] {
            assert!(!looks_like_jwt(not), "{not}");
        }
    }

    #[test]
    fn each_refusal_says_why() {
        use Credential::{ProjectManagementKey as ManagementKey, ProjectRefreshJwt as RefreshJwt};
        let message = |header: &str, kind, permissive| {
            let header = HeaderValue::from_str(header).unwrap();
            check(Some(&header), kind, &state(), permissive)
                .unwrap_err()
                .message
        };
        assert_eq!(
            message("Bearer P2:a.b.c", RefreshJwt, false),
            "The project id \"P2\" is not known"
        );
        assert_eq!(
            message("Bearer P1:x.y.z", RefreshJwt, false),
            "The refresh JWT is unknown or expired"
        );
        assert_eq!(
            message("Bearer P1:other", ManagementKey, false),
            "The management key is not known"
        );
        assert_eq!(
            message("Bearer P1:a.b.c:other", RefreshJwt, false),
            "The auth management key is not known"
        );
        assert_eq!(
            message("Bearer P1", ManagementKey, true),
            "The bearer credential must be `<ProjectId>:<ManagementKey>`"
        );
    }
}
