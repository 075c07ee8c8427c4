//! The example of the README's "Testing your service" section, kept
//! compiling and passing here: a service function and its tests.

use std::time::Duration;

use descope_ergonomic::{DescopeClient, Error};

/// The service's own code: a sign-in URL for a user, with a one-time token.
pub async fn sign_in_url(descope: &DescopeClient, email: &str) -> Result<String, Error> {
    let link = descope
        .management()
        .users()
        .embedded_link(email)
        .timeout(Duration::from_secs(600))
        .send()
        .await?;
    Ok(format!(
        "https://app.example.com/magic?t={}",
        link.token().expose_secret()
    ))
}

mod tests {
    use super::*;
    use fake_descope::Operation;
    use fake_descope::{FakeDescope, Project, Reply};
    use serde_json::json;

    const PROJECT: &str = "P2aAc4T2V93bddihGEx2Ryhc8e5Z";

    async fn fake_and_client() -> (FakeDescope, DescopeClient) {
        let fake = FakeDescope::builder()
            .project(Project::new(PROJECT).management_key("K-test"))
            .user("ada@example.com")
            .start()
            .await;
        let descope = DescopeClient::builder()
            .project_id(PROJECT)
            .management_key("K-test")
            .base_url(fake.base_url())
            .build()
            .unwrap();
        (fake, descope)
    }

    #[tokio::test]
    async fn a_known_user_gets_a_sign_in_url() {
        let (fake, descope) = fake_and_client().await;

        let url = sign_in_url(&descope, "ada@example.com").await.unwrap();

        let [request]: [_; 1] = fake
            .received_for(Operation::EmbeddedLinkSignin)
            .try_into()
            .unwrap();
        assert_eq!(request.path, "/v1/mgmt/user/signin/embeddedlink");
        assert_eq!(request.header("x-descope-license"), Some("tier1"));
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {PROJECT}:K-test").as_str())
        );
        assert_eq!(
            request.json().unwrap(),
            json!({"loginId": "ada@example.com", "timeout": 600})
        );
        let token = request.response["token"].as_str().unwrap();
        assert_eq!(url, format!("https://app.example.com/magic?t={token}"));
    }

    #[tokio::test]
    async fn an_unknown_user_and_a_rate_limit_are_errors() {
        let (fake, descope) = fake_and_client().await;

        let error = sign_in_url(&descope, "bob@example.com").await.unwrap_err();
        assert!(error.is_not_found());

        fake.script(Reply::rate_limited().retry_after(30));
        let error = sign_in_url(&descope, "ada@example.com").await.unwrap_err();
        assert!(error.is_rate_limited());
        assert_eq!(
            error.retry_after(),
            Some(std::time::Duration::from_secs(30))
        );
    }
}
