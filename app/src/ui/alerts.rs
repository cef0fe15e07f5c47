//! Cảnh báo: every alert in force in the city, the ones that concern the
//! person first (the core orders and colours them), each with its area on
//! the ward map, what to do and from when until when; readable offline with
//! the age of the last check. The person picks their home ward here.

use dioxus::prelude::*;
use mycity_core::{alerts::ActiveAlert, geo::WardShape, pack::BBox, LatLon};

use super::{alert_map::AlertMap, ErrorNote, Services, TitleBar, Ui};

#[component]
pub fn Alerts() -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let list = use_memo(move || {
        ui.revision.read();
        core.alerts(None).map_err(|e| ui.texts.peek().error(&e))
    });
    let core = use_context::<Services>().core;
    let map = use_memo(move || {
        ui.revision.read();
        (core.city().ok().map(|c| c.bbox), core.ward_shapes().unwrap_or_default())
    });
    let t = ui.texts.read();
    let list = match &*list.read() {
        Ok(l) => l.clone(),
        Err(e) => return rsx! { ErrorNote { message: e.clone() } },
    };
    let (bbox, shapes) = map();
    let core = use_context::<Services>().core;
    let mut failed = use_signal(|| None::<String>);
    rsx! {
        TitleBar { title: t.get("alerts-title") }
        div { class: "row refresh-row",
            if let Some(at) = list.checked_at { p { class: "muted", "data-testid": "alerts-age", {t.args("age-updated", &[("age", &t.age(at))])} } }
            button { r#type: "button", class: "secondary", "data-testid": "alerts-refresh",
                onclick: move |_| {
                    let core = core.clone();
                    async move {
                        let r = core.refresh_alerts().await;
                        failed.set(r.err().map(|e| ui.texts.peek().error(&e)));
                        ui.changed(&core);
                    }
                },
                {t.get("alerts-refresh")}
            }
        }
        if let Some(e) = failed() { p { class: "banner offline", "data-testid": "alerts-refresh-failed", "{e}" } }
        WardPicker { shapes: shapes.clone(), home: list.home_ward.clone() }
        if list.alerts.is_empty() {
            p { class: "muted", "data-testid": "alerts-none", {t.get("alerts-none")} }
        }
        ul { class: "list", "data-testid": "alerts-list",
            for a in list.alerts {
                AlertCard { key: "{a.id}", alert: a, bbox, shapes: shapes.clone(),
                    home_ward: list.home_ward.clone(), position: list.position }
            }
        }
    }
}

#[component]
fn AlertCard(
    alert: ActiveAlert,
    bbox: Option<BBox>,
    shapes: Vec<WardShape>,
    home_ward: Option<String>,
    position: Option<LatLon>,
) -> Element {
    let t = std::sync::Arc::clone(&use_context::<Ui>().texts.read());
    let a = alert.clone();
    let severity = t.get(&format!("alerts-severity-{}", a.severity.as_str().to_lowercase()));
    let area = if a.whole_city { t.get("alerts-whole-city") } else { a.area.clone() };
    rsx! {
        li { class: "alert-item", "data-testid": "alert-item", "data-relevant": "{a.relevant}",
            style: "border-left: 6px solid {a.banner.colour};",
            span { class: "severity", "data-testid": "alert-severity",
                style: "background: {a.banner.colour}; color: {a.banner.text};", "{severity}" }
            strong { "data-testid": "alert-item-headline", "{a.headline}" }
            small { class: "muted", "data-testid": "alert-when",
                "{area} · "
                {t.args("alerts-from", &[("when", &t.when_unix(a.effective_at))])}
                " · "
                {t.args("alerts-until", &[("when", &t.when_unix(a.expires_at))])}
                if !a.relevant { " · " {t.get("alerts-elsewhere")} }
            }
            if let Some(on) = a.onset_at { small { class: "muted", {t.args("alerts-onset", &[("when", &t.when_unix(on))])} } }
            if let Some(b) = bbox {
                AlertMap { bbox: b, shapes, alert: alert.clone(), home_ward, position,
                    lang: t.lang().code(), label: t.get("alerts-map") }
            }
            if let Some(d) = &a.description { p { "{d}" } }
            if let Some(i) = &a.instruction { p { class: "instruction", strong { "{i}" } } }
            if let Some(s) = &a.sender_name { small { class: "muted", {t.args("alerts-sender", &[("sender", s)])} } }
        }
    }
}

/// The home ward: alerts for it concern the person wherever they are.
#[component]
fn WardPicker(shapes: Vec<WardShape>, home: Option<String>) -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let mut error = use_signal(|| None::<String>);
    let t = ui.texts.read();
    let lang = t.lang().code();
    rsx! {
        label { class: "field ward-picker", "data-field": "ward",
            span { {t.get("alerts-my-ward")} }
            select { "data-testid": "home-ward",
                onchange: move |e| {
                    let v = e.value();
                    match core.set_home_ward((!v.is_empty()).then_some(v.as_str())) {
                        Ok(()) => { error.set(None); ui.changed(&core); }
                        Err(err) => error.set(Some(ui.texts.peek().error(&err))),
                    }
                },
                option { value: "", selected: home.is_none(), {t.get("alerts-my-ward-none")} }
                for s in shapes.iter() {
                    option { key: "{s.ward.code}", value: "{s.ward.code}",
                        selected: home.as_deref() == Some(s.ward.code.as_str()), {s.ward.name.get(lang)} }
                }
            }
            if let Some(e) = error() { p { class: "field-error", role: "alert", "{e}" } }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ui::{tests::render, Screen};

    #[test]
    fn the_home_ward_is_chosen_among_the_citys_wards() {
        let html = render(Screen::Alerts, |core| {
            core.set_city("dong-ha").unwrap();
            core.set_home_ward(Some("19351")).unwrap();
        });
        assert!(html.contains("data-testid=\"home-ward\""), "{html}");
        assert!(html.contains("Phường Nam Đông Hà") && html.contains("Xã Hiếu Giang"));
        assert!(html.contains("alerts-refresh"));
    }
}
