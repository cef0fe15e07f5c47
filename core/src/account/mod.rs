//! Optional sign-in with the city's OpenID Connect provider.
//!
//! Anonymous use is the default and loses nothing; signing in only adds: my
//! reports carry my account (Open311 `account_id`) and follow me to another
//! device, and my own dossiers open without the receipt's secret.
//!
//! The flow is the one RFC 8252 asks of native apps: the authorization code
//! grant with PKCE (S256), in the **system browser** (through the platform's
//! [`UriOpener`]), coming back to a one-shot listener on `127.0.0.1` at a port
//! the system picks (§7.3). The app never shows a password field. The
//! `openidconnect` crate does discovery, the authorization URL, the code
//! exchange and the ID token's checks (signature through the provider's
//! keys, issuer, audience, expiry, nonce).
//!
//! Which provider: the city's server says (`GET /api/v1/signin`, from its
//! `--oidc-issuer`, `--oidc-audience` and `--oidc-client-id`), so a city
//! points the app at its own provider in one place, its server's
//! configuration (docs/SECURITY.md, "Sign-in"). The tokens are bound to that
//! server: the access token is only ever sent to it.
//!
//! The tokens live in `account.json` in the data directory, owner-only (0600),
//! are refreshed when the access token is about to expire, and are deleted
//! (and revoked at the provider, when it can be reached) on sign-out.

pub mod machine;

use std::{
    path::{Path, PathBuf},
    sync::Mutex,
    time::Duration,
};

use machine::{next, Event};
pub use machine::{Person, SignIn};
use openidconnect::{
    core::{
        CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreClaimName, CoreClaimType, CoreClient,
        CoreClientAuthMethod, CoreGrantType, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm,
        CoreJweKeyManagementAlgorithm, CoreResponseMode, CoreResponseType, CoreSubjectIdentifierType,
    },
    AdditionalProviderMetadata, AuthorizationCode, ClientId, CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet,
    IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, ProviderMetadata, RedirectUrl, RefreshToken, Scope,
    TokenResponse,
};
use serde::{Deserialize, Serialize};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

use mycity_protocol::open311::AccountRequest;

use crate::{api::Api, city, platform::UriOpener, private_files, Error, MyCity, Problem, Result};

/// The file holding the tokens, in the data directory.
const FILE: &str = "account.json";
/// How long the provider's page may stay open before the attempt is given up.
pub const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(5 * 60);
/// An access token this close to its expiry is refreshed before use.
const REFRESH_MARGIN_S: i64 = 60;
/// Longest request line and headers read from the browser's redirect.
const MAX_CALLBACK_BYTES: usize = 16 * 1024;

/// What the server says about sign-in (`GET /api/v1/signin`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provider {
    /// The provider's issuer URL.
    pub issuer: String,
    /// The app's client id there (a public client: no secret).
    pub client_id: String,
    /// The resource indicator of the city's API: access tokens are for it.
    pub audience: String,
}

/// The stored tokens (`account.json`, owner-only).
#[derive(Clone, Serialize, Deserialize)]
struct Tokens {
    /// The city server these tokens are for (the only one they are sent to).
    server: String,
    provider: Provider,
    sub: String,
    name: String,
    access_token: String,
    /// Unix seconds.
    access_expires_at: i64,
    refresh_token: Option<String>,
}

// Tokens never reach a log through Debug.
impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens").field("server", &self.server).field("sub", &self.sub).finish_non_exhaustive()
    }
}

/// Discovery fields `openidconnect`'s core metadata lacks: RFC 7009 revocation.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Extra {
    #[serde(default)]
    revocation_endpoint: Option<String>,
}
impl AdditionalProviderMetadata for Extra {}

type Metadata = ProviderMetadata<
    Extra,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

type Client =
    CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

/// The sign-in state of one core: the state machine, the stored tokens and
/// the way to stop an attempt.
pub(crate) struct Session {
    /// `None` for a core without a data directory (a store opened by a test
    /// or benchmark): tokens then live in memory only.
    file: Option<PathBuf>,
    state: Mutex<SignIn>,
    tokens: Mutex<Option<Tokens>>,
    cancel: tokio::sync::Notify,
    /// One refresh at a time: concurrent sends must not spend the same
    /// (rotating) refresh token twice.
    refreshing: tokio::sync::Mutex<()>,
}

impl Session {
    /// The session of the data directory `dir`: signed in when tokens are stored there.
    pub(crate) fn open(dir: &Path) -> Session {
        let file = (!dir.as_os_str().is_empty()).then(|| dir.join(FILE));
        let tokens: Option<Tokens> =
            file.as_ref().and_then(|f| std::fs::read(f).ok()).and_then(|b| serde_json::from_slice(&b).ok());
        let mut state = SignIn::SignedOut;
        if let Some(t) = &tokens {
            state = next(&state, Event::Restored(Person { sub: t.sub.clone(), name: t.name.clone() }));
        }
        Session {
            file,
            state: Mutex::new(state),
            tokens: Mutex::new(tokens),
            cancel: tokio::sync::Notify::new(),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    fn state(&self) -> SignIn {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn step(&self, e: Event) -> SignIn {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        *s = next(&s, e);
        s.clone()
    }

    fn tokens(&self) -> Option<Tokens> {
        self.tokens.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn save(&self, t: Tokens) -> Result<()> {
        if let Some(file) = &self.file {
            let json = serde_json::to_vec(&t).map_err(|e| Error::Io(format!("account: {e}")))?;
            private_files::write(file, &json)?;
        }
        *self.tokens.lock().unwrap_or_else(|p| p.into_inner()) = Some(t);
        Ok(())
    }

    fn forget(&self) -> Result<()> {
        *self.tokens.lock().unwrap_or_else(|p| p.into_inner()) = None;
        let Some(file) = &self.file else { return Ok(()) };
        match std::fs::remove_file(file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::Io(format!("{}: {e}", file.display()))),
            _ => Ok(()),
        }
    }
}

fn problem(code: &'static str, detail: impl Into<String>) -> Error {
    Problem::new(code, detail).field("account").into()
}

fn provider_down(e: &dyn std::error::Error) -> Error {
    // The crate's own message ("Request failed") says little; its sources say what.
    let mut why = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        why.push_str(": ");
        why.push_str(&s.to_string());
        source = s.source();
    }
    problem("signin-provider-down", format!("the identity provider cannot be reached: {why}"))
}

/// An HTTP client for the provider: no redirects (the OIDC crate's advice
/// against SSRF through a provider's answers), short timeouts.
fn http() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(20))
        .user_agent(concat!("MyCity/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Error::Network(e.to_string()))
}

async fn discover(p: &Provider, http: &reqwest::Client) -> Result<(Client, Option<String>)> {
    let issuer = IssuerUrl::new(p.issuer.clone()).map_err(|e| problem("signin-refused", format!("issuer URL: {e}")))?;
    let meta = Metadata::discover_async(issuer, http).await.map_err(|e| provider_down(&e))?;
    let revocation = meta.additional_metadata().revocation_endpoint.clone();
    let client = CoreClient::from_provider_metadata(meta, ClientId::new(p.client_id.clone()), None);
    Ok((client, revocation))
}

/// The name to show from an ID token's claims.
fn shown_name(claims: &openidconnect::core::CoreIdTokenClaims) -> String {
    let sub = claims.subject().as_str().to_owned();
    claims
        .name()
        .and_then(|n| n.get(None))
        .map(|n| n.as_str().to_owned())
        .or_else(|| claims.preferred_username().map(|u| u.as_str().to_owned()))
        .filter(|n| !n.trim().is_empty())
        .unwrap_or(sub)
}

/// Reads the browser's one request to the loopback redirect and answers it
/// with a page telling the person to go back to the app. Returns the
/// `code`, or why there is none. Requests for other paths (a favicon) get 404
/// and the wait goes on.
async fn await_callback(listener: &TcpListener, csrf: &CsrfToken, lang: crate::Lang) -> Result<String> {
    loop {
        let (mut sock, _) = listener.accept().await.map_err(|e| Error::Io(format!("sign-in listener: {e}")))?;
        let mut buf = Vec::with_capacity(2048);
        let mut chunk = [0u8; 2048];
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < MAX_CALLBACK_BYTES {
            match tokio::time::timeout(Duration::from_secs(10), sock.read(&mut chunk)).await {
                Ok(Ok(n)) if n > 0 => buf.extend_from_slice(&chunk[..n]),
                _ => break,
            }
        }
        let head = String::from_utf8_lossy(&buf);
        let target = head.lines().next().and_then(|l| l.split_whitespace().nth(1)).unwrap_or_default().to_owned();
        let Some(query) = target.strip_prefix("/callback") else {
            let _ = sock.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").await;
            continue;
        };
        let params: Vec<(String, String)> = query
            .trim_start_matches('?')
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_owned(), decode(v)))
            .collect();
        let get = |k: &str| params.iter().find(|p| p.0 == k).map(|p| p.1.clone());
        let outcome = if get("state").as_deref() != Some(csrf.secret().as_str()) {
            // Not our attempt (a stale tab, or someone else's link): refuse it.
            Err(problem("signin-refused", "the provider's answer does not belong to this sign-in"))
        } else if let Some(code) = get("code") {
            Ok(code)
        } else {
            match get("error").as_deref() {
                Some("access_denied") | Some("interaction_required") | Some("login_required") => {
                    Err(problem("signin-cancelled", "the sign-in was cancelled at the provider"))
                }
                other => Err(problem("signin-refused", format!("the provider refused: {other:?}"))),
            }
        };
        let texts = crate::Texts::new(lang);
        let title = texts.get(if outcome.is_ok() { "signin-page-done" } else { "signin-page-failed" });
        let body = format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
             <title>MyCity</title></head><body style=\"font-family:sans-serif;padding:2em\"><h1>{}</h1><p>{}</p></body></html>",
            html_escape(&title),
            html_escape(&texts.get("signin-page-back"))
        );
        let resp = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
             Referrer-Policy: no-referrer\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = sock.write_all(resp.as_bytes()).await;
        let _ = sock.shutdown().await;
        return outcome;
    }
}

fn decode(v: &str) -> String {
    let plus = v.replace('+', " ");
    percent_encoding::percent_decode_str(&plus).decode_utf8_lossy().into_owned()
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Stores one of the account's reports that this device does not have yet
/// (filed from another device): without photos or answers, which stay with
/// the city, but with its place, text and status, so it shows in My reports
/// and its answers arrive like those of a report sent from here. Returns
/// whether it was new.
fn adopt(tx: &rusqlite::Transaction<'_>, mine: &AccountRequest, now: i64) -> Result<bool> {
    let r = &mine.request;
    let known: i64 = tx.query_row(
        "SELECT count(*) FROM reports WHERE city = ?1 AND server_id = ?2",
        rusqlite::params![mine.jurisdiction_id, r.service_request_id],
        |row| row.get(0),
    )?;
    if known > 0 {
        return Ok(false);
    }
    let Some(code) = r.service_code.as_deref() else { return Ok(false) };
    let created = r.requested_datetime.as_deref().and_then(city::unix).unwrap_or(now);
    let updated = r.updated_datetime.as_deref().and_then(city::unix).unwrap_or(created);
    tx.execute(
        "INSERT INTO reports (id, city, service_code, description, lat, lon, ward, attributes, contact, created_at,
             server_id, status, status_notes, updated_at, expected_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, '{}', NULL, ?7, ?8, ?9, ?10, ?11, ?12)",
        rusqlite::params![
            uuid::Uuid::new_v4().to_string(),
            mine.jurisdiction_id,
            code,
            r.description.clone().unwrap_or_default(),
            r.lat.unwrap_or_default(),
            r.long.unwrap_or_default(),
            created,
            r.service_request_id,
            r.current_status().as_str(),
            r.status_notes,
            updated,
            r.expected_datetime,
        ],
    )?;
    Ok(true)
}

impl MyCity {
    /// Where sign-in stands, for Settings.
    pub fn account(&self) -> SignIn {
        self.inner.account.state()
    }

    /// Whether the current city's server offers sign-in (`None` when it
    /// cannot be asked now: no server, offline), so Settings offers only
    /// what can work.
    pub async fn sign_in_offered(&self) -> Option<bool> {
        let api = self.api_for(&self.city_slug()).ok()?;
        api.signin_provider().await.ok().map(|p| p.is_some())
    }

    /// Signs in with the current city's identity provider: opens its page in
    /// the system browser through `opener` and waits (up to
    /// [`SIGN_IN_TIMEOUT`], or until [`MyCity::cancel_sign_in`]) for it to come
    /// back. Returns the person signed in. On any failure the state says why
    /// ([`SignIn::Failed`] or [`SignIn::Cancelled`]), the error is a
    /// [`Problem`] with a message in the person's language, and nothing else
    /// changes: anonymous use goes on as before.
    pub async fn sign_in(&self, opener: &dyn UriOpener) -> Result<Person> {
        let session = &self.inner.account;
        if let SignIn::SignedIn(p) = session.state() {
            return Ok(p);
        }
        let result = self.try_sign_in(opener).await;
        match &result {
            Ok(p) => {
                session.step(Event::Completed(p.clone()));
                // My reports from other devices show at once (a failure here
                // is retried with the next check of my reports).
                if let Err(e) = self.sync_account_reports().await {
                    tracing::info!(%e, "the account's reports will come with the next check");
                }
                if let Err(e) = self.sync_account_dossiers().await {
                    tracing::info!(%e, "the account's dossiers will come with the next check");
                }
            }
            Err(Error::Invalid(p)) if p.code == "signin-cancelled" || p.code == "signin-timeout" => {
                session.step(Event::Cancelled);
            }
            Err(e) => {
                let code = e.problem().map_or("signin-provider-down", |p| p.code);
                // A server that cannot be reached is the network's problem, said as such.
                let code = if matches!(e, Error::Network(_)) { "signin-provider-down" } else { code };
                // The machine only moves from Waiting: a failure before the page opened lands here too.
                session.step(Event::Started { url: String::new() });
                session.step(Event::Failed(code));
            }
        }
        result
    }

    async fn try_sign_in(&self, opener: &dyn UriOpener) -> Result<Person> {
        let api = self.api_for(&self.city_slug())?;
        let provider = api
            .signin_provider()
            .await?
            .ok_or_else(|| problem("signin-not-offered", "this city's server offers no sign-in"))?;
        let http = http()?;
        let (client, _) = discover(&provider, &http).await?;
        let listener =
            TcpListener::bind(("127.0.0.1", 0)).await.map_err(|e| Error::Io(format!("sign-in listener: {e}")))?;
        let port = listener.local_addr().map_err(|e| Error::Io(e.to_string()))?.port();
        let redirect = RedirectUrl::new(format!("http://127.0.0.1:{port}/callback"))
            .map_err(|e| Error::Io(format!("redirect URL: {e}")))?;
        let client = client.set_redirect_uri(redirect);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, csrf, nonce) = client
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .add_scope(Scope::new("profile".into()))
            // A refresh token, so the person stays signed in (OIDC Core §11 asks for prompt=consent with it).
            .add_scope(Scope::new("offline_access".into()))
            .add_prompt(CoreAuthPrompt::Consent)
            // The access token is for the city's API (RFC 8707), which checks its audience.
            .add_extra_param("resource", provider.audience.clone())
            .set_pkce_challenge(challenge)
            .url();
        self.inner.account.step(Event::Started { url: url.to_string() });
        opener
            .open_uri(url.as_str())
            .map_err(|e| problem("signin-no-browser", format!("cannot open the browser: {e}")))?;
        let code = tokio::select! {
            r = tokio::time::timeout(SIGN_IN_TIMEOUT, await_callback(&listener, &csrf, self.lang())) => match r {
                Ok(r) => r?,
                Err(_) => return Err(problem("signin-timeout", "the provider's page was not finished in time")),
            },
            _ = self.inner.account.cancel.notified() => {
                return Err(problem("signin-cancelled", "the person cancelled the sign-in"));
            }
        };
        drop(listener);
        let token = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| problem("signin-refused", e.to_string()))?
            .set_pkce_verifier(verifier)
            .request_async(&http)
            .await
            .map_err(|e| token_error(&e))?;
        let id_token = token.id_token().ok_or_else(|| problem("signin-refused", "the provider sent no ID token"))?;
        let claims = id_token
            .claims(&client.id_token_verifier(), &nonce)
            .map_err(|e| problem("signin-refused", format!("the ID token is not valid: {e}")))?;
        let person = Person { sub: claims.subject().as_str().to_owned(), name: shown_name(claims) };
        let tokens = Tokens {
            server: api.base().to_owned(),
            provider,
            sub: person.sub.clone(),
            name: person.name.clone(),
            access_token: token.access_token().secret().clone(),
            access_expires_at: expiry(token.expires_in()),
            refresh_token: token.refresh_token().map(|r| r.secret().clone()),
        };
        self.inner.account.save(tokens)?;
        Ok(person)
    }

    /// What `fetch` lists for the signed-in person from the current city's
    /// server; nothing when signed out or holding tokens for another server.
    /// A refused token is dropped to be renewed, and lists nothing this time.
    async fn account_list<T>(&self, fetch: impl AsyncFnOnce(&Api, &str) -> Result<Vec<T>>) -> Result<Vec<T>> {
        let api = self.api_for(&self.city_slug())?;
        let Some(bearer) = self.bearer_for(&api).await? else { return Ok(vec![]) };
        match fetch(&api, &bearer).await {
            Err(Error::Server { status: 401, .. }) => {
                self.bearer_refused();
                Ok(vec![])
            }
            other => other,
        }
    }

    /// Brings the signed-in person's reports made on other devices into this
    /// one (they then show in My reports and get the city's answers); returns
    /// how many were new. Signed out, or with tokens for another server, it
    /// does nothing. Called after sign-in and with every check of my reports.
    pub async fn sync_account_reports(&self) -> Result<usize> {
        let list = self.account_list(async |api: &Api, bearer: &str| api.account_requests(bearer).await).await?;
        let now = city::now();
        self.inner.store.write(|tx| {
            let mut added = 0;
            for mine in &list {
                added += usize::from(adopt(tx, mine, now)?);
            }
            Ok(added)
        })
    }

    /// Watches, on this device, the dossiers an office registered under the
    /// signed-in person's account (they need no secret: the account opens
    /// them), so they follow the person to every device. Returns how many
    /// were new here. Signed out it does nothing.
    pub async fn sync_account_dossiers(&self) -> Result<usize> {
        let list = self.account_list(async |api: &Api, bearer: &str| api.account_dossiers(bearer).await).await?;
        let now = city::now();
        self.inner.store.write(|tx| {
            let mut added = 0;
            for reply in &list {
                // Known here already (watched, or unwatched by the person): left as it is.
                if crate::dossier::store::get(tx, &reply.city, &reply.code)?.is_some() {
                    continue;
                }
                crate::dossier::store::put(tx, &reply.city, reply, None, now)?;
                // Watched without a secret: the account opens it (see `refresh_watched_dossiers`).
                tx.execute(
                    "UPDATE dossiers SET watched = 1, unseen = 0 WHERE city = ?1 AND code = ?2",
                    rusqlite::params![reply.city, reply.code],
                )?;
                added += 1;
            }
            Ok(added)
        })
    }

    /// Stops a sign-in in progress (the person pressed Cancel, or closed the
    /// provider's page and came back). Does nothing otherwise.
    pub fn cancel_sign_in(&self) {
        if matches!(self.inner.account.state(), SignIn::Waiting { .. }) {
            self.inner.account.cancel.notify_waiters();
            self.inner.account.step(Event::Cancelled);
        }
    }

    /// Signs out: the tokens are deleted from the device at once, and revoked
    /// at the provider when it can be reached (a provider that is down does
    /// not keep anyone signed in). Reports stay on the device.
    pub async fn sign_out(&self) -> Result<()> {
        let session = &self.inner.account;
        let tokens = session.tokens();
        session.forget()?;
        session.step(Event::SignedOut);
        if let Some(t) = tokens {
            if let Err(e) = revoke(&t).await {
                tracing::info!(%e, "the provider did not take the revocation; the tokens are gone from the device");
            }
        }
        Ok(())
    }

    /// The access token to send to the server behind `api`, refreshed first
    /// when it is about to expire; `None` when no one is signed in or the
    /// tokens belong to another server. A provider that cannot be reached is
    /// a transient error (the send waits and nothing is lost); a provider that
    /// no longer honours the refresh token signs the person out.
    pub(crate) async fn bearer_for(&self, api: &Api) -> Result<Option<String>> {
        let session = &self.inner.account;
        let Some(t) = session.tokens() else { return Ok(None) };
        if t.server != api.base() {
            return Ok(None);
        }
        if t.access_expires_at - REFRESH_MARGIN_S > city::now() {
            return Ok(Some(t.access_token));
        }
        let _one = session.refreshing.lock().await;
        // Another send may have refreshed while this one waited.
        let Some(t) = session.tokens() else { return Ok(None) };
        if t.access_expires_at - REFRESH_MARGIN_S > city::now() {
            return Ok(Some(t.access_token));
        }
        let Some(refresh) = t.refresh_token.clone() else {
            self.expired()?;
            return Ok(None);
        };
        let http = http()?;
        let (client, _) = discover(&t.provider, &http).await.map_err(|e| Error::Network(e.to_string()))?;
        let refresh = RefreshToken::new(refresh);
        let request = client.exchange_refresh_token(&refresh).map_err(|e| problem("signin-refused", e.to_string()))?;
        match request.request_async(&http).await {
            Ok(r) => {
                let renewed = Tokens {
                    access_token: r.access_token().secret().clone(),
                    access_expires_at: expiry(r.expires_in()),
                    // Rotating providers send a new refresh token; others keep the old one valid.
                    refresh_token: r.refresh_token().map(|x| x.secret().clone()).or(t.refresh_token.clone()),
                    ..t
                };
                let access = renewed.access_token.clone();
                session.save(renewed)?;
                Ok(Some(access))
            }
            Err(openidconnect::RequestTokenError::ServerResponse(e)) => {
                tracing::info!(error = ?e.error(), "the provider refused the refresh token; signed out");
                self.expired()?;
                Ok(None)
            }
            Err(e) => Err(Error::Network(format!("the identity provider cannot be reached: {e}"))),
        }
    }

    /// True when someone is signed in with tokens for the server behind `api`.
    pub(crate) fn signed_in_at(&self, api: &Api) -> bool {
        self.inner.account.tokens().is_some_and(|t| t.server == api.base())
    }

    /// The server refused the access token (revoked, or keys rotated): the
    /// next send refreshes it first.
    pub(crate) fn bearer_refused(&self) {
        let session = &self.inner.account;
        if let Some(mut t) = session.tokens() {
            t.access_expires_at = 0;
            if let Err(e) = session.save(t) {
                tracing::warn!(%e, "cannot store the account");
            }
        }
    }

    /// The sign-in lapsed: tokens gone, the state says so.
    fn expired(&self) -> Result<()> {
        let session = &self.inner.account;
        session.forget()?;
        session.step(Event::SignedOut);
        session.step(Event::Started { url: String::new() });
        session.step(Event::Failed("signin-expired"));
        Ok(())
    }
}

fn expiry(expires_in: Option<Duration>) -> i64 {
    // Without expires_in, five minutes: the server's 401 would say sooner.
    city::now() + expires_in.map_or(300, |d| d.as_secs().min(i64::MAX as u64 / 2) as i64)
}

fn token_error<E: std::error::Error + 'static>(
    e: &openidconnect::RequestTokenError<
        E,
        openidconnect::StandardErrorResponse<openidconnect::core::CoreErrorResponseType>,
    >,
) -> Error {
    match e {
        openidconnect::RequestTokenError::ServerResponse(r) => {
            problem("signin-refused", format!("the provider refused the code: {:?}", r.error()))
        }
        other => provider_down(other),
    }
}

/// RFC 7009: asks the provider to forget the refresh token (and with it the
/// grant). Best effort.
async fn revoke(t: &Tokens) -> Result<()> {
    let http = http()?;
    let (_, endpoint) = discover(&t.provider, &http).await?;
    let endpoint = endpoint.ok_or_else(|| Error::Network("the provider has no revocation endpoint".into()))?;
    let token = t.refresh_token.as_deref().unwrap_or(&t.access_token);
    let resp =
        http.post(endpoint).form(&[("token", token), ("client_id", t.provider.client_id.as_str())]).send().await?;
    if !resp.status().is_success() {
        return Err(Error::Network(format!("revocation: HTTP {}", resp.status())));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_never_show_in_debug() {
        let t = Tokens {
            server: "http://127.0.0.1:1".into(),
            provider: Provider { issuer: "i".into(), client_id: "c".into(), audience: "a".into() },
            sub: "citizen".into(),
            name: "Dân".into(),
            access_token: "SECRET-ACCESS".into(),
            access_expires_at: 0,
            refresh_token: Some("SECRET-REFRESH".into()),
        };
        let shown = format!("{t:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
    }

    #[test]
    fn a_session_restores_stored_tokens_and_forgets_them() {
        let dir = tempfile::tempdir().unwrap();
        let s = Session::open(dir.path());
        assert_eq!(s.state(), SignIn::SignedOut);
        s.save(Tokens {
            server: "http://127.0.0.1:1".into(),
            provider: Provider { issuer: "i".into(), client_id: "c".into(), audience: "a".into() },
            sub: "citizen".into(),
            name: "Dân".into(),
            access_token: "a".into(),
            access_expires_at: 0,
            refresh_token: None,
        })
        .unwrap();
        let again = Session::open(dir.path());
        assert_eq!(again.state(), SignIn::SignedIn(Person { sub: "citizen".into(), name: "Dân".into() }));
        again.forget().unwrap();
        assert!(!dir.path().join(FILE).exists());
        assert_eq!(Session::open(dir.path()).state(), SignIn::SignedOut);
        // Forgetting twice is fine.
        again.forget().unwrap();
    }

    #[test]
    fn callback_values_are_decoded() {
        assert_eq!(decode("a%20b+c"), "a b c");
        assert_eq!(html_escape("<b>&"), "&lt;b&gt;&amp;");
    }
}
