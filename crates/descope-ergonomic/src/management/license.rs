//! Read the project's license: the rate-limit tier management calls carry.

use descope_raw::types::RateLimitTier;
use descope_spec::Operation;
use reqwest::header::HeaderValue;

use crate::client::{Call, Deadline, DescopeClient};
use crate::error::{Error, Field, Reason, ValidationError};

/// A license call being prepared; see [`Management::license`](super::Management::license).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct LicenseRequest<'c> {
    client: &'c DescopeClient,
}

impl<'c> LicenseRequest<'c> {
    pub(crate) fn new(client: &'c DescopeClient) -> Self {
        Self { client }
    }

    /// Sends with the management key; retries by the client's policy. The
    /// tier read is kept for the client's management calls.
    pub async fn send(self) -> Result<ProjectLicense, Error> {
        let deadline = self.client.shared().operation_timeout.map(Deadline::after);
        self.send_by(deadline).await
    }

    /// [`send`](Self::send), over by `deadline`: the license handshake's
    /// own bound.
    pub(crate) async fn send_by(self, deadline: Option<Deadline>) -> Result<ProjectLicense, Error> {
        let call = Call::of(Operation::GetLicense).by(deadline);
        let response = self
            .client
            .prepare(call)
            .await?
            .send((), |raw, ()| raw.get_license().send())
            .await?
            .value;
        let license = ProjectLicense {
            rate_limit_tier: response.rate_limit_tier.into(),
        };
        self.client
            .shared()
            .license
            .remember(license.header_value());
        Ok(license)
    }
}

/// The project's license, as far as clients need it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProjectLicense {
    rate_limit_tier: String,
}

impl ProjectLicense {
    /// A license of `tier`, checked by the spec's rule for it (the
    /// generated `RateLimitTier` type).
    pub(crate) fn new(tier: String) -> Result<Self, ValidationError> {
        let refuse = |reason| ValidationError::new(Field::RateLimitTier, reason);
        if tier.is_empty() {
            return Err(refuse(Reason::Empty));
        }
        let tier = RateLimitTier::try_from(tier).map_err(|_| refuse(Reason::InvalidCharacter))?;
        Ok(Self {
            rate_limit_tier: tier.into(),
        })
    }

    /// The rate-limit tier (`tier1` to `tier4` today), which management
    /// calls send back as `x-descope-license`.
    pub fn rate_limit_tier(&self) -> &str {
        &self.rate_limit_tier
    }

    /// The tier as a header value. The spec's pattern for it admits visible
    /// ASCII only, which every header value may hold.
    pub(crate) fn header_value(&self) -> HeaderValue {
        HeaderValue::from_str(&self.rate_limit_tier)
            .expect("the spec's pattern admits only header-safe tiers")
    }
}
