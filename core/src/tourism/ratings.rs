//! Tourists' ratings of places: checked here, stored with their outbox row in
//! one transaction, sent by the sync engine (`POST /api/v1/places/{id}/ratings`,
//! idempotent), and summed by the server, whose sums come back in the pack.

use mycity_protocol::tourism::{self as wire, PlaceRating, MAX_COMMENT_CHARS};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::{
    reports::store::Outgoing,
    sync::outbox::{self, Kind},
    CityPack, Error, Problem, Result,
};

/// What the place page shows about ratings.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Summary {
    /// How many devices rated it (the server's last count).
    pub count: u32,
    /// Their mean stars, if any.
    pub average: Option<f64>,
    /// My latest rating here.
    pub mine: Option<Mine>,
}

/// My rating of a place.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Mine {
    /// Its id (the outbox's idempotency key).
    pub id: String,
    /// Stars.
    pub stars: u8,
    /// Comment.
    pub comment: String,
    /// True once the server has it.
    pub sent: bool,
}

/// Checks stars and comment; the problem names what to fix.
pub fn check(stars: u8, comment: &str) -> Result<()> {
    if !(wire::MIN_STARS..=wire::MAX_STARS).contains(&stars) {
        return Err(Problem::new("rating-stars", format!("a rating is 1 to 5 stars, not {stars}"))
            .field("stars")
            .arg("stars", stars)
            .into());
    }
    let n = comment.chars().count();
    if n > MAX_COMMENT_CHARS {
        return Err(Problem::new("rating-comment-long", format!("comment of {n} characters"))
            .field("comment")
            .arg("max", MAX_COMMENT_CHARS)
            .arg("len", n)
            .into());
    }
    Ok(())
}

/// Stores a checked rating and queues it; returns its id.
pub fn queue(tx: &Transaction<'_>, city: &str, place: &str, stars: u8, comment: &str, now: i64) -> Result<String> {
    check(stars, comment)?;
    let id = uuid::Uuid::new_v4().to_string();
    tx.execute(
        "INSERT INTO place_ratings_mine (id, city, place, stars, comment, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, city, place, stars, comment.trim(), now],
    )?;
    outbox::enqueue(tx, Kind::Rating, &id, city, now)?;
    Ok(id)
}

/// A stored rating in the shape the API client sends.
pub fn outgoing(conn: &Connection, id: &str, device_id: &str) -> Result<Outgoing> {
    let (place, stars, comment): (String, u8, String) = conn
        .query_row("SELECT place, stars, comment FROM place_ratings_mine WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?
        .ok_or_else(|| Error::Storage(format!("rating {id} is gone")))?;
    Ok(Outgoing {
        fields: vec![
            ("place_id".into(), place),
            ("stars".into(), stars.to_string()),
            ("comment".into(), comment),
            ("device_id".into(), device_id.to_owned()),
        ],
        photo: None,
    })
}

/// The server took it.
pub fn accepted(tx: &Transaction<'_>, id: &str, now: i64) -> Result<()> {
    tx.execute("UPDATE place_ratings_mine SET sent_at = ?2 WHERE id = ?1", params![id, now])?;
    Ok(())
}

/// Keeps the server's sums from a pack (its `ratings` key), replacing the city's old ones.
pub fn store_aggregates(tx: &Transaction<'_>, pack: &CityPack) -> Result<()> {
    let Some(list) = pack.extra.get(wire::PACK_RATINGS_KEY).and_then(|v| v.as_array()) else {
        return Ok(());
    };
    tx.execute("DELETE FROM place_ratings WHERE city = ?1", [&pack.slug])?;
    let mut ins =
        tx.prepare("INSERT OR REPLACE INTO place_ratings (city, place, count, average) VALUES (?1, ?2, ?3, ?4)")?;
    for r in list.iter().filter_map(|v| serde_json::from_value::<PlaceRating>(v.clone()).ok()) {
        if r.average.is_finite() {
            ins.execute(params![pack.slug, r.place_id, r.count, r.average.clamp(1.0, 5.0)])?;
        }
    }
    Ok(())
}

/// The server's sums for every rated place of a city.
pub fn aggregates(conn: &Connection, city: &str) -> Result<std::collections::HashMap<String, (u32, f64)>> {
    let mut st = conn.prepare_cached("SELECT place, count, average FROM place_ratings WHERE city = ?1")?;
    let rows = st.query_map([city], |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?))))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Ratings of one place.
pub fn summary(conn: &Connection, city: &str, place: &str) -> Result<Summary> {
    let agg: Option<(u32, f64)> = conn
        .query_row("SELECT count, average FROM place_ratings WHERE city = ?1 AND place = ?2", [city, place], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let mine = conn
        .query_row(
            "SELECT id, stars, comment, sent_at IS NOT NULL FROM place_ratings_mine
             WHERE city = ?1 AND place = ?2 ORDER BY created_at DESC, rowid DESC LIMIT 1",
            [city, place],
            |r| Ok(Mine { id: r.get(0)?, stars: r.get(1)?, comment: r.get(2)?, sent: r.get(3)? }),
        )
        .optional()?;
    Ok(Summary { count: agg.map_or(0, |a| a.0), average: agg.map(|a| a.1), mine })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn code(r: Result<()>) -> &'static str {
        match r {
            Err(Error::Invalid(p)) => p.code,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn zero_or_six_stars_and_an_essay_are_refused() {
        assert_eq!(code(check(0, "")), "rating-stars");
        assert_eq!(code(check(6, "")), "rating-stars");
        assert_eq!(code(check(4, &"x".repeat(10_000))), "rating-comment-long");
        assert!(check(5, "Đẹp lắm").is_ok());
    }

    #[test]
    fn a_rating_is_queued_with_its_outbox_row_and_the_latest_is_mine() {
        let store = Store::open_in_memory().unwrap();
        let a = store.write(|tx| queue(tx, "ha-giang", "ha-giang-km0", 4, " ok ", 1)).unwrap();
        let b = store.write(|tx| queue(tx, "ha-giang", "ha-giang-km0", 5, "better", 2)).unwrap();
        assert!(store.write(|tx| queue(tx, "ha-giang", "ha-giang-km0", 9, "", 3)).is_err());
        let items = store.read(outbox::list).unwrap();
        assert_eq!(
            items.iter().map(|i| (i.id.as_str(), i.kind.as_str())).collect::<Vec<_>>(),
            [(a.as_str(), "rating"), (b.as_str(), "rating")]
        );
        let s = store.read(|c| summary(c, "ha-giang", "ha-giang-km0")).unwrap();
        assert_eq!(s.mine, Some(Mine { id: b.clone(), stars: 5, comment: "better".into(), sent: false }));
        let out = store.read(|c| outgoing(c, &a, "dev")).unwrap();
        assert!(out.fields.contains(&("comment".into(), "ok".into())));
        store.write(|tx| accepted(tx, &b, 9)).unwrap();
        assert!(store.read(|c| summary(c, "ha-giang", "ha-giang-km0")).unwrap().mine.unwrap().sent);
    }
}
