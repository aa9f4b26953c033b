//! Application shell: router, navigation bar and route table.

use duban_text::Key;
use duban_text::key;
use leptos::prelude::*;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::path;

use crate::i18n::{Lang, provide_i18n, use_i18n};
use crate::pages::{
    AdminApiClientsPage, AdminAuditPage, AdminPlansPage, AdminRoutingPage, AdminSlaPage,
    AdminUnitsPage, AdminUsersPage, BoardNavLink, BoardPage, CalendarPage, CaseDetailPage,
    CaseListPage, CaseNewPage, ClearingPage, ImportPage, InboxNavLink, InboxPage,
    IncidentBoardPage, IncidentsPage, LoginPage, NetStatus, NotFoundPage, OutboxPage,
    PublicBatchPage, PublicIndexPage, ReferralsPage, provide_inbox,
};
use crate::session::{DISPATCH_ROLES, provide_current_user, use_current_user};

/// Root component: provides the language context, then the router with the nav bar
/// above the routed page.
#[component]
pub fn App() -> impl IntoView {
    let i18n = provide_i18n();
    crate::sla_view::provide_now();
    let user = provide_current_user(i18n.lang_untracked());
    crate::offline::provide_offline(i18n, user);
    provide_inbox(i18n, user);

    view! {
        <Router>
            <NavBar/>
            <crate::session::IdleWarning/>
            <main class="page">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=CaseListPage/>
                    // What people type when they look for the list.
                    <Route path=path!("/cases") view=CaseListPage/>
                    <Route path=path!("/cases/new") view=|| view! {
                        <crate::pages::RolesOnly roles=DISPATCH_ROLES><CaseNewPage/></crate::pages::RolesOnly>
                    }/>
                    <Route path=path!("/cases/:id") view=CaseDetailPage/>
                    <Route path=path!("/import") view=ImportPage/>
                    <Route path=path!("/calendar") view=CalendarPage/>
                    <Route path=path!("/clearing") view=ClearingPage/>
                    <Route path=path!("/inbox") view=InboxPage/>
                    <Route path=path!("/referrals") view=ReferralsPage/>
                    <Route path=path!("/incidents") view=IncidentsPage/>
                    <Route path=path!("/incidents/:id") view=IncidentBoardPage/>
                    <Route path=path!("/login") view=LoginPage/>
                    <Route path=path!("/outbox") view=OutboxPage/>
                    <Route path=path!("/board") view=BoardPage/>
                    <Route path=path!("/public") view=PublicIndexPage/>
                    <Route path=path!("/public/batches/:batch") view=PublicBatchPage/>
                    <Route path=path!("/admin/users") view=AdminUsersPage/>
                    <Route path=path!("/admin/units") view=AdminUnitsPage/>
                    <Route path=path!("/admin/audit") view=AdminAuditPage/>
                    <Route path=path!("/admin/routing") view=AdminRoutingPage/>
                    <Route path=path!("/admin/plans") view=AdminPlansPage/>
                    <Route path=path!("/admin/sla") view=AdminSlaPage/>
                    <Route path=path!("/admin/api-clients") view=AdminApiClientsPage/>
                </Routes>
            </main>
        </Router>
    }
}

/// Top navigation bar: brand, section menus, today's date and the language switch.
/// The inbox (with its count) and the daily clearing view are for everyone signed in,
/// referrals for everyone signed in but leaders, incidents for everyone; the 管理 menu
/// holds the administration links (for administrators; coordinators find the routing
/// rules there).
#[component]
pub fn NavBar() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    // The public disclosure needs no sign-in; its visitors get only its link.
    let location = leptos_router::hooks::use_location();
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
                    <span class="brand-name">{move || i18n.t(key!("app.subtitle"))}</span>
                </A>
                // The sections sit in menus per area (信访件 / 四项机制 / 挂图作战与公开 /
                // 管理) with the inbox between them, so everything is reachable on a
                // 1366 px screen without scrolling; on a phone the menus wrap.
                // A visitor of the public disclosure sees that page's link only.
                <Show when=move || user.get().is_some() || !location.pathname.get().starts_with("/public")
                    fallback=move || view! {
                        <nav class="nav"><div class="nav-links">
                            <A href="/public" attr:id="nav-public">{move || i18n.t(key!("nav.public"))}</A>
                        </div></nav>
                    }>
                <nav class="nav" aria-label=move || i18n.t(key!("nav.label"))>
                    // `<A>` sets aria-current="page" on the active link; CSS styles it.
                    <NavMenu id="nav-group-cases" label=key!("nav.group_cases") here=|p| p == "/" || p.starts_with("/cases") || p.starts_with("/import")>
                        <A href="/" exact=true attr:id="nav-cases">{move || i18n.t(key!("nav.case_list"))}</A>
                        <Show when=move || user.has_role(DISPATCH_ROLES)>
                            <A href="/cases/new" attr:id="nav-new-case">{move || i18n.t(key!("nav.new_case"))}</A>
                            <A href="/import" attr:id="nav-import">{move || i18n.t(key!("nav.import"))}</A>
                        </Show>
                    </NavMenu>
                    <Show when=move || user.get().is_some()>
                        <InboxNavLink/>
                    </Show>
                    <NavMenu id="nav-group-mechanisms" label=key!("nav.group_mechanisms") here=|p| ["/clearing", "/referrals", "/incidents"].iter().any(|x| p.starts_with(x))>
                        <Show when=move || user.get().is_some()>
                            <A href="/clearing" attr:id="nav-clearing">{move || i18n.t(key!("nav.clearing"))}</A>
                        </Show>
                        <Show when=move || user.get().is_some_and(|m| m.role != duban_api::Role::Leader)>
                            <A href="/referrals" attr:id="nav-referrals">{move || i18n.t(key!("nav.referrals"))}</A>
                        </Show>
                        <A href="/incidents" attr:id="nav-incidents">{move || i18n.t(key!("nav.incidents"))}</A>
                    </NavMenu>
                    <NavMenu id="nav-group-board" label=key!("nav.group_board") here=|p| ["/board", "/public", "/calendar"].iter().any(|x| p.starts_with(x))>
                        // The province's figures: not for a unit's handlers.
                        <Show when=move || user.get().is_some_and(|m| m.role != duban_api::Role::Handler)>
                            <BoardNavLink/>
                        </Show>
                        <A href="/public" attr:id="nav-public">{move || i18n.t(key!("nav.public"))}</A>
                        <A href="/calendar" attr:id="nav-calendar">{move || i18n.t(key!("nav.calendar"))}</A>
                    </NavMenu>
                    <Show when=move || user.has_role(DISPATCH_ROLES)>
                        <AdminMenu/>
                    </Show>
                </nav>
                </Show>
                <div class="topbar-right">
                    <span class="today" title=move || i18n.t(key!("nav.today"))>{today}</span>
                    <NetStatus/>
                    <UserMenu/>
                    <LangSwitch/>
                </div>
            </div>
        </header>
    }
}

/// A menu of the navigation (`details#<id>`, its links in `.nav-menu-list`), marked
/// active while the page shown is one of its own (`here`). A `<details>` opens and
/// closes from the keyboard (Enter, Space) by itself; it closes when a page is chosen,
/// on a click elsewhere (opening another menu) and on Escape.
#[component]
fn NavMenu(
    id: &'static str,
    label: Key,
    here: fn(&str) -> bool,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let location = leptos_router::hooks::use_location();
    let active = move || location.pathname.with(|p| here(p));
    let menu = NodeRef::<leptos::html::Details>::new();
    let close = move || {
        if let Some(el) = menu.get_untracked() {
            let _ = el.remove_attribute("open");
        }
    };
    Effect::new(move |_| {
        location.pathname.track();
        close();
    });
    let clicks = window_event_listener(leptos::ev::click, move |ev| {
        use leptos::wasm_bindgen::JsCast;
        let inside = match (menu.get_untracked(), ev.target()) {
            (Some(el), Some(target)) => target
                .dyn_into::<leptos::web_sys::Node>()
                .is_ok_and(|node| el.contains(Some(&node))),
            _ => false,
        };
        if !inside {
            close();
        }
    });
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            close();
        }
    });
    on_cleanup(move || {
        clicks.remove();
        keys.remove();
    });
    view! {
        <details class="nav-menu" id=id node_ref=menu class:active=active>
            <summary>{move || i18n.t(label)}</summary>
            // Choosing a page (even the one shown) closes the menu.
            <div class="nav-menu-list" on:click=move |_| close()>
                {children()}
            </div>
        </details>
    }
}

/// The 管理 menu (`details#nav-admin`): accounts, units, emergency plans, SLA rule sets
/// and the audit trail for administrators, the routing rules for administrators and
/// coordinators.
#[component]
fn AdminMenu() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    let admin = move || user.has_role(&["admin"]);
    view! {
        <NavMenu id="nav-admin" label=key!("nav.admin") here=|p| p.starts_with("/admin/")>
            <Show when=admin>
                <A href="/admin/users" attr:id="nav-admin-users">{move || i18n.t(key!("nav.admin_users"))}</A>
                <A href="/admin/units" attr:id="nav-admin-units">{move || i18n.t(key!("nav.admin_units"))}</A>
            </Show>
            <A href="/admin/routing" attr:id="nav-admin-routing">{move || i18n.t(key!("nav.admin_routing"))}</A>
            <Show when=admin>
                <A href="/admin/plans" attr:id="nav-admin-plans">{move || i18n.t(key!("nav.admin_plans"))}</A>
                <A href="/admin/sla" attr:id="nav-admin-sla">{move || i18n.t(key!("nav.admin_sla"))}</A>
                <A href="/admin/audit" attr:id="nav-admin-audit">{move || i18n.t(key!("nav.admin_audit"))}</A>
                <A href="/admin/api-clients" attr:id="nav-admin-api-clients">{move || i18n.t(key!("nav.admin_api_clients"))}</A>
            </Show>
        </NavMenu>
    }
}

/// Who is signed in, and the sign-out button.
#[component]
pub fn UserMenu() -> impl IntoView {
    use leptos::task::spawn_local;
    let i18n = use_i18n();
    let user = use_current_user();
    let leaving = RwSignal::new(false);
    let logout = move |_| {
        if leaving.get_untracked() {
            return;
        }
        leaving.set(true);
        spawn_local(async move {
            let r = crate::api::call::<duban_api::session::Logout>(
                &(),
                &(),
                &(),
                i18n.lang_untracked(),
            )
            .await;
            // Without the server the session cannot be ended (its cookie is out of the
            // page's reach): whoever takes the device next would be signed in as this
            // user. Say so, and stay.
            if let Err(f) = &r
                && crate::offline::unreachable(f)
            {
                leaving.set(false);
                let _ = window().alert_with_message(i18n.t(key!("logout.offline")));
                return;
            }
            crate::session::forget_offline_user();
            crate::offline::forget_copies();
            let _ = window().location().set_href("/login");
        });
    };
    view! {
        {move || user.get().map(|m| view! {
            <span class="user" id="current-user" data-role=m.role.code()>{user_text(i18n, &m.display_name, m.role.code())}</span>
            <button type="button" class="lang-switch" id="logout" disabled=move || leaving.get() on:click=logout>
                {move || i18n.t(if leaving.get() { key!("nav.logging_out") } else { key!("nav.logout") })}
            </button>
        })}
    }
}

/// Who is signed in for people: the display name and the role from the text catalogue
/// (`张三 · 协调员` / `张三 · Coordinator`). A display name that is only the role's
/// Chinese name (the demo accounts') gives way to the role, and a Chinese name that
/// already says the role is not followed by it again.
fn user_text(
    i18n: crate::i18n::I18n,
    name: &str,
    role: &str,
) -> impl Fn() -> String + Send + Sync + 'static + use<> {
    let (name, role) = (name.trim().to_owned(), role.to_owned());
    move || {
        let label = crate::pages::role_label(i18n, &role);
        let zh = crate::i18n::lookup(Lang::Zh, &format!("role.{role}")).unwrap_or(&role);
        let says_role = i18n.lang() == Lang::Zh && name.contains(zh);
        if name.is_empty() || name == zh || name == label {
            label
        } else if says_role {
            name.clone()
        } else {
            format!("{name} · {label}")
        }
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
            title=move || i18n.t(key!("nav.switch_lang"))
            on:click=move |_| i18n.toggle()
        >
            <span class:active=move || i18n.lang() == Lang::Zh>"中文"</span>
            " / "
            <span class:active=move || i18n.lang() == Lang::En>"EN"</span>
        </button>
    }
}
