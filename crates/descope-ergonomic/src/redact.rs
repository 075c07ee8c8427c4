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
                // A secret longer than the text cannot be in it, and the
                // search `replace` would set up for it costs more than the
                // rest of decoding (error codes are far shorter than keys).
                if secret.len() > acc.len() {
                    acc
                } else {
                    acc.replace(secret, REDACTED)
                }
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
    use super::redact_jwts;

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
