//! `logscrub forget`: erase on request in logs already written. A scrub whose actions keep every
//! address and email as found and whose forget list drops the lines holding an entry, so no other
//! byte changes; written atomically, over the input (`--in-place`) or into a directory. `--prune`
//! then takes the entries whose every line has aged out of the retention window off the list.

use std::collections::HashSet;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use logscrub::error::{Error, Result};
use logscrub::forget::list;
use logscrub::input::InputSpec;
use logscrub::output::{AtomicFile, Target};
use logscrub::plan::{FileJob, Plan};
use logscrub::time::format_utc;

use super::{fail, scrub};
use crate::cli::args::ForgetArgs;
use crate::cli::config_file::Origins;
use crate::cli::resolve::clock_now;
use crate::cli::Settings;
use crate::exit::Exit;
use crate::progress;

/// Runs `logscrub forget`: the files first (when any), then `--prune` (only when they all went
/// well).
pub fn run(args: &ForgetArgs) -> Exit {
    let now = args.now.unwrap_or_else(clock_now);
    match (
        args.files.is_empty(),
        args.output.is_some() || args.in_place,
    ) {
        (false, false) => {
            return fail(&"forget: say where the rewritten files go: -o DIR, or --in-place")
        }
        (true, true) => return fail(&"forget: no files given: name the logs to rewrite"),
        (true, false) if !args.prune => {
            return fail(&"forget: no files given: name the logs to rewrite, or --prune the list")
        }
        _ => {}
    }
    if !args.files.is_empty() {
        let mut settings = Settings::from(args);
        settings.now = Some(now);
        let exit = scrub::run_jobs(
            settings.resolve(),
            |plan| jobs(plan, args),
            args.report.as_deref(),
            args.quiet,
            progress::When::Auto,
            &Origins::default(),
        );
        if exit != Exit::Ok {
            return exit;
        }
    }
    if args.prune {
        if let Err(e) = prune(args, now) {
            return fail(&e);
        }
    }
    Exit::Ok
}

/// Every input to its rewritten file: itself (`--in-place`), or the same name in `-o DIR`. A
/// file is written as gzip when its name ends in `.gz`, so a name that says otherwise than the
/// content is refused: rewriting it would change its encoding.
fn jobs(plan: &Plan, args: &ForgetArgs) -> Result<Vec<FileJob>> {
    let jobs = match &args.output {
        Some(dir) => {
            let mut dir = dir.clone().into_os_string();
            if !dir.to_string_lossy().ends_with('/') {
                dir.push("/");
            }
            let plan = Plan {
                output: Some(PathBuf::from(dir)),
                ..plan.clone()
            };
            plan.jobs()?
        }
        None => {
            let mut seen = HashSet::new();
            let mut jobs = Vec::with_capacity(plan.inputs.len());
            for input in &plan.inputs {
                let InputSpec::Path(p) = input else {
                    return Err(Error::Usage(
                        "--in-place rewrites files: stdin cannot be rewritten in place".into(),
                    ));
                };
                let real = std::fs::canonicalize(p).map_err(|source| Error::Open {
                    path: p.display().to_string(),
                    source,
                })?;
                if !seen.insert(real) {
                    return Err(Error::Usage(format!(
                        "{}: given twice; give each file once",
                        p.display()
                    )));
                }
                jobs.push(FileJob {
                    input: input.clone(),
                    output: Target::File(p.clone()),
                });
            }
            jobs
        }
    };
    for job in &jobs {
        if let InputSpec::Path(p) = &job.input {
            check_encoding(p, &job.output)?;
        }
    }
    Ok(jobs)
}

/// Refuses a file whose content (gzip or not) is not what its output name would be written as.
fn check_encoding(input: &Path, output: &Target) -> Result<()> {
    let mut magic = [0u8; 2];
    let mut n = 0;
    if let Ok(mut f) = std::fs::File::open(input) {
        while n < 2 {
            match f.read(&mut magic[n..]) {
                Ok(0) | Err(_) => break,
                Ok(k) => n += k,
            }
        }
    }
    let gzip = n == 2 && magic == [0x1f, 0x8b];
    if gzip != output.is_gzip() {
        let (is, name) = match gzip {
            true => ("is gzip", "does not end in .gz"),
            false => ("is not gzip", "ends in .gz"),
        };
        return Err(Error::Usage(format!(
            "{}: {is} but its name {name}: rewriting it would change its encoding; rename it first",
            input.display()
        )));
    }
    Ok(())
}

/// `--prune`: the list rewritten (atomically, keeping its mode) without the entries requested
/// before now - max-age - grace, whose every earlier line is gone from logs kept max-age.
fn prune(args: &ForgetArgs, now: i64) -> Result<()> {
    let path = &args.list;
    let read_err = |source| Error::Open {
        path: path.display().to_string(),
        source,
    };
    let bytes = std::fs::read(path).map_err(read_err)?;
    let to_setting = |e: logscrub::forget::ForgetError| Error::Setting {
        message: e.to_string(),
        culprits: vec![],
    };
    let parsed = list::parse(&bytes, path).map_err(to_setting)?;
    let text = String::from_utf8(bytes).expect("a list that parses is UTF-8");
    let max_age = args.max_age.unwrap_or(0);
    let keep = i64::try_from(max_age.saturating_add(args.grace)).unwrap_or(i64::MAX);
    let cutoff = now.saturating_sub(keep).div_euclid(86_400);
    let (pruned_text, pruned) = list::prune(&text, cutoff);
    let day = &format_utc(cutoff * 86_400)[..10];
    if pruned.is_empty() {
        if !args.quiet {
            eprintln!(
                "logscrub: {}: nothing to prune: no entry was requested before {day}",
                path.display()
            );
        }
        return Ok(());
    }
    let write_err = |source| Error::Write {
        path: path.display().to_string(),
        source,
    };
    let mode = std::fs::metadata(path).map_err(read_err)?;
    let file = AtomicFile::create(path, ".", ".logscrub-tmp").map_err(write_err)?;
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_mode(mode.permissions().mode() & 0o7777)
            .map_err(write_err)?;
    }
    file.file()
        .write_all(pruned_text.as_bytes())
        .map_err(write_err)?;
    file.commit().map_err(write_err)?;
    if !args.quiet {
        let lines: Vec<String> = pruned.iter().map(u32::to_string).collect();
        eprintln!(
            "logscrub: {}: pruned {} entries requested before {day} (lines {}); {} remain",
            path.display(),
            pruned.len(),
            lines.join(", "),
            parsed.entries.len() - pruned.len()
        );
    }
    Ok(())
}
