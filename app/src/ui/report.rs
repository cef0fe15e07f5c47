//! Phản ánh: pick a category, answer its questions, place it on the map,
//! describe it, send. Sending queues it in the core (it leaves the phone when
//! the network allows); "My reports" shows each report's way through the city.

use std::collections::BTreeMap;

use dioxus::prelude::*;
use mycity_core::{Answer, Contact, Draft, LatLon, Report as MyReport, Service};

use super::{
    icons::Icon,
    map::{CityMap, CoordsInput},
    photo::{data_url, PhotoPicker},
    ErrorNote, Services, TitleBar, Ui,
};

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    New,
    Mine,
}

#[component]
pub fn Report() -> Element {
    let ui = use_context::<Ui>();
    let mut tab = use_signal(|| Tab::New);
    let core = use_context::<Services>().core;
    let waiting = use_memo(move || {
        ui.revision.read();
        core.waiting().unwrap_or(0)
    });
    let t = ui.texts.read();
    rsx! {
        TitleBar { title: t.get("report-title") }
        if waiting() > 0 {
            p { class: "banner offline", "data-testid": "waiting-banner",
                Icon { name: "offline" }
                {t.args("report-waiting", &[("count", &waiting().to_string())])}
            }
        }
        div { class: "segmented",
            button { r#type: "button", "data-testid": "report-new",
                class: if tab() == Tab::New { "selected" } else { "" },
                onclick: move |_| tab.set(Tab::New), {t.get("report-new")} }
            button { r#type: "button", "data-testid": "report-mine",
                class: if tab() == Tab::Mine { "selected" } else { "" },
                onclick: move |_| tab.set(Tab::Mine), {t.get("report-mine")} }
        }
        match tab() {
            Tab::New => rsx! { NewReport { on_sent: move |_| tab.set(Tab::Mine) } },
            Tab::Mine => rsx! { MyReports {} },
        }
    }
}

#[component]
fn NewReport(on_sent: EventHandler<()>) -> Element {
    let Services { core, .. } = use_context::<Services>();
    let ui = use_context::<Ui>();
    let services = {
        let core = core.clone();
        use_memo(move || {
            ui.revision.read();
            core.services().map_err(|e| e.to_string())
        })
    };
    let mut code = use_signal(|| None::<String>);
    let mut answers = use_signal(BTreeMap::<String, Answer>::new);
    let mut description = use_signal(String::new);
    let mut pin = use_signal(|| None::<LatLon>);
    let mut anonymous = use_signal(|| true);
    let mut show_name = use_signal(|| false);
    let mut name = use_signal(String::new);
    let mut email = use_signal(String::new);
    let mut phone = use_signal(String::new);
    let mut error = use_signal(|| None::<String>);
    let mut photos = use_signal(Vec::<mycity_core::photos::Processed>::new);
    let mut from_photo = use_signal(|| false);
    // The map's geometry changes only with the city: not re-read on every keystroke.
    let map_data = {
        let core = core.clone();
        use_memo(move || {
            ui.revision.read();
            (core.city().ok(), core.ward_shapes().unwrap_or_default())
        })
    };
    let t = ui.texts.read();
    let l = t.lang().code();
    let services: Vec<Service> = match &*services.read() {
        Ok(s) => s.clone(),
        Err(e) => return rsx! { ErrorNote { message: e.clone() } },
    };
    let Some(selected) = code().and_then(|c| services.iter().find(|s| s.code == c).cloned()) else {
        return rsx! {
            p { class: "lead", {t.get("report-intro")} }
            div { class: "category-grid", "data-testid": "categories",
                for s in services {
                    button { key: "{s.code}", r#type: "button", class: "category", "data-testid": "category-{s.code}",
                        onclick: {
                            let c = s.code.clone();
                            move |_| { code.set(Some(c.clone())); answers.set(BTreeMap::new()); error.set(None); }
                        },
                        Icon { name: s.code.clone() }
                        span { "{s.name}" }
                    }
                }
            }
        };
    };
    let (city, shapes) = map_data();
    let core_city_bbox = {
        let bbox = city.as_ref().map(|c| c.bbox);
        move || bbox
    };
    let ward = pin().and_then(|p| core.ward_at(p).ok().flatten());
    let chars = description.read().chars().count();
    rsx! {
        div { class: "card form", "data-testid": "report-form",
            div { class: "chosen",
                Icon { name: selected.code.clone() }
                strong { "data-testid": "chosen-category", "{selected.name}" }
                button { r#type: "button", class: "link", "data-testid": "change-category",
                    onclick: move |_| code.set(None), {t.get("report-change")} }
            }
            for a in selected.attributes.iter().cloned() {
                label { key: "{a.code}", class: "field", "data-testid": "attr-{a.code}",
                    span { "{a.description}" if a.required { " *" } }
                    match a.datatype.as_str() {
                        "singlevaluelist" => rsx! {
                            select {
                                onchange: {
                                    let k = a.code.clone();
                                    move |e: FormEvent| { answers.write().insert(k.clone(), Answer::One(e.value())); }
                                },
                                option { value: "", {t.get("report-choose")} }
                                for (key, label) in a.values.iter() {
                                    option { key: "{key}", value: "{key}", "{label}" }
                                }
                            }
                        },
                        "multivaluelist" => rsx! {
                            div { class: "checks",
                                for (key, label) in a.values.iter().cloned() {
                                    label { key: "{key}",
                                        input { r#type: "checkbox",
                                            onchange: {
                                                let (k, key) = (a.code.clone(), key.clone());
                                                move |e: FormEvent| {
                                                    let mut all = answers.write();
                                                    let entry = all.entry(k.clone()).or_insert(Answer::Many(vec![]));
                                                    if let Answer::Many(v) = entry {
                                                        v.retain(|x| *x != key);
                                                        if e.checked() { v.push(key.clone()); }
                                                    }
                                                }
                                            },
                                        }
                                        " {label}"
                                    }
                                }
                            }
                        },
                        "datetime" => rsx! {
                            input {
                                r#type: "datetime-local",
                                oninput: {
                                    let k = a.code.clone();
                                    // The picker gives local wall time; the city is on Vietnam time.
                                    move |e: FormEvent| { answers.write().insert(k.clone(), Answer::One(with_vietnam_offset(&e.value()))); }
                                },
                            }
                        },
                        other => rsx! {
                            input {
                                r#type: if other == "number" { "number" } else { "text" },
                                oninput: {
                                    let k = a.code.clone();
                                    move |e: FormEvent| { answers.write().insert(k.clone(), Answer::One(e.value())); }
                                },
                            }
                        },
                    }
                }
            }
            label { class: "field",
                span { {t.get("report-description")} }
                textarea { "data-testid": "report-description", rows: "4", maxlength: "4000",
                    value: "{description}", oninput: move |e| description.set(e.value()) }
                small { class: if chars > 4000 { "over" } else { "muted" }, "{chars}/4000" }
            }
        }
        section { class: "card", "data-testid": "report-photos",
            h2 { {t.args("photo-title", &[("n", &photos.read().len().to_string())])} }
            div { class: "thumbs",
                for (i, p) in photos.read().iter().enumerate() {
                    div { key: "{i}", class: "thumb", "data-testid": "photo-thumb",
                        img { src: data_url(&p.thumbnail), alt: "" }
                        button { r#type: "button", class: "remove", "aria-label": t.get("photo-remove"),
                            onclick: move |_| { photos.write().remove(i); }, "×" }
                    }
                }
            }
            if photos.read().len() < mycity_core::reports::MAX_PHOTOS {
                PhotoPicker {
                    id: "report-photo",
                    on_photo: move |p: mycity_core::photos::Processed| {
                        // The photo's own GPS proposes the place when none is set yet.
                        if pin().is_none() {
                            if let (Some(gps), Some(c)) = (p.gps, core_city_bbox()) {
                                if c.contains(gps) {
                                    pin.set(Some(gps));
                                    from_photo.set(true);
                                }
                            }
                        }
                        photos.write().push(p);
                        error.set(None);
                    },
                    on_error: move |e: String| error.set(Some(e)),
                }
            }
        }
        section { class: "card", "data-testid": "report-place",
            h2 { Icon { name: "location" } {t.get("report-where")} }
            p { class: "muted", {t.get("report-where-help")} }
            if let Some(c) = city.clone() {
                CityMap { bbox: c.bbox, shapes, pin: pin(), lang: lang_static(l),
                    on_pick: move |p: LatLon| { pin.set(Some(p)); from_photo.set(false); } }
            }
            button { r#type: "button", class: "secondary", "data-testid": "report-locate",
                onclick: move |_| async move {
                    if let Ok(Some([lat, lon, _])) = document::eval(super::sos::LOCATE_JS).join::<Option<[f64; 3]>>().await {
                        pin.set(Some(LatLon { lat, lon }));
                    }
                },
                Icon { name: "location" } {t.get("sos-locate")}
            }
            CoordsInput {
                on_set: move |p: Option<LatLon>| match p {
                    Some(p) => { pin.set(Some(p)); from_photo.set(false); error.set(None); }
                    None => error.set(Some(ui.texts.peek().get("report-bad-coords"))),
                },
            }
            if from_photo() && pin().is_some() {
                p { class: "muted", "data-testid": "pin-from-photo", {t.get("photo-place")} }
            }
            match (pin(), &ward) {
                (Some(p), Some(w)) => rsx! { p { class: "ward", "data-testid": "report-ward", "{w.name.get(l)} · {p.lat:.5}, {p.lon:.5}" } },
                (Some(p), None) => rsx! { p { class: "ward", "data-testid": "report-ward", {t.get("sos-outside")} " · {p.lat:.5}, {p.lon:.5}" } },
                _ => rsx! {},
            }
        }
        if let Some(at) = pin() {
            Nearby { code: selected.code.clone(), at, on_done: move |_| { code.set(None); pin.set(None); on_sent.call(()); } }
        }
        section { class: "card", "data-testid": "report-contact",
            label { class: "check",
                input { r#type: "checkbox", "data-testid": "report-anonymous", checked: anonymous(),
                    onchange: move |e| anonymous.set(e.checked()) }
                " " {t.get("report-anonymous")}
            }
            if !anonymous() {
                input { r#type: "text", placeholder: t.get("report-name"), value: "{name}", oninput: move |e| name.set(e.value()) }
                input { r#type: "text", inputmode: "email", placeholder: "Email", value: "{email}", oninput: move |e| email.set(e.value()) }
                input { r#type: "text", inputmode: "tel", placeholder: t.get("report-phone"), value: "{phone}", oninput: move |e| phone.set(e.value()) }
                label { class: "check",
                    input { r#type: "checkbox", checked: show_name(), onchange: move |e| show_name.set(e.checked()) }
                    " " {t.get("report-show-name")}
                }
            }
        }
        if let Some(e) = error() { p { class: "banner offline", role: "alert", "data-testid": "report-error", "{e}" } }
        button { r#type: "button", class: "primary", "data-testid": "report-send",
            onclick: move |_| {
                let draft = Draft {
                    service_code: selected.code.clone(),
                    description: description(),
                    position: pin(),
                    answers: answers(),
                    photos: photos.read().iter().map(|p| p.jpeg.clone()).collect(),
                    contact: (!anonymous()).then(|| Contact { name: name(), email: email(), phone: phone() }),
                    show_name: show_name(),
                };
                match core.submit_report(&draft) {
                    Ok(_) => {
                        error.set(None);
                        code.set(None);
                        description.set(String::new());
                        pin.set(None);
                        photos.set(vec![]);
                        ui.changed(&core);
                        let core = core.clone();
                        // Outlives this form, which closes right away.
                        dioxus::core::spawn_forever(async move {
                            if let Err(e) = core.flush_outbox().await {
                                tracing::info!(%e, "flush after submit");
                            }
                            ui.changed(&core);
                        });
                        on_sent.call(());
                    }
                    Err(e) => error.set(Some(e.to_string())),
                }
            },
            Icon { name: "report" } {t.get("report-send")}
        }
    }
}

/// `2026-11-23T08:00` (an HTML datetime-local value) → `2026-11-23T08:00:00+07:00`.
fn with_vietnam_offset(local: &str) -> String {
    match local.len() {
        16 => format!("{local}:00+07:00"),
        19 => format!("{local}+07:00"),
        _ => local.to_owned(),
    }
}

fn lang_static(l: &str) -> &'static str {
    if l == "en" {
        "en"
    } else {
        "vi"
    }
}

/// Open reports of the same kind close to the pin: "me too" instead of a duplicate.
#[component]
fn Nearby(code: String, at: LatLon, on_done: EventHandler<()>) -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let found = {
        let core = core.clone();
        use_resource(move || {
            let (core, code) = (core.clone(), code.clone());
            async move { core.nearby_open(&code, at, NEARBY_M).await }
        })
    };
    let t = ui.texts.read();
    let list = match &*found.read() {
        Some(Ok(list)) if !list.is_empty() => list.clone(),
        // Offline or nothing near: the report goes ahead as usual.
        _ => return rsx! {},
    };
    rsx! {
        section { class: "card nearby", "data-testid": "nearby",
            h2 { {t.get("report-nearby-title")} }
            for n in list {
                div { key: "{n.server_id}", class: "nearby-item",
                    p { "{n.description}" }
                    small { class: "muted", {t.args("report-nearby-distance", &[("m", &format!("{:.0}", n.distance_m))])} }
                    button { r#type: "button", class: "secondary", "data-testid": "me-too",
                        onclick: {
                            let (core, id) = (core.clone(), n.server_id.clone());
                            let text = t.get("report-me-too-default");
                            move |_| {
                                if core.me_too(&id, &text).is_ok() {
                                    ui.changed(&core);
                                    let core = core.clone();
                                    dioxus::core::spawn_forever(async move {
                                        let _ = core.flush_outbox().await;
                                        ui.changed(&core);
                                    });
                                    on_done.call(());
                                }
                            }
                        },
                        {t.get("report-me-too")}
                    }
                }
            }
        }
    }
}

/// How close an open report must be to offer "me too".
const NEARBY_M: f64 = 150.0;

#[component]
fn MyReports() -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let reports = {
        let core = core.clone();
        use_memo(move || {
            ui.revision.read();
            core.my_reports().map_err(|e| e.to_string())
        })
    };
    let names: BTreeMap<String, String> =
        core.services().unwrap_or_default().into_iter().map(|s| (s.code, s.name)).collect();
    let t = ui.texts.read();
    let reports: Vec<MyReport> = match &*reports.read() {
        Ok(r) => r.clone(),
        Err(e) => return rsx! { ErrorNote { message: e.clone() } },
    };
    if reports.is_empty() {
        return rsx! { p { class: "muted", "data-testid": "no-reports", {t.get("report-none")} } };
    }
    rsx! {
        ul { class: "list reports", "data-testid": "my-reports",
            for r in reports {
                li { key: "{r.id}", class: "report-item", "data-testid": "my-report",
                    div { class: "report-head",
                        Icon { name: r.service_code.clone() }
                        strong { {names.get(&r.service_code).cloned().unwrap_or(r.service_code.clone())} }
                        span { class: "status {r.status}", "data-testid": "report-status", {t.get(&format!("status-{}", r.status))} }
                    }
                    p { "{r.description}" }
                    if let Some(w) = &r.ward { small { class: "muted", "{w}" } }
                    if r.delivery == "rejected" {
                        p { class: "banner offline", "data-testid": "report-rejected",
                            {t.args("report-rejected", &[("reason", r.last_error.as_deref().unwrap_or(""))])} }
                    } else if r.server_id.is_none() {
                        p { class: "muted", "data-testid": "report-pending", {t.get("report-pending")} }
                    }
                    if r.status == "fixed" || r.status == "closed" {
                        Reopen { id: r.id.clone() }
                    }
                    if !r.events.is_empty() {
                        ol { class: "timeline", "data-testid": "timeline",
                            for e in r.events.iter() {
                                li { key: "{e.at}{e.status}",
                                    strong { {t.get(&format!("status-{}", e.status))} }
                                    " · " small { "{e.at}" }
                                    if !e.description.is_empty() { p { "{e.description}" } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// "Not fixed after all": reopen with a comment.
#[component]
fn Reopen(id: String) -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let mut open = use_signal(|| false);
    let mut text = use_signal(String::new);
    let mut error = use_signal(|| None::<String>);
    let mut photo = use_signal(|| None::<mycity_core::photos::Processed>);
    let t = ui.texts.read();
    if !open() {
        return rsx! {
            button { r#type: "button", class: "link", "data-testid": "reopen", onclick: move |_| open.set(true), {t.get("report-reopen")} }
        };
    }
    rsx! {
        div { class: "reopen", "data-testid": "reopen-form",
            textarea { rows: "2", placeholder: t.get("report-reopen-placeholder"), value: "{text}",
                "data-testid": "reopen-text", oninput: move |e| text.set(e.value()) }
            if let Some(p) = photo() {
                div { class: "thumb", "data-testid": "photo-thumb", img { src: data_url(&p.thumbnail), alt: "" } }
            } else {
                PhotoPicker { id: "reopen-photo-{id}", on_photo: move |p| photo.set(Some(p)), on_error: move |e| error.set(Some(e)) }
            }
            if let Some(e) = error() { p { class: "banner offline", "{e}" } }
            button { r#type: "button", class: "secondary", "data-testid": "reopen-send",
                onclick: move |_| match core.reopen(&id, &text(), photo.read().as_ref().map(|p| p.jpeg.as_slice())) {
                    Ok(_) => {
                        open.set(false);
                        ui.changed(&core);
                        let core = core.clone();
                        dioxus::core::spawn_forever(async move {
                            let _ = core.flush_outbox().await;
                            ui.changed(&core);
                        });
                    }
                    Err(e) => error.set(Some(e.to_string())),
                },
                {t.get("report-reopen-send")}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_picker_times_get_the_vietnam_offset() {
        assert_eq!(with_vietnam_offset("2026-11-23T08:00"), "2026-11-23T08:00:00+07:00");
        assert_eq!(with_vietnam_offset("2026-11-23T08:00:30"), "2026-11-23T08:00:30+07:00");
        assert_eq!(with_vietnam_offset(""), "");
    }
}
