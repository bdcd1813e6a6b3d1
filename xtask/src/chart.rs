//! Charts drawn from a listing's blessed output.
//!
//! A listing that measures something can declare, in a `chart.toml` beside
//! its Cargo.toml, that its output becomes an SVG under `src/img/`:
//!
//! ```toml
//! [[chart]]
//! svg = "src/img/ch19-scale.svg"   # from the book's root
//! data = "output.txt"              # a blessed file of this listing (default)
//! title = "Per task and per thread"
//! x = "count"                      # the column on the x axis (log scale)
//! x-title = "tasks or threads spawned"
//! series = ["tasks", "threads"]    # rows starting with these words, one line each
//! panels = [                       # one plot per column, y on a log scale
//!   { y = "rss_bytes", title = "Resident memory per task or thread", unit = "bytes" },
//! ]
//! ```
//!
//! The data is a table: the first line names the columns, whitespace
//! separated; the first column is the series (`tasks`), the second the
//! x value. A row of a declared series is either measured (a whole number
//! in every column) or a gap: its x, then text saying why there is no
//! measurement (`threads 100000 not run: over the cap of 10000`), which the
//! chart marks at that x and quotes below the plots. Lines starting with
//! any other word are not part of the chart.
//!
//! `cargo xtask bless <listing>` writes the SVG after the output; the
//! `charts` check of `cargo xtask test` draws each declared chart again in
//! memory from the committed output and fails unless the committed SVG is
//! exactly that. So the generator must be deterministic: the same data gives
//! the same bytes (plotters' SVG backend, pixel coordinates as integers,
//! text as `<text>` without fonts, no timestamps).

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};
use plotters::prelude::*;
use serde::Deserialize;

use crate::listings::Listing;
use crate::problems::Problems;

/// The file beside a listing's Cargo.toml that declares its charts.
pub const DECLARATION: &str = "chart.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeclarationFile {
    chart: Vec<Declared>,
}

/// One `[[chart]]` of a `chart.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Declared {
    /// The SVG, relative to the book's root (`src/img/chNN-<what>.svg`).
    pub svg: String,
    /// The blessed file it is drawn from, beside the listing.
    #[serde(default = "default_data")]
    pub data: String,
    pub title: String,
    /// The column on the x axis.
    pub x: String,
    pub x_title: String,
    /// The rows that are drawn, by their first word, in legend order.
    pub series: Vec<String>,
    pub panels: Vec<Panel>,
}

/// The `[[chart]]`s of a `chart.toml`'s text.
pub fn declarations(text: &str) -> Result<Vec<Declared>, toml::de::Error> {
    Ok(toml::from_str::<DeclarationFile>(text)?.chart)
}

fn default_data() -> String {
    "output.txt".into()
}

/// One plot: a column on the y axis.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Panel {
    pub y: String,
    pub title: String,
    pub unit: String,
}

/// A declared chart and the listing that declares it.
#[derive(Debug, Clone)]
pub struct Chart {
    pub package: String,
    /// `listings/ch19/scale/chart.toml`
    pub declared_in: String,
    /// `listings/ch19/scale/output.txt`
    pub data_file: String,
    pub declared: Declared,
}

/// Every chart the listings declare, and every problem in the declarations.
pub fn discover(listings: &[Listing]) -> (Vec<Chart>, Problems) {
    let mut charts = Vec::new();
    let mut problems = Problems::default();
    for listing in listings {
        let path = listing.dir.join(DECLARATION);
        let Ok(text) = fs::read_to_string(&path) else { continue };
        let declared_in = listing.rel_file(DECLARATION);
        let declared_charts = match declarations(&text) {
            Ok(charts) => charts,
            Err(err) => {
                problems.at(&declared_in, format!("not a valid chart declaration: {err}"));
                continue;
            }
        };
        let blessed: Vec<&str> =
            listing.kind.rules().blessed.iter().map(|b| b.file_name()).collect();
        for declared in declared_charts {
            if !blessed.contains(&declared.data.as_str()) {
                problems.at(
                    &declared_in,
                    format!(
                        "`data = \"{}\"` is not a file that `cargo xtask bless` writes for this \
                         listing (it writes: {}); a chart is drawn only from checked output",
                        declared.data,
                        if blessed.is_empty() { "none".into() } else { blessed.join(", ") }
                    ),
                );
                continue;
            }
            if !(declared.svg.starts_with("src/img/") && declared.svg.ends_with(".svg")) {
                problems.at(
                    &declared_in,
                    format!(
                        "`svg = \"{}\"`: a chart is an SVG under src/img/ (STYLE.md, Diagrams)",
                        declared.svg
                    ),
                );
                continue;
            }
            if declared.series.is_empty() || declared.panels.is_empty() {
                problems.at(&declared_in, "a chart needs at least one series and one panel");
                continue;
            }
            charts.push(Chart {
                package: listing.package.clone(),
                declared_in: declared_in.clone(),
                data_file: listing.rel_file(&declared.data),
                declared,
            });
        }
    }
    (charts, problems)
}

/// `cargo xtask bless`: draws the charts of the blessed listings from
/// their fresh output. Returns how many SVGs it wrote.
pub fn bless(root: &Path, listings: &[Listing], packages: &[String]) -> Result<usize> {
    let (charts, problems) = discover(listings);
    problems.into_result("chart declarations")?;
    let mut written = 0;
    for chart in charts.iter().filter(|c| packages.is_empty() || packages.contains(&c.package)) {
        let data = fs::read_to_string(root.join(&chart.data_file))
            .with_context(|| format!("reading {}", chart.data_file))?;
        let svg = render(&chart.declared, &data)
            .with_context(|| format!("drawing {} from {}", chart.declared.svg, chart.data_file))?;
        fs::write(root.join(&chart.declared.svg), svg)
            .with_context(|| format!("writing {}", chart.declared.svg))?;
        written += 1;
    }
    Ok(written)
}

/// `cargo xtask bless --charts-only [package...]`: draws the charts again
/// from the committed outputs, without running the listings (after an edit
/// to a `chart.toml`, or to this generator).
pub fn redraw(root: &Path, packages: &[String]) -> Result<()> {
    let (listings, _) = crate::listings::discover(root)?;
    for package in packages {
        if !listings.iter().any(|l| &l.package == package) {
            bail!("no listing is named `{package}` (names look like ch19-scale)");
        }
    }
    let written = bless(root, &listings, packages)?;
    eprintln!("drew {written} chart(s) from the committed outputs; review them with `git diff`");
    Ok(())
}

/// The `charts` check: every declared chart is committed, and is exactly
/// what its committed data draws. Returns how many charts it compared.
pub fn check(root: &Path, listings: &[Listing]) -> (usize, Problems) {
    let (charts, mut problems) = discover(listings);
    for chart in &charts {
        let svg = &chart.declared.svg;
        let bless = format!("cargo xtask bless {}", chart.package);
        let Ok(data) = fs::read_to_string(root.join(&chart.data_file)) else {
            problems.at(
                &chart.data_file,
                format!(
                    "{} declares a chart drawn from this file, which is missing; run `{bless}`",
                    chart.declared_in
                ),
            );
            continue;
        };
        let expected = match render(&chart.declared, &data) {
            Ok(expected) => expected,
            Err(err) => {
                problems.at(
                    &chart.data_file,
                    format!(
                        "cannot draw {svg} (declared in {}) from it: {err:#}",
                        chart.declared_in
                    ),
                );
                continue;
            }
        };
        match fs::read_to_string(root.join(svg)) {
            Err(_) => problems.at(
                svg,
                format!(
                    "missing: {} declares this chart, drawn from {}; run `{bless}` and commit it",
                    chart.declared_in, chart.data_file
                ),
            ),
            Ok(committed) if committed != expected => problems.at(
                svg,
                format!(
                    "is not what {} draws (it is stale, or was edited by hand; declared in {}); \
                     run `{bless}` to draw it again from the data",
                    chart.data_file, chart.declared_in
                ),
            ),
            Ok(_) => {}
        }
    }
    (charts.len(), problems)
}

/// A parsed data file.
#[derive(Debug, PartialEq)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
}

#[derive(Debug, PartialEq)]
pub struct Row {
    pub series: String,
    pub x: u64,
    pub values: Values,
}

#[derive(Debug, PartialEq)]
pub enum Values {
    /// A number for every column after the first two.
    Measured(Vec<u64>),
    /// No measurement, and why: `not run: over the cap of 10000`.
    Gap(String),
}

/// Reads the table out of a listing's output: the header (first non-empty
/// line) and the rows of the declared series.
pub fn parse(text: &str, series: &[String]) -> Result<Table> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else { bail!("it is empty: no header line") };
    let columns: Vec<String> = header.split_whitespace().map(String::from).collect();
    if columns.len() < 3 {
        bail!("line 1: a header names the series, the x column and at least one more column");
    }
    let mut rows: Vec<Row> = Vec::new();
    for (index, line) in lines {
        let number = index + 1;
        let mut words = line.split_whitespace();
        let Some(first) = words.next() else { continue };
        if !series.iter().any(|s| s == first) {
            continue;
        }
        let x = words.next().and_then(|w| w.parse::<u64>().ok()).with_context(|| {
            format!("line {number}: `{first}` is not followed by a whole number")
        })?;
        let rest: Vec<&str> = words.collect();
        let values = if rest.first().is_some_and(|w| w.starts_with(|c: char| c.is_ascii_digit())) {
            let numbers: Vec<u64> =
                rest.iter().map(|w| w.parse::<u64>()).collect::<Result<_, _>>().with_context(
                    || format!("line {number}: a measured row holds whole numbers"),
                )?;
            if numbers.len() != columns.len() - 2 {
                bail!(
                    "line {number}: {} numbers after the x value, but the header names {} columns",
                    numbers.len(),
                    columns.len() - 2
                );
            }
            Values::Measured(numbers)
        } else if rest.is_empty() {
            bail!("line {number}: no values and no reason why");
        } else {
            Values::Gap(rest.join(" "))
        };
        if rows.iter().any(|r| r.series == first && r.x == x) {
            bail!("line {number}: a second `{first} {x}` row");
        }
        rows.push(Row { series: first.to_string(), x, values });
    }
    Ok(Table { columns, rows })
}

const WIDTH: u32 = 760;
const TITLE_HEIGHT: u32 = 76;
const PANEL_HEIGHT: u32 = 316;
const NOTE_HEIGHT: u32 = 24;
/// plotters writes `font-size` as the size asked for divided by 1.24:
/// these give 14 and 16 px exactly.
const TEXT: f64 = 17.36;
const TITLE: f64 = 19.84;
/// Dark on transparent, so the dark themes' inversion keeps them legible:
/// a dark blue and a dark orange, and a marker shape each as well.
const COLORS: [RGBColor; 3] = [RGBColor(0x1f, 0x4e, 0x9a), RGBColor(0xb0, 0x4a, 0x00), BLACK];
const INK: RGBColor = RGBColor(0x1a, 0x1a, 0x1a);

/// The SVG of a declared chart, drawn from `data` (a blessed output).
pub fn render(declared: &Declared, data: &str) -> Result<String> {
    let table = parse(data, &declared.series)?;
    let x_column = table.columns.iter().position(|c| *c == declared.x);
    if x_column != Some(1) {
        bail!("the header's second column must be `{}` (the chart's x)", declared.x);
    }
    let mut y_columns = Vec::new();
    for panel in &declared.panels {
        let Some(i) = table.columns.iter().position(|c| *c == panel.y).filter(|i| *i >= 2) else {
            bail!("the header has no column `{}` to draw", panel.y);
        };
        y_columns.push(i - 2);
    }
    for series in &declared.series {
        if !table.rows.iter().any(|r| &r.series == series) {
            bail!("no `{series}` rows");
        }
    }
    let measured = |y: usize| -> Vec<u64> {
        table
            .rows
            .iter()
            .filter_map(|r| match &r.values {
                Values::Measured(v) => Some(v[y]),
                Values::Gap(_) => None,
            })
            .collect()
    };
    // Both axes are logarithmic: a zero has no place on them.
    for row in &table.rows {
        let zero_y = match &row.values {
            Values::Measured(v) => y_columns.iter().any(|&y| v[y] == 0),
            Values::Gap(_) => false,
        };
        if row.x == 0 || zero_y {
            bail!("`{} {}` has a 0 to draw, which a log scale cannot show", row.series, row.x);
        }
    }
    let xs: Vec<u64> = table.rows.iter().map(|r| r.x).collect();
    let x_min = *xs.iter().min().expect("rows");
    let x_max = *xs.iter().max().expect("rows");
    let notes = gap_notes(&table, &declared.series);

    let height = TITLE_HEIGHT
        + PANEL_HEIGHT * declared.panels.len() as u32
        + NOTE_HEIGHT * notes.len() as u32
        + 12;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        let font = |size: f64| TextStyle::from(("sans-serif", size).into_font()).color(&INK);
        let e = |err| anyhow::anyhow!("plotters: {err:?}");
        root.draw(&Text::new(
            declared.title.clone(),
            (16, 10),
            ("sans-serif", TITLE).into_font().style(FontStyle::Bold).color(&INK),
        ))
        .map_err(e)?;
        // The legend, once for every panel.
        let mut x = 16;
        for (i, series) in declared.series.iter().enumerate() {
            let color = COLORS[i % COLORS.len()];
            let y = 52;
            root.draw(&PathElement::new(vec![(x, y), (x + 36, y)], color.stroke_width(2)))
                .map_err(e)?;
            marker(&root, i, (x + 18, y), color)?;
            root.draw(&Text::new(
                series.clone(),
                (x + 44, y),
                font(TEXT).pos(plotters::style::text_anchor::Pos::new(
                    plotters::style::text_anchor::HPos::Left,
                    plotters::style::text_anchor::VPos::Center,
                )),
            ))
            .map_err(e)?;
            x += 60 + 9 * series.len() as i32 + 30;
        }

        let (_, below_title) = root.split_vertically(TITLE_HEIGHT);
        let (plots, notes_area) =
            below_title.split_vertically(PANEL_HEIGHT * declared.panels.len() as u32);
        let areas = plots.split_evenly((declared.panels.len(), 1));
        for ((panel, &y), area) in declared.panels.iter().zip(&y_columns).zip(&areas) {
            let values = measured(y);
            let (y_lo, y_hi) =
                decades(*values.iter().min().unwrap_or(&1), *values.iter().max().unwrap_or(&10));
            let mut chart = ChartBuilder::on(area)
                .caption(format!("{} ({})", panel.title, panel.unit), font(TEXT))
                .margin_left(8)
                .margin_right(28)
                .margin_top(16)
                .x_label_area_size(48)
                .y_label_area_size(84)
                .build_cartesian_2d(
                    (x_min as f64 / 2.0..x_max as f64 * 2.0).log_scale(),
                    (y_lo as f64..y_hi as f64).log_scale(),
                )
                .map_err(e)?;
            chart
                .configure_mesh()
                .x_labels(6)
                .y_labels(6)
                .light_line_style(TRANSPARENT)
                .bold_line_style(INK.mix(0.12))
                .axis_style(INK)
                .label_style(font(TEXT))
                .axis_desc_style(font(TEXT))
                .x_desc(declared.x_title.clone())
                .x_label_formatter(&|v| thousands(v.round() as u64))
                .y_label_formatter(&|v| thousands(v.round() as u64))
                .draw()
                .map_err(e)?;
            for (i, series) in declared.series.iter().enumerate() {
                let color = COLORS[i % COLORS.len()];
                let points: Vec<(f64, f64)> = table
                    .rows
                    .iter()
                    .filter(|r| &r.series == series)
                    .filter_map(|r| match &r.values {
                        Values::Measured(v) => Some((r.x as f64, v[y] as f64)),
                        Values::Gap(_) => None,
                    })
                    .collect();
                chart
                    .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))
                    .map_err(e)?;
                let plotting = chart.plotting_area();
                for point in &points {
                    let at = plotting.map_coordinate(point);
                    marker(&root, i, at, color)?;
                }
                // A gap is marked where its point would be: its reason's
                // first words, at the top of the plot, in the series' colour.
                for row in table.rows.iter().filter(|r| &r.series == series) {
                    if let Values::Gap(reason) = &row.values {
                        let short = reason.split(':').next().unwrap_or(reason).trim();
                        let (px, py) = plotting.map_coordinate(&(row.x as f64, y_hi as f64));
                        root.draw(&Text::new(
                            format!("{series}: {short}"),
                            (px, py + 8 + 20 * i as i32),
                            font(TEXT).color(&color).pos(plotters::style::text_anchor::Pos::new(
                                plotters::style::text_anchor::HPos::Center,
                                plotters::style::text_anchor::VPos::Top,
                            )),
                        ))
                        .map_err(e)?;
                    }
                }
            }
        }
        for (i, note) in notes.iter().enumerate() {
            notes_area
                .draw(&Text::new(note.clone(), (16, 4 + NOTE_HEIGHT as i32 * i as i32), font(TEXT)))
                .map_err(e)?;
        }
        root.present().map_err(e)?;
    }
    // An accessible name for the picture, as the book's drawn diagrams have.
    let title = format!("<title>{}</title>\n", escape(&declared.title));
    if let Some(end) = svg.find('>') {
        svg.insert_str(end + 1, &format!("\n{title}"));
    }
    if !svg.ends_with('\n') {
        svg.push('\n');
    }
    Ok(svg)
}

/// A series' marker, drawn on `area` at pixel `at`: a circle, a triangle,
/// a square, in turn.
fn marker(
    area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    i: usize,
    at: (i32, i32),
    color: RGBColor,
) -> Result<()> {
    let drawn = match i % 3 {
        0 => area.draw(&Circle::new(at, 5, color.filled())),
        1 => area.draw(&TriangleMarker::new(at, 7, color.filled())),
        _ => {
            area.draw(&Rectangle::new([(at.0 - 5, at.1 - 5), (at.0 + 5, at.1 + 5)], color.filled()))
        }
    };
    drawn.map_err(|err| anyhow::anyhow!("plotters: {err:?}"))
}

/// One line per series and reason: `threads at 100,000 and 1,000,000: not
/// run: over the cap of 10000`.
fn gap_notes(table: &Table, series: &[String]) -> Vec<String> {
    let mut notes = Vec::new();
    for name in series {
        let mut reasons: Vec<(&str, Vec<u64>)> = Vec::new();
        for row in table.rows.iter().filter(|r| &r.series == name) {
            if let Values::Gap(reason) = &row.values {
                match reasons.iter_mut().find(|(r, _)| r == reason) {
                    Some((_, xs)) => xs.push(row.x),
                    None => reasons.push((reason, vec![row.x])),
                }
            }
        }
        for (reason, xs) in reasons {
            let xs: Vec<String> = xs.into_iter().map(thousands).collect();
            let at = match xs.as_slice() {
                [one] => one.clone(),
                [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
                [] => unreachable!(),
            };
            notes.push(format!("{name} at {at}: {reason}"));
        }
    }
    notes
}

/// The powers of ten around `lo..=hi`, each at least a factor of two away
/// so no point sits on the plot's edge; computed without floating point.
fn decades(lo: u64, hi: u64) -> (u64, u64) {
    let mut bottom = 1;
    while bottom * 10 * 2 <= lo {
        bottom *= 10;
    }
    let mut top = bottom * 10;
    while top < hi.saturating_mul(2) {
        top *= 10;
    }
    (bottom, top)
}

/// `1000000` as `1,000,000`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCALE: &str = "\
kind       count  heap_bytes  rss_bytes  spawn_ns  total_ns
tasks       1000         263        458      1214      3422
tasks      10000         268        420      1118      2394
threads     1000         186       9502     73954    184577
threads    10000  stopped: thread 4000 refused: Resource temporarily unavailable
threads   100000  not run: over the cap of 10000
threads  1000000  not run: over the cap of 10000
future_bytes 32  (the future each task runs)
";

    fn declared() -> Declared {
        declarations(
            r#"
            [[chart]]
            svg = "src/img/ch19-scale.svg"
            title = "Per task and per thread"
            x = "count"
            x-title = "spawned"
            series = ["tasks", "threads"]
            panels = [{ y = "rss_bytes", title = "Resident memory", unit = "bytes" }]
            "#,
        )
        .unwrap()
        .remove(0)
    }

    #[test]
    fn parses_measured_rows_and_gaps_and_skips_other_lines() {
        let table = parse(SCALE, &["tasks".into(), "threads".into()]).unwrap();
        assert_eq!(table.columns[1], "count");
        assert_eq!(table.rows.len(), 6);
        assert_eq!(table.rows[0].values, Values::Measured(vec![263, 458, 1214, 3422]));
        assert_eq!(
            table.rows[3].values,
            Values::Gap("stopped: thread 4000 refused: Resource temporarily unavailable".into())
        );
        assert_eq!(table.rows[5].x, 1_000_000);
    }

    #[test]
    fn rejects_a_row_that_does_not_fit_the_header() {
        let err = parse("kind count a b\ntasks 10 1\n", &["tasks".into()]).unwrap_err();
        assert!(err.to_string().contains("line 2: 1 numbers"), "{err}");
        let err = parse("kind count a\ntasks ten 1\n", &["tasks".into()]).unwrap_err();
        assert!(err.to_string().contains("not followed by a whole number"), "{err}");
    }

    #[test]
    fn draws_the_same_bytes_every_time_with_text_and_gaps() {
        let first = render(&declared(), SCALE).unwrap();
        assert_eq!(first, render(&declared(), SCALE).unwrap());
        assert!(first.contains("<title>Per task and per thread</title>"));
        assert!(
            first.contains("\nthreads at 100,000 and 1,000,000: not run: over the cap of 10000\n")
        );
        assert!(first.contains("\nthreads: stopped\n"), "{first}");
        assert!(first.contains("font-size=\"14\""));
        // Transparent: no background rectangle filling the picture.
        assert!(!first.contains("fill=\"#FFFFFF\""));
        // Other data, another picture.
        let edited = SCALE.replace("9502", "19502");
        assert_ne!(first, render(&declared(), &edited).unwrap());
    }

    #[test]
    fn a_missing_column_or_series_is_an_error() {
        let mut chart = declared();
        chart.panels[0].y = "vsz_bytes".into();
        assert!(render(&chart, SCALE).unwrap_err().to_string().contains("no column `vsz_bytes`"));
        let zero = SCALE.replace("9502", "0");
        assert!(render(&declared(), &zero).unwrap_err().to_string().contains("a log scale"));
        let mut chart = declared();
        chart.series.push("fibers".into());
        assert!(render(&chart, SCALE).unwrap_err().to_string().contains("no `fibers` rows"));
    }

    #[test]
    fn decades_and_thousands() {
        assert_eq!(decades(420, 9648), (100, 100_000));
        assert_eq!(decades(1000, 1000), (100, 10_000));
        assert_eq!(decades(0, 0), (1, 10));
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(999), "999");
    }
}
