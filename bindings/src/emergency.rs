//! The emergency directory and the "send my position" SMS.

use mycity_core as core;

use crate::{LatLonRecord, MyCity, MyCityError};

/// A phone line for the SOS screen or a widget.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct HotlineRecord {
    /// Digits to dial.
    pub number: String,
    /// `police`, `fire`, `ambulance`, `rescue`, `child`, `city`, `other`.
    pub kind: String,
    /// Name in the current language.
    pub name: String,
    /// When to call, in the current language.
    pub description: String,
    /// `tel:` URI to hand to the dialer.
    pub tel_uri: String,
}

/// A position fix from the device.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct FixRecord {
    /// Where.
    pub position: LatLonRecord,
    /// Accuracy radius in metres, if known.
    pub accuracy_m: Option<f64>,
}

/// The SOS text and its `sms:` URI.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SosMessageRecord {
    /// The text, with coordinates and ward when known.
    pub text: String,
    /// `sms:` URI to hand to the messaging app.
    pub uri: String,
}

#[uniffi::export]
impl MyCity {
    /// All the city's phone lines, most urgent first.
    pub fn hotlines(&self) -> Result<Vec<HotlineRecord>, MyCityError> {
        let lang = self.inner.lang().code();
        let lines = self.inner.hotlines().map_err(|e| self.fail(e))?;
        Ok(lines
            .into_iter()
            .map(|h| HotlineRecord {
                tel_uri: core::emergency::tel_uri(&h.number),
                kind: h.kind.as_str().to_owned(),
                name: h.name.get(lang).to_owned(),
                description: h.description.get(lang).to_owned(),
                number: h.number,
            })
            .collect())
    }

    /// The "send my position" SMS to `recipient` (may be empty: the person
    /// picks in the messaging app), with the position when there is a fix.
    pub fn sos_message(&self, fix: Option<FixRecord>, recipient: String) -> Result<SosMessageRecord, MyCityError> {
        let fix = fix.map(|f| core::Fix { position: f.position.into(), accuracy_m: f.accuracy_m });
        let m = self.inner.sos_message(fix, &recipient).map_err(|e| self.fail(e))?;
        Ok(SosMessageRecord { text: m.text, uri: m.uri })
    }
}
