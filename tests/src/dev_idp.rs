//! The development identity provider (npm `oidc-provider`,
//! `tests/e2e/oidc-provider.mjs`) started for a test, and a headless
//! "system browser" that goes through its login and consent pages the way a
//! person would: follows redirects, keeps cookies, fills the login form.

use std::{
    collections::HashMap,
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
};

/// The audience the development provider issues API tokens for.
pub const AUDIENCE: &str = "urn:mycity:api";

/// A running development provider; killed when dropped.
pub struct DevIdp {
    /// Its issuer URL.
    pub issuer: String,
    child: Child,
}

impl Drop for DevIdp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl DevIdp {
    /// Starts the provider on a free loopback port; access tokens live
    /// `access_ttl_s` seconds. Needs `npm ci` in `tests/e2e` (scripts/test-all.sh runs it).
    pub fn start(access_ttl_s: u32) -> DevIdp {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("e2e");
        assert!(
            dir.join("node_modules/oidc-provider").exists(),
            "the development identity provider needs its packages: (cd tests/e2e && npm ci)"
        );
        let mut child = Command::new("node")
            .arg("oidc-provider.mjs")
            .args(["--port", "0", "--audience", AUDIENCE, "--access-ttl", &access_ttl_s.to_string()])
            .current_dir(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node starts");
        let mut line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        stdout.read_line(&mut line).expect("the provider prints its issuer");
        // The pipe stays read: a provider writing to a closed one dies of EPIPE.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let issuer = line.trim().to_owned();
        assert!(issuer.starts_with("http://127.0.0.1:"), "provider said {issuer:?}");
        DevIdp { issuer, child }
    }

    /// A server configuration trusting this provider.
    pub fn oidc_config(&self) -> mycity_server::auth::OidcConfig {
        mycity_server::auth::OidcConfig {
            issuer: self.issuer.clone(),
            audience: AUDIENCE.into(),
            client_id: "mycity".into(),
        }
    }
}

/// What the headless browser does at the provider's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Person {
    /// Signs in with this login name and consents.
    SignsIn(&'static str),
    /// Opens the page and walks away.
    WalksAway,
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
    let end = tag[start..].find('"')? + start;
    Some(tag[start..end].replace("&amp;", "&"))
}

/// Goes from `start` (the authorization URL) through the provider's pages to
/// the app's loopback redirect, as `who`. Returns the last URL reached.
pub async fn browse(start: String, who: Person) -> Result<String, String> {
    let http =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().map_err(|e| e.to_string())?;
    let mut cookies: HashMap<String, String> = HashMap::new();
    let mut url = reqwest::Url::parse(&start).map_err(|e| e.to_string())?;
    let mut form: Option<Vec<(String, String)>> = None;
    for _ in 0..20 {
        let cookie = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
        let req = match form.take() {
            Some(f) => http.post(url.clone()).form(&f),
            None => http.get(url.clone()),
        };
        let resp = req.header("cookie", cookie).send().await.map_err(|e| format!("{url}: {e}"))?;
        for c in resp.headers().get_all("set-cookie") {
            let c = c.to_str().unwrap_or_default();
            if let Some((k, v)) = c.split(';').next().and_then(|kv| kv.split_once('=')) {
                cookies.insert(k.trim().to_owned(), v.trim().to_owned());
            }
        }
        if resp.status().is_redirection() {
            let to = resp.headers().get("location").and_then(|l| l.to_str().ok()).ok_or("redirect without location")?;
            url = url.join(to).map_err(|e| e.to_string())?;
            continue;
        }
        if url.path() == "/callback" {
            return Ok(url.to_string());
        }
        let body = resp.text().await.map_err(|e| e.to_string())?;
        let Person::SignsIn(login) = who else { return Ok(url.to_string()) };
        let tag_start = body.find("<form").ok_or_else(|| format!("no form at {url}: {body}"))?;
        let tag = &body[tag_start..tag_start + body[tag_start..].find('>').unwrap_or(0)];
        let action = attr(tag, "action").ok_or("form without action")?;
        let mut fields = vec![];
        let mut rest = &body[tag_start..];
        while let Some(i) = rest.find("<input") {
            let end = rest[i..].find('>').map_or(rest.len(), |e| i + e);
            let input = &rest[i..end];
            if let Some(name) = attr(input, "name") {
                let value = match name.as_str() {
                    "login" => login.to_owned(),
                    "password" => "any password".to_owned(),
                    _ => attr(input, "value").unwrap_or_default(),
                };
                fields.push((name, value));
            }
            rest = &rest[end..];
        }
        url = url.join(&action).map_err(|e| e.to_string())?;
        form = Some(fields);
    }
    Err("too many pages".into())
}
