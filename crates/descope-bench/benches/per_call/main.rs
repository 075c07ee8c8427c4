//! What the client costs per call, apart from the HTTP exchange itself.
//!
//! - `validate_and_build/*`: everything a call does before any I/O: checking
//!   the inputs and the credential, building the exact wire body, and the
//!   `Authorization` value. `parts/*` splits that up, and adds the JSON
//!   serialisation that `reqwest` then does (the floor does it too).
//! - `decode/*`: whole calls over loopback whose answers differ only in what
//!   has to be decoded; each case minus `decode/ok_200` is what mapping that
//!   answer to a typed error costs (retries are off, so there is one attempt).
//!
//! Run with `cargo bench -p descope-bench --bench per_call`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use descope_ergonomic::tooling::WireJson;
use descope_ergonomic::{
    DescopeClient, Error, ManagementAuthorization, ManagementKey, ProjectId, RefreshJwt,
    RetryPolicy, UserAuthorization,
};

use descope_bench::clients::{LOGIN_ID, MANAGEMENT_KEY, PROJECT_ID, REDIRECT_URI, REFRESH_JWT};
use descope_testkit::fault_server::{response, Detached, Options, Step};

/// The phone as a user might type it, so that normalising it is measured too
/// (the loopback bench sends it already in E.164 form).
const PHONE: &str = "+1 (202) 555-0123";

fn client(base_url: Option<&str>) -> DescopeClient {
    let builder = DescopeClient::builder()
        .project_id(PROJECT_ID)
        .management_key(MANAGEMENT_KEY)
        .retry_policy(RetryPolicy::none());
    match base_url {
        Some(url) => builder.base_url(url),
        None => builder,
    }
    .build()
    .expect("a valid configuration")
}

fn validate_and_build(c: &mut Criterion) {
    let client = client(None);
    let mut group = c.benchmark_group("validate_and_build");
    group.bench_function("update_phone", |b| {
        b.iter(|| {
            let jwt = RefreshJwt::new(black_box(REFRESH_JWT)).unwrap();
            let authorization = UserAuthorization::new(client.project_id(), &jwt).header_value();
            let body = client
                .magic_link()
                .update_phone_sms(jwt, black_box(LOGIN_ID), black_box(PHONE))
                .uri(black_box(REDIRECT_URI))
                .wire_json()
                .unwrap();
            black_box((authorization, body))
        })
    });
    // The management credential is built once per client; a call clones it.
    group.bench_function("embedded_link", |b| {
        b.iter(|| {
            let body = client
                .management()
                .users()
                .embedded_link(black_box(LOGIN_ID))
                .timeout(black_box(Duration::from_secs(300)))
                .wire_json()
                .unwrap();
            black_box(body)
        })
    });
    group.finish();
}

fn parts(c: &mut Criterion) {
    let client = client(None);
    let project = ProjectId::new(PROJECT_ID).unwrap();
    let jwt = RefreshJwt::new(REFRESH_JWT).unwrap();
    let key = ManagementKey::new(MANAGEMENT_KEY).unwrap();
    let update_phone = client
        .magic_link()
        .update_phone_sms(jwt.clone(), LOGIN_ID, PHONE)
        .uri(REDIRECT_URI);
    let embedded_link = client
        .management()
        .users()
        .embedded_link(LOGIN_ID)
        .timeout(Duration::from_secs(300));
    let mut group = c.benchmark_group("parts");
    group.bench_function("refresh_jwt_check", |b| {
        b.iter(|| RefreshJwt::new(black_box(REFRESH_JWT)).unwrap())
    });
    group.bench_function("user_authorization_header", |b| {
        b.iter(|| UserAuthorization::new(&project, black_box(&jwt)).header_value())
    });
    group.bench_function("management_authorization_header", |b| {
        b.iter(|| ManagementAuthorization::new(&project, black_box(&key)).header_value())
    });
    group.bench_function("update_phone_wire_body", |b| {
        b.iter(|| black_box(&update_phone).wire_json().unwrap())
    });
    group.bench_function("embedded_link_wire_body", |b| {
        b.iter(|| black_box(&embedded_link).wire_json().unwrap())
    });
    let phone_body = update_phone.wire_json().unwrap();
    group.bench_function("update_phone_json", |b| {
        b.iter(|| serde_json::to_vec(black_box(&phone_body)).unwrap())
    });
    let link_body = embedded_link.wire_json().unwrap();
    group.bench_function("embedded_link_json", |b| {
        b.iter(|| serde_json::to_vec(black_box(&link_body)).unwrap())
    });
    group.finish();
}

/// A decoding case: its answer, served under `/<path>/`.
struct Canned {
    path: &'static str,
    status: &'static str,
    headers: &'static [(&'static str, &'static str)],
    body: &'static str,
}

const JSON: (&str, &str) = ("content-type", "application/json");

/// One answer per decoding case, all to the embedded-link call.
static ANSWERS: &[Canned] = &[
    Canned {
        path: "ok_200",
        status: "200 OK",
        headers: &[JSON],
        body: r#"{"token":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJVMmFBYzQifQ.c2lnbmF0dXJl","maskedEmail":"a***@example.com"}"#,
    },
    Canned {
        path: "api_error_400",
        status: "400 Bad Request",
        headers: &[JSON],
        body: r#"{"errorCode":"E011003","errorDescription":"Request is invalid","errorMessage":"The loginId field is required"}"#,
    },
    Canned {
        path: "rate_limited_429",
        status: "429 Too Many Requests",
        headers: &[JSON, ("retry-after", "7")],
        body: r#"{"errorCode":"E130429","errorDescription":"Too many requests"}"#,
    },
    Canned {
        path: "malformed_200",
        status: "200 OK",
        headers: &[JSON],
        body: r#"{"token":42}"#,
    },
    Canned {
        path: "html_502",
        status: "502 Bad Gateway",
        headers: &[("content-type", "text/html")],
        body: "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>The upstream server did not answer.</p></body></html>",
    },
];

/// The fault server, answering each case by the first segment of the path.
fn canned_server() -> Detached {
    let options = Options {
        keep_requests: false,
        ..Options::default()
    };
    Detached::start(options, |request| {
        let case = request.path.trim_start_matches('/').split('/').next();
        let canned = ANSWERS
            .iter()
            .find(|c| Some(c.path) == case)
            .expect("a canned response for every case");
        vec![Step::Write(response(
            canned.status,
            canned.headers,
            canned.body,
        ))]
    })
    .expect("serve on loopback")
}

fn decode(c: &mut Criterion) {
    let server = canned_server();
    let base = server.base_url();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("decode");
    for answer in ANSWERS {
        let client = client(Some(&format!("{base}/{}", answer.path)));
        let call = || runtime.block_on(client.management().users().embedded_link(LOGIN_ID).send());
        // Measure the intended path only: success for the 200 case, a typed
        // error (never a transport failure) for the others.
        match (answer.path, call()) {
            ("ok_200", Ok(_)) => {}
            (_, Err(Error::Transport { source, .. })) => panic!("{}: {source}", answer.path),
            ("ok_200", Err(error)) => panic!("ok_200: {error}"),
            (path, Ok(_)) => panic!("{path}: succeeded"),
            (_, Err(_)) => {}
        }
        group.bench_function(answer.path, |b| b.iter(|| black_box(call())));
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = validate_and_build, parts, decode
}
criterion_main!(benches);
