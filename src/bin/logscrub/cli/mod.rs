//! The command line: what clap reads ([`args`]), the configuration file merged into it
//! ([`config_file`]), the resolution of both into the library's plan ([`resolve`]), and
//! `--print-config` ([`print_config`]), and usage mistakes as one line ([`usage`]).

pub mod args;
pub mod config_file;
pub mod print_config;
pub mod resolve;
pub mod usage;

pub use args::{Cli, Command};
pub use resolve::{parse_args, report_of, ArgsError, Parsed, Settings};
