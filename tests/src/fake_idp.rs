//! A stand-in OpenID Connect provider for Rust tests that need no Node: a
//! discovery document and a key set (one P-256 key) on loopback, and access
//! tokens it signs on demand, including the bad ones (expired, another
//! issuer, another audience, signed by a key that is not the provider's).

use std::time::{SystemTime, UNIX_EPOCH};

use axum::{routing::get, Json, Router};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ring::{
    rand::SystemRandom,
    signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING},
};
use serde_json::{json, Value};

/// The audience tokens are made for unless a test says otherwise.
pub const AUDIENCE: &str = "urn:mycity:api";

/// A P-256 signing key and its public JWK.
pub struct Key {
    pkcs8: Vec<u8>,
    jwk: Value,
}

impl Key {
    /// A fresh key with key id `kid`.
    pub fn new(kid: &str) -> Key {
        let rng = SystemRandom::new();
        let pkcs8 =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).expect("key").as_ref().to_vec();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8, &rng).expect("key pair");
        // Uncompressed point: 0x04, then x and y (32 bytes each).
        let point = pair.public_key().as_ref();
        let jwk = json!({
            "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid,
            "x": URL_SAFE_NO_PAD.encode(&point[1..33]), "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
        });
        Key { pkcs8, jwk }
    }

    /// Signs `claims` as an ES256 JWT naming this key's id.
    pub fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = self.jwk["kid"].as_str().map(str::to_owned);
        header.typ = Some("at+jwt".into());
        jsonwebtoken::encode(&header, claims, &EncodingKey::from_ec_der(&self.pkcs8)).expect("signs")
    }
}

/// A running stand-in provider.
pub struct FakeIdp {
    /// Its issuer URL (`http://127.0.0.1:PORT`).
    pub issuer: String,
    /// The key it publishes and signs with.
    pub key: Key,
    _server: tokio::task::JoinHandle<()>,
}

/// Seconds since the epoch.
pub fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default()
}

impl FakeIdp {
    /// Starts a provider on a free loopback port of the current runtime.
    pub async fn start() -> FakeIdp {
        let listener = tokio::net::TcpListener::bind(crate::loopback()).await.expect("binds");
        let issuer = format!("http://{}", listener.local_addr().expect("address"));
        let key = Key::new("k1");
        let discovery = json!({
            "issuer": issuer, "jwks_uri": format!("{issuer}/jwks"),
            "authorization_endpoint": format!("{issuer}/auth"), "token_endpoint": format!("{issuer}/token"),
        });
        let jwks = json!({ "keys": [key.jwk.clone()] });
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(move || async move { Json(discovery) }))
            .route("/jwks", get(move || async move { Json(jwks) }));
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeIdp { issuer, key, _server: server }
    }

    /// The claims of a good access token for `sub`, valid for five minutes.
    pub fn claims(&self, sub: &str) -> Value {
        json!({ "iss": self.issuer, "sub": sub, "aud": AUDIENCE, "iat": now(), "exp": now() + 300 })
    }

    /// A good access token for `sub`.
    pub fn token(&self, sub: &str) -> String {
        self.key.sign(&self.claims(sub))
    }

    /// A token for `sub` with `changes` merged into the good claims.
    pub fn token_with(&self, sub: &str, changes: Value) -> String {
        let mut claims = self.claims(sub);
        if let (Some(c), Some(with)) = (claims.as_object_mut(), changes.as_object()) {
            c.extend(with.clone());
        }
        self.key.sign(&claims)
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
