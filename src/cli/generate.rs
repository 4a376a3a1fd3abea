//! `locker completions SHELL` and `locker man [--out DIR]`: shell completions
//! and man pages made from the clap definitions, so they cannot drift from
//! the commands they describe. Packagers and installers run them once.

use std::io::{ErrorKind, Write};
use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, CliError};

/// Prints the completion script for `shell`.
pub fn completions(shell: Shell) -> Result<(), CliError> {
    // clap_complete panics when a write fails; a buffer cannot fail, and a
    // closed stdout (`| head`) is then handled below like any other output.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "locker", &mut script);
    print(&script)
}

/// Prints `locker.1`, or with `out` writes it and one page per subcommand
/// (`locker-parcel.1`, `locker-parcel-list.1`, ...) into that directory.
pub fn man(out: Option<&Path>) -> Result<(), CliError> {
    let Some(dir) = out else {
        let mut page = Vec::new();
        clap_mangen::Man::new(Cli::command()).render(&mut page)?;
        return print(&page);
    };
    std::fs::create_dir_all(dir)
        .and_then(|()| clap_mangen::generate_to(Cli::command(), dir))
        .map_err(|e| CliError::Failed(format!("{}: {e}", dir.display())))
}

/// Writes to stdout; a reader that went away early is not a failure.
fn print(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
