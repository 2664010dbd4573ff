//! Numbers as people type them, in either convention: "1,234.50" and "1.234,50", "1 234,50",
//! "1'234.50", "12,5". PayTrack shows numbers the English way, but people in much of Europe
//! write a decimal comma, and a phone set to German or French offers only a comma on the
//! decimal keypad that amount fields open.

/// A number's digits with its separators resolved: "1.234,5" → whole "1234", fraction "5".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digits {
    pub whole: String,
    pub fraction: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    Number(Digits),
    /// One separator with exactly three digits after it ("1,500", "1.500"): thousands in one
    /// convention, a decimal point in the other. The caller knows which readings its values
    /// allow; `separator` is the one typed.
    Unclear {
        separator: char,
        grouped: Digits,
        decimal: Digits,
    },
    NotANumber,
}

/// Reads unsigned decimal text (no sign, no currency). A lone comma or point is the decimal
/// separator, unless it could also group thousands (`Unclear`); when both appear, the last is
/// the decimal separator and the other groups thousands. Spaces (also no-break and narrow
/// no-break) and apostrophes only group. Groups must be whole: "1,23.00" is not a number.
pub fn read(text: &str) -> Written {
    let text = text.trim();
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_digit() || is_separator(c)) {
        return Written::NotANumber;
    }
    let commas = text.matches(',').count();
    let points = text.matches('.').count();
    let decimal = match (commas, points) {
        (0, 0) => None,
        (1, 0) => Some(','),
        (0, 1) => Some('.'),
        (_, 0) | (0, _) => None,
        _ => {
            // The one that comes last separates the decimals, and it may appear only once.
            let last = text.rfind([',', '.']).map(|at| text[at..].chars().next());
            match last.flatten() {
                Some(',') if commas == 1 => Some(','),
                Some('.') if points == 1 => Some('.'),
                _ => return Written::NotANumber,
            }
        }
    };
    let (whole, fraction) = match decimal {
        Some(separator) => text.split_once(separator).unwrap_or((text, "")),
        None => (text, ""),
    };
    if !fraction.chars().all(|c| c.is_ascii_digit()) {
        return Written::NotANumber;
    }
    let Some(whole_digits) = ungroup(whole) else {
        return Written::NotANumber;
    };
    if whole_digits.is_empty() && fraction.is_empty() {
        return Written::NotANumber;
    }
    let number = Digits {
        whole: whole_digits,
        fraction: fraction.to_string(),
    };
    match decimal {
        Some(separator)
            if commas + points == 1
                && fraction.len() == 3
                && (1..=3).contains(&whole.len())
                && !whole.starts_with('0')
                && whole.chars().all(|c| c.is_ascii_digit()) =>
        {
            Written::Unclear {
                separator,
                grouped: Digits {
                    whole: format!("{whole}{fraction}"),
                    fraction: String::new(),
                },
                decimal: number,
            }
        }
        _ => Written::Number(number),
    }
}

fn is_separator(c: char) -> bool {
    matches!(c, ',' | '.' | ' ' | '\'' | '\u{a0}' | '\u{202f}')
}

/// Spaces of every width group alike.
fn group_kind(c: char) -> char {
    match c {
        '\u{a0}' | '\u{202f}' => ' ',
        other => other,
    }
}

/// The digits of a whole part whose thousands may be grouped by one kind of separator, each
/// group but the first exactly three digits. An empty whole part (",5") is zero digits.
fn ungroup(whole: &str) -> Option<String> {
    let mut kinds = whole
        .chars()
        .filter(|c| !c.is_ascii_digit())
        .map(group_kind);
    let Some(kind) = kinds.next() else {
        return Some(whole.to_string());
    };
    if kinds.any(|other| other != kind) {
        return None;
    }
    let groups: Vec<&str> = whole.split(|c: char| group_kind(c) == kind).collect();
    let first_ok = (1..=3).contains(&groups[0].len());
    let rest_ok = groups[1..].iter().all(|group| group.len() == 3);
    (first_ok && rest_ok).then(|| groups.concat())
}

#[cfg(test)]
mod tests;
