//! The planning look-up: the city's land-use zones on a map; tap a point to
//! see its zone and rules, or find a zone by its code. Every answer carries
//! the notice that the layer is approximate and not a legal document.

use dioxus::prelude::*;
use mycity_core::{planning::Zone, LatLon, Texts};

use super::zone_map::{ZoneMap, Zones};
use crate::ui::{icons::Icon, ErrorNote, Screen, Services, TitleBar, Ui};

/// What the zone card shows.
#[derive(Clone, PartialEq)]
enum Chosen {
    Nothing,
    /// A tapped point and the zone there, if any.
    Point(LatLon, Option<Zone>),
    /// A zone found by its code.
    Code(Zone),
}

/// The planning look-up screen.
#[component]
pub fn Planning() -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let mut chosen = use_signal(|| Chosen::Nothing);
    let mut query = use_signal(String::new);
    let layer = {
        let core = core.clone();
        use_memo(move || {
            ui.revision.read();
            core.planning().map(Zones).map_err(|e| ui.texts.peek().error(&e))
        })
    };
    let wards = {
        let core = core.clone();
        use_memo(move || {
            ui.revision.read();
            core.ward_shapes().unwrap_or_default()
        })
    };
    let t = ui.texts.read();
    let zones = match &*layer.read() {
        Ok(z) => z.clone(),
        Err(e) => {
            return rsx! { TitleBar { title: t.get("lookups-planning"), back: Screen::Lookups } ErrorNote { message: e.clone() } }
        }
    };
    let matches = if query().trim().is_empty() { Vec::new() } else { core.zones_by_code(&query()).unwrap_or_default() };
    let example = zones.0.shapes().first().map(|s| s.zone.code.clone()).unwrap_or_default();
    let (pin, card) = match chosen() {
        Chosen::Nothing => (None, None),
        Chosen::Point(p, z) => (Some(p), Some(z)),
        Chosen::Code(z) => (None, Some(Some(z))),
    };
    let on_pick = {
        let core = core.clone();
        move |p: LatLon| chosen.set(Chosen::Point(p, core.zone_at(p).ok().flatten()))
    };
    rsx! {
        TitleBar { title: t.get("lookups-planning"), back: Screen::Lookups }
        p { class: "banner warning", "data-testid": "planning-disclaimer", {t.get("planning-disclaimer")} }
        if zones.0.shapes().is_empty() {
            p { class: "muted", "data-testid": "planning-empty", {t.get("planning-empty")} }
        } else {
            label { class: "search",
                Icon { name: "search" }
                input { r#type: "search", value: "{query}", "data-testid": "planning-search",
                    placeholder: t.args("planning-search", &[("example", &example)]),
                    "aria-label": t.args("planning-search", &[("example", &example)]),
                    oninput: move |e| query.set(e.value()) }
            }
            if !query().trim().is_empty() && matches.is_empty() {
                p { class: "muted", "data-testid": "planning-no-match", {t.get("planning-no-match")} }
            }
            div { class: "chips", "data-testid": "planning-matches",
                for z in matches.into_iter().take(8) {
                    button { key: "{z.code}", r#type: "button", class: "chip", "data-testid": "zone-match-{z.code}",
                        onclick: { let z = z.clone(); move |_| { query.set(String::new()); chosen.set(Chosen::Code(z.clone())); } },
                        "{z.code}" }
                }
            }
            if let Some(z) = card { ZoneCard { zone: z } }
            p { class: "muted", {t.get("planning-tap-hint")} }
            ZoneMap { zones: zones.clone(), wards: wards(), pin,
                chosen: match chosen() { Chosen::Point(_, Some(z)) | Chosen::Code(z) => Some(z.code), _ => None },
                label: t.get("planning-map"), on_pick }
        }
    }
}

/// A zone's rules as lines of text.
fn rules(t: &Texts, z: &Zone) -> Vec<String> {
    let num = |v: f64| {
        let s = format!("{v}");
        if t.lang().code() == "vi" {
            s.replace('.', ",")
        } else {
            s
        }
    };
    let mut out = Vec::new();
    if let Some(d) = z.density_max_pct {
        out.push(t.args("planning-density", &[("value", &num(d))]));
    }
    if let Some(h) = z.height_max_floors {
        out.push(t.args("planning-height", &[("value", &h.to_string())]));
    }
    if let Some(f) = z.far_max {
        out.push(t.args("planning-far", &[("value", &num(f))]));
    }
    if out.is_empty() {
        out.push(t.get("planning-no-limits"));
    }
    out.push(match &z.decision {
        Some(d) => t.args("planning-decision", &[("value", d)]),
        None => t.get("planning-decision-unknown"),
    });
    out
}

/// The zone at the tapped point (or "outside every zone") with its rules.
#[component]
fn ZoneCard(zone: Option<Zone>) -> Element {
    let t = use_context::<Ui>().texts;
    let t = t.read();
    let Some(z) = zone else {
        return rsx! { section { class: "card", "data-testid": "zone-card", p { {t.get("planning-none-here")} } } };
    };
    rsx! {
        section { class: "card zone-card", "data-testid": "zone-card",
            h2 { "data-testid": "zone-code", {t.args("planning-zone", &[("code", &z.code)])} }
            p { strong { "data-testid": "zone-use", {z.land_use.get(t.lang().code())} } }
            ul { class: "rules", "data-testid": "zone-rules",
                for (i, r) in rules(&t, &z).into_iter().enumerate() { li { key: "{i}", "{r}" } }
            }
            p { class: "approximate", "data-testid": "zone-approximate",
                if z.approximate { {t.get("planning-approximate")} } else { {t.get("planning-official")} }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ui::{tests::render, Screen};

    #[test]
    fn the_map_draws_every_zone_under_the_disclaimer() {
        let html = render(Screen::Planning, |core| {
            core.set_city("da-nang").unwrap();
        });
        for id in ["planning-disclaimer", "planning-search", "zone-map", "data-zone=\"DN-TM1\""] {
            assert!(html.contains(id), "missing {id}: {html}");
        }
        assert!(html.contains("không phải văn bản pháp lý"), "{html}");
        assert!(!html.contains("zone-card"), "no card before a tap");
    }

    #[test]
    fn a_zone_lists_its_limits_and_decision() {
        let core_dir = tempfile::tempdir().unwrap();
        let core = mycity_core::MyCity::open(mycity_core::Config {
            data_dir: core_dir.path().to_owned(),
            ..Default::default()
        })
        .unwrap();
        core.set_city("da-nang").unwrap();
        let z = core.zones_by_code("DN-TM1").unwrap().remove(0);
        let lines = super::rules(&core.texts(), &z);
        assert!(lines.iter().any(|l| l.contains("25 tầng")), "{lines:?}");
        assert!(lines.iter().any(|l| l.contains("359/QĐ-TTg")), "{lines:?}");
    }
}
