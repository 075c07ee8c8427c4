//! [`ValidSession`]: a session JWT that passed every check, its claims
//! read, and the authorization questions a service asks of it.

use std::collections::BTreeMap;
use std::fmt;
use std::time::SystemTime;

use serde_json::{Map, Value};

use super::token::TenantAccess;
use crate::credentials::ProjectId;
use crate::secret::SessionJwt;

/// A session JWT that passed every check: signed by a key of the project,
/// issued for it, a session JWT (not a refresh JWT), within its lifetime.
/// Its `Debug` shows the claims, never the token.
#[derive(Clone)]
#[non_exhaustive]
pub struct ValidSession {
    pub(crate) jwt: SessionJwt,
    pub(crate) project_id: ProjectId,
    pub(crate) user_id: String,
    pub(crate) session_id: Option<String>,
    pub(crate) token_id: Option<String>,
    pub(crate) issued_at: Option<SystemTime>,
    pub(crate) expires_at: SystemTime,
    pub(crate) auth_methods: Vec<String>,
    pub(crate) stepped_up: bool,
    pub(crate) current_tenant: Option<String>,
    pub(crate) tenants: BTreeMap<String, TenantAccess>,
    pub(crate) roles: Vec<String>,
    pub(crate) permissions: Vec<String>,
    pub(crate) audience: Vec<String>,
    pub(crate) claims: Map<String, Value>,
}

impl ValidSession {
    /// The user's id: `dsub` when the token has it (Descope's override, as
    /// the Go and Python SDKs read it), else `sub`.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The project the session is of (the validator's: `iss` named it).
    pub fn project_id(&self) -> &ProjectId {
        &self.project_id
    }

    /// The session's id (`sid`), the same across its refreshes.
    pub fn session_id(&self) -> Option<&str> {
        self.session_id.as_deref()
    }

    /// This token's own id (`jti`).
    pub fn token_id(&self) -> Option<&str> {
        self.token_id.as_deref()
    }

    /// When the token was issued (`iat`), when it says.
    pub fn issued_at(&self) -> Option<SystemTime> {
        self.issued_at
    }

    /// When the token expires (`exp`, which every session JWT has).
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    /// How the user authenticated (`amr`), such as `["email"]`.
    pub fn auth_methods(&self) -> &[String] {
        &self.auth_methods
    }

    /// Whether the session is stepped up (`su`).
    pub fn stepped_up(&self) -> bool {
        self.stepped_up
    }

    /// The tenant the user is working in (`dct`), when the project sets one.
    pub fn current_tenant(&self) -> Option<&str> {
        self.current_tenant.as_deref()
    }

    /// Every tenant the token names (`tenants`), with the user's roles and
    /// permissions in it, by tenant id.
    pub fn tenants(&self) -> impl Iterator<Item = (&str, &TenantAccess)> {
        self.tenants
            .iter()
            .map(|(id, access)| (id.as_str(), access))
    }

    /// The user's roles and permissions in `tenant`: its entry in `tenants`
    /// or, when `tenants` has none and `dct` names `tenant`, the top-level
    /// [`roles`](Self::roles) and [`permissions`](Self::permissions) (Descope
    /// puts a current tenant's grants there; the Go SDK reads them so).
    /// `None` when the user is not in the tenant.
    pub fn tenant(&self, tenant: &str) -> Option<TenantGrants<'_>> {
        if let Some(access) = self.tenants.get(tenant) {
            return Some(TenantGrants {
                roles: &access.roles,
                permissions: &access.permissions,
            });
        }
        (self.current_tenant.as_deref() == Some(tenant)).then_some(TenantGrants {
            roles: &self.roles,
            permissions: &self.permissions,
        })
    }

    /// The user's project-level roles (`roles`).
    pub fn roles(&self) -> &[String] {
        &self.roles
    }

    /// The user's project-level permissions (`permissions`).
    pub fn permissions(&self) -> &[String] {
        &self.permissions
    }

    /// The audiences the token names (`aud`); empty when it names none.
    pub fn audience(&self) -> &[String] {
        &self.audience
    }

    /// A custom claim (one that is neither registered nor Descope's own,
    /// such as a project's `plan`), as JSON.
    pub fn claim(&self, name: &str) -> Option<&Value> {
        self.claims.get(name)
    }

    /// Every custom claim, by name.
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// The token itself, to pass on (it prints as `[REDACTED]`).
    pub fn jwt(&self) -> &SessionJwt {
        &self.jwt
    }

    /// Whether the user has every one of `roles` at project level (true for
    /// none asked).
    pub fn has_roles<R: AsRef<str>>(&self, roles: &[R]) -> bool {
        holds_all(&self.roles, roles)
    }

    /// Whether the user has every one of `permissions` at project level.
    pub fn has_permissions<P: AsRef<str>>(&self, permissions: &[P]) -> bool {
        holds_all(&self.permissions, permissions)
    }

    /// Which of `roles` the user has at project level, in the order asked:
    /// any-of is `!matched_roles(..).is_empty()`.
    pub fn matched_roles<R: AsRef<str>>(&self, roles: &[R]) -> Vec<&str> {
        matched(&self.roles, roles)
    }

    /// Which of `permissions` the user has at project level, in the order asked.
    pub fn matched_permissions<P: AsRef<str>>(&self, permissions: &[P]) -> Vec<&str> {
        matched(&self.permissions, permissions)
    }

    /// Whether the user is in `tenant` (see [`tenant`](Self::tenant)).
    pub fn is_in_tenant(&self, tenant: &str) -> bool {
        self.tenant(tenant).is_some()
    }

    /// Whether the user is in `tenant` with every one of `roles` there
    /// (false when not in the tenant, whatever is asked).
    pub fn has_tenant_roles<R: AsRef<str>>(&self, tenant: &str, roles: &[R]) -> bool {
        self.tenant(tenant)
            .is_some_and(|grants| holds_all(grants.roles, roles))
    }

    /// Whether the user is in `tenant` with every one of `permissions` there.
    pub fn has_tenant_permissions<P: AsRef<str>>(&self, tenant: &str, permissions: &[P]) -> bool {
        self.tenant(tenant)
            .is_some_and(|grants| holds_all(grants.permissions, permissions))
    }

    /// Which of `roles` the user has in `tenant`, in the order asked.
    pub fn matched_tenant_roles<R: AsRef<str>>(&self, tenant: &str, roles: &[R]) -> Vec<&str> {
        self.tenant(tenant)
            .map(|grants| matched(grants.roles, roles))
            .unwrap_or_default()
    }

    /// Which of `permissions` the user has in `tenant`, in the order asked.
    pub fn matched_tenant_permissions<P: AsRef<str>>(
        &self,
        tenant: &str,
        permissions: &[P],
    ) -> Vec<&str> {
        self.tenant(tenant)
            .map(|grants| matched(grants.permissions, permissions))
            .unwrap_or_default()
    }
}

/// A user's roles and permissions in one tenant; see [`ValidSession::tenant`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TenantGrants<'s> {
    /// The roles.
    pub roles: &'s [String],
    /// The permissions.
    pub permissions: &'s [String],
}

fn holds_all<A: AsRef<str>>(held: &[String], asked: &[A]) -> bool {
    asked
        .iter()
        .all(|one| held.iter().any(|h| h == one.as_ref()))
}

fn matched<'s, A: AsRef<str>>(held: &'s [String], asked: &[A]) -> Vec<&'s str> {
    asked
        .iter()
        .filter_map(|one| held.iter().find(|h| *h == one.as_ref()).map(String::as_str))
        .collect()
}

impl fmt::Debug for ValidSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ValidSession")
            .field("jwt", &self.jwt)
            .field("project_id", &self.project_id)
            .field("user_id", &self.user_id)
            .field("session_id", &self.session_id)
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .field("auth_methods", &self.auth_methods)
            .field("stepped_up", &self.stepped_up)
            .field("current_tenant", &self.current_tenant)
            .field("tenants", &self.tenants)
            .field("roles", &self.roles)
            .field("permissions", &self.permissions)
            .field("audience", &self.audience)
            .field("claims", &self.claims.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}
