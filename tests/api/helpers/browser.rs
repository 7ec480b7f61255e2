//! One browser: its own cookie jar and CSRF token, no redirects followed (tests assert
//! them), signing in (with an authenticator code for staff) and posting forms.

use reqwest::StatusCode;

use super::{SET_UP_SECRETS, fresh_code, secret_of};

/// One browser: its own cookie jar, no automatic redirects (tests assert them).
#[derive(Clone)]
pub struct Browser {
    pub client: reqwest::Client,
    pub address: String,
}

impl Browser {
    /// A browser of its own (cookies, no redirects followed) for a server at `address`.
    pub fn at(address: &str) -> Self {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self {
            client,
            address: address.to_owned(),
        }
    }

    /// A browser asking the server at `address` for the host name `host` (a council's own).
    pub fn at_host(address: &str, host: &str) -> Self {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::HOST,
            reqwest::header::HeaderValue::from_str(host).expect("host"),
        );
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .expect("client");
        Self {
            client,
            address: address.to_owned(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn get_text(&self, path: &str) -> (StatusCode, String) {
        let res = self.get(path).await;
        let status = res.status();
        (status, res.text().await.expect("body"))
    }

    /// The session's CSRF token, read from a page with a form.
    pub async fn csrf(&self) -> String {
        let (_, body) = self.get_text("/forgot-password").await;
        csrf_in(&body)
    }

    /// Posts a file upload form as the browser would: the CSRF token, one file and some text
    /// fields.
    pub async fn post_file(
        &self,
        path: &str,
        file_field: &str,
        (file_name, bytes): (&str, Vec<u8>),
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut form = reqwest::multipart::Form::new()
            .text("csrf_token", self.csrf().await)
            .part(
                file_field.to_owned(),
                reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()),
            );
        for (name, value) in fields {
            form = form.text((*name).to_owned(), (*value).to_owned());
        }
        self.client
            .post(self.url(path))
            .multipart(form)
            .send()
            .await
            .expect("request")
    }

    /// Uploads a logo for organisation `id` with its description, as the organisation
    /// page's form does.
    pub async fn upload_logo(&self, id: i64, file: Vec<u8>, alt: &str) -> reqwest::Response {
        let (_, page) = self
            .get_text(&format!("/provider/organisations/{id}"))
            .await;
        let form = reqwest::multipart::Form::new()
            .text("csrf_token", csrf_in(&page))
            .part(
                "logo",
                reqwest::multipart::Part::bytes(file)
                    .file_name("logo.png")
                    .mime_str("image/png")
                    .expect("mime"),
            )
            .text("logo_alt", alt.to_owned());
        self.client
            .post(self.url(&format!("/provider/organisations/{id}/logo")))
            .multipart(form)
            .send()
            .await
            .expect("request")
    }

    /// Posts a form as the browser would, with the CSRF token.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.client
            .post(self.url(path))
            .form(&all)
            .send()
            .await
            .expect("POST")
    }

    pub async fn post_form_text(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, String) {
        let res = self.post_form(path, fields).await;
        let status = res.status();
        (status, res.text().await.expect("body"))
    }

    /// Posts a form without the CSRF token.
    pub async fn post_form_without_csrf(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    /// Posts the sign-in form and returns the response.
    pub async fn try_sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_form("/sign-in", &[("email", email), ("password", password)])
            .await
    }

    pub async fn sign_in(&self, email: &str, password: &str) {
        let res = self.try_sign_in(email, password).await;
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "sign-in as {email} failed"
        );
        self.second_factor(email, &location(&res)).await;
    }

    /// After the password: gives the code (staff accounts made by `create_user` and the demo
    /// use `TOTP_SECRET`), or sets up an authenticator as a person would, reading the key
    /// from the page. Anything else is left as it is. Returns where the person goes next.
    pub async fn second_factor(&self, email: &str, location: &str) -> String {
        match location {
            "/sign-in/code" => {
                // A step this helper does not know was used (by an earlier server on the same
                // database) is refused once; the next one is fresh.
                let mut status = StatusCode::OK;
                for _ in 0..4 {
                    let code = fresh_code(email, &secret_of(email)).await;
                    let res = self.post_form("/sign-in/code", &[("code", &code)]).await;
                    status = res.status();
                    if status == StatusCode::SEE_OTHER {
                        return crate::helpers::location(&res);
                    }
                }
                panic!("the code for {email} was refused: {status}");
            }
            "/sign-in/set-up" => {
                let (_, page) = self.get_text("/sign-in/set-up").await;
                let key: String = page
                    .split("kith-key\">")
                    .nth(1)
                    .and_then(|s| s.split('<').next())
                    .expect("the key on the set-up page")
                    .split_whitespace()
                    .collect();
                let code = fresh_code(email, &key).await;
                let (status, page) = self
                    .post_form_text("/sign-in/set-up", &[("code", &code)])
                    .await;
                assert_eq!(status, StatusCode::OK, "{page}");
                assert!(page.contains("Save your recovery codes"));
                SET_UP_SECRETS
                    .lock()
                    .expect("secrets")
                    .push((email.to_owned(), key));
                page.split("kith-continue\"")
                    .nth(1)
                    .and_then(|s| s.split("href=\"").nth(1))
                    .and_then(|s| s.split('"').next())
                    .expect("the continue link after the recovery codes")
                    .to_owned()
            }
            other => other.to_owned(),
        }
    }

    /// Sets up an organisation as a provider would and returns its id.
    pub async fn create_organisation(&self, name: &str, kind: &str) -> i64 {
        let res = self
            .post_form(
                "/provider/organisations",
                &[("name", name), ("kind", kind), ("cqc_provider_id", "")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "create {name}");
        location(&res)
            .rsplit('/')
            .next()
            .and_then(|id| id.parse().ok())
            .expect("organisation id in the redirect")
    }

    pub async fn is_signed_in(&self) -> bool {
        self.get("/account").await.status() == StatusCode::OK
    }
}

pub fn csrf_in(body: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = body
        .find(marker)
        .unwrap_or_else(|| panic!("no csrf field in {body}"))
        + marker.len();
    body[start..].split('"').next().expect("token").to_owned()
}

pub fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

pub fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("kith_session="))
        .map(str::to_owned)
}
