//! The access policy holds on every route: walks the route table for signed-out visitors
//! and every role. Paths use ids that do not exist, so allowed requests change nothing.

use crate::common::{Client, TestApp};
use entity::Role;
use harbour::{
    auth::policy::{Permission, allows, role_code},
    routes::table,
};
use reqwest::{Method, StatusCode};
use sea_orm::Iterable;

fn concrete(path: &str) -> String {
    path.replace("{id}", "999999").replace("{token}", "0000")
}

async fn request(c: &mut Client, method: &Method, path: &str) -> crate::common::Res {
    if *method == Method::GET {
        c.get(path).await
    } else {
        c.post(path, &[]).await
    }
}

#[tokio::test]
async fn signed_out_visitors_reach_only_public_routes() {
    let app = TestApp::spawn().await;
    for (method, pattern, permission) in table() {
        let path = concrete(pattern);
        let mut c = app.client();
        let res = request(&mut c, &method, &path).await;
        if permission == Permission::Public {
            assert!(
                res.status != StatusCode::FORBIDDEN && !is_login_redirect(&res),
                "{method} {path} should be public: {}",
                res.status
            );
        } else {
            assert!(
                is_login_redirect(&res),
                "{method} {path} must send a signed-out visitor to sign in, got {}",
                res.status
            );
        }
    }
}

fn is_login_redirect(res: &crate::common::Res) -> bool {
    res.status == StatusCode::SEE_OTHER && res.location().is_some_and(|l| l.starts_with("/login"))
}

#[tokio::test]
async fn every_route_obeys_the_policy_for_every_role() {
    let app = TestApp::spawn().await;
    for role in Role::iter() {
        let mut c = app.signed_in(role).await;
        for (method, pattern, permission) in table() {
            if pattern == "/logout" || permission == Permission::Public {
                continue;
            }
            let path = concrete(pattern);
            let res = request(&mut c, &method, &path).await;
            if allows(role, permission) {
                assert!(
                    res.status != StatusCode::FORBIDDEN && !is_login_redirect(&res),
                    "{} should reach {method} {path}, got {}",
                    role_code(role),
                    res.status
                );
                assert!(
                    !res.status.is_server_error(),
                    "{method} {path} failed for {}: {}",
                    role_code(role),
                    res.status
                );
            } else {
                assert_eq!(
                    res.status,
                    StatusCode::FORBIDDEN,
                    "{} must be refused {method} {path}",
                    role_code(role)
                );
                assert!(
                    res.body.contains("You do not have permission"),
                    "403 renders the friendly page"
                );
            }
        }
    }
}

/// Written without the policy module: administration is for administrators only, and the
/// audit trail for managers and administrators.
#[tokio::test]
async fn admin_routes_are_refused_to_every_other_role() {
    let app = TestApp::spawn().await;
    let admin_routes: Vec<_> = table()
        .into_iter()
        .filter(|(_, p, _)| p.starts_with("/admin"))
        .collect();
    assert!(admin_routes.len() >= 10, "the admin routes are in the table");
    for role in [Role::TenancyOfficer, Role::HarassmentOfficer, Role::Manager] {
        let mut c = app.signed_in(role).await;
        for (method, pattern, _) in &admin_routes {
            let res = request(&mut c, method, &concrete(pattern)).await;
            assert_eq!(
                res.status,
                StatusCode::FORBIDDEN,
                "{} reached {method} {pattern}",
                role_code(role)
            );
        }
        let audit = c.get("/audit").await.status;
        let expected = if role == Role::Manager {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(audit, expected, "audit trail for {}", role_code(role));
    }
}

#[tokio::test]
async fn navigation_shows_only_what_the_role_may_use() {
    let app = TestApp::spawn().await;
    let mut officer = app.signed_in(Role::TenancyOfficer).await;
    let home = officer.get("/").await.body;
    assert!(!home.contains("href=\"/admin/users\""));
    assert!(!home.contains("href=\"/audit\""));
    let mut admin = app.signed_in(Role::Admin).await;
    let home = admin.get("/").await.body;
    assert!(home.contains("href=\"/admin/users\""));
    assert!(home.contains("href=\"/audit\""));
}

#[tokio::test]
async fn every_route_is_declared_once() {
    let mut seen = std::collections::HashSet::new();
    for (method, path, _) in table() {
        assert!(
            seen.insert((method.clone(), path)),
            "{method} {path} declared twice"
        );
    }
}
