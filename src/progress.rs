//! The progress bar: on stderr, for people only. It is wanted when stderr is a terminal, `CI` is
//! unset and `--quiet` was not given, and drawn only once a run has taken more than a second, so
//! quick runs and scripts never see it. `NO_COLOR` turns its colors off.

use std::io::IsTerminal;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use crate::pipeline::Progress;

/// How long a run goes before the bar appears.
const DELAY: Duration = Duration::from_secs(1);

/// Whether a bar is wanted: not `--quiet`, stderr a terminal, `CI` unset.
pub fn wanted(quiet: bool) -> bool {
    decide(
        quiet,
        std::io::stderr().is_terminal(),
        std::env::var_os("CI").is_some(),
    )
}

/// The rule of [`wanted`], given what it reads.
pub fn decide(quiet: bool, stderr_is_terminal: bool, ci: bool) -> bool {
    !quiet && stderr_is_terminal && !ci
}

/// Whether colors are allowed (<https://no-color.org>: `NO_COLOR` set and not empty).
pub fn color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// A progress bar that shows up after [`DELAY`]; a hidden one does nothing. It is cleared when
/// dropped.
pub struct Bar {
    bar: ProgressBar,
    color: bool,
    /// The thread that reveals the bar after the delay, and the way to tell it the run is over.
    reveal: Option<(mpsc::Sender<()>, thread::JoinHandle<()>)>,
}

impl Bar {
    /// A bar that is never drawn.
    pub fn hidden() -> Bar {
        Bar {
            bar: ProgressBar::hidden(),
            color: false,
            reveal: None,
        }
    }

    /// A bar drawn on stderr after the delay when `enabled`, else a hidden one.
    pub fn new(enabled: bool, color: bool) -> Bar {
        if !enabled {
            return Bar::hidden();
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(style(color, false));
        let (tx, rx) = mpsc::channel::<()>();
        let shown = bar.clone();
        let handle = thread::spawn(move || {
            if let Err(RecvTimeoutError::Timeout) = rx.recv_timeout(DELAY) {
                shown.set_draw_target(ProgressDrawTarget::stderr_with_hz(10));
                shown.enable_steady_tick(Duration::from_millis(100));
                let _ = rx.recv();
            }
        });
        Bar {
            bar,
            color,
            reveal: Some((tx, handle)),
        }
    }

    /// Clears the bar (the same as dropping it).
    pub fn finish(self) {}
}

impl Drop for Bar {
    fn drop(&mut self) {
        if let Some((tx, handle)) = self.reveal.take() {
            drop(tx);
            let _ = handle.join();
        }
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn stage(&self, name: &'static str, total: Option<usize>) {
        self.bar.set_message(name);
        if let Some(n) = total {
            self.bar.set_length(n as u64);
            self.bar.set_position(0);
            self.bar.reset_eta();
        }
        self.bar.set_style(style(self.color, total.is_some()));
    }

    fn advance(&self, n: usize) {
        self.bar.inc(n as u64);
    }
}

/// While inputs are read: a bar with counts, rate and ETA. Later stages: a spinner with the
/// stage, how many inputs were read and the time so far.
fn style(color: bool, counting: bool) -> ProgressStyle {
    let template = match (counting, color) {
        (true, true) => {
            "{spinner:.green} {msg:<10} [{bar:30.cyan/blue}] {human_pos}/{human_len} inputs  {rate}  ETA {eta}"
        }
        (true, false) => {
            "{spinner} {msg:<10} [{bar:30}] {human_pos}/{human_len} inputs  {rate}  ETA {eta}"
        }
        (false, true) => "{spinner:.green} {msg:<10} {human_pos} inputs read  {elapsed}",
        (false, false) => "{spinner} {msg:<10} {human_pos} inputs read  {elapsed}",
    };
    ProgressStyle::with_template(template)
        .expect("progress template")
        .with_key("rate", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:.0}/s", s.per_sec());
        })
        .progress_chars("=> ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wanted_only_on_a_terminal_outside_ci_without_quiet() {
        assert!(decide(false, true, false));
        assert!(!decide(true, true, false), "--quiet");
        assert!(!decide(false, false, false), "stderr not a terminal");
        assert!(!decide(false, true, true), "CI set");
    }

    #[test]
    fn styles_parse_and_a_hidden_bar_takes_calls() {
        for color in [false, true] {
            for counting in [false, true] {
                style(color, counting);
            }
        }
        let bar = Bar::new(false, true);
        bar.stage("read", Some(3));
        bar.advance(3);
        bar.stage("cluster", None);
        bar.finish();
    }
}
