//! GraphQL enums of the domain's vocabularies. Each enum's values are exactly the vocabulary's
//! stored words (snake_case, as in the database and CSV), so an answer reads the same as before
//! the vocabularies were typed; a unit test per enum holds the two spellings together.

/// `graphql_vocabulary!(GqlType, "GraphQLName", DomainType [Variant, ...])`: a GraphQL enum
/// mirroring a domain vocabulary, with conversions both ways (exhaustive, so a variant added on
/// one side and not the other does not compile).
macro_rules! graphql_vocabulary {
    ($(#[$meta:meta])* $gql:ident, $name:literal, $domain:ident [$($variant:ident),+ $(,)?]) => {
        $(#[$meta])*
        #[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug)]
        #[graphql(name = $name, rename_items = "snake_case")]
        pub enum $gql {
            $($variant),+
        }
        impl From<$domain> for $gql {
            fn from(value: $domain) -> Self {
                match value { $($domain::$variant => $gql::$variant),+ }
            }
        }
        impl From<$gql> for $domain {
            fn from(value: $gql) -> Self {
                match value { $($gql::$variant => $domain::$variant),+ }
            }
        }
        #[cfg(test)]
        #[test]
        #[allow(non_snake_case)]
        fn $gql() {
            use async_graphql::resolver_utils::EnumType;
            use $crate::domain::kernel::vocabulary::Vocabulary;
            let names: Vec<&str> = <$gql as EnumType>::items().iter().map(|i| i.name).collect();
            assert_eq!(names, <$domain as Vocabulary>::NAMES, "{} spells the stored words", $name);
        }
    };
}
pub(crate) use graphql_vocabulary;
