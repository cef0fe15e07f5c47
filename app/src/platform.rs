//! What differs between the platforms the UI runs on: how a `tel:`/`sms:` URI
//! is handed to the system. The core never sees this; screens ask the platform.

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

/// The browser mode: the page runs in a browser and the UI's code on the
/// server, so a URI opened here would open on the wrong machine. The browser
/// follows the link itself; this only logs it.
#[derive(Default)]
pub struct Browser;

impl Platform for Browser {
    fn open_uri(&self, uri: &str) -> Result<(), String> {
        tracing::info!(uri, "browser opens the link itself");
        Ok(())
    }

    fn can_call(&self) -> bool {
        false
    }
}

#[cfg(feature = "mobile")]
/// A phone: the webview passes `tel:` and `sms:` links to the system, so the
/// link itself does the work and there is nothing to open by hand.
pub struct Phone;

#[cfg(feature = "mobile")]
impl Platform for Phone {
    fn open_uri(&self, _uri: &str) -> Result<(), String> {
        Ok(())
    }

    fn can_call(&self) -> bool {
        true
    }
}
