//! Settings: city, language, the city's server, and the state of its data.

use dioxus::prelude::*;
use mycity_core::{Lang, PackSource, Refresh, ServerOrigin};

use super::{icons::Icon, ErrorNote, Services, TitleBar, Ui};

#[component]
pub fn Settings() -> Element {
    let t = use_context::<Ui>().texts;
    rsx! {
        TitleBar { title: t.read().get("settings") }
        CityCard {}
        LanguageCard {}
        ServerCard {}
        SyncCard {}
    }
}

#[component]
fn CityCard() -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let cities = use_memo(move || {
        ui.revision.read();
        core.cities().map(|c| (c, core.city_slug())).map_err(|e| ui.texts.peek().error(&e))
    });
    let core = use_context::<Services>().core;
    let mut error = use_signal(|| None::<String>);
    let t = ui.texts.read();
    let l = t.lang().code();
    let (cities, current) = match &*cities.read() {
        Ok(c) => c.clone(),
        Err(e) => return rsx! { ErrorNote { message: e.clone() } },
    };
    rsx! {
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
                            let (core, slug) = (core.clone(), c.slug.clone());
                            move |_| match core.set_city(&slug) {
                                Ok(_) => { error.set(None); ui.changed(&core) }
                                Err(e) => error.set(Some(ui.texts.peek().error(&e))),
                            }
                        },
                        strong { {c.name.get(l)} }
                        small { {c.region.get(l)} }
                    }
                }
            }
            if let Some(e) = error() { p { class: "banner offline", "{e}" } }
        }
    }
}

#[component]
fn LanguageCard() -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let t = ui.texts.read();
    rsx! {
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
                                Err(e) => tracing::warn!(%e, "language not saved"),
                            }
                        },
                        "{label}"
                    }
                }
            }
        }
    }
}

/// The server the city's data and reports go to; with none, the person can name one.
#[component]
fn ServerCard() -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let status = use_memo(move || {
        ui.revision.read();
        core.sync_status().ok()
    });
    let core = use_context::<Services>().core;
    let mut url = use_signal(String::new);
    let mut error = use_signal(|| None::<String>);
    let t = ui.texts.read();
    let Some(status) = status() else { return rsx! {} };
    let origin = status.server_origin.map(|o| match o {
        ServerOrigin::Override => "sync-origin-override",
        ServerOrigin::Chosen => "sync-origin-chosen",
        ServerOrigin::Pack => "sync-origin-pack",
        ServerOrigin::BuildDefault => "sync-origin-default",
    });
    let mut done = move |r: mycity_core::Result<()>| match r {
        Ok(()) => {
            error.set(None);
            url.set(String::new());
        }
        Err(e) => error.set(Some(ui.texts.peek().error(&e))),
    };
    let set = {
        let core = core.clone();
        move |_| {
            done(core.set_server(Some(&url())));
            ui.changed(&core);
        }
    };
    let clear = move |_| {
        done(core.set_server(None));
        ui.changed(&core);
    };
    rsx! {
        section { class: "card", "data-testid": "settings-server",
            h2 { {t.get("sync-server-title")} }
            match (&status.server, origin) {
                (Some(s), Some(o)) => rsx! {
                    p { "data-testid": "sync-server", {t.args("sync-server", &[("url", s)])} }
                    p { class: "muted", {t.get(o)} }
                },
                _ => rsx! {
                    p { class: "banner offline", "data-testid": "no-server", {t.get("sync-no-server")} }
                },
            }
            // A server given at start wins over any choice: offer none then.
            if status.server_origin != Some(ServerOrigin::Override) {
                div { class: "row",
                    input { r#type: "text", inputmode: "url", placeholder: "https://", "data-testid": "server-url",
                        value: "{url}", oninput: move |e| url.set(e.value()) }
                    button { r#type: "button", class: "secondary", "data-testid": "server-set",
                        onclick: set, {t.get("sync-server-set")} }
                }
            }
            if status.server_origin == Some(ServerOrigin::Chosen) {
                button { r#type: "button", class: "link", "data-testid": "server-clear",
                    onclick: clear, {t.get("sync-server-clear")} }
            }
            if let Some(e) = error() { p { class: "banner offline", "data-testid": "server-error", "{e}" } }
        }
    }
}

#[component]
fn SyncCard() -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let status = use_memo(move || {
        ui.revision.read();
        core.sync_status().map_err(|e| ui.texts.peek().error(&e))
    });
    let core = use_context::<Services>().core;
    let mut busy = use_signal(|| false);
    let mut outcome = use_signal(|| None::<String>);
    let t = ui.texts.read();
    let status = match &*status.read() {
        Ok(s) => s.clone(),
        Err(e) => return rsx! { ErrorNote { message: e.clone() } },
    };
    let source_key = match status.source {
        PackSource::Bundled => "sync-source-bundled",
        PackSource::Server => "sync-source-server",
        PackSource::File => "sync-source-file",
    };
    let engine = &status.engine;
    rsx! {
        section { class: "card", "data-testid": "settings-sync",
            h2 { {t.get("settings-sync")} }
            p { "data-testid": "pack-version", {t.args("sync-pack", &[("version", &status.pack_version.to_string())])} }
            p { {t.get(source_key)} }
            p { "data-testid": "sync-checked",
                match status.checked_at {
                    Some(at) => t.args("sync-checked", &[("age", &t.age(at))]),
                    None => t.get("sync-never"),
                }
            }
            if let Some(at) = status.services_fetched_at {
                p { class: "muted", {t.args("sync-categories", &[("age", &t.age(at))])} }
            }
            if engine.waiting > 0 {
                p { "data-testid": "sync-waiting", {t.args("report-waiting", &[("count", &engine.waiting.to_string())])} }
            }
            match (engine.reachable, &engine.last_error) {
                // The technical reason stays out of the sentence, for support only (and in the logs).
                (Some(false), Some(e)) => rsx! { p { class: "banner offline", "data-testid": "sync-unreachable", title: "{e}", {t.get("sync-unreachable")} } },
                (Some(true), _) => rsx! { p { class: "muted", "data-testid": "sync-reachable", {t.get("sync-reachable")} } },
                _ => rsx! {},
            }
            if let Some(e) = &status.last_error {
                p { class: "banner offline", "data-testid": "sync-error", title: "{e}", {t.get("sync-error")} }
            }
            button {
                r#type: "button", class: "secondary", "data-testid": "sync-refresh",
                disabled: busy() || status.server.is_none(),
                onclick: move |_| {
                    let core = core.clone();
                    async move {
                        busy.set(true);
                        let t = ui.texts.peek().clone();
                        outcome.set(Some(match core.refresh_city().await {
                            Ok(Refresh::Updated { version }) => t.args("sync-updated", &[("version", &version.to_string())]),
                            Ok(Refresh::Unchanged { .. }) => t.get("sync-unchanged"),
                            Ok(Refresh::Unreachable { .. }) => t.get("sync-offline"),
                            Err(e) => t.error(&e),
                        }));
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

    #[test]
    fn without_a_server_settings_says_so_and_offers_one() {
        let html = render(Screen::Settings, |_| {});
        assert!(html.contains("data-testid=\"no-server\""), "{html}");
        assert!(html.contains("data-testid=\"server-url\""));
    }
}
