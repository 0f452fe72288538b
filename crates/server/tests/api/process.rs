//! A server process for the tests that need real ones (the binary cargo built for them):
//! several instances on one database, or one killed and started again.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// One server process; killed when dropped.
pub struct Instance {
    pub name: &'static str,
    pub child: Child,
    pub base: String,
    pub dir: PathBuf,
}

impl Instance {
    /// Runs `command` (the server binary, its settings given) on a free port, its output
    /// in `root/name`, and waits until it says where it listens.
    pub fn start(name: &'static str, mut command: Command, root: &Path) -> Instance {
        let dir = root.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let child = command
            .env("NAFITHA_ADDR", "127.0.0.1:0")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(dir.join("stdout")).unwrap())
            .stderr(std::fs::File::create(dir.join("stderr")).unwrap())
            .spawn()
            .expect("the server binary starts");
        let mut instance = Instance {
            name,
            child,
            base: String::new(),
            dir,
        };
        instance.base = instance.wait_for_address();
        instance
    }

    fn wait_for_address(&mut self) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            let out = std::fs::read_to_string(self.dir.join("stdout")).unwrap_or_default();
            if let Some(line) = out
                .lines()
                .find(|l| l.starts_with("Nafitha is running at "))
            {
                return line["Nafitha is running at ".len()..].trim().to_owned();
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("instance {} stopped ({status}): {}", self.name, self.logs());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("instance {} did not start: {}", self.name, self.logs());
    }

    pub fn logs(&self) -> String {
        let read = |file: &str| std::fs::read_to_string(self.dir.join(file)).unwrap_or_default();
        format!("\nstdout:\n{}\nstderr:\n{}", read("stdout"), read("stderr"))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
