use crate::Point;

/// Something with an area.
pub trait Shape {
    /// The area in square units.
    fn area(&self) -> f64;
}

/// Where a point lies.
pub enum Quadrant {
    First,
    Other(u8),
}

pub struct Circle {
    pub center: Point,
    pub radius: f64,
}

impl Shape for Circle {
    fn area(&self) -> f64 {
        std::f64::consts::PI * self.radius * self.radius
    }
}

/// The quadrant of `p`, numbered 1 to 4.
pub fn quadrant(p: &Point) -> u8 {
    let origin = Point { x: 0.0, y: 0.0 };
    if p.distance(&origin) == 0.0 { 0 } else if p.x >= 0.0 { 1 } else { 3 }
}
