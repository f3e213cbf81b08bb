//! The server's company: the other clients a real server has while a suite
//! runs. Their sessions sit in the same store as the suite's and are listed
//! as any other, so a scenario that picks "the new session" or ends sessions
//! it cannot show are its own fails here as it would on a real server.

use std::sync::Arc;
use std::time::Duration;

/// Who else uses the server while a suite runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Company {
    /// From the start, sessions that are not the suite's: another
    /// administrator's, the tenant account's (where the profile has tenants),
    /// and a second one of the suite's own administrator account.
    pub others: bool,
    /// Another client that logs on and off this often, as an account the
    /// suite does not use.
    pub churn: Option<Duration>,
}

impl Company {
    /// Whether the server has any company at all.
    pub fn is_empty(&self) -> bool {
        !self.others && self.churn.is_none()
    }
}

/// The administrator account another person uses (in the server's domain on
/// Enterprise Manager); the suite never logs on with it.
pub const OTHER_ADMINISTRATOR: &str = "Backup Operator";

/// The account of the client that logs on and off all the time (a monitoring
/// tool, as real installations have); the suite never logs on with it.
pub const CHURN_ACCOUNT: &str = "Monitoring Agent";

/// Whose session the company holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Member {
    /// Another administrator's ([`OTHER_ADMINISTRATOR`]).
    OtherAdministrator,
    /// The tenant account's (the suite's second account, used elsewhere).
    Tenant,
    /// The suite's own administrator account, logged on from elsewhere.
    OwnAdministrator,
    /// The churning client's ([`CHURN_ACCOUNT`]).
    Churn,
}

/// How the company gets into a vendor's server: straight into its session
/// store, with no request, and out again as the session's owner.
pub(crate) trait Door: Send + Sync {
    /// Seats a session of `member`; its id, or `None` where the server has no
    /// such account (tenants without Cloud Connect).
    fn seat(&self, member: Member) -> Option<String>;
    /// Ends a company session as its owner does.
    fn unseat(&self, id: &str);
}

/// The sessions [`Company::others`] holds from the start.
pub(crate) fn seat_others(door: &dyn Door) {
    for member in [
        Member::OtherAdministrator,
        Member::Tenant,
        Member::OwnAdministrator,
    ] {
        door.seat(member);
    }
}

/// The churning client: logs on at one tick and off at the next until `stop`
/// turns true (or its sender is gone), then logs off.
pub(crate) async fn churn(
    door: Arc<dyn Door>,
    every: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    // An interval of zero would never yield; a millisecond is already busier
    // than any real client.
    let mut tick = tokio::time::interval(every.max(Duration::from_millis(1)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut open: Option<String> = None;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.wait_for(|stopped| *stopped) => break,
        }
        match open.take() {
            Some(id) => door.unseat(&id),
            None => open = door.seat(Member::Churn),
        }
    }
    if let Some(id) = open {
        door.unseat(&id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Seats(Mutex<Vec<String>>, Mutex<usize>);

    impl Door for Seats {
        fn seat(&self, member: Member) -> Option<String> {
            let mut n = self.1.lock().unwrap();
            *n += 1;
            let id = format!("{member:?}-{n}");
            self.0.lock().unwrap().push(id.clone());
            Some(id)
        }
        fn unseat(&self, id: &str) {
            self.0.lock().unwrap().retain(|s| s != id);
        }
    }

    #[test]
    fn the_churning_client_comes_and_goes_and_leaves_when_stopped() {
        let seats = Arc::new(Seats::default());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let (tx, rx) = tokio::sync::watch::channel(false);
        let door: Arc<dyn Door> = seats.clone();
        let task = runtime.spawn(churn(door, Duration::from_millis(2), rx));
        let seated = || *seats.1.lock().unwrap();
        // Bounded: a loaded machine may run the task late, but not 5 s late.
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while seated() < 3 && std::time::Instant::now() < deadline {
            runtime.block_on(async { tokio::time::sleep(Duration::from_millis(5)).await });
        }
        assert!(seated() >= 3, "it logged on again and again: {}", seated());
        assert!(seats.0.lock().unwrap().len() <= 1, "one session at a time");
        tx.send(true).unwrap();
        runtime
            .block_on(async { tokio::time::timeout(Duration::from_secs(5), task).await })
            .expect("it stops when told")
            .unwrap();
        assert!(seats.0.lock().unwrap().is_empty(), "it logged off");
        assert!(Company::default().is_empty());
        assert!(!Company {
            others: true,
            churn: None
        }
        .is_empty());
    }
}
