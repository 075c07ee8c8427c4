//! What each status and body decodes to, for every operation: Descope error
//! bodies, error pages and malformed bodies, content types, redirects,
//! `Retry-After`, and HTTP that is odd but valid.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use descope_ergonomic::{Error, DEFAULT_MAX_RESPONSE_BYTES};
use descope_spec::Operation;
use descope_testkit::client::{Op, OPS};
use descope_testkit::fault_server::{json, response, success_for, write, FaultServer, Step};
use reqwest::StatusCode;
use serde_json::Value;

use super::{builder, call, malformed, Answers, TIMEOUT};
use crate::proxy_429_page;

/// A Descope error body with `code` and the other two fields.
fn descope_error(status: u16, code: &str) -> Vec<u8> {
    json(
        &StatusCode::from_u16(status).unwrap().to_string(),
        format!(
            r#"{{"errorCode":"{code}","errorDescription":"Described","errorMessage":"Detailed message"}}"#
        ),
    )
}

/// The excerpt a malformed 2xx body of `op` gets: none when its success
/// may carry a secret, else the body.
fn success_excerpt(op: Op, body: &str) -> Option<&str> {
    (!op.success_carries_secret()).then_some(body)
}

/// `body`, a JSON object's text, with `"name":raw` added first or last.
fn with_member(body: &str, name: &str, raw: &str, first: bool) -> String {
    let inner = body
        .trim()
        .strip_prefix('{')
        .and_then(|b| b.strip_suffix('}'));
    let inner = inner.expect("a success body is an object").trim();
    let member = format!("\"{name}\":{raw}");
    match (inner.is_empty(), first) {
        (true, _) => format!("{{{member}}}"),
        (false, true) => format!("{{{member},{inner}}}"),
        (false, false) => format!("{{{inner},{member}}}"),
    }
}

#[tokio::test]
async fn descope_error_bodies_become_api_errors() {
    let answers = Answers::start().await;
    for op in OPS {
        for (status, code) in [
            (400, "E011003"),
            (401, "E011001"),
            (403, "E011004"),
            (404, "E062108"),
            (500, "E000000"),
            (503, "E000503"),
        ] {
            let error = answers
                .play(op, descope_error(status, code))
                .await
                .unwrap_err();
            let api = error
                .api()
                .unwrap_or_else(|| panic!("{op:?} {status}: {error:?}"));
            assert_eq!(api.status().as_u16(), status);
            assert_eq!(api.code(), code);
            assert_eq!(api.description(), Some("Described"));
            assert_eq!(api.message(), Some("Detailed message"));
            assert_eq!(error.is_not_found(), status == 404);
            assert_eq!(error.is_unauthorized(), status == 401);
            assert_eq!(error.is_forbidden(), status == 403);
            assert!(!error.is_rate_limited());
            assert_eq!(
                error.to_string(),
                format!(
                    "Descope error {code} (HTTP {}): Described: Detailed message",
                    StatusCode::from_u16(status).unwrap()
                )
            );
        }
    }
}

#[tokio::test]
async fn user_not_found_is_recognised_by_code_too() {
    let answers = Answers::start().await;
    for op in OPS {
        let error = answers
            .play(op, descope_error(400, "E112102"))
            .await
            .unwrap_err();
        assert!(error.is_not_found(), "{op:?}: {error:?}");
    }
}

#[tokio::test]
async fn long_error_text_is_cut_so_logs_stay_bounded() {
    let body = format!(
        r#"{{"errorCode":"E011003","errorMessage":"{}"}}"#,
        "x".repeat(3000)
    );
    let answers = Answers::start().await;
    for op in OPS {
        let error = answers
            .play(op, json("400 Bad Request", &body))
            .await
            .unwrap_err();
        let message = error.api().unwrap().message().unwrap();
        assert_eq!(
            message.chars().count(),
            513,
            "512 characters and an ellipsis"
        );
        assert!(message.ends_with('…'));
    }
}

#[tokio::test]
async fn html_error_pages_are_malformed_responses_with_a_short_excerpt() {
    let page = format!(
        "<html><head><title>Bad gateway</title></head><body>{}</body></html>",
        "<p>upstream unavailable</p>".repeat(400)
    );
    let answers = Answers::start().await;
    for op in OPS {
        for status in [
            "400 Bad Request",
            "401 Unauthorized",
            "404 Not Found",
            "500 Internal Server Error",
            "502 Bad Gateway",
            "504 Gateway Timeout",
        ] {
            let result = answers
                .play(
                    op,
                    response(status, &[("content-type", "text/html")], &page),
                )
                .await;
            let code: u16 = status[..3].parse().unwrap();
            let error = result.as_ref().unwrap_err();
            assert_eq!(error.status().map(|s| s.as_u16()), Some(code));
            assert_eq!(error.is_not_found(), code == 404);
            assert_eq!(error.is_unauthorized(), code == 401);
            let (got, reason, excerpt) = malformed(status, result);
            assert_eq!(got, code);
            assert!(reason.contains("expected value"), "{reason}");
            let excerpt = excerpt.expect("an error page is shown");
            assert!(excerpt.starts_with("<html><head><title>Bad gateway"));
            assert!(excerpt.ends_with('…'), "cut short: {excerpt}");
            assert!(excerpt.chars().count() <= 161, "{excerpt}");
        }
        // A short page is shown whole.
        let short = "<html><body>Bad gateway</body></html>";
        let result = answers
            .play(
                op,
                response("502 Bad Gateway", &[("content-type", "text/html")], short),
            )
            .await;
        let (status, _, excerpt) = malformed("short page", result);
        assert_eq!(status, 502);
        assert_eq!(excerpt.as_deref(), Some(short));
    }
}

#[tokio::test]
async fn non_json_success_bodies_are_malformed_responses() {
    let bodies: [&[u8]; 8] = [
        b"OK", // (its reason is checked below)
        b"<html><body>It works!</body></html>",
        b"{",
        b"tru",
        b"\xEF\xBB\xBF{\"token\":\"t\",\"maskedPhone\":\"+1\"}",
        b"{\"token\":\"t\",\"maskedPhone\":\"+1\"} trailing",
        b"null",
        b"\x00\x01\x02",
    ];
    let answers = Answers::start().await;
    for op in OPS {
        // Text that is not UTF-8, in a field the operation reads (its first
        // string field, else its first).
        let fields = op.success_fields();
        let field = fields
            .iter()
            .find(|f| f.kind == Some("string"))
            .or(fields.first())
            .unwrap();
        let mut not_utf8 = format!("{{\"{}\":\"t", field.name).into_bytes();
        not_utf8.extend_from_slice(b"\xff\xfe\"}");
        for body in bodies.iter().copied().chain([&not_utf8[..]]) {
            for content_type in [Some("application/json"), None] {
                let headers: Vec<(&str, &str)> = content_type
                    .map(|ct| ("content-type", ct))
                    .into_iter()
                    .collect();
                let what = format!(
                    "{op:?} {:?} {content_type:?}",
                    String::from_utf8_lossy(body)
                );
                let result = answers.play(op, response("200 OK", &headers, body)).await;
                let (status, reason, excerpt) = malformed(&what, result);
                assert_eq!(status, 200, "{what}");
                assert!(!reason.is_empty(), "{what}");
                if body == b"OK" {
                    assert!(reason.contains("expected value"), "{what}: {reason}");
                }
                // A success body that may hold a secret is never shown.
                let shown = String::from_utf8_lossy(body);
                assert_eq!(excerpt.as_deref(), success_excerpt(op, &shown), "{what}");
            }
        }
    }
}

#[tokio::test]
async fn empty_bodies_are_malformed_or_unexpected() {
    let answers = Answers::start().await;
    for op in OPS {
        for (what, bytes) in [
            ("200 json", json("200 OK", "")),
            ("200 untyped", response("200 OK", &[], "")),
            // No framing at all: the body ends when the server closes.
            (
                "200 until close",
                b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n".to_vec(),
            ),
        ] {
            let (status, reason, excerpt) = malformed(what, answers.play(op, bytes).await);
            assert_eq!(status, 200, "{op:?} {what}");
            assert!(reason.contains("EOF"), "{op:?} {what}: {reason}");
            assert_eq!(excerpt, None, "{op:?} {what}");
        }
        for status in [
            "400 Bad Request",
            "500 Internal Server Error",
            "503 Service Unavailable",
        ] {
            let (code, reason, excerpt) =
                malformed(status, answers.play(op, json(status, "")).await);
            assert_eq!(code.to_string(), status[..3]);
            assert!(reason.contains("EOF"), "{reason}");
            assert_eq!(excerpt, None);
        }
        // Statuses the spec does not declare.
        for (status, code) in [
            ("204 No Content", 204),
            ("201 Created", 201),
            ("202 Accepted", 202),
        ] {
            match answers.play(op, response(status, &[], "")).await {
                Err(Error::UnexpectedStatus {
                    status,
                    location: None,
                    excerpt: None,
                }) => assert_eq!(status.as_u16(), code),
                other => panic!("{op:?} {status}: {other:?}"),
            }
        }
    }
}

/// The bodies of `op`'s success that its schema refuses, each with what the
/// refusal must say (one of them): every typed field of the wrong type,
/// every required field missing or null, a string under its minimum length,
/// a field given twice, and JSON that is not an object.
fn refused_successes(op: Op) -> Vec<(String, Vec<String>)> {
    let success = op.success_body();
    let mut cases = Vec::new();
    for field in op.success_fields() {
        let name = field.name;
        let mut body = success.clone();
        let Some(kind) = field.kind else { continue };
        let wrong = Op::wrong_value(field);
        body[name] = wrong.clone();
        let expected = match &wrong {
            Value::Number(n) => format!("invalid type: integer `{n}`"),
            other => format!("invalid type: string {other}"),
        };
        cases.push((body.to_string(), vec![expected]));
        if field.required {
            let mut missing = success.clone();
            missing.as_object_mut().unwrap().remove(name);
            cases.push((missing.to_string(), vec![format!("missing field `{name}`")]));
            let mut null = success.clone();
            null[name] = Value::Null;
            cases.push((null.to_string(), vec!["invalid type: null".into()]));
        }
        if let (Some(min), "string") = (field.min_length, kind) {
            // Refused by its length, or by its pattern if it has one (the
            // generated type checks both, in an order of its own).
            let mut short = success.clone();
            short[name] = Value::String(String::new());
            let mut expected = vec![format!("shorter than {min}")];
            expected.extend(
                field
                    .pattern
                    .map(|pattern| format!("doesn't match pattern \"{pattern}\"")),
            );
            cases.push((short.to_string(), expected));
        }
        if let Some(value) = success.get(name) {
            let twice = with_member(&success.to_string(), name, &value.to_string(), false);
            cases.push((twice, vec![format!("duplicate field `{name}`")]));
        }
    }
    cases.push((
        r#""not an object""#.into(),
        vec!["invalid type: string".into()],
    ));
    cases.push(("42".into(), vec!["invalid type: integer".into()]));
    cases
}

#[tokio::test]
async fn missing_or_wrongly_typed_fields_are_malformed_responses() {
    // Cases written out, beside those read from the spec below.
    let written: [(Operation, &str, &str); 18] = [
        (Operation::EmbeddedLinkSignin, "{}", "missing field `token`"),
        (
            Operation::EmbeddedLinkSignin,
            r#"{"token":42}"#,
            "invalid type: integer `42`",
        ),
        (
            Operation::EmbeddedLinkSignin,
            r#"{"token":""}"#,
            "shorter than 1",
        ),
        (
            Operation::EmbeddedLinkSignin,
            r#"{"token":null}"#,
            "invalid type: null",
        ),
        (
            Operation::EmbeddedLinkSignin,
            r#"{"token":["t"]}"#,
            "invalid type: sequence",
        ),
        (
            Operation::EmbeddedLinkSignin,
            r#"{"token":"t","maskedEmail":12}"#,
            "invalid type: integer `12`",
        ),
        (
            Operation::EmbeddedLinkSignin,
            r#"{"token":"a","token":"b"}"#,
            "duplicate field `token`",
        ),
        (Operation::EmbeddedLinkSignin, "[]", "invalid length 0"),
        (
            Operation::EmbeddedLinkSignin,
            r#""token""#,
            "invalid type: string",
        ),
        (
            Operation::EmbeddedLinkSignin,
            r#""not an object""#,
            "invalid type",
        ),
        (Operation::EmbeddedLinkSignin, "42", "invalid type: integer"),
        (
            Operation::UpdateUserPhoneMagicLinkSms,
            "{}",
            "missing field `maskedPhone`",
        ),
        (
            Operation::UpdateUserPhoneMagicLinkSms,
            r#"{"maskedPhone":7}"#,
            "invalid type: integer `7`",
        ),
        (
            Operation::UpdateUserPhoneMagicLinkSms,
            r#"{"maskedPhone":null}"#,
            "invalid type: null",
        ),
        (
            Operation::UpdateUserPhoneMagicLinkSms,
            r#"{"maskedPhone":{"a":1}}"#,
            "invalid type: map",
        ),
        (
            Operation::UpdateUserPhoneMagicLinkSms,
            r#"{"maskedPhone":true}"#,
            "invalid type: boolean",
        ),
        (
            Operation::UpdateUserPhoneMagicLinkSms,
            r#"{"maskedPhone":"a","maskedPhone":"b"}"#,
            "duplicate field",
        ),
        (
            Operation::UpdateUserPhoneMagicLinkSms,
            r#"{"masked_phone":"+1***"}"#,
            "missing field `maskedPhone`",
        ),
    ];
    let written = written
        .into_iter()
        .map(|(op, body, expected)| (Op(op), body.to_string(), vec![expected.to_string()]));
    let from_spec = OPS.into_iter().flat_map(|op| {
        refused_successes(op)
            .into_iter()
            .map(move |(body, expected)| (op, body, expected))
    });
    let answers = Answers::start().await;
    let mut refused = std::collections::HashSet::new();
    for (op, body, expected) in written.chain(from_spec) {
        let what = format!("{op:?} {body}");
        let result = answers.play(op, json("200 OK", &body)).await;
        let (status, reason, excerpt) = malformed(&what, result);
        assert_eq!(status, 200, "{what}");
        assert!(
            expected.iter().any(|expected| reason.contains(expected)),
            "{what}: {reason}"
        );
        // A success body that may hold a secret is never shown.
        if op.success_carries_secret() {
            assert_eq!(excerpt, None, "{what}");
        }
        refused.insert(op);
    }
    assert_eq!(refused.len(), OPS.len(), "an operation without a case");

    for op in OPS {
        // Error bodies that do not match the spec's error schema.
        for (status, body, expected) in [
            ("400 Bad Request", "{}", "missing field `errorCode`"),
            (
                "401 Unauthorized",
                r#"{"errorCode":5}"#,
                "invalid type: integer `5`",
            ),
            (
                "403 Forbidden",
                r#"{"errorCode":"E1","errorMessage":["x"]}"#,
                "invalid type: sequence",
            ),
            ("500 Internal Server Error", "[]", "invalid length 0"),
        ] {
            let what = format!("{op:?} {status} {body}");
            let (code, reason, excerpt) =
                malformed(&what, answers.play(op, json(status, body)).await);
            assert_eq!(code.to_string(), status[..3], "{what}");
            assert!(reason.contains(expected), "{what}: {reason}");
            assert_eq!(excerpt.as_deref(), Some(body), "{what}");
        }

        // Unknown fields are tolerated: the spec may grow.
        let extra = with_member(&op.success_text(), "new", r#"{"x":[1,2]}"#, false);
        let output = answers.play(op, json("200 OK", &extra)).await.unwrap();
        assert!(output.agrees_with(op.success_body()), "{op:?}: {output:?}");
        let error = answers
            .play(
                op,
                json("404 Not Found", r#"{"errorCode":"E062108","unknown":true}"#),
            )
            .await
            .unwrap_err();
        assert!(error.is_not_found());
        assert_eq!(error.error_code(), Some("E062108"));
    }
}

#[tokio::test]
async fn json_nested_ten_thousand_deep_is_refused_without_overflowing_the_stack() {
    let arrays = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let objects = |depth: usize| format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
    // Each case goes to two operations in turn, so that every operation
    // meets deep bodies of each kind and the whole costs what two did.
    let mut cases = Vec::new();
    for depth in [10_000, 100_000] {
        for status in ["200 OK", "400 Bad Request", "500 Internal Server Error"] {
            let bodies: Vec<Box<dyn Fn(Op) -> String>> = if status.starts_with('2') {
                vec![
                    Box::new(move |_| arrays(depth)),
                    Box::new(move |_| objects(depth)),
                    // Every field the spec knows, deep.
                    Box::new(move |op: Op| {
                        let fields: Vec<String> = op
                            .success_fields()
                            .iter()
                            .map(|f| format!("\"{}\":{}", f.name, objects(depth)))
                            .collect();
                        format!("{{{}}}", fields.join(","))
                    }),
                    // A deep unknown field beside a success, last or first.
                    Box::new(move |op: Op| {
                        with_member(&op.success_text(), "x", &arrays(depth), false)
                    }),
                    Box::new(move |op: Op| {
                        with_member(&op.success_text(), "x", &objects(depth), true)
                    }),
                ]
            } else {
                vec![
                    Box::new(move |_| objects(depth)),
                    Box::new(move |_| {
                        format!(r#"{{"errorCode":"E1","errorMessage":{}}}"#, objects(depth))
                    }),
                    Box::new(move |_| format!(r#"{{"errorCode":{}}}"#, arrays(depth))),
                ]
            };
            for body in bodies {
                cases.push((depth, status, body));
            }
        }
    }
    let answers = Answers::start().await;
    let mut seen = std::collections::HashSet::new();
    for (at, (depth, status, body)) in cases.iter().enumerate() {
        for op in [OPS[at % OPS.len()], OPS[(at + OPS.len() / 2) % OPS.len()]] {
            seen.insert(op);
            let body = body(op);
            let what = format!("{op:?} {status} depth {depth} {}", &body[..20]);
            match answers.play(op, json(status, &body)).await {
                // Unknown fields are skipped (without recursing), so a deep
                // one beside valid fields is a success; so is an object of
                // unknown fields alone for an operation whose answer
                // requires none (`Logout`).
                Ok(_) => assert!(
                    body.contains(r#""x":"#)
                        || (body.starts_with(r#"{"a":"#)
                            && op.success_fields().iter().all(|f| !f.required)),
                    "{what}"
                ),
                Err(Error::ResponseTooLarge { .. }) if body.len() > DEFAULT_MAX_RESPONSE_BYTES => {}
                result => {
                    let (code, reason, _) = malformed(&what, result);
                    assert_eq!(code.to_string(), status[..3], "{what}");
                    assert!(!reason.is_empty());
                }
            }
        }
    }
    assert_eq!(seen.len(), OPS.len());
}

#[tokio::test]
async fn a_success_must_be_json_whatever_it_says() {
    let answers = Answers::start().await;
    for op in OPS {
        let body = op.success_text();
        for content_type in [
            "text/html",
            "text/html; charset=utf-8",
            "text/plain; charset=utf-8",
            "application/xml",
            "application/jsonp",
            "text/json",
            "",
            "multipart/form-data; boundary=x",
        ] {
            let (status, reason, excerpt) = malformed(
                content_type,
                answers
                    .play(
                        op,
                        response("200 OK", &[("content-type", content_type)], &body),
                    )
                    .await,
            );
            assert_eq!((status, excerpt), (200, None), "{op:?} {content_type}");
            // The reason names the type without its parameters.
            let essence = content_type.split(';').next().unwrap().trim();
            assert!(
                reason.contains(&format!(
                    "content type {essence:?} where application/json is required"
                )),
                "{reason}"
            );
        }
        // A content type that is not text at all.
        let mut raw = b"HTTP/1.1 200 OK\r\ncontent-type: \xff\xfe\r\n".to_vec();
        raw.extend_from_slice(format!("content-length: {}\r\n\r\n{body}", body.len()).as_bytes());
        let (status, reason, _) = malformed("binary content type", answers.play(op, raw).await);
        assert_eq!(status, 200);
        assert!(reason.contains("content type"), "{reason}");

        for content_type in [
            "application/json",
            "Application/JSON; charset=UTF-8",
            "application/problem+json",
            "application/vnd.descope.v1+json",
        ] {
            let result = answers
                .play(
                    op,
                    response("200 OK", &[("content-type", content_type)], &body),
                )
                .await;
            assert!(result.is_ok(), "{op:?} {content_type}: {result:?}");
        }
        // Error bodies are read whatever their type, so that they can be shown.
        let error = answers
            .play(
                op,
                response(
                    "400 Bad Request",
                    &[("content-type", "text/plain")],
                    r#"{"errorCode":"E011003"}"#,
                ),
            )
            .await
            .unwrap_err();
        assert_eq!(error.error_code(), Some("E011003"));
    }
}

#[tokio::test]
async fn redirects_are_reported_and_never_followed() {
    // The redirect each request gets: its code, and whether its location is
    // a URL on the same server (else a path).
    let redirect: Arc<Mutex<(u16, bool)>> = Arc::default();
    let current = redirect.clone();
    let server = FaultServer::start(move |request| {
        if request.path == "/elsewhere" {
            return write(success_for(request));
        }
        let (code, absolute) = *current.lock().unwrap();
        let location = match request.header("host") {
            Some(host) if absolute => format!("http://{host}/elsewhere"),
            _ => "/elsewhere".to_string(),
        };
        vec![
            Step::Write(response(
                &format!("{code} Moved"),
                &[("location", &location)],
                "moved",
            )),
            Step::Close,
        ]
    })
    .await;
    let client = builder(&server).build().unwrap();
    for op in OPS {
        for (code, absolute) in [301u16, 302, 303, 307, 308]
            .into_iter()
            .flat_map(|code| [(code, false), (code, true)])
        {
            *redirect.lock().unwrap() = (code, absolute);
            let expected = if absolute {
                format!("{}/elsewhere", server.base_url())
            } else {
                "/elsewhere".to_string()
            };
            let before = server.request_count();
            match call(&client, op).await {
                Err(Error::UnexpectedStatus {
                    status,
                    location,
                    excerpt,
                }) => {
                    assert_eq!(status.as_u16(), code);
                    assert_eq!(location, Some(expected));
                    assert_eq!(excerpt.as_deref(), Some("moved"));
                }
                other => panic!("{op:?} {code}: {other:?}"),
            }
            let paths: Vec<String> = server.requests()[before..]
                .iter()
                .map(|r| r.path.clone())
                .collect();
            assert_eq!(paths, [op.request_path()], "{op:?} {code}: followed");
        }
    }
    let answers = Answers::start().await;
    for op in OPS {
        let error = answers
            .play(op, response("300 Multiple Choices", &[], ""))
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::UnexpectedStatus { location: None, .. }),
            "{error:?}"
        );
        assert!(
            error.to_string().starts_with("unexpected HTTP 300"),
            "{error}"
        );
    }
}

#[tokio::test]
async fn a_429_carries_retry_after_only_when_it_is_whole_seconds() {
    // The raw bytes of the header, or no header at all.
    let rate_limited = |retry_after: Option<&[u8]>| {
        let mut raw =
            b"HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\n".to_vec();
        if let Some(value) = retry_after {
            raw.extend_from_slice(b"retry-after: ");
            raw.extend_from_slice(value);
            raw.extend_from_slice(b"\r\n");
        }
        let body = r#"{"errorCode":"E130429","errorDescription":"Rate limited"}"#;
        raw.extend_from_slice(format!("content-length: {}\r\n\r\n{body}", body.len()).as_bytes());
        raw
    };
    let answers = Answers::start().await;
    for op in OPS {
        for (value, expected) in [
            (None, None),
            (Some(&b"7"[..]), Some(Duration::from_secs(7))),
            (Some(b" 7 "), Some(Duration::from_secs(7))),
            (Some(b"0"), Some(Duration::ZERO)),
            (Some(b"soon"), None),
            (Some(b"soon-ish"), None),
            (Some(b"-1"), None),
            (Some(b"1.5"), None),
            (Some(b""), None),
            (Some(b"Wed, 21 Oct 2015 07:28:00 GMT"), None),
            (Some(b"99999999999999999999999"), None),
            (Some(b"\xff\xfe"), None),
            (Some(b"7, 8"), None),
        ] {
            let what = format!("{op:?} {:?}", value.map(String::from_utf8_lossy));
            let error = answers.play(op, rate_limited(value)).await.unwrap_err();
            assert!(error.is_rate_limited(), "{what}");
            assert_eq!(error.error_code(), Some("E130429"), "{what}");
            assert_eq!(error.retry_after(), expected, "{what}");
        }
        // A proxy's 429 page: still rate limited, without a Descope body.
        let error = answers.play(op, proxy_429_page("5")).await.unwrap_err();
        assert!(error.is_rate_limited());
        assert!(
            matches!(error, Error::MalformedResponse { .. }),
            "{error:?}"
        );
        // Its valid `Retry-After` still reaches the caller, and so drives an
        // opted-in retry; a malformed one is still none.
        assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(5)));
        let error = answers.play(op, proxy_429_page("soon")).await.unwrap_err();
        assert_eq!(error.retry_after(), None);
    }
}

#[tokio::test]
async fn odd_but_valid_http_is_handled() {
    let answers = Answers::start().await;
    // A protocol switch nobody asked for: an error, not a hang.
    let switching = FaultServer::start(|_| {
        vec![
            Step::Write(b"HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n".to_vec()),
            Step::Hang,
        ]
    })
    .await;
    let switching_client = builder(&switching)
        .request_timeout(TIMEOUT)
        .build()
        .unwrap();
    for op in OPS {
        // Informational responses before the real one are skipped.
        let mut early = b"HTTP/1.1 103 Early Hints\r\nlink: </x>\r\n\r\n".to_vec();
        early.extend(json("200 OK", op.success_text()));
        let output = answers.play(op, early).await;
        assert!(
            output.is_ok_and(|output| output.agrees_with(op.success_body())),
            "{op:?}"
        );

        match call(&switching_client, op).await {
            Err(Error::UnexpectedStatus { status, .. }) => assert_eq!(status.as_u16(), 101),
            other => panic!("{op:?}: {other:?}"),
        }

        // A status beyond 599 is undeclared, not a crash.
        match answers.play(op, response("600 Weird", &[], "")).await {
            Err(Error::UnexpectedStatus { status, .. }) => assert_eq!(status.as_u16(), 600),
            other => panic!("{op:?}: {other:?}"),
        }
    }
}
