//! Settings: city, language, the optional sign-in, the city's server, and
//! the state of its data.

use dioxus::prelude::*;
use mycity_core::{account::SignIn, Lang, PackSource, Refresh, ServerOrigin};

use super::{icons::Icon, ErrorNote, Services, TitleBar, Ui};

#[component]
pub fn Settings() -> Element {
    let t = use_context::<Ui>().texts;
    rsx! {
        TitleBar { title: t.read().get("settings") }
        CityCard {}
        LanguageCard {}
        AccountCard {}
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

/// The optional sign-in: a button that opens the city's identity provider in
/// the system browser, the wait for it (with the page's link, should the
/// browser not have opened, and Cancel), then the name and Sign out. The core
/// decides everything; this card shows [`SignIn`] and passes intents.
#[component]
fn AccountCard() -> Element {
    let services = use_context::<Services>();
    let ui = use_context::<Ui>();
    let core = services.core.clone();
    let mut state = use_signal(|| core.account());
    let mut message = use_signal(|| None::<String>);
    let offered = {
        let core = core.clone();
        use_resource(move || {
            let core = core.clone();
            async move { core.sign_in_offered().await }
        })
    };
    let t = ui.texts.read();
    // Follows the core's state while a sign-in runs (it moves on when the
    // browser comes back to the app, on another task).
    let watch = {
        let core = core.clone();
        move || {
            let core = core.clone();
            spawn(async move {
                loop {
                    tokio::time::sleep(std::time::Duration::from_millis(250)).await;
                    let now = core.account();
                    if now != *state.peek() {
                        state.set(now.clone());
                    }
                    if !matches!(now, SignIn::Waiting { .. }) {
                        break;
                    }
                }
            });
        }
    };
    let sign_in = {
        let (core, platform) = (core.clone(), services.platform.clone());
        let watch = watch.clone();
        move |_| {
            let (core, platform) = (core.clone(), platform.clone());
            message.set(None);
            watch();
            spawn(async move {
                let result = core.sign_in(platform.as_ref()).await;
                state.set(core.account());
                match result {
                    Ok(_) => message.set(None),
                    Err(e) => message.set(Some(ui.texts.peek().error(&e))),
                }
                // My reports from other devices may have arrived.
                ui.changed(&core);
            });
        }
    };
    let cancel = {
        let core = core.clone();
        move |_| {
            core.cancel_sign_in();
            state.set(core.account());
        }
    };
    let sign_out = {
        let core = core.clone();
        move |_| {
            let core = core.clone();
            spawn(async move {
                let result = core.sign_out().await;
                state.set(core.account());
                message.set(result.err().map(|e| ui.texts.peek().error(&e)));
                ui.changed(&core);
            });
        }
    };
    let button = |key: &str| t.get(key);
    rsx! {
        section { class: "card", "data-testid": "settings-account",
            h2 { {t.get("account-title")} }
            match state() {
                SignIn::SignedIn(person) => rsx! {
                    p { "data-testid": "account-name", {t.args("account-signed-in", &[("name", &person.name)])} }
                    button { r#type: "button", class: "secondary", "data-testid": "sign-out", onclick: sign_out,
                        {button("account-sign-out")} }
                },
                SignIn::Waiting { url } => rsx! {
                    p { "data-testid": "account-waiting", {t.get("account-waiting")} }
                    a { href: "{url}", target: "_blank", rel: "noopener", "data-testid": "signin-link",
                        {t.get("account-open-page")} }
                    button { r#type: "button", class: "link", "data-testid": "sign-in-cancel", onclick: cancel,
                        {button("account-cancel")} }
                },
                // The city's server said it has no sign-in: nothing to press.
                _ if *offered.read() == Some(Some(false)) => rsx! {
                    p { class: "muted", "data-testid": "account-not-offered", {t.get("account-not-offered")} }
                },
                _ => rsx! {
                    p { class: "muted", {t.get("account-why")} }
                    button { r#type: "button", class: "secondary", "data-testid": "sign-in", onclick: sign_in,
                        {button("account-sign-in")} }
                },
            }
            if let Some(m) = message() { p { class: "banner offline", "data-testid": "account-error", "{m}" } }
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
    fn anonymous_by_default_with_a_sign_in_button() {
        let html = render(Screen::Settings, |core| core.set_lang(mycity_core::Lang::En).unwrap());
        assert!(html.contains("data-testid=\"sign-in\""), "{html}");
        assert!(html.contains("Sign in") && html.contains("every feature works without an account"), "{html}");
    }

    #[test]
    fn without_a_server_settings_says_so_and_offers_one() {
        let html = render(Screen::Settings, |_| {});
        assert!(html.contains("data-testid=\"no-server\""), "{html}");
        assert!(html.contains("data-testid=\"server-url\""));
    }
}
