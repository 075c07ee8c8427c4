//! Property tests: every validator on arbitrary input never panics, agrees
//! with a model of what it accepts, keeps valid input as given (or
//! normalises it idempotently); arbitrary response bytes of any status end
//! in a value or a typed error, with no secret in it.
//!
//! The checks live in `descope_testkit::fuzz`, shared with the fuzz
//! targets.

use std::time::Duration;

use descope_ergonomic::{
    ApprovedDomains, DescopeClient, Field, LinkTimeout, PhoneNumber, Reason, RedirectUri,
    RetryPolicy,
};
use descope_spec::fields::error;
use descope_spec::Operation;
use descope_testkit::client::OPS;
use descope_testkit::credentials::PROJECT;
use descope_testkit::fuzz::{
    check_domains, check_inputs, check_login_id, check_phone, check_project_id,
    check_response_bytes, check_secrets, check_uri, Case, Harness, CONTENT_TYPES, STATUSES,
};
use proptest::prelude::*;

/// Arbitrary text, biased towards the characters validators care about.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~]{0,40}",
        "[+0-9 ().\\-]{0,24}",
        "[\\r\\n\\t\\u{0}:a-zA-Z0-9 ]{0,20}",
        "\\PC{0,30}",
    ]
}

/// A valid E.164 number, and the same with separators sprinkled in.
fn decorated_phone() -> impl Strategy<Value = (String, String)> {
    (
        "\\+[1-9][0-9]{1,14}",
        prop::collection::vec(
            (
                any::<prop::sample::Index>(),
                prop::sample::select(vec![" ", "-", ".", "(", ")", "  "]),
            ),
            0..6,
        ),
    )
        .prop_map(|(plain, inserts)| {
            let mut decorated = plain.clone();
            for (at, separator) in inserts {
                // Anywhere after the `+`.
                let at = 1 + at.index(decorated.len());
                decorated.insert_str(at, separator);
            }
            (plain, decorated)
        })
}

fn valid_uri() -> impl Strategy<Value = String> {
    "(http|https|HTTPS)://[a-z0-9]{1,12}(\\.[a-zA-Z]{2,6}){1,2}(:[1-9][0-9]{0,3})?(/[A-Za-z0-9._~-]{0,8}){0,3}(\\?[a-z]{1,5}=([A-Za-z0-9]|%[0-9A-Fa-f]{2}){0,5})?"
}

/// Valid domain names. A label starting `xn--` is punycode, which IDNA
/// decodes and mostly refuses (`xn--` alone decodes to nothing), so none is
/// made here: the validators' unit tests cover punycode.
fn domain() -> impl Strategy<Value = String> {
    "([a-z0-9][a-z0-9-]{0,10}\\.){0,3}[a-z][a-z0-9]{1,6}"
        .prop_filter("punycode labels are not plain domains", |d| {
            !d.split('.').any(|label| label.starts_with("xn--"))
        })
}

/// Dotted numbers: IPv4 addresses, and what URL parsers would read as one.
fn numeric_host() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{1,3}(\\.[0-9]{1,3}){0,4}",
        "0x[0-9a-f]{1,4}(\\.[0-9]{1,3}){0,2}",
        "[a-z]{1,4}\\.[0-9]{1,3}",
    ]
}

pub(crate) fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn login_ids_follow_the_model(input in text()) {
        check_login_id(&input);
    }

    #[test]
    fn phone_numbers_follow_the_model(input in text()) {
        check_phone(&input);
    }

    #[test]
    fn valid_phone_numbers_round_trip_and_separators_normalise((plain, decorated) in decorated_phone()) {
        let phone = PhoneNumber::parse(&plain).unwrap();
        prop_assert_eq!(phone.as_str(), plain.as_str());
        let normalised = PhoneNumber::parse(&decorated).unwrap();
        prop_assert_eq!(&normalised, &phone);
        check_phone(&decorated);
    }

    #[test]
    fn phone_numbers_with_anything_else_are_refused(
        (plain, _) in decorated_phone(),
        at in any::<prop::sample::Index>(),
        intruder in "[^0-9 ().\\-]",
    ) {
        let mut bad = plain.clone();
        bad.insert_str(1 + at.index(bad.len()), &intruder);
        let error = PhoneNumber::parse(&bad).unwrap_err();
        prop_assert_eq!((error.field(), error.reason()), (Field::Phone, Reason::NotE164));
    }

    #[test]
    fn redirect_uris_never_panic_and_keep_what_they_accept(input in text()) {
        check_uri(&input);
    }

    #[test]
    fn valid_redirect_uris_round_trip(uri in valid_uri()) {
        let parsed = RedirectUri::parse(uri.as_str()).unwrap();
        prop_assert_eq!(parsed.as_str(), uri.as_str());
        check_uri(&uri);
        // A fragment, or white space anywhere, is refused.
        let fragment = RedirectUri::parse(format!("{uri}#top")).unwrap_err();
        prop_assert_eq!(fragment.reason(), Reason::HasFragment);
        for at in [0, uri.len() / 2, uri.len()] {
            let mut spaced = uri.clone();
            spaced.insert(at, ' ');
            prop_assert!(RedirectUri::parse(spaced).is_err());
        }
    }

    #[test]
    fn approved_domains_never_panic_and_permit_exactly_subdomains(
        domains in prop::collection::vec(prop_oneof![domain(), numeric_host(), text()], 0..4),
        probe in prop_oneof![domain(), numeric_host(), text()],
        sub in "[a-z0-9]{1,8}",
    ) {
        let refs: Vec<&str> = domains.iter().map(String::as_str).collect();
        check_domains(&refs, &probe);
        if let Some(first) = domains.first() {
            check_domains(&refs, &format!("{sub}.{first}"));
            check_domains(&refs, &format!("{sub}{first}"));
        }
    }

    #[test]
    fn valid_domains_are_accepted_in_any_case_and_with_a_trailing_dot(
        domain in domain(),
        upper in any::<bool>(),
        dot in any::<bool>(),
    ) {
        let mut given = if upper { domain.to_ascii_uppercase() } else { domain.clone() };
        if dot {
            given.push('.');
        }
        let approved = ApprovedDomains::new([format!(" {given} ")]).unwrap();
        prop_assert_eq!(&approved, &ApprovedDomains::new([domain.as_str()]).unwrap());
        let uri = RedirectUri::parse(format!("https://app.{domain}/verify")).unwrap();
        prop_assert!(approved.permits(&uri));
        let lookalike = RedirectUri::parse(format!("https://app{domain}/verify")).unwrap();
        prop_assert!(!approved.permits(&lookalike));
    }

    #[test]
    fn link_timeouts_accept_exactly_zero_to_i32_max(secs in any::<i64>(), nanos in 0u32..1_000_000_000) {
        let valid = (0..=i64::from(i32::MAX)).contains(&secs);
        match LinkTimeout::from_secs(secs) {
            Ok(timeout) => {
                prop_assert!(valid);
                prop_assert_eq!(i64::from(timeout.secs()), secs);
                prop_assert_eq!(timeout.to_string(), format!("{secs}s"));
            }
            Err(error) => {
                prop_assert!(!valid);
                prop_assert_eq!(error.reason(), Reason::OutOfRange);
            }
        }
        let whole = secs.unsigned_abs();
        let from_duration = LinkTimeout::from_duration(Duration::new(whole, nanos));
        prop_assert_eq!(
            from_duration.is_ok(),
            nanos == 0 && whole <= i32::MAX as u64
        );
        if nanos != 0 {
            prop_assert_eq!(from_duration.unwrap_err().reason(), Reason::NotWholeSeconds);
        }
    }

    #[test]
    fn project_ids_follow_the_model(input in prop_oneof![text(), "[A-Za-z0-9_-]{1,70}"]) {
        check_project_id(&input);
    }

    #[test]
    fn secrets_follow_the_model_and_never_print(input in prop_oneof![text(), "[!-~]{1,60}"]) {
        check_secrets(&input);
    }

    #[test]
    fn secrets_with_cr_or_lf_anywhere_are_refused(
        secret in "[!-~]{1,40}",
        at in any::<prop::sample::Index>(),
        injected in prop::sample::select(vec!["\r", "\n", "\r\n", "\r\nX-Injected: 1", "\u{0}"]),
    ) {
        let mut bad = secret.clone();
        bad.insert_str(at.index(bad.len() + 1), injected);
        check_secrets(&bad);
        check_login_id(&bad);
        check_project_id(&bad);
        let build = DescopeClient::builder()
            .project_id(PROJECT)
            .management_key(bad.as_str())
            .build();
        prop_assert!(build.unwrap_err().is_validation());
        let build = DescopeClient::builder()
            .project_id(PROJECT)
            .auth_management_key(bad.as_str())
            .build();
        prop_assert!(build.unwrap_err().is_validation());
        let build = DescopeClient::builder().project_id(bad.as_str()).build();
        prop_assert!(build.unwrap_err().is_validation());
    }

    #[test]
    fn max_attempts_is_the_sum_of_the_retries_plus_one(waits in 0usize..20, rate_limited in any::<u32>()) {
        let policy = RetryPolicy::none()
            .with_waits(vec![Duration::ZERO; waits])
            .retry_rate_limited(rate_limited, Duration::ZERO, Duration::ZERO);
        let expected = (waits as u32).saturating_add(1).saturating_add(rate_limited);
        prop_assert_eq!(policy.max_attempts(), expected);
    }
}

#[test]
fn numeric_pseudo_domains_are_not_approved() {
    for bad in [
        "432",
        "0.1",
        "2.3.4",
        "example.1",
        "01.2.3.4",
        "1.2.3.4.5",
        "0x9dbb",
        "a.0x1",
        "ff7.z.xn--",
    ] {
        let error = ApprovedDomains::new([bad]).unwrap_err();
        assert_eq!(error.reason(), Reason::InvalidDomain, "{bad}");
    }
    let local = ApprovedDomains::new(["127.0.0.1", "0x7f.example"]).unwrap();
    for (uri, permitted) in [
        ("http://127.0.0.1:3000/verify", true),
        ("http://10.127.0.0.1/", false),
        ("http://0x7f.example/", true),
        ("http://app.0x7f.example/", true),
        ("http://0.0.0.1/", false),
    ] {
        match RedirectUri::parse(uri) {
            Ok(parsed) => assert_eq!(local.permits(&parsed), permitted, "{uri}"),
            Err(_) => assert!(!permitted, "{uri}"),
        }
    }
}

proptest! {
    // Building a client per case sets up a connection pool (and TLS): fewer cases.
    #![proptest_config(config(64))]

    #[test]
    fn any_valid_project_id_builds_a_client(id in "[A-Za-z0-9_-]{1,64}") {
        let client = DescopeClient::builder().project_id(id.as_str()).build().unwrap();
        prop_assert_eq!(client.project_id().as_str(), id.as_str());
        let expected_base = if id.len() >= 32 {
            format!("https://api.{}.descope.com", id[1..5].to_ascii_lowercase())
        } else {
            descope_ergonomic::DEFAULT_BASE_URL.to_string()
        };
        prop_assert_eq!(client.base_url(), expected_base);
    }

    #[test]
    fn a_base_url_is_refused_or_clean(url in prop_oneof![
        text(),
        "https?://[a-z0-9.]{1,12}(:[0-9]{1,5})?(/[a-z\\r\\n\\t ]{0,6}){0,2}/?",
        "http://127\\.0\\.0\\.1:[0-9]{1,4}[\\r\\n\\t /a-z?#]{0,8}",
    ]) {
        if let Ok(client) = DescopeClient::builder()
            .project_id(PROJECT)
            .base_url(url.as_str())
            .build()
        {
            let base = client.base_url();
            prop_assert!(base.starts_with("https://") || base.starts_with("http://"), "{}", base);
            prop_assert!(!base.chars().any(|c| c.is_control() || c.is_whitespace()), "{:?}", base);
            prop_assert!(!base.contains('?') && !base.contains('#') && !base.ends_with('/'), "{}", base);
        }
    }
}

/// A JSON-ish body: the fields of every operation's answer and of the error
/// body, with wrong types, secrets and junk mixed in; and each operation's
/// success.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let string = prop_oneof![
        Just("\"$MK\"".to_string()),
        Just("\"$JWT\"".to_string()),
        Just("\"$LT\"".to_string()),
        Just(format!("\"Bearer {PROJECT}:$JWT:$AMK\"")),
        "\"[a-zA-Z0-9+*@. ]{0,12}\"",
        Just("\"\"".to_string()),
    ];
    let value = prop_oneof![
        string.clone(),
        Just("null".to_string()),
        Just("42".to_string()),
        Just("true".to_string()),
        Just("[\"x\"]".to_string()),
        Just("{\"a\":{}}".to_string()),
        Just(format!("{}{}", "[".repeat(300), "]".repeat(300))),
    ];
    let mut keys: Vec<&str> = Operation::ALL
        .into_iter()
        .flat_map(|op| op.response_fields().iter().copied())
        .chain([
            error::ERROR_CODE,
            error::ERROR_DESCRIPTION,
            error::ERROR_MESSAGE,
            error::MESSAGE,
            "x",
        ])
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let key = prop::sample::select(keys);
    let success = prop::sample::select(OPS.to_vec()).prop_map(|op| op.success_text().into_bytes());
    let object = prop::collection::vec((key, value), 0..5).prop_map(|fields| {
        let inner: Vec<String> = fields.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
        format!("{{{}}}", inner.join(","))
    });
    prop_oneof![
        4 => object.prop_map(String::into_bytes),
        1 => success,
        1 => any::<Vec<u8>>(),
        1 => "[ -~]{0,40}".prop_map(String::into_bytes),
        1 => prop::collection::vec(any::<u8>(), 4000..4200),
        1 => Just(b"<html><body>$MK $JWT</body></html>".to_vec()),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::sample::select(OPS.to_vec()),
        prop::sample::select(STATUSES.to_vec()),
        prop::sample::select(CONTENT_TYPES.to_vec()),
        prop::option::of(prop_oneof![
            "[0-9]{1,3}",
            "[ -~]{0,8}",
            Just("$JWT".to_string())
        ]),
        prop::option::of(prop_oneof![
            Just("/moved?t=$JWT".to_string()),
            "[ -~]{0,20}"
        ]),
        body(),
    )
        .prop_map(
            |(op, status, content_type, retry_after, location, body)| Case {
                op,
                status,
                content_type: content_type.map(str::to_string),
                retry_after,
                location,
                body,
            },
        )
}

proptest! {
    #![proptest_config(config(400))]

    #[test]
    fn any_response_decodes_to_a_value_or_a_typed_error(case in case()) {
        Harness::global().check(&case);
    }

    #[test]
    fn any_fuzz_bytes_decode_to_a_value_or_a_typed_error(data in any::<Vec<u8>>()) {
        check_response_bytes(&data);
    }

    #[test]
    fn any_fuzz_bytes_pass_the_input_checks(data in any::<Vec<u8>>()) {
        check_inputs(&data);
    }
}
