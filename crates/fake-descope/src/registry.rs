//! What the fake knows: projects with their credentials, and users.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::bounded::BoundedMap;
use crate::clock::Clock;
use crate::ids::Ids;

/// A Descope project and the credentials the fake accepts for it.
///
/// ```
/// use fake_descope::Project;
///
/// let project = Project::new("P2aAc4T2V93bddihGEx2Ryhc8e5Z")
///     .management_key("K-test-management-key")
///     .refresh_jwt("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJVMSJ9.c2ln");
/// # let _ = project;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Project {
    pub(crate) id: String,
    pub(crate) management_keys: BTreeSet<String>,
    pub(crate) refresh_jwts: BTreeSet<String>,
    pub(crate) auth_management_keys: BTreeSet<String>,
    pub(crate) rotates_refresh_jwts: bool,
}

impl Project {
    /// A project with no credentials yet.
    pub fn new(id: impl Into<String>) -> Project {
        Project {
            id: id.into(),
            ..Project::default()
        }
    }

    /// Accepts `key` as a management key (`Bearer <id>:<key>`).
    pub fn management_key(mut self, key: impl Into<String>) -> Project {
        self.management_keys.insert(key.into());
        self
    }

    /// Accepts `jwt` as a signed-in user's refresh JWT (`Bearer <id>:<jwt>`).
    pub fn refresh_jwt(mut self, jwt: impl Into<String>) -> Project {
        self.refresh_jwts.insert(jwt.into());
        self
    }

    /// Accepts `key` as the optional third part of a refresh-JWT credential
    /// (`Bearer <id>:<jwt>:<key>`).
    pub fn auth_management_key(mut self, key: impl Into<String>) -> Project {
        self.auth_management_keys.insert(key.into());
        self
    }

    /// Rotates refresh JWTs, as the project setting does: each refresh
    /// answers a new refresh JWT, and the one presented stops working.
    pub fn rotate_refresh_jwts(mut self, rotate: bool) -> Project {
        self.rotates_refresh_jwts = rotate;
        self
    }

    /// The project id.
    pub fn id(&self) -> &str {
        &self.id
    }

    fn merge(&mut self, other: Project) {
        self.rotates_refresh_jwts |= other.rotates_refresh_jwts;
        self.management_keys.extend(other.management_keys);
        self.refresh_jwts.extend(other.refresh_jwts);
        self.auth_management_keys.extend(other.auth_management_keys);
    }
}

/// A user, known by login id (one or more); an email or phone number gives
/// the embedded link answer its masked fields.
///
/// A login id that looks like an email address (or an E.164 phone number)
/// counts as the user's email (or phone) unless one is set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub(crate) user_id: String,
    pub(crate) login_ids: Vec<String>,
    pub(crate) email: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) verified_email: bool,
    pub(crate) verified_phone: bool,
    pub(crate) names: Names,
    pub(crate) created_time: u64,
    pub(crate) claims: Claims,
}

/// What a user's session JWTs carry besides Descope's standard claims.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Claims {
    /// `tenants`: tenant id to the user's roles and permissions there.
    pub(crate) tenants: BTreeMap<String, (Vec<String>, Vec<String>)>,
    /// Top-level `roles` and `permissions` (the project's, not a tenant's).
    pub(crate) roles: Vec<String>,
    pub(crate) permissions: Vec<String>,
    /// `dct`: the tenant the user works in now.
    pub(crate) current_tenant: Option<String>,
    /// Claims of the service's own.
    pub(crate) custom: Map<String, Value>,
}

impl Claims {
    /// The authorization claims, in Descope's names; empty ones left out.
    pub(crate) fn descope_claims(&self) -> Map<String, Value> {
        let mut claims = Map::new();
        if !self.tenants.is_empty() {
            let tenants: Map<String, Value> = self
                .tenants
                .iter()
                .map(|(id, (roles, permissions))| {
                    (
                        id.clone(),
                        json!({"roles": roles, "permissions": permissions}),
                    )
                })
                .collect();
            claims.insert("tenants".into(), Value::Object(tenants));
        }
        if !self.roles.is_empty() {
            claims.insert("roles".into(), json!(self.roles));
        }
        if !self.permissions.is_empty() {
            claims.insert("permissions".into(), json!(self.permissions));
        }
        if let Some(tenant) = &self.current_tenant {
            claims.insert("dct".into(), json!(tenant));
        }
        claims
    }
}

/// The name fields of a user, as Descope keeps them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Names {
    pub(crate) name: Option<String>,
    pub(crate) given: Option<String>,
    pub(crate) middle: Option<String>,
    pub(crate) family: Option<String>,
}

impl User {
    /// A user with this login id.
    pub fn new(login_id: impl Into<String>) -> User {
        User {
            user_id: String::new(),
            login_ids: vec![login_id.into()],
            email: None,
            phone: None,
            verified_email: false,
            verified_phone: false,
            names: Names::default(),
            created_time: 0,
            claims: Claims::default(),
        }
    }

    /// Roles and permissions in a tenant (`tenants.<id>` of its sessions).
    pub fn tenant<R, P>(mut self, id: impl Into<String>, roles: R, permissions: P) -> User
    where
        R: IntoIterator,
        R::Item: Into<String>,
        P: IntoIterator,
        P::Item: Into<String>,
    {
        let roles = roles.into_iter().map(Into::into).collect();
        let permissions = permissions.into_iter().map(Into::into).collect();
        self.claims.tenants.insert(id.into(), (roles, permissions));
        self
    }

    /// Project-level roles (`roles` of its sessions).
    pub fn roles<I: IntoIterator<Item = S>, S: Into<String>>(mut self, roles: I) -> User {
        self.claims.roles = roles.into_iter().map(Into::into).collect();
        self
    }

    /// Project-level permissions (`permissions` of its sessions).
    pub fn permissions<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        permissions: I,
    ) -> User {
        self.claims.permissions = permissions.into_iter().map(Into::into).collect();
        self
    }

    /// The tenant the user works in now (`dct` of its sessions).
    pub fn current_tenant(mut self, tenant: impl Into<String>) -> User {
        self.claims.current_tenant = Some(tenant.into());
        self
    }

    /// A claim of the service's own on its sessions; Descope's claims
    /// (`sub`, `iss`, `exp`, ...) keep their values whatever is set here.
    pub fn claim(mut self, name: impl Into<String>, value: impl Into<Value>) -> User {
        self.claims.custom.insert(name.into(), value.into());
        self
    }

    /// The user's email address.
    pub fn email(mut self, email: impl Into<String>) -> User {
        self.email = Some(email.into());
        self
    }

    /// The user's phone number, in E.164.
    pub fn phone(mut self, phone: impl Into<String>) -> User {
        self.phone = Some(phone.into());
        self
    }

    /// The login id the user was created with.
    pub fn login_id(&self) -> &str {
        &self.login_ids[0]
    }

    /// Every login id of the user (a verified phone update with
    /// `addToLoginIDs` adds one).
    pub fn login_ids(&self) -> &[String] {
        &self.login_ids
    }

    /// The fake's id of the user (`U` and 27 characters), the `sub` of the
    /// sessions it issues; empty before the user is registered.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The email address, set or taken from an email-shaped login id.
    pub fn email_address(&self) -> Option<&str> {
        self.email
            .as_deref()
            .or_else(|| Some(self.login_id()).filter(|id| id.contains('@')))
    }

    /// The phone number, set or taken from a phone-shaped login id.
    pub fn phone_number(&self) -> Option<&str> {
        self.phone.as_deref().or_else(|| {
            let id = self.login_id();
            let digits = id.strip_prefix('+')?;
            (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(id)
        })
    }
}

impl User {
    /// The user as Descope answers it; fields the user has no value for
    /// are left out.
    pub(crate) fn to_json(&self) -> Value {
        let mut fields = Map::new();
        fields.insert("loginIds".into(), json!(self.login_ids));
        fields.insert("userId".into(), json!(self.user_id));
        for (name, value) in [
            ("name", self.names.name.as_deref()),
            ("givenName", self.names.given.as_deref()),
            ("middleName", self.names.middle.as_deref()),
            ("familyName", self.names.family.as_deref()),
            ("email", self.email_address()),
            ("phone", self.phone_number()),
        ] {
            if let Some(value) = value {
                fields.insert(name.into(), value.into());
            }
        }
        fields.insert("verifiedEmail".into(), json!(self.verified_email));
        fields.insert("verifiedPhone".into(), json!(self.verified_phone));
        fields.insert("status".into(), json!("enabled"));
        fields.insert("createdTime".into(), json!(self.created_time));
        Value::Object(fields)
    }
}

impl From<&str> for User {
    fn from(login_id: &str) -> User {
        User::new(login_id)
    }
}

impl From<String> for User {
    fn from(login_id: String) -> User {
        User::new(login_id)
    }
}

/// Projects by id, users by id and login id, and the license tier.
#[derive(Debug)]
pub(crate) struct Registry {
    ids: Arc<Ids>,
    clock: Arc<Clock>,
    projects: BTreeMap<String, Project>,
    users: BoundedMap<String, User>,
    /// Login id to user id, for every kept user.
    login_ids: HashMap<String, String>,
    rate_limit_tier: String,
}

/// The tier the license handshake answers unless told otherwise: the free one.
const DEFAULT_RATE_LIMIT_TIER: &str = "tier1";

impl Registry {
    /// A registry that keeps at most `max_users` users, their ids from
    /// `ids`, their creation times from `clock`.
    pub(crate) fn new(max_users: usize, ids: Arc<Ids>, clock: Arc<Clock>) -> Self {
        Registry {
            ids,
            clock,
            projects: BTreeMap::new(),
            users: BoundedMap::new(max_users),
            login_ids: HashMap::new(),
            rate_limit_tier: DEFAULT_RATE_LIMIT_TIER.to_string(),
        }
    }

    /// The `rateLimitTier` the license handshake answers.
    pub(crate) fn rate_limit_tier(&self) -> &str {
        &self.rate_limit_tier
    }

    /// Answers later handshakes with `tier`.
    pub(crate) fn set_rate_limit_tier(&mut self, tier: String) {
        self.rate_limit_tier = tier;
    }

    /// Adds `project`, or its credentials to the project of the same id.
    pub(crate) fn add_project(&mut self, project: Project) {
        match self.projects.get_mut(&project.id) {
            Some(known) => known.merge(project),
            None => {
                self.projects.insert(project.id.clone(), project);
            }
        }
    }

    /// Adds `user`, replacing any user with one of its login ids, and
    /// returns it as kept (with its user id).
    pub(crate) fn add_user(&mut self, mut user: User) -> &User {
        for login_id in &user.login_ids {
            if let Some(known) = self.login_ids.get(login_id).cloned() {
                self.remove_user(&known);
            }
        }
        if user.user_id.is_empty() {
            user.user_id = format!("U{}", &self.ids.id()[..27]);
        }
        if user.created_time == 0 {
            user.created_time = self.clock.now();
        }
        let id = user.user_id.clone();
        for login_id in &user.login_ids {
            self.login_ids.insert(login_id.clone(), id.clone());
        }
        for (_, evicted) in self.users.insert(id.clone(), user) {
            self.forget_login_ids(&evicted);
        }
        self.users.get(&id).expect("just kept")
    }

    /// Adds `login_id` to the user `user_id`; another user who had it loses it.
    pub(crate) fn add_login_id(&mut self, user_id: &str, login_id: &str) {
        if let Some(other) = self.login_ids.get(login_id).cloned() {
            if other == user_id {
                return;
            }
            if let Some(user) = self.users.get_mut(&other) {
                user.login_ids.retain(|id| id != login_id);
            }
        }
        if let Some(user) = self.users.get_mut(&user_id.to_string()) {
            user.login_ids.push(login_id.to_string());
            self.login_ids
                .insert(login_id.to_string(), user_id.to_string());
        }
    }

    fn remove_user(&mut self, user_id: &str) {
        if let Some(user) = self.users.remove(&user_id.to_string()) {
            self.forget_login_ids(&user);
        }
    }

    fn forget_login_ids(&mut self, user: &User) {
        for login_id in &user.login_ids {
            if self.login_ids.get(login_id) == Some(&user.user_id) {
                self.login_ids.remove(login_id);
            }
        }
    }

    /// The id of the one project registered, if there is exactly one.
    pub(crate) fn only_project(&self) -> Option<&str> {
        match self.projects.len() {
            1 => self.projects.keys().next().map(String::as_str),
            _ => None,
        }
    }

    pub(crate) fn project(&self, id: &str) -> Option<&Project> {
        self.projects.get(id)
    }

    /// The user with this login id.
    pub(crate) fn user(&self, login_id: &str) -> Option<&User> {
        self.users.get(self.login_ids.get(login_id)?)
    }

    /// The user with this user id.
    pub(crate) fn user_by_id(&self, user_id: &str) -> Option<&User> {
        self.users.get(&user_id.to_string())
    }

    /// The user with this login id, to change.
    pub(crate) fn user_mut(&mut self, login_id: &str) -> Option<&mut User> {
        let id = self.login_ids.get(login_id)?.clone();
        self.users.get_mut(&id)
    }

    /// How many users were dropped to keep within the bound.
    pub(crate) fn users_dropped(&self) -> u64 {
        self.users.dropped()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn registry(max_users: usize) -> Registry {
        Registry::new(max_users, Arc::default(), Arc::default())
    }

    #[test]
    fn users_are_found_by_every_login_id_and_bounded() {
        let mut registry = registry(2);
        let ada = registry
            .add_user(User::new("ada@example.com"))
            .user_id
            .clone();
        assert!(ada.starts_with('U') && ada.len() == 28, "{ada}");
        registry.add_login_id(&ada, "+12025550123");
        assert_eq!(registry.user("+12025550123").unwrap().user_id, ada);
        registry.add_user(User::new("grace@example.com"));
        registry.add_user(User::new("lin@example.com"));
        assert!(
            registry.user("ada@example.com").is_none(),
            "the oldest went"
        );
        assert!(
            registry.user("+12025550123").is_none(),
            "with all its login ids"
        );
        assert_eq!(registry.users_dropped(), 1);
        // Its login ids left the index too, which the bound keeps small.
        assert_eq!(registry.login_ids.len(), 2);
        // A user registered again under a known login id replaces the old one.
        registry.add_user(User::new("lin@example.com").phone("+15550000000"));
        assert_eq!(registry.users.len(), 2);
        assert_eq!(
            registry.user("lin@example.com").unwrap().phone.as_deref(),
            Some("+15550000000")
        );
    }

    #[test]
    fn a_user_registered_again_replaces_the_one_kept() {
        let mut registry = registry(10);
        let first = registry.add_user(User::new("ada")).user_id.clone();
        let again = registry.add_user(User::new("ada")).user_id.clone();
        assert_eq!(registry.users.len(), 1, "the first one went");
        assert!(registry.user_by_id(&first).is_none() && first != again);
    }

    #[test]
    fn a_login_id_moves_to_the_user_it_is_added_to() {
        let mut registry = registry(10);
        let ada = registry.add_user(User::new("ada")).user_id.clone();
        let grace = registry.add_user(User::new("grace")).user_id.clone();
        registry.add_login_id(&grace, "+15550000000");
        registry.add_login_id(&ada, "+15550000000");
        assert_eq!(registry.user("+15550000000").unwrap().user_id, ada);
        assert_eq!(registry.user_by_id(&grace).unwrap().login_ids, ["grace"]);
        // Added again to the user who has it: no change.
        registry.add_login_id(&ada, "+15550000000");
        let ids = &registry.user_by_id(&ada).unwrap().login_ids;
        assert_eq!(ids, &["ada", "+15550000000"]);
    }
}
