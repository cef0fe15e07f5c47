//! Hồ sơ: type the code from the receipt; the core checks it against the
//! city's format before any look-up.

use dioxus::prelude::*;

use super::{ErrorNote, Services, TitleBar, Ui};

#[component]
pub fn Dossier() -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let mut code = use_signal(String::new);
    let mut verdict = use_signal(|| None::<Result<String, String>>);
    let city = {
        let core = core.clone();
        use_memo(move || {
            ui.revision.read();
            core.city().map_err(|e| e.to_string())
        })
    };
    let t = ui.texts.read();
    let l = t.lang().code();
    let city = match &*city.read() {
        Ok(c) => c.clone(),
        Err(e) => return rsx! { ErrorNote { message: e.clone() } },
    };
    rsx! {
        TitleBar { title: t.get("dossier-title") }
        p { class: "lead", {t.args("dossier-intro", &[("system", city.dossier.system.get(l))])} }
        label { class: "field",
            span { {t.get("dossier-code")} }
            input {
                r#type: "text", "data-testid": "dossier-code", autocomplete: "off",
                placeholder: "{city.dossier.example}", value: "{code}",
                oninput: move |e| { code.set(e.value()); verdict.set(None); },
            }
        }
        p { class: "muted", {t.args("dossier-example", &[("example", &city.dossier.example)])} }
        button {
            r#type: "button", class: "primary", "data-testid": "dossier-check",
            onclick: move |_| verdict.set(Some(core.check_dossier_code(&code.read()).map_err(|e| e.to_string()))),
            {t.get("dossier-code")}
        }
        match verdict() {
            Some(Ok(c)) => rsx! { p { class: "banner ok", "data-testid": "dossier-verdict", strong { "{c}" } " — " {t.get("dossier-valid")} } },
            Some(Err(e)) => rsx! { p { class: "banner offline", "data-testid": "dossier-verdict", {t.get("dossier-invalid")} " " "{e}" } },
            None => rsx! {},
        }
    }
}
