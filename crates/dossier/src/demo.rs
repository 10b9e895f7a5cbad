//! `dossier demo`: a realistic data set, loaded through the core services like any client.

use dossier_core::{
    Core, Key, NewUser, NewWorkspace,
    model::{
        NewAlert, NewCase, NewComment, NewNote, NewObservable, NewTask, Pap, Priority, RefKey, Role, Severity, Status,
        TargetKind, Tlp,
    },
};

const TECHNIQUES: &[(&str, &str, &[&str])] = &[
    (
        "Phishing campaign targeting finance",
        "Several users reported a lure impersonating the payroll provider; one clicked.",
        &["phishing", "email"],
    ),
    (
        "Ransomware precursor on file server",
        "EDR flagged Cobalt Strike beacon behaviour followed by shadow copy deletion attempts.",
        &["ransomware", "edr"],
    ),
    (
        "Impossible travel for VPN account",
        "Successful VPN logins from two countries within 20 minutes for the same account.",
        &["identity", "vpn"],
    ),
    (
        "Suspicious PowerShell download cradle",
        "Encoded PowerShell fetched a second stage from a newly registered domain.",
        &["powershell", "execution"],
    ),
    (
        "Data exfiltration to cloud storage",
        "Large uploads to a personal cloud storage account outside business hours.",
        &["exfiltration", "dlp"],
    ),
    (
        "Brute force against SSH bastion",
        "Thousands of failed SSH logins from a small set of hosting-provider addresses.",
        &["bruteforce", "ssh"],
    ),
    (
        "Malicious OAuth app consent",
        "A user granted mail read permissions to an unverified third-party app.",
        &["identity", "cloud"],
    ),
    (
        "Web shell on public web server",
        "A PHP file with command execution appeared in the uploads directory.",
        &["webshell", "initial-access"],
    ),
    (
        "Credential dumping on domain controller",
        "LSASS memory access by an unsigned binary on DC01.",
        &["credential-access", "ad"],
    ),
    (
        "DNS tunnelling suspected",
        "High-entropy subdomains queried at a steady rate from one workstation.",
        &["dns", "c2"],
    ),
];

const SOURCES: &[&str] = &["wazuh", "crowdstrike", "splunk", "sentinel", "suricata"];

/// Indicators shared across cases with a skew: the first few show up in many cases, the rest in
/// one or two, so correlation has something to find.
const IOCS: &[(&str, &str)] = &[
    ("domain", "update-check.example-cdn.net"),
    ("ip-any", "198.51.100.23"),
    ("domain", "login-microsoftonline.example.org"),
    ("md5", "44d88612fea8a8f36de82e1278abb02f"),
    ("ip-any", "203.0.113.77"),
    ("url", "https://files.example.net/invoice.zip"),
    (
        "sha256",
        "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f",
    ),
    ("email", "payroll@example-payroll.com"),
    ("domain", "pastebin.example.com"),
    ("ip-any", "192.0.2.200"),
];

/// Loads three workspaces with analysts, about 50 cases, their alerts and comments.
pub async fn load(core: &Core) -> Result<(), String> {
    let e = |e: dossier_core::Error| e.to_string();
    let admin = core.operator(None).await.map_err(e)?;
    let mut targets = vec![admin.clone()];
    for (name, desc) in [
        ("ACME SOC", "Managed detection for ACME Corp"),
        ("Globex CERT", "Globex incident response team"),
    ] {
        let ws = match core
            .create_workspace(
                &admin,
                NewWorkspace {
                    name: name.into(),
                    description: Some(desc.into()),
                },
            )
            .await
        {
            Ok(ws) => ws,
            Err(dossier_core::Error::Validation(_)) => {
                println!("workspace {name} exists; demo data was loaded before");
                return Ok(());
            }
            Err(err) => return Err(err.to_string()),
        };
        targets.push(core.operator(Some(&ws.name)).await.map_err(e)?);
    }
    let mut cases = 0;
    let mut alerts = 0;
    for (w, actor) in targets.iter().enumerate() {
        let slug = actor.workspace_uuid.simple().to_string();
        let analyst = core
            .create_user(
                actor,
                NewUser {
                    login: format!("analyst-{}", &slug[slug.len() - 6..]),
                    email: format!("analyst-{}@example.org", &slug[slug.len() - 6..]),
                    name: format!("Analyst {}", w + 1),
                    password: None,
                    role: Some(Role::Analyst),
                    is_superuser: false,
                    is_service_account: false,
                },
            )
            .await
            .map_err(e)?;
        for i in 0..17 {
            let (title, description, tags) = TECHNIQUES[(i + w * 3) % TECHNIQUES.len()];
            let severity = [Severity::Low, Severity::Medium, Severity::High, Severity::Critical][i % 4];
            let case = core
                .create_case(
                    actor,
                    NewCase {
                        title: format!("{title} ({})", i + 1),
                        description: Some(description.into()),
                        severity: Some(severity),
                        priority: Some([Priority::Low, Priority::Medium, Priority::High][i % 3]),
                        tlp: Some([Tlp::Green, Tlp::Amber, Tlp::Red][i % 3]),
                        pap: Some(Pap::Amber),
                        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
                        assignee: (i % 2 == 0).then_some(analyst.id),
                        external_ref: Some(format!("SOC-{}-{:04}", w + 1, i + 1)),
                        ..NewCase::default()
                    },
                )
                .await
                .map_err(e)?;
            cases += 1;
            let case_key = Key::Uuid(case.id);
            for k in 0..3 {
                // Skewed: index 0 in every case, 1 in every second, the others spread out.
                let (t, v) = IOCS[match k {
                    0 => 0,
                    1 if i % 2 == 0 => 1,
                    _ => 2 + (i * 3 + k + w) % (IOCS.len() - 2),
                }];
                core.add_case_observable(
                    actor,
                    case_key,
                    NewObservable {
                        observable_type: RefKey::Name(t.into()),
                        value: v.into(),
                        description: Some(format!("Seen during {title}")),
                        tlp: Some(Tlp::Amber),
                        tags: vec!["demo".into()],
                        is_ioc: Some(true),
                        custom: None,
                    },
                )
                .await
                .map_err(e)?;
            }
            for task in ["Scope affected hosts", "Contain", "Write the report"] {
                core.create_task(
                    actor,
                    Some(case_key),
                    NewTask {
                        title: task.into(),
                        assignees: vec![analyst.id],
                        ..NewTask::default()
                    },
                )
                .await
                .map_err(e)?;
            }
            core.create_note(
                actor,
                case_key,
                NewNote {
                    title: "Triage notes".into(),
                    content: format!(
                        "## Summary\n\n{description}\n\n- first seen by the SOC\n- `{}` under review\n",
                        IOCS[0].1
                    ),
                    ..NewNote::default()
                },
            )
            .await
            .map_err(e)?;
            for j in 0..3 {
                let source = SOURCES[(i + j) % SOURCES.len()];
                let alert = core
                    .create_alert(
                        actor,
                        NewAlert {
                            title: format!("{source}: {title}"),
                            description: Some(format!("Detection {} of {}", j + 1, description)),
                            severity: Some(severity),
                            source: Some(source.into()),
                            source_ref: Some(format!("{source}-{w}-{i}-{j}")),
                            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
                            ..NewAlert::default()
                        },
                    )
                    .await
                    .map_err(e)?;
                alerts += 1;
                if j == 0 {
                    core.merge_alert(
                        actor,
                        dossier_core::Key::Uuid(alert.alert.id),
                        dossier_core::Key::Uuid(case.id),
                        dossier_core::AlertImport::default(),
                    )
                    .await
                    .map_err(e)?;
                }
            }
            core.add_comment(
                actor,
                TargetKind::Case,
                dossier_core::Key::Uuid(case.id),
                NewComment {
                    content: "Triage started; scoping affected hosts.".into(),
                    parent_id: None,
                },
            )
            .await
            .map_err(e)?;
            if i % 5 == 4 {
                core.update_case(
                    actor,
                    dossier_core::Key::Uuid(case.id),
                    dossier_core::model::CasePatch {
                        status: Some(Status::Closed),
                        ..Default::default()
                    },
                )
                .await
                .map_err(e)?;
            }
        }
    }
    println!(
        "demo data loaded: {} workspaces, {cases} cases with observables, tasks and notes, {alerts} alerts",
        targets.len()
    );
    Ok(())
}
