//! Casework: victim risk assessments (versioned question sets), action plans and their
//! actions, victim support measures, referrals to agencies with consent to share, and
//! action against alleged perpetrators with their court and notice dates.

use crate::helpers::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Version 1 of the risk question set: (question, help, score for "Yes"). Every question
/// is answered Yes / No / Not known; "Not known" scores 1 so that gaps err on the side of
/// caution. Administrators write later versions at /admin/risk.
const QUESTIONS: [(&str, &str, i32); 10] = [
    (
        "Has the victim or their household been targeted before, by the same or other people?",
        "Repeat targeting is the strongest predictor of further harm.",
        2,
    ),
    (
        "Has anyone threatened to kill, seriously hurt or burn out the victim or their family?",
        "Include threats made online, by letter or through others.",
        3,
    ),
    (
        "Has anyone been physically hurt in this or an earlier incident?",
        "",
        3,
    ),
    (
        "Has a weapon been used or mentioned, or has anything been set alight or put through the door?",
        "",
        3,
    ),
    (
        "Is the victim frightened to stay in their home, or to leave it?",
        "",
        2,
    ),
    (
        "Are there children or other dependants in the household who have been affected?",
        "",
        2,
    ),
    (
        "Does the victim have a disability, illness or other vulnerability that makes them more at risk?",
        "",
        2,
    ),
    (
        "Is the victim isolated: living alone, without support nearby, or unable to ask for help in English?",
        "",
        1,
    ),
    (
        "Is the harassment affecting the victim's physical or mental health?",
        "For example sleep, anxiety, depression or thoughts of self-harm.",
        2,
    ),
    (
        "Is it getting worse: more often, more people, or more serious?",
        "",
        2,
    ),
];

/// Version 1 thresholds: a total of at least MEDIUM is medium risk, at least HIGH is high.
const MEDIUM_FROM: i32 = 6;
const HIGH_FROM: i32 = 12;
/// Manager reviews on a high-risk case: every 14 calendar days.
const HIGH_REVIEW_DAYS: i32 = 14;

const SUPPORT: [&str; 14] = [
    "Target hardening (locks, lighting, fire-proof letterbox, door entry)",
    "CCTV at the home",
    "Personal or lifeline alarm",
    "Mobile phone loan",
    "Interpreter or translation",
    "Emergency repair",
    "Graffiti removal",
    "Temporary accommodation",
    "Management transfer or rehousing",
    "Professional witness",
    "Court escort",
    "Help to report to the police",
    "Support letter for another agency",
    "Other support",
];

/// (name, multi-agency risk panel)
const AGENCIES: [(&str, bool); 8] = [
    ("Police", false),
    ("Victim Support", false),
    ("Stop Hate UK", false),
    ("Local racial equality council", false),
    ("MARAC / multi-agency risk panel", true),
    ("Mental health or wellbeing services", false),
    ("Adult social care", false),
    ("Children's services", false),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        risk(manager).await?;
        plans(manager).await?;
        support(manager).await?;
        enforcement(manager).await?;
        seed(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "legal_dates",
            "perpetrator_action_events",
            "perpetrator_actions",
            "referrals",
            "agencies",
            "support_measures",
            "support_catalogue",
            "plan_actions",
            "action_plans",
            "risk_answers",
            "risk_assessments",
            "risk_answer_options",
            "risk_questions",
            "risk_question_sets",
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        manager
            .alter_table(Table::alter().table("deadlines").drop_column("title").to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_cases_risk_level_status")
                    .table("cases")
                    .to_owned(),
            )
            .await?;
        for column in ["risk_assessed_at", "risk_level"] {
            manager
                .alter_table(Table::alter().table("cases").drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// Who made a row and when; who last changed it; an optimistic-concurrency version.
fn tracked(table: &mut TableCreateStatement, name: &'static str) {
    table
        .col(integer("created_by"))
        .col(timestamp_with_time_zone("created_at"))
        .col(integer_null("updated_by"))
        .col(timestamp_with_time_zone_null("updated_at"))
        .col(integer("version").default(1))
        .foreign_key(&mut fk(name, "created_by", "users"))
        .foreign_key(&mut fk(name, "updated_by", "users"));
}

fn on_case(name: &'static str) -> ForeignKeyCreateStatement {
    fk(name, "case_id", "cases")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

async fn risk(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    // What a dated deadline is for ("Fit new locks", "Injunction hearing"), shown with its
    // stage; timescale deadlines have none.
    manager
        .alter_table(
            Table::alter()
                .table("deadlines")
                .add_column(string_len_null("title", 200).to_owned())
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table("risk_question_sets")
                .col(pk_auto("id"))
                .col(integer_uniq("number"))
                .col(integer("medium_from"))
                .col(integer("high_from"))
                .col(integer("high_review_days"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer_null("created_by"))
                .col(text("note"))
                .foreign_key(&mut fk("risk_question_sets", "created_by", "users"))
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table("risk_questions")
                .col(pk_auto("id"))
                .col(integer("set_id"))
                .col(integer("position"))
                .col(text("text"))
                .col(text("help"))
                .foreign_key(&mut fk("risk_questions", "set_id", "risk_question_sets"))
                .to_owned(),
        )
        .await?;
    index(manager, "risk_questions", &["set_id", "position"], true).await?;
    manager
        .create_table(
            Table::create()
                .table("risk_answer_options")
                .col(pk_auto("id"))
                .col(integer("question_id"))
                .col(integer("position"))
                .col(string_len("label", 60))
                .col(integer("score"))
                .foreign_key(&mut fk("risk_answer_options", "question_id", "risk_questions"))
                .to_owned(),
        )
        .await?;
    index(manager, "risk_answer_options", &["question_id", "position"], true).await?;
    manager
        .create_table(
            Table::create()
                .table("risk_assessments")
                .col(pk_auto("id"))
                .col(integer("case_id"))
                .col(integer("set_id"))
                // triage, review or other (codes in `risk`)
                .col(string_len("occasion", 16))
                .col(timestamp_with_time_zone("assessed_at"))
                .col(integer("score"))
                // What the thresholds gave, and the level that stands (an override differs).
                .col(string_len("computed_level", 8))
                .col(string_len("level", 8))
                .col(text_null("override_reason"))
                .col(text_null("notes"))
                .col(integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut on_case("risk_assessments"))
                .foreign_key(&mut fk("risk_assessments", "set_id", "risk_question_sets"))
                .foreign_key(&mut fk("risk_assessments", "created_by", "users"))
                .to_owned(),
        )
        .await?;
    index(manager, "risk_assessments", &["case_id", "assessed_at"], false).await?;
    manager
        .create_table(
            Table::create()
                .table("risk_answers")
                .col(pk_auto("id"))
                .col(integer("assessment_id"))
                .col(integer("question_id"))
                .col(integer("option_id"))
                .col(integer("score"))
                .foreign_key(
                    fk("risk_answers", "assessment_id", "risk_assessments")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(&mut fk("risk_answers", "question_id", "risk_questions"))
                .foreign_key(&mut fk("risk_answers", "option_id", "risk_answer_options"))
                .to_owned(),
        )
        .await?;
    index(manager, "risk_answers", &["assessment_id", "question_id"], true).await?;
    // The level that stands on the case, for caseload lists without a join per row.
    for column in [
        string_len_null("risk_level", 8).to_owned(),
        timestamp_with_time_zone_null("risk_assessed_at").to_owned(),
    ] {
        let mut column = column;
        manager
            .alter_table(Table::alter().table("cases").add_column(&mut column).to_owned())
            .await?;
    }
    // The caseload's risk filter (with status, like the other caseload indexes).
    index(manager, "cases", &["risk_level", "status"], false).await?;
    Ok(())
}

async fn plans(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    // Each agreement (and each later revision) with the victim is a row; the latest stands.
    let mut plans = Table::create();
    plans
        .table("action_plans")
        .col(pk_auto("id"))
        .col(integer("case_id"))
        .col(date("agreed_on"))
        // in-person, post, email, other, not-given (codes in `plans`)
        .col(string_len("copy_given_how", 16))
        .col(date_null("copy_given_on"))
        .col(string_len("contact_every_unit", 16))
        .col(integer("contact_every_amount"))
        .col(string_len("contact_channel", 16))
        .col(string_len_null("interpreter_language", 60))
        .col(text_null("communication_needs"))
        .col(text_null("notes"))
        .foreign_key(&mut on_case("action_plans"));
    tracked(&mut plans, "action_plans");
    manager.create_table(plans.to_owned()).await?;
    index(manager, "action_plans", &["case_id", "agreed_on"], false).await?;

    // An action's target date is a deadline: stage "plan-action", occurrence = action id.
    let mut actions = Table::create();
    actions
        .table("plan_actions")
        .col(pk_auto("id"))
        .col(integer("case_id"))
        .col(integer("plan_id"))
        .col(text("description"))
        // A member of staff, or someone else named in owner_other (victim, police, ...).
        .col(integer_null("owner_id"))
        .col(string_len_null("owner_other", 120))
        .col(date("target_on"))
        // open, done, cancelled
        .col(string_len("status", 16))
        .col(date_null("completed_on"))
        .col(text_null("outcome"))
        .foreign_key(&mut on_case("plan_actions"))
        .foreign_key(&mut fk("plan_actions", "plan_id", "action_plans"))
        .foreign_key(&mut fk("plan_actions", "owner_id", "users"));
    tracked(&mut actions, "plan_actions");
    manager.create_table(actions.to_owned()).await?;
    index(manager, "plan_actions", &["case_id"], false).await
}

async fn support(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    for table in ["support_catalogue", "agencies"] {
        let mut statement = Table::create();
        statement
            .table(table)
            .col(pk_auto("id"))
            .col(string_len_uniq("name", 120))
            .col(integer("position"))
            .col(boolean("active").default(true))
            .col(timestamp_with_time_zone("created_at"));
        if table == "agencies" {
            // Referring here answers the high-risk prompt (MARAC or similar panel).
            statement.col(boolean("multi_agency").default(false));
        }
        manager.create_table(statement.to_owned()).await?;
    }

    let mut measures = Table::create();
    measures
        .table("support_measures")
        .col(pk_auto("id"))
        .col(integer("case_id"))
        .col(integer("catalogue_id"))
        // requested, provided, declined
        .col(string_len("status", 16))
        .col(date("requested_on"))
        .col(date_null("provided_on"))
        .col(date_null("declined_on"))
        .col(big_integer_null("cost_pence"))
        .col(text_null("notes"))
        .foreign_key(&mut on_case("support_measures"))
        .foreign_key(&mut fk("support_measures", "catalogue_id", "support_catalogue"));
    tracked(&mut measures, "support_measures");
    manager.create_table(measures.to_owned()).await?;
    index(manager, "support_measures", &["case_id"], false).await?;

    let mut referrals = Table::create();
    referrals
        .table("referrals")
        .col(pk_auto("id"))
        .col(integer("case_id"))
        .col(integer("agency_id"))
        // to-send, sent, responded, withdrawn
        .col(string_len("status", 16))
        .col(date("referred_on"))
        .col(text_null("reason"))
        // Consent to share: who gave it, when, and what may be shared. All three are
        // required before the referral may be marked sent.
        .col(string_len_null("consent_by", 120))
        .col(date_null("consent_on"))
        .col(text_null("consent_scope"))
        .col(date_null("sent_on"))
        .col(date_null("response_on"))
        .col(text_null("response"))
        .foreign_key(&mut on_case("referrals"))
        .foreign_key(&mut fk("referrals", "agency_id", "agencies"));
    tracked(&mut referrals, "referrals");
    manager.create_table(referrals.to_owned()).await?;
    index(manager, "referrals", &["case_id"], false).await
}

async fn enforcement(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let mut actions = Table::create();
    actions
        .table("perpetrator_actions")
        .col(pk_auto("id"))
        .col(integer("case_id"))
        // The alleged perpetrator's part in the case (a named person, an unknown person or
        // a group); none for measures aimed at no one in particular (CCTV, patrols).
        .col(integer_null("party_id"))
        // ladder code (see `enforcement`)
        .col(string_len("kind", 32))
        // planned, issued, complied, breached, granted, refused, withdrawn
        .col(string_len("status", 16))
        .col(date("status_on"))
        .col(date("planned_on"))
        .col(text_null("outcome"))
        // References to letters, notices, court papers held elsewhere (document system).
        .col(text_null("documents"))
        .col(text_null("notes"))
        .foreign_key(&mut on_case("perpetrator_actions"))
        .foreign_key(&mut fk("perpetrator_actions", "party_id", "case_parties"));
    tracked(&mut actions, "perpetrator_actions");
    manager.create_table(actions.to_owned()).await?;
    index(manager, "perpetrator_actions", &["case_id"], false).await?;

    // Every status an action has had, with its date: the action's history.
    manager
        .create_table(
            Table::create()
                .table("perpetrator_action_events")
                .col(pk_auto("id"))
                .col(integer("action_id"))
                .col(string_len("status", 16))
                .col(date("on_date"))
                .col(text_null("note"))
                .col(integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    fk("perpetrator_action_events", "action_id", "perpetrator_actions")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(&mut fk("perpetrator_action_events", "created_by", "users"))
                .to_owned(),
        )
        .await?;
    index(manager, "perpetrator_action_events", &["action_id"], false).await?;

    // Court hearings and notice expiries: each is a deadline on the case (stage
    // "court-hearing" or "notice-expiry", occurrence = this row's id).
    manager
        .create_table(
            Table::create()
                .table("legal_dates")
                .col(pk_auto("id"))
                .col(integer("case_id"))
                .col(integer("action_id"))
                // hearing, notice-expiry
                .col(string_len("kind", 16))
                .col(date("due_on"))
                .col(string_len_null("note", 200))
                .col(integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut on_case("legal_dates"))
                .foreign_key(
                    fk("legal_dates", "action_id", "perpetrator_actions")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(&mut fk("legal_dates", "created_by", "users"))
                .to_owned(),
        )
        .await?;
    index(manager, "legal_dates", &["action_id"], false).await?;
    // The chronology reads a case's dates.
    index(manager, "legal_dates", &["case_id"], false).await
}

async fn seed(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .expect("zero nanoseconds is valid");
    let insert = |table: &'static str, columns: Vec<&'static str>, values: Vec<SimpleExpr>| {
        Query::insert()
            .into_table(table)
            .columns(columns)
            .values_panic(values)
            .to_owned()
    };
    manager
        .exec_stmt(insert(
            "risk_question_sets",
            vec![
                "id",
                "number",
                "medium_from",
                "high_from",
                "high_review_days",
                "created_at",
                "note",
            ],
            vec![
                1.into(),
                1.into(),
                MEDIUM_FROM.into(),
                HIGH_FROM.into(),
                HIGH_REVIEW_DAYS.into(),
                now.into(),
                "Harbour's hate-incident questions".into(),
            ],
        ))
        .await?;
    let mut option_id = 0;
    for (i, (text, help, yes)) in QUESTIONS.into_iter().enumerate() {
        let question_id = i as i32 + 1;
        manager
            .exec_stmt(insert(
                "risk_questions",
                vec!["id", "set_id", "position", "text", "help"],
                vec![
                    question_id.into(),
                    1.into(),
                    question_id.into(),
                    text.into(),
                    help.into(),
                ],
            ))
            .await?;
        for (position, (label, score)) in [("Yes", yes), ("No", 0), ("Not known", 1)]
            .into_iter()
            .enumerate()
        {
            option_id += 1;
            manager
                .exec_stmt(insert(
                    "risk_answer_options",
                    vec!["id", "question_id", "position", "label", "score"],
                    vec![
                        option_id.into(),
                        question_id.into(),
                        (position as i32 + 1).into(),
                        label.into(),
                        score.into(),
                    ],
                ))
                .await?;
        }
    }
    for (i, name) in SUPPORT.into_iter().enumerate() {
        manager
            .exec_stmt(insert(
                "support_catalogue",
                vec!["name", "position", "active", "created_at"],
                vec![name.into(), (i as i32 + 1).into(), true.into(), now.into()],
            ))
            .await?;
    }
    for (i, (name, multi_agency)) in AGENCIES.into_iter().enumerate() {
        manager
            .exec_stmt(insert(
                "agencies",
                vec!["name", "position", "active", "multi_agency", "created_at"],
                vec![
                    name.into(),
                    (i as i32 + 1).into(),
                    true.into(),
                    multi_agency.into(),
                    now.into(),
                ],
            ))
            .await?;
    }
    if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        // The explicit ids above did not move the sequences on.
        for (table, last) in [
            ("risk_question_sets", 1),
            ("risk_questions", QUESTIONS.len() as i32),
            ("risk_answer_options", option_id),
        ] {
            manager
                .get_connection()
                .execute_unprepared(&format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), {last})"
                ))
                .await?;
        }
    }
    Ok(())
}
