//! Reports: the categories a resident can report under (Open311 services).

use rusqlite::Connection;

use crate::{
    pack::{Category, Localized},
    Result,
};

/// The city's report categories, in the pack's order.
pub fn categories(conn: &Connection, city: &str) -> Result<Vec<Category>> {
    let mut stmt = conn.prepare_cached(
        "SELECT code, field, name_vi, name_en, icon, description_vi, description_en
         FROM categories WHERE city = ?1 ORDER BY position",
    )?;
    let rows = stmt.query_map([city], |r| {
        Ok(Category {
            code: r.get(0)?,
            field: r.get(1)?,
            name: Localized { vi: r.get(2)?, en: r.get(3)? },
            icon: r.get(4)?,
            description: Localized { vi: r.get(5)?, en: r.get(6)? },
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
