//! Typed vocabularies: closed sets of values (a system's lifecycle stage, a risk's status...) as
//! Rust enums with exactly one string form, the snake_case word stored in the database, shown in
//! GraphQL enums and written in CSV. Stored columns stay plain strings, so values written before
//! the enums existed read back unchanged on both databases.

use crate::error::{AppError, AppResult};

/// A closed set of values with one string form each.
pub trait Vocabulary: Copy + Eq + Sized + 'static {
    /// Every value, in the order the vocabulary lists them (reports count in this order).
    const ALL: &'static [Self];
    /// Every value's string form, in the same order.
    const NAMES: &'static [&'static str];

    /// The one string form.
    fn as_str(self) -> &'static str;

    /// An input value (trimmed, case-insensitive); refused with rule `one_of` naming `field`.
    fn parse(field: &str, value: &str) -> AppResult<Self> {
        let wanted = value.trim().to_ascii_lowercase();
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == wanted)
            .ok_or_else(|| {
                AppError::rule(
                    field,
                    "one_of",
                    format!(
                        "{field} '{value}' must be one of: {}",
                        Self::NAMES.join(", ")
                    ),
                )
            })
    }

    /// A value read from the database. Only this program writes these columns, so an unknown
    /// value is corruption, reported as an internal error rather than guessed at.
    fn stored(value: &str) -> AppResult<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == value)
            .ok_or_else(|| {
                AppError::internal(anyhow::anyhow!(
                    "stored value '{value}' is not one of: {}",
                    Self::NAMES.join(", ")
                ))
            })
    }
}

/// Declares a vocabulary enum: `vocabulary! { /// doc  pub enum Stage { Design => "design", ... } }`.
/// Derives serde with the string form, so JSON reports show the same word.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $vis:vis enum $ty:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        $vis enum $ty {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }
        impl $crate::domain::kernel::vocabulary::Vocabulary for $ty {
            const ALL: &'static [$ty] = &[$($ty::$variant),+];
            const NAMES: &'static [&'static str] = &[$($text),+];
            fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $text),+ }
            }
        }
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::domain::kernel::vocabulary::Vocabulary::as_str(*self))
            }
        }
    };
}
pub(crate) use vocabulary;

#[cfg(test)]
mod tests {
    use super::*;

    vocabulary! {
        /// A test vocabulary.
        enum Colour { Red => "red", DarkBlue => "dark_blue" }
    }

    #[test]
    fn one_string_form_each_way() {
        assert_eq!(Colour::NAMES, &["red", "dark_blue"]);
        assert_eq!(Colour::DarkBlue.to_string(), "dark_blue");
        assert_eq!(
            Colour::parse("colour", " Dark_Blue ").ok(),
            Some(Colour::DarkBlue)
        );
        assert_eq!(Colour::stored("dark_blue").ok(), Some(Colour::DarkBlue));
        assert!(Colour::stored("Dark_Blue").is_err());
        assert_eq!(
            serde_json::to_string(&Colour::DarkBlue).ok().as_deref(),
            Some("\"dark_blue\"")
        );
        let err = Colour::parse("colour", "green")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("colour 'green' must be one of: red, dark_blue")
        );
    }
}
