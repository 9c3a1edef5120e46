//! `--plot FILE.svg|FILE.png`: daily visitors of the top N published pages, drawn with `plotters`
//! in memory (SVG text, or an RGB buffer encoded as PNG) and written atomically. Text is laid out
//! with a font bundled in the binary (DejaVu Sans, cut to ASCII: `assets/fonts/`), so drawing
//! never looks for a system font. Only published rows are drawn: the picture shows nothing the
//! tables do not.

use std::collections::BTreeMap;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::tables::{Tables, OTHER};

/// The bundled font.
static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-ascii.ttf");

/// The picture's size in pixels.
pub const SIZE: (u32, u32) = (960, 540);

/// Why the picture could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// The file name ends neither in `.svg` nor `.png`.
    #[error("{0}: --plot needs a name ending in .svg or .png")]
    Kind(String),
    /// Drawing failed.
    #[error("cannot draw the plot: {0}")]
    Draw(String),
}

/// What kind of picture a file name asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// SVG text.
    Svg,
    /// PNG image.
    Png,
}

impl Kind {
    /// By the file name's extension.
    pub fn of(path: &Path) -> Result<Kind, PlotError> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
        {
            Some(e) if e == "svg" => Ok(Kind::Svg),
            Some(e) if e == "png" => Ok(Kind::Png),
            _ => Err(PlotError::Kind(path.display().to_string())),
        }
    }
}

/// One line of the plot: a path and its visitors per day index (gaps where unpublished).
type Series = (String, Vec<Option<u64>>);

/// The top `n` paths by visitors summed over the published days, `(other)` left out.
fn series(tables: &Tables, n: usize) -> (Vec<String>, Vec<Series>) {
    let dates: Vec<String> = tables.days.iter().map(|d| d.date.clone()).collect();
    let index: BTreeMap<&str, usize> = dates
        .iter()
        .enumerate()
        .map(|(i, d)| (d.as_str(), i))
        .collect();
    let mut by_path: BTreeMap<&str, Vec<Option<u64>>> = BTreeMap::new();
    for r in tables.pages.iter().filter(|r| r.path != OTHER) {
        let Some(&i) = index.get(r.date.as_str()) else {
            continue;
        };
        by_path
            .entry(&r.path)
            .or_insert_with(|| vec![None; dates.len()])[i] = Some(r.visitors);
    }
    let mut ranked: Vec<(&str, Vec<Option<u64>>)> = by_path.into_iter().collect();
    let total = |v: &[Option<u64>]| v.iter().flatten().sum::<u64>();
    ranked.sort_by(|a, b| total(&b.1).cmp(&total(&a.1)).then(a.0.cmp(b.0)));
    ranked.truncate(n);
    (
        dates,
        ranked
            .into_iter()
            .map(|(p, v)| (p.to_string(), v))
            .collect(),
    )
}

/// Draws the top `n` pages of `tables` as `kind`; the file's bytes.
pub fn render(tables: &Tables, n: usize, kind: Kind) -> Result<Vec<u8>, PlotError> {
    // Registering twice is harmless; it only maps the family name to the bundled font.
    plotters::style::register_font("sans-serif", FontStyle::Normal, FONT)
        .map_err(|_| PlotError::Draw("the bundled font is unreadable".into()))?;
    let (dates, series) = series(tables, n);
    let (w, h) = SIZE;
    match kind {
        Kind::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
                draw(&root, &dates, &series).map_err(|e| PlotError::Draw(e.to_string()))?;
                root.present().map_err(|e| PlotError::Draw(e.to_string()))?;
            }
            Ok(svg.into_bytes())
        }
        Kind::Png => {
            let mut rgb = vec![0u8; (w * h * 3) as usize];
            {
                let root = BitMapBackend::with_buffer(&mut rgb, SIZE).into_drawing_area();
                draw(&root, &dates, &series).map_err(|e| PlotError::Draw(e.to_string()))?;
                root.present().map_err(|e| PlotError::Draw(e.to_string()))?;
            }
            let mut out = Vec::new();
            let mut enc = png::Encoder::new(&mut out, w, h);
            enc.set_color(png::ColorType::Rgb);
            enc.set_depth(png::BitDepth::Eight);
            let mut writer = enc
                .write_header()
                .map_err(|e| PlotError::Draw(e.to_string()))?;
            writer
                .write_image_data(&rgb)
                .and_then(|()| writer.finish())
                .map_err(|e| PlotError::Draw(e.to_string()))?;
            Ok(out)
        }
    }
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    dates: &[String],
    series: &[Series],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let top = series
        .iter()
        .flat_map(|(_, v)| v.iter().flatten())
        .max()
        .copied()
        .unwrap_or(1);
    let last = dates.len().saturating_sub(1).max(1) as i32;
    let caption = format!("Daily visitors, top {} pages", series.len());
    let mut chart = ChartBuilder::on(root)
        .caption(caption, ("sans-serif", 22))
        .margin(16)
        .margin_right(48)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(0..last, 0u64..top + top / 10 + 1)?;
    chart
        .configure_mesh()
        .x_labels(dates.len().clamp(2, 8))
        .x_label_formatter(&|i| dates.get(*i as usize).cloned().unwrap_or_default())
        .y_desc("visitors")
        .label_style(("sans-serif", 14))
        .draw()?;
    for (i, (path, values)) in series.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        let points: Vec<(i32, u64)> = values
            .iter()
            .enumerate()
            .filter_map(|(d, v)| v.map(|v| (d as i32, v)))
            .collect();
        // Lines join consecutive published days only.
        for pair in values.windows(2).enumerate() {
            if let (d, [Some(a), Some(b)]) = pair {
                chart.draw_series(LineSeries::new(
                    [(d as i32, *a), (d as i32 + 1, *b)],
                    color.stroke_width(2),
                ))?;
            }
        }
        chart
            .draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))?
            .label(path.clone())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], color.stroke_width(2)));
    }
    if !series.is_empty() {
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font(("sans-serif", 14))
            .draw()?;
    }
    Ok(())
}
