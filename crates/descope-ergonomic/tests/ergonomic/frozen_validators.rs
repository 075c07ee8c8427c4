//! Validators changed for cost or for where their rule lives, held result
//! for result to frozen copies of themselves as they were before:
//! `RedirectUri::parse` (which finds the host of the common form of URI
//! without the URL parser) and the free-text check behind `LoginId::parse`
//! as they were at 145fa3d, when the instruction-count work began (main at
//! 3db482c passed these same tests); `PhoneNumber::parse` as it was at
//! 3db482c, before the E.164 rule moved to the spec's generated type; the
//! secrets' checks (`check_secret`, `LinkToken::new`) as they were at
//! 1da24ff, before the secret types became one. Not to be edited to follow
//! the crate: they are the reference.

use descope_ergonomic::{
    AuthManagementKey, LinkToken, LoginId, ManagementKey, PhoneNumber, Reason, RedirectUri,
    RefreshJwt, SessionJwt, ValidationError,
};
use proptest::prelude::*;
use url::Url;

/// `check_text` at 145fa3d, behind `LoginId::parse` and the first step of
/// `RedirectUri::parse`.
fn reference_text(text: &str) -> Result<(), Reason> {
    if text.trim().is_empty() {
        return Err(Reason::Empty);
    }
    if text.chars().any(char::is_control) {
        return Err(Reason::ControlCharacter);
    }
    Ok(())
}

/// `PhoneNumber::parse` at 3db482c: the normalised number, or why not.
fn reference_phone(value: &str) -> Result<String, Reason> {
    let mut normalised = String::with_capacity(16);
    for c in value.chars() {
        match c {
            ' ' | '-' | '.' | '(' | ')' => {}
            '+' if normalised.is_empty() => normalised.push(c),
            '0'..='9' if !normalised.is_empty() => normalised.push(c),
            _ => return Err(Reason::NotE164),
        }
    }
    let digits = normalised.len().saturating_sub(1);
    if !(2..=15).contains(&digits) || normalised.as_bytes()[1] == b'0' {
        return Err(Reason::NotE164);
    }
    Ok(normalised)
}

/// `RedirectUri::parse` at 145fa3d: the host, or why the text is refused.
fn reference(text: &str) -> Result<String, Reason> {
    reference_text(text)?;
    if text.chars().any(char::is_whitespace) {
        return Err(Reason::NotAbsoluteHttpUrl);
    }
    let authority = text
        .split_once(':')
        .and_then(|(_, rest)| rest.strip_prefix("//"))
        .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or_default());
    if !authority.is_some_and(authority_is_well_formed) || !only_uri_characters(text) {
        return Err(Reason::NotAbsoluteHttpUrl);
    }
    let Ok(url) = Url::parse(text) else {
        return Err(Reason::NotAbsoluteHttpUrl);
    };
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Reason::NotAbsoluteHttpUrl);
    }
    let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
        return Err(Reason::NotAbsoluteHttpUrl);
    };
    if url.fragment().is_some() {
        return Err(Reason::HasFragment);
    }
    Ok(host.to_string())
}

fn only_uri_characters(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let escape = bytes.get(i + 1..i + 3);
            if !escape.is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) {
                return false;
            }
            i += 3;
            continue;
        }
        if !(b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&b)) {
            return false;
        }
        i += 1;
    }
    true
}

fn authority_is_well_formed(authority: &str) -> bool {
    let host_port = match authority.split_once('@') {
        Some((_, host_port)) if host_port.contains('@') => return false,
        Some((_, host_port)) => host_port,
        None => authority,
    };
    let (host, port) = match host_port.strip_prefix('[') {
        Some(literal) => match literal.split_once(']') {
            Some((ip, port)) => {
                let ip_chars = |c: char| c.is_ascii_hexdigit() || c == ':' || c == '.';
                if ip.is_empty() || !ip.chars().all(ip_chars) {
                    return false;
                }
                (ip, port)
            }
            None => return false,
        },
        None => {
            let end = host_port.find(':').unwrap_or(host_port.len());
            let (host, port) = host_port.split_at(end);
            if host.contains(['[', ']']) {
                return false;
            }
            (host, port)
        }
    };
    let port_ok = port.is_empty()
        || port
            .strip_prefix(':')
            .is_some_and(|digits| digits.bytes().all(|b| b.is_ascii_digit()));
    !host.is_empty() && port_ok
}

/// `check_secret` at 1da24ff: the rule of the refresh JWT (no `:`) and of
/// the two keys (`:` allowed).
fn reference_secret(value: &str, colon_allowed: bool) -> Result<(), Reason> {
    let allowed = |b: u8| b.is_ascii_graphic() && (colon_allowed || b != b':');
    let all_allowed = value.bytes().fold(true, |ok, b| ok & allowed(b));
    if all_allowed && !value.is_empty() && value.len() <= 16 * 1024 {
        return Ok(());
    }
    if value.trim().is_empty() {
        return Err(Reason::Empty);
    }
    if value.chars().any(char::is_control) {
        return Err(Reason::ControlCharacter);
    }
    Err(if all_allowed {
        Reason::TooLong
    } else {
        Reason::InvalidCharacter
    })
}

/// `LinkToken::new` at 1da24ff.
fn reference_link_token(value: &str) -> Result<(), Reason> {
    reference_text(value)?;
    if value.bytes().any(|b| b == b' ') {
        return Err(Reason::InvalidCharacter);
    }
    Ok(())
}

fn reason<T>(result: Result<T, ValidationError>) -> Result<(), Reason> {
    result.map(drop).map_err(|e| e.reason())
}

fn current(text: &str) -> Result<String, Reason> {
    RedirectUri::parse(text)
        .map(|uri| {
            assert_eq!(uri.as_str(), text, "the URI is not kept as given");
            uri.host().to_string()
        })
        .map_err(|e| e.reason())
}

/// URIs near the edges of the fast path: names that read as IPv4
/// addresses, punycode, empty labels, trailing dots, ports past 65535, user
/// info, IP literals, fragments, other schemes, in any case.
fn uri_like() -> impl Strategy<Value = String> {
    let scheme = prop::sample::select(vec![
        "http", "https", "HTTP", "hTTpS", "ftp", "http:", "https:/", "",
    ]);
    let userinfo = prop::sample::select(vec!["", "", "", "a@", "u:p@", "@"]);
    let host = prop_oneof![
        "[a-zA-Z0-9-]{0,8}(\\.[a-zA-Z0-9-]{0,8}){0,3}\\.?",
        "[0-9]{1,4}(\\.[0-9]{0,4}){0,4}\\.?",
        "[a-z]{1,5}\\.(0[xX][0-9a-fA-F]{0,4}|[0-9]{1,3}|0[0-7]{1,3})\\.?",
        "([xX][nN]--[a-z0-9-]{0,8}\\.?){1,2}[a-z]{0,3}",
        "\\[[0-9a-fA-F:.]{0,12}\\]",
        "[a-z._~!$&'()*+,;=%0-9-]{0,10}",
    ];
    let port = prop_oneof![Just(String::new()), ":[0-9]{0,7}"];
    let rest = "(/[a-zA-Z0-9._~%-]{0,6}){0,3}(\\?[a-z=&%0-9]{0,6})?(#[a-z]{0,3})?";
    (scheme, userinfo, host, port, rest).prop_map(|(scheme, userinfo, host, port, rest)| {
        format!("{scheme}://{userinfo}{host}{port}{rest}")
    })
}

proptest! {
    #![proptest_config(crate::properties::config(4000))]

    #[test]
    fn redirect_uris_are_decided_as_before_near_the_fast_path(text in uri_like()) {
        prop_assert_eq!(current(&text), reference(&text), "{:?}", text);
    }

    #[test]
    fn login_ids_are_decided_as_before(
        text in prop_oneof![any::<String>(), "[ -~]{0,12}", "[ \t\r\n\u{0}\u{7f}\u{85}\u{a0}\u{3000}a]{0,6}"],
    ) {
        let current = LoginId::parse(text.as_str()).map(|id| id.as_str().to_string());
        prop_assert_eq!(current.map_err(|e| e.reason()), reference_text(&text).map(|()| text.clone()));
    }

    #[test]
    fn secrets_are_decided_as_before(
        text in prop_oneof![
            any::<String>(),
            "[ -~]{0,12}",
            "[!-~:]{1,8}[ \t\r\n\u{0}\u{7f}\u{85}\u{a0}é:]{0,3}[!-~]{0,4}",
            Just("k".repeat(16 * 1024)),
            Just("k".repeat(16 * 1024 + 1)),
        ],
    ) {
        prop_assert_eq!(reason(RefreshJwt::new(text.as_str())), reference_secret(&text, false));
        prop_assert_eq!(reason(ManagementKey::new(text.as_str())), reference_secret(&text, true));
        prop_assert_eq!(reason(AuthManagementKey::new(text.as_str())), reference_secret(&text, true));
        // The session JWT had no check of its own: it takes the refresh JWT's.
        prop_assert_eq!(reason(SessionJwt::new(text.as_str())), reference_secret(&text, false));
        prop_assert_eq!(reason(LinkToken::new(text.as_str())), reference_link_token(&text));
    }

    #[test]
    fn phone_numbers_are_decided_as_before(
        text in prop_oneof![
            any::<String>(),
            "[+0-9 ().-]{0,20}",
            "\\+[1-9][0-9 ().-]{0,18}",
            "[+0-9a\u{0660}\u{ff10}\u{0}]{0,17}",
        ],
    ) {
        let current = PhoneNumber::parse(&text).map(|p| p.as_str().to_string());
        prop_assert_eq!(current.map_err(|e| e.reason()), reference_phone(&text), "{:?}", text);
    }

    #[test]
    fn redirect_uris_are_decided_as_before_on_any_text(
        text in prop_oneof![any::<String>(), "[ -~]{0,40}", "https?://[ -~]{0,30}"],
    ) {
        prop_assert_eq!(current(&text), reference(&text), "{:?}", text);
    }
}

#[test]
fn the_edges_of_the_fast_path_are_decided_as_before() {
    for text in [
        "https://app.example.com/verify",
        "HTTPS://APP.EXAMPLE.COM:443/a?b",
        "http://example.com.:65535/",
        "http://example.com:65536/",
        "http://example.com:000080/",
        "http://example.com:0000000000000000080/",
        "http://example.com:4294967376/",
        "http://example.com:99999/",
        "http://example.com:/",
        "http://a..b/",
        "http://.a/",
        "http://a./",
        "http://a.b.1/",
        "http://a.0x/",
        "http://a.0X1f/",
        "http://a.0x1g/",
        "http://1.2.3.4/",
        "http://a.09/",
        "http://xn--nxasmq6b.com/",
        "http://xn--a.com/",
        "http://a-.-b/",
        "http://a--b.c/",
        "http://example.com/#",
        "http://user@example.com/",
        "http://[::1]/",
        "ftp://example.com/",
        &format!("http://{}.com/", "a".repeat(70)),
    ] {
        assert_eq!(current(text), reference(text), "{text}");
    }
}
