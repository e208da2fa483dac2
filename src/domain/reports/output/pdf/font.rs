//! Text measurement and encoding for the PDF's fonts: Helvetica and Helvetica-Bold, two of the
//! 14 standard fonts every PDF reader has, so nothing is embedded and the text stays extractable.
//! Widths are the fonts' published metrics (per 1,000 units of the font size) for printable
//! ASCII; text is encoded in WinAnsiEncoding, which covers Western European languages. Characters
//! outside it print as `?`: a known limit until a font is embedded.

/// Helvetica advance widths for U+0020..=U+007E.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278,
    278, // space../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0-9
    278, 278, 584, 584, 584, 556, 1015, // :;<=>?@
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667,
    611, 722, 667, 944, 667, 667, 611, // A-Z
    278, 278, 278, 469, 556, 333, // [\]^_`
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500,
    278, 556, 500, 722, 500, 500, 500, // a-z
    334, 260, 334, 584, // {|}~
];

/// Helvetica-Bold advance widths for U+0020..=U+007E.
const HELVETICA_BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278,
    278, // space../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0-9
    333, 333, 584, 584, 584, 611, 975, // :;<=>?@
    722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667,
    611, 722, 667, 944, 667, 667, 611, // A-Z
    333, 278, 333, 584, 556, 333, // [\]^_`
    556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556,
    333, 611, 556, 778, 556, 556, 500, // a-z
    389, 280, 389, 584, // {|}~
];

/// Width of a character outside printable ASCII (accented letters are close to `n`).
const OTHER_WIDTH: u16 = 556;

/// The width of `text` in points at `size`.
pub fn width(text: &str, size: f64, bold: bool) -> f64 {
    let table = if bold { &HELVETICA_BOLD } else { &HELVETICA };
    let units: u32 = text
        .chars()
        .map(|c| {
            let code = c as u32;
            if (0x20..=0x7e).contains(&code) {
                u32::from(table[(code - 0x20) as usize])
            } else {
                u32::from(OTHER_WIDTH)
            }
        })
        .sum();
    f64::from(units) * size / 1000.0
}

/// `text` in WinAnsiEncoding.
pub fn encode(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            ' '..='~' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '€' => 0x80,
            '‚' => 0x82,
            '„' => 0x84,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '™' => 0x99,
            '\t' | '\n' | '\r' => b' ',
            _ => b'?',
        })
        .collect()
}

/// `text` broken into lines no wider than `max` points, at spaces where possible; a word wider
/// than a line is cut.
pub fn wrap(text: &str, size: f64, bold: bool, max: f64) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split(' ') {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if width(&candidate, size, bold) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // The word alone may still be too wide: cut it.
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if width(&piece, size, bold) > max && piece.chars().count() > 1 {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(c);
                }
            }
            line = piece;
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_metrics() {
        // "Hi" = H 722 + i 222 at 10 pt.
        assert!((width("Hi", 10.0, false) - 9.44).abs() < 1e-9);
        assert!(width("Hi", 10.0, true) > width("Hi", 10.0, false));
    }

    #[test]
    fn wraps_at_spaces_and_cuts_long_words() {
        let lines = wrap("alpha beta gamma", 10.0, false, 60.0);
        assert_eq!(lines, vec!["alpha beta", "gamma"]);
        let cut = wrap(&"x".repeat(50), 10.0, false, 50.0);
        assert!(cut.len() > 1);
        assert!(cut.iter().all(|l| width(l, 10.0, false) <= 50.0));
    }

    #[test]
    fn encodes_latin_1_and_replaces_the_rest() {
        assert_eq!(encode("Zürich – ok"), b"Z\xfcrich \x96 ok".to_vec());
        assert_eq!(encode("日本"), b"??".to_vec());
    }
}
