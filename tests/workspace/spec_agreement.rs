//! The wrapper's hand-written input checks and the spec's own validation,
//! run on the same generated inputs. The wrapper needs no spec at run time,
//! so it keeps its own checks; this test proves them equal to the spec's,
//! but for the deliberate differences below, which are written down here and
//! nowhere else.
//!
//! Deliberate differences (the wrapper is stricter, or normalises first):
//! - `phone`: spaces, dashes, dots and parentheses are removed before the
//!   E.164 check (`+1 (202) 555-0123` goes out as `+12025550123`);
//! - free text (`loginId`, `providerId`, `templateId`, `locale`, template
//!   option names): blank text and control characters are refused, because
//!   they are never meant and can break logs and headers;
//! - `URI`: it must also parse as a URL parser reads it: a port from 0 to
//!   65535, a host name a browser accepts, a well-formed IP literal. The
//!   spec's pattern and `format: uri` cannot say that;
//! - `customClaims`: `null` is refused; a caller without claims does not set
//!   any (the spec admits `null`, which Descope reads as "not given").

use descope_ergonomic::{LinkTimeout, LoginId, PhoneNumber, RedirectUri};
use descope_spec::{fields, Operation, Spec};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// Whether the spec accepts `field: value` in an otherwise valid body of `op`.
fn spec_accepts(op: Operation, field: &str, value: Value) -> bool {
    let mut body = Map::new();
    body.insert(
        fields::embedded_link_signin::request::LOGIN_ID.into(),
        json!("ada@example.com"),
    );
    if op == Operation::UpdateUserPhoneMagicLinkSms {
        body.insert(
            fields::update_user_phone_magic_link_sms::request::PHONE.into(),
            json!("+12025550123"),
        );
    }
    body.insert(field.into(), value);
    let operation = Spec::embedded().operation(op.id()).unwrap();
    operation
        .validate_request(&Value::Object(body))
        .unwrap()
        .is_empty()
}

/// Text the wrapper refuses on purpose, whatever the spec says.
fn blank_or_control(text: &str) -> bool {
    text.trim().is_empty() || text.chars().any(char::is_control)
}

const SEPARATORS: [char; 5] = [' ', '-', '.', '(', ')'];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[ \t\r\n]{1,3}",
        "[a-z@.+0-9]{1,12}",
        "\\PC{0,12}",
        ".{0,12}",
    ]
}

fn phone() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\+[0-9]{0,17}",
        "\\+?[0-9 ().-]{0,20}",
        "[+0-9a ]{0,18}",
        ".{0,10}",
    ]
}

/// One of `fixed`, or a string of `pattern`.
fn part(fixed: &'static [&'static str], pattern: &'static str) -> BoxedStrategy<String> {
    prop_oneof![
        3 => prop::sample::select(fixed).prop_map(str::to_string),
        1 => pattern,
    ]
    .boxed()
}

/// URIs built from parts that each sit near a rule's edge, and noise.
fn uri() -> impl Strategy<Value = String> {
    let scheme = part(
        &[
            "http", "https", "HTTPS", "hTTp", "ftp", "", "httpx", "mailto",
        ],
        "[a-z]{0,5}",
    );
    let separator = part(&["://", ":/", ":", ":\\\\", ":///"], "[:/]{0,4}");
    let user = part(&["", "u@", "u:p@", "@", "a b@"], "[a-z:@]{0,4}");
    let host = part(
        &[
            "example.com",
            "app.example.com",
            "",
            "[::1]",
            "127.0.0.1",
            "ex ample.com",
            "ex_ample",
            "ex<ample",
            "xn--",
            "[1:2",
            "localhost",
            "a%41b",
            "EXAMPLE.COM",
            "[::g]",
        ],
        "[a-z0-9.%-]{1,8}",
    );
    let port = part(&["", ":", ":8080", ":65535", ":99999", ":x"], ":[0-9]{0,6}");
    let rest = part(
        &[
            "", "/", "/verify", "/a b", "/p?q=1", "?q", "/#f", "#f", "/%zz", "/\t", "/x?y#",
        ],
        "[/?a-z=&%#]{0,8}",
    );
    prop_oneof![
        4 => (scheme, separator, user, host, port, rest)
            .prop_map(|(s, sep, u, h, p, r)| format!("{s}{sep}{u}{h}{p}{r}")),
        1 => ".{0,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn login_ids_agree(value in text()) {
        let wrapper = LoginId::parse(value.as_str()).is_ok();
        let spec = spec_accepts(
            Operation::EmbeddedLinkSignin,
            fields::embedded_link_signin::request::LOGIN_ID,
            json!(value),
        );
        if blank_or_control(&value) {
            prop_assert!(!wrapper, "the wrapper takes {value:?}");
        } else {
            prop_assert_eq!(wrapper, spec, "{:?}", value);
        }
    }

    #[test]
    fn phone_numbers_agree_once_separators_are_removed(value in phone()) {
        let wrapper = PhoneNumber::parse(&value);
        let normalised: String = value.chars().filter(|c| !SEPARATORS.contains(c)).collect();
        let spec = spec_accepts(
            Operation::UpdateUserPhoneMagicLinkSms,
            fields::update_user_phone_magic_link_sms::request::PHONE,
            json!(normalised),
        );
        prop_assert_eq!(wrapper.is_ok(), spec, "{:?}", value);
        if let Ok(number) = wrapper {
            prop_assert_eq!(number.as_str(), normalised.as_str());
        }
    }

    #[test]
    fn redirect_uris_agree(value in uri()) {
        let wrapper = RedirectUri::parse(value.as_str()).is_ok();
        let spec = spec_accepts(
            Operation::UpdateUserPhoneMagicLinkSms,
            fields::update_user_phone_magic_link_sms::request::URI,
            json!(value),
        );
        if wrapper {
            // What the wrapper takes, the spec takes: never a request that
            // the server would refuse.
            prop_assert!(spec, "the spec refuses {value:?}");
        } else if spec {
            // Only for the reasons listed at the top of this file.
            let parses = reqwest::Url::parse(&value).is_ok();
            prop_assert!(!parses, "only the wrapper refuses {:?}", value);
        }
    }

    #[test]
    fn link_lifetimes_agree(secs in prop_oneof![
        -3i64..3,
        i64::from(i32::MAX) - 2..i64::from(i32::MAX) + 3,
        any::<i64>(),
    ]) {
        let wrapper = LinkTimeout::from_secs(secs).is_ok();
        let spec = spec_accepts(
            Operation::EmbeddedLinkSignin,
            fields::embedded_link_signin::request::TIMEOUT,
            json!(secs),
        );
        prop_assert_eq!(wrapper, spec, "{}", secs);
    }
}
