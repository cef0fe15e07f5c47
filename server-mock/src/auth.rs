//! Optional sign-in: the bearer tokens of one trusted OpenID Connect provider.
//!
//! The server never sees a password. A citizen signs in at the city's identity
//! provider; the app sends the access token it got as `Authorization: Bearer`.
//! The token is a JWT (RFC 9068) checked here against the provider's published
//! keys (its discovery document's `jwks_uri`): signature (RS256 or ES256 only,
//! never `none` or a shared secret), issuer, audience and expiry. The keys are
//! cached and fetched again, at most once a minute, when a token names a key
//! id the cache lacks (the provider rotated its keys).
//!
//! A request without `Authorization` is anonymous and is served exactly as it
//! was before sign-in existed. A request with a bad token is refused with 401
//! and `WWW-Authenticate: Bearer error="invalid_token"`, never silently served
//! as anonymous: the app must learn that its sign-in has lapsed.

use std::{
    sync::atomic::{AtomicU32, Ordering},
    time::{Duration, Instant},
};

use axum::http::{header, HeaderMap};
use jsonwebtoken::{jwk::Jwk, Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use crate::Error;

/// The provider the server trusts, from `--oidc-issuer` and `--oidc-audience`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcConfig {
    /// The issuer URL exactly as the provider writes it in `iss`
    /// (e.g. `https://id.city.gov.vn/realms/citizens`).
    pub issuer: String,
    /// The audience an access token must carry in `aud`: this API's resource
    /// indicator at the provider (e.g. `https://api.city.gov.vn/`).
    pub audience: String,
    /// The app's client id at the provider (a public client, no secret),
    /// told to the app by `GET /api/v1/signin`.
    pub client_id: String,
}

/// The client id the app is registered under when the city names none.
pub const DEFAULT_CLIENT_ID: &str = "mycity";

/// A verified bearer: who the token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The provider's stable subject identifier (`sub`).
    pub sub: String,
}

/// Longest `sub` kept (the Open311 `account_id` limit).
const MAX_SUB: usize = 200;
/// Tokens just past their expiry are still taken: phone clocks drift.
const LEEWAY_S: u64 = 30;
/// How long fetched keys are trusted before they are fetched again.
const KEYS_TTL: Duration = Duration::from_secs(15 * 60);
/// An unknown key id refetches the keys at most this often, so forged tokens
/// with random `kid`s cannot make the server hammer the provider.
const REFETCH_EVERY: Duration = Duration::from_secs(60);

#[derive(Deserialize)]
struct Claims {
    sub: String,
}

#[derive(Default)]
struct Cache {
    keys: Vec<Jwk>,
    fetched: Option<Instant>,
    tried: Option<Instant>,
}

/// Checks bearer tokens against the configured provider.
pub struct Verifier {
    config: Option<OidcConfig>,
    http: reqwest::Client,
    cache: tokio::sync::Mutex<Cache>,
    /// How many times the keys were fetched: tests see the cache work.
    fetches: AtomicU32,
}

impl Verifier {
    /// A verifier for `config`; `None` refuses every bearer (sign-in is off).
    pub fn new(config: Option<OidcConfig>) -> Verifier {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(5))
            .build()
            .unwrap_or_default();
        Verifier { config, http, cache: Default::default(), fetches: AtomicU32::new(0) }
    }

    /// How many times the keys were fetched (for tests).
    pub fn fetches(&self) -> u32 {
        self.fetches.load(Ordering::Relaxed)
    }

    /// The account of the request's bearer token: `Ok(None)` when there is
    /// none (anonymous), an [`Error::Unauthorized`] when there is one that does
    /// not hold. `Authorization` schemes other than Bearer are not ours and
    /// count as no token.
    pub async fn account(&self, headers: &HeaderMap) -> Result<Option<Account>, Error> {
        let Some(token) = bearer(headers) else { return Ok(None) };
        self.verify(token).await.map(Some)
    }

    /// Verifies one access token.
    pub async fn verify(&self, token: &str) -> Result<Account, Error> {
        let config =
            self.config.as_ref().ok_or_else(|| unauthorized("this server does not accept sign-in (no OIDC issuer)"))?;
        let head = jsonwebtoken::decode_header(token).map_err(|_| unauthorized("the token is not a signed JWT"))?;
        // Only asymmetric algorithms: an HMAC token would be "signed" with a
        // secret the server does not have, and `none` with nothing.
        if !matches!(head.alg, Algorithm::RS256 | Algorithm::ES256) {
            return Err(unauthorized(&format!("tokens signed with {:?} are not accepted", head.alg)));
        }
        let jwk = self.key(config, head.kid.as_deref(), head.alg).await?;
        let key = DecodingKey::from_jwk(&jwk).map_err(|_| unauthorized("the provider's key cannot be read"))?;
        let mut v = Validation::new(head.alg);
        v.set_issuer(&[&config.issuer]);
        v.set_audience(&[&config.audience]);
        v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        v.leeway = LEEWAY_S;
        let data = jsonwebtoken::decode::<Claims>(token, &key, &v).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind::*;
            unauthorized(match e.kind() {
                ExpiredSignature => "the token has expired; sign in again",
                InvalidIssuer => "the token comes from another issuer",
                InvalidAudience => "the token is not meant for this server",
                InvalidSignature => "the token's signature does not match the provider's keys",
                MissingRequiredClaim(_) => "the token lacks a required claim (exp, iss, aud, sub)",
                _ => "the token is not valid",
            })
        })?;
        let sub = data.claims.sub;
        if sub.is_empty() || sub.chars().count() > MAX_SUB {
            return Err(unauthorized("the token's subject is empty or too long"));
        }
        Ok(Account { sub })
    }

    /// The provider's key for `kid` (or its only key of that algorithm's type
    /// when the token names none), fetching the key set when needed.
    async fn key(&self, config: &OidcConfig, kid: Option<&str>, alg: Algorithm) -> Result<Jwk, Error> {
        let mut cache = self.cache.lock().await;
        let fresh = cache.fetched.is_some_and(|t| t.elapsed() < KEYS_TTL);
        if fresh {
            if let Some(k) = pick(&cache.keys, kid, alg) {
                return Ok(k);
            }
        }
        if cache.tried.is_some_and(|t| t.elapsed() < REFETCH_EVERY) {
            // Keys were fetched (or tried) a moment ago: a kid still missing is
            // not the provider's; stale keys still serve the ones they have.
            return pick(&cache.keys, kid, alg).ok_or_else(|| unauthorized("the token's key is not the provider's"));
        }
        cache.tried = Some(Instant::now());
        match self.fetch_keys(config).await {
            Ok(keys) => {
                cache.keys = keys;
                cache.fetched = Some(Instant::now());
            }
            Err(e) => {
                tracing::warn!(%e, issuer = %config.issuer, "cannot fetch the provider's keys");
                // Keys fetched earlier still verify tokens while the provider is down.
                if let Some(k) = pick(&cache.keys, kid, alg) {
                    return Ok(k);
                }
                return Err(Error::Unavailable("the identity provider cannot be reached; try again later".into()));
            }
        }
        pick(&cache.keys, kid, alg).ok_or_else(|| unauthorized("the token's key is not the provider's"))
    }

    async fn fetch_keys(&self, config: &OidcConfig) -> Result<Vec<Jwk>, String> {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let discovery = format!("{}/.well-known/openid-configuration", config.issuer.trim_end_matches('/'));
        let doc: serde_json::Value = self.get_json(&discovery).await?;
        // The discovery document must speak for the issuer we trust (OIDC Discovery §4.3).
        if doc.get("issuer").and_then(|i| i.as_str()) != Some(config.issuer.as_str()) {
            return Err(format!("{discovery} names another issuer"));
        }
        let jwks_uri =
            doc.get("jwks_uri").and_then(|u| u.as_str()).ok_or_else(|| format!("{discovery} has no jwks_uri"))?;
        let set: serde_json::Value = self.get_json(jwks_uri).await?;
        let keys = set.get("keys").and_then(|k| k.as_array()).ok_or_else(|| format!("{jwks_uri} has no keys"))?;
        // Keys of types this library cannot read are skipped, not fatal.
        Ok(keys.iter().filter_map(|k| serde_json::from_value::<Jwk>(k.clone()).ok()).collect())
    }

    async fn get_json(&self, url: &str) -> Result<serde_json::Value, String> {
        let resp = self.http.get(url).send().await.map_err(|e| format!("{url}: {e}"))?;
        if !resp.status().is_success() {
            return Err(format!("{url}: HTTP {}", resp.status()));
        }
        resp.json().await.map_err(|e| format!("{url}: {e}"))
    }
}

/// The key a token names, if its type fits the token's algorithm.
fn pick(keys: &[Jwk], kid: Option<&str>, alg: Algorithm) -> Option<Jwk> {
    use jsonwebtoken::jwk::AlgorithmParameters as P;
    let fits = |k: &&Jwk| {
        matches!((&k.algorithm, alg), (P::RSA(_), Algorithm::RS256) | (P::EllipticCurve(_), Algorithm::ES256))
    };
    match kid {
        Some(kid) => keys.iter().filter(fits).find(|k| k.common.key_id.as_deref() == Some(kid)).cloned(),
        // Without a kid, only an unambiguous key is taken.
        None => {
            let mut fitting = keys.iter().filter(fits);
            match (fitting.next(), fitting.next()) {
                (Some(k), None) => Some(k.clone()),
                _ => None,
            }
        }
    }
}

/// True when `issuer` may be trusted as a provider: HTTPS, or plain HTTP on
/// a loopback address for development (the test provider of `tests/oidc/`).
pub fn acceptable_issuer(issuer: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(issuer) else { return false };
    let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    let loopback =
        host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|a: std::net::IpAddr| a.is_loopback());
    url.scheme() == "https" || (url.scheme() == "http" && loopback)
}

/// The token of an `Authorization: Bearer …` header (scheme case-insensitive, RFC 6750 §2.1).
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = v.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

fn unauthorized(why: &str) -> Error {
    Error::Unauthorized(why.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn bearer_reads_only_the_bearer_scheme() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer(&h), None);
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer abc.def.ghi"));
        assert_eq!(bearer(&h), Some("abc.def.ghi"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("bearer  xyz "));
        assert_eq!(bearer(&h), Some("xyz"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic dXNlcjpwYXNz"));
        assert_eq!(bearer(&h), None);
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer "));
        assert_eq!(bearer(&h), None);
    }

    #[tokio::test]
    async fn without_an_issuer_every_bearer_is_refused_and_none_is_anonymous() {
        let v = Verifier::new(None);
        assert_eq!(v.account(&HeaderMap::new()).await.ok(), Some(None));
        let e = v.verify("a.b.c").await.unwrap_err();
        assert!(matches!(e, Error::Unauthorized(_)), "{e:?}");
    }

    #[tokio::test]
    async fn hmac_and_garbage_tokens_are_refused_before_any_fetch() {
        let v = Verifier::new(Some(OidcConfig {
            issuer: "http://127.0.0.1:9/".into(),
            audience: "api".into(),
            client_id: "mycity".into(),
        }));
        let hs = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(Algorithm::HS256),
            &serde_json::json!({"sub": "x", "exp": 4_000_000_000u64, "iss": "http://127.0.0.1:9/", "aud": "api"}),
            &jsonwebtoken::EncodingKey::from_secret(b"guess"),
        )
        .unwrap();
        for t in [hs.as_str(), "not-a-jwt", "a.b.c"] {
            let e = v.verify(t).await.unwrap_err();
            assert!(matches!(e, Error::Unauthorized(_)), "{t}: {e:?}");
        }
        assert_eq!(v.fetches(), 0);
    }
}
