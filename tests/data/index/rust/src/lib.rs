//! Geometry primitives.

use std::collections::HashMap;
use std::fmt::{self, Display};

pub mod shapes;

/// Upper bound for any coordinate.
pub const MAX_COORD: f64 = 1.0e9;

/// A point in the plane.
#[derive(Debug, Clone, Copy)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    /// Distance to another point.
    pub fn distance(&self, other: &Point) -> f64 {
        ((self.x - other.x).powi(2) + (self.y - other.y).powi(2)).sqrt()
    }
}

impl Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({}, {})", self.x, self.y)
    }
}

/// Counts points per quadrant.
pub fn quadrants(points: &[Point]) -> HashMap<u8, usize> {
    let mut counts = HashMap::new();
    for p in points {
        *counts.entry(shapes::quadrant(p)).or_insert(0) += 1;
    }
    counts
}

macro_rules! square {
    ($x:expr) => {
        $x * $x
    };
}
