//! Security headers on every class of route (issue 27): the app's pages under a content
//! security policy the WASM app works with and no inline script, data (the API, Open311,
//! downloads) under a strict one, nosniff and no framing everywhere, HSTS behind https,
//! and no caching of anything personal.

use super::*;
use duban_server::auth::Role;

async fn headers_of(
    client: &Client,
    uri: &str,
    extra: &[(&str, &str)],
) -> (StatusCode, axum::http::HeaderMap) {
    let (s, h, _) = exchange(
        &client.app,
        client.session.as_ref(),
        "GET",
        uri,
        extra,
        None,
    )
    .await;
    (s, h)
}

fn header<'a>(h: &'a axum::http::HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

#[tokio::test]
async fn every_answer_carries_security_headers() {
    let dir = std::env::temp_dir().join(format!("duban-test-{}", uuid_like()));
    let dist = dir.join("dist");
    std::fs::create_dir_all(&dist).expect("dist");
    std::fs::write(
        dist.join("index.html"),
        "<!DOCTYPE html><script type=\"module\" src=\"/boot.js\"></script>",
    )
    .expect("index");
    std::fs::write(dist.join("boot.js"), "import init from \"/app.js\";").expect("boot");
    let store = SqliteStore::open(&format!("sqlite://{}/duban.db", dir.display()))
        .await
        .expect("sqlite");
    let state = AppState::new(Arc::new(store)).await.expect("state");
    let app = router(state.clone(), Some(dist));
    let coordinator = Client::signed_in(
        &app,
        &state,
        "h.coord",
        Role::Coordinator,
        Some("prov-coord"),
    )
    .await;
    let (s, v) = call(&coordinator, "POST", "/api/v1/cases", Some(valid_case())).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_str().expect("id").to_owned();
    let (s, v) = upload(
        &coordinator,
        &format!("/api/v1/cases/{id}/attachments"),
        b"%PDF-1.4\n%%EOF\n",
        "application/pdf",
        "report.pdf",
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let file = v["id"].as_str().expect("attachment id").to_owned();
    let anonymous = Client::anonymous(&app);

    // (who, uri, page or data, cache policy expected)
    let routes: Vec<(&Client, String, bool, Option<&str>)> = vec![
        (&anonymous, "/".into(), true, None),
        (&anonymous, "/cases/123".into(), true, None),
        (&anonymous, "/boot.js".into(), true, None),
        (&anonymous, "/healthz".into(), true, None),
        (
            &anonymous,
            "/api/v1/public/batches".into(),
            false,
            Some("no-store"),
        ),
        (&anonymous, "/api/v1/cases".into(), false, Some("no-store")),
        (
            &anonymous,
            "/api/v1/nowhere".into(),
            false,
            Some("no-store"),
        ),
        (
            &anonymous,
            "/open311/v2/services.json".into(),
            false,
            Some("no-store"),
        ),
        (
            &coordinator,
            "/api/v1/cases".into(),
            false,
            Some("no-store"),
        ),
        (
            &coordinator,
            format!("/api/v1/cases/{id}"),
            false,
            Some("no-store"),
        ),
        (
            &coordinator,
            format!("/api/v1/cases/{id}/complainant?purpose=%E5%9B%9E%E8%AE%BF"),
            false,
            Some("no-store"),
        ),
        (
            &coordinator,
            "/api/v1/cases/export.csv".into(),
            false,
            Some("no-store"),
        ),
        (
            &coordinator,
            format!("/api/v1/attachments/{file}"),
            false,
            Some("no-store"),
        ),
    ];
    for (client, uri, page, cache) in &routes {
        let (_, h) = headers_of(client, uri, &[]).await;
        assert_eq!(header(&h, "x-content-type-options"), "nosniff", "{uri}");
        assert_eq!(header(&h, "x-frame-options"), "DENY", "{uri}");
        assert_eq!(header(&h, "referrer-policy"), "no-referrer", "{uri}");
        assert!(
            header(&h, "strict-transport-security").is_empty(),
            "{uri}: http"
        );
        let csp = header(&h, "content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{uri}: {csp}");
        if *page {
            assert!(
                csp.contains("script-src 'self' 'wasm-unsafe-eval'")
                    && !csp.contains("script-src 'self' 'unsafe-inline'"),
                "{uri}: {csp}"
            );
        } else {
            assert!(
                csp.starts_with("default-src 'none'") && csp.contains("sandbox"),
                "{uri}: {csp}"
            );
        }
        if let Some(cache) = cache {
            assert_eq!(header(&h, "cache-control"), *cache, "{uri}");
        }
    }
    // Downloads are saved, never shown in the app's origin.
    for uri in [
        "/api/v1/cases/export.csv".to_owned(),
        format!("/api/v1/attachments/{file}"),
    ] {
        let (_, h) = headers_of(&coordinator, &uri, &[]).await;
        assert!(
            header(&h, "content-disposition").starts_with("attachment;"),
            "{uri}"
        );
    }
    // Behind https (a proxy says so), browsers are told to stay there.
    let (_, h) = headers_of(&anonymous, "/", &[("x-forwarded-proto", "https")]).await;
    assert!(header(&h, "strict-transport-security").starts_with("max-age=31536000"));
    let _ = std::fs::remove_dir_all(dir);
}
