//! What each status and body decodes to: Descope error bodies, error pages
//! and malformed bodies, content types, redirects, `Retry-After`, and HTTP
//! that is odd but valid.

use std::time::Duration;

use descope_ergonomic::{Error, DEFAULT_MAX_RESPONSE_BYTES};
use descope_testkit::client::{Op, OPS};
use descope_testkit::fault_server::{json, response, success_for, write, FaultServer, Step};
use reqwest::StatusCode;

use super::{answer, builder, call, malformed, TIMEOUT};

/// A Descope error body with `code` and the other two fields.
fn descope_error(status: u16, code: &str) -> Vec<u8> {
    json(
        &StatusCode::from_u16(status).unwrap().to_string(),
        format!(
            r#"{{"errorCode":"{code}","errorDescription":"Described","errorMessage":"Detailed message"}}"#
        ),
    )
}

#[tokio::test]
async fn descope_error_bodies_become_api_errors() {
    for op in OPS {
        for (status, code) in [
            (400, "E011003"),
            (401, "E011001"),
            (403, "E011004"),
            (404, "E062108"),
            (500, "E000000"),
            (503, "E000503"),
        ] {
            let error = answer(op, descope_error(status, code)).await.unwrap_err();
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
    for op in OPS {
        let error = answer(op, descope_error(400, "E112102")).await.unwrap_err();
        assert!(error.is_not_found(), "{op:?}: {error:?}");
    }
}

#[tokio::test]
async fn long_error_text_is_cut_so_logs_stay_bounded() {
    let body = format!(
        r#"{{"errorCode":"E011003","errorMessage":"{}"}}"#,
        "x".repeat(3000)
    );
    for op in OPS {
        let error = answer(op, json("400 Bad Request", &body))
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
    for op in OPS {
        for status in [
            "400 Bad Request",
            "401 Unauthorized",
            "404 Not Found",
            "500 Internal Server Error",
            "502 Bad Gateway",
            "504 Gateway Timeout",
        ] {
            let result = answer(
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
        let result = answer(
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
    let bodies: [&[u8]; 9] = [
        b"OK", // (its reason is checked below)
        b"<html><body>It works!</body></html>",
        b"{",
        b"tru",
        b"\xEF\xBB\xBF{\"token\":\"t\",\"maskedPhone\":\"+1\"}",
        b"{\"token\":\"t\xff\xfe\",\"maskedPhone\":\"+1\xff\"}",
        b"{\"token\":\"t\",\"maskedPhone\":\"+1\"} trailing",
        b"null",
        b"\x00\x01\x02",
    ];
    for op in OPS {
        for body in bodies {
            for content_type in [Some("application/json"), None] {
                let headers: Vec<(&str, &str)> = content_type
                    .map(|ct| ("content-type", ct))
                    .into_iter()
                    .collect();
                let what = format!(
                    "{op:?} {:?} {content_type:?}",
                    String::from_utf8_lossy(body)
                );
                let result = answer(op, response("200 OK", &headers, body)).await;
                let (status, reason, excerpt) = malformed(&what, result);
                assert_eq!(status, 200, "{what}");
                assert!(!reason.is_empty(), "{what}");
                if body == b"OK" {
                    assert!(reason.contains("expected value"), "{what}: {reason}");
                }
                match op {
                    // Its success body may hold a token: never shown.
                    Op::EmbeddedLink => assert_eq!(excerpt, None, "{what}"),
                    Op::UpdatePhone => assert_eq!(
                        excerpt.as_deref(),
                        Some(&*String::from_utf8_lossy(body)),
                        "{what}"
                    ),
                }
            }
        }
    }
}

#[tokio::test]
async fn empty_bodies_are_malformed_or_unexpected() {
    for op in OPS {
        for (what, bytes) in [
            ("200 json", json("200 OK", "")),
            ("200 untyped", response("200 OK", &[], "")),
        ] {
            let (status, reason, excerpt) = malformed(what, answer(op, bytes).await);
            assert_eq!(status, 200, "{what}");
            assert!(reason.contains("EOF"), "{what}: {reason}");
            assert_eq!(excerpt, None, "{what}");
        }
        // No framing at all: the body ends when the server closes.
        let server = FaultServer::start(|_| {
            vec![
                Step::Write(b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n".to_vec()),
                Step::Close,
            ]
        })
        .await;
        let result = call(&builder(&server).build().unwrap(), op).await;
        let (status, reason, _) = malformed("200 until close", result);
        assert_eq!(status, 200);
        assert!(reason.contains("EOF"), "{reason}");
        for status in [
            "400 Bad Request",
            "500 Internal Server Error",
            "503 Service Unavailable",
        ] {
            let (code, reason, excerpt) = malformed(status, answer(op, json(status, "")).await);
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
            match answer(op, response(status, &[], "")).await {
                Err(Error::UnexpectedStatus {
                    status,
                    location: None,
                    excerpt: None,
                }) => assert_eq!(status.as_u16(), code),
                other => panic!("{status}: {other:?}"),
            }
        }
    }
}

#[tokio::test]
async fn missing_or_wrongly_typed_fields_are_malformed_responses() {
    let cases: [(Op, &str, &str); 18] = [
        (Op::EmbeddedLink, "{}", "missing field `token`"),
        (
            Op::EmbeddedLink,
            r#"{"token":42}"#,
            "invalid type: integer `42`",
        ),
        (Op::EmbeddedLink, r#"{"token":""}"#, "shorter than 1"),
        (Op::EmbeddedLink, r#"{"token":null}"#, "invalid type: null"),
        (
            Op::EmbeddedLink,
            r#"{"token":["t"]}"#,
            "invalid type: sequence",
        ),
        (
            Op::EmbeddedLink,
            r#"{"token":"t","maskedEmail":12}"#,
            "invalid type: integer `12`",
        ),
        (
            Op::EmbeddedLink,
            r#"{"token":"a","token":"b"}"#,
            "duplicate field `token`",
        ),
        (Op::EmbeddedLink, "[]", "invalid length 0"),
        (Op::EmbeddedLink, r#""token""#, "invalid type: string"),
        (Op::EmbeddedLink, r#""not an object""#, "invalid type"),
        (Op::EmbeddedLink, "42", "invalid type: integer"),
        (Op::UpdatePhone, "{}", "missing field `maskedPhone`"),
        (
            Op::UpdatePhone,
            r#"{"maskedPhone":7}"#,
            "invalid type: integer `7`",
        ),
        (
            Op::UpdatePhone,
            r#"{"maskedPhone":null}"#,
            "invalid type: null",
        ),
        (
            Op::UpdatePhone,
            r#"{"maskedPhone":{"a":1}}"#,
            "invalid type: map",
        ),
        (
            Op::UpdatePhone,
            r#"{"maskedPhone":true}"#,
            "invalid type: boolean",
        ),
        (
            Op::UpdatePhone,
            r#"{"maskedPhone":"a","maskedPhone":"b"}"#,
            "duplicate field",
        ),
        (
            Op::UpdatePhone,
            r#"{"masked_phone":"+1***"}"#,
            "missing field `maskedPhone`",
        ),
    ];
    for (op, body, expected) in cases {
        let what = format!("{op:?} {body}");
        let (status, reason, excerpt) = malformed(&what, answer(op, json("200 OK", body)).await);
        assert_eq!(status, 200, "{what}");
        assert!(reason.contains(expected), "{what}: {reason}");
        if op == Op::EmbeddedLink {
            // A success body of this operation may hold a token: never shown.
            assert_eq!(excerpt, None, "{what}");
        }
    }

    // Error bodies that do not match the spec's error schema.
    for op in OPS {
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
            let (code, reason, excerpt) = malformed(&what, answer(op, json(status, body)).await);
            assert_eq!(code.to_string(), status[..3], "{what}");
            assert!(reason.contains(expected), "{what}: {reason}");
            assert_eq!(excerpt.as_deref(), Some(body), "{what}");
        }
    }

    // Unknown fields are tolerated: the spec may grow.
    for op in OPS {
        let extra =
            r#"{"token":"tok","maskedPhone":"+1***","maskedEmail":"a***","new":{"x":[1,2]}}"#;
        let value = answer(op, json("200 OK", extra)).await.unwrap();
        assert_eq!(
            value,
            if op == Op::EmbeddedLink {
                "tok"
            } else {
                "+1***"
            }
        );
        let error = answer(
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
    for depth in [10_000, 100_000] {
        let success = [
            arrays(depth),
            objects(depth),
            format!(r#"{{"token":{0},"maskedPhone":{0}}}"#, objects(depth)),
            format!(
                r#"{{"token":"t","maskedPhone":"+1","x":{}}}"#,
                arrays(depth)
            ),
            format!(
                r#"{{"x":{},"token":"t","maskedPhone":"+1"}}"#,
                objects(depth)
            ),
        ];
        let error = [
            objects(depth),
            format!(r#"{{"errorCode":"E1","errorMessage":{}}}"#, objects(depth)),
            format!(r#"{{"errorCode":{}}}"#, arrays(depth)),
        ];
        for op in OPS {
            for status in ["200 OK", "400 Bad Request", "500 Internal Server Error"] {
                let bodies = if status.starts_with('2') {
                    &success[..]
                } else {
                    &error[..]
                };
                for body in bodies {
                    let what = format!("{op:?} {status} depth {depth} {}", &body[..20]);
                    match answer(op, json(status, body)).await {
                        // Unknown fields are skipped (without recursing), so
                        // a deep one beside valid fields is a success.
                        Ok(_) => assert!(body.contains(r#""x":"#), "{what}"),
                        Err(Error::ResponseTooLarge { .. })
                            if body.len() > DEFAULT_MAX_RESPONSE_BYTES => {}
                        result => {
                            let (code, reason, _) = malformed(&what, result);
                            assert_eq!(code.to_string(), status[..3], "{what}");
                            assert!(!reason.is_empty());
                        }
                    }
                }
            }
        }
    }
}

#[tokio::test]
async fn a_success_must_be_json_whatever_it_says() {
    let body = r#"{"token":"tok","maskedPhone":"+1***"}"#;
    for op in OPS {
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
                answer(
                    op,
                    response("200 OK", &[("content-type", content_type)], body),
                )
                .await,
            );
            assert_eq!((status, excerpt), (200, None), "{content_type}");
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
        let (status, reason, _) = malformed("binary content type", answer(op, raw).await);
        assert_eq!(status, 200);
        assert!(reason.contains("content type"), "{reason}");

        for content_type in [
            "application/json",
            "Application/JSON; charset=UTF-8",
            "application/problem+json",
            "application/vnd.descope.v1+json",
        ] {
            let result = answer(
                op,
                response("200 OK", &[("content-type", content_type)], body),
            )
            .await;
            assert!(result.is_ok(), "{content_type}: {result:?}");
        }
        // Error bodies are read whatever their type, so that they can be shown.
        let error = answer(
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
    for op in OPS {
        for (code, absolute) in [301u16, 302, 303, 307, 308]
            .into_iter()
            .flat_map(|code| [(code, false), (code, true)])
        {
            // To a path, or to a URL on the same server: neither is followed.
            let server = FaultServer::start(move |request| {
                if request.path == "/elsewhere" {
                    return write(success_for(request));
                }
                let location = match request.header("host") {
                    Some(host) if absolute => format!("http://{host}/elsewhere"),
                    _ => "/elsewhere".to_string(),
                };
                write(response(
                    &format!("{code} Moved"),
                    &[("location", &location)],
                    "moved",
                ))
            })
            .await;
            let expected = if absolute {
                format!("{}/elsewhere", server.base_url())
            } else {
                "/elsewhere".to_string()
            };
            let client = builder(&server).build().unwrap();
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
            let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
            assert_eq!(paths.len(), 1, "{op:?} {code}: followed to {paths:?}");
        }
        let error = answer(op, response("300 Multiple Choices", &[], ""))
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
            let error = answer(op, rate_limited(value)).await.unwrap_err();
            assert!(error.is_rate_limited(), "{what}");
            assert_eq!(error.error_code(), Some("E130429"), "{what}");
            assert_eq!(error.retry_after(), expected, "{what}");
        }
        // A proxy's 429 page: still rate limited, without a Descope body.
        let error = answer(
            op,
            response(
                "429 Too Many Requests",
                &[("content-type", "text/html"), ("retry-after", "5")],
                "<h1>slow down</h1>",
            ),
        )
        .await
        .unwrap_err();
        assert!(error.is_rate_limited());
        assert!(
            matches!(error, Error::MalformedResponse { .. }),
            "{error:?}"
        );
        // Its valid `Retry-After` still reaches the caller, and so drives an
        // opted-in retry; a malformed one is still none.
        assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(5)));
        let error = answer(
            op,
            response(
                "429 Too Many Requests",
                &[("content-type", "text/html"), ("retry-after", "soon")],
                "<h1>slow down</h1>",
            ),
        )
        .await
        .unwrap_err();
        assert_eq!(error.retry_after(), None);
    }
}

#[tokio::test]
async fn odd_but_valid_http_is_handled() {
    for op in OPS {
        // Informational responses before the real one are skipped.
        let mut early = b"HTTP/1.1 103 Early Hints\r\nlink: </x>\r\n\r\n".to_vec();
        early.extend(json("200 OK", r#"{"token":"tok","maskedPhone":"+1***"}"#));
        assert!(answer(op, early).await.is_ok(), "{op:?}");

        // A protocol switch nobody asked for: an error, not a hang.
        let server = FaultServer::start(|_| {
            vec![
                Step::Write(b"HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n".to_vec()),
                Step::Hang,
            ]
        })
        .await;
        let result = call(
            &builder(&server).request_timeout(TIMEOUT).build().unwrap(),
            op,
        )
        .await;
        match result {
            Err(Error::UnexpectedStatus { status, .. }) => assert_eq!(status.as_u16(), 101),
            other => panic!("{op:?}: {other:?}"),
        }

        // A status beyond 599 is undeclared, not a crash.
        match answer(op, response("600 Weird", &[], "")).await {
            Err(Error::UnexpectedStatus { status, .. }) => assert_eq!(status.as_u16(), 600),
            other => panic!("{op:?}: {other:?}"),
        }
    }
}
