//! Chất lượng không khí: the home card (the station that speaks for the
//! city) and the screen listing every station. The index, band, advice and
//! staleness are the core's; this only draws them.

use dioxus::prelude::*;
use mycity_core::air::{aqi::Band, AirQuality, StationAir};

use super::{ErrorNote, Screen, Services, TitleBar, Ui};

/// The city's stations, re-read whenever the core says something changed.
fn use_air() -> Memo<Result<AirQuality, String>> {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    use_memo(move || {
        ui.revision.read();
        core.air_quality(None).map_err(|e| core.texts().error(&e))
    })
}

/// The home card: one station's index, band colour, advice and age.
#[component]
pub fn AirCard() -> Element {
    let air = use_air();
    let ui = use_context::<Ui>();
    let mut screen = ui.screen;
    let t = ui.texts.read();
    let station = match &*air.read() {
        Ok(a) => a.nearest().cloned(),
        Err(e) => return rsx! { ErrorNote { message: e.clone() } },
    };
    // A city without stations has nothing to say here.
    let Some(station) = station else { return rsx! {} };
    rsx! {
        section { class: "card air-card", "data-testid": "air-card",
            h2 { {t.get("air-home-title")} }
            StationSummary { station, detail: false }
            button { r#type: "button", class: "air-more", "data-testid": "air-open",
                onclick: move |_| screen.set(Screen::Air),
                {t.get("air-see-all")}
            }
        }
    }
}

/// Every station of the city.
#[component]
pub fn Air() -> Element {
    let air = use_air();
    let t = use_context::<Ui>().texts.read().clone();
    let air = match &*air.read() {
        Ok(a) => a.clone(),
        Err(e) => return rsx! { ErrorNote { message: e.clone() } },
    };
    rsx! {
        TitleBar { title: t.get("air-title") }
        if air.stations.is_empty() {
            p { class: "muted", "data-testid": "air-none", {t.get("air-no-stations")} }
        }
        for s in air.stations {
            section { key: "{s.station.id}", class: "card", "data-testid": "air-station-{s.station.id}",
                StationSummary { station: s.clone(), detail: true }
            }
        }
        p { class: "muted", {t.get("air-method")} }
    }
}

/// Light bands take dark text; dark bands, white.
fn ink(band: Band) -> &'static str {
    if band >= Band::Bad {
        "#fff"
    } else {
        "#1b2330"
    }
}

/// A station's name, index in its band's colour, main pollutant, advice and
/// age; with `detail`, every pollutant's index and the station's coordinates
/// too (what the decision's Bảng 3 asks of a mobile app).
#[component]
fn StationSummary(station: StationAir, detail: bool) -> Element {
    let t = use_context::<Ui>().texts.read().clone();
    let l = t.lang().code();
    let age = station.hour.map(|h| t.args("air-age", &[("age", &t.age(h))]));
    rsx! {
        div { class: "air-station",
            p { class: "air-name", {station.station.name.get(l)} }
            if let Some(a) = &station.aqi {
                div { class: "air-row",
                    div { class: "aqi-badge", "data-testid": "aqi-{station.station.id}",
                        style: "background:{a.band.hex()};color:{ink(a.band)}",
                        strong { "{a.aqi}" }
                        span { {t.get(&format!("air-band-{}", a.band.key()))} }
                    }
                    div {
                        p { class: "air-dominant", {t.args("air-dominant", &[("pollutant", a.dominant.label())])} }
                        p { class: "air-advice", {t.get(&format!("air-advice-{}", a.band.key()))} }
                    }
                }
            } else {
                p { class: "muted", "data-testid": "aqi-none-{station.station.id}",
                    {t.get(&format!("problem-{}", station.no_index.as_deref().unwrap_or("air-no-data")))}
                }
            }
            if let (true, Some(a)) = (detail, &station.aqi) {
                p { class: "air-subs", "data-testid": "air-subs-{station.station.id}", "aria-label": t.get("air-detail"),
                    for (p, x) in a.per_pollutant.iter() {
                        span { key: "{p}", class: "air-sub", "{p.label()} {x}" }
                    }
                }
            }
            if detail {
                p { class: "muted",
                    {t.args("air-coords", &[("lat", &format!("{:.4}", station.station.lat)), ("lon", &format!("{:.4}", station.station.lon))])}
                }
            }
            if let Some(age) = age { p { class: "muted", "{age}" } }
            if station.stale && station.hour.is_some() {
                p { class: "banner offline", "data-testid": "air-stale", {t.get("air-stale")} }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ui::{tests::render, Screen};

    #[test]
    fn home_card_and_screen_show_the_stations_before_any_reading() {
        let html = render(Screen::Home, |_| {});
        assert!(html.contains("air-card"), "{html}");
        assert!(html.contains("Trạm quan trắc Trần Phú"), "the station nearest the centre");
        assert!(html.contains("Trạm chưa có số liệu"));
        let html = render(Screen::Air, |_| {});
        for id in ["hg-aq-1", "hg-aq-2", "hg-aq-3"] {
            assert!(html.contains(&format!("air-station-{id}")), "{id}");
        }
        assert!(html.contains("1459/QĐ-TCMT"));
    }
}
