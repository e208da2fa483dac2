//! A progress bar on standard error, drawn only when it is a terminal (logs and pipes get the
//! summary lines alone).

use std::io::{IsTerminal, Write};

/// Whether progress is drawn at all.
pub fn visible() -> bool {
    std::io::stderr().is_terminal()
}

/// Redraws the bar at `share` (0-1) followed by `label`.
pub fn draw(share: f64, label: &str) {
    let share = share.clamp(0.0, 1.0);
    let filled = (share * 30.0).round() as usize;
    let mut err = std::io::stderr();
    // A progress bar that cannot be drawn is not worth failing the command for.
    let _ = write!(
        err,
        "\r[{}{}] {:>3}% {label}\x1b[K",
        "#".repeat(filled.min(30)),
        " ".repeat(30 - filled.min(30)),
        (share * 100.0).round(),
    );
    let _ = err.flush();
}

/// Ends the bar's line.
pub fn finish() {
    eprintln!();
}
