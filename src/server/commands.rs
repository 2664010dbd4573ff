//! What the binary does with its first argument: serve, or run one of the operator's commands.
//! Anything it does not know is refused: a scheduler's `paytrack send_due` must not start a
//! second web server that never exits.

use std::process::ExitCode;

/// One line per command, each command's own flags checked by the command.
const USAGE: &str = "\
usage: paytrack [COMMAND]

Commands (configuration comes from the environment, as for the server):
  serve         serve the app (also what `paytrack` alone does)
  send-due      run one pass of the email engine and exit   [--at 2026-12-01T09:00:00Z]
  reconcile     ask Stripe about open payments once and exit [--at 2026-12-01T09:00:00Z]
  reseal-keys   re-encrypt stored Stripe secrets under the current PAYTRACK_MASTER_KEY
  seed          fill one account with demo data (not in production)
                [--email ADDRESS] [--clients N] [--invoices N]
  help          print this list
  version       print PayTrack's version";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Serve,
    SendDue,
    Reconcile,
    ResealKeys,
    Seed,
    Help,
    Version,
}

impl Command {
    /// The command named by the first argument; its error is what to print, usage included.
    pub fn parse(first: Option<&str>) -> Result<Command, String> {
        Ok(match first {
            None | Some("serve") => Command::Serve,
            Some("send-due") => Command::SendDue,
            Some("reconcile") => Command::Reconcile,
            Some("reseal-keys") => Command::ResealKeys,
            Some("seed") => Command::Seed,
            Some("help" | "--help" | "-h") => Command::Help,
            Some("version" | "--version" | "-V") => Command::Version,
            Some(other) => {
                return Err(format!("paytrack: unknown command `{other}`\n{USAGE}"));
            }
        })
    }
}

/// Runs the command the arguments name.
pub async fn run(args: &[String]) -> ExitCode {
    let command = match Command::parse(args.first().map(String::as_str)) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let rest = args.get(1..).unwrap_or_default();
    // `serve` takes no flags; the bare binary ignores none either.
    if command == Command::Serve && !rest.is_empty() {
        eprintln!(
            "paytrack: `serve` takes no arguments (configuration comes from the environment)\n{USAGE}"
        );
        return ExitCode::from(2);
    }
    match command {
        Command::Serve => super::startup::run_from_env().await,
        Command::SendDue => super::jobs::command::run(rest).await,
        Command::Reconcile => super::jobs::reconcile::command(rest).await,
        Command::ResealKeys => super::stripe::reseal::run(rest).await,
        Command::Seed => super::seed::run(rest).await,
        Command::Help => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Command::Version => {
            println!("paytrack {}", env!("CARGO_PKG_VERSION"));
            // What to pick for a Stripe webhook added by hand (PayTrack's own billing one).
            println!(
                "reads Stripe events in API version {}",
                crate::server::stripe::account::EVENTS_API_VERSION.as_str()
            );
            ExitCode::SUCCESS
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_command_is_named_and_nothing_else_serves() {
        assert_eq!(Command::parse(None), Ok(Command::Serve));
        assert_eq!(Command::parse(Some("serve")), Ok(Command::Serve));
        assert_eq!(Command::parse(Some("send-due")), Ok(Command::SendDue));
        assert_eq!(Command::parse(Some("--help")), Ok(Command::Help));
        assert_eq!(Command::parse(Some("-V")), Ok(Command::Version));
        let typo = Command::parse(Some("send_due")).unwrap_err();
        assert!(
            typo.starts_with("paytrack: unknown command `send_due`\nusage:"),
            "{typo}"
        );
        assert!(Command::parse(Some("")).is_err());
    }
}
