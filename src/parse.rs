//! Parsers for the values people write: amounts, rates, periods and dates
//! (docs/spec.md §2.3, §2.4).
//!
//! Each returns the exact `Decimal` (or period/date) or a message saying what was
//! expected; callers add the file, line and column. `Decimal::from_str` is too
//! lenient (it accepts `1_000` and silently rounds a 29th decimal place), so the
//! grammar is checked here and only `from_str_exact` builds the number.

use rust_decimal::Decimal;

use crate::model::{days_in_month, Date, FiscalStart, Period};

/// What an amount looks like, for messages.
pub const AMOUNT_EXAMPLES: &str = r#"expected e.g. 12700000000, 12.7B or "$12,700,000,000""#;
const RATE_EXAMPLES: &str = "expected a fraction between 0 and 1 or a percent, e.g. 0.2 or 20%";

/// Which mark ends a number's whole part: `12.7` (a point, commas for thousands) or
/// `12,7` (a comma, dots or spaces for thousands). A file's numbers are all read with
/// one mark (docs/spec.md §2.4); the loader decides which.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Mark {
    #[default]
    Point,
    Comma,
}

impl Mark {
    /// The decimal mark and the thousands separator.
    fn chars(self) -> (char, char) {
        match self {
            Mark::Point => ('.', ','),
            Mark::Comma => (',', '.'),
        }
    }
}

/// A currency an amount cell may be marked with. revcap never converts: a sign is
/// accepted only where the file's unit says that currency (docs/spec.md §2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Currency {
    Usd,
    Eur,
    Gbp,
}

impl Currency {
    /// The sign written before (or after) an amount.
    pub fn sign(self) -> char {
        match self {
            Currency::Usd => '$',
            Currency::Eur => '€',
            Currency::Gbp => '£',
        }
    }
    /// The ISO code, as `--unit` takes it.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Usd => "USD",
            Currency::Eur => "EUR",
            Currency::Gbp => "GBP",
        }
    }
    fn of_sign(c: char) -> Option<Currency> {
        [Currency::Usd, Currency::Eur, Currency::Gbp]
            .into_iter()
            .find(|k| k.sign() == c)
    }
}

/// The currency a unit names: `€`, `EUR`, `€bn`, `EUR m`, `£`, `GBP`, `$`, `USD`,
/// `US$`, `USD m`, `$M`, `Revenue (€)`, `revenue_eur`; `None` when it names none
/// (`m`, `thousands`) or more than one.
///
/// ```
/// use revcap::parse::{currency_of, Currency};
///
/// assert_eq!(currency_of("€bn"), Some(Currency::Eur));
/// assert_eq!(currency_of("USD m"), Some(Currency::Usd));
/// assert_eq!(currency_of("thousands"), None);
/// ```
pub fn currency_of(unit: &str) -> Option<Currency> {
    const SCALES: &[&str] = &["", "k", "m", "mm", "mn", "b", "bn", "t", "th"];
    let lower = unit.to_lowercase();
    let mut found: Option<Currency> = None;
    let mut note = |c: Currency| -> bool {
        match found {
            Some(f) if f != c => false,
            _ => {
                found = Some(c);
                true
            }
        }
    };
    for word in lower.split(|c: char| !(c.is_alphanumeric() || "$€£".contains(c))) {
        let mut signs = word.chars().filter(|c| "$€£".contains(*c));
        if let Some(sign) = signs.next() {
            if !signs.all(|c| c == sign) || !Currency::of_sign(sign).is_some_and(&mut note) {
                return None;
            }
            continue;
        }
        for (code, c) in [
            ("usd", Currency::Usd),
            ("eur", Currency::Eur),
            ("gbp", Currency::Gbp),
        ] {
            let scaled = |r: Option<&str>| r.is_some_and(|r| SCALES.contains(&r));
            if (scaled(word.strip_prefix(code)) || scaled(word.strip_suffix(code))) && !note(c) {
                return None;
            }
        }
    }
    found
}

/// How one file writes its amounts: the decimal mark and the currency its unit names
/// (`None`: only `$` signs are taken, as before currencies were).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Style {
    pub mark: Mark,
    pub currency: Option<Currency>,
}

/// What a cell's number says about the decimal mark (docs/spec.md §2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Reads the same with either mark (`12`, `1234`, `20%`).
    Either,
    /// Reads as two different numbers (`1,234`, `1.234`).
    Ambiguous,
    /// Reads only with a decimal point (`12.7`, `1,234.5`, `1,234,567`).
    Point,
    /// Reads only with a decimal comma (`12,7`, `1.234,56`, `0,2`, `1.234.567`).
    Comma,
}

/// What `raw` (an amount or a rate as written in a cell) says about the decimal
/// mark, or `None` when it is no number either way.
///
/// ```
/// use revcap::parse::{form, Form};
///
/// assert_eq!(form("12,7"), Some(Form::Comma));
/// assert_eq!(form("$1,234.5M"), Some(Form::Point));
/// assert_eq!(form("1,234"), Some(Form::Ambiguous));
/// assert_eq!(form("20%"), Some(Form::Either));
/// ```
pub fn form(raw: &str) -> Option<Form> {
    // The digits and marks only: signs, suffixes and words say nothing of the mark;
    // spaces between digits are thousands separators with either mark.
    let core: String = raw
        .trim_matches(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .chars()
        .filter(|c| !is_space_separator(*c))
        .collect();
    let point = unsigned_decimal(&core, true, Mark::Point).ok();
    let comma = unsigned_decimal(&core, true, Mark::Comma).ok();
    match (point, comma) {
        (Some(p), Some(c)) if p == c => Some(Form::Either),
        (Some(_), Some(_)) => Some(Form::Ambiguous),
        (Some(_), None) => Some(Form::Point),
        (None, Some(_)) => Some(Form::Comma),
        (None, None) => None,
    }
}

/// `s` written with a decimal point: its thousands dots and spaces dropped, its
/// decimal comma made a point (`1.234,5 €` → `1234.5 €`), for a hint.
pub fn with_decimal_point(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_digit = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let next_digit = chars.peek().is_some_and(char::is_ascii_digit);
        match c {
            '.' => {}
            ',' => out.push('.'),
            c if is_space_separator(c) && prev_digit && next_digit => {}
            c => out.push(c),
        }
        prev_digit = c.is_ascii_digit();
    }
    out
}

/// The hint for a number that reads only with a decimal comma where a point is
/// read: the number as it would be written with a point.
fn decimal_comma_hint(s: &str, mark: Mark) -> Option<String> {
    (mark == Mark::Point && form(s) == Some(Form::Comma))
        .then(|| format!("has a decimal comma (write {})", with_decimal_point(s)))
}

/// `body` with the spaces of its whole part made the thousands separator of `mark`,
/// when they part it into groups of three (`30 000 000,5`); `None` otherwise.
fn space_grouped(body: &str, mark: Mark) -> Option<String> {
    let (decimal, group) = mark.chars();
    let (int, frac) = match body.split_once(decimal) {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    if !int.contains(is_space_separator) {
        return None;
    }
    let groups: Vec<&str> = int.split(is_space_separator).collect();
    let digits = |g: &&str| g.bytes().all(|b| b.is_ascii_digit());
    let well_formed = groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
        && groups.iter().skip(1).all(|g| g.len() == 3)
        && groups.iter().all(digits);
    if !well_formed {
        return None;
    }
    let mut out = groups.join(&group.to_string());
    if let Some(f) = frac {
        out.push(decimal);
        out.push_str(f);
    }
    Some(out)
}

/// A space, no-break space or narrow no-break space: French thousands separators.
fn is_space_separator(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}')
}

/// Parses a money amount: `12700000000`, `12.7`, `.5B`, `$12.7B`, `$ 30,000.00`,
/// `"12,700,000,000"`, `1.27e10`, `-5` (negative values parse; callers decide whether
/// they are allowed). An accounting negative `(1,000)` is refused with its reason:
/// every amount revcap reads must be ≥ 0 (docs/spec.md §2.4).
///
/// ```
/// use revcap::parse::amount;
/// use rust_decimal::Decimal;
///
/// assert_eq!(amount("$12.7B"), Ok(Decimal::from(12_700_000_000u64)));
/// assert_eq!(amount("12,700,000,000"), Ok(Decimal::from(12_700_000_000u64)));
/// assert_eq!(amount(" $ 30,000 "), Ok(Decimal::from(30_000u64)));
/// assert!(amount("12..7").unwrap_err().starts_with("is not a number"));
/// ```
pub fn amount(raw: &str) -> Result<Decimal, String> {
    amount_as(raw, Role::Revenue, Style::default())
}

/// A revenue cell of a file whose amounts are written as `style` says: with its
/// decimal mark, and with its currency's sign (`1.234,5 €` with a comma and euros).
///
/// ```
/// use revcap::parse::{amount_in, Currency, Mark, Style};
/// use rust_decimal::Decimal;
///
/// let german = Style { mark: Mark::Comma, currency: Some(Currency::Eur) };
/// assert_eq!(amount_in("1.234,5 €", german), Ok(Decimal::new(12345, 1)));
/// assert!(amount_in("$5", german).is_err());
/// ```
pub fn amount_in(raw: &str, style: Style) -> Result<Decimal, String> {
    amount_as(raw, Role::Revenue, style)
}

/// Whose amount is parsed: the hints for an empty cell, a missing value and an
/// accounting negative differ (a missing cap is `none`, not 0).
#[derive(Clone, Copy)]
enum Role {
    Revenue,
    Cap,
    Paid,
}

impl Role {
    /// Why an accounting negative is refused.
    fn must(self) -> &'static str {
        match self {
            Role::Revenue => "revenue must be ≥ 0",
            Role::Cap => "a cap must be ≥ 0, or none",
            Role::Paid => "expected an amount ≥ 0",
        }
    }
    /// What to write for a missing value.
    fn none(self) -> &'static str {
        match self {
            Role::Cap => "write none for no cap",
            Role::Revenue | Role::Paid => "write 0 for none",
        }
    }
    fn examples(self) -> String {
        match self {
            Role::Cap => AMOUNT_EXAMPLES.replace("expected e.g.", "expected none or e.g."),
            Role::Revenue | Role::Paid => AMOUNT_EXAMPLES.to_string(),
        }
    }
}

/// `str::trim`, with a shortcut for the common cell that starts and ends with a
/// printable ASCII character (Unicode whitespace is never ASCII beyond the ASCII
/// whitespace checked here): every cell of a large file passes here.
#[inline]
fn trim(raw: &str) -> &str {
    let b = raw.as_bytes();
    let plain = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii_graphic());
    if plain(b.first()) && plain(b.last()) {
        raw
    } else {
        raw.trim()
    }
}

fn amount_as(raw: &str, role: Role, style: Style) -> Result<Decimal, String> {
    let s = trim(raw);
    // Most cells of a large file are plain `digits[.digits]` (with a decimal comma,
    // `1.234` is a thousand and more, so only `digits` are plain).
    if style.mark == Mark::Point || !s.contains('.') {
        if let Some(v) = plain_with(s, style.mark.chars().0) {
            return Ok(v);
        }
    }
    if s.is_empty() {
        return Err(format!("is empty ({}; {})", role.examples(), role.none()));
    }
    if let Some(hint) = spreadsheet_hint(s) {
        return Err(hint);
    }
    if is_missing(s) {
        return Err(format!(
            "is not a number (a missing value? {})",
            role.none()
        ));
    }
    if let Some(inner) = accounting_negative(s) {
        // `(1,000)`, `($1,000)`, `$ (1,000.00)`: say so when the inside is a number
        // (one level only: `((1))` is not one, and nesting must not recurse deeply).
        let number = accounting_negative(inner).is_none() && amount_as(inner, role, style).is_ok();
        return Err(if number {
            format!("is a negative amount in accounting style ({})", role.must())
        } else {
            format!("is not a number ({})", role.examples())
        });
    }
    if strip_currency_sign(s).is_some_and(|(_, r)| r.trim() == "-") {
        // Excel's accounting format shows zero as `$ -`; revcap does not guess.
        return Err(
            "is an accounting dash, which a spreadsheet shows for zero (write 0 if that is meant)"
                .into(),
        );
    }
    // A sign and a currency sign in either order, each maybe followed by spaces
    // (`-$5`, `$-5`, `$ 30,000` and Excel's accounting ` $ 30,000.00 `), or the
    // currency sign after the number (`1.234,50 €`).
    let (negative, rest) = sign(s);
    let rest = rest.trim_start();
    let (lead, rest) = match strip_currency_sign(rest) {
        Some((c, r)) => (Some(c), r.trim_start()),
        None => (None, rest),
    };
    let (negative, rest) = match sign(rest) {
        (true, r) if !negative => (true, r.trim_start()),
        (false, r) => (negative, r),
        (true, _) => return Err(format!("is not a number ({})", role.examples())),
    };
    let (trail, rest) = match rest.chars().last().and_then(Currency::of_sign) {
        Some(c) if lead.is_none() => (
            Some(c),
            rest.strip_suffix(c.sign()).unwrap_or(rest).trim_end(),
        ),
        _ => (None, rest),
    };
    if let Some(c) = lead.or(trail) {
        check_currency(c, style.currency)?;
    }
    let suffix = rest
        .chars()
        .last()
        .filter(|c| "KkMmBbTt".contains(*c))
        .and_then(|c| Some((rest.strip_suffix(c)?, c)));
    let (body, multiplier_exp) = match suffix {
        Some((body, c)) => {
            let exp = match c.to_ascii_uppercase() {
                'K' => 3,
                'M' => 6,
                'B' => 9,
                _ => 12,
            };
            // `38 B` as well as `38B`.
            (body.trim_end(), exp)
        }
        None => (rest, 0),
    };
    // Spaces for thousands (French `1 234 567,89`, SI `30 000 000`), with spaces or
    // no-break spaces, when they make groups of three.
    let body = match space_grouped(body, style.mark) {
        Some(b) => std::borrow::Cow::Owned(b),
        None => std::borrow::Cow::Borrowed(body),
    };
    let value = unsigned_decimal(&body, true, style.mark).map_err(|e| {
        decimal_comma_hint(s, style.mark)
            .or(e)
            .or_else(|| unit_hint(rest))
            .unwrap_or_else(|| format!("is not a number ({})", role.examples()))
    })?;
    let value = match multiplier_exp {
        0 => value,
        // `12.7B` is 12700000000, not 12700000000.0: a suffix says nothing about
        // precision, so drop the trailing zeros the multiplication leaves.
        e => scale_by_pow10(value, e).ok_or_else(too_large)?.normalize(),
    };
    Ok(if negative { -value } else { value })
}

/// The inside of an accounting negative: `(1,000)`, `($1,000)`, `$ (1,000)`, or
/// `None` if `s` is not one.
fn accounting_negative(s: &str) -> Option<&str> {
    let s = strip_currency_sign(s).map_or(s, |(_, r)| r.trim_start());
    s.strip_prefix('(')?.strip_suffix(')').map(str::trim)
}

/// A leading `$`, `€` or `£` and what follows it.
fn strip_currency_sign(s: &str) -> Option<(Currency, &str)> {
    let c = Currency::of_sign(s.chars().next()?)?;
    Some((c, s.strip_prefix(c.sign())?))
}

/// Whether a cell may carry the sign of `sign`: the file's currency, or `$` when
/// nothing names one.
fn check_currency(sign: Currency, file: Option<Currency>) -> Result<(), String> {
    let shown = crate::error::quote(&sign.sign().to_string());
    match file {
        Some(c) if c == sign => Ok(()),
        None if sign == Currency::Usd => Ok(()),
        None => Err(format!(
            "has a currency sign {shown}, but nothing says the amounts are in {code} (pass --unit {code}, or write the currency in the header, e.g. Revenue ({sign}); revcap never converts)",
            code = sign.code(),
            sign = sign.sign()
        )),
        Some(c) => Err(format!(
            "has a currency sign {shown}, but the amounts are in {} (revcap never converts: write every amount in one currency)",
            c.code()
        )),
    }
}

/// The words spreadsheets and people put for a value they do not have.
fn is_missing(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "n/a" | "na" | "nan" | "null" | "none" | "-" | "—"
    )
}

/// `digits[.digits]` built straight into a `Decimal`, without allocating: the fast
/// path for the common cell. The result is exactly what `Decimal::from_str_exact`
/// gives (same mantissa and scale); anything else, or anything that would not fit,
/// is `None` and goes the slow way, which parses it or says what is wrong.
/// Pinned by `tests::plain_decimal_matches_from_str_exact`.
pub fn plain_decimal(s: &str) -> Option<Decimal> {
    plain_with(s, '.')
}

/// [`plain_decimal`] with `decimal` for the decimal mark (`digits[,digits]` in a file
/// read with a decimal comma).
fn plain_with(s: &str, decimal: char) -> Option<Decimal> {
    // The mark is ASCII (`.` or `,`): a byte search, cheaper than a `char` pattern on
    // every cell of a large file.
    let mark = u8::try_from(decimal).ok()?;
    // At most 19 bytes are at most 19 digits, which fit in 64 bits: one pass over
    // them (the common cell, `4208758224.17`). Pinned to the general way by
    // `tests::short_plain_is_general_plain`.
    if s.len() <= 19 {
        short_plain(s, mark)
    } else {
        general_plain(s, mark)
    }
}

/// [`plain_with`] of at most 19 bytes, in one pass: the digits before the mark,
/// then those after it, eight at a time where eight follow ([`eight_digits`]), one
/// at a time after that. At most 19 digits: the mantissa stays below 10^19 < 2^64.
fn short_plain(s: &str, mark: u8) -> Option<Decimal> {
    let bytes = s.as_bytes();
    let (mantissa, int) = digit_run(bytes, 0, 0);
    // Digits before the mark and after it (`.5` and `5.` are not plain).
    let (mantissa, scale) = match bytes.get(int) {
        None if int > 0 => (mantissa, 0),
        Some(&b) if b == mark && int > 0 => {
            let (mantissa, end) = digit_run(bytes, int + 1, mantissa);
            if end != bytes.len() || end == int + 1 {
                return None;
            }
            (mantissa, u32::try_from(end - int - 1).ok()?)
        }
        _ => return None,
    };
    // The low and middle 32-bit words of the mantissa; scale ≤ 18.
    Some(Decimal::from_parts(
        mantissa as u32,
        (mantissa >> 32) as u32,
        0,
        false,
        scale,
    ))
}

/// The digits of `bytes` from `at` on, appended to `value`, and where they end
/// (`bytes` holds at most 19 digits: see [`short_plain`]).
fn digit_run(bytes: &[u8], mut at: usize, mut value: u64) -> (u64, usize) {
    while let Some(eight) = bytes.get(at..at + 8).and_then(eight_digits) {
        value = value.wrapping_mul(100_000_000).wrapping_add(eight);
        at += 8;
    }
    while let Some(&b) = bytes.get(at) {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        value = value.wrapping_mul(10).wrapping_add(u64::from(d));
        at += 1;
    }
    (value, at)
}

/// Eight bytes that are all ASCII digits, as the number they write (the first the
/// most significant), in a few multiplications rather than eight steps; `None` when
/// one is not a digit. Pinned by `tests::eight_digits_read_as_eight_steps`.
fn eight_digits(bytes: &[u8]) -> Option<u64> {
    const HIGH: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    let w = u64::from_le_bytes(bytes.try_into().ok()?);
    // A digit's high half is 3, and adding 6 to it leaves that half alone (`:` to
    // `?` carry into it). No byte carries into the next: one that could is not 0x3_.
    if w & HIGH != ZEROS || w.wrapping_add(0x0606_0606_0606_0606) & HIGH != ZEROS {
        return None;
    }
    // Pairs of digits, then fours, then the eight: each step multiplies the higher
    // place by 10, 100 or 10^4 and adds the lower (the first byte is the lowest).
    let w = (w & 0x0F0F_0F0F_0F0F_0F0F).wrapping_mul(2561) >> 8;
    let w = (w & 0x00FF_00FF_00FF_00FF).wrapping_mul(6_553_601) >> 16;
    Some((w & 0x0000_FFFF_0000_FFFF).wrapping_mul(42_949_672_960_001) >> 32)
}

/// [`plain_with`] of any length (in practice over 19 bytes: shorter cells take
/// [`short_plain`]): split at the mark, then the digits.
fn general_plain(s: &str, mark: u8) -> Option<Decimal> {
    let (int, frac) = match s.bytes().position(|b| b == mark) {
        Some(i) => (s.get(..i)?, Some(s.get(i + 1..)?)),
        None => (s, None),
    };
    if int.is_empty() || frac.is_some_and(str::is_empty) {
        return None;
    }
    let frac = frac.unwrap_or("");
    let scale = u32::try_from(frac.len()).ok()?;
    // 28 digits always fit in 96 bits (10^28 < 2^96); longer numbers go the slow way.
    if int.len() + frac.len() > 28 {
        return None;
    }
    let mut mantissa: i128 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        if !b.is_ascii_digit() {
            return None;
        }
        mantissa = mantissa * 10 + i128::from(b - b'0');
    }
    Decimal::try_from_i128_with_scale(mantissa, scale).ok()
}

/// Parses a rate: a fraction (`0.2`, `.2`) or a percent (`20%`), which must lie in
/// [0, 1].
pub fn rate(raw: &str) -> Result<Decimal, String> {
    rate_as(raw, RATE_EXAMPLES, Mark::Point)
}

/// Parses a cell of a `rate` column: as [`rate`], but a missing value is told that
/// an empty cell, not 0, means the terms' rate (0 pays nothing).
pub fn rate_cell(raw: &str) -> Result<Decimal, String> {
    rate_cell_in(raw, Mark::Point)
}

/// [`rate_cell`] in a file whose decimal mark is `mark` (`0,2`, `20,5%`).
pub fn rate_cell_in(raw: &str, mark: Mark) -> Result<Decimal, String> {
    rate_as(
        raw,
        "a missing value? leave the cell empty to use the terms' rate",
        mark,
    )
}

/// `missing` is the hint for `n/a` and its kin.
fn rate_as(raw: &str, missing: &str, mark: Mark) -> Result<Decimal, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(format!("is empty ({RATE_EXAMPLES})"));
    }
    if let Some(hint) = spreadsheet_hint(s) {
        return Err(hint);
    }
    if is_missing(s) {
        return Err(format!("is not a rate ({missing})"));
    }
    if s.starts_with('(') && s.ends_with(')') {
        return Err(format!(
            "is a negative rate in accounting style ({RATE_EXAMPLES})"
        ));
    }
    let (percent, body) = match s.strip_suffix('%') {
        Some(b) => (true, b.trim_end()),
        None => (false, s),
    };
    let (negative, body) = sign(body);
    let value = unsigned_decimal(body, false, mark).map_err(|e| {
        decimal_comma_hint(s, mark)
            .or(e)
            .unwrap_or_else(|| format!("is not a rate ({RATE_EXAMPLES})"))
    })?;
    let value = if percent {
        scale_by_pow10(value, -2).ok_or_else(|| "has too many decimal places".to_string())?
    } else {
        value
    };
    if negative && !value.is_zero() {
        return Err(format!("is negative ({RATE_EXAMPLES})"));
    }
    if value > Decimal::ONE {
        return Err(if !percent && value <= Decimal::ONE_HUNDRED {
            format!("is above 1 (a rate is a fraction: did you mean {value}%?)")
        } else {
            format!("is above 100% ({RATE_EXAMPLES})")
        });
    }
    Ok(value)
}

/// Parses a period, in any case: a year `2027`; a half-year `2027H1`, `2027-H1`,
/// `2027 H1`, `H1 2027`, `H1-2027`, `1H27`; a quarter `2027Q3`, `2027-Q3`,
/// `2027 Q3`, `Q3 2027`, `Q3-2027`, `3Q27`; a month `2027-03`, `2027/3`, `03/2027`,
/// `Mar-2027`, `Mar 2027`, `March 2027`, `Mar-27`; a fiscal year `FY2027`, `FY27`,
/// `FY 2027`; a month-end date `2027-03-31`, `2027/03/31`, `31/03/2027`, `3/31/2027`
/// (docs/spec.md §2.3). A two-digit year is
/// 2000–2099, and is read only where nothing else could be meant (`Mar 27` could be a
/// day, and is refused).
///
/// A fiscal year or a date comes back *pending* ([`Period::is_pending`]): which
/// months it covers is settled once its scenario is gathered (`load::periods`).
pub fn period(raw: &str) -> Result<Period, String> {
    // `2027-03`, the form of nearly every row of a large long file, read at once;
    // what `year_first` gives it (pinned by `tests::month_shortcut_is_year_first`).
    if let Some(p) = plain_month(raw) {
        return Ok(p);
    }
    let s = trim(raw);
    if s.is_empty() {
        return Err("is empty (expected a period such as 2027, 2027Q3 or 2027-03)".into());
    }
    // A total row's word never starts with a digit; most periods do (`2027-03`).
    let digit = s.as_bytes().first().is_some_and(u8::is_ascii_digit);
    if !digit
        && ["total", "totals", "sum", "grand total"]
            .iter()
            .any(|t| s.eq_ignore_ascii_case(t))
    {
        return Err("looks like a total row; remove it (revcap sums the periods itself)".into());
    }
    let year = s
        .get(..4)
        .and_then(digits)
        .and_then(|y| i32::try_from(y).ok());
    match year {
        Some(year) => year_first(s, year),
        None if digit => year_last(s).unwrap_or_else(|| written_out(s)),
        None => written_out(s),
    }
}

/// The numeric forms with the four-digit year last, as spreadsheets write them: a
/// month `03/2027`, `3-2027`, and a date `31/03/2027`, `3/31/2027`, `31.03.2027`
/// (docs/spec.md §2.3). A month-end day (28 to 31) cannot be a month, so a month-end
/// date reads one way only, day first or month first; it stands for the period that
/// ends on it, as `2027-03-31` does. Any other date is refused with the months it could
/// be in. `None` when `s` is not such a form (`3Q27` and others go on as written out).
/// Pinned by `tests::dates_with_the_year_last_are_read_either_way_round`.
fn year_last(s: &str) -> Option<Result<Period, String>> {
    let sep = s.chars().find(|c| matches!(c, '/' | '-' | '.'))?;
    let parts: Vec<&str> = s.split(sep).map(str::trim).collect();
    let small = |p: &str| {
        (1..=2)
            .contains(&p.len())
            .then(|| digits(p))
            .flatten()
            .and_then(|n| u32::try_from(n).ok())
    };
    let (year, rest) = parts.split_last()?;
    let year = year_of(year, false)?;
    let numbers: Vec<u32> = rest.iter().map(|p| small(p)).collect::<Option<_>>()?;
    let (a, b) = match (numbers.as_slice(), rest) {
        // The month as written: `month_of` reads and checks it as after a year.
        (&[_], &[m]) => return Some(month_of(year, m)),
        (&[a, b], _) => (a, b),
        _ => return None,
    };
    // Each reading that is a date: day first, then month first.
    let mut readings: Vec<Date> = [(b, a), (a, b)]
        .into_iter()
        .filter_map(|(m, d)| Date::from_ymd(year, m, d))
        .collect();
    readings.dedup();
    Some(match readings.as_slice() {
        [one] => month_end(*one),
        // Neither reading is a day of the calendar: name the one month it could be.
        [] => match [a, b].into_iter().filter(|m| (1..=12).contains(m)).collect::<Vec<_>>().as_slice() {
            &[m] => {
                let day = if m == a { b } else { a };
                Err(format!(
                    "is not a date: {year:04}-{m:02} has no day {day} (write the period instead, e.g. {year:04}-{m:02})"
                ))
            }
            _ => Err(PERIOD_EXPECTED.into()),
        },
        // Both numbers are 12 or less: no month ends on either day.
        [first, second] => Err(format!(
            "is a date that does not end a month, read day first or month first (a date is read as the last day of a period; write the period instead, e.g. {year:04}-{:02} or {year:04}-{:02})",
            first.ymd().1,
            second.ymd().1
        )),
        _ => Err(PERIOD_EXPECTED.into()),
    })
}

/// `YYYY-MM` with a month 01 to 12, as a month; `None` for anything else.
pub fn plain_month(raw: &str) -> Option<Period> {
    let &[y0, y1, y2, y3, b'-', m0, m1] = raw.as_bytes() else {
        return None;
    };
    let digit = |b: u8| b.is_ascii_digit().then(|| u32::from(b - b'0'));
    let year = ((digit(y0)? * 10 + digit(y1)?) * 10 + digit(y2)?) * 10 + digit(y3)?;
    let month = digit(m0)? * 10 + digit(m1)?;
    if !(1..=12).contains(&month) {
        return None;
    }
    Period::month(i32::try_from(year).ok()?, month)
}

const PERIOD_EXPECTED: &str =
    "is not a period (expected a year 2027, a quarter 2027Q3 or 2027-Q3, or a month 2027-03)";

/// The forms that start with the four-digit year: `2027`, `2027Q3`, `2027-Q3`,
/// `2027 Q3`, `2027-03`, `2027/03`.
fn year_first(s: &str, year: i32) -> Result<Period, String> {
    // Only a 10-character cell can be a date (`2027-03-31`, `2027/03/31`): the common
    // `2027-03` is neither copied nor parsed as one (this runs for every row).
    if s.len() == 10 {
        let slashed = s.replace('/', "-");
        if let Some(d) = Date::parse(&slashed) {
            return month_end(d);
        }
    }
    // The caller read four ASCII digits, so 4 is a character boundary.
    let rest = s.get(4..).unwrap_or_default();
    if rest.is_empty() {
        return Period::year(year).ok_or_else(|| PERIOD_EXPECTED.into());
    }
    let half = ["-", " ", ""].iter().find_map(|sep| {
        let r = rest.strip_prefix(sep)?;
        r.strip_prefix('H').or_else(|| r.strip_prefix('h'))
    });
    if let Some(h) = half {
        return half_of(year, h);
    }
    let quarter = ["-", " ", ""].iter().find_map(|sep| {
        let r = rest.strip_prefix(sep)?;
        r.strip_prefix('Q').or_else(|| r.strip_prefix('q'))
    });
    if let Some(q) = quarter {
        return quarter_of(year, q);
    }
    match rest.strip_prefix('-').or_else(|| rest.strip_prefix('/')) {
        Some(m) => month_of(year, m),
        None => Err(PERIOD_EXPECTED.into()),
    }
}

/// A date read as a period's end: the last day of a month stands for the period that
/// ends on it (pending until its scenario says how long); any other day is refused.
fn month_end(d: Date) -> Result<Period, String> {
    let (y, m, day) = d.ymd();
    let quarter = format!("{y:04}Q{}", (m - 1) / 3 + 1);
    if day == 1 {
        return Err(format!(
            "is a date, not a period (did a spreadsheet turn {y:04}-{m:02} into a date? write the period as text: {y:04}-{m:02}, {quarter} or {y:04})"
        ));
    }
    if day != days_in_month(y, m) {
        return Err(format!(
            "is a date that does not end a month (a date is read as the last day of a period; write the period instead, e.g. {y:04}-{m:02} or {quarter})"
        ));
    }
    Period::pending_end(y, m).ok_or_else(|| PERIOD_EXPECTED.into())
}

/// Half-year `h` (the text after the `H`) of `year`.
fn half_of(year: i32, h: &str) -> Result<Period, String> {
    match digits(h) {
        Some(n @ 1..=2) if h.len() == 1 => {
            Period::half(year, n as u32).ok_or_else(|| PERIOD_EXPECTED.into())
        }
        _ => Err(HALF_EXPECTED.into()),
    }
}

const HALF_EXPECTED: &str = "is not a period: half-years are H1 and H2 (e.g. 2026H1 or H1 2026)";

/// Quarter `q` (the text after the `Q`) of `year`.
fn quarter_of(year: i32, q: &str) -> Result<Period, String> {
    match digits(q) {
        Some(n @ 1..=4) if q.len() == 1 => {
            Period::quarter(year, n as u32).ok_or_else(|| PERIOD_EXPECTED.into())
        }
        _ => Err(format!("{PERIOD_EXPECTED}: quarters are Q1 to Q4")),
    }
}

/// Month `m` (its number as written, `3` or `03`) of `year`.
fn month_of(year: i32, m: &str) -> Result<Period, String> {
    match digits(m) {
        Some(n @ 1..=12) if m.len() <= 2 => {
            Period::month(year, n as u32).ok_or_else(|| PERIOD_EXPECTED.into())
        }
        Some(_) => Err(format!("{PERIOD_EXPECTED}: months are 01 to 12")),
        None => Err(PERIOD_EXPECTED.into()),
    }
}

/// The forms that do not start with the year: `Q3 2027`, `Q3-27`, `3Q27`,
/// `Sep-2027`, `September 2027`, `Sep-27`.
fn written_out(s: &str) -> Result<Period, String> {
    let lower = s.to_ascii_lowercase();
    // `FY2027`, `FY27`, `FY 2027`, `FY-2027`: a fiscal year, named by the year it ends
    // in; its months are settled with the fiscal start (`load::periods`).
    if let Some(r) = lower.strip_prefix("fy") {
        let y = r.strip_prefix([' ', '-']).unwrap_or(r);
        return year_of(y, true)
            .and_then(Period::pending_fiscal_year)
            .ok_or_else(|| {
                "is not a period: a fiscal year is FY and its year, e.g. FY2026 or FY26".into()
            });
    }
    // `H1 2027`, `H1-2027`, `H1 27`: the half, a separator, the year.
    if let Some(r) = lower.strip_prefix('h') {
        let (h, y) = r.split_at(r.find([' ', '-']).unwrap_or(r.len()));
        let y = y.trim_start_matches([' ', '-']);
        return match year_of(y, true) {
            Some(year) => half_of(year, h),
            None => Err(HALF_EXPECTED.into()),
        };
    }
    // `1H27`, `1H2027`: the half's number, `H`, the year.
    if let Some((h, y)) = lower.split_once('h') {
        if h.len() == 1 && h.bytes().all(|b| b.is_ascii_digit()) {
            return match year_of(y, true) {
                Some(year) => half_of(year, h),
                None => Err(HALF_EXPECTED.into()),
            };
        }
    }
    // `Q3 2027`, `Q3-2027`, `Q3 27`: the quarter, a separator, the year.
    if let Some(r) = lower.strip_prefix('q') {
        let (q, y) = r.split_at(r.find([' ', '-']).unwrap_or(r.len()));
        let y = y.trim_start_matches([' ', '-']);
        return match year_of(y, true) {
            Some(year) => quarter_of(year, q),
            None => Err(PERIOD_EXPECTED.into()),
        };
    }
    // `3Q27`, `3Q2027`: the quarter's number, `Q`, the year.
    if let Some((q, y)) = lower.split_once('q') {
        if q.len() == 1 && q.bytes().all(|b| b.is_ascii_digit()) {
            return match year_of(y, true) {
                Some(year) => quarter_of(year, q),
                None => Err(PERIOD_EXPECTED.into()),
            };
        }
    }
    // `Sep-2027`, `Sep 2027`, `September 2027`, `Sept. 2027`, `Sep-27`.
    let name_end = lower
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(lower.len());
    let (name, rest) = lower.split_at(name_end);
    let Some(m) = month_number(name) else {
        return Err(PERIOD_EXPECTED.into());
    };
    let rest = rest.strip_prefix('.').unwrap_or(rest);
    let (dash, y) = match rest.strip_prefix('-') {
        Some(y) => (true, y),
        None => (false, rest.trim_start()),
    };
    if y.len() == 2 && !dash && y.bytes().all(|b| b.is_ascii_digit()) && rest != y {
        // `Sep 26` is as likely the 26th of September as September 2026.
        return Err(format!(
            "is ambiguous (a month and a two-digit year, or a day? write the year in full, e.g. {} 20{y}, or 20{y}-{m:02})",
            name_title(s, name.len())
        ));
    }
    match year_of(y, dash) {
        Some(year) => Period::month(year, m).ok_or_else(|| PERIOD_EXPECTED.into()),
        None => Err(PERIOD_EXPECTED.into()),
    }
}

/// A year of four digits, or, when `short` may be read, two digits meaning
/// 2000–2099.
fn year_of(y: &str, short: bool) -> Option<i32> {
    let n = i32::try_from(digits(y)?).ok()?;
    match y.len() {
        4 => Some(n),
        2 if short => Some(2000 + n),
        _ => None,
    }
}

/// January is 1: a month's English name, its three-letter abbreviation or `Sept`
/// (lower case).
fn month_number(name: &str) -> Option<u32> {
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let i = NAMES.iter().position(|full| {
        name == *full
            || (name.len() == 3 && full.starts_with(name))
            || (name == "sept" && *full == "september")
    })?;
    u32::try_from(i + 1).ok()
}

/// The month name as written in `s` (its first `len` bytes), for a message.
fn name_title(s: &str, len: usize) -> &str {
    s.get(..len).unwrap_or(s)
}

/// Parses the month a fiscal year starts in: a month's name (`July`, `Jul`, any case)
/// or its number 1 to 12.
pub fn fiscal_start(raw: &str) -> Result<FiscalStart, String> {
    let s = raw.trim();
    let month = match digits(s) {
        Some(n) if s.len() <= 2 => u32::try_from(n).ok(),
        _ => month_number(&s.to_ascii_lowercase()),
    };
    month.and_then(FiscalStart::month).ok_or_else(|| {
        "is not a month (expected a month's name or number, e.g. July, Jul or 7)".into()
    })
}

/// Parses a date `YYYY-MM-DD`.
pub fn date(raw: &str) -> Result<Date, String> {
    Date::parse(raw.trim())
        .ok_or_else(|| "is not a date (expected YYYY-MM-DD, e.g. 2026-04-27)".to_string())
}

/// Parses a cap: an amount ≥ 0, or `none` for no cap.
pub fn cap(raw: &str) -> Result<Option<Decimal>, String> {
    if raw.trim().eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    let v = amount_as(raw, Role::Cap, Style::default())?;
    if v.is_sign_negative() && !v.is_zero() {
        return Err("is negative (a cap must be ≥ 0, or none)".into());
    }
    // `-0` is zero; drop its sign so it prints as 0.
    Ok(Some(v.abs()))
}

/// Parses an amount that must be ≥ 0.
pub fn non_negative(raw: &str) -> Result<Decimal, String> {
    let v = amount_as(raw, Role::Paid, Style::default())?;
    if v.is_sign_negative() && !v.is_zero() {
        return Err("is negative (expected an amount ≥ 0)".into());
    }
    // `-0` is zero; drop its sign so it prints as 0.
    Ok(v.abs())
}

fn sign(s: &str) -> (bool, &str) {
    if let Some(r) = s.strip_prefix('-') {
        (true, r)
    } else if let Some(r) = s.strip_prefix('+') {
        (false, r)
    } else {
        (false, s)
    }
}

fn digits(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 18 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn too_large() -> String {
    "is too large (amounts must stay below 7.9e28)".to_string()
}

/// A number followed by letters that are not a K/M/B/T suffix: a currency or a unit
/// word (`12 USD`, `12bn`, `€12`), which revcap does not interpret.
fn unit_hint(s: &str) -> Option<String> {
    if s.ends_with('%') {
        return Some("is a percent, not an amount (expected an amount in money)".into());
    }
    let ends = [s.chars().next(), s.chars().last()];
    if let Some(symbol) = ends.into_iter().flatten().find(|c| "€£¥₹".contains(*c)) {
        return Some(format!(
            "has a currency sign {} (write the number alone; revcap never converts units)",
            crate::error::quote(&symbol.to_string())
        ));
    }
    let digit = |c: char| c.is_ascii_digit() || c == '.' || c == ',';
    let numeric = |w: &str| w.chars().all(digit);
    let digits_end = s.find(|c: char| !digit(c))?;
    let (number, rest) = s.split_at(digits_end);
    let word = rest.trim();
    let unit = if !number.is_empty() {
        Some(word).filter(|w| !w.is_empty() && w.chars().all(char::is_alphabetic))
    } else {
        None
    };
    // A unit written first too (`USD 13`, `EUR 1,200 m`): the words around the number.
    let unit = unit.map(str::to_string).or_else(|| {
        let tokens: Vec<&str> = s.split_whitespace().collect();
        let at = tokens.iter().position(|t| numeric(t))?;
        let words: Vec<&str> = tokens
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != at)
            .map(|(_, t)| *t)
            .collect();
        let all_words = words.iter().all(|w| w.chars().all(char::is_alphabetic));
        (at > 0 && all_words).then(|| words.join(" "))
    })?;
    Some(format!(
        "has a unit {} (write the number alone, with at most a K, M, B or T suffix; revcap never converts units)",
        crate::error::quote(&unit)
    ))
}

/// Hints for values spreadsheets export that are not numbers.
fn spreadsheet_hint(s: &str) -> Option<String> {
    if s.contains(['\n', '\r']) {
        return Some(
            "runs over several lines (a quote opened and never closed? check the quotes on this line)"
                .into(),
        );
    }
    if s.starts_with('#') {
        return Some(
            "is a spreadsheet error value, not a number (fix the formula or write 0)".into(),
        );
    }
    None
}

/// `digits[.digits][e[+-]digits]`, with thousands separators in the integer part when
/// `allow_grouping`. `Err(None)` means "not a number"; `Err(Some(msg))` a specific hint.
fn unsigned_decimal(s: &str, allow_grouping: bool, mark: Mark) -> Result<Decimal, Option<String>> {
    let (decimal, group) = mark.chars();
    let (mantissa, exp) = match s.split_once(['e', 'E']) {
        Some((mantissa, e)) => {
            let (neg, e_digits) = sign(e);
            let e = digits(e_digits).filter(|&e| e <= 100).ok_or(None)? as i32;
            (mantissa, if neg { -e } else { e })
        }
        None => (s, 0),
    };
    let (int, frac) = match mantissa.split_once(decimal) {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    // `.5` is 0.5: spreadsheets export fractions without the leading zero.
    let int = if int.is_empty() && frac.is_some_and(|f| !f.is_empty()) {
        "0"
    } else {
        int
    };
    let int_digits: String = if int.contains(group) {
        if !allow_grouping {
            return Err(Some(
                match mark {
                    Mark::Point => "has a comma (write the number without separators, e.g. 0.2)",
                    Mark::Comma => "has a dot (write the number without separators, e.g. 0,2)",
                }
                .into(),
            ));
        }
        let groups: Vec<&str> = int.split(group).collect();
        // Something other than digits between the separators (`1.234 Mrd`, `1,2a3`):
        // not where the separators are but what else is there is wrong, and the
        // caller says that (a unit, or not a number). Pinned by
        // `tests::grouped_digits_with_a_unit_are_a_unit_not_misplaced_separators`.
        if !groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit())) {
            return Err(None);
        }
        // A thousands group never leads with 0: `0,125` is no hundred and twenty-five.
        let well_formed = groups
            .first()
            .is_some_and(|g| (1..=3).contains(&g.len()) && !g.starts_with('0'))
            && groups.iter().skip(1).all(|g| g.len() == 3);
        if !well_formed {
            return Err(Some(match mark {
                Mark::Point if frac.is_none() && groups.len() == 2 => {
                    "has a comma that is not a thousands separator (a decimal comma? write 12.7, not 12,7)"
                }
                Mark::Point => {
                    "has misplaced thousands separators (expected groups of three digits, e.g. 12,700,000)"
                }
                Mark::Comma => {
                    "has misplaced thousands separators (expected groups of three digits, e.g. 12.700.000,5)"
                }
            }
            .into()));
        }
        groups.concat()
    } else {
        int.to_string()
    };
    if int_digits.is_empty() || !int_digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(None);
    }
    // Decimal holds 28 or 29 digits: a longer integer part cannot fit, however long
    // (a 10 MB cell is answered without building a number from it).
    if int_digits.trim_start_matches('0').len() > 29 {
        return Err(Some(too_large()));
    }
    if let Some(f) = frac {
        if allow_grouping
            && mark == Mark::Point
            && f.contains(',')
            && int.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(Some(
                "has a comma after the decimal point (a decimal comma, as in 1.234,5? write 1234.5)"
                    .into(),
            ));
        }
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return Err(None);
        }
    }
    let text = match frac {
        Some(f) => format!("{int_digits}.{f}"),
        None => int_digits,
    };
    let value = Decimal::from_str_exact(&text).map_err(|_| {
        Some(if frac.is_some_and(|f| f.len() > 28) {
            "has more than 28 decimal places".to_string()
        } else {
            too_large()
        })
    })?;
    scale_by_pow10(value, exp).ok_or_else(|| {
        Some(if exp < 0 {
            "has more than 28 decimal places".into()
        } else {
            too_large()
        })
    })
}

/// `value × 10^exp`, exactly, or `None` if it does not fit a Decimal.
pub fn scale_by_pow10(value: Decimal, exp: i32) -> Option<Decimal> {
    if exp >= 0 {
        let mut v = value;
        for _ in 0..exp {
            v = v.checked_mul(Decimal::TEN)?;
        }
        Some(v)
    } else {
        let scale = value.scale().checked_add(exp.unsigned_abs())?;
        if scale > 28 {
            // Trailing zeros may still make it representable.
            let n = value.normalize();
            let scale = n.scale().checked_add(exp.unsigned_abs())?;
            if scale > 28 {
                return None;
            }
            let mut v = n;
            v.set_scale(scale).ok()?;
            return Some(v);
        }
        let mut v = value;
        v.set_scale(scale).ok()?;
        Some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn amounts_in_every_documented_form() {
        assert_eq!(amount("12700000000").unwrap(), d("12700000000"));
        assert_eq!(amount("12.7").unwrap(), d("12.7"));
        assert_eq!(amount("$12.7B").unwrap(), d("12700000000"));
        assert_eq!(amount("12,700,000,000").unwrap(), d("12700000000"));
        assert_eq!(amount("$12,700,000,000.50").unwrap(), d("12700000000.5"));
        assert_eq!(amount("1.27e10").unwrap(), d("12700000000"));
        assert_eq!(amount("1.27E+10").unwrap(), d("12700000000"));
        assert_eq!(amount("5e-3").unwrap(), d("0.005"));
        assert_eq!(amount("3K").unwrap(), d("3000"));
        assert_eq!(amount("2.5m").unwrap(), d("2500000"));
        assert_eq!(amount("1.2T").unwrap(), d("1200000000000"));
        assert_eq!(amount("167.332B").unwrap().to_string(), "167332000000");
        assert_eq!(amount("38 B").unwrap(), d("38000000000"));
        assert_eq!(cap("-0").unwrap().unwrap().to_string(), "0");
        assert_eq!(amount("-5").unwrap(), d("-5"));
        assert_eq!(amount("-$5").unwrap(), d("-5"));
        assert_eq!(amount("$-5").unwrap(), d("-5"));
        // Precision that a float would lose is kept.
        assert_eq!(
            amount("12345678901234567.89").unwrap().to_string(),
            "12345678901234567.89"
        );
        assert_eq!(amount("1.10").unwrap().to_string(), "1.10");
    }

    #[test]
    fn amounts_as_spreadsheets_export_them() {
        assert_eq!(amount(".5").unwrap().to_string(), "0.5");
        assert_eq!(amount(".5B").unwrap().to_string(), "500000000");
        assert_eq!(amount("$.5B").unwrap().to_string(), "500000000");
        assert_eq!(amount("-.5").unwrap().to_string(), "-0.5");
        assert_eq!(amount(".5e3").unwrap().to_string(), "500.0");
        assert_eq!(amount("$ 30,000").unwrap().to_string(), "30000");
        assert_eq!(amount(" $ 30,000.00 ").unwrap().to_string(), "30000.00");
        assert_eq!(amount("$   30,000.00").unwrap().to_string(), "30000.00");
        assert_eq!(amount("$ 12.7B").unwrap().to_string(), "12700000000");
        assert_eq!(amount("- $ 5").unwrap().to_string(), "-5");
        assert_eq!(amount("$ -5").unwrap().to_string(), "-5");
        assert_eq!(amount("$- 5").unwrap().to_string(), "-5");
        assert_eq!(non_negative(" $ 1,000 ").unwrap().to_string(), "1000");
        assert_eq!(cap("$ .5B").unwrap().unwrap().to_string(), "500000000");
    }

    proptest::proptest! {
        /// The fast path gives exactly the slow path's Decimal (mantissa and scale),
        /// and declines what it cannot represent.
        #[test]
        fn plain_decimal_matches_from_str_exact(int in "[0-9]{1,30}", frac in proptest::option::of("[0-9]{0,30}")) {
            let text = match &frac {
                Some(f) => format!("{int}.{f}"),
                None => int.clone(),
            };
            let fast = plain_decimal(&text);
            let exact = Decimal::from_str_exact(&text).ok().filter(|_| frac.as_deref() != Some(""));
            if let Some(v) = fast {
                let e = exact.unwrap();
                proptest::prop_assert_eq!((v.mantissa(), v.scale()), (e.mantissa(), e.scale()));
            } else {
                // Declined: too long for the fast path, or not plain.
                proptest::prop_assert!(int.len() + frac.as_ref().map_or(0, String::len) > 28 || frac.as_deref() == Some(""));
            }
            // Either way `amount` agrees with the exact parse where that succeeds.
            if let Some(e) = exact {
                proptest::prop_assert_eq!(amount(&text).ok(), Some(e));
            }
        }
    }

    proptest::proptest! {
        /// The one-pass reading of short cells gives what the general way gives, bit
        /// for bit, for any mix of digits, marks and other characters.
        #[test]
        fn short_plain_is_general_plain(s in "[0-9.,x ]{0,19}", comma in proptest::prelude::any::<bool>()) {
            let mark = if comma { b',' } else { b'.' };
            let bits = |d: Option<Decimal>| d.map(|d| d.serialize());
            proptest::prop_assert_eq!(bits(short_plain(&s, mark)), bits(general_plain(&s, mark)));
        }
    }

    /// Eight bytes read at once are what eight steps of `digit × 10` give when all
    /// are digits, and `None` when any is not: every byte value in every place, the
    /// others digits, and runs of random digits.
    #[test]
    fn eight_digits_read_as_eight_steps() {
        let steps = |b: &[u8]| {
            b.iter().try_fold(0u64, |v, &c| {
                c.is_ascii_digit().then(|| v * 10 + u64::from(c - b'0'))
            })
        };
        let mut bytes = *b"31415926";
        for place in 0..8 {
            for value in 0..=255u8 {
                let mut b = bytes;
                b[place] = value;
                assert_eq!(eight_digits(&b), steps(&b), "{b:?}");
            }
        }
        let mut seed = 1u64;
        for _ in 0..100_000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            for (i, b) in bytes.iter_mut().enumerate() {
                *b = b'0' + ((seed >> (8 * i)) % 10) as u8;
            }
            assert_eq!(eight_digits(&bytes), steps(&bytes), "{bytes:?}");
        }
        assert_eq!(eight_digits(b"00000000"), Some(0));
        assert_eq!(eight_digits(b"99999999"), Some(99_999_999));
        assert_eq!(eight_digits(b"1234567"), None);
    }

    proptest::proptest! {
        /// Cells of many digits, where eight are read at once: what the general way
        /// gives, bit for bit.
        #[test]
        fn long_runs_of_digits_are_general_plain(s in "[0-9]{0,12}[.:/]?[0-9]{0,12}", comma in proptest::prelude::any::<bool>()) {
            let s = s.get(..s.len().min(19)).unwrap_or_default();
            let mark = if comma { b',' } else { b'.' };
            let bits = |d: Option<Decimal>| d.map(|d| d.serialize());
            proptest::prop_assert_eq!(bits(short_plain(s, mark)), bits(general_plain(s, mark)));
        }
    }

    /// `2027-03` read at once is what the general reading of a period gives, for every
    /// month number and the years at the edges.
    #[test]
    fn month_shortcut_is_year_first() {
        for year in [0, 1, 999, 1999, 2026, 9999] {
            for month in 0..=99 {
                let s = format!("{year:04}-{month:02}");
                let slow = year_first(&s, year);
                match plain_month(&s) {
                    Some(p) => assert_eq!(Ok(p), slow, "{s}"),
                    None => assert!(slow.is_err(), "{s}"),
                }
                assert_eq!(period(&s), slow, "{s}");
            }
        }
    }

    #[test]
    fn amounts_rejected_with_reasons() {
        for bad in [
            "12..7", "abc", "1_000", ".", ".e5", "5.", "1e", "B", "$", "--5", "1.2.3", "1e500",
            "12 7", "$ $5", "- -5", "((5))", "(abc)", "$ ", "5 -",
        ] {
            assert!(amount(bad).is_err(), "{bad} should be rejected");
        }
        assert!(amount("12,7").unwrap_err().contains("decimal comma"));
        assert!(amount("1,00,000")
            .unwrap_err()
            .contains("thousands separators"));
        assert!(amount("#N/A").unwrap_err().contains("spreadsheet error"));
        assert!(amount("12 USD")
            .unwrap_err()
            .contains(r#"has a unit "USD""#));
        assert!(amount("12.7bn").unwrap_err().contains(r#"has a unit "bn""#));
        assert!(amount("€12").unwrap_err().contains(r#"currency sign "€""#));
        assert!(amount("12 €").unwrap_err().contains(r#"currency sign "€""#));
        assert!(amount("12%").unwrap_err().contains("is a percent"));
        assert!(amount("1.234,5").unwrap_err().contains("decimal comma"));
        for accounting in ["(1,234)", "($1,234)", "$ (1,234.00)", " ( 5 ) "] {
            assert_eq!(
                amount(accounting).unwrap_err(),
                "is a negative amount in accounting style (revenue must be ≥ 0)",
                "{accounting}"
            );
        }
        assert_eq!(
            cap("(5)").unwrap_err(),
            "is a negative amount in accounting style (a cap must be ≥ 0, or none)"
        );
        assert_eq!(
            non_negative("(5)").unwrap_err(),
            "is a negative amount in accounting style (expected an amount ≥ 0)"
        );
        assert!(amount("$ -")
            .unwrap_err()
            .starts_with("is an accounting dash"));
        assert!(amount(" $-   ")
            .unwrap_err()
            .starts_with("is an accounting dash"));
        // A missing cap is `none`, not 0 (0 pays nothing).
        assert_eq!(
            cap("n/a").unwrap_err(),
            "is not a number (a missing value? write none for no cap)"
        );
        assert_eq!(
            amount("n/a").unwrap_err(),
            "is not a number (a missing value? write 0 for none)"
        );
        assert!(cap("").unwrap_err().ends_with("write none for no cap)"));
        // Forms that now parse no longer get hints for something else.
        assert!(amount(".5bn").unwrap_err().contains(r#"has a unit "bn""#));
        assert!(amount("$ 12,7").unwrap_err().contains("decimal comma"));
        assert!(amount("").unwrap_err().contains("is empty"));
        assert!(amount("100000000000000000000000000000")
            .unwrap_err()
            .contains("too large"));
        assert!(amount("80000000000000000000T")
            .unwrap_err()
            .contains("too large"));
        assert!(amount("0.00000000000000000000000000001")
            .unwrap_err()
            .contains("28 decimal"));
    }

    fn comma(s: &str) -> Result<String, String> {
        let style = Style {
            mark: Mark::Comma,
            currency: None,
        };
        amount_in(s, style).map(|v| v.to_string())
    }

    /// The message of an amount with unit words in it.
    fn unit<T>(words: &str) -> Result<T, String> {
        Err(format!("has a unit {} (write the number alone, with at most a K, M, B or T suffix; revcap never converts units)", crate::error::quote(words)))
    }

    /// Thousands separators around a unit are not the fault: the unit is named (before,
    /// `1.234 Mrd` under a decimal comma had "misplaced thousands separators").
    #[test]
    fn grouped_digits_with_a_unit_are_a_unit_not_misplaced_separators() {
        assert_eq!(comma("1.234 Mrd"), unit("Mrd"));
        assert_eq!(comma("1.234.567 EUR"), unit("EUR"));
        assert_eq!(amount("1,234 bn"), unit("bn"));
        assert!(amount("1,2a3").unwrap_err().starts_with("is not a number"));
        // Separators out of place, with nothing else there, are still said to be.
        assert!(comma("1.23")
            .unwrap_err()
            .contains("misplaced thousands separators"));
        assert!(amount("1,23,456")
            .unwrap_err()
            .contains("misplaced thousands separators"));
    }

    /// A unit before the number is named as one after it is (before, `USD 13 bn` was
    /// "not a number").
    #[test]
    fn a_unit_before_the_number_is_named() {
        assert_eq!(amount("USD 13"), unit("USD"));
        assert_eq!(amount("USD 13 bn"), unit("USD bn"));
        assert_eq!(amount("EUR 1,200 m"), unit("EUR m"));
        assert_eq!(amount("13 USD"), unit("USD"));
        for other in ["USD", "13 14", "Rev 13 x2", "abc"] {
            assert!(
                amount(other).unwrap_err().starts_with("is not a number"),
                "{other}"
            );
        }
    }

    #[test]
    fn amounts_with_a_decimal_comma() {
        for (written, value) in [
            ("12,7", "12.7"),
            ("0,2", "0.2"),
            (",5", "0.5"),
            ("1.234", "1234"),
            ("1.234,56", "1234.56"),
            ("1.234.567", "1234567"),
            ("1 234,56", "1234.56"),
            ("1\u{a0}234\u{a0}567,5", "1234567.5"),
            ("3\u{202f}700,00", "3700.00"),
            ("12,7B", "12700000000"),
            ("$ 1.234,50", "1234.50"),
            ("-12,5", "-12.5"),
            ("1234", "1234"),
            ("1,27e3", "1270.00"),
        ] {
            assert_eq!(comma(written), Ok(value.to_string()), "{written}");
        }
        for bad in [
            "12.7",
            "1.23",
            "1,234,567",
            "1.2345",
            "0.125",
            "1 23,5",
            "12,7,1",
        ] {
            assert!(comma(bad).is_err(), "{bad}");
        }
        assert_eq!(
            comma("1.23").unwrap_err(),
            "has misplaced thousands separators (expected groups of three digits, e.g. 12.700.000,5)"
        );
        let rate_comma = |s: &str| rate_cell_in(s, Mark::Comma).map(|v| v.to_string());
        assert_eq!(rate_comma("0,2"), Ok("0.2".into()));
        assert_eq!(rate_comma("20,5%"), Ok("0.205".into()));
        assert_eq!(rate_comma("20,5 %"), Ok("0.205".into()));
        assert_eq!(
            rate_comma("0.2").unwrap_err(),
            "has a dot (write the number without separators, e.g. 0,2)"
        );
    }

    #[test]
    fn what_a_number_says_of_the_mark() {
        for (written, want) in [
            ("12,7", Some(Form::Comma)),
            ("1.234,56", Some(Form::Comma)),
            ("0,2", Some(Form::Comma)),
            ("0,125", Some(Form::Comma)),
            ("1.234.567", Some(Form::Comma)),
            ("20,5%", Some(Form::Comma)),
            ("1 234,5 €", Some(Form::Comma)),
            ("12.7", Some(Form::Point)),
            ("1,234,567", Some(Form::Point)),
            ("1,234.5", Some(Form::Point)),
            ("0.125", Some(Form::Point)),
            ("$3.7B", Some(Form::Point)),
            ("1,234", Some(Form::Ambiguous)),
            ("1.234", Some(Form::Ambiguous)),
            ("$ 1,234 ", Some(Form::Ambiguous)),
            ("12", Some(Form::Either)),
            ("1 234", Some(Form::Either)),
            ("20%", Some(Form::Either)),
            ("n/a", None),
            ("", None),
            ("1,2,3", None),
        ] {
            assert_eq!(form(written), want, "{written}");
        }
        assert_eq!(with_decimal_point("1.234,5 €"), "1234.5 €");
        assert_eq!(with_decimal_point("3 700,5"), "3700.5");
    }

    #[test]
    fn hints_for_a_decimal_comma_name_the_cell() {
        assert_eq!(
            amount("12,7").unwrap_err(),
            "has a decimal comma (write 12.7)"
        );
        assert_eq!(
            amount("$1.234,5M").unwrap_err(),
            "has a decimal comma (write $1234.5M)"
        );
        assert_eq!(rate("0,2").unwrap_err(), "has a decimal comma (write 0.2)");
        assert_eq!(
            cap("1.234,5").unwrap_err(),
            "has a decimal comma (write 1234.5)"
        );
        // A thousands group never leads with 0.
        assert_eq!(
            amount("0,125").unwrap_err(),
            "has a decimal comma (write 0.125)"
        );
        // What is not a decimal comma keeps its hint.
        assert!(amount("1,00,000")
            .unwrap_err()
            .contains("misplaced thousands separators"));
    }

    #[test]
    fn currency_signs_only_in_their_currency() {
        let eur = Style {
            mark: Mark::Point,
            currency: Some(Currency::Eur),
        };
        let gbp = Style {
            mark: Mark::Point,
            currency: Some(Currency::Gbp),
        };
        for written in ["€12.5", "12.5€", "12.5 €", "- € 12.5", "€ -12.5"] {
            assert!(amount_in(written, eur).is_ok(), "{written}");
        }
        assert_eq!(amount_in("12.5 €", eur).unwrap().to_string(), "12.5");
        assert_eq!(amount_in("£3B", gbp).unwrap().to_string(), "3000000000");
        assert_eq!(
            amount_in("$5", eur).unwrap_err(),
            r#"has a currency sign "$", but the amounts are in EUR (revcap never converts: write every amount in one currency)"#
        );
        assert!(amount_in("€5", gbp).unwrap_err().contains("in GBP"));
        assert_eq!(
            amount("£5").unwrap_err(),
            r#"has a currency sign "£", but nothing says the amounts are in GBP (pass --unit GBP, or write the currency in the header, e.g. Revenue (£); revcap never converts)"#
        );
        assert_eq!(amount("5$").unwrap().to_string(), "5");
        assert!(amount_in("(€5)", eur)
            .unwrap_err()
            .contains("accounting style"));
        assert!(amount_in("€ -", eur)
            .unwrap_err()
            .contains("accounting dash"));
        assert!(amount("¥5").unwrap_err().contains(r#"currency sign "¥""#));
        assert!(amount_in("€€5", eur).is_err());
        assert!(amount_in("€5€", eur).is_err());
    }

    #[test]
    fn currencies_in_units() {
        for (unit, want) in [
            ("€", Some(Currency::Eur)),
            ("EUR", Some(Currency::Eur)),
            ("€bn", Some(Currency::Eur)),
            ("EUR m", Some(Currency::Eur)),
            ("meur", Some(Currency::Eur)),
            ("£", Some(Currency::Gbp)),
            ("GBP", Some(Currency::Gbp)),
            ("$", Some(Currency::Usd)),
            ("USD", Some(Currency::Usd)),
            ("US$", Some(Currency::Usd)),
            ("USD m", Some(Currency::Usd)),
            ("$M", Some(Currency::Usd)),
            ("Revenue (€)", Some(Currency::Eur)),
            ("Revenue [EUR m]", Some(Currency::Eur)),
            ("revenue_eur", Some(Currency::Eur)),
            ("revenue_musd", Some(Currency::Usd)),
            ("m", None),
            ("thousands", None),
            ("CHF", None),
            ("Europe", None),
            ("EUR/USD", None),
            ("", None),
        ] {
            assert_eq!(currency_of(unit), want, "{unit}");
        }
    }

    #[test]
    fn rates_as_fractions_and_percents() {
        assert_eq!(rate("0.2").unwrap(), d("0.2"));
        assert_eq!(rate("20%").unwrap(), d("0.20"));
        assert_eq!(rate("12.5 %").unwrap(), d("0.125"));
        assert_eq!(rate("0").unwrap(), d("0"));
        assert_eq!(rate("1").unwrap(), d("1"));
        assert!(rate("20").unwrap_err().contains("did you mean 20%"));
        assert!(rate("120%").unwrap_err().contains("above 100%"));
        assert!(rate("-0.1").unwrap_err().contains("negative"));
        assert!(rate("0.2B").is_err());
        assert!(rate("abc").is_err());
        assert_eq!(rate(".2").unwrap().to_string(), "0.2");
        assert_eq!(rate(".5%").unwrap().to_string(), "0.005");
        assert_eq!(
            rate("(20%)").unwrap_err(),
            "is a negative rate in accounting style (expected a fraction between 0 and 1 or a percent, e.g. 0.2 or 20%)"
        );
        // An empty rate cell means the terms' rate; 0 would pay nothing.
        assert_eq!(
            rate_cell("n/a").unwrap_err(),
            "is not a rate (a missing value? leave the cell empty to use the terms' rate)"
        );
        assert_eq!(
            rate("n/a").unwrap_err(),
            "is not a rate (expected a fraction between 0 and 1 or a percent, e.g. 0.2 or 20%)"
        );
        assert_eq!(rate_cell("20%").unwrap().to_string(), "0.20");
    }

    #[test]
    fn dates_with_the_year_last_are_read_either_way_round() {
        let read = |s: &str| period(s).map(|p| p.to_string());
        // A month with the year last, as `mm/yyyy` exports it.
        for written in ["03/2027", "3/2027", "03-2027", "3.2027"] {
            assert_eq!(read(written), Ok("2027-03".into()), "{written}");
        }
        // A month-end day cannot be a month: day first or month first, one date.
        for written in [
            "31/03/2027",
            "3/31/2027",
            "31.03.2027",
            "31-03-2027",
            "03/31/2027",
        ] {
            assert_eq!(read(written), Ok("2027-03-31".into()), "{written}");
        }
        assert_eq!(read("29/02/2028"), Ok("2028-02-29".into()));
        // Another day: refused, with the month of each reading.
        assert_eq!(
            read("02/03/2027"),
            Err("is a date that does not end a month, read day first or month first (a date is read as the last day of a period; write the period instead, e.g. 2027-03 or 2027-02)".into())
        );
        assert!(read("15/03/2027")
            .unwrap_err()
            .starts_with("is a date that does not end a month (a date"));
        // Read either way, the first of the month: a month a spreadsheet made a date.
        assert!(read("1/1/2027")
            .unwrap_err()
            .contains("did a spreadsheet turn 2027-01 into a date?"));
        for bad in [
            "29/02/2027",
            "32/01/2027",
            "13/2027",
            "31/03/27",
            "1/2/3/2027",
            "3Q/2027",
        ] {
            assert!(read(bad).is_err(), "{bad}");
        }
        assert!(read("13/2027")
            .unwrap_err()
            .ends_with("months are 01 to 12"));
        // A day the month does not have, read either way: the month is named.
        assert_eq!(
            read("29/02/2027"),
            Err(
                "is not a date: 2027-02 has no day 29 (write the period instead, e.g. 2027-02)"
                    .into()
            )
        );
        assert_eq!(read("4/31/2027"), read("31/4/2027"));
        assert_eq!(read(" 31 / 03 / 2027 "), Ok("2027-03-31".into()));
    }

    #[test]
    fn periods_in_every_documented_form() {
        assert_eq!(period("2027").unwrap().to_string(), "2027");
        assert_eq!(period("2027Q3").unwrap().to_string(), "2027Q3");
        assert_eq!(period("2027-Q3").unwrap().to_string(), "2027Q3");
        assert_eq!(period("2027q3").unwrap().to_string(), "2027Q3");
        assert_eq!(period("2027-03").unwrap().to_string(), "2027-03");
        assert_eq!(period("2027-3").unwrap().to_string(), "2027-03");
        // As people write them; the label in outputs stays the canonical one.
        for (written, label) in [
            ("Q3 2026", "2026Q3"),
            ("q3 2026", "2026Q3"),
            ("2026 Q3", "2026Q3"),
            ("2026 q3", "2026Q3"),
            ("Q3-2026", "2026Q3"),
            ("Q3 26", "2026Q3"),
            ("Q3-26", "2026Q3"),
            ("3Q26", "2026Q3"),
            ("3q2026", "2026Q3"),
            ("Q1 2000", "2000Q1"),
            ("4Q99", "2099Q4"),
            ("Sep-2026", "2026-09"),
            ("Sep 2026", "2026-09"),
            ("SEP 2026", "2026-09"),
            ("September 2026", "2026-09"),
            ("september 2026", "2026-09"),
            ("Sept 2026", "2026-09"),
            ("Sep. 2026", "2026-09"),
            ("Sep-26", "2026-09"),
            ("jan-00", "2000-01"),
            ("May 2026", "2026-05"),
            ("2026/09", "2026-09"),
            ("2026/9", "2026-09"),
            (" Dec-2026 ", "2026-12"),
            ("H1 2026", "2026H1"),
            ("h2 2026", "2026H2"),
            ("2026H1", "2026H1"),
            ("2026h2", "2026H2"),
            ("2026 H1", "2026H1"),
            ("2026-H2", "2026H2"),
            ("H1-2026", "2026H1"),
            ("H2 26", "2026H2"),
            ("1H26", "2026H1"),
            ("2h26", "2026H2"),
            ("1H2026", "2026H1"),
            // Fiscal years and dates are pending: shown as written until settled.
            ("FY2026", "FY2026"),
            ("FY26", "FY2026"),
            ("fy 2026", "FY2026"),
            ("FY-26", "FY2026"),
            ("2026-09-30", "2026-09-30"),
            ("2026/09/30", "2026-09-30"),
            ("2024-02-29", "2024-02-29"),
        ] {
            assert_eq!(
                period(written).map(|p| p.to_string()),
                Ok(label.to_string()),
                "{written}"
            );
        }
        for bad in [
            "27",
            "2027Q5",
            "2027Q0",
            "2027-13",
            "2027-00",
            "2027-Q",
            "2027/13",
            "20270",
            "x",
            "2027-003",
            "2027Q12",
            "Q5 2027",
            "Q3 027",
            "Q3 202",
            "Q32027",
            "5Q27",
            "13Q27",
            "3Q2",
            "Sep-2",
            "Sep-202",
            "Sep26",
            "Sepp 2026",
            "Se 2026",
            "2026 Sep",
            "09/26",
            "Q3",
            "Sep",
            "H3 2026",
            "2026H0",
            "2026H12",
            "3H26",
            "H1",
            "FY",
            "FY2026Q1",
            "FY202",
            "2026  Q3",
            "Q3 FY26",
            "2026/9/30",
            "2026-02-30",
            "Sep-26-01",
        ] {
            assert!(period(bad).is_err(), "{bad} should be rejected");
        }
        assert!(period("Total").unwrap_err().contains("total row"));
        assert_eq!(
            period("Sep 26").unwrap_err(),
            "is ambiguous (a month and a two-digit year, or a day? write the year in full, e.g. Sep 2026, or 2026-09)"
        );
        assert!(period("Q5 2026")
            .unwrap_err()
            .ends_with("quarters are Q1 to Q4"));
        assert!(period("2026/13")
            .unwrap_err()
            .ends_with("months are 01 to 12"));
        assert_eq!(
            period("2027-03-01").unwrap_err(),
            "is a date, not a period (did a spreadsheet turn 2027-03 into a date? write the period as text: 2027-03, 2027Q1 or 2027)"
        );
        assert!(period("2026-06-30").unwrap().is_pending());
        assert!(period("FY26").unwrap().is_pending());
        assert!(!period("2026H1").unwrap().is_pending());
        assert_eq!(
            period("2026-09-15").unwrap_err(),
            "is a date that does not end a month (a date is read as the last day of a period; write the period instead, e.g. 2026-09 or 2026Q3)"
        );
        assert_eq!(
            period("2026H3").unwrap_err(),
            "is not a period: half-years are H1 and H2 (e.g. 2026H1 or H1 2026)"
        );
        assert_eq!(
            period("FY2026Q1").unwrap_err(),
            "is not a period: a fiscal year is FY and its year, e.g. FY2026 or FY26"
        );
        // Multi-byte text where the year would be is rejected, not sliced mid-character.
        for bad in ["20€7", "€", "2027€", "202\u{301}7-03"] {
            assert!(period(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn fiscal_starts_by_name_or_number() {
        for (raw, month0) in [
            ("July", 6),
            ("jul", 6),
            ("7", 6),
            ("07", 6),
            ("Sept", 8),
            ("1", 0),
        ] {
            assert_eq!(
                fiscal_start(raw).map(FiscalStart::month0),
                Ok(month0),
                "{raw}"
            );
        }
        for bad in ["0", "13", "Jully", "", "007"] {
            assert_eq!(
                fiscal_start(bad).unwrap_err(),
                "is not a month (expected a month's name or number, e.g. July, Jul or 7)"
            );
        }
    }

    #[test]
    fn caps_and_dates() {
        assert_eq!(cap("none").unwrap(), None);
        assert_eq!(cap("38B").unwrap(), Some(d("38000000000")));
        assert!(cap("-1").is_err());
        assert_eq!(date("2026-04-27").unwrap().to_string(), "2026-04-27");
        assert!(date("2026-02-30").is_err());
    }
}
