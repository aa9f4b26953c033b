//! Application shell: router, navigation bar and route table.

use leptos::prelude::*;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::path;

use crate::i18n::{Lang, provide_i18n, use_i18n};
use crate::pages::{
    AdminAuditPage, AdminPlansPage, AdminRoutingPage, AdminSlaPage, AdminUnitsPage, AdminUsersPage,
    CalendarPage, CaseDetailPage, CaseListPage, CaseNewPage, ClearingPage, InboxNavLink, InboxPage,
    IncidentBoardPage, IncidentsPage, LoginPage, NotFoundPage, ReferralsPage, provide_inbox,
};
use crate::session::{DISPATCH_ROLES, provide_current_user, use_current_user};

/// Root component: provides the language context, then the router with the nav bar
/// above the routed page.
#[component]
pub fn App() -> impl IntoView {
    let i18n = provide_i18n();
    crate::sla_view::provide_now();
    let user = provide_current_user(i18n.lang_untracked());
    provide_inbox(i18n, user);

    view! {
        <Router>
            <NavBar/>
            <main class="page">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=CaseListPage/>
                    <Route path=path!("/cases/new") view=|| view! {
                        <crate::pages::RolesOnly roles=DISPATCH_ROLES><CaseNewPage/></crate::pages::RolesOnly>
                    }/>
                    <Route path=path!("/cases/:id") view=CaseDetailPage/>
                    <Route path=path!("/calendar") view=CalendarPage/>
                    <Route path=path!("/clearing") view=ClearingPage/>
                    <Route path=path!("/inbox") view=InboxPage/>
                    <Route path=path!("/referrals") view=ReferralsPage/>
                    <Route path=path!("/incidents") view=IncidentsPage/>
                    <Route path=path!("/incidents/:id") view=IncidentBoardPage/>
                    <Route path=path!("/login") view=LoginPage/>
                    <Route path=path!("/admin/users") view=AdminUsersPage/>
                    <Route path=path!("/admin/units") view=AdminUnitsPage/>
                    <Route path=path!("/admin/audit") view=AdminAuditPage/>
                    <Route path=path!("/admin/routing") view=AdminRoutingPage/>
                    <Route path=path!("/admin/plans") view=AdminPlansPage/>
                    <Route path=path!("/admin/sla") view=AdminSlaPage/>
                </Routes>
            </main>
        </Router>
    }
}

/// Top navigation bar: brand, section links, today's date and the language switch.
/// The inbox (with its count) and the daily clearing view are for everyone signed in,
/// referrals for everyone signed in but leaders, incidents for everyone; administration
/// links appear for administrators only, the routing rules for administrators and
/// coordinators.
#[component]
pub fn NavBar() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
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
                                        <Show when=move || user.has_role(DISPATCH_ROLES)>
                        <A href="/cases/new">{move || i18n.t("nav.new_case")}</A>
                    </Show>
                    <Show when=move || user.get().is_some()>
                        <InboxNavLink/>
                        <A href="/clearing" attr:id="nav-clearing">{move || i18n.t("nav.clearing")}</A>
                    </Show>
                    <Show when=move || user.get().is_some_and(|m| m.role != "leader")>
                        <A href="/referrals" attr:id="nav-referrals">{move || i18n.t("nav.referrals")}</A>
                    </Show>
                    <A href="/incidents" attr:id="nav-incidents">{move || i18n.t("nav.incidents")}</A>
                    <A href="/calendar">{move || i18n.t("nav.calendar")}</A>
                    <Show when=move || user.has_role(&["admin"])>
                        <A href="/admin/users" attr:id="nav-admin-users">{move || i18n.t("nav.admin_users")}</A>
                        <A href="/admin/units" attr:id="nav-admin-units">{move || i18n.t("nav.admin_units")}</A>
                        <A href="/admin/plans" attr:id="nav-admin-plans">{move || i18n.t("nav.admin_plans")}</A>
                        <A href="/admin/sla" attr:id="nav-admin-sla">{move || i18n.t("nav.admin_sla")}</A>
                    </Show>
                    <Show when=move || user.has_role(DISPATCH_ROLES)>
                        <A href="/admin/routing" attr:id="nav-admin-routing">{move || i18n.t("nav.admin_routing")}</A>
                    </Show>
                    <Show when=move || user.has_role(&["admin"])>
                        <A href="/admin/audit" attr:id="nav-admin-audit">{move || i18n.t("nav.admin_audit")}</A>
                    </Show>
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
    let user = use_current_user();
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
        {move || user.get().map(|m| view! {
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
