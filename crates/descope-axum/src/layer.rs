//! The session layer: each request's session validated (and refreshed when
//! it expired and a refresh JWT is there) before the service sees it, the
//! valid session in the request's extensions, refreshed cookies on the
//! response.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use descope_ergonomic::session::{
    CookieNames, CookieSettings, SessionError, SessionTokens, SessionValidator, ValidSession,
};
use http::header::{SET_COOKIE, WWW_AUTHENTICATE};
use http::{HeaderValue, Request, Response, StatusCode};
use tower_layer::Layer;
use tower_service::Service;

use crate::flights::{Flights, Outcome};

/// Validates the session of every request; see the crate's docs.
///
/// ```no_run
/// # fn example(client: descope_ergonomic::DescopeClient) {
/// use descope_axum::SessionLayer;
///
/// let layer = SessionLayer::new(client.session_validator()); // 401 without a session
/// let optional = SessionLayer::new(client.session_validator()).optional(); // passes through
/// # let _ = (layer, optional);
/// # }
/// ```
#[derive(Clone)]
pub struct SessionLayer {
    shared: Arc<Shared>,
}

struct Shared {
    validator: SessionValidator,
    names: CookieNames,
    cookies: CookieSettings,
    required: bool,
    flights: Flights,
}

impl std::fmt::Debug for SessionLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionLayer")
            .field("validator", &self.shared.validator)
            .field("required", &self.shared.required)
            .finish_non_exhaustive()
    }
}

impl SessionLayer {
    /// A layer that answers 401 (with `WWW-Authenticate: Bearer`) to a request
    /// without a valid session, and 503 when the keys to check it cannot be
    /// had; the service never sees such a request.
    pub fn new(validator: SessionValidator) -> Self {
        SessionLayer {
            shared: Arc::new(Shared {
                validator,
                names: CookieNames::default(),
                cookies: CookieSettings::default(),
                required: true,
                flights: Flights::default(),
            }),
        }
    }

    /// Lets a request without a valid session through, without one in its
    /// extensions: the service decides (with `Option<Session>`).
    pub fn optional(self) -> Self {
        self.with(|shared| shared.required = false)
    }

    /// Other cookie names than Descope's `DS` and `DSR`.
    pub fn cookie_names(self, names: CookieNames) -> Self {
        self.with(|shared| shared.names = names)
    }

    /// How refreshed cookies are written (`SameSite`, `Secure`, domain, path).
    pub fn cookie_settings(self, cookies: CookieSettings) -> Self {
        self.with(|shared| shared.cookies = cookies)
    }

    fn with(self, change: impl FnOnce(&mut Shared)) -> Self {
        let mut shared = Arc::try_unwrap(self.shared).unwrap_or_else(|shared| Shared {
            validator: shared.validator.clone(),
            names: shared.names.clone(),
            cookies: shared.cookies.clone(),
            required: shared.required,
            flights: Flights::default(),
        });
        change(&mut shared);
        SessionLayer {
            shared: Arc::new(shared),
        }
    }
}

impl<S> Layer<S> for SessionLayer {
    type Service = SessionService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        SessionService {
            inner,
            shared: self.shared.clone(),
        }
    }
}

/// The service [`SessionLayer`] wraps around another.
#[derive(Clone)]
pub struct SessionService<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S> std::fmt::Debug for SessionService<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionService").finish_non_exhaustive()
    }
}

impl Shared {
    /// The request's session, and the cookies of its refresh if it took
    /// one. A valid session JWT is all; otherwise the validator decides
    /// whether the refresh JWT may replace it (an expired or absent session
    /// JWT: yes; a forged or foreign one: no), once per refresh JWT however
    /// many requests bring it at the same time.
    async fn session(&self, tokens: SessionTokens) -> Outcome {
        if let Some(session) = tokens.session.as_ref() {
            if let Ok(valid) = self.validator.validate(session.expose_secret()).await {
                return Ok((valid, Vec::new()));
            }
        }
        let refresh = || async {
            let validated = self.validator.validate_tokens(&tokens).await?;
            let cookies = validated.set_cookies(&self.cookies);
            Ok((validated.into_parts().0, cookies))
        };
        match tokens.refresh.as_ref() {
            Some(jwt) => self.flights.run(jwt.expose_secret(), refresh).await,
            None => refresh().await.map_err(Arc::new),
        }
    }
}

impl<S, B, ResBody> Service<Request<B>> for SessionService<S>
where
    S: Service<Request<B>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
    ResBody: Default,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        // The clone that was made ready answers this request; a fresh clone
        // stays for the next (tower's usual swap).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let shared = self.shared.clone();
        Box::pin(async move {
            let tokens = SessionTokens::from_headers_with(request.headers(), &shared.names);
            let (session, cookies) = match shared.session(tokens).await {
                Ok(found) => found,
                Err(error) if shared.required => return Ok(refused(&error)),
                Err(error) => {
                    tracing::debug!(%error, "no valid session; passed through");
                    request.extensions_mut().remove::<ValidSession>();
                    return inner.call(request).await;
                }
            };
            request.extensions_mut().insert(session);
            let mut response = inner.call(request).await?;
            for cookie in cookies {
                response.headers_mut().append(SET_COOKIE, cookie);
            }
            Ok(response)
        })
    }
}

/// The answer to a request without a valid session: 401, or 503 when the
/// keys cannot be had; no detail in the body (the reason goes to the log).
fn refused<ResBody: Default>(error: &SessionError) -> Response<ResBody> {
    let status = if error.is_unavailable() {
        tracing::warn!(%error, "session keys unavailable");
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        tracing::debug!(%error, "request refused: no valid session");
        StatusCode::UNAUTHORIZED
    };
    let mut response = bare(status);
    if status == StatusCode::UNAUTHORIZED {
        response
            .headers_mut()
            .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

/// A response of `status` alone, no body: what the layer and the guards
/// answer, so that no detail leaks.
pub(crate) fn bare<ResBody: Default>(status: StatusCode) -> Response<ResBody> {
    let mut response = Response::new(ResBody::default());
    *response.status_mut() = status;
    response
}
