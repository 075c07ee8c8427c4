//! The service: its configuration and its routes.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use descope_axum::{Require, Session, SessionLayer, SessionValidator};
use descope_ergonomic::session::{CookieSettings, SessionTokens};
use descope_ergonomic::DescopeClient;
use serde::Deserialize;
use serde_json::json;

/// What the service reads from its environment.
pub struct Config {
    pub client: DescopeClient,
    pub port: u16,
    /// `false` leaves `Secure` off the cookies, for plain http on loopback.
    pub secure_cookies: bool,
    /// The validator; `None` for the client's default one.
    pub validator: Option<SessionValidator>,
}

impl Config {
    /// `DESCOPE_PROJECT_ID`, `DESCOPE_MANAGEMENT_KEY`, `DESCOPE_BASE_URL`
    /// (through `DescopeClient::from_env`), `PORT` (default 3000) and
    /// `SECURE_COOKIES` (default true).
    pub fn from_env() -> Result<Config, String> {
        let client = DescopeClient::from_env().map_err(|e| e.to_string())?;
        let port = match std::env::var("PORT") {
            Ok(port) => port
                .parse()
                .map_err(|_| format!("PORT {port:?} is not a port"))?,
            Err(_) => 3000,
        };
        let secure_cookies = std::env::var("SECURE_COOKIES").map_or(true, |v| v != "false");
        Ok(Config {
            client,
            port,
            secure_cookies,
            validator: None,
        })
    }
}

struct App {
    client: DescopeClient,
    cookies: CookieSettings,
}

/// The routes; `/me`, `/admin`, `/phone` and `/logout` behind the session layer.
pub fn router(config: &Config) -> Router {
    let cookies = CookieSettings::default().secure(config.secure_cookies);
    let validator = config
        .validator
        .clone()
        .unwrap_or_else(|| config.client.session_validator());
    let app = Arc::new(App {
        client: config.client.clone(),
        cookies: cookies.clone(),
    });
    let signed_in = Router::new()
        .route("/me", get(me))
        .route(
            "/admin",
            get(admin).route_layer(Require::roles(["admin"]).layer()),
        )
        .route("/phone", post(phone))
        .route("/logout", post(logout))
        .layer(SessionLayer::new(validator).cookie_settings(cookies));
    Router::new()
        .route("/sign-in", post(sign_in))
        .route("/verify", get(verify))
        .merge(signed_in)
        .with_state(app)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignIn {
    login_id: String,
}

/// An embedded sign-in link for the user. A real service sends it by email;
/// this one answers it, so that a script can follow it.
async fn sign_in(State(app): State<Arc<App>>, Json(input): Json<SignIn>) -> Response {
    match app
        .client
        .management()
        .users()
        .embedded_link(input.login_id)
        .send()
        .await
    {
        Ok(link) => {
            let link = format!("/verify?t={}", link.token().expose_secret());
            Json(json!({ "link": link })).into_response()
        }
        Err(error) if refused_input(&error) => StatusCode::BAD_REQUEST.into_response(),
        Err(_) => StatusCode::BAD_GATEWAY.into_response(),
    }
}

#[derive(Deserialize)]
struct Verify {
    t: String,
}

/// Verifies the link's token and starts the session: the two cookies.
async fn verify(State(app): State<Arc<App>>, Query(query): Query<Verify>) -> Response {
    match app.client.magic_link().verify(query.t).send().await {
        Ok(session) => {
            let mut response = Json(json!({ "userId": session.user().map(|u| u.user_id.clone()) }))
                .into_response();
            for cookie in session.set_cookies(&app.cookies) {
                response.headers_mut().append(SET_COOKIE, cookie);
            }
            response
        }
        Err(_) => StatusCode::UNAUTHORIZED.into_response(),
    }
}

/// The signed-in user, as the session says.
async fn me(session: Session) -> Json<serde_json::Value> {
    Json(json!({
        "userId": session.user_id(),
        "roles": session.roles(),
        "currentTenant": session.current_tenant(),
    }))
}

/// For admins only (the route's guard).
async fn admin(session: Session) -> Json<serde_json::Value> {
    Json(json!({ "admin": session.user_id() }))
}

#[derive(Deserialize)]
struct Phone {
    phone: String,
}

/// Sends the signed-in user a magic link by SMS to make `phone` theirs.
async fn phone(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Json(input): Json<Phone>,
) -> Response {
    let Some(refresh_jwt) = SessionTokens::from_headers(&headers).refresh else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let me = match app.client.sessions().me(&refresh_jwt).send().await {
        Ok(me) => me,
        Err(_) => return StatusCode::UNAUTHORIZED.into_response(),
    };
    let Some(login_id) = me.login_ids.first() else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    match app
        .client
        .magic_link()
        .update_phone_sms(&refresh_jwt, login_id, input.phone)
        .send()
        .await
    {
        Ok(sent) => Json(json!({ "maskedPhone": sent.masked_phone() })).into_response(),
        Err(error) if refused_input(&error) => StatusCode::BAD_REQUEST.into_response(),
        Err(_) => StatusCode::BAD_GATEWAY.into_response(),
    }
}

/// Whether Descope (or the client, before sending) refused what the user gave.
fn refused_input(error: &descope_ergonomic::Error) -> bool {
    matches!(error, descope_ergonomic::Error::Validation(_))
        || error.status().is_some_and(|s| s.is_client_error())
}

/// Ends the session at Descope and clears the cookies.
async fn logout(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Some(refresh_jwt) = SessionTokens::from_headers(&headers).refresh {
        // Already ended or not: the browser forgets it either way.
        let _ = app.client.sessions().logout(&refresh_jwt).send().await;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    for cookie in app.cookies.clear_cookies() {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}
