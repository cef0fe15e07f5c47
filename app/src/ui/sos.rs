//! SOS: the city's hotlines as big call buttons, and "send my position by SMS".
//! Works with no network: hotlines come from the stored pack, the ward from local geometry.

use dioxus::prelude::*;
use mycity_core::{emergency, Fix, LatLon};

use super::{icons::Icon, map::CoordsInput, ErrorNote, Services, TitleBar, Ui};

/// Asks the webview for a position; resolves to `[lat, lon, accuracy]` or null.
pub(super) const LOCATE_JS: &str = r#"
return await new Promise((resolve) => {
  if (!navigator.geolocation) { resolve(null); return; }
  navigator.geolocation.getCurrentPosition(
    (p) => resolve([p.coords.latitude, p.coords.longitude, p.coords.accuracy]),
    () => resolve(null),
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
});
"#;

#[derive(Clone, PartialEq)]
enum Position {
    Unknown,
    Locating,
    Known(Fix),
    Failed,
}

#[component]
pub fn Sos() -> Element {
    let Services { core, platform } = use_context::<Services>();
    let ui = use_context::<Ui>();
    let hotlines = {
        let core = core.clone();
        use_memo(move || {
            ui.revision.read();
            core.hotlines().map_err(|e| ui.texts.peek().error(&e))
        })
    };
    let mut position = use_signal(|| Position::Unknown);
    let mut dialled = use_signal(|| None::<String>);
    let t = ui.texts.read();
    let l = t.lang().code();

    let fix = match position() {
        Position::Known(f) => Some(f),
        _ => None,
    };
    let message = {
        ui.revision.read();
        core.sos_message(fix, "")
    };
    let ward = fix.and_then(|f| core.ward_at(f.position).ok().flatten());

    let can_call = platform.can_call();
    let hotlines = match &*hotlines.read() {
        Ok(h) => h.clone(),
        Err(e) => return rsx! { ErrorNote { message: e.clone() } },
    };
    rsx! {
        TitleBar { title: t.get("sos-title") }
        p { class: "lead", {t.get("sos-subtitle")} }
        // Above the buttons, where the eye is after tapping one.
        if let Some(n) = dialled() {
            p { class: "banner info", "data-testid": "dial-note",
                strong { {t.args("sos-call", &[("number", &n)])} }
                " — "
                {t.get("sos-desktop-note")}
            }
        }
        div { class: "hotlines", "data-testid": "hotlines",
            for h in hotlines {
                a {
                    key: "{h.number}",
                    class: "hotline {h.kind.as_str()}",
                    href: emergency::tel_uri(h.to_dial()),
                    "data-testid": "call-{h.number}",
                    onclick: {
                        let platform = platform.clone();
                        let number = h.to_dial().to_owned();
                        move |e: MouseEvent| {
                            if !can_call {
                                // A computer cannot dial: hand the URI on and show the number big.
                                e.prevent_default();
                                if let Err(err) = platform.open_uri(&emergency::tel_uri(&number)) {
                                    tracing::info!(%err, "no tel: handler");
                                }
                                dialled.set(Some(number.clone()));
                            }
                        }
                    },
                    Icon { name: h.kind.as_str() }
                    span { class: "number", "{h.number}" }
                    span { class: "name", {h.name.get(l)} }
                    small { {h.description.get(l)} }
                    if h.to_dial() != h.number {
                        small { class: "dial", "data-testid": "dial-{h.number}", {t.args("sos-dial-mobile", &[("number", h.to_dial())])} }
                    }
                }
            }
        }
        section { class: "card sms", "data-testid": "sos-sms",
            h2 { Icon { name: "sms" } {t.get("sos-position-title")} }
            p { {t.get("sos-position-help")} }
            button {
                r#type: "button", class: "secondary", "data-testid": "locate",
                disabled: position() == Position::Locating,
                onclick: move |_| async move {
                    position.set(Position::Locating);
                    let got = document::eval(LOCATE_JS).join::<Option<[f64; 3]>>().await;
                    position.set(match got {
                        Ok(Some([lat, lon, acc])) => Position::Known(Fix {
                            position: LatLon { lat, lon },
                            accuracy_m: Some(acc),
                        }),
                        _ => Position::Failed,
                    });
                },
                Icon { name: "location" }
                if position() == Position::Locating { {t.get("sos-locating")} } else { {t.get("sos-locate")} }
            }
            CoordsInput {
                on_set: move |p: Option<LatLon>| position.set(match p {
                    Some(p) => Position::Known(Fix { position: p, accuracy_m: None }),
                    None => Position::Failed,
                }),
            }
            match (&position(), &ward) {
                (Position::Known(_), Some(w)) => rsx! {
                    p { class: "ward", "data-testid": "sos-ward", {t.args("sos-in-ward", &[("ward", w.name.get(l))])} }
                },
                (Position::Known(_), None) => rsx! { p { class: "ward", "data-testid": "sos-ward", {t.get("sos-outside")} } },
                (Position::Failed, _) => rsx! { p { class: "ward", "data-testid": "sos-ward", {t.get("sos-no-position")} } },
                _ => rsx! {},
            }
            match message {
                Ok(m) => rsx! {
                    blockquote { class: "sms-text", "data-testid": "sms-text", "{m.text}" }
                    a { class: "button primary", href: "{m.uri}", "data-testid": "open-sms",
                        onclick: {
                            let platform = platform.clone();
                            let uri = m.uri.clone();
                            move |e: MouseEvent| {
                                if !can_call {
                                    e.prevent_default();
                                    if let Err(err) = platform.open_uri(&uri) {
                                        tracing::info!(%err, "no sms: handler");
                                    }
                                }
                            }
                        },
                        {t.get("sos-open-sms")}
                    }
                },
                Err(e) => rsx! { ErrorNote { message: t.error(&e) } },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ui::{tests::render, Screen};

    #[test]
    fn da_nang_sos_lists_national_and_city_lines() {
        let html = render(Screen::Sos, |core| {
            core.set_city("da-nang").unwrap();
        });
        for n in ["113", "114", "115"] {
            assert!(html.contains(&format!("href=\"tel:{n}\"")), "missing tel:{n}");
        }
        // 1022 is shown as people know it, but a mobile reaches it only through the area code.
        assert!(html.contains("href=\"tel:02361022\""), "1022 dials 0236 1022");
        assert!(html.contains("data-testid=\"dial-1022\""), "the mobile number is shown");
        assert!(html.contains("sms:?body="), "sms link");
    }
}
