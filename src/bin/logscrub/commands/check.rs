//! `logscrub check`: audit scrubbed logs with the library's independent auditor; findings on
//! stdout like grep, a summary on stderr, exit 1 if any.

use std::io::Write;

use logscrub::audit::{self, Policy, Summary};
use logscrub::error::Error;
use logscrub::input::InputSpec;

use super::fail;
use crate::cli::args::{CheckArgs, EmailArg, IpArg};
use crate::cli::resolve::IpWanted;
use crate::cli::Settings;
use crate::exit::Exit;

/// `logscrub check`: findings on stdout like grep, a summary on stderr, exit 1 if any.
pub fn run(args: &CheckArgs) -> Exit {
    // The prefixes and actions resolve as a scrub's would (no key: check needs none).
    let (settings, policy) = match Settings::of_check(args).and_then(|s| {
        let policy = s.audit_policy()?;
        Ok((s, policy))
    }) {
        Ok(both) => both,
        Err(e) => return fail(&e),
    };
    let inputs: Vec<InputSpec> = if args.files.is_empty() {
        vec![InputSpec::Stdin]
    } else {
        args.files.iter().map(|f| InputSpec::from_arg(f)).collect()
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let (mut total, mut files_with, mut failed) = (Summary::default(), 0usize, false);
    for input in &inputs {
        let name = input.display();
        let result = audit::check_input(input, &policy, |f| {
            if args.count {
                return Ok(());
            }
            out.write_all(name.as_bytes())
                .and_then(|()| write!(out, ":{}: {}: ", f.line, f.kind.name()))
                .and_then(|()| out.write_all(f.text))
                .and_then(|()| out.write_all(b"\n"))
                .map_err(|e| Error::write("<stdout>", e))
        });
        match result {
            Ok(s) => {
                if args.count {
                    let _ = writeln!(out, "{name}: {}", s.findings);
                }
                total.findings += s.findings;
                total.expected_ips += s.expected_ips;
                total.expected_emails += s.expected_emails;
                files_with += usize::from(s.findings > 0);
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
    for line in summary_lines(&settings, &policy, &total, files_with, inputs.len()) {
        eprintln!("logscrub: check: {line}");
    }
    match (failed, total.findings) {
        (true, _) => Exit::Error,
        (false, 0) => Exit::Ok,
        (false, _) => Exit::Found,
    }
}

/// The summary on stderr: findings, and what was seen that the actions leave on purpose.
fn summary_lines(
    settings: &Settings,
    policy: &Policy,
    total: &Summary,
    files_with: usize,
    inputs: usize,
) -> Vec<String> {
    let mut lines = Vec::new();
    if policy.ips_expected {
        let action = match settings.ip {
            IpWanted::Flag(IpArg::Keep) => "keep",
            _ => "encrypt",
        };
        lines.push(format!(
            "{} IP address(es) seen, expected with --ip {action} (not findings)",
            total.expected_ips
        ));
    }
    if policy.emails_expected && settings.email == EmailArg::Keep {
        lines.push(format!(
            "{} email(s) seen, expected with --email keep (not findings)",
            total.expected_emails
        ));
    }
    if total.findings > 0 {
        lines.push(format!(
            "{} finding(s) of personal data in {files_with} of {inputs} input(s)",
            total.findings
        ));
    }
    lines
}
