//! `/mood` as a small picture: two panels (last 7 days, last 30 days), one
//! bar per emotion group, in the groups' colours, as a PNG. No text is drawn
//! (no font is shipped); the caption beside it names the groups and counts.

use super::{Counts, Mood};

const WIDTH: u32 = 480;
const HEIGHT: u32 = 240;
const MARGIN: u32 = 20;
const BACKGROUND: [u8; 3] = [250, 248, 245];
const AXIS: [u8; 3] = [190, 185, 180];

/// One colour per group, in `EmotionGroup::ALL` order: 분노, 슬픔, 불안, 상처, 당황, 기쁨.
pub const GROUP_COLOURS: [[u8; 3]; 6] = [
    [214, 69, 65],   // anger: red
    [66, 110, 190],  // sadness: blue
    [150, 100, 180], // anxiety: purple
    [120, 120, 120], // hurt: grey
    [235, 150, 60],  // embarrassment: orange
    [245, 200, 60],  // joy: yellow
];

/// Errors only when the encoder fails (it writes to memory).
#[derive(Debug, thiserror::Error)]
#[error("drawing the mood chart: {0}")]
pub struct ChartError(#[from] png::EncodingError);

/// The chart of `mood` as PNG bytes.
pub fn png(mood: &Mood) -> Result<Vec<u8>, ChartError> {
    let mut pixels = Canvas::new();
    let panel = (WIDTH - 3 * MARGIN) / 2;
    pixels.panel(MARGIN, panel, &mood.week);
    pixels.panel(2 * MARGIN + panel, panel, &mood.month);
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&pixels.rgb)?;
    writer.finish()?;
    Ok(bytes)
}

struct Canvas {
    rgb: Vec<u8>,
}

impl Canvas {
    fn new() -> Canvas {
        Canvas {
            rgb: BACKGROUND
                .iter()
                .copied()
                .cycle()
                .take((WIDTH * HEIGHT * 3) as usize)
                .collect(),
        }
    }

    fn fill(&mut self, x0: u32, y0: u32, width: u32, height: u32, colour: [u8; 3]) {
        for y in y0..(y0 + height).min(HEIGHT) {
            for x in x0..(x0 + width).min(WIDTH) {
                let at = ((y * WIDTH + x) * 3) as usize;
                self.rgb[at..at + 3].copy_from_slice(&colour);
            }
        }
    }

    /// Six bars, each as high as its group's share of the panel's readings.
    fn panel(&mut self, left: u32, width: u32, counts: &Counts) {
        let base = HEIGHT - MARGIN;
        let tallest = base - MARGIN;
        self.fill(left, base, width, 2, AXIS);
        let slot = width / 6;
        let total = counts.total().max(1);
        for (i, (&n, colour)) in counts.by_group.iter().zip(GROUP_COLOURS).enumerate() {
            let height = (u64::from(tallest) * u64::from(n) / u64::from(total)) as u32;
            let x = left + i as u32 * slot + slot / 6;
            self.fill(x, base - height, slot * 2 / 3, height, colour);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_is_a_small_png() {
        let mood = Mood {
            week: Counts {
                by_group: [0, 3, 1, 0, 0, 2],
            },
            month: Counts {
                by_group: [2, 9, 3, 1, 0, 6],
            },
        };
        let bytes = png(&mood).expect("encoded");
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        assert!(bytes.len() < 20_000, "{} bytes", bytes.len());
        // Decodes back to the size drawn.
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let reader = decoder.read_info().expect("a PNG");
        assert_eq!((reader.info().width, reader.info().height), (WIDTH, HEIGHT));
    }
}
