//! Kết quả xử lý phản ánh: the city's public scorecard (issue 16). The
//! headline figures against the city's targets, the month-by-month chart and
//! the categories doing worst are the core's (`MyCity::scorecard`), in the
//! person's language; this draws them, asks for fresh figures on opening and
//! shows the stored ones with their age when that fails.

use dioxus::prelude::*;
use mycity_core::scorecard::{CategoryRow, Headline, ScorecardView};

use super::{ErrorNote, Services, TitleBar, Ui};

/// Where the last ask for fresh figures stands.
#[derive(Clone, PartialEq)]
enum Ask {
    Asking,
    Done,
    Failed(String),
}

#[component]
pub fn Scorecard() -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let card = use_memo(move || {
        ui.revision.read();
        core.scorecard().map_err(|e| ui.texts.peek().error(&e))
    });
    let mut ask = use_signal(|| Ask::Asking);
    let core = use_context::<Services>().core;
    let refresh = move || {
        let core = core.clone();
        async move {
            ask.set(Ask::Asking);
            let r = core.refresh_scorecard().await;
            ask.set(match r {
                Ok(_) => Ask::Done,
                Err(e) => Ask::Failed(ui.texts.peek().error(&e)),
            });
            ui.changed(&core);
        }
    };
    let first = refresh.clone();
    use_hook(move || spawn(first()));
    let t = ui.texts.read();
    let card = match &*card.read() {
        Ok(c) => c.clone(),
        Err(e) => return rsx! { ErrorNote { message: e.clone() } },
    };
    rsx! {
        TitleBar { title: t.get("scorecard-title") }
        div { class: "row refresh-row",
            if let Some(c) = &card { p { class: "muted", "data-testid": "scorecard-age", "{c.age}" } }
            button { r#type: "button", class: "secondary", "data-testid": "scorecard-refresh",
                disabled: ask() == Ask::Asking,
                onclick: move |_| refresh(),
                {t.get("scorecard-refresh")}
            }
        }
        match (card, ask()) {
            (None, Ask::Asking) => rsx! { p { class: "muted", "data-testid": "scorecard-loading", {t.get("scorecard-loading")} } },
            (None, Ask::Failed(e)) => rsx! {
                p { class: "banner offline", "data-testid": "scorecard-none", {t.get("scorecard-none")} }
                p { class: "muted", "{e}" }
            },
            (None, Ask::Done) => rsx! { p { class: "muted", "data-testid": "scorecard-none", {t.get("scorecard-none")} } },
            (Some(c), _) => rsx! { Card { card: c } },
        }
    }
}

/// The figures themselves.
#[component]
fn Card(card: ScorecardView) -> Element {
    let t = use_context::<Ui>().texts.read().clone();
    rsx! {
        if card.offline {
            p { class: "banner offline", "data-testid": "scorecard-offline", {t.get("scorecard-offline")} }
        } else if card.stale {
            p { class: "banner offline", "data-testid": "scorecard-stale", {t.get("scorecard-stale")} }
        }
        section { class: "card", "data-testid": "scorecard",
            p { class: "scorecard-period", strong { "{card.received}" } " · {card.period}" }
            div { class: "scorecard-headlines",
                for h in card.headlines.iter().cloned() {
                    HeadlineTile { key: "{h.id}", headline: h }
                }
            }
        }
        section { class: "card", "data-testid": "scorecard-months",
            h2 { {t.get("scorecard-months")} }
            div { class: "scorecard-chart-box", dangerous_inner_html: "{card.chart_svg}" }
            p { class: "muted", {t.get("scorecard-chart-legend")} }
        }
        if !card.worst.is_empty() {
            section { class: "card", "data-testid": "scorecard-worst",
                h2 { {t.get("scorecard-worst")} }
                ul { class: "list",
                    for c in card.worst.iter().cloned() {
                        WorstRow { key: "{c.code}", row: c }
                    }
                }
            }
        }
        p { class: "muted", {t.get("scorecard-method")} }
    }
}

/// One headline figure with its target and verdict.
#[component]
fn HeadlineTile(headline: Headline) -> Element {
    let t = use_context::<Ui>().texts.read().clone();
    let h = headline;
    let (class, verdict) = match h.met {
        Some(true) => ("scorecard-tile met", Some(t.get("scorecard-met"))),
        Some(false) => ("scorecard-tile missed", Some(t.get("scorecard-missed"))),
        None => ("scorecard-tile", None),
    };
    rsx! {
        div { class, "data-testid": "scorecard-{h.id}",
            p { class: "scorecard-label", "{h.label}" }
            p { class: "scorecard-value", "data-testid": "scorecard-{h.id}-value", "{h.value}" }
            if let Some(d) = &h.detail { p { class: "muted", "{d}" } }
            if let Some(target) = &h.target {
                p { class: "scorecard-target",
                    span { "{target}" }
                    if let Some(v) = verdict { span { class: "scorecard-verdict", "data-testid": "scorecard-{h.id}-verdict", "{v}" } }
                }
            }
        }
    }
}

/// One of the categories doing worst.
#[component]
fn WorstRow(row: CategoryRow) -> Element {
    rsx! {
        li { class: if row.met { "scorecard-row met" } else { "scorecard-row missed" }, "data-testid": "scorecard-worst-{row.code}",
            div {
                strong { "{row.name}" }
                p { class: "muted", "{row.detail}" }
            }
            span { class: "scorecard-share", "{row.value}" }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ui::{tests::render, Screen};

    #[test]
    fn home_opens_it_and_before_any_figures_it_says_it_is_loading() {
        let html = render(Screen::Home, |_| {});
        assert!(html.contains("open-scorecard-title"), "{html}");
        let html = render(Screen::Scorecard, |_| {});
        assert!(html.contains("Kết quả xử lý phản ánh"), "{html}");
        assert!(html.contains("scorecard-loading"), "{html}");
    }
}
