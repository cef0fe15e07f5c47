//! A signed-in citizen's own things under `/api/v1/me/`: the reports filed
//! with the account's bearer token and the dossiers an office registered
//! under the account, so they follow the citizen to a second device.
//!
//! Ownership lives in side tables written only from a verified token (or by
//! staff for dossiers): the Open311 `account_id` form field is free text any
//! client can type, so it never makes anyone an owner.

use std::sync::Arc;

use axum::{
    extract::State,
    http::HeaderMap,
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use mycity_protocol::open311::AccountRequest;
use rusqlite::{params, Connection};

use crate::{
    auth::Account,
    reports::{self, RequestFilter},
    AppState, Error,
};

/// Owner tables; created with the rest of the schema.
pub const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS request_owners (
    request_id  INTEGER PRIMARY KEY REFERENCES requests(id),
    account     TEXT NOT NULL      -- the provider's `sub`
);
CREATE INDEX IF NOT EXISTS request_owners_account ON request_owners(account);
CREATE TABLE IF NOT EXISTS dossier_owners (
    code        TEXT PRIMARY KEY REFERENCES dossiers(code),
    account     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS dossier_owners_account ON dossier_owners(account);
"#;

/// The account the seeded demo dossiers belong to: the name a tester types
/// into the development provider's login form (`tests/e2e/oidc-provider.mjs`).
pub const DEMO_ACCOUNT: &str = "citizen";

/// Most reports one `GET /api/v1/me/requests` returns (newest first).
const MAX_LISTED: usize = 1000;

/// The routes of this module.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/v1/signin", get(signin))
        .route("/api/v1/me", get(me))
        .route("/api/v1/me/requests", get(my_requests))
        .route("/api/v1/me/dossiers", get(my_dossiers))
}

/// Records that `account` filed report `id`.
pub(crate) fn own_request(conn: &Connection, id: i64, account: &str) -> Result<(), Error> {
    conn.execute("INSERT OR REPLACE INTO request_owners (request_id, account) VALUES (?1, ?2)", params![id, account])?;
    Ok(())
}

/// Records that dossier `code` is `account`'s.
pub(crate) fn own_dossier(conn: &Connection, code: &str, account: &str) -> Result<(), Error> {
    conn.execute("INSERT OR REPLACE INTO dossier_owners (code, account) VALUES (?1, ?2)", params![code, account])?;
    Ok(())
}

/// True when dossier `code` is `account`'s.
pub(crate) fn owns_dossier(conn: &Connection, code: &str, account: &Account) -> Result<bool, Error> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM dossier_owners WHERE code = ?1 AND account = ?2",
        params![code, account.sub],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

/// The verified account of a `/me` request; these endpoints have no anonymous form.
async fn signed_in(s: &AppState, headers: &HeaderMap) -> Result<Account, Error> {
    s.verifier.account(headers).await?.ok_or_else(|| Error::Unauthorized("sign in to see your own things".into()))
}

/// `GET /api/v1/signin`: the provider the app signs in with (404 when the
/// server offers no sign-in). The app learns it here, so a city configures
/// its identity provider once, on its server.
async fn signin(State(s): State<Arc<AppState>>) -> Result<Response, Error> {
    let o = s.config.oidc.as_ref().ok_or_else(|| Error::NotFound("this server offers no sign-in".into()))?;
    Ok(Json(serde_json::json!({ "issuer": o.issuer, "client_id": o.client_id, "audience": o.audience }))
        .into_response())
}

/// `GET /api/v1/me`: who the token speaks for.
async fn me(State(s): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, Error> {
    let account = signed_in(&s, &headers).await?;
    Ok(Json(serde_json::json!({ "sub": account.sub })).into_response())
}

/// `GET /api/v1/me/requests`: the account's reports, Open311 JSON with each
/// report's city and token.
async fn my_requests(State(s): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, Error> {
    let account = signed_in(&s, &headers).await?;
    let base = crate::open311::base_url(&headers);
    let list = crate::blocking(move || requests_of(&s.db.conn(), &account.sub, &base)).await??;
    Ok(Json(list).into_response())
}

fn requests_of(conn: &Connection, account: &str, base_url: &str) -> Result<Vec<AccountRequest>, Error> {
    let mut st = conn.prepare_cached(
        "SELECT r.id, r.jurisdiction, r.token FROM request_owners o JOIN requests r ON r.id = o.request_id
         WHERE o.account = ?1 ORDER BY r.id DESC LIMIT ?2",
    )?;
    let owned = st
        .query_map(params![account, MAX_LISTED as i64], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut cities: Vec<&str> = owned.iter().map(|o| o.1.as_str()).collect();
    cities.sort_unstable();
    cities.dedup();
    let mut out = Vec::with_capacity(owned.len());
    for city in cities {
        let ids: Vec<i64> = owned.iter().filter(|o| o.1 == city).map(|o| o.0).collect();
        let filter = RequestFilter { ids: Some(ids), ..Default::default() };
        for request in reports::find_requests(conn, city, &filter, base_url)? {
            let Some(token) = owned.iter().find(|o| o.0.to_string() == request.service_request_id).map(|o| o.2.clone())
            else {
                continue;
            };
            out.push(AccountRequest { jurisdiction_id: city.to_owned(), token, request });
        }
    }
    // Newest first across cities, as within one.
    out.sort_by_key(|r| std::cmp::Reverse(r.request.service_request_id.parse::<i64>().unwrap_or_default()));
    Ok(out)
}

/// `GET /api/v1/me/dossiers`: the dossiers registered under the account.
async fn my_dossiers(State(s): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, Error> {
    let account = signed_in(&s, &headers).await?;
    let list = crate::blocking(move || {
        let conn = s.db.conn();
        let mut st = conn.prepare_cached("SELECT code FROM dossier_owners WHERE account = ?1 ORDER BY code")?;
        let codes = st.query_map([&account.sub], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
        let mut out = Vec::with_capacity(codes.len());
        for code in codes {
            out.extend(crate::dossier::reply(&conn, &code)?);
        }
        Ok::<_, Error>(out)
    })
    .await??;
    Ok(Json(list).into_response())
}
