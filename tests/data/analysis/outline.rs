use std::fmt;

const MAX: usize = 8;
static GREETING: &str = "hi";

pub struct Point {
    pub x: f64,
    pub y: f64,
}

pub enum Shape {
    Circle(f64),
    Square { side: f64 },
}

pub trait Area {
    fn area(&self) -> f64;
}

impl Point {
    pub fn new(x: f64, y: f64) -> Self {
        Point { x, y }
    }
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "({}, {})", self.x, self.y)
    }
}

mod util {
    pub fn helper() -> u32 {
        42
    }
}

type Pair = (i32, i32);

fn main() {
    let p = Point::new(1.0, 2.0);
    println!("{}", p);
}
