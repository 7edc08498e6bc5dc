//! Dates found in news pages, normalized to ISO 8601.
//!
//! Recognized: ISO 8601 (`2017-03-02`, `2024-05-03T15:47:42+00:00`), US-style
//! `10:43 PM ET, Thu March 2, 2017`, `March 2, 2017`, `2 March 2017`, numeric
//! `28/12/2006 - 18:32:11` (day first unless impossible), and Reuters' `26-FEB-1987 15:01:01.79`.

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;

/// A calendar date with an optional time of day and an optional UTC offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timestamp {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    /// Hours, minutes, seconds.
    pub time: Option<(u8, u8, u8)>,
    /// Minutes east of UTC, when the source said.
    pub offset_min: Option<i16>,
}

impl Timestamp {
    pub fn date(year: i32, month: u8, day: u8) -> Option<Timestamp> {
        let ok = (1900..=2200).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        ok.then_some(Timestamp {
            year,
            month,
            day,
            time: None,
            offset_min: None,
        })
    }

    fn with_time(mut self, h: u8, m: u8, s: u8) -> Option<Timestamp> {
        if h < 24 && m < 60 && s < 61 {
            self.time = Some((h, m, s.min(59)));
            Some(self)
        } else {
            None
        }
    }

    /// Days since 1970-01-01 of the calendar date (ignoring time and offset).
    pub fn days(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day)
    }

    /// Seconds since the epoch, UTC when the offset is known, local time read as UTC otherwise;
    /// a date without a time counts as its midnight. Used to order timestamps.
    pub fn sort_key(&self) -> i64 {
        let (h, m, s) = self.time.unwrap_or((0, 0, 0));
        self.days() * 86_400 + i64::from(h) * 3600 + i64::from(m) * 60 + i64::from(s)
            - i64::from(self.offset_min.unwrap_or(0)) * 60
    }
}

impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.sort_key()
            .cmp(&other.sort_key())
            .then_with(|| self.to_string().cmp(&other.to_string()))
    }
}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Timestamp {
    /// ISO 8601: `2017-03-02`, `2017-03-02T22:43:00`, `2017-03-02T22:43:00-05:00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)?;
        if let Some((h, m, s)) = self.time {
            write!(f, "T{h:02}:{m:02}:{s:02}")?;
            match self.offset_min {
                Some(0) => write!(f, "Z")?,
                Some(o) => {
                    let sign = if o < 0 { '-' } else { '+' };
                    let a = o.unsigned_abs();
                    write!(f, "{sign}{:02}:{:02}", a / 60, a % 60)?;
                }
                None => {}
            }
        }
        Ok(())
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Howard Hinnant's days-from-civil.
fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn month_number(name: &str) -> Option<u8> {
    let n = name.trim_end_matches('.').to_ascii_lowercase();
    let m = match n.get(..3)? {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(m)
}

fn zone_offset(zone: &str) -> Option<i16> {
    Some(match zone.to_ascii_uppercase().as_str() {
        "Z" | "UTC" | "GMT" => 0,
        "ET" | "EST" => -300,
        "EDT" => -240,
        "CT" | "CST" => -360,
        "CDT" => -300,
        "MT" | "MST" => -420,
        "MDT" => -360,
        "PT" | "PST" => -480,
        "PDT" => -420,
        "BST" | "CET" => 60,
        "CEST" => 120,
        _ => return None,
    })
}

fn parse_offset(s: &str) -> Option<i16> {
    if let Some(z) = zone_offset(s) {
        return Some(z);
    }
    let sign: i16 = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = s[1..].chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() != 4 {
        return None;
    }
    let h: i16 = digits[..2].parse().ok()?;
    let m: i16 = digits[2..].parse().ok()?;
    (h <= 14 && m < 60).then_some(sign * (h * 60 + m))
}

const MONTHS: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?";
const ZONES: &str = r"(?:UTC|GMT|EST|EDT|ET|CST|CDT|CT|MST|MDT|MT|PST|PDT|PT|BST|CET|CEST)";

static ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?\s?(Z|[+-]\d{2}:?\d{2})?)?")
        .expect("iso regex")
});
static REUTERS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i-u)(?-u:\b)(\d{{1,2}})-({MONTHS})-(\d{{4}})(?:\s+(\d{{2}}):(\d{{2}})(?::(\d{{2}}))?)?"
    ))
    .expect("reuters regex")
});
/// `10:43 PM ET`, `08:15 GMT`: the space before am/pm is inside its optional group, so that a
/// 24-hour time leaves its space to the zone.
static TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i-u)(?-u:\b)(\d{{1,2}})[:.](\d{{2}})(?::(\d{{2}}))?(?:\s*([ap]\.?m\.?))?(?:\s+({ZONES})(?-u:\b))?"
    ))
    .expect("time regex")
});
static MONTH_DAY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i-u)(?-u:\b)({MONTHS})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?-u:\b)"
    ))
    .expect("mdy regex")
});
static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i-u)(?-u:\b)(\d{{1,2}})(?:st|nd|rd|th)?\.?\s+({MONTHS})\s+(\d{{4}})(?-u:\b)"
    ))
    .expect("dmy regex")
});
static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(\d{1,2})([/.])(\d{1,2})([/.])(\d{4})(?-u:\b)")
        .expect("numeric date regex")
});

/// Finds the first date in `s` that one of the known formats recognizes, with its time when
/// the same text gives one.
pub fn parse(s: &str) -> Option<Timestamp> {
    // Four digits and a dash, which an ISO date needs, are looked for before its regex (on
    // ASCII text: `\d` also matches other scripts' digits).
    let iso_like = !s.is_ascii()
        || s.as_bytes()
            .windows(5)
            .any(|w| w[4] == b'-' && w[..4].iter().all(u8::is_ascii_digit));
    if let Some(c) = iso_like.then(|| ISO.captures(s)).flatten() {
        let ts = Timestamp::date(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?);
        if let Some(mut ts) = ts {
            if let (Some(h), Some(m)) = (c.get(4), c.get(5)) {
                let sec = c.get(6).map_or(Ok(0), |x| x.as_str().parse()).ok()?;
                ts = ts.with_time(h.as_str().parse().ok()?, m.as_str().parse().ok()?, sec)?;
                ts.offset_min = c.get(7).and_then(|z| parse_offset(z.as_str()));
            }
            return Some(ts);
        }
    }
    if let Some(c) = REUTERS.captures(s) {
        let ts = Timestamp::date(c[3].parse().ok()?, month_number(&c[2])?, c[1].parse().ok()?)?;
        return match (c.get(4), c.get(5)) {
            (Some(h), Some(m)) => {
                let sec = c.get(6).map_or(Ok(0), |x| x.as_str().parse()).ok()?;
                ts.with_time(h.as_str().parse().ok()?, m.as_str().parse().ok()?, sec)
            }
            _ => Some(ts),
        };
    }
    let (date, span) = if let Some(c) = MONTH_DAY_YEAR.captures(s) {
        let m = c.get(0)?;
        (
            Timestamp::date(c[3].parse().ok()?, month_number(&c[1])?, c[2].parse().ok()?)?,
            m.range(),
        )
    } else if let Some(c) = DAY_MONTH_YEAR.captures(s) {
        let m = c.get(0)?;
        (
            Timestamp::date(c[3].parse().ok()?, month_number(&c[2])?, c[1].parse().ok()?)?,
            m.range(),
        )
    } else if let Some(c) = NUMERIC.captures(s) {
        if c[2] != c[4] {
            return None;
        }
        let a: u8 = c[1].parse().ok()?;
        let b: u8 = c[3].parse().ok()?;
        let y: i32 = c[5].parse().ok()?;
        // Day first, as most of the world writes it, unless that cannot be a date.
        let ts = Timestamp::date(y, b, a).or_else(|| Timestamp::date(y, a, b))?;
        (ts, c.get(0)?.range())
    } else {
        return None;
    };
    // A time of day just before or after the date belongs to it.
    let near = |r: std::ops::Range<usize>| {
        (r.end <= span.start || r.start >= span.end)
            && r.start + 40 >= span.start
            && r.start <= span.end + 20
    };
    let time = TIME
        .captures_iter(s)
        .find(|c| c.get(0).is_some_and(|m| near(m.range())));
    let Some(t) = time else { return Some(date) };
    let mut h: u8 = t[1].parse().ok()?;
    let m: u8 = t[2].parse().ok()?;
    let sec: u8 = t.get(3).map_or(Ok(0), |x| x.as_str().parse()).ok()?;
    if let Some(ampm) = t.get(4) {
        let pm = ampm.as_str().to_ascii_lowercase().starts_with('p');
        if h == 0 || h > 12 {
            return Some(date);
        }
        h = match (h, pm) {
            (12, false) => 0,
            (12, true) => 12,
            (h, true) => h + 12,
            (h, false) => h,
        };
    }
    let mut ts = date.with_time(h, m, sec).unwrap_or(date);
    if ts.time.is_some() {
        ts.offset_min = t.get(5).and_then(|z| zone_offset(z.as_str()));
    }
    Some(ts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_table() {
        for (input, want) in [
            ("2017-03-02", Some("2017-03-02")),
            (
                "2024-05-03T15:47:42.389+00:00",
                Some("2024-05-03T15:47:42Z"),
            ),
            (
                "2024-05-03 15:47:42+0200",
                Some("2024-05-03T15:47:42+02:00"),
            ),
            (
                "Updated 10:43 PM ET, Thu March 2, 2017",
                Some("2017-03-02T22:43:00-05:00"),
            ),
            (
                "Published 10:43 PM EST, Fri March 3, 2017",
                Some("2017-03-03T22:43:00-05:00"),
            ),
            ("12:05 AM, March 3, 2017", Some("2017-03-03T00:05:00")),
            ("March 2, 2017", Some("2017-03-02")),
            ("Sept. 14th, 2006", Some("2006-09-14")),
            ("2 March 2017", Some("2017-03-02")),
            ("3 March 2017 08:15 GMT", Some("2017-03-03T08:15:00Z")),
            (
                "Fri March 3, 2017 8:15 am GMT",
                Some("2017-03-03T08:15:00Z"),
            ),
            ("28/12/2006 - 18:32:11", Some("2006-12-28T18:32:11")),
            ("01/23/2007", Some("2007-01-23")),
            ("03.04.2024", Some("2024-04-03")),
            ("26-FEB-1987 15:01:01.79", Some("1987-02-26T15:01:01")),
            ("2017-02-30", None),
            ("13/13/2007", None),
            ("no date here", None),
            ("Feb 26", None),
        ] {
            assert_eq!(
                parse(input).map(|t| t.to_string()).as_deref(),
                want,
                "{input}"
            );
        }
    }

    #[test]
    fn ordering_uses_offsets() {
        let a = parse("2017-03-02T22:43:00-05:00").unwrap();
        let b = parse("2017-03-03T01:00:00Z").unwrap();
        assert!(a > b, "22:43 EST is 03:43 UTC the next day");
        assert_eq!(
            parse("2017-03-03").unwrap().days() - parse("2016-03-03").unwrap().days(),
            365
        );
    }
}
