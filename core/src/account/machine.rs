//! The sign-in state machine, pure: what each event does in each state.
//! The flow ([`super`]) feeds it events; screens read the state it holds.

use serde::Serialize;

/// Who is signed in, as the screens show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    /// The provider's stable id for the person (`sub`).
    pub sub: String,
    /// The name to show: the provider's `name`, else the login name, else `sub`.
    pub name: String,
}

/// Where sign-in stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SignIn {
    /// Anonymous: the default, with every feature.
    SignedOut,
    /// The provider's page is open in the system browser; the app waits for
    /// it to come back to the loopback redirect.
    Waiting {
        /// The page opened (shown as a link, in case the browser did not open).
        url: String,
    },
    /// Signed in.
    SignedIn(Person),
    /// The last attempt failed; anonymous use goes on.
    Failed {
        /// The problem code (`signin-provider-down`, …); `problem-<code>` is its message.
        code: &'static str,
    },
    /// The person stopped the last attempt (or let it time out).
    Cancelled,
}

/// What happens to the sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// An attempt opened the provider's page at `url`.
    Started {
        /// The authorization URL.
        url: String,
    },
    /// The provider came back and the tokens were checked and stored.
    Completed(Person),
    /// The attempt failed with this problem code.
    Failed(&'static str),
    /// The person cancelled, closed the page or let it time out.
    Cancelled,
    /// Tokens found on disk at start.
    Restored(Person),
    /// Sign-out, or the provider no longer honours the tokens.
    SignedOut,
}

/// The state after `event`. Events that do not fit the state change nothing:
/// a callback arriving after the person cancelled must not sign them in, and
/// a second "start" while signed in must not drop the account.
pub fn next(state: &SignIn, event: Event) -> SignIn {
    use SignIn::*;
    match (state, event) {
        (SignedIn(p), Event::Started { .. }) => SignedIn(p.clone()),
        (_, Event::Started { url }) => Waiting { url },
        (Waiting { .. }, Event::Completed(p)) => SignedIn(p),
        (Waiting { .. }, Event::Failed(code)) => Failed { code },
        (Waiting { .. }, Event::Cancelled) => Cancelled,
        (SignedOut, Event::Restored(p)) => SignedIn(p),
        (_, Event::SignedOut) => SignedOut,
        (s, _) => s.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> Person {
        Person { sub: "citizen".into(), name: "Nguyễn Thị Dân".into() }
    }

    fn started() -> Event {
        Event::Started { url: "https://id.example/auth".into() }
    }

    #[test]
    fn signed_out_starts_and_restores() {
        assert_eq!(next(&SignIn::SignedOut, started()), SignIn::Waiting { url: "https://id.example/auth".into() });
        assert_eq!(next(&SignIn::SignedOut, Event::Restored(person())), SignIn::SignedIn(person()));
        for ignored in [Event::Completed(person()), Event::Failed("signin-refused"), Event::Cancelled] {
            assert_eq!(next(&SignIn::SignedOut, ignored.clone()), SignIn::SignedOut, "{ignored:?}");
        }
    }

    #[test]
    fn waiting_completes_fails_or_is_cancelled() {
        let waiting = next(&SignIn::SignedOut, started());
        assert_eq!(next(&waiting, Event::Completed(person())), SignIn::SignedIn(person()));
        assert_eq!(
            next(&waiting, Event::Failed("signin-provider-down")),
            SignIn::Failed { code: "signin-provider-down" }
        );
        assert_eq!(next(&waiting, Event::Cancelled), SignIn::Cancelled);
        assert_eq!(next(&waiting, Event::SignedOut), SignIn::SignedOut);
        // A second attempt replaces the first (its page is abandoned).
        let again = next(&waiting, Event::Started { url: "u2".into() });
        assert_eq!(again, SignIn::Waiting { url: "u2".into() });
    }

    #[test]
    fn a_late_callback_after_cancel_or_failure_signs_no_one_in() {
        for settled in [SignIn::Cancelled, SignIn::Failed { code: "signin-timeout" }] {
            assert_eq!(next(&settled, Event::Completed(person())), settled);
            assert_eq!(next(&settled, Event::Restored(person())), settled);
            assert!(matches!(next(&settled, started()), SignIn::Waiting { .. }), "retry from {settled:?}");
            assert_eq!(next(&settled, Event::SignedOut), SignIn::SignedOut);
        }
    }

    #[test]
    fn signed_in_stays_until_signed_out() {
        let s = SignIn::SignedIn(person());
        for e in [started(), Event::Failed("x"), Event::Cancelled, Event::Completed(person())] {
            assert_eq!(next(&s, e.clone()), s, "{e:?}");
        }
        assert_eq!(next(&s, Event::SignedOut), SignIn::SignedOut);
    }
}
