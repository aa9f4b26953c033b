//! Application shell: router, navigation bar and route table.

use leptos::prelude::*;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::path;

use crate::i18n::{Lang, provide_i18n, use_i18n};
use crate::pages::{
    CalendarPage, CaseDetailPage, CaseListPage, CaseNewPage, LoginPage, NotFoundPage,
};

/// Root component: provides the language context, then the router with the nav bar
/// above the routed page.
#[component]
pub fn App() -> impl IntoView {
    provide_i18n();
    crate::sla_view::provide_now();

    view! {
        <Router>
            <NavBar/>
            <main class="page">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=CaseListPage/>
                    <Route path=path!("/cases/new") view=CaseNewPage/>
                    <Route path=path!("/cases/:id") view=CaseDetailPage/>
                    <Route path=path!("/calendar") view=CalendarPage/>
                    <Route path=path!("/login") view=LoginPage/>
                </Routes>
            </main>
        </Router>
    }
}

/// Top navigation bar: brand, section links, today's date and the language switch.
#[component]
pub fn NavBar() -> impl IntoView {
    let i18n = use_i18n();
    // Browser-local date (chrono `wasmbind` reads the JS clock).
    // Beijing date, like every other time in the app.
    let today = crate::format::local_time(chrono::Utc::now())
        .chars()
        .take(10)
        .collect::<String>();

    view! {
        <header class="topbar">
            <div class="topbar-inner">
                <A href="/" attr:class="brand">
                    <span class="brand-mark">"督办"</span>
                    <span class="brand-name">{move || i18n.t("app.subtitle")}</span>
                </A>
                <nav class="nav">
                    // `<A>` sets aria-current="page" on the active link; CSS styles it.
                    <A href="/" exact=true>{move || i18n.t("nav.cases")}</A>
                    <A href="/cases/new">{move || i18n.t("nav.new_case")}</A>
                    <A href="/calendar">{move || i18n.t("nav.calendar")}</A>
                </nav>
                <div class="topbar-right">
                    <span class="today" title=move || i18n.t("nav.today")>{today}</span>
                    <UserMenu/>
                    <LangSwitch/>
                </div>
            </div>
        </header>
    }
}

/// Who is signed in, and the sign-out button.
#[component]
pub fn UserMenu() -> impl IntoView {
    use leptos::task::spawn_local;
    let i18n = use_i18n();
    let me = RwSignal::new(None::<duban_api::Me>);
    spawn_local(async move {
        if let Ok(m) =
            crate::api::get::<duban_api::Me>("/api/v1/auth/me", i18n.lang_untracked()).await
        {
            me.set(Some(m));
        }
    });
    let logout = move |_| {
        spawn_local(async move {
            let _ = crate::api::post::<_, serde_json::Value>(
                "/api/v1/auth/logout",
                &serde_json::json!({}),
                None,
                i18n.lang_untracked(),
            )
            .await;
            let _ = window().location().set_href("/login");
        });
    };
    view! {
        {move || me.get().map(|m| view! {
            <span class="user" id="current-user" data-role=m.role.clone()>{m.display_name.clone()}</span>
            <button type="button" class="lang-switch" id="logout" on:click=logout>{move || i18n.t("nav.logout")}</button>
        })}
    }
}

/// The "中文 / EN" toggle; the active language is bold.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            type="button"
            class="lang-switch"
            title=move || i18n.t("nav.switch_lang")
            on:click=move |_| i18n.toggle()
        >
            <span class:active=move || i18n.lang() == Lang::ZhCn>"中文"</span>
            " / "
            <span class:active=move || i18n.lang() == Lang::En>"EN"</span>
        </button>
    }
}
