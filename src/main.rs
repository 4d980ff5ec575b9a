use clap::Parser;
use harbour::config::{AuditCommand, Cli, Command};
use std::{io::BufRead, process::ExitCode};

/// mimalloc hands freed pages back to the system, so memory falls again after a burst
/// (measured in `benches/load.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("HARBOUR_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        None => harbour::cli::serve(cli.serve).await,
        Some(Command::Serve(args)) => harbour::cli::serve(args).await,
        Some(Command::Migrate(args)) => harbour::cli::migrate(&args.database_url).await,
        Some(Command::CreateUser(args)) => {
            let mut line = String::new();
            if let Err(e) = std::io::stdin().lock().read_line(&mut line) {
                eprintln!("error: could not read the password from standard input: {e}");
                return ExitCode::FAILURE;
            }
            let password = line.trim_end_matches(['\r', '\n']);
            match harbour::cli::create_user(&args, password).await {
                Ok(message) => {
                    println!("{message}");
                    Ok(())
                }
                Err(e) => Err(e),
            }
        }
        Some(Command::Import(args)) => match harbour::import::cli::run(&args).await {
            Ok(Ok(report)) => {
                println!("{report}");
                Ok(())
            }
            Ok(Err(report)) => {
                eprintln!("{report}\nNothing was written: fix the file and run the import again.");
                return ExitCode::from(2);
            }
            Err(e) => Err(e),
        },
        Some(Command::Demo(args)) => harbour::demo::run(args).await,
        Some(Command::Audit {
            command: AuditCommand::Head(args),
        }) => {
            async {
                let db = harbour::db::connect(&args.database_url).await?;
                println!("{}", harbour::audit::anchors::head(&db).await?);
                Ok(())
            }
            .await
        }
        Some(Command::Backup(args)) => harbour::cli::backup(&args).await.map(|m| println!("{m}")),
        Some(Command::Audit {
            command: AuditCommand::Verify(args),
        }) => {
            match async {
                let db = harbour::db::connect(&args.db.database_url).await?;
                harbour::cli::audit_verify(&db, &args.anchor).await
            }
            .await
            {
                Ok(Ok(message)) => {
                    println!("{message}");
                    Ok(())
                }
                Ok(Err(message)) => {
                    eprintln!("{message}");
                    return ExitCode::from(2);
                }
                Err(e) => Err(e),
            }
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
