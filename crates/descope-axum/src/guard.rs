//! Roles and permissions per route: a layer that lets a request through
//! only when its session (put there by [`SessionLayer`](crate::SessionLayer))
//! holds what the route requires, in a tenant or project-wide; 403 with no
//! detail otherwise (the log says what was missing).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use descope_ergonomic::session::ValidSession;
use http::{Request, Response, StatusCode};
use tower_layer::Layer;
use tower_service::Service;

/// What a route requires of the session: all (or any) of some roles or
/// permissions, project-wide or in a tenant (where, as in Descope's Go SDK,
/// a session whose current tenant (`dct`) is that tenant and that has no
/// entry for it in `tenants` is judged by its top-level ones).
///
/// ```no_run
/// use descope_axum::Require;
///
/// let admins = Require::roles(["admin"]).layer();
/// let billing = Require::permissions(["billing.read", "billing.write"]).any().in_tenant("T1").layer();
/// # let _ = (admins, billing);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Require {
    kind: Kind,
    names: Vec<String>,
    tenant: Option<String>,
    any: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Roles,
    Permissions,
}

impl Require {
    /// Every one of these roles.
    pub fn roles<I: IntoIterator<Item = S>, S: Into<String>>(roles: I) -> Self {
        Require::of(Kind::Roles, roles)
    }

    /// Every one of these permissions.
    pub fn permissions<I: IntoIterator<Item = S>, S: Into<String>>(permissions: I) -> Self {
        Require::of(Kind::Permissions, permissions)
    }

    fn of<I: IntoIterator<Item = S>, S: Into<String>>(kind: Kind, names: I) -> Self {
        Require {
            kind,
            names: names.into_iter().map(Into::into).collect(),
            tenant: None,
            any: false,
        }
    }

    /// At least one of them, instead of all.
    pub fn any(mut self) -> Self {
        self.any = true;
        self
    }

    /// In this tenant, instead of project-wide.
    pub fn in_tenant(mut self, tenant: impl Into<String>) -> Self {
        self.tenant = Some(tenant.into());
        self
    }

    /// Whether `session` holds what is required.
    pub fn is_met_by(&self, session: &ValidSession) -> bool {
        let matched = match (self.kind, self.tenant.as_deref()) {
            (Kind::Roles, None) => session.matched_roles(&self.names),
            (Kind::Permissions, None) => session.matched_permissions(&self.names),
            (Kind::Roles, Some(tenant)) => session.matched_tenant_roles(tenant, &self.names),
            (Kind::Permissions, Some(tenant)) => {
                session.matched_tenant_permissions(tenant, &self.names)
            }
        };
        if self.any {
            !matched.is_empty()
        } else {
            self.names
                .iter()
                .all(|name| matched.contains(&name.as_str()))
        }
    }

    /// The layer that enforces it on a route (`Router::route_layer`).
    pub fn layer(self) -> RequireLayer {
        RequireLayer {
            require: Arc::new(self),
        }
    }
}

/// The layer of a [`Require`].
#[derive(Debug, Clone)]
pub struct RequireLayer {
    require: Arc<Require>,
}

impl<S> Layer<S> for RequireLayer {
    type Service = RequireService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequireService {
            inner,
            require: self.require.clone(),
        }
    }
}

/// The service [`RequireLayer`] wraps around another.
#[derive(Debug, Clone)]
pub struct RequireService<S> {
    inner: S,
    require: Arc<Require>,
}

impl<S, B, ResBody> Service<Request<B>> for RequireService<S>
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

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let status = match request.extensions().get::<ValidSession>() {
            None => Some(StatusCode::UNAUTHORIZED),
            Some(session) if !self.require.is_met_by(session) => {
                tracing::debug!(require = ?self.require, "forbidden: the session lacks what the route requires");
                Some(StatusCode::FORBIDDEN)
            }
            Some(_) => None,
        };
        if let Some(status) = status {
            return Box::pin(async move { Ok(crate::layer::bare(status)) });
        }
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(async move { inner.call(request).await })
    }
}
