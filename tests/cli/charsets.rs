//! Charsets the newcomer of issue #16 hit: UTF-16 without a byte-order mark, and a file mixing
//! UTF-8 and windows-1251 lines.

use crate::util::*;

const LINES: [&str; 4] = [
    "Городской совет утвердил бюджет на следующий год, сообщил мэр города журналистам.",
    "Депутаты обсуждали документ три часа; против проголосовали только двое из них.",
    "Жители узнают подробности бюджета на открытой встрече в ратуше в пятницу.",
    "Новый бюджет предусматривает ремонт школ и больниц в центре и на окраинах.",
];

/// The normalized bodies `newsdedup normalize` prints for `paths`.
fn bodies<S: AsRef<std::ffi::OsStr>>(paths: &[S]) -> Vec<String> {
    let mut args: Vec<&std::ffi::OsStr> = vec!["normalize".as_ref()];
    args.extend(paths.iter().map(AsRef::as_ref));
    let out = run(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "nothing skipped");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|a| a["body"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn normalize_prints_a_mixed_utf8_and_windows_1251_file_right() {
    let tmp = tempfile::tempdir().unwrap();
    let mixed = tmp.path().join("mixed.txt");
    let mut bytes = Vec::new();
    for (i, line) in LINES.iter().enumerate() {
        if i == 2 {
            bytes.extend_from_slice(&encoding_rs::WINDOWS_1251.encode(line).0);
        } else {
            bytes.extend_from_slice(line.as_bytes());
        }
        bytes.extend_from_slice(b"\n\n");
    }
    std::fs::write(&mixed, &bytes).unwrap();
    let utf8 = tmp.path().join("utf8.txt");
    std::fs::write(&utf8, LINES.join("\n\n") + "\n").unwrap();

    let got = bodies(&[&mixed]);
    for line in LINES {
        assert!(got[0].contains(line), "{line:?} not in {:?}", got[0]);
    }
    assert_eq!(got, bodies(&[&utf8]), "as if the file were all UTF-8");
}

#[test]
fn utf16_without_a_bom_is_read_and_other_nul_bytes_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let text = LINES.join("\n\n") + "\n";
    let utf8 = tmp.path().join("a-utf8.txt");
    std::fs::write(&utf8, &text).unwrap();
    let le = tmp.path().join("b-utf16le.txt");
    std::fs::write(
        &le,
        text.encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let be = tmp.path().join("c-utf16be.txt");
    std::fs::write(
        &be,
        text.encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let b = bodies(&[&utf8, &le, &be]);
    assert_eq!(b[1], b[0]);
    assert_eq!(b[2], b[0]);

    // UTF-16-shaped bytes that are no text, and a binary file: skipped, each with its reason.
    let controls = tmp.path().join("d-controls.txt");
    let units: Vec<u8> = (0..400u16)
        .flat_map(|i| (i % 8 + 1).to_le_bytes())
        .collect();
    std::fs::write(&controls, units).unwrap();
    let elf = tmp.path().join("e-elf.txt");
    std::fs::write(
        &elf,
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x03\x00>\x00",
    )
    .unwrap();
    let stats = tmp.path().join("stats.json");
    let out = run(&[
        "--stats-json".as_ref(),
        stats.as_os_str(),
        tmp.path().as_os_str(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let members = member_paths(&stories(&out));
    assert_eq!(
        members.len(),
        3,
        "the UTF-16 copies join the UTF-8 one: {members:?}"
    );
    assert_eq!(stories(&out).len(), 1);
    let skipped = stats_skipped(&read_json(&stats));
    let reason = |p: &std::path::Path| {
        skipped
            .iter()
            .find(|(path, _, _)| path == &p.to_string_lossy())
            .map(|(_, r, k)| (r.clone(), k.clone()))
            .unwrap_or_else(|| panic!("{} not skipped: {skipped:?}", p.display()))
    };
    let (why, kind) = reason(&controls);
    assert_eq!(kind, "undecodable");
    assert!(
        why.starts_with("undecodable text: looks like UTF-16LE without a byte-order mark"),
        "{why}"
    );
    assert_eq!(reason(&elf).1, "binary");
    assert_eq!(skipped.len(), 2);
}
