//! The screens. Components read from the core and call it; they decide nothing
//! themselves beyond what to show.

mod dossier;
mod home;
mod icons;
mod map;
mod photo;
mod report;
mod settings;
mod sos;
mod tourism;

use std::sync::Arc;

use dioxus::prelude::*;
use mycity_core::{MyCity, Refresh, Texts};

use crate::platform::Platform;

const CSS: &str = include_str!("../../../assets/ui/app.css");

/// How often the app retries queued sends and checks reports' statuses.
const SYNC_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// What the UI gets from its host: the core and the platform.
#[derive(Clone)]
pub struct Services {
    /// The shared core.
    pub core: Arc<MyCity>,
    /// The host platform.
    pub platform: Arc<dyn Platform>,
}

/// The screens of the app.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Screen {
    /// Trang chủ.
    Home,
    /// Phản ánh.
    Report,
    /// Hồ sơ.
    Dossier,
    /// Du lịch.
    Tourism,
    /// Emergency calls.
    Sos,
    /// Settings.
    Settings,
}

/// UI-wide state every screen reads.
#[derive(Clone, Copy)]
pub struct Ui {
    /// The screen shown.
    pub screen: Signal<Screen>,
    /// Bumped whenever the core's data changes (city, language, new pack), so screens re-read.
    pub revision: Signal<u64>,
    /// Strings in the current language.
    pub texts: Signal<Arc<Texts>>,
    /// The latest news about the user's reports, shown on every screen until dismissed.
    pub notice: Signal<Option<String>>,
}

impl Ui {
    /// Tells every screen the core's data changed.
    pub fn changed(mut self, core: &MyCity) {
        self.texts.set(Arc::new(core.texts()));
        self.revision += 1;
    }
}

/// The root component.
#[component]
pub fn App() -> Element {
    let services = use_context::<Services>();
    let screen = use_signal(|| Screen::Home);
    let revision = use_signal(|| 0u64);
    let texts = use_signal(|| Arc::new(services.core.texts()));
    let notice = use_signal(|| None::<String>);
    let ui = use_context_provider(|| Ui { screen, revision, texts, notice });

    // Check the city's server at start, then keep the outbox moving and the
    // reports' statuses current; the screens show stored data meanwhile.
    let core = services.core.clone();
    use_future(move || {
        let core = core.clone();
        async move {
            match core.refresh_city().await {
                Ok(Refresh::Updated { .. }) => ui.changed(&core),
                Ok(Refresh::Unchanged { .. }) => {}
                Err(e) => tracing::info!(%e, "pack refresh failed; using stored data"),
            }
            if let Err(e) = core.refresh_services().await {
                tracing::info!(%e, "services not refreshed; using stored categories");
            }
            // Sync state changed either way (checked time or error).
            ui.changed(&core);
            loop {
                let mut changed = false;
                if core.waiting().unwrap_or(0) > 0 {
                    changed |= core.flush_outbox().await.is_ok_and(|f| f.sent + f.rejected > 0);
                }
                if let Ok(news) = core.refresh_reports().await {
                    if let Some(last) = news.last() {
                        let t = ui.texts.peek().clone();
                        let status = t.get(&format!("status-{}", last.status));
                        let mut notice = ui.notice;
                        notice
                            .set(Some(t.args("notice-report", &[("status", &status), ("comment", &last.description)])));
                        changed = true;
                    }
                }
                if changed {
                    ui.changed(&core);
                }
                tokio::time::sleep(SYNC_EVERY).await;
            }
        }
    });

    let lang = texts.read().lang().code();
    rsx! {
        style { {CSS} }
        div { class: "app", lang: "{lang}", "data-testid": "app",
            Notice {}
            main { class: "screen", "data-testid": "screen-{screen:?}",
                ScreenView { screen: screen() }
            }
            SosButton {}
            TabBar {}
        }
    }
}

/// The content of one screen.
#[component]
fn ScreenView(screen: Screen) -> Element {
    match screen {
        Screen::Home => rsx! { home::Home {} },
        Screen::Report => rsx! { report::Report {} },
        Screen::Dossier => rsx! { dossier::Dossier {} },
        Screen::Tourism => rsx! { tourism::Tourism {} },
        Screen::Sos => rsx! { sos::Sos {} },
        Screen::Settings => rsx! { settings::Settings {} },
    }
}

/// News about the user's reports; a tap opens them.
#[component]
fn Notice() -> Element {
    let ui = use_context::<Ui>();
    let (mut notice, mut screen) = (ui.notice, ui.screen);
    let Some(text) = notice() else { return rsx! {} };
    rsx! {
        div { class: "notice", role: "status", "data-testid": "notice",
            button { r#type: "button", class: "notice-text", onclick: move |_| { screen.set(Screen::Report); notice.set(None); },
                icons::Icon { name: "report" }
                span { "{text}" }
            }
            button { r#type: "button", class: "notice-close", "aria-label": "×", onclick: move |_| notice.set(None), "×" }
        }
    }
}

/// The red button on every screen.
#[component]
fn SosButton() -> Element {
    let ui = use_context::<Ui>();
    let mut screen = ui.screen;
    let t = ui.texts.read();
    rsx! {
        button {
            r#type: "button",
            class: "sos-fab",
            "data-testid": "sos-button",
            "aria-label": t.get("sos-title"),
            onclick: move |_| screen.set(Screen::Sos),
            icons::Icon { name: "sos" }
            span { {t.get("sos")} }
        }
    }
}

#[component]
fn TabBar() -> Element {
    let ui = use_context::<Ui>();
    let t = ui.texts.read();
    let tabs = [
        (Screen::Home, "home", "tab-home"),
        (Screen::Report, "report", "tab-report"),
        (Screen::Dossier, "dossier", "tab-dossier"),
        (Screen::Tourism, "tourism", "tab-tourism"),
    ];
    rsx! {
        nav { class: "tabbar", "data-testid": "tabbar",
            for (target, icon, key) in tabs {
                TabButton { key: "{key}", target, icon, label: t.get(key) }
            }
        }
    }
}

#[component]
fn TabButton(target: Screen, icon: &'static str, label: String) -> Element {
    let mut screen = use_context::<Ui>().screen;
    let active = screen() == target;
    rsx! {
        button {
            r#type: "button",
            class: if active { "tab active" } else { "tab" },
            "data-testid": "tab-{icon}",
            "aria-current": if active { "page" } else { "false" },
            onclick: move |_| screen.set(target),
            icons::Icon { name: icon }
            span { "{label}" }
        }
    }
}

/// A screen's title bar, with a back button to home and the settings button.
#[component]
pub fn TitleBar(title: String, subtitle: Option<String>) -> Element {
    let ui = use_context::<Ui>();
    let mut screen = ui.screen;
    let t = ui.texts.read();
    rsx! {
        header { class: "titlebar",
            if screen() != Screen::Home {
                button { r#type: "button", class: "icon-button", "data-testid": "back",
                    "aria-label": t.get("back"), onclick: move |_| screen.set(Screen::Home),
                    icons::Icon { name: "back" }
                }
            }
            div { class: "titles",
                h1 { "data-testid": "title", "{title}" }
                if let Some(s) = subtitle { p { class: "subtitle", "{s}" } }
            }
            button { r#type: "button", class: "icon-button", "data-testid": "open-settings",
                "aria-label": t.get("settings"), onclick: move |_| screen.set(Screen::Settings),
                icons::Icon { name: "settings" }
            }
        }
    }
}

/// A failed read of the core, shown in place of the screen's content.
#[component]
pub fn ErrorNote(message: String) -> Element {
    let t = use_context::<Ui>().texts;
    rsx! {
        div { class: "error-note", role: "alert", "data-testid": "error",
            strong { {t.read().get("error-title")} }
            p { "{message}" }
        }
    }
}

/// "5 minutes ago" for a unix time.
pub fn age(t: &Texts, then: i64) -> String {
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(then);
    let secs = (now - then).max(0);
    let n = |v: i64| v.to_string();
    match secs {
        0..60 => t.get("age-just-now"),
        60..3600 => t.args("age-minutes", &[("n", &n(secs / 60))]),
        3600..86400 => t.args("age-hours", &[("n", &n(secs / 3600))]),
        _ => t.args("age-days", &[("n", &n(secs / 86400))]),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::platform::Browser;

    /// Renders the app to HTML on screen `screen` over a core in a temp dir.
    pub fn render(screen: Screen, setup: impl FnOnce(&MyCity)) -> String {
        let dir = tempfile::tempdir().unwrap();
        let core = MyCity::open(mycity_core::Config {
            data_dir: dir.path().to_owned(),
            server_url: None,
            ..Default::default()
        })
        .unwrap();
        setup(&core);
        let services = Services { core: Arc::new(core), platform: Arc::new(Browser) };
        let mut dom = VirtualDom::new_with_props(Shell, ShellProps { screen }).with_root_context(services);
        dom.rebuild_in_place();
        dioxus_ssr::render(&dom)
    }

    /// The app forced onto one screen, for rendering tests.
    #[component]
    fn Shell(screen: Screen) -> Element {
        let services = use_context::<Services>();
        let s = use_signal(|| screen);
        let revision = use_signal(|| 0u64);
        let texts = use_signal(|| Arc::new(services.core.texts()));
        let notice = use_signal(|| None::<String>);
        use_context_provider(|| Ui { screen: s, revision, texts, notice });
        rsx! { ScreenView { screen } }
    }

    #[test]
    fn ages_read_naturally() {
        let t = Texts::new(mycity_core::Lang::Vi);
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
        assert_eq!(age(&t, now), "vừa xong");
        assert_eq!(age(&t, now - 600), "10 phút trước");
        assert_eq!(age(&t, now - 3 * 86400), "3 ngày trước");
    }
}
