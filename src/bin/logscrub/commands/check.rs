//! `logscrub check`: audit scrubbed logs; findings on stdout like grep, a count on stderr, exit 1
//! if any.

use std::io::Write;

use logscrub::audit;
use logscrub::error::Error;
use logscrub::input::InputSpec;

use super::fail;
use crate::cli::args::CheckArgs;
use crate::cli::Settings;
use crate::exit::Exit;

/// `logscrub check`: findings on stdout like grep, a count on stderr, exit 1 if any.
pub fn run(args: &CheckArgs) -> Exit {
    // The prefixes resolve as a scrub's would; the inputs are check's own.
    let actions = match Settings::of_check(args).and_then(|s| s.resolve()) {
        Ok(plan) => plan.actions,
        Err(e) => return fail(&e),
    };
    let inputs: Vec<InputSpec> = if args.files.is_empty() {
        vec![InputSpec::Stdin]
    } else {
        args.files.iter().map(|f| InputSpec::from_arg(f)).collect()
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let (mut findings, mut files_with, mut failed) = (0u64, 0usize, false);
    for input in &inputs {
        let name = input.display();
        let result = audit::check_input(input, &actions, |f| {
            if args.count {
                return Ok(());
            }
            writeln!(
                out,
                "{name}:{}: {}: {}",
                f.line,
                audit::kind_name(f.kind),
                String::from_utf8_lossy(f.text)
            )
            .map_err(|e| Error::write("<stdout>", e))
        });
        match result {
            Ok(n) => {
                if args.count {
                    let _ = writeln!(out, "{name}: {n}");
                }
                findings += n;
                files_with += usize::from(n > 0);
            }
            Err(Error::BrokenPipe) => return Exit::Found,
            Err(e) => {
                let _ = out.flush();
                eprintln!("logscrub: {e}");
                failed = true;
            }
        }
    }
    if let Err(e) = out.flush() {
        if !matches!(Error::write("<stdout>", e), Error::BrokenPipe) {
            failed = true;
        }
    }
    if findings > 0 {
        eprintln!(
            "logscrub: check: {findings} finding(s) of personal data in {files_with} of {} input(s)",
            inputs.len()
        );
    }
    match (failed, findings) {
        (true, _) => Exit::Error,
        (false, 0) => Exit::Ok,
        (false, _) => Exit::Found,
    }
}
