//! A separate app process for the crash tests: opens the core on a data
//! directory and flushes its outbox until nothing waits, so a test can kill it
//! with SIGKILL at any instant of a send.
//!
//! `flush-worker DATA_DIR SERVER_URL`

use std::{process::ExitCode, time::Duration};

use mycity_core::{Config, MyCity};

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(server)) = (args.next(), args.next()) else {
        eprintln!("usage: flush-worker DATA_DIR SERVER_URL");
        return ExitCode::from(2);
    };
    let config = Config { data_dir: dir.into(), server_url: Some(server), ..Default::default() };
    let core = match MyCity::open(config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("flush-worker: {e}");
            return ExitCode::FAILURE;
        }
    };
    loop {
        match core.flush_outbox().await {
            Ok(f) if f.waiting == 0 => break,
            Ok(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            Err(e) => {
                eprintln!("flush-worker: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("done");
    ExitCode::SUCCESS
}
