//! A place's page: hours (open now or not, on the city's clock), ticket,
//! visit time, the description, the narration to read or hear, and a rating
//! that goes through the outbox like a report. Decisions are the core's.

use dioxus::prelude::*;

use super::{icons::Icon, stars::Stars, ErrorNote, Services, Shown, Ui};

/// Speaks a text with the platform's speech where there is one (the webview's
/// speechSynthesis); the text is always on screen as well.
const SPEAK_JS: &str = r#"
const [text, lang] = await dioxus.recv();
if (window.speechSynthesis) {
  speechSynthesis.cancel();
  const u = new SpeechSynthesisUtterance(text);
  u.lang = lang;
  speechSynthesis.speak(u);
}
"#;

#[component]
pub fn PlacePage(id: String, on_back: EventHandler<()>) -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let detail = {
        let id = id.clone();
        use_memo(move || {
            ui.revision.read();
            core.place(&id).map_err(|e| ui.texts.peek().error(&e))
        })
    };
    let t = ui.texts.read();
    let l = t.lang().code();
    let d = match &*detail.read() {
        Ok(d) => d.clone(),
        Err(e) => return rsx! { ErrorNote { message: e.clone() } },
    };
    let p = &d.place;
    let open = match d.open {
        mycity_core::tourism::hours::OpenState::Open => Some(("open", t.get("place-open"))),
        mycity_core::tourism::hours::OpenState::Closed => Some(("closed", t.get("place-closed"))),
        mycity_core::tourism::hours::OpenState::Unknown => None,
    };
    let narration = d.narration.clone();
    rsx! {
        section { class: "card place-page", "data-testid": "place-page",
            button { r#type: "button", class: "link", "data-testid": "place-back", onclick: move |_| on_back.call(()), {t.get("back")} }
            h2 { "data-testid": "place-name", {p.name.get(l)} }
            if let Some((class, text)) = open { p { class: "status {class}", "data-testid": "place-open", "{text}" } }
            if let Some(h) = &p.opening_hours { p { class: "muted", {t.args("place-hours", &[("hours", h)])} } }
            if let Some(price) = t.ticket(p.ticket_price_vnd) { p { "data-testid": "place-price", "{price}" } }
            p { class: "muted", {t.args("place-visit", &[("minutes", &d.visit_minutes.to_string())])} }
            p { {p.description.get(l)} }
            if p.approximate { p { class: "muted", {t.get("place-approximate")} } }
            if !narration.is_empty() {
                h2 { {t.get("place-narration")} }
                p { "data-testid": "place-narration", "{narration}" }
                button { r#type: "button", class: "secondary", "data-testid": "place-speak",
                    onclick: move |_| {
                        let speak = document::eval(SPEAK_JS);
                        let _ = speak.send((narration.clone(), if l == "en" { "en-US" } else { "vi-VN" }));
                    },
                    Icon { name: "place" } {t.get("place-listen")}
                }
            }
            Rate { id: p.id.clone(), average: d.rating.average, count: d.rating.count, mine: d.rating.mine.as_ref().map(|m| (m.stars, m.sent)) }
        }
    }
}

/// 1–5 stars and a comment; saved at once, sent when the network allows.
#[component]
fn Rate(id: String, average: Option<f64>, count: u32, mine: Option<(u8, bool)>) -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let stars = use_signal(|| mine.map(|m| m.0).unwrap_or(0));
    let mut comment = use_signal(String::new);
    let mut error = use_signal(|| None::<Shown>);
    let t = ui.texts.read();
    rsx! {
        h2 { {t.get("place-rate")} }
        if let Some(a) = average { p { class: "muted", "data-testid": "place-rating", {t.args("place-rating", &[("average", &format!("{a:.1}")), ("count", &count.to_string())])} } }
        Stars { value: stars, label: move |n: u8| n.to_string(), testid: "star" }
        textarea { rows: "2", "data-testid": "rate-comment", placeholder: t.get("place-comment"), value: "{comment}",
            oninput: move |e| comment.set(e.value()) }
        button { r#type: "button", class: "primary", "data-testid": "rate-send",
            onclick: move |_| match core.rate_place(&id, stars(), &comment.read()) {
                Ok(_) => { error.set(None); ui.changed(&core); }
                Err(e) => error.set(Some(Shown::of(&ui.texts.peek(), &e))),
            },
            {t.get("place-rate-send")}
        }
        if let Some(e) = error() { p { class: "field-error", role: "alert", "data-testid": "rate-error", "{e.text}" } }
        match mine {
            Some((_, true)) => rsx! { p { class: "muted", "data-testid": "rate-sent", {t.get("place-rate-sent")} } },
            Some((_, false)) => rsx! { p { class: "muted", "data-testid": "rate-waiting", {t.get("place-rate-waiting")} } },
            None => rsx! {},
        }
    }
}
