//! The test project and its credentials: obviously fake values, each holding
//! a marker (`SECRET`) that the secret-handling tests search output for.

/// A 28-character project id: routed to the default base URL.
pub const PROJECT: &str = "P2aAc4T2V93bddihGEx2Ryhc8e5Z";
/// The project's management key.
pub const MANAGEMENT_KEY: &str = "K2mgmt-key-SECRET-value";
/// The project's auth management key (third part of a user credential).
pub const AUTH_MANAGEMENT_KEY: &str = "AMK-auth-mgmt-SECRET";
/// A signed-in user's refresh JWT: three base64url parts.
pub const REFRESH_JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJTRUNSRVQifQ.c2lnU0VDUkVU";
/// The registered user.
pub const USER: &str = "ada@example.com";
/// The user's phone number, in E.164.
pub const USER_PHONE: &str = "+447700900123";
/// A one-time link token, as a magic link or an embedded link hands it to
/// the user: what the tests verify (`VerifyMagicLink`). Not shaped like a
/// JWT, so that only the client's knowing it keeps it out of its output.
pub const LINK_TOKEN: &str = "LT-link-token-SECRET";
