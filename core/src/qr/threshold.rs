//! Black and white for the QR detector: zxing's local threshold (its
//! "hybrid" binarizer), computed a machine word at a time.
//!
//! The rule is zxing's, unchanged, so the detector sees the same picture:
//! every 8×8 block gets a black point (its mean, or for a flat block an
//! estimate from its neighbours), and each pixel is black when it is at or
//! below the mean of the 5×5 blocks' black points around its block. rxing's
//! port sets one bit at a time behind a branch that noise makes
//! unpredictable, which made it a quarter of a camera photo's decoding time
//! (`perf` on the QR bench); here a row's comparisons become whole words.

use std::borrow::Cow;

use rxing::common::{BitArray, BitMatrix, GlobalHistogramBinarizer, LineOrientation, Result};
use rxing::{Binarizer, Luma8LuminanceSource, LuminanceSource};

/// Side of a block, in pixels.
const BLOCK: usize = 8;
/// A block whose darkest and lightest pixels differ by no more than this is flat.
const MIN_DYNAMIC_RANGE: u8 = 24;
/// Bits per word of rxing's bit rows.
const WORD: usize = usize::BITS as usize;

/// rxing's [`Binarizer`] over a grey picture, with the black matrix made up front.
pub(super) struct LocalThreshold {
    source: Luma8LuminanceSource,
    matrix: BitMatrix,
}

impl LocalThreshold {
    /// The picture's black matrix; `None` when rxing cannot hold the picture.
    pub(super) fn new(source: Luma8LuminanceSource) -> Option<Self> {
        let (width, height) = (source.get_width(), source.get_height());
        let matrix = if width >= BLOCK * 5 && height >= BLOCK * 5 {
            let px = source.get_matrix();
            black_matrix(&px, width, height)?
        } else {
            // Too small for 5×5 blocks: one threshold for the whole picture, as zxing does.
            GlobalHistogramBinarizer::new(source.clone()).get_black_matrix().ok()?.clone()
        };
        Some(LocalThreshold { source, matrix })
    }
}

/// Where block `b` of `blocks` starts along a side of `len` pixels: the last
/// block is pulled back inside the picture, overlapping the one before it.
fn block_start(b: usize, blocks: usize, len: usize) -> usize {
    debug_assert!(b < blocks);
    (b * BLOCK).min(len - BLOCK)
}

/// The blocks that cover pixel `i` of a side: its own, and the last block
/// when that one reaches back over it (equal when there is only one).
fn covering(i: usize, blocks: usize, len: usize) -> (usize, usize) {
    let own = (i / BLOCK).min(blocks - 1);
    let last = if i >= len - BLOCK { blocks - 1 } else { own };
    (own, last)
}

fn black_matrix(px: &[u8], width: usize, height: usize) -> Option<BitMatrix> {
    let (bw, bh) = (width.div_ceil(BLOCK), height.div_ceil(BLOCK));
    let points = black_points(px, width, height, bw, bh);
    let thresholds = block_thresholds(&points, bw, bh);

    let mut matrix = BitMatrix::new(width as u32, height as u32).ok()?;
    let mut row = BitArray::with_size(width);
    let mut line = vec![0u8; width];
    let columns: Vec<(usize, usize)> = (0..width).map(|x| covering(x, bw, width)).collect();
    let mut rows_of_line = None;
    for y in 0..height {
        // A pixel under two blocks (the overlap at the right and bottom
        // edges) is black under either threshold: under the larger one.
        let rows = covering(y, bh, height);
        if rows_of_line != Some(rows) {
            let (ra, rb) = (&thresholds[rows.0 * bw..][..bw], &thresholds[rows.1 * bw..][..bw]);
            for (t, &(a, b)) in line.iter_mut().zip(&columns) {
                *t = ra[a].max(ra[b]).max(rb[a]).max(rb[b]);
            }
            rows_of_line = Some(rows);
        }
        let pixels = &px[y * width..][..width];
        for (w, (p, t)) in pixels.chunks(WORD).zip(line.chunks(WORD)).enumerate() {
            // Branch-free, so the compiler compares many pixels at once.
            let bits = p.iter().zip(t).enumerate().fold(0usize, |acc, (k, (&p, &t))| acc | (usize::from(p <= t) << k));
            row.setBulk(w * WORD, bits);
        }
        matrix.setRow(y as u32, &row);
    }
    Some(matrix)
}

/// Each block's black point, zxing's rule: the block's mean; for a flat
/// block, half its darkest value, or its neighbours' black point when that
/// is higher than its darkest pixel (a flat block inside a dark area).
fn black_points(px: &[u8], width: usize, height: usize, bw: usize, bh: usize) -> Vec<u32> {
    let mut points = vec![0u32; bw * bh];
    // Down the 8 rows of a band of blocks first, column by column (whole
    // rows at a time, which the compiler turns into vector code), then
    // across each block's 8 columns.
    let (mut lo, mut hi, mut sum) = (vec![0u8; width], vec![0u8; width], vec![0u16; width]);
    for by in 0..bh {
        let y0 = block_start(by, bh, height);
        let first = &px[y0 * width..][..width];
        lo.copy_from_slice(first);
        hi.copy_from_slice(first);
        sum.iter_mut().zip(first).for_each(|(s, &p)| *s = u16::from(p));
        for y in y0 + 1..y0 + BLOCK {
            let row = &px[y * width..][..width];
            for (((l, h), s), &p) in lo.iter_mut().zip(hi.iter_mut()).zip(sum.iter_mut()).zip(row) {
                *l = (*l).min(p);
                *h = (*h).max(p);
                *s += u16::from(p);
            }
        }
        for bx in 0..bw {
            let x0 = block_start(bx, bw, width);
            let min = lo[x0..x0 + BLOCK].iter().copied().min().unwrap_or(0);
            let max = hi[x0..x0 + BLOCK].iter().copied().max().unwrap_or(0);
            let total: u32 = sum[x0..x0 + BLOCK].iter().map(|&s| u32::from(s)).sum();
            let mut point = total / (BLOCK * BLOCK) as u32;
            if max - min <= MIN_DYNAMIC_RANGE {
                point = u32::from(min) / 2;
                if by > 0 && bx > 0 {
                    let above = points[(by - 1) * bw + bx];
                    let left = points[by * bw + bx - 1];
                    let diagonal = points[(by - 1) * bw + bx - 1];
                    let neighbours = (above + 2 * left + diagonal) / 4;
                    if u32::from(min) < neighbours {
                        point = neighbours;
                    }
                }
            }
            points[by * bw + bx] = point;
        }
    }
    points
}

/// Each block's threshold: the mean black point of the 5×5 blocks around it,
/// the window kept inside the picture.
fn block_thresholds(points: &[u32], bw: usize, bh: usize) -> Vec<u8> {
    let mut out = vec![0u8; bw * bh];
    for by in 0..bh {
        let top = by.clamp(2, bh - 3);
        for bx in 0..bw {
            let left = bx.clamp(2, bw - 3);
            let sum: u32 =
                (top - 2..=top + 2).map(|y| points[y * bw + left - 2..=y * bw + left + 2].iter().sum::<u32>()).sum();
            out[by * bw + bx] = (sum / 25).min(255) as u8;
        }
    }
    out
}

impl Binarizer for LocalThreshold {
    type Source = Luma8LuminanceSource;

    fn get_luminance_source(&self) -> &Self::Source {
        &self.source
    }

    fn get_black_row(&self, y: usize) -> Result<Cow<'_, BitArray>> {
        Ok(Cow::Owned(self.matrix.getRow(y as u32)))
    }

    fn get_black_row_from_matrix(&self, y: usize) -> Result<Cow<'_, BitArray>> {
        self.get_black_row(y)
    }

    fn get_black_matrix(&self) -> Result<&BitMatrix> {
        Ok(&self.matrix)
    }

    fn get_black_line(&self, l: usize, lt: LineOrientation) -> Result<Cow<'_, BitArray>> {
        Ok(Cow::Owned(match lt {
            LineOrientation::Row => self.matrix.getRow(l as u32),
            LineOrientation::Column => self.matrix.getCol(l as u32),
        }))
    }

    fn create_binarizer(&self, source: Self::Source) -> Self {
        // rxing calls this only for crops and rotations, which the QR reader
        // does not ask for; a picture it cannot hold reads as all white.
        let (width, height) = (source.get_width(), source.get_height());
        LocalThreshold::new(source.clone()).unwrap_or_else(|| LocalThreshold {
            matrix: BitMatrix::new(width.max(1) as u32, height.max(1) as u32)
                .unwrap_or_else(|_| BitMatrix::with_single_dimension(1).expect("a 1×1 matrix")),
            source,
        })
    }

    fn get_width(&self) -> usize {
        self.source.get_width()
    }

    fn get_height(&self) -> usize {
        self.source.get_height()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rxing::common::HybridBinarizer;

    /// A picture with edges, gradients, flat areas and noise, from a seed.
    fn picture(width: usize, height: usize, seed: u64) -> Vec<u8> {
        let mut s = seed;
        (0..width * height)
            .map(|i| {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let (x, y) = (i % width, i / width);
                let pattern = if (x / 7 + y / 5) % 3 == 0 { 40 } else { 200 };
                let gradient = (x * 60 / width) as i32;
                let noise = ((s >> 59) as i32) - 16;
                let flat = if x > width / 2 && y > height / 2 { 250 } else { pattern };
                (flat - gradient + noise).clamp(0, 255) as u8
            })
            .collect()
    }

    #[test]
    fn the_same_black_and_white_as_rxing_hybrid_binarizer() {
        // Sizes that are and are not multiples of the block, and the smallest ones.
        for (w, h, seed) in [(640, 480, 1), (643, 481, 2), (40, 40, 3), (41, 97, 4), (1001, 37, 5), (30, 30, 6)] {
            let px = picture(w, h, seed);
            let source = || Luma8LuminanceSource::new(px.clone(), w as u32, h as u32).unwrap();
            let ours = LocalThreshold::new(source()).unwrap();
            let theirs = HybridBinarizer::new(source());
            assert_eq!(ours.get_black_matrix().unwrap(), theirs.get_black_matrix().unwrap(), "{w}×{h}");
        }
    }

    #[test]
    fn rows_and_columns_come_from_the_matrix() {
        let px = picture(100, 60, 7);
        let t = LocalThreshold::new(Luma8LuminanceSource::new(px, 100, 60).unwrap()).unwrap();
        let m = t.get_black_matrix().unwrap();
        let row = t.get_black_row(10).unwrap();
        let col = t.get_black_line(20, LineOrientation::Column).unwrap();
        for x in 0..100 {
            assert_eq!(row.get(x), m.get(x as u32, 10));
        }
        for y in 0..60 {
            assert_eq!(col.get(y), m.get(20, y as u32));
        }
    }
}
