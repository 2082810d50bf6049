//! Aligned tables for the terminal and GitHub Markdown: every table view revcap prints.
//!
//! Each column is as wide as its widest cell line (display width, at least one), each
//! cell padded by a space on both sides and aligned left or right; the terminal draws
//! rules of `─` above the header, under it and below the table and puts a space
//! between columns, Markdown puts `|` around every cell and a `|---|` rule under the
//! header. A cell's lines (split at `\n`) stack; a shorter cell is blank below.
//!
//! This is the layout comfy_table draws with its arrangement disabled (which revcap
//! used before), byte for byte: `tests::random_tables_are_drawn_as_comfy_table_draws_them`
//! draws random tables both ways. It is drawn here because comfy_table keeps a
//! `String` per cell line and per padded part: on a run's ledgers, one table per
//! scenario, the view took five times the CSV's time, most of it allocating. One
//! difference: comfy_table counted widths in 16 bits and wrapped a cell wider than
//! 65,535 columns (only a scenario name that long could be one); here it stays whole.
//!
//! Every row is as long as the header ([`Sheet::push`] fills rows in turn; callers
//! give whole rows), as every table of revcap's is.

use unicode_width::UnicodeWidthStr;

use super::table::Style;

/// The display width of one line of text, as comfy_table measures it (printable ASCII
/// counted by bytes, the rest by `unicode-width`).
pub fn width(line: &str) -> usize {
    if line.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        line.len()
    } else {
        line.width()
    }
}

/// The columns of a table: how each is aligned and how wide its content is (the
/// padding aside).
pub struct Columns {
    style: Style,
    right: Vec<bool>,
    widths: Vec<usize>,
}

impl Columns {
    /// `count` columns, those at the indices `right` aligned right, none wide yet.
    pub fn new(style: Style, count: usize, right: &[usize]) -> Columns {
        Columns {
            style,
            right: (0..count).map(|i| right.contains(&i)).collect(),
            widths: vec![0; count],
        }
    }

    /// Makes column `i` wide enough for every line of `cell` (and at least one wide).
    pub fn widen(&mut self, i: usize, cell: &str) {
        let w = if cell.contains('\n') {
            cell.split('\n').map(width).max().unwrap_or(0)
        } else {
            width(cell)
        };
        if let Some(c) = self.widths.get_mut(i) {
            *c = (*c).max(w).max(1);
        }
    }

    /// The header and the rules around it: what comes before the first row.
    pub fn head(&self, out: &mut String, header: &[impl AsRef<str>]) {
        if self.style == Style::Terminal {
            self.rule(out);
        }
        self.row(out, header);
        self.rule(out);
    }

    /// What comes after the last row.
    pub fn foot(&self, out: &mut String) {
        if self.style == Style::Terminal {
            self.rule(out);
        }
    }

    /// One row: as many lines as its tallest cell.
    pub fn row(&self, out: &mut String, cells: &[impl AsRef<str>]) {
        debug_assert_eq!(
            cells.len(),
            self.widths.len(),
            "a row as long as the header"
        );
        if !cells.iter().any(|c| c.as_ref().contains('\n')) {
            self.line(out, cells.iter().map(AsRef::as_ref));
            return;
        }
        let lines: Vec<Vec<&str>> = cells
            .iter()
            .map(|c| c.as_ref().split('\n').collect())
            .collect();
        let height = lines.iter().map(Vec::len).max().unwrap_or(0);
        for k in 0..height {
            self.line(out, lines.iter().map(|l| l.get(k).copied().unwrap_or("")));
        }
    }

    /// One line of a row: each cell's text (a single line) padded and aligned.
    fn line<'s>(&self, out: &mut String, cells: impl Iterator<Item = &'s str>) {
        let bars = self.style == Style::Markdown;
        if bars {
            out.push('|');
        }
        for (i, ((cell, &w), &right)) in cells.zip(&self.widths).zip(&self.right).enumerate() {
            if i > 0 && !bars {
                out.push(' ');
            }
            let pad = w.saturating_sub(width(cell));
            out.push(' ');
            if right {
                spaces(out, pad);
                out.push_str(cell);
            } else {
                out.push_str(cell);
                spaces(out, pad);
            }
            out.push(' ');
            if bars {
                out.push('|');
            }
        }
        out.push('\n');
    }

    /// A rule across the table: the terminal's `─` rule, or Markdown's `|---|---|`.
    fn rule(&self, out: &mut String) {
        match self.style {
            Style::Terminal => {
                let n = self.widths.iter().map(|w| w + 2).sum::<usize>()
                    + self.widths.len().saturating_sub(1);
                out.extend(std::iter::repeat_n('─', n));
            }
            Style::Markdown => {
                out.push('|');
                for w in &self.widths {
                    out.extend(std::iter::repeat_n('-', w + 2));
                    out.push('|');
                }
            }
        }
        out.push('\n');
    }
}

fn spaces(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// A whole table, its body's cells kept in one string until it is drawn.
pub struct Sheet {
    columns: Columns,
    header: Vec<String>,
    /// Every body cell's text, one after another, row by row.
    text: String,
    /// Where each body cell's text ends in `text`.
    ends: Vec<usize>,
}

impl Sheet {
    /// A table with `header`, the columns at the indices `right` aligned right.
    pub fn new(style: Style, header: Vec<String>, right: &[usize]) -> Sheet {
        Sheet {
            columns: Columns::new(style, header.len(), right),
            header,
            text: String::new(),
            ends: Vec::new(),
        }
    }

    /// The next body cell (rows fill from the left, a row as long as the header).
    pub fn push(&mut self, cell: &str) {
        self.push_with(|s| s.push_str(cell));
    }

    /// The next body cell, written by `write`.
    pub fn push_with(&mut self, write: impl FnOnce(&mut String)) {
        write(&mut self.text);
        self.ends.push(self.text.len());
    }

    /// Draws the table into `out`, each line ended by a line end.
    pub fn draw(self, out: &mut String) {
        let Sheet {
            mut columns,
            header,
            text,
            ends,
        } = self;
        let n = header.len().max(1);
        let text = text.as_str();
        let cells = || {
            let mut start = 0;
            ends.iter().map(move |&end| {
                let cell = text.get(start..end).unwrap_or_default();
                start = end;
                cell
            })
        };
        for (i, h) in header.iter().enumerate() {
            columns.widen(i, h);
        }
        for (j, cell) in cells().enumerate() {
            columns.widen(j % n, cell);
        }
        columns.head(out, &header);
        let mut row: Vec<&str> = Vec::with_capacity(n);
        for cell in cells() {
            row.push(cell);
            if row.len() == n {
                columns.row(out, &row);
                row.clear();
            }
        }
        debug_assert!(row.is_empty(), "a last row as long as the header");
        columns.foot(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The table as comfy_table draws it, with the styles revcap drew with.
    fn comfy(style: Style, header: &[String], rows: &[Vec<String>], right: &[usize]) -> String {
        use comfy_table::{presets, CellAlignment, ContentArrangement, LineStyle, TableStyle};
        const TERMINAL: TableStyle = TableStyle::new()
            .top_border(LineStyle::none().fill('─').junction('─'))
            .header_separator(LineStyle::none().fill('─').junction('─'))
            .bottom_border(LineStyle::none().fill('─').junction('─'));
        let mut t = comfy_table::Table::new();
        t.load_style(match style {
            Style::Terminal => TERMINAL,
            Style::Markdown => presets::ASCII_MARKDOWN,
        });
        t.set_content_arrangement(ContentArrangement::Disabled);
        t.set_header(header.to_vec());
        for r in rows {
            t.add_row(r.clone());
        }
        for &i in right {
            if let Some(c) = t.column_mut(i) {
                c.set_cell_alignment(CellAlignment::Right);
            }
        }
        format!("{t}\n")
    }

    fn ours(style: Style, header: &[String], rows: &[Vec<String>], right: &[usize]) -> String {
        let mut sheet = Sheet::new(style, header.to_vec(), right);
        for r in rows {
            for c in r {
                sheet.push(c);
            }
        }
        let mut out = String::new();
        sheet.draw(&mut out);
        out
    }

    /// Cells as revcap's tables hold them and worse: empty, amounts, several lines,
    /// wide and combining characters, arrows, currency signs.
    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            "[0-9]{1,3}(,[0-9]{3}){0,3}\\.[0-9]{2}",
            "[a-z ]{1,12}",
            "[a-z]{1,6}\n[$€£¥A-Z]{1,3}",
            "[a-z\u{00e9}\u{0301}\u{4e2d}\u{2192}%]{0,8}",
            "\n?[a-z]{0,3}\n?",
        ]
    }

    fn table() -> impl Strategy<Value = (Vec<String>, Vec<Vec<String>>, Vec<usize>)> {
        (1usize..6).prop_flat_map(|n| {
            (
                proptest::collection::vec(cell(), n),
                proptest::collection::vec(proptest::collection::vec(cell(), n), 0..8),
                proptest::collection::vec(0..n, 0..n),
            )
        })
    }

    proptest! {
        /// Any table of full rows, in both styles, any columns aligned right.
        #[test]
        fn random_tables_are_drawn_as_comfy_table_draws_them((header, rows, right) in table()) {
            for style in [Style::Terminal, Style::Markdown] {
                prop_assert_eq!(ours(style, &header, &rows, &right), comfy(style, &header, &rows, &right));
            }
        }
    }

    /// A ledger as the terminal showed it: a two-line header, amounts aligned right.
    #[test]
    fn a_ledger_is_drawn_as_before() {
        let header: Vec<String> = ["period", "revenue\n$B", "rate"].map(String::from).to_vec();
        let rows = vec![
            ["2026-01", "1.74", "20%"].map(String::from).to_vec(),
            ["2026-02", "13.10", "20%→15%"].map(String::from).to_vec(),
        ];
        let want = "\
─────────────────────────────
 period    revenue   rate    \n                $B           \n─────────────────────────────
 2026-01      1.74   20%     \n 2026-02     13.10   20%→15% \n─────────────────────────────
";
        assert_eq!(ours(Style::Terminal, &header, &rows, &[1]), want);
        assert_eq!(comfy(Style::Terminal, &header, &rows, &[1]), want);
    }
}
