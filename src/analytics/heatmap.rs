//! The likelihood x impact heatmap: how many risks sit in each of the 25 cells.

use polars::prelude::*;

/// One cell: likelihood and impact 1-5, and how many ratings fall in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Cell {
    pub likelihood: u8,
    pub impact: u8,
    pub count: u32,
}

/// Counts ratings `(likelihood, impact)` per cell. Returns all 25 cells, the most likely row
/// first and impact ascending within a row, as a heatmap is drawn.
pub fn heatmap(ratings: &[(u8, u8)]) -> PolarsResult<Vec<Cell>> {
    let likelihood: Vec<i32> = ratings.iter().map(|r| i32::from(r.0)).collect();
    let impact: Vec<i32> = ratings.iter().map(|r| i32::from(r.1)).collect();
    let grouped = df!("likelihood" => likelihood, "impact" => impact)?
        .lazy()
        .group_by([col("likelihood"), col("impact")])
        .agg([len().cast(DataType::Int64).alias("count")])
        .collect()?;
    let l = grouped.column("likelihood")?.i32()?;
    let i = grouped.column("impact")?.i32()?;
    let n = grouped.column("count")?.i64()?;
    let mut cells = Vec::with_capacity(25);
    for likelihood in (1..=5u8).rev() {
        for impact in 1..=5u8 {
            cells.push(Cell {
                likelihood,
                impact,
                count: 0,
            });
        }
    }
    for row in 0..grouped.height() {
        if let (Some(l), Some(i), Some(n)) = (l.get(row), i.get(row), n.get(row))
            && let Some(cell) = cells
                .iter_mut()
                .find(|c| i32::from(c.likelihood) == l && i32::from(c.impact) == i)
        {
            cell.count = u32::try_from(n).unwrap_or(u32::MAX);
        }
    }
    Ok(cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_cell_and_keeps_empty_ones() {
        let cells = heatmap(&[(5, 5), (5, 5), (1, 2), (3, 4)]).expect("heatmap");
        assert_eq!(cells.len(), 25);
        assert_eq!(
            cells[0],
            Cell {
                likelihood: 5,
                impact: 1,
                count: 0
            }
        );
        assert_eq!(
            cells[4],
            Cell {
                likelihood: 5,
                impact: 5,
                count: 2
            }
        );
        let at = |l, i| {
            cells
                .iter()
                .find(|c| c.likelihood == l && c.impact == i)
                .map(|c| c.count)
        };
        assert_eq!(at(1, 2), Some(1));
        assert_eq!(at(3, 4), Some(1));
        assert_eq!(cells.iter().map(|c| c.count).sum::<u32>(), 4);
    }

    #[test]
    fn no_ratings_give_an_empty_grid() {
        let cells = heatmap(&[]).expect("heatmap");
        assert_eq!(cells.len(), 25);
        assert!(cells.iter().all(|c| c.count == 0));
    }
}
