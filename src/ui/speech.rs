//! Spoken prompts: a configured program (`[kiosk] speech`, e.g. espeak-ng)
//! says the screen's main prompt. The command is a list of arguments, never
//! a shell line: `{voice}` in an argument becomes the language's voice
//! ("en", "es"), `{text}` the words; without `{text}` the words go to the
//! program's standard input. So no prompt, however worded, can run
//! anything.
//!
//! The program runs on a thread of its own, never in the screen's loop. A
//! new prompt replaces one still waiting, and stops one being spoken: the
//! person hears the screen they are on, not the one they left.

use std::io::{self, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use crate::domain::Language;

/// The voice a language is spoken in: espeak-ng's names, which most
/// speech programs also take.
pub fn voice(language: Language) -> &'static str {
    match language {
        Language::En => "en",
        Language::Es => "es",
    }
}

/// The program and arguments that say `text` in `voice`, and what goes to
/// its standard input (`None` when the text is an argument).
pub fn command_for(
    template: &[String],
    voice: &str,
    text: &str,
) -> Option<(Command, Option<String>)> {
    let (program, args) = template.split_first()?;
    let as_argument = args.iter().any(|a| a.contains("{text}"));
    let mut command = Command::new(program);
    for arg in args {
        command.arg(arg.replace("{voice}", voice).replace("{text}", text));
    }
    command.stdout(Stdio::null()).stderr(Stdio::null());
    command.stdin(if as_argument {
        Stdio::null()
    } else {
        Stdio::piped()
    });
    Some((command, (!as_argument).then(|| text.to_string())))
}

/// Starts the program for one prompt.
fn spawn(template: &[String], voice: &str, text: &str) -> io::Result<Child> {
    let (mut command, input) = command_for(template, voice, text)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "empty speech command"))?;
    let mut child = command.spawn()?;
    if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
        // A program that stops reading early only loses the rest.
        let _ = stdin.write_all(input.as_bytes());
        let _ = stdin.write_all(b"\n");
    }
    Ok(child)
}

/// Says one prompt and waits for the program to finish (what the thread
/// does, for a test or a check of the configuration).
pub fn say_now(template: &[String], voice: &str, text: &str) -> io::Result<ExitStatus> {
    spawn(template, voice, text)?.wait()
}

/// The prompt waiting to be said, and whether a newer one came.
#[derive(Debug, Default)]
struct Slot {
    next: Option<(String, String)>,
    /// Counts prompts given, so the thread sees one arrive while it speaks.
    given: u64,
    /// Prompts the program finished or was stopped on.
    done: u64,
    /// The program could not be run: nothing more will be said.
    off: bool,
}

#[derive(Debug, Default)]
struct Shared {
    slot: Mutex<Slot>,
    wake: Condvar,
}

impl Shared {
    fn slot(&self) -> MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The speech thread's handle; clones speak through the same thread.
#[derive(Debug, Clone)]
pub struct Speaker {
    shared: Arc<Shared>,
}

impl Speaker {
    /// Starts the thread that runs `template` for each prompt.
    pub fn start(template: Vec<String>) -> io::Result<Speaker> {
        let shared = Arc::new(Shared::default());
        let worker = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("speech".into())
            .spawn(move || speak_all(&worker, &template))?;
        Ok(Speaker { shared })
    }

    /// Says `text` in `voice` as soon as the thread is free; replaces a
    /// prompt still waiting and cuts short the one being said.
    pub fn say(&self, voice: &str, text: &str) {
        let mut slot = self.shared.slot();
        slot.next = Some((voice.to_string(), text.to_string()));
        slot.given += 1;
        self.shared.wake.notify_all();
    }

    /// Waits, at most `limit`, until the program has finished (or been
    /// stopped on) `count` prompts in all; false if it has not, or cannot
    /// run. For tests and a configuration check: the kiosk never waits.
    pub fn wait_said(&self, count: u64, limit: Duration) -> bool {
        let slot = self.shared.slot();
        let (slot, _) = self
            .shared
            .wake
            .wait_timeout_while(slot, limit, |s| s.done < count && !s.off)
            .unwrap_or_else(|e| e.into_inner());
        slot.done >= count
    }
}

/// How often a prompt being said looks for a newer one.
const LOOK: Duration = Duration::from_millis(100);

fn speak_all(shared: &Shared, template: &[String]) {
    let program = template.first().cloned().unwrap_or_default();
    loop {
        let (voice, text, given) = {
            let mut slot = shared.slot();
            loop {
                if let Some((voice, text)) = slot.next.take() {
                    break (voice, text, slot.given);
                }
                slot = shared.wake.wait(slot).unwrap_or_else(|e| e.into_inner());
            }
        };
        let mut child = match spawn(template, &voice, &text) {
            Ok(child) => child,
            Err(e) => {
                // One line, then the kiosk goes on without speech.
                tracing::warn!(program = %program, error = %e, "spoken prompts are off: cannot run the speech command");
                shared.slot().off = true;
                shared.wake.notify_all();
                return;
            }
        };
        loop {
            match child.try_wait() {
                Ok(Some(_)) | Err(_) => break,
                Ok(None) => {}
            }
            let slot = shared.slot();
            if slot.given != given {
                let _ = child.kill();
                let _ = child.wait();
                break;
            }
            let _ = shared.wake.wait_timeout(slot, LOOK);
        }
        shared.slot().done += 1;
        shared.wake.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(command: &Command) -> Vec<String> {
        command
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn the_text_is_one_argument_or_the_input_never_a_shell_line() {
        let template: Vec<String> = ["espeak-ng", "-v", "{voice}", "{text}"]
            .map(String::from)
            .to_vec();
        let text = "Door 7; rm -rf / $(reboot)";
        let (command, input) = command_for(&template, "es", text).unwrap();
        assert_eq!(command.get_program(), "espeak-ng");
        assert_eq!(args(&command), ["-v", "es", text]);
        assert_eq!(input, None);
        let piped: Vec<String> = ["espeak-ng", "-v", "{voice}", "--stdin"]
            .map(String::from)
            .to_vec();
        let (command, input) = command_for(&piped, "en", text).unwrap();
        assert_eq!(args(&command), ["-v", "en", "--stdin"]);
        assert_eq!(input.as_deref(), Some(text));
        assert!(command_for(&[], "en", text).is_none());
    }

    #[test]
    fn a_missing_program_is_an_error_not_a_panic() {
        let template = vec!["/nonexistent/speech-program".to_string()];
        let err = say_now(&template, "en", "hello").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        // The thread logs it and stops; saying more does nothing.
        let speaker = Speaker::start(template).unwrap();
        speaker.say("en", "one");
        assert!(!speaker.wait_said(1, Duration::from_secs(30)));
        speaker.say("en", "two");
    }
}
