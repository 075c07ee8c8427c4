//! An axum service signed in with Descope: sign-in by embedded link, verify
//! (the session cookies), a protected route, a role-guarded route, the
//! signed-in user's phone change, logout. The routes and how to run it
//! against the fake are in the crate's README.
//!
//! ```sh
//! DESCOPE_PROJECT_ID=... DESCOPE_MANAGEMENT_KEY=... DESCOPE_BASE_URL=http://127.0.0.1:8089 \
//! PORT=3000 SECURE_COOKIES=false cargo run -p descope-axum --example service
//! ```

mod app;
#[cfg(test)]
mod tests;

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let config = match app::Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("service: {error}");
            return ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!(
                "service: cannot listen on 127.0.0.1:{}: {error}",
                config.port
            );
            return ExitCode::FAILURE;
        }
    };
    if let Ok(addr) = listener.local_addr() {
        println!("http://{addr}");
    }
    match axum::serve(listener, app::router(&config)).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("service: {error}");
            ExitCode::FAILURE
        }
    }
}
