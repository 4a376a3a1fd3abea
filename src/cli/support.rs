//! `locker fleet` without a subcommand: the support console on the
//! property's broker (docs/FLEET.md).

use std::path::PathBuf;

use clap::Args;

use super::CliError;
use super::fleet::{BrokerArgs, FleetCmd, read_key};
use crate::fleet::console::{Support, SupportFacts, runtime};
use crate::ui::app::TerminalSetup;
use crate::ui::{KeyHints, Keymap, TerminalProfile};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct FleetArgs {
    #[command(subcommand)]
    cmd: Option<FleetCmd>,
    /// The console: the property's broker and site.
    #[command(flatten)]
    broker: Option<BrokerArgs>,
    /// The agent's key file (`locker fleet keygen`): orders are signed
    /// with it. Without it the console only watches.
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// Time zone the console shows times in.
    #[arg(long, default_value = "Europe/Madrid")]
    time_zone: chrono_tz::Tz,
    /// The console's language: en or es.
    #[arg(long, default_value = "en")]
    language: crate::domain::Language,
}

pub fn run(args: FleetArgs) -> Result<(), CliError> {
    if let Some(cmd) = args.cmd {
        return super::fleet::run(cmd);
    }
    let Some(broker) = args.broker else {
        return Err(CliError::Usage(
            "--broker URL --site SITE for the console, or a subcommand (see --help)".into(),
        ));
    };
    let site = broker.link("+")?;
    let agent = args.key.as_deref().map(read_key).transpose()?;
    let keymap = Keymap::pc();
    let facts = SupportFacts {
        site: site.site.clone(),
        agent: agent.as_ref().map(|a| a.name.clone()),
        tz: args.time_zone,
        language: args.language,
        keys: KeyHints::new(&keymap),
    };
    let setup = TerminalSetup {
        profile: TerminalProfile::from_term(std::env::var("TERM").ok().as_deref()),
        size: crate::ui::screen_size_from_environment(None),
        fixed_size: false,
        keymap,
    };
    let support = Support::new(facts, chrono::Utc::now());
    runtime::run(support, site, agent, setup).map_err(|e| CliError::Failed(e.to_string()))
}
