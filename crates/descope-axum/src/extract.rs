//! The axum extractor of the session the layer validated.

use std::ops::Deref;

use axum_core::extract::{FromRequestParts, OptionalFromRequestParts};
use axum_core::response::{IntoResponse, Response};
use descope_ergonomic::session::ValidSession;
use http::header::WWW_AUTHENTICATE;
use http::request::Parts;
use http::{HeaderValue, StatusCode};

/// The request's valid session, as [`SessionLayer`](crate::SessionLayer) put
/// it in the request's extensions. As a handler argument it answers 401
/// when there is none (a route outside the layer, or an optional layer
/// without a session); `Option<Session>` lets the handler decide.
///
/// ```no_run
/// use descope_axum::Session;
///
/// async fn me(session: Session) -> String {
///     format!("hello {}", session.user_id())
/// }
///
/// async fn home(session: Option<Session>) -> &'static str {
///     if session.is_some() { "welcome back" } else { "sign in" }
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Session(pub ValidSession);

impl Deref for Session {
    type Target = ValidSession;

    fn deref(&self) -> &ValidSession {
        &self.0
    }
}

/// The answer when a handler asks for a [`Session`] and the request has
/// none: 401 with `WWW-Authenticate: Bearer`, no body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionRejection;

impl IntoResponse for SessionRejection {
    fn into_response(self) -> Response {
        let mut response = StatusCode::UNAUTHORIZED.into_response();
        response
            .headers_mut()
            .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        response
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Session {
    type Rejection = SessionRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<ValidSession>()
            .cloned()
            .map(Session)
            .ok_or(SessionRejection)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for Session {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<ValidSession>().cloned().map(Session))
    }
}
