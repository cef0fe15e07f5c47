//! A uniform grid over a set of outlines (a city's wards, its planning zones), for point → shape in constant time.
//!
//! Each cell lists the wards that may hold a point in it: those whose
//! boundary crosses the cell, and those that hold the cell's centre. A cell
//! no boundary crosses lies wholly inside the wards that hold its centre, so
//! most points are answered without any polygon test; near a border only the
//! one or two wards whose edges pass through the cell are tested. Bounding
//! boxes alone do poorly when they overlap (long or bent wards): every ward
//! whose box holds the point needs the full test.

/// One ward's outline: rings of `(x, y)` = `(lon, lat)`, outer rings and
/// holes alike (the even-odd rule tells inside from outside).
#[derive(Debug, Clone)]
pub(super) struct Outline {
    rings: Vec<Vec<(f64, f64)>>,
    bbox: [f64; 4],
}

impl Outline {
    pub(super) fn new(polygons: &[Vec<Vec<[f64; 2]>>]) -> Outline {
        let rings: Vec<Vec<(f64, f64)>> = polygons
            .iter()
            .flatten()
            .map(|r| r.iter().map(|&[x, y]| (x, y)).filter(|(x, y)| x.is_finite() && y.is_finite()).collect())
            .filter(|r: &Vec<(f64, f64)>| r.len() >= 3)
            .collect();
        let mut bbox = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
        for &(x, y) in rings.iter().flatten() {
            bbox = [bbox[0].min(x), bbox[1].min(y), bbox[2].max(x), bbox[3].max(y)];
        }
        Outline { rings, bbox }
    }

    fn edges(&self) -> impl Iterator<Item = ((f64, f64), (f64, f64))> + '_ {
        self.rings.iter().flat_map(|r| r.iter().zip(r.iter().cycle().skip(1)).map(|(a, b)| (*a, *b)))
    }

    /// True when the point is inside or on the boundary.
    pub(super) fn contains(&self, x: f64, y: f64) -> bool {
        let [x0, y0, x1, y1] = self.bbox;
        if x < x0 || x > x1 || y < y0 || y > y1 {
            return false;
        }
        let mut inside = false;
        for ((ax, ay), (bx, by)) in self.edges() {
            if on_segment(x, y, ax, ay, bx, by) {
                return true;
            }
            if (ay > y) != (by > y) && x < ax + (y - ay) * (bx - ax) / (by - ay) {
                inside = !inside;
            }
        }
        inside
    }
}

fn on_segment(x: f64, y: f64, ax: f64, ay: f64, bx: f64, by: f64) -> bool {
    let cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
    cross == 0.0 && x >= ax.min(bx) && x <= ax.max(bx) && y >= ay.min(by) && y <= ay.max(by)
}

/// The grid: cell `c`'s candidates are `ids[offsets[c]..offsets[c + 1]]`, in
/// ward order; `crossed[c]` says whether any boundary passes through it.
#[derive(Debug, Clone, Default)]
pub(super) struct Grid {
    x0: f64,
    y0: f64,
    cw: f64,
    ch: f64,
    nx: usize,
    ny: usize,
    offsets: Vec<u32>,
    ids: Vec<u32>,
    crossed: Vec<bool>,
}

/// Most cells a grid gets (1 MB of offsets). Eight per edge leaves most
/// cells uncrossed by any border, so most points need no polygon test.
const MAX_CELLS: usize = 1 << 18;

impl Grid {
    pub(super) fn new(outlines: &[Outline]) -> Grid {
        let mut b = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
        let mut edges = 0usize;
        for o in outlines.iter().filter(|o| !o.rings.is_empty()) {
            b = [b[0].min(o.bbox[0]), b[1].min(o.bbox[1]), b[2].max(o.bbox[2]), b[3].max(o.bbox[3])];
            edges += o.rings.iter().map(Vec::len).sum::<usize>();
        }
        if edges == 0 || !(b[2] > b[0] && b[3] > b[1]) {
            return Grid::default();
        }
        let (w, h) = (b[2] - b[0], b[3] - b[1]);
        let cells = (edges * 8).clamp(1024, MAX_CELLS) as f64;
        let nx = ((cells * w / h).sqrt().round() as usize).clamp(1, 4096);
        let ny = ((cells / nx as f64).round() as usize).clamp(1, 4096);
        // A hair wider than the extent, so points on its far edges fall in the last cell.
        let (cw, ch) = (w / nx as f64 * (1.0 + 1e-9), h / ny as f64 * (1.0 + 1e-9));
        let mut g = Grid { x0: b[0], y0: b[1], cw, ch, nx, ny, ..Grid::default() };
        let mut per_cell: Vec<Vec<u32>> = vec![Vec::new(); nx * ny];
        let mut crossed = vec![false; nx * ny];
        for (id, o) in outlines.iter().enumerate() {
            let id = id as u32;
            for (a, bb) in o.edges() {
                g.for_cells_on_edge(a, bb, |c| {
                    crossed[c] = true;
                    if per_cell[c].last() != Some(&id) {
                        per_cell[c].push(id);
                    }
                });
            }
            g.for_cells_with_centre_inside(o, |c| per_cell[c].push(id));
        }
        g.offsets.push(0);
        for list in &mut per_cell {
            list.sort_unstable();
            list.dedup();
            g.ids.extend_from_slice(list);
            g.offsets.push(g.ids.len() as u32);
        }
        g.crossed = crossed;
        g
    }

    fn row_of(&self, y: f64) -> usize {
        (((y - self.y0) / self.ch).floor().max(0.0) as usize).min(self.ny - 1)
    }

    fn col_of(&self, x: f64) -> usize {
        (((x - self.x0) / self.cw).floor().max(0.0) as usize).min(self.nx - 1)
    }

    /// Every cell the segment passes through: row by row, the part of the
    /// segment within the row's height, widened by a cell so that rounding
    /// can only add a cell, never lose one.
    fn for_cells_on_edge(&self, (ax, ay): (f64, f64), (bx, by): (f64, f64), mut mark: impl FnMut(usize)) {
        let (r0, r1) = (self.row_of(ay.min(by)), self.row_of(ay.max(by)));
        for r in r0..=r1 {
            let (lo, hi) = (self.y0 + r as f64 * self.ch, self.y0 + (r + 1) as f64 * self.ch);
            let (xa, xb) = if ay == by {
                (ax, bx)
            } else {
                let at = |y: f64| ax + (y.clamp(ay.min(by), ay.max(by)) - ay) * (bx - ax) / (by - ay);
                (at(lo), at(hi))
            };
            let (c0, c1) = (self.col_of(xa.min(xb) - self.cw * 0.01), self.col_of(xa.max(xb) + self.cw * 0.01));
            for c in c0..=c1 {
                mark(r * self.nx + c);
            }
        }
    }

    /// Every cell whose centre lies inside the outline (even-odd, by scanline).
    fn for_cells_with_centre_inside(&self, o: &Outline, mut mark: impl FnMut(usize)) {
        let (r0, r1) = (self.row_of(o.bbox[1]), self.row_of(o.bbox[3]));
        let mut xs: Vec<f64> = Vec::new();
        for r in r0..=r1 {
            let y = self.y0 + (r as f64 + 0.5) * self.ch;
            xs.clear();
            for ((ax, ay), (bx, by)) in o.edges() {
                if (ay > y) != (by > y) {
                    xs.push(ax + (y - ay) * (bx - ax) / (by - ay));
                }
            }
            xs.sort_unstable_by(f64::total_cmp);
            for pair in xs.chunks_exact(2) {
                let first = ((pair[0] - self.x0) / self.cw - 0.5).ceil().max(0.0) as usize;
                let last = ((pair[1] - self.x0) / self.cw - 0.5).floor();
                if last < 0.0 {
                    continue;
                }
                for c in first..=(last as usize).min(self.nx - 1) {
                    mark(r * self.nx + c);
                }
            }
        }
    }

    /// The candidates for a point, and whether they need the exact test (a
    /// boundary crosses the cell); `None` outside the grid.
    pub(super) fn candidates(&self, x: f64, y: f64) -> Option<(&[u32], bool)> {
        if self.nx == 0 || x < self.x0 || y < self.y0 {
            return None;
        }
        let (c, r) = (((x - self.x0) / self.cw) as usize, ((y - self.y0) / self.ch) as usize);
        if c >= self.nx || r >= self.ny {
            return None;
        }
        let cell = r * self.nx + c;
        let ids = &self.ids[self.offsets[cell] as usize..self.offsets[cell + 1] as usize];
        Some((ids, self.crossed[cell]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: f64, y: f64, s: f64) -> Vec<Vec<Vec<[f64; 2]>>> {
        vec![vec![vec![[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]]]
    }

    #[test]
    fn outline_test_counts_holes_and_boundaries() {
        let mut p = square(0.0, 0.0, 10.0);
        p[0].push(vec![[4.0, 4.0], [6.0, 4.0], [6.0, 6.0], [4.0, 6.0], [4.0, 4.0]]);
        let o = Outline::new(&p);
        assert!(o.contains(1.0, 1.0));
        assert!(!o.contains(5.0, 5.0), "in the hole");
        assert!(o.contains(0.0, 5.0) && o.contains(10.0, 10.0), "on the boundary");
        assert!(!o.contains(11.0, 5.0) && !o.contains(f64::NAN, 1.0));
    }

    #[test]
    fn a_cell_inside_one_ward_needs_no_test_and_every_point_finds_its_ward() {
        let outlines: Vec<Outline> = (0..4).map(|i| Outline::new(&square(i as f64 * 10.0, 0.0, 10.0))).collect();
        let g = Grid::new(&outlines);
        let (ids, crossed) = g.candidates(15.0, 5.0).unwrap();
        assert!(ids.contains(&1));
        let mut pure = 0;
        for i in 0..400 {
            let (x, y) = (0.05 + (i % 40) as f64, 0.05 + (i / 40) as f64);
            let (ids, crossed) = g.candidates(x, y).unwrap();
            let want = (x / 10.0) as u32;
            let found = if crossed {
                ids.iter().copied().find(|w| outlines[*w as usize].contains(x, y))
            } else {
                pure += 1;
                ids.first().copied()
            };
            assert_eq!(found, Some(want), "({x}, {y})");
        }
        assert!(pure > 200, "most cells are answered without a polygon test ({pure})");
        assert!(!crossed || ids.len() <= 2);
        assert!(g.candidates(-1.0, 5.0).is_none() && g.candidates(41.0, 5.0).is_none());
    }
}
