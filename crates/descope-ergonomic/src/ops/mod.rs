//! The operations, one builder each, ending in `.send().await`.

mod embedded_link;
mod license;
mod update_phone;

pub use embedded_link::{EmbeddedLink, EmbeddedLinkRequest, EmbeddedLinkToken};
pub use license::{LicenseRequest, ProjectLicense};
pub use update_phone::{PhoneUpdateSent, UpdatePhoneRequest};
