//! Tests of all-or-nothing output sets.

use super::*;

fn out(name: &str, text: &str) -> Output {
    Output {
        name: name.into(),
        bytes: text.as_bytes().to_vec(),
    }
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn refuses_existing_files_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("b.txt"), "keep").unwrap();
    let outputs = [out("a.txt", "new a"), out("b.txt", "new b")];
    let err = write_all(dir.path(), &outputs, false)
        .unwrap_err()
        .to_string();
    assert!(err.contains("b.txt") && err.contains("--force"), "{err}");
    assert_eq!(names(dir.path()), ["b.txt"]);
    write_all(dir.path(), &outputs, true).unwrap();
    assert_eq!(
        fs::read_to_string(dir.path().join("b.txt")).unwrap(),
        "new b"
    );
    // No temporary, moved-aside or lock file is left behind.
    assert_eq!(names(dir.path()), ["a.txt", "b.txt"]);
}

#[cfg(unix)]
#[test]
fn a_dangling_symlink_counts_as_existing() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(dir.path().join("nowhere"), dir.path().join("a.txt")).unwrap();
    let err = write_all(dir.path(), &[out("a.txt", "x")], false).unwrap_err();
    assert!(err.to_string().contains("refusing to overwrite"), "{err}");
    assert!(fs::symlink_metadata(dir.path().join("a.txt"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn a_failure_half_way_with_force_restores_the_old_set() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), "old a").unwrap();
    fs::write(dir.path().join("b.txt"), "old b").unwrap();
    // c.txt is a non-empty directory: it cannot be moved aside onto a file
    // name, so the third rename fails after a.txt and b.txt were placed.
    fs::create_dir(dir.path().join("c.txt")).unwrap();
    fs::write(dir.path().join("c.txt").join("inner"), "x").unwrap();
    let outputs = [
        out("a.txt", "new a"),
        out("b.txt", "new b"),
        out("c.txt", "new c"),
        out("d.txt", "new d"),
    ];
    assert!(write_all(dir.path(), &outputs, true).is_err());
    assert_eq!(
        fs::read_to_string(dir.path().join("a.txt")).unwrap(),
        "old a"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("b.txt")).unwrap(),
        "old b"
    );
    assert_eq!(names(dir.path()), ["a.txt", "b.txt", "c.txt"]);
}

#[test]
fn a_held_lock_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let held = lock::DirLock::acquire(dir.path()).unwrap();
    let err = write_all(dir.path(), &[out("a.txt", "x")], false).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("another co2sweep run"), "{err}");
    assert_eq!(names(dir.path()), [LOCK_FILE]);
    drop(held);
    write_all(dir.path(), &[out("a.txt", "x")], false).unwrap();
    assert_eq!(names(dir.path()), ["a.txt"]);
}

#[test]
fn out_naming_a_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("f");
    fs::write(&file, "x").unwrap();
    assert!(check_targets(&file, &["a"], true)
        .unwrap_err()
        .to_string()
        .contains("is a file"));
}

#[test]
fn outputs_get_the_mode_any_new_file_gets() {
    // Written through a temporary file (mode 0600), an output used to stay
    // unreadable to others; it now has the mode `File::create` gives in
    // the same directory (0666 less the umask, whatever the umask is).
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    write_all(dir.path(), &[out("a.csv", "x\n")], false).unwrap();
    fs::File::create(dir.path().join("plain")).unwrap();
    let mode = |name: &str| {
        fs::metadata(dir.path().join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("a.csv"), mode("plain"));
}
