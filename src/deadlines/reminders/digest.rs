//! The daily digest e-mail: its text ([`compose`], pure) and sending it ([`Mailer`]).
//!
//! E-mail leaves the landlord's systems, so a digest carries only what cannot identify
//! anyone: case references, procedure stages, due dates and a link. Never names,
//! addresses, descriptions, monitoring data or any text a person typed (DOMAIN.md).
//! Managers' digests also carry the day's audit anchor (an event number and a hash), so a
//! copy of the chain's head is kept outside the database.

use super::Kind;
use crate::{audit::anchors::Anchor, config::Settings, procedure::Stage};
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
};
use std::time::Duration;
use time::{Date, OffsetDateTime, macros::format_description};
use time_tz::{OffsetDateTimeExt, timezones::db::europe::LONDON};

/// One line of a digest: a deadline the officer is reminded of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub kind: Kind,
    /// The case reference, e.g. HC-2026-000123.
    pub reference: String,
    /// The stage code (shown by its fixed label).
    pub stage: String,
    pub due_at: OffsetDateTime,
}

/// Subject and plain-text body of one officer's digest. Overdue items first, each group in
/// due order; times in Europe/London. A manager's digest ends with the day's audit anchor.
/// What only a manager's digest carries.
#[derive(Clone, Copy)]
pub struct ForManagers<'a> {
    pub day: Date,
    pub anchor: &'a Anchor,
    /// Closed cases past their retention date waiting for a manager's decision.
    pub past_retention: usize,
}

pub fn compose(items: &[Item], public_url: &str, managers: Option<ForManagers>) -> (String, String) {
    let mut items: Vec<&Item> = items.iter().collect();
    items.sort_by(|a, b| {
        (a.kind, a.due_at, &a.reference, &a.stage).cmp(&(b.kind, b.due_at, &b.reference, &b.stage))
    });
    let count = |kind| items.iter().filter(|i| i.kind == kind).count();
    let (overdue, soon) = (count(Kind::Overdue), count(Kind::DueSoon));
    let mut parts = vec![];
    if overdue > 0 {
        parts.push(format!("{overdue} overdue"));
    }
    if soon > 0 {
        parts.push(format!("{soon} due soon"));
    }
    if parts.is_empty() {
        parts.push("no deadlines".to_owned());
    }
    let subject = format!("Harbour: {}", parts.join(", "));

    let mut body = String::from("Deadlines on your cases in Harbour.\r\n");
    if items.is_empty() {
        body.push_str("\r\nNone today.\r\n");
    }
    for (kind, heading) in [
        (Kind::Overdue, "Overdue"),
        (Kind::DueSoon, "Due by the end of the next working day"),
    ] {
        let group: Vec<&&Item> = items.iter().filter(|i| i.kind == kind).collect();
        if group.is_empty() {
            continue;
        }
        body.push_str(&format!("\r\n{heading} ({}):\r\n", group.len()));
        for item in group {
            body.push_str(&format!(
                "- {}: {}, due {}\r\n",
                item.reference,
                Stage::label_of(&item.stage),
                london(item.due_at)
            ));
        }
    }
    // Short ASCII lines: the message goes out as plain 7-bit text.
    body.push_str(&format!(
        "\r\nSee your deadlines: {}/deadlines\r\n\r\n\
         This message lists case references and procedure stages only.\r\n\
         Sign in to Harbour for case details.\r\n",
        public_url.trim_end_matches('/')
    ));
    if let Some(ForManagers {
        day,
        anchor,
        past_retention,
    }) = managers
    {
        if past_retention > 0 {
            body.push_str(&format!(
                "\r\n{past_retention} closed case{} past the retention date await{} review:\r\n{}/retention\r\n",
                if past_retention == 1 { "" } else { "s" },
                if past_retention == 1 { "s" } else { "" },
                public_url.trim_end_matches('/')
            ));
        }
        body.push_str(&format!(
            "\r\nAudit trail anchor for {day}:\r\n{anchor}\r\n\
             Keep this message. harbour audit verify --anchor with this\r\n\
             line shows whether any audit event up to it was deleted.\r\n"
        ));
    }
    (subject, body)
}

/// e.g. "Mon 23 Nov 2026, 23:59" (Europe/London).
fn london(at: OffsetDateTime) -> String {
    at.to_timezone(LONDON)
        .format(format_description!(
            "[weekday repr:short] [day padding:none] [month repr:short] [year], [hour]:[minute]"
        ))
        .unwrap_or_default()
}

/// An SMTP connection's settings and the sender address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// How long one message may take to send before it counts as failed.
const SEND_TIMEOUT: Duration = Duration::from_secs(30);

impl Mailer {
    /// The mailer the settings describe; `Ok(None)` when e-mail is off (no SMTP URL).
    /// Errors are sentences for the operator (the URL itself is not repeated: it may hold
    /// a password).
    pub fn from_settings(settings: &Settings) -> Result<Option<Mailer>, String> {
        let Some(url) = settings.smtp_url() else {
            return Ok(None);
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("HARBOUR_SMTP_URL is not a usable SMTP URL: {e}"))?
            .timeout(Some(SEND_TIMEOUT))
            .build();
        let from = settings
            .smtp_from
            .trim()
            .parse::<Mailbox>()
            .map_err(|e| format!("HARBOUR_SMTP_FROM is not an e-mail address: {e}"))?;
        Ok(Some(Mailer { transport, from }))
    }

    /// Sends one plain-text message to `to`, dated `now` (the application's clock).
    pub async fn send(
        &self,
        to: &str,
        subject: &str,
        body: String,
        now: OffsetDateTime,
    ) -> Result<(), String> {
        let to = to
            .trim()
            .parse::<Mailbox>()
            .map_err(|e| format!("recipient address refused: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .date(now.into())
            .message_id(None)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| format!("could not build the message: {e}"))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| format!("SMTP: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn item(kind: Kind, reference: &str, stage: &str, due_at: OffsetDateTime) -> Item {
        Item {
            kind,
            reference: reference.to_owned(),
            stage: stage.to_owned(),
            due_at,
        }
    }

    #[test]
    fn digest_lists_references_stages_and_london_due_times() {
        let items = [
            item(
                Kind::DueSoon,
                "HC-2026-000002",
                "risk-assessment",
                datetime!(2026-11-24 23:59:59 UTC),
            ),
            item(
                Kind::Overdue,
                "HC-2026-000001",
                "initial-contact",
                datetime!(2026-11-20 10:30 UTC),
            ),
            item(
                Kind::DueSoon,
                "HC-2026-000003",
                "victim-update",
                datetime!(2026-07-01 22:59:59 UTC),
            ),
            item(
                Kind::Overdue,
                "HC-2026-000004",
                "action-plan",
                datetime!(2026-11-19 23:59:59 UTC),
            ),
            item(
                Kind::Overdue,
                "HC-2026-000005",
                "manager-review",
                datetime!(2026-11-22 23:59:59 UTC),
            ),
        ];
        let (subject, body) = compose(&items, "https://harbour.example.org/", None);
        assert_eq!(subject, "Harbour: 3 overdue, 2 due soon");
        let expected = "Deadlines on your cases in Harbour.\r\n\
            \r\n\
            Overdue (3):\r\n\
            - HC-2026-000004: Action plan agreed with victim, due Thu 19 Nov 2026, 23:59\r\n\
            - HC-2026-000001: Initial contact with victim, due Fri 20 Nov 2026, 10:30\r\n\
            - HC-2026-000005: Manager case review, due Sun 22 Nov 2026, 23:59\r\n\
            \r\n\
            Due by the end of the next working day (2):\r\n\
            - HC-2026-000003: Regular victim update, due Wed 1 Jul 2026, 23:59\r\n\
            - HC-2026-000002: Risk assessment completed, due Tue 24 Nov 2026, 23:59\r\n\
            \r\n\
            See your deadlines: https://harbour.example.org/deadlines\r\n\
            \r\n\
            This message lists case references and procedure stages only.\r\n\
            Sign in to Harbour for case details.\r\n";
        assert_eq!(body, expected);
    }

    #[test]
    fn subject_counts_only_what_is_there() {
        let at = datetime!(2026-11-24 12:00 UTC);
        let one = [item(Kind::Overdue, "HC-2026-000001", "initial-contact", at)];
        assert_eq!(compose(&one, "http://h", None).0, "Harbour: 1 overdue");
        let soon = [item(Kind::DueSoon, "HC-2026-000001", "initial-contact", at)];
        let (subject, body) = compose(&soon, "http://h", None);
        assert_eq!(subject, "Harbour: 1 due soon");
        assert!(!body.contains("Overdue"), "{body}");
        assert_eq!(compose(&[], "http://h", None).0, "Harbour: no deadlines");
    }

    #[test]
    fn a_managers_digest_carries_the_days_anchor_even_without_deadlines() {
        use time::macros::date;
        let anchor = Anchor {
            id: Some(42),
            hash: "ab".repeat(32),
        };
        let managers = ForManagers {
            day: date!(2026 - 11 - 23),
            anchor: &anchor,
            past_retention: 3,
        };
        let (subject, body) = compose(&[], "http://h", Some(managers));
        assert!(
            body.contains(
                "\r\n3 closed cases past the retention date await review:\r\nhttp://h/retention\r\n"
            )
        );
        assert_eq!(subject, "Harbour: no deadlines");
        assert!(body.contains("\r\nNone today.\r\n"), "{body}");
        let line = format!(
            "\r\nAudit trail anchor for 2026-11-23:\r\n42 {}\r\n",
            "ab".repeat(32)
        );
        assert!(body.contains(&line), "{body}");
        assert!(body.lines().all(|l| l.len() <= 78), "short lines: {body}");
    }

    #[test]
    fn unknown_stage_codes_are_shown_as_stored() {
        let at = datetime!(2026-11-24 12:00 UTC);
        let items = [item(Kind::Overdue, "HC-2026-000001", "retired-stage", at)];
        assert!(
            compose(&items, "http://h", None)
                .1
                .contains("HC-2026-000001: retired-stage, due")
        );
    }

    #[test]
    fn mailer_is_off_without_a_url_and_refuses_bad_settings() {
        let mut settings = Settings::default();
        assert!(matches!(Mailer::from_settings(&settings), Ok(None)));
        settings.smtp_url = Some("  ".into());
        assert!(matches!(Mailer::from_settings(&settings), Ok(None)));
        settings.smtp_url = Some("smtp://127.0.0.1:2525".into());
        assert!(matches!(Mailer::from_settings(&settings), Ok(Some(_))));
        settings.smtp_url = Some("smtps://user:secret@mail.example.org".into());
        assert!(matches!(Mailer::from_settings(&settings), Ok(Some(_))));
        settings.smtp_url = Some("smtp://user:secret@mail.example.org:587?tls=required".into());
        assert!(matches!(Mailer::from_settings(&settings), Ok(Some(_))));
        settings.smtp_url = Some("http://user:secret@mail.example.org".into());
        let err = Mailer::from_settings(&settings).err().expect("refused");
        assert!(!err.contains("secret"), "{err}");
        settings.smtp_url = Some("smtp://127.0.0.1:2525".into());
        settings.smtp_from = "not an address".into();
        assert!(Mailer::from_settings(&settings).is_err());
    }
}
