//! The command line: what clap reads ([`args`]), the configuration file merged into it
//! ([`config_file`]), the resolution of both into the library's plan ([`resolve`]), and
//! `--print-config` ([`print_config`]).

pub mod args;
pub mod config_file;
pub mod print_config;
pub mod resolve;

pub use args::{Cli, Command};
pub use resolve::{parse_args, report_of, ArgsError, Parsed, Settings};
