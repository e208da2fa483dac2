//! The lineage graph in memory: adjacency both ways, reachability (for refusing cycles) and
//! bounded breadth-first walks upstream or downstream. A walk costs time linear in the nodes
//! and edges it reaches, whatever the size of the whole graph.

use std::collections::{HashMap, HashSet, VecDeque};

/// Which way a walk goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Towards sources (against the edges).
    Upstream,
    /// Towards what was derived (along the edges).
    Downstream,
}

/// Adjacency of a graph whose edges are given by index.
#[derive(Debug, Default)]
pub struct Graph {
    out: HashMap<i32, Vec<(i32, usize)>>,
    inn: HashMap<i32, Vec<(i32, usize)>>,
}

/// What a walk reached: each node with its distance from the start, the edges it followed, and
/// whether a bound stopped it early.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Walk {
    pub nodes: Vec<(i32, usize)>,
    pub edges: Vec<usize>,
    pub truncated: bool,
}

impl Graph {
    /// A graph of `(from, to)` edges; edge `i` is `edges[i]`.
    pub fn new(edges: &[(i32, i32)]) -> Graph {
        let mut graph = Graph::default();
        for (i, (from, to)) in edges.iter().enumerate() {
            graph.out.entry(*from).or_default().push((*to, i));
            graph.inn.entry(*to).or_default().push((*from, i));
        }
        graph
    }

    /// Whether `to` can be reached from `from` along the edges.
    pub fn reaches(&self, from: i32, to: i32) -> bool {
        let mut seen = HashSet::from([from]);
        let mut stack = vec![from];
        while let Some(node) = stack.pop() {
            if node == to {
                return true;
            }
            for (next, _) in self.out.get(&node).into_iter().flatten() {
                if seen.insert(*next) {
                    stack.push(*next);
                }
            }
        }
        false
    }

    /// Breadth-first from `start`, at most `max_depth` edges away and `max_nodes` nodes
    /// (the start included); nodes in the order reached.
    pub fn walk(
        &self,
        start: i32,
        direction: Direction,
        max_depth: usize,
        max_nodes: usize,
    ) -> Walk {
        let next = match direction {
            Direction::Upstream => &self.inn,
            Direction::Downstream => &self.out,
        };
        let mut walk = Walk {
            nodes: vec![(start, 0)],
            ..Walk::default()
        };
        let mut seen = HashSet::from([start]);
        let mut queue = VecDeque::from([(start, 0usize)]);
        while let Some((node, depth)) = queue.pop_front() {
            for (neighbour, edge) in next.get(&node).into_iter().flatten() {
                if depth >= max_depth {
                    walk.truncated = true;
                    break;
                }
                walk.edges.push(*edge);
                if seen.contains(neighbour) {
                    continue;
                }
                if walk.nodes.len() >= max_nodes {
                    walk.truncated = true;
                    return walk;
                }
                seen.insert(*neighbour);
                walk.nodes.push((*neighbour, depth + 1));
                queue.push_back((*neighbour, depth + 1));
            }
        }
        walk
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 1 -> 2 -> 3 -> 5, 1 -> 4 -> 5, 5 -> 6
    fn sample() -> Graph {
        Graph::new(&[(1, 2), (2, 3), (3, 5), (1, 4), (4, 5), (5, 6)])
    }

    #[test]
    fn downstream_and_upstream_reach_every_node_once_with_its_depth() {
        let g = sample();
        let down = g.walk(1, Direction::Downstream, 10, 100);
        assert_eq!(
            down.nodes,
            vec![(1, 0), (2, 1), (4, 1), (3, 2), (5, 2), (6, 3)]
        );
        assert_eq!(down.edges.len(), 6);
        assert!(!down.truncated);
        let up = g.walk(6, Direction::Upstream, 10, 100);
        assert_eq!(
            up.nodes,
            vec![(6, 0), (5, 1), (3, 2), (4, 2), (2, 3), (1, 3)]
        );
    }

    #[test]
    fn bounds_stop_the_walk_and_say_so() {
        let g = sample();
        let shallow = g.walk(1, Direction::Downstream, 1, 100);
        assert_eq!(shallow.nodes, vec![(1, 0), (2, 1), (4, 1)]);
        assert!(shallow.truncated);
        let few = g.walk(1, Direction::Downstream, 10, 3);
        assert_eq!(few.nodes.len(), 3);
        assert!(few.truncated);
    }

    #[test]
    fn reachability_finds_paths_and_only_paths() {
        let g = sample();
        assert!(g.reaches(1, 6));
        assert!(!g.reaches(6, 1));
        assert!(!g.reaches(2, 4));
    }
}
