//! What differs between the platforms the UI runs on: how a `tel:`/`sms:` URI
//! is handed to the system. The core never sees this; screens ask the platform.

use std::sync::Mutex;

/// The host the UI runs in.
pub trait Platform: Send + Sync {
    /// Hands a URI (`tel:`, `sms:`, `https:`) to the system. On a phone this
    /// opens the dialer or messaging app.
    fn open_uri(&self, uri: &str) -> Result<(), String>;

    /// True when the device can place phone calls itself.
    fn can_call(&self) -> bool;
}

/// A desktop computer: URIs go to the OS opener (xdg-open on Linux), which may
/// hand `tel:` to a softphone; the UI also shows the number to dial.
pub struct Desktop;

impl Platform for Desktop {
    fn open_uri(&self, uri: &str) -> Result<(), String> {
        open::that_detached(uri).map_err(|e| format!("{uri}: {e}"))
    }

    fn can_call(&self) -> bool {
        false
    }
}

/// The browser mode: the browser follows the link itself; the server side
/// only records what was asked, which the end-to-end tests read.
#[derive(Default)]
pub struct Browser {
    opened: Mutex<Vec<String>>,
}

impl Browser {
    /// URIs opened so far.
    pub fn opened(&self) -> Vec<String> {
        self.opened.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Platform for Browser {
    fn open_uri(&self, uri: &str) -> Result<(), String> {
        self.opened.lock().unwrap_or_else(|p| p.into_inner()).push(uri.to_owned());
        Ok(())
    }

    fn can_call(&self) -> bool {
        false
    }
}

/// A phone: the webview passes `tel:` and `sms:` links to the system, so the
/// link itself does the work and there is nothing to open by hand.
pub struct Phone;

impl Platform for Phone {
    fn open_uri(&self, _uri: &str) -> Result<(), String> {
        Ok(())
    }

    fn can_call(&self) -> bool {
        true
    }
}
