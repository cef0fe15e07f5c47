//! What differs between the platforms the UI runs on: where the app keeps
//! its data, and how a `tel:`/`sms:` URI is handed to the system (the
//! core's `UriOpener`). `main` and the screens ask the platform.

use std::path::PathBuf;

/// Where the app keeps its database on this platform.
///
/// - Android: the app's private files directory, `/data/data/<package>/files`
///   (the package name is the process name; no JNI call is needed for it).
/// - iOS: `Library/Application Support/mycity` in the app's sandbox (`$HOME`
///   is the sandbox there), which iOS backs up and never purges.
/// - Desktop: `$XDG_DATA_HOME/mycity`, else `~/.local/share/mycity`.
///
/// Falls back to `./mycity-data` only where none of these can be found.
pub fn data_dir() -> PathBuf {
    platform_data_dir().unwrap_or_else(|| PathBuf::from("mycity-data"))
}

#[cfg(target_os = "android")]
fn platform_data_dir() -> Option<PathBuf> {
    let cmdline = std::fs::read("/proc/self/cmdline").ok()?;
    android_files_dir(&cmdline)
}

/// `/data/data/<package>/files` from the process's command line, whose first
/// word is the package (a service process adds `:name`).
#[cfg_attr(not(target_os = "android"), allow(dead_code))]
fn android_files_dir(cmdline: &[u8]) -> Option<PathBuf> {
    let first = cmdline.split(|b| *b == 0).next()?;
    let package = std::str::from_utf8(first).ok()?.split(':').next()?.trim();
    let valid = !package.is_empty() && package.contains('.') && !package.contains('/');
    valid.then(|| PathBuf::from("/data/data").join(package).join("files"))
}

#[cfg(target_os = "ios")]
fn platform_data_dir() -> Option<PathBuf> {
    let home = std::env::var_os("HOME")?;
    Some(PathBuf::from(home).join("Library/Application Support/mycity"))
}

#[cfg(not(any(target_os = "android", target_os = "ios")))]
fn platform_data_dir() -> Option<PathBuf> {
    mycity_core::desktop_data_dir()
}

/// The host the UI runs in: how it hands `tel:`/`sms:`/`https:` URIs to the
/// system. The trait is the core's ([`mycity_core::platform::UriOpener`]),
/// so a native shell supplies the same service through the bindings.
pub use mycity_core::platform::UriOpener as Platform;

/// A desktop computer: URIs go to the OS opener (xdg-open on Linux), which may
/// hand `tel:` to a softphone; the UI also shows the number to dial.
#[cfg(feature = "desktop")]
pub struct Desktop;

#[cfg(feature = "desktop")]
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
#[cfg(any(feature = "web-e2e", test))]
#[derive(Default)]
pub struct Browser;

#[cfg(any(feature = "web-e2e", test))]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn android_package_names_become_its_files_directory() {
        assert_eq!(android_files_dir(b"vn.mycity.app\0"), Some(PathBuf::from("/data/data/vn.mycity.app/files")));
        assert_eq!(android_files_dir(b"vn.mycity.app:sync\0\0"), Some(PathBuf::from("/data/data/vn.mycity.app/files")));
        assert_eq!(android_files_dir(b"/system/bin/app_process\0"), None);
        assert_eq!(android_files_dir(b""), None);
    }

    #[test]
    fn desktop_data_lives_under_the_user_data_directory() {
        assert!(data_dir().ends_with("mycity"));
    }
}
