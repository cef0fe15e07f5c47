//! The procedure catalogue: folded search by name or field, offline, and a
//! procedure's page (papers to bring, fee, time limit, where to file, online level).

use dioxus::prelude::*;
use mycity_core::protocol::dossier::{OnlineLevel, Procedure};

use super::{dossier::age, Services, Ui};

#[component]
pub fn Catalogue() -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let mut query = use_signal(String::new);
    let mut field = use_signal(String::new);
    let mut open = use_signal(|| None::<Procedure>);
    // Download (or confirm) the catalogue once the screen opens; it is read from the store.
    let refreshed = {
        let core = core.clone();
        use_resource(move || {
            let core = core.clone();
            async move {
                let r = core.refresh_procedures().await;
                ui.changed(&core);
                r
            }
        })
    };
    let c = core.clone();
    let fields = use_memo(move || {
        ui.revision.read();
        c.procedure_fields().unwrap_or_default()
    });
    let c = core.clone();
    let found = use_memo(move || {
        ui.revision.read();
        c.search_procedures(&query.read(), &field.read(), 50).map_err(|e| ui.texts.read().error(&e))
    });
    let t = ui.texts.read();
    if let Some(p) = open() {
        return rsx! { Detail { p, on_back: move |_| open.set(None) } };
    }
    let fetched = core.procedures_fetched_at().ok().flatten();
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    rsx! {
        label { class: "field",
            span { {t.get("catalogue-search")} }
            input { r#type: "search", "data-testid": "catalogue-search", value: "{query}",
                placeholder: t.get("catalogue-placeholder"), oninput: move |e| query.set(e.value()) }
        }
        label { class: "field",
            span { {t.get("catalogue-field")} }
            select { "data-testid": "catalogue-field", onchange: move |e| field.set(e.value()),
                option { value: "", {t.get("catalogue-all-fields")} }
                for f in fields.read().iter() {
                    option { key: "{f.name}", value: "{f.name}", selected: *field.read() == f.name, "{f.name} ({f.count})" }
                }
            }
        }
        match fetched {
            Some(at) => rsx! { p { class: "muted", "data-testid": "catalogue-age",
                {t.args("dossier-updated", &[("age", &age(&t, (now - at).max(0)))])} } },
            None => rsx! { p { class: "muted", {t.get(if refreshed.read().is_none() { "catalogue-loading" } else { "catalogue-none" })} } },
        }
        match &*found.read() {
            Ok(list) => rsx! {
                ul { class: "list", "data-testid": "catalogue-results",
                    for p in list.iter().cloned() {
                        li { key: "{p.code}",
                            button { r#type: "button", class: "list-item", "data-testid": "catalogue-item",
                                onclick: move |_| open.set(Some(p.clone())),
                                span { strong { "{p.name}" } br {} small { class: "muted", "{p.field} · {p.level}" } }
                            }
                        }
                    }
                }
            },
            Err(e) => rsx! { p { class: "muted", "{e}" } },
        }
    }
}

#[component]
fn Detail(p: Procedure, on_back: EventHandler<()>) -> Element {
    let ui = use_context::<Ui>();
    let t = ui.texts.read();
    let online = match p.online {
        OnlineLevel::Full => "catalogue-online-full",
        OnlineLevel::Partial => "catalogue-online-partial",
        OnlineLevel::None => "catalogue-online-none",
    };
    rsx! {
        section { class: "card procedure", "data-testid": "procedure-detail",
            button { r#type: "button", class: "secondary", "data-testid": "procedure-back", onclick: move |_| on_back.call(()),
                {t.get("back")} }
            h2 { "data-testid": "procedure-name", "{p.name}" }
            p { class: "muted", "{p.code} · {p.field} · {p.level}" }
            p { class: "banner ok", {t.get(online)} }
            h3 { {t.get("catalogue-where")} }
            p { "{p.agency}" }
            h3 { {t.get("catalogue-ways")} }
            ul { for w in p.ways.iter() { li { strong { "{w.way}" } ": {w.time_limit} · {w.fee}" } } }
            h3 { {t.get("catalogue-papers")} }
            ul { "data-testid": "procedure-papers",
                for x in p.papers.iter() {
                    li { "{x.name}"
                        small { class: "muted",
                            " " {t.args("catalogue-copies", &[("originals", &x.originals.to_string()), ("copies", &x.copies.to_string())])}
                            if let Some(f) = &x.form { " · {f}" }
                        }
                    }
                }
            }
            h3 { {t.get("catalogue-steps")} }
            ol { for s in p.steps.iter() { li { "{s}" } } }
            h3 { {t.get("catalogue-result")} }
            p { "{p.result}" }
            h3 { {t.get("catalogue-law")} }
            ul { for l in p.legal_basis.iter() { li { "{l}" } } }
        }
    }
}
