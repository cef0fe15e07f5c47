//! The one error of the bindings. Every variant carries `reason` (what to
//! tell the person, in their language, from the core's `Texts::error`) and
//! `detail` (technical English, for logs). No field is called `message`:
//! Kotlin exceptions already have one (`Throwable.message`).

use mycity_core as core;

/// Why a call failed, by the core's kinds of error.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum MyCityError {
    /// The input was not acceptable; `code` is the stable problem code
    /// (`report-no-place`), `field` the input it concerns.
    #[error("{reason}")]
    Invalid {
        /// Stable problem code; the Fluent message is `problem-<code>`.
        code: String,
        /// The input concerned (`description`, `place`, `photos`…).
        field: Option<String>,
        /// For the person, in their language.
        reason: String,
        /// Technical English.
        detail: String,
    },
    /// No such city.
    #[error("{reason}")]
    UnknownCity {
        /// For the person, in their language.
        reason: String,
        /// Technical English.
        detail: String,
    },
    /// A city pack was malformed; the pack in use stays.
    #[error("{reason}")]
    InvalidPack {
        /// For the person, in their language.
        reason: String,
        /// Technical English.
        detail: String,
    },
    /// The server could not be reached; try again later.
    #[error("{reason}")]
    Network {
        /// For the person, in their language.
        reason: String,
        /// Technical English.
        detail: String,
    },
    /// The server answered with an error.
    #[error("{reason}")]
    Server {
        /// HTTP status.
        status: u16,
        /// The wait the server asked for, in seconds.
        retry_after_s: Option<u64>,
        /// True when trying again later may succeed.
        transient: bool,
        /// For the person, in their language.
        reason: String,
        /// Technical English.
        detail: String,
    },
    /// No server is set for this city.
    #[error("{reason}")]
    NoServer {
        /// For the person, in their language.
        reason: String,
        /// Technical English.
        detail: String,
    },
    /// The local database failed.
    #[error("{reason}")]
    Storage {
        /// For the person, in their language.
        reason: String,
        /// Technical English.
        detail: String,
    },
    /// A file could not be read or written.
    #[error("{reason}")]
    Io {
        /// For the person, in their language.
        reason: String,
        /// Technical English.
        detail: String,
    },
}

impl MyCityError {
    /// The core's error with its text in `texts`' language.
    pub(crate) fn new(texts: &core::Texts, e: core::Error) -> Self {
        let reason = texts.error(&e);
        let detail = e.to_string();
        let transient = e.is_transient();
        match e {
            core::Error::Invalid(p) => MyCityError::Invalid { code: p.code.to_owned(), field: p.field, reason, detail },
            core::Error::UnknownCity(_) => MyCityError::UnknownCity { reason, detail },
            core::Error::InvalidPack(_) => MyCityError::InvalidPack { reason, detail },
            core::Error::Network(_) => MyCityError::Network { reason, detail },
            core::Error::Server { status, retry_after_s, .. } => {
                MyCityError::Server { status, retry_after_s, transient, reason, detail }
            }
            core::Error::NoServer => MyCityError::NoServer { reason, detail },
            core::Error::Storage(_) => MyCityError::Storage { reason, detail },
            core::Error::Io(_) => MyCityError::Io { reason, detail },
        }
    }
}
