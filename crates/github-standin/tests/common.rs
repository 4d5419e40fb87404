//! Shared set-up for the stand-in's tests.
#![allow(dead_code)]

use github_standin::{RepoSpec, Standin};

pub const TOKEN: &str = "fake-pat-octo_test_token";

/// A stand-in with user `octo` (token [`TOKEN`], scope `repo`) owning `octo/hello`.
pub async fn standin_with_repo() -> Standin {
    let gh = Standin::start().await.expect("stand-in starts (run scripts/fetch-openapi.sh first)");
    gh.state().add_user("octo", TOKEN, &["repo", "read:org"]);
    gh.state().set_profile("octo", Some("Octo Cat"), Some("octo@example.com"));
    gh.state().add_repo(RepoSpec::new("octo", "hello")).unwrap();
    gh
}

pub fn client(gh: &Standin, token: &str) -> octocrab::Octocrab {
    octocrab::Octocrab::builder().base_uri(gh.api_url()).unwrap().personal_token(token.to_string()).build().unwrap()
}

pub fn github_error(e: &octocrab::Error) -> &octocrab::GitHubError {
    match e {
        octocrab::Error::GitHub { source, .. } => source,
        other => panic!("expected a GitHub error, got {other:?}"),
    }
}
