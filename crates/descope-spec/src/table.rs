//! The operation table of the embedded spec, written by `cargo xtask
//! generate` from `spec/descope.yaml` (`generated/table.rs`); what is here
//! adds look-ups to it and types nothing the spec holds.
//!
//! Which client method belongs to which operation, one row per operation of
//! [`Operation::ALL`] (the workspace test `docs` fails when a row is missing,
//! left over, or names a method either client does not have):
//!
//! | operation | `descope_raw::Client` | `descope_ergonomic::DescopeClient` |
//! |---|---|---|
//! | [`Operation::UpdateUserPhoneMagicLinkSms`] | `update_user_phone_magic_link_sms` | `magic_link().update_phone_sms` |
//! | [`Operation::VerifyMagicLink`] | `verify_magic_link` | `magic_link().verify` |
//! | [`Operation::EmbeddedLinkSignin`] | `embedded_link_signin` | `management().users().embedded_link` |
//! | [`Operation::EmbeddedLinkSignup`] | `embedded_link_signup` | `management().users().embedded_link_signup` |
//! | [`Operation::GetLicense`] | `get_license` | `management().license` |
//! | [`Operation::RefreshSession`] | `refresh_session` | `sessions().refresh` |
//! | [`Operation::Logout`] | `logout` | `sessions().logout` |
//! | [`Operation::LogoutAllDevices`] | `logout_all_devices` | `sessions().logout_all` |
//! | [`Operation::Me`] | `me` | `sessions().me` |
//! | [`Operation::GetKeysV2`] | `get_keys_v2` | `sessions().keys` |

pub use crate::generated::table::{fields, Credential, Operation};

impl Operation {
    /// The operation whose `operationId` is `id`.
    pub fn from_id(id: &str) -> Option<Operation> {
        Operation::ALL.into_iter().find(|op| op.id() == id)
    }

    /// The path a call of it goes to: its template with every `{parameter}`
    /// filled by `project_id`, the one path parameter the spec's operations
    /// have (`GetKeysV2`'s).
    ///
    /// ```
    /// # use descope_spec::Operation;
    /// assert_eq!(Operation::GetKeysV2.path_for("P2a"), "/v2/keys/P2a");
    /// assert_eq!(Operation::Me.path_for("P2a"), Operation::Me.path());
    /// ```
    pub fn path_for(self, project_id: &str) -> String {
        self.path()
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') && segment.ends_with('}') {
                    project_id
                } else {
                    segment
                }
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The operation whose generated client method is `name` (what
    /// progenitor hands to the client's hooks as `operation_id`).
    pub fn from_client_method(name: &str) -> Option<Operation> {
        Operation::ALL
            .into_iter()
            .find(|op| op.client_method() == name)
    }
}

impl std::fmt::Display for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl Credential {
    /// How many `:`-separated parts a well-formed credential has, at least
    /// and at most.
    pub const fn part_counts(self) -> std::ops::RangeInclusive<usize> {
        let required = self.required_parts().len();
        required..=required + self.optional_parts().len()
    }
}

#[cfg(all(test, feature = "spec"))]
mod tests {
    use super::*;
    use crate::Spec;

    #[test]
    fn the_table_agrees_with_the_loaded_spec() {
        let spec = Spec::embedded();
        let loaded: Vec<String> = spec
            .operations()
            .iter()
            .map(|op| op.id.to_string())
            .collect();
        let table: Vec<String> = Operation::ALL
            .iter()
            .map(|op| op.id().to_string())
            .collect();
        assert_eq!(loaded, table);
        for op in Operation::ALL {
            let found = spec.operation(op.id()).unwrap();
            assert_eq!(found.method, op.method());
            assert_eq!(found.path, op.path());
            assert_eq!(found.request_properties().unwrap(), op.request_fields());
            assert_eq!(Operation::from_id(op.id()), Some(op));
            assert_eq!(Operation::from_client_method(op.client_method()), Some(op));
        }
    }

    #[test]
    fn names_credentials_and_fields() {
        let phone = Operation::UpdateUserPhoneMagicLinkSms;
        assert_eq!(phone.id(), "UpdateUserPhoneMagicLinkSMS");
        assert_eq!(phone.client_method(), "update_user_phone_magic_link_sms");
        assert_eq!(phone.credential(), Some(Credential::ProjectRefreshJwt));
        assert!(phone.request_fields().contains(&"addToLoginIDs"));
        let mut required = phone.required_fields().to_vec();
        required.sort();
        assert_eq!(required, ["loginId", "phone"]);
        assert_eq!(Operation::EmbeddedLinkSignin.response_fields().len(), 3);
        assert_eq!(
            Credential::ProjectRefreshJwt.required_parts(),
            ["ProjectId", "RefreshJWT"]
        );
        assert_eq!(
            Credential::ProjectRefreshJwt.optional_parts(),
            ["AuthManagementKey"]
        );
        assert_eq!(Credential::ProjectRefreshJwt.part_counts(), 2..=3);
        assert_eq!(Credential::ProjectManagementKey.part_counts(), 2..=2);
        assert_eq!(Operation::from_id("nope"), None);
        use fields::update_user_phone_magic_link_sms::{request, response};
        assert_eq!(request::ADD_TO_LOGIN_I_DS, "addToLoginIDs");
        assert_eq!(request::URI, "URI");
        assert_eq!(response::MASKED_PHONE, "maskedPhone");
        assert_eq!(fields::embedded_link_signin::response::TOKEN, "token");
    }
}
