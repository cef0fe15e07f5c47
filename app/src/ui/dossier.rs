//! Hồ sơ: type the code and secret from the receipt (or scan it), see where
//! the dossier stands, watch it; the watched list with its changes; the
//! procedure catalogue. The last known state shows at once with its age,
//! then the core refreshes it.

use dioxus::prelude::*;
use mycity_core::{dossier::Standing, Dossier as Record, Texts};

use super::{dossier_catalogue::Catalogue, dossier_fee::FeeCard, photo::FilePick, Services, TitleBar, Ui};

/// `YYYY-MM-DD…` → `DD/MM/YYYY`.
pub(super) fn day(iso: &str) -> String {
    match (iso.get(0..4), iso.get(5..7), iso.get(8..10)) {
        (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
        _ => iso.to_owned(),
    }
}

/// "5 phút trước" from an age in seconds.
pub(super) fn age(t: &Texts, s: i64) -> String {
    let (key, n) = match s {
        s if s < 60 => ("age-just-now", 0),
        s if s < 3600 => ("age-minutes", s / 60),
        s if s < 86_400 => ("age-hours", s / 3600),
        s => ("age-days", s / 86_400),
    };
    t.args(key, &[("n", &n.to_string())])
}

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Lookup,
    Watched,
    Catalogue,
}

#[component]
pub fn Dossier() -> Element {
    let ui = use_context::<Ui>();
    let mut tab = use_signal(|| Tab::Lookup);
    let shown = use_signal(|| None::<Record>);
    let t = ui.texts.read();
    let tabs = [
        (Tab::Lookup, "dossier-tab-lookup"),
        (Tab::Watched, "dossier-tab-watched"),
        (Tab::Catalogue, "dossier-tab-catalogue"),
    ];
    rsx! {
        TitleBar { title: t.get("dossier-title") }
        div { class: "segmented", role: "tablist",
            for (which, key) in tabs {
                button { r#type: "button", key: "{key}", role: "tab", "data-testid": "{key}",
                    class: if tab() == which { "selected" } else { "" }, "aria-selected": tab() == which,
                    onclick: move |_| tab.set(which), {t.get(key)}
                }
            }
        }
        match tab() {
            Tab::Lookup => rsx! { Lookup { shown } },
            Tab::Watched => rsx! { Watched { shown, on_open: move |_| tab.set(Tab::Lookup) } },
            Tab::Catalogue => rsx! { Catalogue {} },
        }
    }
}

#[component]
fn Lookup(shown: Signal<Option<Record>>) -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let mut code = use_signal(String::new);
    let mut secret = use_signal(String::new);
    let mut error = use_signal(|| None::<String>);
    let mut busy = use_signal(|| false);
    let mut shown = shown;
    let city = core.city().ok();
    let t = ui.texts.read();
    let l = t.lang().code();
    let example = city.as_ref().map(|c| c.dossier.example.clone()).unwrap_or_default();
    let system = city.as_ref().map(|c| c.dossier.system.get(l).to_owned()).unwrap_or_default();
    // The last known state at once, then the server's.
    let look = {
        let core = core.clone();
        use_callback(move |()| {
            let core = core.clone();
            let texts = ui.texts.read().clone();
            match core.dossier_cached(&code.read()) {
                Ok(cached) => shown.set(cached),
                Err(e) => {
                    error.set(Some(texts.error(&e)));
                    return;
                }
            }
            error.set(None);
            busy.set(true);
            spawn(async move {
                let s = secret.read().clone();
                match core.lookup_dossier(&code.read(), Some(&s)).await {
                    Ok(d) => shown.set(Some(d)),
                    Err(e) => error.set(Some(texts.error(&e))),
                }
                busy.set(false);
                ui.changed(&core);
            });
        })
    };
    let mut scanning = use_signal(|| false);
    let scanned = {
        use_callback(move |bytes: Vec<u8>| {
            let core = core.clone();
            spawn(async move {
                let read = core.scan_receipt_async(bytes).await;
                scanning.set(false);
                match read {
                    Ok(r) => {
                        code.set(r.code);
                        if let Some(s) = r.secret {
                            secret.set(s);
                        }
                        look.call(());
                    }
                    Err(e) => error.set(Some(ui.texts.peek().error(&e))),
                }
            });
        })
    };
    rsx! {
        p { class: "lead", {t.args("dossier-intro", &[("system", &system)])} }
        label { class: "field",
            span { {t.get("dossier-code")} }
            input { r#type: "text", "data-testid": "dossier-code", autocomplete: "off", placeholder: "{example}",
                value: "{code}", oninput: move |e| code.set(e.value()) }
        }
        label { class: "field",
            span { {t.get("dossier-secret")} }
            input { r#type: "text", "data-testid": "dossier-secret", autocomplete: "off", inputmode: "numeric",
                value: "{secret}", oninput: move |e| secret.set(e.value()) }
        }
        p { class: "muted", {t.args("dossier-example", &[("example", &example)])} }
        FilePick { id: "receipt-scan", testid: "receipt-input", accept: "image/*", camera: true,
            label: t.get("dossier-scan"), busy_label: t.get("dossier-scanning"), busy: scanning,
            on_bytes: scanned, on_error: move |e| error.set(Some(e)) }
        button { r#type: "button", class: "primary", "data-testid": "dossier-lookup", disabled: busy(), onclick: move |_| look.call(()),
            {t.get(if busy() { "dossier-looking" } else { "dossier-lookup" })}
        }
        if let Some(e) = error() {
            p { class: "banner offline", role: "alert", "data-testid": "dossier-error", "{e}" }
        }
        if let Some(d) = shown() {
            Card { d, secret: secret(), on_update: move |d| shown.set(Some(d)) }
        }
    }
}

/// One dossier: status, dates, what is missing, its steps, watch/unwatch.
#[component]
fn Card(d: Record, secret: String, on_update: EventHandler<Record>) -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let mut note = use_signal(|| None::<String>);
    let t = ui.texts.read();
    let r = &d.reply;
    let overdue = d.standing == Standing::Overdue;
    let last = r.history.len().saturating_sub(1);
    let code = r.code.clone();
    let watched = d.watched;
    let fee_secret = secret.clone();
    let toggle = move |_| {
        let texts = ui.texts.read().clone();
        let done = if watched { core.unwatch_dossier(&code) } else { core.watch_dossier(&code, &secret) };
        match done {
            Ok(()) => {
                note.set(None);
                ui.changed(&core);
            }
            Err(e) => note.set(Some(texts.error(&e))),
        }
    };
    rsx! {
        section { class: "card dossier", "data-testid": "dossier-card",
            h2 { "data-testid": "dossier-status", class: if overdue { "overdue" } else { "" }, "{d.status_label}"
                if overdue { " · " {t.get("dossier-overdue")} }
            }
            p { strong { "{r.procedure_name}" } }
            p { class: "muted", "{r.code} · {r.agency}" }
            p { {t.args("dossier-applicant", &[("name", &r.applicant)])} }
            p { {t.args("dossier-received", &[("date", &day(&r.received_at))])} }
            if let Some(a) = &r.appointment_at {
                p { class: if overdue { "overdue" } else { "" }, "data-testid": "dossier-appointment",
                    {t.args("dossier-appointment", &[("date", &day(a))])} }
            }
            if !r.missing_papers.is_empty() {
                div { class: "banner offline", "data-testid": "dossier-missing",
                    strong { {t.get("dossier-missing")} }
                    ul { for m in r.missing_papers.iter() { li { "{m}" } } }
                }
            }
            if let Some(fee) = d.fee.clone() {
                FeeCard { fee, code: r.code.clone(), secret: fee_secret.clone(), on_update }
            } else if let Some(price) = t.ticket(r.amount_vnd) {
                p { class: "banner offline", "data-testid": "dossier-amount", {t.args("dossier-amount", &[("amount", &price)])} }
            }
            ol { class: "timeline", "data-testid": "dossier-timeline",
                for (i, s) in r.history.iter().enumerate() {
                    li { key: "{i}", class: if i == last { "step current" } else { "step done" },
                        strong { {mycity_core::dossier::status_label(&t, s.status)} }
                        small { class: "muted", " {day(&s.at)} · {s.unit}" }
                        if !s.note.is_empty() { p { "{s.note}" } }
                    }
                }
            }
            p { class: "muted", "data-testid": "dossier-age", {t.args("dossier-updated", &[("age", &age(&t, d.age_s))])} }
            button { r#type: "button", class: "secondary", "data-testid": "dossier-watch", onclick: toggle,
                {t.get(if watched { "dossier-unwatch" } else { "dossier-watch" })}
            }
            if let Some(n) = note() { p { class: "banner offline", role: "alert", "{n}" } }
        }
    }
}

#[component]
fn Watched(shown: Signal<Option<Record>>, on_open: EventHandler<()>) -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let mut shown = shown;
    let list = {
        let core = core.clone();
        use_memo(move || {
            ui.revision.read();
            core.watched_dossiers().unwrap_or_default()
        })
    };
    let t = ui.texts.read();
    rsx! {
        if list.read().is_empty() {
            p { class: "muted", "data-testid": "dossier-watched-empty", {t.get("dossier-watched-empty")} }
        }
        ul { class: "list", "data-testid": "dossier-watched",
            for d in list.read().iter().cloned() {
                li { key: "{d.reply.code}",
                    button { r#type: "button", class: "list-item", "data-testid": "dossier-watched-item",
                        onclick: {
                            let (core, d) = (core.clone(), d.clone());
                            move |_| {
                                let _ = core.mark_dossier_seen(&d.reply.code);
                                shown.set(Some(mycity_core::Dossier { unseen: 0, ..d.clone() }));
                                ui.changed(&core);
                                on_open.call(());
                            }
                        },
                        span { strong { "{d.reply.procedure_name}" } br {} small { "{d.reply.code}" } }
                        span { class: if d.standing == Standing::Overdue { "overdue" } else { "" }, "{d.status_label}" }
                        if d.unseen > 0 { span { class: "badge", "data-testid": "dossier-badge", "{d.unseen}" } }
                    }
                }
            }
        }
    }
}
