//! Masked contact details, as Descope shows them: enough to recognise, not
//! enough to read.

/// The country calling codes of two digits; `1` and `7` are the only ones
/// of one digit, and every other code has three (the codes are prefix-free).
const TWO_DIGIT_CODES: [&str; 44] = [
    "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47",
    "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65",
    "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
];

/// `+12025550123` -> `+1******0123`: the country code and the last four
/// digits stay, each other digit becomes `*` (at least one is always hidden).
pub fn mask_phone(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let code_len = if digits.starts_with('1') || digits.starts_with('7') {
        1
    } else if TWO_DIGIT_CODES.iter().any(|code| digits.starts_with(code)) {
        2
    } else {
        3
    }
    .min(digits.len().saturating_sub(1));
    let (code, rest) = digits.split_at(code_len);
    let shown = rest.len().saturating_sub(1).min(4);
    let hidden = rest.len() - shown;
    format!("+{code}{}{}", "*".repeat(hidden), &rest[hidden..])
}

/// `ada@example.com` -> `a***@example.com`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_keep_the_country_code_and_four_digits() {
        assert_eq!(mask_phone("+12025550123"), "+1******0123");
        assert_eq!(mask_phone("+447700900123"), "+44******0123");
        assert_eq!(mask_phone("+972541234567"), "+972*****4567");
        assert_eq!(mask_phone("+79161234567"), "+7******4567");
        assert_eq!(mask_phone("+4412"), "+44*2");
        assert_eq!(mask_phone("+12"), "+1*");
    }

    #[test]
    fn emails_keep_the_first_letter_and_the_domain() {
        assert_eq!(mask_email("ada@example.com"), "a***@example.com");
        assert_eq!(mask_email("nope"), "***");
    }
}
