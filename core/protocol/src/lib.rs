//! What the MyCity core and the reference server must agree on, written once.
//!
//! Both sides depend on this crate and on nothing of each other: the Open311
//! wire types, the report status vocabulary, the limits a report must keep,
//! recognising a photo by its content, checking attribute answers against a
//! service's definition, and the bundled city packs. No I/O happens here.

#![warn(missing_docs)]

pub mod air;
pub mod attributes;
pub mod cap;
pub mod clip;
pub mod consult;
pub mod dossier;
pub mod feedback;
pub mod limits;
pub mod media;
pub mod open311;
pub mod packs;
pub mod scorecard;
pub mod status;
pub mod tourism;
pub mod transit;
mod xml;

pub use attributes::{Answer, AttributeProblem, Problem};
pub use status::{BaseStatus, Status};

/// What can go wrong reading protocol data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A city pack's files do not combine into a pack (not JSON, not an object).
    #[error("invalid city pack: {0}")]
    InvalidPack(String),
}
