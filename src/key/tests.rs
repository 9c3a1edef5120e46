use super::*;

/// Hex of letters only, so a message holding any run of it is easy to spot.
const SECRET: &str = "fbdacebfadbcefdbacfebdcafbedacbfdaebcfdbeacfdbaecbfadcebfdacbeaf";

fn key_of(text: &str) -> Result<Key, KeyError> {
    Key::from_hex(text.as_bytes())
}

/// No run of four characters of `secret` appears in `message` (paths taken out first).
fn assert_no_key_text(message: &str, secret: &str, path: Option<&Path>) {
    let mut m = message.to_lowercase();
    if let Some(p) = path {
        m = m.replace(&p.display().to_string().to_lowercase(), "<path>");
    }
    let s = secret.to_lowercase();
    for i in 0..s.len().saturating_sub(3) {
        let window = &s[i..i + 4];
        assert!(!m.contains(window), "{message:?} holds key text {window:?}");
    }
}

/// Writes a key file as `logscrub keygen` would leave it: readable by its owner only.
fn write_key(path: &Path, text: impl AsRef<[u8]>) {
    // Anew, so that a file left read-only by the test before can be written.
    let _ = std::fs::remove_file(path);
    std::fs::write(path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

fn problem(r: Result<Key, KeyError>) -> KeyProblem {
    match r {
        Err(KeyError::Invalid { problem, .. }) => problem,
        other => panic!("expected an invalid key, got {other:?}"),
    }
}

#[test]
fn valid_keys_with_and_without_newline() {
    let want: [u8; 32] = std::array::from_fn(|i| {
        let j = 2 * i;
        u8::from_str_radix(&SECRET[j..j + 2], 16).unwrap()
    });
    for text in [
        SECRET.to_string(),
        format!("{SECRET}\n"),
        format!("{SECRET}\r\n"),
        SECRET.to_uppercase(),
    ] {
        assert_eq!(key_of(&text).unwrap().bytes(), &want, "{text:?}");
    }
    let zeros = "0".repeat(64);
    assert_eq!(key_of(&zeros).unwrap().bytes(), &[0; 32]);
}

#[test]
fn bad_keys_say_what_is_wrong() {
    assert_eq!(problem(key_of("")), KeyProblem::Empty);
    assert_eq!(problem(key_of("\n")), KeyProblem::Empty);
    assert_eq!(problem(key_of("\r\n")), KeyProblem::Empty);
    assert_eq!(problem(key_of(&SECRET[..63])), KeyProblem::TooShort(63));
    assert_eq!(
        problem(key_of(&format!("{}\n", &SECRET[..63]))),
        KeyProblem::TooShort(63)
    );
    assert_eq!(problem(key_of(&format!("{SECRET}a"))), KeyProblem::TooLong);
    assert_eq!(
        problem(key_of(&format!("{SECRET}\n\n"))),
        KeyProblem::TooLong
    );
    assert_eq!(problem(key_of(&format!("{SECRET} "))), KeyProblem::TooLong);
    let mut bad = SECRET.to_string();
    bad.replace_range(9..10, "g");
    assert_eq!(problem(key_of(&bad)), KeyProblem::NotHex(10));
    assert_eq!(
        problem(key_of(&format!(" {SECRET}"))),
        KeyProblem::NotHex(1)
    );
    assert_eq!(problem(key_of("0x12")), KeyProblem::NotHex(2));
    assert_eq!(
        problem(key_of(&format!("{}\r", &SECRET[..63]))),
        KeyProblem::NotHex(64)
    );
    // A passphrase is not a key, whatever its length.
    assert_eq!(problem(key_of("correct horse")), KeyProblem::NotHex(2));
}

#[test]
fn messages_never_hold_key_text() {
    let mut bad = SECRET.to_string();
    bad.replace_range(40..41, "z");
    let cases = [
        String::new(),
        SECRET[..63].to_string(),
        format!("{SECRET}a"),
        bad,
    ];
    for text in &cases {
        let e = key_of(text).unwrap_err();
        let m = e.to_string();
        assert!(m.contains("logscrub keygen"), "{m}");
        assert_no_key_text(&m, SECRET, None);
        assert_no_key_text(&format!("{e:?}"), SECRET, None);
    }
    assert_eq!(format!("{:?}", key_of(SECRET).unwrap()), "Key(<redacted>)");
    let dir = tempfile::tempdir().unwrap();
    for text in &cases {
        let path = dir.path().join("k");
        write_key(&path, text);
        let e = load(Some(&path), None).unwrap_err();
        let m = e.to_string();
        assert!(m.contains(&path.display().to_string()), "{m}");
        assert!(
            m.contains(&format!("logscrub keygen > {}", path.display())),
            "{m}"
        );
        assert_no_key_text(&m, SECRET, Some(&path));
        assert_no_key_text(&format!("{e:?}"), SECRET, Some(&path));
    }
}

#[test]
fn messages_for_each_problem() {
    let m = |t: &str| key_of(t).unwrap_err().to_string();
    assert!(m("").contains("key is empty"), "{}", m(""));
    assert!(m(&SECRET[..63]).contains("too short: 63 hex characters, expected 64"));
    assert!(m(&format!("{SECRET}0")).contains("too long"));
    assert!(m("abg").contains("character 3 is not a hex digit"));
}

#[test]
fn flag_wins_over_env() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    write_key(&a, format!("{SECRET}\n"));
    write_key(&b, "0".repeat(64));
    let from_flag = load(Some(&a), Some(b.clone().into_os_string())).unwrap();
    assert_eq!(from_flag.bytes()[0], 0xfb);
    let from_env = load(None, Some(b.clone().into_os_string())).unwrap();
    assert_eq!(from_env.bytes(), &[0; 32]);
    // A flag naming a bad file is an error even when the environment names a good one.
    let missing = dir.path().join("missing");
    match load(Some(&missing), Some(b.into_os_string())) {
        Err(KeyError::Read { file, .. }) => assert!(!file.from_env && file.path == missing),
        other => panic!("{other:?}"),
    }
}

#[test]
fn no_key_says_how_to_give_one() {
    let m = load(None, None).unwrap_err().to_string();
    assert!(
        m.contains("--key-file") && m.contains(KEY_FILE_ENV) && m.contains("keygen"),
        "{m}"
    );
    let m = load(None, Some(OsString::new())).unwrap_err().to_string();
    assert!(m.contains("set but empty"), "{m}");
    let m = load(None, Some("/nonexistent/logscrub.key".into()))
        .unwrap_err()
        .to_string();
    assert!(
        m.starts_with("key file /nonexistent/logscrub.key (from LOGSCRUB_KEY_FILE): cannot read:"),
        "{m}"
    );
}

#[test]
fn a_huge_key_file_is_too_long_not_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big");
    write_key(&path, "a".repeat(1 << 20));
    let e = load(Some(&path), None).unwrap_err();
    assert!(matches!(
        e,
        KeyError::Invalid {
            problem: KeyProblem::TooLong,
            ..
        }
    ));
}

#[cfg(unix)]
#[test]
fn key_files_open_to_group_or_others_are_refused_before_they_are_read() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("key");
    write_key(&path, format!("{SECRET}\n"));
    for mode in [0o644, 0o666, 0o640, 0o604, 0o610, 0o620, 0o601, 0o602] {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        let e = load(Some(&path), None).unwrap_err();
        match &e {
            KeyError::TooOpen { file, mode: got } => {
                assert_eq!((file.path.as_path(), *got), (path.as_path(), mode));
            }
            other => panic!("{mode:o}: {other:?}"),
        }
        let m = e.to_string();
        assert!(!m.contains('\n'), "{m}");
        assert!(
            m.contains(&path.display().to_string())
                && m.contains(&format!("{mode:04o}"))
                && m.contains(&format!("chmod 600 {}", path.display())),
            "{m}"
        );
        assert_no_key_text(&m, SECRET, Some(&path));
        assert_no_key_text(&format!("{e:?}"), SECRET, Some(&path));
        // From the environment too, saying so.
        let e = load(None, Some(path.clone().into_os_string())).unwrap_err();
        assert!(
            matches!(&e, KeyError::TooOpen { file, .. } if file.from_env),
            "{e:?}"
        );
    }
    // The mode is judged before the text: a bad key in an open file is refused for its mode.
    write_key(&path, "not a key");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(matches!(
        load(Some(&path), None),
        Err(KeyError::TooOpen { .. })
    ));
    for mode in [0o600, 0o400] {
        write_key(&path, format!("{SECRET}\n"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        assert_eq!(
            load(Some(&path), None).unwrap().bytes()[0],
            0xfb,
            "{mode:o}"
        );
    }
}

#[test]
fn generated_keys_round_trip_and_differ() {
    let a = Key::generate().unwrap();
    let b = Key::generate().unwrap();
    assert_ne!(a.bytes(), b.bytes());
    let hex = a.to_hex_for_keygen();
    assert_eq!(hex.len(), 64);
    assert!(hex
        .bytes()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    assert_eq!(Key::from_hex(hex.as_bytes()).unwrap().bytes(), a.bytes());
}

#[cfg(unix)]
#[test]
fn keygen_writes_mode_0600_and_refuses_to_overwrite() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("key");
    keygen(Some(&path)).unwrap();
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    let text = std::fs::read(&path).unwrap();
    assert_eq!(text.len(), 65);
    assert_eq!(text[64], b'\n');
    let key = load(Some(&path), None).unwrap();
    match keygen(Some(&path)) {
        Err(e @ KeyError::Exists { .. }) => {
            assert!(e.to_string().contains("refusing to overwrite"), "{e}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(std::fs::read(&path).unwrap(), text);
    assert_eq!(load(Some(&path), None).unwrap().bytes(), key.bytes());
}

#[cfg(unix)]
#[test]
fn stdout_redirected_to_a_file_is_restricted_and_must_be_empty() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("key");
    let file = File::create(&path).unwrap();
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
        .unwrap();
    restrict_if_file(&file).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    std::fs::write(&path, "x").unwrap();
    let file = File::options().append(true).open(&path).unwrap();
    assert!(matches!(
        restrict_if_file(&file),
        Err(KeyError::StdoutNotEmpty)
    ));
    // Not a regular file: left alone.
    restrict_if_file(&File::open("/dev/null").unwrap()).unwrap();
}
