//! Writes the TIFF structure of EXIF blocks for test photos (orientation, GPS),
//! shared by the photo unit tests and the photo benchmark.

/// One IFD entry: (tag, type, count, value bytes).
pub type Entry = (u16, u16, u32, Vec<u8>);

/// The bytes an IFD with `entries` takes, its out-of-line values included.
pub fn ifd_len(entries: &[Entry]) -> usize {
    2 + 12 * entries.len() + 4 + entries.iter().filter(|e| e.3.len() > 4).map(|e| (e.3.len() + 1) & !1).sum::<usize>()
}

/// Writes a little-endian TIFF IFD at the end of `out` (offsets count from
/// the start of `out`, the TIFF header), values over 4 bytes right after it.
pub fn write_ifd(out: &mut Vec<u8>, entries: &[Entry]) {
    let data_at = out.len() + 2 + 12 * entries.len() + 4;
    let mut data = Vec::new();
    out.extend((entries.len() as u16).to_le_bytes());
    for (tag, kind, count, value) in entries {
        out.extend(tag.to_le_bytes());
        out.extend(kind.to_le_bytes());
        out.extend(count.to_le_bytes());
        if value.len() <= 4 {
            let mut v = value.clone();
            v.resize(4, 0);
            out.extend(v);
        } else {
            out.extend(((data_at + data.len()) as u32).to_le_bytes());
            data.extend(value);
            if value.len() % 2 == 1 {
                data.push(0);
            }
        }
    }
    out.extend(0u32.to_le_bytes());
    out.extend(data);
}

/// TIFF RATIONAL values, little-endian.
pub fn rationals(parts: &[(u32, u32)]) -> Vec<u8> {
    parts.iter().flat_map(|(n, d)| n.to_le_bytes().into_iter().chain(d.to_le_bytes())).collect()
}
