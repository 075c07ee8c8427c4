//! The fake's own fixtures: a fake that knows the test project (testkit's
//! credentials) and its user, a client pointed at it, and the two
//! operations' paths and the bearers for raw requests.

use descope_ergonomic::DescopeClient;
use descope_spec::Operation;
use descope_testkit::client::builder;
use descope_testkit::credentials::{
    AUTH_MANAGEMENT_KEY, MANAGEMENT_KEY, PROJECT, REFRESH_JWT, USER, USER_PHONE,
};
use fake_descope::{FakeDescope, FakeDescopeBuilder, Project, User};

/// The path of the update-phone operation (user credential).
pub const UPDATE_PHONE: &str = Operation::UpdateUserPhoneMagicLinkSms.path();
/// The path of the embedded-link operation (management credential).
pub const EMBEDDED_LINK: &str = Operation::EmbeddedLinkSignin.path();

/// The test project with all three kinds of credential.
fn project() -> Project {
    Project::new(PROJECT)
        .management_key(MANAGEMENT_KEY)
        .refresh_jwt(REFRESH_JWT)
        .auth_management_key(AUTH_MANAGEMENT_KEY)
}

/// A strict fake that knows the test project and its user, to set up further.
pub fn fake_builder() -> FakeDescopeBuilder {
    FakeDescope::builder()
        .project(project())
        .user(User::new(USER).phone(USER_PHONE))
}

/// A strict fake that knows the test project and its user.
pub async fn fake() -> FakeDescope {
    fake_builder().start().await
}

/// A client for the fake whose retries do not wait.
pub fn client(fake: &FakeDescope) -> DescopeClient {
    builder(fake.base_url()).build().expect("the client builds")
}

/// The management credential of the test project.
pub fn management_bearer() -> String {
    format!("{PROJECT}:{MANAGEMENT_KEY}")
}

/// The user credential of the test project.
pub fn user_bearer() -> String {
    format!("{PROJECT}:{REFRESH_JWT}")
}

/// The claims of a JWT, unverified (the tests that need them verified do so).
pub fn payload(jwt: &str) -> serde_json::Value {
    use base64::Engine as _;
    let part = jwt.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}
