//! What `--unit` says about the amounts (docs/spec.md §5.5): a currency, a scale
//! (`$M`: amounts are millions of dollars), or both, parsed once in `config`.
//!
//! The scale is never applied to the data or the machine outputs: revcap computes on
//! the numbers as written. Only the human views (table, Markdown, charts) multiply by
//! it, to show real magnitudes (`38000` in `$M` reads `$38B`).

use std::fmt;

/// A power of a thousand that amounts are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Scale {
    #[default]
    One,
    Thousands,
    Millions,
    Billions,
    Trillions,
}

impl Scale {
    /// The scales, smallest first.
    pub const ALL: [Scale; 5] = [
        Scale::One,
        Scale::Thousands,
        Scale::Millions,
        Scale::Billions,
        Scale::Trillions,
    ];

    /// The power of ten: 0, 3, 6, 9 or 12.
    pub fn exponent(self) -> u32 {
        match self {
            Scale::One => 0,
            Scale::Thousands => 3,
            Scale::Millions => 6,
            Scale::Billions => 9,
            Scale::Trillions => 12,
        }
    }

    /// The largest scale at or below `10^exponent` (`One` below 1000).
    pub fn at_most(exponent: i64) -> Scale {
        Scale::ALL
            .iter()
            .rev()
            .copied()
            .find(|s| i64::from(s.exponent()) <= exponent)
            .unwrap_or(Scale::One)
    }

    /// The letter after an amount: ``, `K`, `M`, `B`, `T`.
    pub fn letter(self) -> &'static str {
        match self {
            Scale::One => "",
            Scale::Thousands => "K",
            Scale::Millions => "M",
            Scale::Billions => "B",
            Scale::Trillions => "T",
        }
    }

    /// The word, for a header without a currency: `thousands`, ….
    pub fn word(self) -> &'static str {
        match self {
            Scale::One => "",
            Scale::Thousands => "thousands",
            Scale::Millions => "millions",
            Scale::Billions => "billions",
            Scale::Trillions => "trillions",
        }
    }

    /// The scale a word names, in any case: `K`, `thousands`, `M`, `MM`, `mn`, `mio`,
    /// `millions`, `B`, `bn`, `bln`, `billions`, `T`, `tn`, `trillions` (singular too).
    fn parse(word: &str) -> Option<Scale> {
        let w = word.to_ascii_lowercase();
        Some(match w.as_str() {
            "k" | "thousand" | "thousands" => Scale::Thousands,
            "m" | "mm" | "mn" | "mio" | "million" | "millions" => Scale::Millions,
            "b" | "bn" | "bln" | "billion" | "billions" => Scale::Billions,
            "t" | "tn" | "trillion" | "trillions" => Scale::Trillions,
            _ => return None,
        })
    }
}

/// The currency of the amounts, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Currency {
    pub text: String,
    /// A symbol (`$`, `US$`, `€`, `£`, any mark that is not a word) goes before the
    /// number (`$38B`); a code or word after it (`38B EUR`).
    pub symbol: bool,
}

impl Currency {
    fn new(text: &str) -> Currency {
        let symbol = SYMBOLS.contains(&text) || !text.chars().any(char::is_alphanumeric);
        Currency {
            text: text.to_string(),
            symbol,
        }
    }
}

/// The currencies recognised when written against a scale without a space (`$M`,
/// `USDm`, `mEUR`, `€bn`); any other currency needs the space (`CHF m`).
const SYMBOLS: [&str; 4] = ["US$", "$", "€", "£"];
const CODES: [&str; 3] = ["USD", "EUR", "GBP"];

/// `--unit` as understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub currency: Option<Currency>,
    pub scale: Scale,
}

impl Unit {
    /// What the human views assume without `--unit`: dollars, as written.
    pub fn dollars() -> Unit {
        Unit {
            currency: Some(Currency::new("$")),
            scale: Scale::One,
        }
    }

    /// Amounts as written in `currency` (the sign a file's header gives, `Revenue (€)`),
    /// or in no named currency when `None`.
    pub fn written_in(currency: Option<crate::parse::Currency>) -> Unit {
        Unit {
            currency: currency.map(|c| Currency::new(&c.sign().to_string())),
            scale: Scale::One,
        }
    }

    /// Reads `--unit`: a currency, a scale, or both in either order, with or without a
    /// space between (`$M`, `USD m`, `€bn`, `thousands`, `$ millions`, `M$`), in
    /// brackets or not (`(USD m)`, as spreadsheet headers write it), joined by `in` or
    /// `of` or not (`millions of dollars`, `in $M`). A text that is
    /// not a scale and holds none is a currency kept as written (`CHF`, `US dollars`).
    /// Two scales (`M B`) are refused.
    pub fn parse(raw: &str) -> Result<Unit, String> {
        let mut t = raw.trim();
        if let Some(inner) = t
            .strip_prefix('(')
            .and_then(|s| s.strip_suffix(')'))
            .or_else(|| t.strip_prefix('[').and_then(|s| s.strip_suffix(']')))
        {
            t = inner.trim();
        }
        // Words that join a currency and a scale are dropped: `$ in millions`,
        // `millions of dollars`, `in $M`.
        let words: Vec<&str> = t
            .split_whitespace()
            .filter(|w| !["in", "of"].iter().any(|f| w.eq_ignore_ascii_case(f)))
            .collect();
        let joined = words.join(" ");
        if !words.is_empty() {
            t = &joined;
        }
        if t.is_empty() {
            return Err(
                "is empty (expected a currency and/or a scale, e.g. $M, USD m, €bn, thousands)"
                    .into(),
            );
        }
        let unit = |currency: &str, scale| -> Result<Unit, String> {
            let currency = currency.trim();
            if Scale::parse(currency).is_some() {
                return Err(
                    "gives two scales (expected one currency and at most one scale, e.g. $M)"
                        .into(),
                );
            }
            Ok(Unit {
                currency: (!currency.is_empty()).then(|| Currency::new(currency)),
                scale,
            })
        };
        if let Some(scale) = Scale::parse(t) {
            return unit("", scale);
        }
        // Separated by a space: a scale word first or last.
        if let Some((first, rest)) = t.split_once(char::is_whitespace) {
            if let Some(scale) = Scale::parse(first) {
                return unit(rest, scale);
            }
        }
        if let Some((rest, last)) = t.rsplit_once(char::is_whitespace) {
            if let Some(scale) = Scale::parse(last) {
                return unit(rest, scale);
            }
        }
        // Written together: a known currency then a scale, or a scale then one.
        let known = SYMBOLS.iter().chain(CODES.iter());
        for c in known {
            let n = c.len();
            let starts = t.get(..n).filter(|h| h.eq_ignore_ascii_case(c));
            if let (Some(head), Some(tail)) = (starts, t.get(n..)) {
                if let Some(scale) = Scale::parse(tail) {
                    return unit(head, scale);
                }
            }
            let split = t.len().checked_sub(n);
            let parts = split.and_then(|at| Some((t.get(..at)?, t.get(at..)?)));
            if let Some((head, tail)) = parts.filter(|(_, tail)| tail.eq_ignore_ascii_case(c)) {
                if let Some(scale) = Scale::parse(head) {
                    return unit(tail, scale);
                }
            }
        }
        unit(t, Scale::One)
    }

    /// `10^scale` as a float, for the charts.
    pub fn factor(&self) -> f64 {
        10f64.powi(self.scale.exponent() as i32)
    }

    /// An amount's text `number` (already at `scale`) with the currency: `$38B`,
    /// `38B EUR`, `38B`; `-` before a symbol for a negative number.
    pub fn write(&self, number: &str, scale: Scale) -> String {
        let s = scale.letter();
        match &self.currency {
            Some(c) if c.symbol => match number.strip_prefix('-') {
                Some(n) => format!("-{}{n}{s}", c.text),
                None => format!("{}{number}{s}", c.text),
            },
            Some(c) => format!("{number}{s} {}", c.text),
            None => format!("{number}{s}"),
        }
    }

    /// What a column of amounts at `scale` is in, for its header: `$B`, `B EUR`,
    /// `EUR`, `billions`; empty for plain numbers.
    pub fn label(&self, scale: Scale) -> String {
        match &self.currency {
            Some(c) if c.symbol => format!("{}{}", c.text, scale.letter()),
            Some(c) if scale == Scale::One => c.text.clone(),
            Some(c) => format!("{} {}", scale.letter(), c.text),
            None => scale.word().to_string(),
        }
    }
}

/// The canonical form: `$M`, `M USD`, `thousands`, `EUR`.
impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label(self.scale))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(raw: &str) -> (Option<String>, Scale, bool) {
        let u = Unit::parse(raw).unwrap();
        let symbol = u.currency.as_ref().is_some_and(|c| c.symbol);
        (u.currency.map(|c| c.text), u.scale, symbol)
    }

    #[test]
    fn currency_and_scale_either_side() {
        let c = |s: &str| Some(s.to_string());
        assert_eq!(parts("$M"), (c("$"), Scale::Millions, true));
        assert_eq!(parts("M$"), (c("$"), Scale::Millions, true));
        assert_eq!(parts("USD m"), (c("USD"), Scale::Millions, false));
        assert_eq!(parts("usdm"), (c("usd"), Scale::Millions, false));
        assert_eq!(parts("mUSD"), (c("USD"), Scale::Millions, false));
        assert_eq!(parts("€bn"), (c("€"), Scale::Billions, true));
        assert_eq!(parts("£ mn"), (c("£"), Scale::Millions, true));
        assert_eq!(parts("US$ MM"), (c("US$"), Scale::Millions, true));
        assert_eq!(parts("US$bn"), (c("US$"), Scale::Billions, true));
        assert_eq!(parts("thousands"), (None, Scale::Thousands, false));
        assert_eq!(parts("$ millions"), (c("$"), Scale::Millions, true));
        assert_eq!(parts("EUR billions"), (c("EUR"), Scale::Billions, false));
        assert_eq!(parts("T"), (None, Scale::Trillions, false));
        assert_eq!(parts("(USD m)"), (c("USD"), Scale::Millions, false));
        assert_eq!(parts("[EUR]"), (c("EUR"), Scale::One, false));
        assert_eq!(parts("in $M"), (c("$"), Scale::Millions, true));
        assert_eq!(parts("$ in millions"), (c("$"), Scale::Millions, true));
        assert_eq!(
            parts("millions of dollars"),
            (c("dollars"), Scale::Millions, false)
        );
    }

    #[test]
    fn anything_else_is_a_currency_as_written() {
        let c = |s: &str| Some(s.to_string());
        assert_eq!(parts("$"), (c("$"), Scale::One, true));
        assert_eq!(parts("USD"), (c("USD"), Scale::One, false));
        assert_eq!(parts(" CHF "), (c("CHF"), Scale::One, false));
        assert_eq!(parts("CHF m"), (c("CHF"), Scale::Millions, false));
        // Not split without a space when the currency is unknown: BTC is not B + TC.
        assert_eq!(parts("BTC"), (c("BTC"), Scale::One, false));
        assert_eq!(parts("kr"), (c("kr"), Scale::One, false));
        assert_eq!(parts("US dollars"), (c("US dollars"), Scale::One, false));
        assert_eq!(parts("¥"), (c("¥"), Scale::One, true));
    }

    #[test]
    fn refused() {
        assert!(Unit::parse("M B").unwrap_err().contains("two scales"));
        assert!(Unit::parse("  ").unwrap_err().contains("is empty"));
        assert!(Unit::parse("()").unwrap_err().contains("is empty"));
    }

    #[test]
    fn written_and_labelled() {
        let u = |s: &str| Unit::parse(s).unwrap();
        assert_eq!(u("$M").write("38", Scale::Billions), "$38B");
        assert_eq!(u("$M").write("-1.5", Scale::Millions), "-$1.5M");
        assert_eq!(u("EUR").write("38", Scale::Billions), "38B EUR");
        assert_eq!(u("M").write("38", Scale::Billions), "38B");
        assert_eq!(u("$M").label(Scale::Billions), "$B");
        assert_eq!(u("€bn").label(Scale::One), "€");
        assert_eq!(u("USD m").label(Scale::Billions), "B USD");
        assert_eq!(u("USD m").label(Scale::One), "USD");
        assert_eq!(u("k").label(Scale::Billions), "billions");
        assert_eq!(u("k").label(Scale::One), "");
        assert_eq!(u("usd m").to_string(), "M usd");
        assert_eq!(Scale::at_most(10), Scale::Billions);
        assert_eq!(Scale::at_most(2), Scale::One);
        assert_eq!(Scale::at_most(-3), Scale::One);
        assert_eq!(Scale::at_most(40), Scale::Trillions);
    }
}
