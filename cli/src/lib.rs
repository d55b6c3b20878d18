//! The `healthcert` command line, as a library so that tests can drive its
//! commands in-process. The binary (`src/main.rs`) is a thin clap front end.

pub mod bundled;
pub mod conformance;
pub mod input;
pub mod out;
pub mod picture;
pub mod render;
pub mod serve;
pub mod trust_cmd;
pub mod usage;
