//! A dossier's fee, payable by VietQR: the code any banking app scans, the
//! amount in figures and words, the account, and a button that copies the
//! transfer details for a person paying from another phone or at a counter.

use dioxus::prelude::*;
use mycity_core::{dossier::Fee, Dossier};

use super::{Services, Ui};

/// Writes its argument to the clipboard; answers whether that worked.
const COPY_JS: &str = r#"
const text = await dioxus.recv();
try { await navigator.clipboard.writeText(text); dioxus.send(true); } catch (e) { dioxus.send(false); }
"#;

/// The fee of dossier `code`; `secret` opens it (empty for a watched one).
#[component]
pub fn FeeCard(fee: Fee, code: String, secret: String, on_update: EventHandler<Dossier>) -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let mut copied = use_signal(|| None::<bool>);
    let mut sending = use_signal(|| false);
    let mut error = use_signal(|| None::<String>);
    let paid = move |_| {
        let (core, code, secret) = (core.clone(), code.clone(), secret.clone());
        sending.set(true);
        spawn(async move {
            let secret = Some(secret.as_str()).filter(|s| !s.trim().is_empty());
            let done = core.report_fee_paid(&code, secret).await;
            sending.set(false);
            match done {
                Ok(d) => {
                    error.set(None);
                    on_update.call(d);
                }
                Err(e) => error.set(Some(ui.texts.read().error(&e))),
            }
        });
    };
    let t = ui.texts.read();
    let details = fee.details.clone();
    let copy = move |_| {
        let details = details.clone();
        spawn(async move {
            let mut js = document::eval(COPY_JS);
            let done = js.send(details).is_ok() && js.recv::<bool>().await.unwrap_or(false);
            copied.set(Some(done));
        });
    };
    rsx! {
        section { class: "fee", "data-testid": "dossier-fee", "aria-labelledby": "fee-title",
            h3 { id: "fee-title", {t.get("dossier-fee-title")} }
            p { class: "fee-amount", "data-testid": "dossier-fee-amount", "{fee.amount}" }
            p { class: "muted", "data-testid": "dossier-fee-words", "{fee.amount_words}" }
            div { class: "fee-qr", role: "img", "aria-label": "VietQR {fee.amount}", "data-testid": "dossier-fee-qr",
                dangerous_inner_html: "{fee.svg}" }
            p { class: "muted", {t.get("dossier-fee-scan")} }
            dl { class: "fee-details",
                dt { {t.get("dossier-fee-bank")} } dd { "{fee.bank}" }
                dt { {t.get("dossier-fee-account")} } dd { "data-testid": "dossier-fee-account", "{fee.account}" }
                dt { {t.get("dossier-fee-holder")} } dd { "{fee.account_name}" }
                dt { {t.get("dossier-fee-reference")} } dd { "data-testid": "dossier-fee-reference", "{fee.reference}" }
            }
            if let Some(rest) = &fee.reference_cut {
                p { class: "banner warning", {t.args("dossier-fee-reference-cut", &[("rest", rest)])} }
            }
            div { class: "row",
                button { r#type: "button", class: "secondary", "data-testid": "dossier-fee-copy", onclick: copy,
                    {t.get("dossier-fee-copy")}
                }
                if !fee.paid_reported {
                    button { r#type: "button", class: "primary", "data-testid": "dossier-fee-paid",
                        disabled: sending(), onclick: paid, {t.get("dossier-fee-paid")}
                    }
                }
            }
            if fee.paid_reported {
                p { class: "banner info", role: "status", "data-testid": "dossier-fee-waiting", {t.get("dossier-fee-waiting")} }
            }
            if let Some(e) = error() {
                p { class: "banner offline", role: "alert", "{e}" }
            }
            match copied() {
                Some(true) => rsx! { p { class: "banner ok", role: "status", {t.get("dossier-fee-copied")} } },
                // No clipboard (a page without permission): the details are shown to copy by hand.
                Some(false) => rsx! { pre { class: "fee-copy-text", "data-testid": "dossier-fee-text", "{fee.details}" } },
                None => rsx! {},
            }
        }
    }
}
