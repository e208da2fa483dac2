//! Counts of rows per value of a vocabulary (stages, tiers, levels, statuses), in the
//! vocabulary's own order and with zero for values no row has, so reports always show every band.

use polars::prelude::*;

/// One value and how many rows have it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Count {
    pub value: String,
    pub count: u32,
}

/// Counts `values` per entry of `vocabulary`; values outside it are counted under "other".
pub fn count_by(values: &[String], vocabulary: &[&str]) -> PolarsResult<Vec<Count>> {
    let grouped = df!("value" => values)?
        .lazy()
        .group_by([col("value")])
        .agg([len().cast(DataType::Int64).alias("count")])
        .collect()?;
    let value = grouped.column("value")?.str()?;
    let n = grouped.column("count")?.i64()?;
    let found: Vec<(String, i64)> = (0..grouped.height())
        .filter_map(|row| Some((value.get(row)?.to_string(), n.get(row)?)))
        .collect();
    let lookup = |value: &str| {
        found
            .iter()
            .find(|(v, _)| v == value)
            .map_or(0, |(_, n)| u32::try_from(*n).unwrap_or(u32::MAX))
    };
    let mut counts: Vec<Count> = vocabulary
        .iter()
        .map(|v| Count {
            value: v.to_string(),
            count: lookup(v),
        })
        .collect();
    let other: u32 = found
        .iter()
        .filter(|(v, _)| !vocabulary.contains(&v.as_str()))
        .map(|(_, n)| u32::try_from(*n).unwrap_or(u32::MAX))
        .sum();
    if other > 0 {
        counts.push(Count {
            value: "other".into(),
            count: other,
        });
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn counts_in_vocabulary_order_with_zeros() {
        let counts = count_by(
            &strings(&["high", "low", "high"]),
            &["low", "medium", "high"],
        )
        .expect("count");
        let pairs: Vec<(&str, u32)> = counts.iter().map(|c| (c.value.as_str(), c.count)).collect();
        assert_eq!(pairs, vec![("low", 1), ("medium", 0), ("high", 2)]);
    }

    #[test]
    fn unknown_values_are_counted_as_other() {
        let counts = count_by(&strings(&["x", "a"]), &["a"]).expect("count");
        assert_eq!(
            counts.last().map(|c| (c.value.as_str(), c.count)),
            Some(("other", 1))
        );
    }
}
