//! A linear pre-parse guard against deeply nested GraphQL documents.
//!
//! async-graphql's parser and its early passes recurse once per nesting level of selection sets,
//! list literals and object literals, so a few kilobytes of `[[[[...` overflow a worker's stack and
//! abort the whole process before any depth limit runs. This scan counts bracket nesting with one
//! pass over the bytes (strings, block strings and comments skipped) and refuses a document before
//! anything recursive sees it.

/// Deepest bracket nesting a document may have. The standard introspection query needs 13 levels;
/// every legitimate query stays far below this, and the parser is proven safe well above it.
pub const MAX_NESTING: usize = 64;

/// Why a document was refused.
#[derive(Debug, PartialEq, Eq)]
pub struct TooDeep {
    pub limit: usize,
}

impl std::fmt::Display for TooDeep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the document nests brackets more than {} levels deep",
            self.limit
        )
    }
}

/// Scans `document` and refuses it when `{`, `[` or `(` nest deeper than `limit`.
pub fn check(document: &str, limit: usize) -> Result<(), TooDeep> {
    let bytes = document.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    // `\"""` is an escaped triple quote inside a block string.
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > limit {
                    return Err(TooDeep { limit });
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_every_bracket_kind() {
        assert!(check("{ a { b(x: [[1]]) } }", 5).is_ok());
        assert_eq!(check("{ a { b(x: [[1]]) } }", 4), Err(TooDeep { limit: 4 }));
        let deep = format!("{{ f(x: {}1{}) }}", "[".repeat(100), "]".repeat(100));
        assert!(check(&deep, MAX_NESTING).is_err());
        let objects = format!("{{ f(x: {}1{}) }}", "{a:".repeat(100), "}".repeat(100));
        assert!(check(&objects, MAX_NESTING).is_err());
    }

    #[test]
    fn ignores_brackets_in_strings_and_comments() {
        let text = format!(
            "{{ f(x: \"{}\", y: \"\"\"{} \\\"\"\" ]]\"\"\") # {}\n }}",
            "[".repeat(500),
            "{".repeat(500),
            "(".repeat(500)
        );
        assert!(check(&text, 3).is_ok());
        assert!(check("{ f(x: \"\\\"[[[[\") }", 2).is_ok());
    }

    #[test]
    fn closing_brackets_without_openers_do_not_underflow() {
        assert!(check("]]]]}}}} { a }", 1).is_ok());
    }
}
