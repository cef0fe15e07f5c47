//! The screens. Components read state from the core, call one core function
//! per user intent, and render; every decision is the core's. Changes reach
//! them from the core's sync engine as events, which bump [`Ui::revision`].

mod air;
mod alert_banner;
mod alert_map;
mod alerts;
mod announcements;
mod consult;
mod dossier;
mod dossier_catalogue;
mod dossier_fee;
mod home;
mod icons;
mod lookups;
mod map;
mod map_tiles;
mod photo;
mod place;
mod report;
mod scorecard;
mod settings;
mod sos;
mod stars;
mod tourism;

use std::sync::Arc;

use dioxus::prelude::*;
use mycity_core::{Error, MyCity, SyncEvent, Texts};

#[cfg(feature = "web-e2e")]
pub use map_tiles::tile_response;

use crate::platform::Platform;

const CSS: &str = include_str!("../../../assets/ui/app.css");

/// Reports the page's visibility and the device's network to Rust whenever
/// either changes (and once at start), for the core's sync schedule.
const LIFECYCLE_JS: &str = r#"
const send = () => dioxus.send({ front: document.visibilityState !== 'hidden', online: navigator.onLine });
document.addEventListener('visibilitychange', send);
window.addEventListener('online', send);
window.addEventListener('offline', send);
send();
await new Promise(() => {});
"#;

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
    /// Air quality at every station.
    Air,
    /// The city's alerts in force.
    Alerts,
    /// The city's announcements.
    Announcements,
    /// Public consultations.
    Consult,
    /// How the city answers reports (the public scorecard).
    Scorecard,
    /// Tra cứu: the look-ups hub.
    Lookups,
    /// Health services: hospitals, health stations, clinics, pharmacies.
    Health,
    /// Public transport: buses, next departures, road closures.
    Transport,
    /// Planning: land-use zones and their rules.
    Planning,
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

    // The core's sync engine sends, checks and refreshes on its own schedule;
    // the screens hear what changed and re-read.
    let core = services.core.clone();
    use_hook(move || {
        if let Err(e) = core.start_sync() {
            tracing::warn!(%e, "sync engine not started; the app works from stored data");
        }
    });
    let core = services.core.clone();
    use_future(move || {
        let core = core.clone();
        async move {
            let mut events = core.subscribe();
            while let Some(event) = events.next().await {
                if let SyncEvent::ReportNews { notice, .. }
                | SyncEvent::ReportOverdue { notice, .. }
                | SyncEvent::DossierNews { notice, .. } = &event
                {
                    let mut n = ui.notice;
                    n.set(Some(notice.clone()));
                }
                ui.changed(&core);
            }
        }
    });
    let core = services.core.clone();
    use_future(move || {
        let core = core.clone();
        async move {
            let mut page = document::eval(LIFECYCLE_JS);
            while let Ok(v) = page.recv::<serde_json::Value>().await {
                core.set_foreground(v["front"].as_bool().unwrap_or(true));
                if let Err(e) = core.network_changed(v["online"].as_bool().unwrap_or(true)) {
                    tracing::warn!(%e, "network change not recorded");
                }
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
        Screen::Air => rsx! { air::Air {} },
        Screen::Alerts => rsx! { alerts::Alerts {} },
        Screen::Announcements => rsx! { announcements::Announcements {} },
        Screen::Consult => rsx! { consult::Consult {} },
        Screen::Scorecard => rsx! { scorecard::Scorecard {} },
        Screen::Lookups => rsx! { lookups::Lookups {} },
        Screen::Health => rsx! { lookups::Health {} },
        Screen::Transport => rsx! { lookups::Transport {} },
        Screen::Planning => rsx! { lookups::Planning {} },
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
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let news = use_memo(move || {
        ui.revision.read();
        (core.report_news().unwrap_or(0), core.dossier_news().unwrap_or(0))
    });
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
                TabButton { key: "{key}", target, icon, label: t.get(key),
                    badge: match target { Screen::Report => news().0, Screen::Dossier => news().1, _ => 0 } }
            }
        }
    }
}

#[component]
fn TabButton(target: Screen, icon: &'static str, label: String, badge: usize) -> Element {
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
            if badge > 0 {
                span { class: "badge", "data-testid": "tab-{icon}-news", "aria-label": "{badge}", "{badge}" }
            }
        }
    }
}

/// A screen's title bar, with a back button (to `back`, else home) and the settings button.
#[component]
pub fn TitleBar(title: String, subtitle: Option<String>, back: Option<Screen>) -> Element {
    let ui = use_context::<Ui>();
    let mut screen = ui.screen;
    let t = ui.texts.read();
    rsx! {
        header { class: "titlebar",
            if screen() != Screen::Home {
                button { r#type: "button", class: "icon-button", "data-testid": "back",
                    "aria-label": t.get("back"), onclick: move |_| screen.set(back.unwrap_or(Screen::Home)),
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

/// An error as the person sees it: in their language, and with the form
/// field it belongs next to (none for errors about the whole form).
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    /// The field concerned (`description`, `place`, `question:<code>`…).
    pub field: Option<String>,
    /// The message.
    pub text: String,
}

impl Shown {
    /// The core's error `e` in `t`'s language.
    pub fn of(t: &Texts, e: &Error) -> Shown {
        Shown { field: e.problem().and_then(|p| p.field.clone()), text: t.error(e) }
    }

    /// A message about the field `field`.
    pub fn at(field: &str, text: String) -> Shown {
        Shown { field: Some(field.to_owned()), text }
    }

    /// True when the error belongs to one of `fields` (a prefix such as
    /// `question:` covers every question).
    pub fn is_at(&self, fields: &[&str]) -> bool {
        self.field.as_deref().is_some_and(|f| fields.iter().any(|p| f == *p || (p.ends_with(':') && f.starts_with(p))))
    }
}

/// Moves the keyboard focus and the view to the first field with an error,
/// so the person lands on what to fix.
pub const FOCUS_PROBLEM_JS: &str = r#"
// The error note arrives with the next render, which may come after this script.
let tries = 0;
const go = () => {
  const note = document.querySelector('.field-error');
  if (!note) { if (tries++ < 40) setTimeout(go, 25); return; }
  note.scrollIntoView({ block: 'center' });
  const box = note.closest('[data-field]') || note.parentElement;
  const input = box && box.querySelector('input, textarea, select, button');
  if (input) input.focus({ preventScroll: true });
};
go();
"#;

/// The errors about `field`, shown next to it (nothing when they are elsewhere).
#[component]
pub fn FieldError(error: Signal<Vec<Shown>>, field: String) -> Element {
    let here: Vec<Shown> = error.read().iter().filter(|e| e.is_at(&[field.as_str()])).cloned().collect();
    rsx! {
        for e in here {
            p { class: "field-error", role: "alert", "data-testid": "error-{field}", "{e.text}" }
        }
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
}
