//! The `healthcert` command line, as a library so that tests can drive its
//! commands in-process. The binary (`src/main.rs`, with one module per
//! command in `src/cmd/`) is the clap front end: it parses the arguments,
//! calls in here, prints the results and picks the exit status.

pub mod bundled;
pub mod conformance;
pub mod input;
pub mod out;
pub mod picture;
pub mod render;
pub mod serve;
pub mod trust_cmd;
pub mod usage;
