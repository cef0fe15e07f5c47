//! The core's one error type: every fallible public call returns [`Error`].

use std::fmt;

/// Everything that can go wrong in the core, narrowed to what a caller can act on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The local database failed (disk full, corrupt file, locked).
    #[error("local storage error: {0}")]
    Storage(String),
    /// A city pack (from disk, the bundle or a server) was malformed or inconsistent;
    /// the pack in use before stays in use.
    #[error("invalid city pack: {0}")]
    InvalidPack(String),
    /// No pack is known for this city slug.
    #[error("unknown city: {0}")]
    UnknownCity(String),
    /// The input given to the core was not acceptable (empty, too long, out of
    /// range); the [`Problem`] says which field and why, in words any screen can translate.
    #[error("invalid input: {0}")]
    Invalid(Problem),
    /// The server could not be reached (offline, DNS, timeout, connection dropped).
    #[error("network unavailable: {0}")]
    Network(String),
    /// The server answered, but with an error status.
    #[error("server error {status}: {message}")]
    Server {
        /// HTTP status code.
        status: u16,
        /// The server's own explanation, or the status text.
        message: String,
        /// How long the server asked us to wait (`Retry-After`, seconds).
        retry_after_s: Option<u64>,
    },
    /// No server URL is configured for this city, so only bundled data is available.
    #[error("no server configured")]
    NoServer,
    /// A file in the data directory could not be read or written.
    #[error("file error: {0}")]
    Io(String),
}

/// Shorthand for results of the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Storage(e.to_string())
    }
}

impl From<mycity_protocol::Error> for Error {
    fn from(e: mycity_protocol::Error) -> Self {
        match e {
            mycity_protocol::Error::InvalidPack(m) => Error::InvalidPack(m),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e.to_string())
    }
}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        match e.status() {
            Some(status) => Error::Server {
                status: status.as_u16(),
                message: status.canonical_reason().unwrap_or("error").to_owned(),
                retry_after_s: None,
            },
            None => Error::Network(display_chain(&e)),
        }
    }
}

/// Joins an error with its sources, because reqwest's top-level message alone
/// ("error sending request") does not tell a user or a log reader what failed.
fn display_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        out.push_str(": ");
        out.push_str(&s.to_string());
        cur = s.source();
    }
    out
}

impl Error {
    /// True when retrying later may succeed: the network is down, the server
    /// is overloaded or asked us to wait, or it accepted a send without an id yet.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Network(_) => true,
            Error::Server { status, .. } => *status >= 500 || matches!(*status, 429 | 408 | 202),
            _ => false,
        }
    }

    /// A stable code for the kind of error, for logs, tests and the bindings
    /// (the message itself may change wording).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Storage(_) => "storage",
            Error::InvalidPack(_) => "invalid_pack",
            Error::UnknownCity(_) => "unknown_city",
            Error::Invalid(_) => "invalid_input",
            Error::Network(_) => "network",
            Error::Server { .. } => "server",
            Error::NoServer => "no_server",
            Error::Io(_) => "io",
        }
    }

    /// The server's requested wait, if it gave one.
    pub fn retry_after_s(&self) -> Option<u64> {
        match self {
            Error::Server { retry_after_s, .. } => *retry_after_s,
            _ => None,
        }
    }

    /// The input problem, when this error is one.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Error::Invalid(p) => Some(p),
            _ => None,
        }
    }

    pub(crate) fn pack(msg: impl fmt::Display) -> Self {
        Error::InvalidPack(msg.to_string())
    }
}

/// What was wrong with an input: a stable code, the field it concerns and the
/// values a message needs. Screens render it through Fluent (`problem-<code>`
/// in `assets/i18n/*.ftl`) in the user's language next to the field; `detail`
/// is the technical English kept for logs and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Stable, kebab-case code (`report-empty`); the Fluent message is `problem-<code>`.
    pub code: &'static str,
    /// The input field concerned (`description`, `place`, `photos`,
    /// `question:<code>`, `code`, `secret`…), when there is one.
    pub field: Option<String>,
    /// Named values for the message (`max` = `4000`). Plain integers are passed
    /// to Fluent as numbers, so plural rules work.
    pub args: Vec<(&'static str, String)>,
    /// Technical English for logs.
    pub detail: String,
}

impl Problem {
    /// A problem with `code` and its technical `detail`.
    pub fn new(code: &'static str, detail: impl Into<String>) -> Problem {
        Problem { code, field: None, args: vec![], detail: detail.into() }
    }

    /// Names the field the problem concerns.
    pub fn field(mut self, field: impl Into<String>) -> Problem {
        self.field = Some(field.into());
        self
    }

    /// Adds a named value for the message.
    pub fn arg(mut self, name: &'static str, value: impl fmt::Display) -> Problem {
        self.args.push((name, value.to_string()));
        self
    }

    /// The value of argument `name`, if given.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.args.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str())
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.detail)
    }
}

impl From<Problem> for Error {
    fn from(p: Problem) -> Self {
        Error::Invalid(p)
    }
}
