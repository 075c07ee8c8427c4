//! RFC 6901 JSON pointer tokens, as every report here writes its places.

/// `name` as one token of a pointer: `~` and `/` escaped.
pub fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// The name one token of a pointer stands for.
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_round_trip() {
        for name in ["a", "a/b", "~", "~1", "/v1/mgmt/{id}", "application/json"] {
            assert_eq!(super::unescape(&super::escape(name)), name);
        }
        assert_eq!(super::escape("a~/b"), "a~0~1b");
    }
}
