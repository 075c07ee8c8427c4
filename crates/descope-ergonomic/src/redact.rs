//! What an error may keep of a response: text scrubbed of the call's
//! secrets and of anything shaped like a JWT, and cut to a bounded length.

use reqwest::StatusCode;

/// How much of a body an error shows.
const EXCERPT_CHARS: usize = 160;
/// The longest text an error keeps from any one response field or header.
const FIELD_CHARS: usize = 512;

/// The secrets a call knows (the client's keys and the call's own
/// credential), scrubbed from anything taken from a response, and whether
/// success bodies may be shown at all (they may hold a token).
#[derive(Clone, Copy)]
pub(crate) struct Scrub<'a> {
    /// The client's management key and auth management key and the call's
    /// own credential, where set (a fixed array: no allocation per call).
    pub(crate) secrets: [Option<&'a str>; 3],
    pub(crate) success_body_is_secret: bool,
}

impl Scrub<'_> {
    /// Scrubbed, and cut to [`FIELD_CHARS`]: text taken from a response ends
    /// up in logs, which a hostile server must not be able to flood.
    pub(crate) fn text(&self, text: &str) -> String {
        let scrubbed = self.scrubbed(text);
        match scrubbed.char_indices().nth(FIELD_CHARS) {
            Some((cut, _)) => format!("{}…", &scrubbed[..cut]),
            None => scrubbed,
        }
    }

    fn scrubbed(&self, text: &str) -> String {
        scrubbed(text, self.secrets.iter().flatten().copied())
    }

    pub(crate) fn excerpt(&self, status: StatusCode, body: &[u8]) -> Option<String> {
        if body.is_empty() || (status.is_success() && self.success_body_is_secret) {
            return None;
        }
        // Scrub before cutting, so a secret straddling the cut is still caught.
        let text = self.text(&String::from_utf8_lossy(body));
        let cut: String = text.chars().take(EXCERPT_CHARS).collect();
        let more = if text.chars().nth(EXCERPT_CHARS).is_some() {
            "…"
        } else {
            ""
        };
        Some(format!("{cut}{more}"))
    }
}

const REDACTED: &str = "[REDACTED]";

/// `text` with every one of `secrets` replaced by `[REDACTED]`, as received
/// and in each form a URL or JSON encoder gives it, and anything shaped like
/// a JWT too: the scrubbing this crate's errors get, for other text taken
/// from a response (a recording, a log line).
#[cfg_attr(not(feature = "unstable-tooling"), allow(dead_code))]
pub fn scrub_secrets(text: &str, secrets: &[&str]) -> String {
    scrubbed(text, secrets.iter().copied())
}

fn scrubbed<'s>(text: &str, secrets: impl Iterator<Item = &'s str>) -> String {
    let known = secrets
        .filter(|s| !s.is_empty())
        .fold(text.to_string(), |acc, secret| {
            // A server may echo the secret encoded: any of its bytes may come
            // percent-encoded (with either case of hex), and JSON encoders
            // escape a few characters their own ways.
            json_forms(secret)
                .iter()
                .fold(redact_percent(acc, secret), |acc, form| redact(acc, form))
        });
    redact_jwts(&known)
}

/// `text` with every `secret` replaced.
fn redact(text: String, secret: &str) -> String {
    text.replace(secret, REDACTED)
}

/// `text` with every copy of `secret` replaced, each byte of the copy
/// written as itself or as `%XX`: the plain form and every form a URL
/// encoder gives (whatever it keeps unencoded, either case of hex).
fn redact_percent(text: String, secret: &str) -> String {
    // Without a `%`, only the plain form can be there.
    if !text.contains('%') {
        return redact(text, secret);
    }
    let (bytes, wanted) = (text.as_bytes(), secret.as_bytes());
    let hex = |at: usize| bytes.get(at).and_then(|b| char::from(*b).to_digit(16));
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut at) = (0, 0);
    // Each byte of the secret takes at least one byte of the text.
    while at + wanted.len() <= bytes.len() {
        let (mut end, mut matched) = (at, 0);
        while matched < wanted.len() && end < bytes.len() {
            if bytes[end] == wanted[matched] {
                end += 1;
            } else if let (b'%', Some(high), Some(low)) = (bytes[end], hex(end + 1), hex(end + 2)) {
                if high * 16 + low != u32::from(wanted[matched]) {
                    break;
                }
                end += 3;
            } else {
                break;
            }
            matched += 1;
        }
        if matched == wanted.len() {
            // A match starts and ends on ASCII bytes: char boundaries.
            out.push_str(&text[copied..at]);
            out.push_str(REDACTED);
            copied = end;
            at = end;
        } else {
            at += 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// The forms JSON encoders give a secret (visible ASCII, as the credential
/// types admit): escaped as most do it, with `\/` for
/// `/`, and as Go does (`<`, `>`, `&` as `\u003c`, `\u003e`, `\u0026`).
fn json_forms(secret: &str) -> [String; 4] {
    let json = |slash: bool, go: bool| -> String {
        let mut out = String::with_capacity(secret.len() + 8);
        for c in secret.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '/' if slash => out.push_str("\\/"),
                '<' if go => out.push_str("\\u003c"),
                '>' if go => out.push_str("\\u003e"),
                '&' if go => out.push_str("\\u0026"),
                c => out.push(c),
            }
        }
        out
    };
    // Forms that come out alike (or as the secret itself, already scrubbed)
    // just find nothing the second time.
    [
        json(false, false),
        json(true, false),
        json(false, true),
        json(true, true),
    ]
}

/// Replaces anything shaped like a JWT (`eyJ` + base64url, two dots) with
/// `[REDACTED]`: a server or proxy may echo credentials this call never held,
/// such as another user's refresh JWT.
fn redact_jwts(text: &str) -> String {
    let is_segment_char = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while let Some(found) = text[at..].find("eyJ") {
        let start = at + found;
        let mut end = start;
        let mut dots = 0;
        while end < bytes.len() && (is_segment_char(bytes[end]) || (bytes[end] == b'.' && dots < 2))
        {
            dots += usize::from(bytes[end] == b'.');
            end += 1;
        }
        // Even when glued to a preceding word (`t=` lost, `xeyJ...`): what
        // follows `eyJ` is still the credential.
        if dots == 2 {
            out.push_str(&text[copied..start]);
            out.push_str(REDACTED);
            copied = end;
        }
        at = end.max(start + 3);
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::{redact_jwts, scrub_secrets, Scrub};

    #[test]
    fn scrub_secrets_is_the_errors_scrubbing() {
        assert_eq!(
            scrub_secrets("k=K%2Fab x=eyJa.b.c y=plain", &["K/ab", ""]),
            "k=[REDACTED] x=[REDACTED] y=plain"
        );
    }

    #[test]
    fn secrets_are_scrubbed_in_every_encoding_an_echo_may_use() {
        let key = "K/ab+c=d\"<&>";
        let scrub = Scrub {
            secrets: [Some(key), None, None],
            success_body_is_secret: false,
        };
        for echoed in [
            key.to_string(),
            "K%2Fab%2Bc%3Dd%22%3C%26%3E".to_string(),
            "K%2fab%2bc%3dd%22%3c%26%3e".to_string(),
            "K/ab%2Bc%3Dd%22%3C%26%3E".to_string(),
            // Every byte encoded, unreserved ones too, hex in mixed case.
            "%4B%2f%61%62%2B%63%3d%64%22%3C%26%3e".to_string(),
            "K/ab+c=d\\\"<&>".to_string(),
            "K\\/ab+c=d\\\"<&>".to_string(),
            "K/ab+c=d\\\"\\u003c\\u0026\\u003e".to_string(),
        ] {
            let text = scrub.text(&format!("invalid key {echoed} given"));
            assert_eq!(text, "invalid key [REDACTED] given", "{echoed}");
        }
        // An alphanumeric secret has no other form: nothing else is touched.
        let plain = Scrub {
            secrets: [Some("abc123"), None, None],
            success_body_is_secret: false,
        };
        assert_eq!(plain.text("x abc123 %2F y"), "x [REDACTED] %2F y");
        assert_eq!(plain.text("x %61bc%3123 y"), "x [REDACTED] y");
        // At either end of the text.
        assert_eq!(plain.text("%61bc123"), "[REDACTED]");
        assert_eq!(plain.text("x: abc12%33"), "x: [REDACTED]");
        assert_eq!(plain.text("%x abc123"), "%x [REDACTED]");
        // Near misses stay: a wrong byte, a cut escape, the end of the text.
        for kept in ["abc124", "%61bc12", "ab%c123", "%6", "abc12%", "%zz"] {
            assert_eq!(plain.text(kept), kept);
        }
        assert_eq!(plain.text("é%41abc123é"), "é%41[REDACTED]é");
    }

    #[test]
    fn jwt_shaped_text_is_redacted_and_the_rest_kept() {
        assert_eq!(
            redact_jwts("Bearer P1:eyJhbGci.eyJzdWIi.c2ln-_x rest"),
            "Bearer P1:[REDACTED] rest"
        );
        assert_eq!(
            redact_jwts("a eyJx.y.z, b eyJp.q.r"),
            "a [REDACTED], b [REDACTED]"
        );
        assert_eq!(redact_jwts("eyJonly.one dot"), "eyJonly.one dot");
        assert_eq!(redact_jwts("keyJa.b.c"), "k[REDACTED]");
        assert_eq!(redact_jwts("teyJhbGci.eyJzdWIi.c2ln"), "t[REDACTED]");
        assert_eq!(redact_jwts("héllo eyJ"), "héllo eyJ");
    }
}
