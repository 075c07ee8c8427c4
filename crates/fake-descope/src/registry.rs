//! What the fake knows: projects with their credentials, and users.

use std::collections::{BTreeMap, BTreeSet};

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

    /// The project id.
    pub fn id(&self) -> &str {
        &self.id
    }

    fn merge(&mut self, other: Project) {
        self.management_keys.extend(other.management_keys);
        self.refresh_jwts.extend(other.refresh_jwts);
        self.auth_management_keys.extend(other.auth_management_keys);
    }
}

/// A user, known by login id; an email or phone number gives the embedded
/// link answer its masked fields.
///
/// A login id that looks like an email address (or an E.164 phone number)
/// counts as the user's email (or phone) unless one is set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub(crate) login_id: String,
    pub(crate) email: Option<String>,
    pub(crate) phone: Option<String>,
}

impl User {
    /// A user with this login id.
    pub fn new(login_id: impl Into<String>) -> User {
        User {
            login_id: login_id.into(),
            email: None,
            phone: None,
        }
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

    /// The login id.
    pub fn login_id(&self) -> &str {
        &self.login_id
    }

    /// The email address, set or taken from an email-shaped login id.
    pub(crate) fn email_address(&self) -> Option<&str> {
        self.email
            .as_deref()
            .or_else(|| Some(self.login_id.as_str()).filter(|id| id.contains('@')))
    }

    /// The phone number, set or taken from a phone-shaped login id.
    pub(crate) fn phone_number(&self) -> Option<&str> {
        self.phone.as_deref().or_else(|| {
            let id = self.login_id.as_str();
            let digits = id.strip_prefix('+')?;
            (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(id)
        })
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

/// Projects by id, users by login id, and the license tier.
#[derive(Clone, Debug)]
pub(crate) struct Registry {
    projects: BTreeMap<String, Project>,
    users: BTreeMap<String, User>,
    rate_limit_tier: String,
}

/// The tier the license handshake answers unless told otherwise: the free one.
const DEFAULT_RATE_LIMIT_TIER: &str = "tier1";

impl Default for Registry {
    fn default() -> Self {
        Registry {
            projects: BTreeMap::new(),
            users: BTreeMap::new(),
            rate_limit_tier: DEFAULT_RATE_LIMIT_TIER.to_string(),
        }
    }
}

impl Registry {
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

    /// Adds `user`, replacing any user with the same login id.
    pub(crate) fn add_user(&mut self, user: User) {
        self.users.insert(user.login_id.clone(), user);
    }

    pub(crate) fn project(&self, id: &str) -> Option<&Project> {
        self.projects.get(id)
    }

    pub(crate) fn user(&self, login_id: &str) -> Option<&User> {
        self.users.get(login_id)
    }
}
