//! `logscrub subject`: access and portability on request. Every line about one person, from
//! every input, as JSON Lines in one export file (mode 0600, written atomically); stderr says
//! only the counts.

use std::io::Write as _;

use logscrub::error::{Error, Result};
use logscrub::forget::export::{Exporter, IpOnly};
use logscrub::input::{self, InputSpec};
use logscrub::output::AtomicFile;

use super::fail;
use crate::cli::args::{IpOnlyArg, SubjectArgs};
use crate::cli::Settings;
use crate::exit::Exit;

/// The export's permission bits: only its owner reads it.
const EXPORT_MODE: u32 = 0o600;

/// Runs `logscrub subject`.
pub fn run(args: &SubjectArgs) -> Exit {
    match export(args) {
        Ok(()) => Exit::Ok,
        Err(e) => fail(&e),
    }
}

fn export(args: &SubjectArgs) -> Result<()> {
    let plan = Settings::from(args).resolve()?;
    let forget = plan.forget.as_ref().expect("subject resolves its list");
    let ip_only = match args.ip_only {
        IpOnlyArg::Include => IpOnly::Include,
        IpOnlyArg::Exclude => IpOnly::Exclude,
    };
    let out_name = args.output.display().to_string();
    for i in &plan.inputs {
        if let InputSpec::Path(p) = i {
            let same = std::fs::canonicalize(p).ok() == std::fs::canonicalize(&args.output).ok();
            if same && args.output.exists() {
                return Err(Error::OutputIsInput {
                    path: args.output.clone(),
                    input: p.display().to_string(),
                });
            }
        }
    }
    let write_err = |source| Error::Write {
        path: out_name.clone(),
        source,
    };
    // Made (mode 0600) before any input is read, so a bad output fails first.
    let file = AtomicFile::create(&args.output, ".", ".logscrub-tmp").map_err(write_err)?;
    file.set_mode(EXPORT_MODE).map_err(write_err)?;
    let mut exporter = Exporter::new(forget, plan.format, &plan.time_fields, plan.now, ip_only);
    let mut body = Vec::new();
    for spec in &plan.inputs {
        let name = spec.display();
        let opened = input::open(spec)?;
        exporter
            .file(&name, opened.reader, &mut body)
            .map_err(|source| Error::Read {
                path: name.clone(),
                offset: 0,
                compressed: None,
                source,
            })?;
    }
    let mut f = file.file();
    f.write_all(&exporter.header()).map_err(write_err)?;
    f.write_all(&body).map_err(write_err)?;
    file.commit().map_err(write_err)?;
    let c = exporter.counts();
    let left_out = match ip_only {
        IpOnly::Exclude => format!("; {} matched only by an IP address left out", c.left_out),
        IpOnly::Include => String::new(),
    };
    eprintln!(
        "logscrub: subject: {} of {} lines in {} inputs exported, {} of them matched only by an IP address{left_out}",
        c.lines,
        c.lines_read,
        plan.inputs.len(),
        c.ip_only_lines
    );
    Ok(())
}
