//! A loopback HTTP/1.1 server on a plain thread that answers every request
//! with one canned response chosen by the first path segment, so that each
//! decoding case has its own base URL (`http://127.0.0.1:<port>/<case>`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

/// A response the server sends for requests under `/<path>/`.
#[derive(Debug, Clone, Copy)]
pub struct Canned {
    /// The first path segment that selects this response.
    pub path: &'static str,
    /// Status line without the `HTTP/1.1 ` prefix, e.g. `200 OK`.
    pub status: &'static str,
    /// Extra header lines, each ending in `\r\n`.
    pub headers: &'static str,
    /// The body.
    pub body: &'static str,
}

/// Starts the server with `responses`; returns its `http://127.0.0.1:<port>`.
/// Its threads live as long as the bench process.
pub fn start(responses: &'static [Canned]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let base = format!("http://{}", listener.local_addr().expect("local address"));
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || serve(stream, responses));
        }
    });
    base
}

/// Answers the requests of one keep-alive connection until the client closes it.
fn serve(stream: TcpStream, responses: &'static [Canned]) {
    let _ = stream.set_nodelay(true);
    let mut writer = stream.try_clone().expect("clone stream");
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
        let mut length = 0usize;
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let case = path.trim_start_matches('/').split('/').next().unwrap_or("");
        let canned = responses
            .iter()
            .find(|c| c.path == case)
            .expect("a canned response for every case");
        let response = format!(
            "HTTP/1.1 {}\r\ncontent-length: {}\r\n{}\r\n{}",
            canned.status,
            canned.body.len(),
            canned.headers,
            canned.body
        );
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}
