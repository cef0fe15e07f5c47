//! Road closures and roadworks: Đà Nẵng publishes them as CAP 1.2 alerts of
//! category `Transport` with the street drawn as a polygon, through the
//! alerts feed every app already reads. The demo seeds two.

use mycity_protocol::cap::{Alert, Area, Certainty, Info, MsgType, Scope, Severity, Status, Urgency};
use rusqlite::Connection;

use crate::{alerts, Error};

/// One seeded closure: identifier, event, headline, description, instruction
/// (each vi, en), area name, the street as a `[lat, lon]` ring, days in force.
struct Closure {
    id: &'static str,
    event: [&'static str; 2],
    headline: [&'static str; 2],
    description: [&'static str; 2],
    instruction: [&'static str; 2],
    area: &'static str,
    ring: &'static [[f64; 2]],
    days: i64,
    severity: Severity,
}

const DA_NANG: [Closure; 2] = [
    Closure {
        id: "mycity-da-nang-closure-bach-dang",
        event: ["Cấm đường", "Road closure"],
        headline: [
            "Cấm xe đường Bạch Đằng, đoạn cầu Rồng – Lê Duẩn",
            "Bạch Đằng closed to traffic between the Dragon Bridge and Lê Duẩn",
        ],
        description: [
            "Phục vụ lễ hội bên sông Hàn, cấm ô tô và xe máy từ 17:00 đến 23:00 hằng ngày.",
            "For the festival on the Hàn river, cars and motorbikes are barred from 17:00 to 23:00 daily.",
        ],
        instruction: [
            "Đi đường Trần Phú; xe buýt R15 và 02 đón khách ở trạm Chợ Hàn.",
            "Use Trần Phú; buses R15 and 02 pick up at the Chợ Hàn stop.",
        ],
        area: "Đường Bạch Đằng (cầu Rồng – Lê Duẩn), Hải Châu",
        ring: &[
            [16.0612, 108.2236],
            [16.0612, 108.2254],
            [16.0736, 108.2254],
            [16.0736, 108.2236],
            [16.0612, 108.2236],
        ],
        days: 3,
        severity: Severity::Moderate,
    },
    Closure {
        id: "mycity-da-nang-roadworks-dien-bien-phu",
        event: ["Thi công đường", "Roadworks"],
        headline: [
            "Thi công đường Điện Biên Phủ, đoạn Hà Huy Tập – Lê Độ",
            "Roadworks on Điện Biên Phủ between Hà Huy Tập and Lê Độ",
        ],
        description: [
            "Nâng cấp mặt đường và cống thoát nước; thu hẹp còn một làn mỗi chiều.",
            "Resurfacing and drain works; one lane each way.",
        ],
        instruction: [
            "Dự kiến chậm 5–10 phút cho tuyến 02, R6A và R15 qua Ngã ba Huế.",
            "Expect 5–10 minutes' delay on routes 02, R6A and R15 through Ngã ba Huế.",
        ],
        area: "Đường Điện Biên Phủ (Hà Huy Tập – Lê Độ), Thanh Khê",
        ring: &[
            [16.0612, 108.1885],
            [16.0612, 108.1935],
            [16.0632, 108.1935],
            [16.0632, 108.1885],
            [16.0612, 108.1885],
        ],
        days: 30,
        severity: Severity::Minor,
    },
];

/// Publishes Đà Nẵng's demo closures when its pack is served.
pub(crate) fn seed(conn: &Connection) -> Result<(), Error> {
    let known: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM packs WHERE slug = 'da-nang')", [], |r| r.get(0))?;
    if !known {
        return Ok(());
    }
    let offset = time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC);
    let fmt = |t: time::OffsetDateTime| {
        t.to_offset(offset)
            .replace_nanosecond(0)
            .unwrap_or(t)
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    let now = time::OffsetDateTime::now_utc();
    for c in &DA_NANG {
        let info = |i: usize, language: &str| Info {
            language: language.into(),
            category: vec!["Transport".into()],
            event: c.event[i].into(),
            urgency: Urgency::Immediate,
            severity: c.severity,
            certainty: Certainty::Observed,
            effective: Some(fmt(now)),
            onset: None,
            expires: Some(fmt(now + time::Duration::days(c.days))),
            sender_name: Some("Sở Xây dựng Đà Nẵng (demo)".into()),
            headline: Some(c.headline[i].into()),
            description: Some(c.description[i].into()),
            instruction: Some(c.instruction[i].into()),
            web: None,
            parameters: vec![],
            areas: vec![Area {
                area_desc: c.area.into(),
                polygons: vec![c.ring.to_vec()],
                circles: vec![],
                geocodes: vec![],
            }],
        };
        let alert = Alert {
            identifier: c.id.into(),
            sender: "mycity-da-nang@demo".into(),
            sent: fmt(now),
            status: Status::Actual,
            msg_type: MsgType::Alert,
            scope: Scope::Public,
            references: vec![],
            note: None,
            info: vec![info(0, "vi-VN"), info(1, "en-US")],
        };
        match alerts::store(conn, "da-nang", &alert) {
            Ok(_) | Err(Error::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seeded_closures_are_valid_cap_on_real_streets_in_the_city() {
        for c in &DA_NANG {
            assert_eq!(c.ring.first(), c.ring.last(), "{}: ring closed", c.id);
            // Inside Đà Nẵng's pack box.
            assert!(c.ring.iter().all(|[lat, lon]| (15.955..16.205).contains(lat) && (108.1..108.335).contains(lon)));
        }
    }
}
