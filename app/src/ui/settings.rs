//! Settings: city, language, and the state of the city's data.

use dioxus::prelude::*;
use mycity_core::{Lang, PackSource, Refresh};

use super::{age, icons::Icon, ErrorNote, Services, TitleBar, Ui};

#[component]
pub fn Settings() -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let data = {
        let core = core.clone();
        use_memo(move || {
            ui.revision.read();
            Ok::<_, String>((
                core.cities().map_err(|e| e.to_string())?,
                core.sync_status().map_err(|e| e.to_string())?,
                core.city_slug(),
            ))
        })
    };
    let mut busy = use_signal(|| false);
    let mut outcome = use_signal(|| None::<String>);
    let t = ui.texts.read();
    let l = t.lang().code();
    let (cities, status, current) = match &*data.read() {
        Ok(d) => d.clone(),
        Err(e) => return rsx! { ErrorNote { message: e.clone() } },
    };
    let source_key = match status.source {
        PackSource::Bundled => "sync-source-bundled",
        PackSource::Server => "sync-source-server",
        PackSource::File => "sync-source-file",
    };
    rsx! {
        TitleBar { title: t.get("settings") }
        section { class: "card", "data-testid": "settings-city",
            h2 { {t.get("settings-city")} }
            div { class: "options",
                for c in cities {
                    button {
                        key: "{c.slug}", r#type: "button",
                        class: if c.slug == current { "option selected" } else { "option" },
                        "data-testid": "city-{c.slug}",
                        "aria-pressed": if c.slug == current { "true" } else { "false" },
                        onclick: {
                            let core = core.clone();
                            let slug = c.slug.clone();
                            move |_| {
                                match core.set_city(&slug) {
                                    Ok(_) => { outcome.set(None); ui.changed(&core) }
                                    Err(e) => outcome.set(Some(e.to_string())),
                                }
                                // A city switch fetches that city's newest pack and services in the background.
                                let core = core.clone();
                                // Outlives this screen: the user may leave Settings at once.
                                dioxus::core::spawn_forever(async move {
                                    let updated = matches!(core.refresh_city().await, Ok(Refresh::Updated { .. }));
                                    // The new city's report categories and their questions.
                                    let services = core.refresh_services().await.is_ok();
                                    if updated || services {
                                        ui.changed(&core);
                                    }
                                });
                            }
                        },
                        strong { {c.name.get(l)} }
                        small { {c.region.get(l)} }
                    }
                }
            }
        }
        section { class: "card", "data-testid": "settings-language",
            h2 { {t.get("settings-language")} }
            div { class: "segmented",
                for (lang, label) in [(Lang::Vi, "Tiếng Việt"), (Lang::En, "English")] {
                    button {
                        key: "{lang.code()}", r#type: "button",
                        class: if t.lang() == lang { "selected" } else { "" },
                        "data-testid": "lang-{lang.code()}",
                        onclick: {
                            let core = core.clone();
                            move |_| match core.set_lang(lang) {
                                Ok(()) => ui.changed(&core),
                                Err(e) => outcome.set(Some(e.to_string())),
                            }
                        },
                        "{label}"
                    }
                }
            }
        }
        section { class: "card", "data-testid": "settings-sync",
            h2 { {t.get("settings-sync")} }
            p { "data-testid": "pack-version", {t.args("sync-pack", &[("version", &status.pack_version.to_string())])} }
            p { {t.get(source_key)} }
            p { "data-testid": "sync-checked",
                match status.checked_at {
                    Some(at) => t.args("sync-checked", &[("age", &age(&t, at))]),
                    None => t.get("sync-never"),
                }
            }
            match &status.server {
                Some(url) => rsx! { p { class: "muted", "data-testid": "sync-server", {t.args("sync-server", &[("url", url)])} } },
                None => rsx! { p { class: "muted", {t.get("sync-no-server")} } },
            }
            if let Some(e) = &status.last_error {
                p { class: "banner offline", "data-testid": "sync-error", {t.args("sync-error", &[("error", e)])} }
            }
            button {
                r#type: "button", class: "secondary", "data-testid": "sync-refresh",
                disabled: busy() || status.server.is_none(),
                onclick: move |_| {
                    let core = core.clone();
                    async move {
                        busy.set(true);
                        let t = ui.texts.peek().clone();
                        let msg = match core.refresh_city().await {
                            Ok(Refresh::Updated { version }) => t.args("sync-updated", &[("version", &version.to_string())]),
                            Ok(Refresh::Unchanged { .. }) => t.get("sync-unchanged"),
                            Err(e) if e.is_transient() => t.get("sync-offline"),
                            Err(e) => e.to_string(),
                        };
                        outcome.set(Some(msg));
                        busy.set(false);
                        ui.changed(&core);
                    }
                },
                Icon { name: "refresh" }
                if busy() { {t.get("sync-refreshing")} } else { {t.get("sync-refresh")} }
            }
            if let Some(m) = outcome() { p { class: "muted", "data-testid": "sync-outcome", "{m}" } }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ui::{tests::render, Screen};

    #[test]
    fn lists_five_cities_with_current_selected() {
        let html = render(Screen::Settings, |core| {
            core.set_city("vinh").unwrap();
            core.set_lang(mycity_core::Lang::En).unwrap();
        });
        for slug in ["ha-giang", "dong-ha", "vinh", "gia-nghia", "da-nang"] {
            assert!(html.contains(&format!("city-{slug}")), "{slug}");
        }
        assert!(html.contains("Data and sync"));
        assert!(html.contains("option selected\" data-testid=\"city-vinh\""), "{html}");
    }
}
