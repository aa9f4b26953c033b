//! `/login`: sign in. The session is an HttpOnly cookie; the page only posts the form.

use duban_api::LoginRequest;
use duban_api::health::Healthz;
use duban_api::session::Login;
use duban_text::key;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;

use crate::api;
use crate::i18n::use_i18n;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // Sent here because the session went unused too long (`api::to_login`).
    let idle = query.read_untracked().get("reason").as_deref() == Some("idle");
    // The demo accounts are named only where they exist.
    let demo = RwSignal::new(false);
    spawn_local(async move {
        if let Ok(h) = api::call::<Healthz>(&(), &(), &(), i18n.lang_untracked()).await {
            demo.set(h.demo);
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let body = LoginRequest {
            username: username.get_untracked(),
            password: password.get_untracked(),
        };
        let lang = i18n.lang_untracked();
        // Only same-site paths: an open redirect would help phishing.
        let next = query
            .read_untracked()
            .get("next")
            .filter(|n| n.starts_with('/') && !n.starts_with("//"))
            .unwrap_or_else(|| "/".to_owned());
        spawn_local(async move {
            match api::call::<Login>(&(), &(), &body, lang).await {
                // A full load, so that every page starts with the new session.
                Ok(_) => {
                    let _ = window().location().set_href(&next);
                }
                Err(f) => error.set(Some(f.summary())),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="login">
            <h1>{move || i18n.t(key!("login.title"))}</h1>
            {idle.then(|| view! { <p class="banner banner-warn" id="login-idle">{move || i18n.t(key!("login.idle"))}</p> })}
            <form id="login-form" class="form" on:submit=on_submit>
                <label class="field">
                    <span class="label">{move || i18n.t(key!("login.username"))}</span>
                    <input type="text" name="username" autocomplete="username" required
                        on:input=move |ev| username.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span class="label">{move || i18n.t(key!("login.password"))}</span>
                    <input type="password" name="password" autocomplete="current-password" required
                        on:input=move |ev| password.set(event_target_value(&ev))/>
                </label>
                <Show when=move || error.get().is_some()>
                    <p class="banner banner-error" id="login-error">{move || error.get()}</p>
                </Show>
                <div class="actions">
                    <button type="submit" id="login-submit" class="btn btn-primary" disabled=move || busy.get()>
                        {move || i18n.t(key!("login.submit"))}
                    </button>
                </div>
                <Show when=move || demo.get()>
                    <p class="hint" id="demo-hint">{move || i18n.t(key!("login.demo_hint"))}</p>
                </Show>
            </form>
        </section>
    }
}
