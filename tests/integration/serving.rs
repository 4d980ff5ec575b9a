//! Real `harbour serve` processes for tests that need more than the in-process app:
//! several instances on one database, a process killed mid-write.

use crate::common::TestDb;
use reqwest::StatusCode;
use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// A `harbour serve` child on its own port, killed when dropped.
pub struct Instance {
    pub child: Child,
    pub base: String,
    port: u16,
    name: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts an instance named `name` (its reminder-lease holder) on `db`, with the day's
/// reminders due at once.
pub fn start(db: &TestDb, name: &str) -> Instance {
    start_on(db, name, free_port())
}

fn start_on(db: &TestDb, name: &str, port: u16) -> Instance {
    let child = Command::new(env!("CARGO_BIN_EXE_harbour"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .args(["--job-instance", name, "--reminder-hour", "0"])
        .env("DATABASE_URL", &db.url)
        .env("HARBOUR_LOG", "error")
        .stdout(Stdio::null())
        .spawn()
        .expect("serve");
    Instance {
        child,
        base: format!("http://127.0.0.1:{port}"),
        port,
        name: name.to_owned(),
    }
}

impl Instance {
    /// Kills the process at once (SIGKILL: no shutdown, no flush).
    pub fn kill_hard(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }

    /// Starts it again on the same port and database.
    pub fn restart(&mut self, db: &TestDb) {
        let again = start_on(db, &self.name, self.port);
        *self = again;
    }

    pub async fn wait_healthy(&self) {
        let until = Instant::now() + Duration::from_secs(90);
        while Instant::now() < until {
            if reqwest::get(format!("{}/healthz", self.base))
                .await
                .is_ok_and(|r| r.status() == StatusCode::OK)
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("{} never became healthy", self.base);
    }
}
