//! Reading a PIN twice: from the terminal without echo, or from two lines of
//! standard input when it is not a terminal (scripts, tests).

use std::io::{BufRead, IsTerminal, Write};

use super::CliError;

pub fn read_pin_twice(what: &str) -> Result<String, CliError> {
    let stdin = std::io::stdin();
    let (first, second) = if stdin.is_terminal() {
        (
            prompt(&format!("{what}: "))?,
            prompt(&format!("{what} again: "))?,
        )
    } else {
        let mut lines = stdin.lock().lines();
        let mut next = || -> Result<String, CliError> {
            match lines.next() {
                Some(l) => Ok(l?.trim().to_string()),
                None => Err(CliError::Usage(format!(
                    "{what}: expected two lines on standard input"
                ))),
            }
        };
        (next()?, next()?)
    };
    if first != second {
        return Err(CliError::Usage(format!("{what}: the two entries differ")));
    }
    crate::domain::code::validate_pin(&first)
        .map_err(|e| CliError::Usage(format!("{what}: {e}")))?;
    Ok(first)
}

/// Prompts on the terminal with echo off, restoring it whatever happens.
pub fn prompt(text: &str) -> Result<String, CliError> {
    let mut out = std::io::stderr();
    write!(out, "{text}")?;
    out.flush()?;
    let fd = libc::STDIN_FILENO;
    // SAFETY: termios is plain data; tcgetattr fills it or fails.
    let mut term: libc::termios = unsafe { std::mem::zeroed() };
    let have_term = unsafe { libc::tcgetattr(fd, &mut term) } == 0;
    if have_term {
        let mut quiet = term;
        quiet.c_lflag &= !libc::ECHO;
        // SAFETY: fd is stdin, quiet is a valid termios copied from it.
        unsafe { libc::tcsetattr(fd, libc::TCSANOW, &quiet) };
    }
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line);
    if have_term {
        // SAFETY: restores the settings read above.
        unsafe { libc::tcsetattr(fd, libc::TCSANOW, &term) };
    }
    writeln!(out)?;
    read?;
    Ok(line.trim().to_string())
}
