//! Background work as rounds: a front end hands a round (one Downloads pickup, one review
//! follow-up) to [`Rounds::start`], which runs it every `interval` on its own thread until
//! stopped. [`Rounds::now`] runs one at once, so tests drive rounds without waiting and a
//! window can ask for one ("the project changed").

use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

enum Poke {
    Now,
    Stop,
}

/// A round repeated on its own thread.
pub struct Rounds {
    poke: Sender<Poke>,
    thread: Option<JoinHandle<()>>,
}

impl Rounds {
    /// Runs `round` every `interval` (the first one after `interval`, or at once when poked) on a
    /// thread named `name`, until [`Rounds::stop`] or until the `Rounds` is dropped.
    pub fn start(name: &str, interval: Duration, mut round: impl FnMut() + Send + 'static) -> std::io::Result<Rounds> {
        let (poke, pokes) = channel();
        let thread = std::thread::Builder::new().name(name.to_string()).spawn(move || loop {
            match pokes.recv_timeout(interval) {
                Ok(Poke::Now) | Err(RecvTimeoutError::Timeout) => round(),
                Ok(Poke::Stop) | Err(RecvTimeoutError::Disconnected) => return,
            }
        })?;
        Ok(Rounds { poke, thread: Some(thread) })
    }

    /// Runs one round now (after the one running, if any).
    pub fn now(&self) {
        let _ = self.poke.send(Poke::Now);
    }

    /// Stops after the round running, if any, and waits for it.
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        let _ = self.poke.send(Poke::Stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Rounds {
    fn drop(&mut self) {
        let _ = self.poke.send(Poke::Stop);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::channel;

    #[test]
    fn rounds_run_when_poked_without_waiting_for_the_interval_and_stop() {
        let (done, rounds_done) = channel();
        let mut n = 0;
        let rounds = Rounds::start("test-rounds", Duration::from_secs(3600), move || {
            n += 1;
            let _ = done.send(n);
        })
        .unwrap();
        rounds.now();
        rounds.now();
        assert_eq!(rounds_done.recv().unwrap(), 1);
        assert_eq!(rounds_done.recv().unwrap(), 2);
        rounds.stop();
        assert!(rounds_done.recv().is_err(), "the round's thread ended");
    }
}
