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
        let known = self
            .secrets
            .iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .fold(text.to_string(), |acc, secret| {
                let mut acc = redact(acc, secret);
                // A server may echo the secret encoded: scrub each form a
                // URL or JSON encoder would give it too.
                if secret.bytes().any(|b| !b.is_ascii_alphanumeric()) {
                    for form in encoded_forms(secret) {
                        acc = redact(acc, &form);
                    }
                }
                acc
            });
        redact_jwts(&known)
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

/// `text` with every `secret` replaced.
fn redact(text: String, secret: &str) -> String {
    // A secret longer than the text cannot be in it, and the search
    // `replace` would set up for it costs more than the rest of decoding
    // (error codes are far shorter than keys).
    if secret.len() > text.len() || !text.contains(secret) {
        text
    } else {
        text.replace(secret, REDACTED)
    }
}

/// The forms encoders give a secret (visible ASCII, as the credential types
/// admit), other than itself: percent-encoded as RFC 3986 (only unreserved
/// characters kept), as JavaScript's `encodeURIComponent` (also `!'()*`) and
/// as Python's `quote` (also `/`), each with upper- and lower-case hex; and
/// JSON-escaped as most encoders do it, with `\/` for `/`, and as Go does
/// (`<`, `>`, `&` as `\u003c`, `\u003e`, `\u0026`).
fn encoded_forms(secret: &str) -> Vec<String> {
    let unreserved = |b: u8| b.is_ascii_alphanumeric() || b"-._~".contains(&b);
    let percent = |keep: &dyn Fn(u8) -> bool, lower: bool| -> String {
        let mut out = String::with_capacity(secret.len() * 3);
        for b in secret.bytes() {
            if keep(b) {
                out.push(char::from(b));
            } else if lower {
                out.push_str(&format!("%{b:02x}"));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    };
    let javascript = |b: u8| unreserved(b) || b"!'()*".contains(&b);
    let python = |b: u8| unreserved(b) || b == b'/';
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
    let mut forms = Vec::new();
    for form in [
        percent(&unreserved, false),
        percent(&unreserved, true),
        percent(&javascript, false),
        percent(&javascript, true),
        percent(&python, false),
        percent(&python, true),
        json(false, false),
        json(true, false),
        json(false, true),
        json(true, true),
    ] {
        if form != secret && !forms.contains(&form) {
            forms.push(form);
        }
    }
    forms
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
    use super::{redact_jwts, Scrub};

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
