//! Working where the network comes and goes: whether the browser is online, drafts
//! kept in local storage as the user types, and an outbox of submissions made without
//! network, sent when it returns.
//!
//! Every submission carries an `Idempotency-Key` chosen before the first attempt and
//! kept with the outbox entry, so a request that reached the server but whose answer
//! was lost is answered from the server's record when it is sent again: it is carried
//! out once.

use duban_api::ApiError;
use duban_text::Key;
use duban_text::key;
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};

use crate::api;
use crate::i18n::I18n;
use crate::session::CurrentUser;

const OUTBOX_KEY: &str = "duban.outbox";
const DRAFT_PREFIX: &str = "duban.draft.";
/// This tab's id, in session storage.
const TAB_KEY: &str = "duban.tab";
/// When each open tab last showed a sign of life: `duban.alive.<tab id>`.
const ALIVE_PREFIX: &str = "duban.alive.";
/// How often an open tab says so.
const ALIVE_MS: u32 = 10_000;
const CASES_KEY: &str = "duban.copy.cases";
const COPY_PREFIX: &str = "duban.copy.";
/// How many cases opened lately are kept for reading without network.
const CASES_KEPT: usize = 20;
/// How often a non-empty outbox is tried again while the browser says it is online.
const RETRY_MS: u32 = 20_000;
/// How often an unreachable server is asked whether it is back.
const PROBE_MS: u32 = 5_000;

/// A fresh idempotency key: a random UUID (version 4) from the browser's CSPRNG.
/// `crypto.getRandomValues` works on plain-HTTP intranet addresses too, where
/// `crypto.randomUUID` is missing.
pub fn new_key() -> String {
    let mut b = [0u8; 16];
    let filled = leptos::web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut b).is_ok());
    if !filled {
        // No CSPRNG (never seen in a supported browser): time and Math.random still make
        // a collision within one account vanishingly unlikely.
        let t = js_sys_now().to_bits().to_le_bytes();
        for (i, x) in b.iter_mut().enumerate() {
            *x = t[i % 8] ^ (leptos::web_sys::js_sys::Math::random() * 256.0) as u8;
        }
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn js_sys_now() -> f64 {
    leptos::web_sys::js_sys::Date::now()
}

/// What the browser says of its network (`navigator.onLine`).
fn navigator_online() -> bool {
    leptos::web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// This tab's id (kept in session storage, so a reload keeps it): each tab keeps its
/// own drafts, and two tabs typing the same form never overwrite each other.
fn tab_id() -> String {
    use gloo_storage::SessionStorage;
    SessionStorage::get::<String>(TAB_KEY).unwrap_or_else(|_| {
        let id = new_key();
        let _ = SessionStorage::set(TAB_KEY, &id);
        id
    })
}

/// A draft as stored: when it was saved, and the form's value.
#[derive(Serialize, Deserialize)]
struct StoredDraft<T> {
    at: f64,
    value: T,
}

/// Names of the stored keys that start with `prefix`.
fn keys_starting(prefix: &str) -> Vec<String> {
    let raw = LocalStorage::raw();
    let n = raw.length().unwrap_or(0);
    (0..n)
        .filter_map(|i| raw.key(i).ok().flatten())
        .filter(|k| k.starts_with(prefix))
        .collect()
}

/// Tell other tabs this one is open (see [`load_draft`]); called every
/// [`ALIVE_MS`] while the app runs.
fn still_alive() {
    let now = js_sys_now();
    let _ = LocalStorage::set(format!("{ALIVE_PREFIX}{}", tab_id()), now);
    // Marks of tabs long gone.
    for k in keys_starting(ALIVE_PREFIX) {
        if LocalStorage::get::<f64>(&k).is_ok_and(|t| now - t > 86_400_000.0) {
            LocalStorage::delete(k);
        }
    }
}

/// Whether the tab `id` has shown a sign of life lately.
fn tab_alive(id: &str) -> bool {
    LocalStorage::get::<f64>(format!("{ALIVE_PREFIX}{id}"))
        .is_ok_and(|t| js_sys_now() - t < f64::from(3 * ALIVE_MS))
}

/// A draft saved under `name` (e.g. `case_new`, `report.<case id>`), if any: this tab's,
/// or else the newest one left by a tab that is closed (a browser restart gives tabs
/// new ids), which this tab then takes over. A draft of a tab still open stays its own.
pub fn load_draft<T: for<'de> Deserialize<'de>>(name: &str) -> Option<T> {
    let prefix = format!("{DRAFT_PREFIX}{name}@");
    let own = format!("{prefix}{}", tab_id());
    if let Ok(d) = LocalStorage::get::<StoredDraft<T>>(&own) {
        return Some(d.value);
    }
    let newest = keys_starting(&prefix)
        .into_iter()
        .filter(|k| !tab_alive(&k[prefix.len()..]))
        .filter_map(|k| {
            let d = LocalStorage::get::<StoredDraft<serde_json::Value>>(&k).ok()?;
            Some((k, d))
        })
        .max_by(|a, b| a.1.at.total_cmp(&b.1.at))?;
    let (key, d) = newest;
    let value = serde_json::from_value(d.value.clone()).ok()?;
    let _ = LocalStorage::set(&own, &d);
    LocalStorage::delete(key);
    Some(value)
}

/// Whether a draft `name` is kept here (this tab's or one left by another).
pub fn has_draft(name: &str) -> bool {
    !keys_starting(&format!("{DRAFT_PREFIX}{name}@")).is_empty()
}

/// Keep `value` as this tab's draft `name`, replacing the one before.
pub fn save_draft<T: Serialize>(name: &str, value: &T) {
    let d = StoredDraft {
        at: js_sys_now(),
        value,
    };
    let _ = LocalStorage::set(format!("{DRAFT_PREFIX}{name}@{}", tab_id()), &d);
}

/// Forget this tab's draft `name` (after it was sent or queued, or when discarded).
pub fn clear_draft(name: &str) {
    LocalStorage::delete(format!("{DRAFT_PREFIX}{name}@{}", tab_id()));
}

/// Keep the case as last read, so that its page (and the verification report) opens
/// without network; the most recent [`CASES_KEPT`] are kept.
pub fn remember_case(view: &duban_api::CaseView) {
    let mut all: Vec<duban_api::CaseView> = LocalStorage::get(CASES_KEY).unwrap_or_default();
    all.retain(|v| v.case.id() != view.case.id());
    all.insert(0, view.clone());
    all.truncate(CASES_KEPT);
    let _ = LocalStorage::set(CASES_KEY, &all);
}

/// The case as last read here, if it was.
pub fn remembered_case(id: &str) -> Option<duban_api::CaseView> {
    let all: Vec<duban_api::CaseView> = LocalStorage::get(CASES_KEY).unwrap_or_default();
    all.into_iter().find(|v| v.case.id().to_string() == id)
}

/// The cases kept here for reading offline, newest first: id, reference and place.
pub fn remembered_cases() -> Vec<(String, String, String)> {
    let all: Vec<duban_api::CaseView> = LocalStorage::get(CASES_KEY).unwrap_or_default();
    all.into_iter()
        .map(|v| {
            (
                v.case.id().to_string(),
                v.case.reference().to_string(),
                v.division_name,
            )
        })
        .collect()
}

/// Keep reference data (`units`, `rule_sets`) as last read, for offline use.
pub fn remember<T: Serialize>(name: &str, value: &T) {
    let _ = LocalStorage::set(format!("{COPY_PREFIX}{name}"), value);
}

/// Reference data as last read here.
pub fn remembered<T: for<'de> Deserialize<'de>>(name: &str) -> Option<T> {
    LocalStorage::get(format!("{COPY_PREFIX}{name}")).ok()
}

/// Forget the copies kept for reading offline (on sign-out: the next person at this
/// browser must not read them). Drafts and the outbox stay with their author.
pub fn forget_copies() {
    for k in keys_starting(COPY_PREFIX) {
        LocalStorage::delete(k);
    }
}

/// Why an outbox entry waits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Waiting {
    /// Not sent yet, or the server was not reached.
    Network,
    /// The server refused it; the user edits or discards it.
    Refused { errors: Vec<ApiError> },
    /// The case changed meanwhile: the server's version, for the user to compare.
    Conflict { current: serde_json::Value },
}

/// A submission made without network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Queued {
    /// The `Idempotency-Key` of every attempt.
    pub key: String,
    pub url: String,
    pub body: serde_json::Value,
    /// The case version the submission was made against (`If-Match`).
    pub if_match: Option<u64>,
    /// What it is, for people: an i18n key and a detail (case reference, content).
    pub what: String,
    pub detail: String,
    /// RFC 3339, when it was queued.
    pub queued_at: String,
    pub waiting: Waiting,
    /// Where the user sees the result (`/cases/<id>`), when known.
    #[serde(default)]
    pub link: Option<String>,
    /// Who submitted it (username): it is sent only in their session, never in that of
    /// someone who signs in at this browser later. Set by [`Offline::enqueue`].
    #[serde(default)]
    pub by: String,
}

/// An entry sent from the outbox in this session, for the user to open what it made.
#[derive(Debug, Clone, PartialEq)]
pub struct Sent {
    pub key: String,
    pub what: String,
    pub detail: String,
    /// Where the result is (`/cases/<id>`).
    pub link: Option<String>,
}

/// The outbox and the network state, provided as context. `Copy`.
///
/// The outbox lives in local storage, shared by every tab of this browser: each change
/// reads it again first and writes it back at once, and a change made in another tab
/// (the `storage` event) is read in, so tabs never overwrite each other's entries.
#[derive(Clone, Copy)]
pub struct Offline {
    online: RwSignal<bool>,
    /// Whether the last request reached the server ([`api::server_reached`]).
    reached: RwSignal<bool>,
    outbox: RwSignal<Vec<Queued>>,
    sending: RwSignal<bool>,
    /// Entries sent from this tab, newest first.
    sent: RwSignal<Vec<Sent>>,
    user: CurrentUser,
}

impl Offline {
    pub fn online(&self) -> bool {
        self.online.get()
    }
    /// Online, but the last request did not reach the server.
    pub fn server_unreachable(&self) -> bool {
        self.online.get() && !self.reached.get()
    }
    /// The signed-in user's entries (tracked); nothing before the server says who that is.
    pub fn queued(&self) -> Vec<Queued> {
        let me = self.me();
        self.outbox.with(|o| {
            o.iter()
                .filter(|q| mine(q, me.as_deref()))
                .cloned()
                .collect()
        })
    }
    /// How many of the queued entries are the signed-in user's.
    pub fn count(&self) -> usize {
        let me = self.me();
        self.outbox
            .with(|o| o.iter().filter(|q| mine(q, me.as_deref())).count())
    }
    /// How many entries other accounts left at this browser (sent when they sign in).
    pub fn others(&self) -> usize {
        let me = self.me();
        self.outbox
            .with(|o| o.iter().filter(|q| !mine(q, me.as_deref())).count())
    }
    /// The username of whoever is signed in (tracked), once known.
    pub fn me(&self) -> Option<String> {
        self.user.get().map(|m| m.username)
    }
    pub fn sent(&self) -> Vec<Sent> {
        self.sent.get()
    }
    pub fn sending(&self) -> bool {
        self.sending.get()
    }

    /// Change the outbox as stored now (another tab may have changed it since this one
    /// last read it), write it back, and show it.
    fn change(&self, f: impl FnOnce(&mut Vec<Queued>)) {
        let mut all: Vec<Queued> = LocalStorage::get(OUTBOX_KEY).unwrap_or_default();
        f(&mut all);
        if all.is_empty() {
            LocalStorage::delete(OUTBOX_KEY);
        } else {
            let _ = LocalStorage::set(OUTBOX_KEY, &all);
        }
        self.outbox.set(all);
    }

    /// Read the outbox again (after another tab changed it).
    fn reload(&self) {
        self.outbox
            .set(LocalStorage::get(OUTBOX_KEY).unwrap_or_default());
    }

    /// Put a submission in the outbox (kept across reloads and browser restarts).
    pub fn enqueue(&self, mut q: Queued) {
        if let Some(me) = self.user.get_untracked() {
            q.by = me.username;
        }
        self.change(|o| o.push(q));
    }

    /// Drop the entry with `key`.
    pub fn discard(&self, key: &str) {
        self.change(|o| o.retain(|q| q.key != key));
    }

    /// Replace the entry `key` by `q` (a resolved conflict: new body, new version, new key).
    pub fn replace(&self, key: &str, q: Queued) {
        self.change(|o| {
            if let Some(slot) = o.iter_mut().find(|x| x.key == key) {
                *slot = q;
            }
        });
    }

    /// Send every entry that waits for the network, one after the other, each with its
    /// key. Entries the server refuses stay, with the reason, for the user.
    pub fn flush(&self, i18n: I18n) {
        if self.sending.get_untracked() || !navigator_online() {
            return;
        }
        // Only the author's own entries, in the author's session.
        let Some(me) = self.user.get_untracked().map(|m| m.username) else {
            return;
        };
        let this = *self;
        let lang = i18n.lang_untracked();
        this.sending.set(true);
        this.reload();
        spawn_local(async move {
            let todo: Vec<Queued> = this
                .outbox
                .get_untracked()
                .into_iter()
                .filter(|q| q.waiting == Waiting::Network && mine(q, Some(&me)))
                .collect();
            for q in todo {
                // Another tab may have sent or discarded it meanwhile.
                let still: Vec<Queued> = LocalStorage::get(OUTBOX_KEY).unwrap_or_default();
                if !still
                    .iter()
                    .any(|x| x.key == q.key && x.waiting == Waiting::Network)
                {
                    continue;
                }
                let r = api::resend(&q.url, &q.body, q.if_match, &q.key, lang).await;
                match r {
                    Ok(answer) => this.done(&q, Some(&answer)),
                    // Still no network: try again later, keep the order.
                    Err(f) if f.status == 0 => break,
                    // Signed out: sign in again, then the outbox is sent.
                    Err(f) if f.status == 401 => break,
                    // Carried out before the server stopped; its answer is lost.
                    Err(f)
                        if f.errors()
                            .iter()
                            .any(|e| e.code == "idempotency.answer_lost") =>
                    {
                        this.done(&q, None);
                    }
                    Err(f) if f.status == 409 && f.raw.get("current").is_some() => {
                        let current = f.raw["current"].clone();
                        this.set_waiting(&q.key, Waiting::Conflict { current });
                    }
                    Err(f) if f.status == 409 || f.status == 429 || f.status >= 500 => break,
                    Err(f) => this.set_waiting(
                        &q.key,
                        Waiting::Refused {
                            errors: f.errors().to_vec(),
                        },
                    ),
                }
            }
            this.sending.set(false);
        });
    }

    /// `q` was carried out: out of the outbox, into the list of sent entries with a link
    /// to what it made (the answer's case, or the case it acted on).
    fn done(&self, q: &Queued, answer: Option<&serde_json::Value>) {
        let made = answer
            .filter(|_| q.what == "case")
            // A case answers flattened: its id at the top.
            .and_then(|a| a.get("id"))
            .and_then(serde_json::Value::as_str)
            .map(|id| format!("/cases/{id}"));
        let sent = Sent {
            key: q.key.clone(),
            what: q.what.clone(),
            detail: q.detail.clone(),
            link: made.or_else(|| q.link.clone()),
        };
        self.sent.update(|s| s.insert(0, sent));
        self.discard(&q.key);
    }

    fn set_waiting(&self, key: &str, w: Waiting) {
        self.change(|o| {
            if let Some(q) = o.iter_mut().find(|q| q.key == key) {
                q.waiting = w;
            }
        });
    }
}

/// Whether `q` belongs to the user `me`: entries queued before anyone was known (an
/// older version of the app) belong to whoever signs in.
fn mine(q: &Queued, me: Option<&str>) -> bool {
    me.is_some_and(|me| q.by.is_empty() || q.by == me)
}

/// Read the outbox, follow the browser's online/offline events, and send the outbox
/// whenever the network is back (and every 20 s while something waits).
pub fn provide_offline(i18n: I18n, user: CurrentUser) -> Offline {
    let outbox: Vec<Queued> = LocalStorage::get(OUTBOX_KEY).unwrap_or_default();
    let off = Offline {
        online: RwSignal::new(navigator_online()),
        reached: RwSignal::new(api::server_reached()),
        outbox: RwSignal::new(outbox),
        sending: RwSignal::new(false),
        sent: RwSignal::new(Vec::new()),
        user,
    };
    provide_context(off);
    // The listeners live as long as the app.
    let on = window_event_listener_untyped("online", move |_| {
        off.online.set(true);
        spawn_local(api::probe());
        off.flush(i18n);
    });
    let offl = window_event_listener_untyped("offline", move |_| off.online.set(false));
    // Another tab changed the outbox (the event never fires in the tab that wrote).
    let other_tab = window_event_listener(leptos::ev::storage, move |ev| {
        if ev.key().is_none_or(|k| k == OUTBOX_KEY) {
            off.reload();
        }
    });
    let reach = window_event_listener_untyped(api::REACH_EVENT, move |_| {
        let reached = api::server_reached();
        off.reached.set(reached);
        if reached {
            off.flush(i18n);
        }
    });
    std::mem::forget((on, offl, other_tab, reach));
    let retry = set_interval_with_handle(
        move || {
            let online = navigator_online();
            off.online.set(online);
            if online
                && off
                    .outbox
                    .with_untracked(|o| o.iter().any(|q| q.waiting == Waiting::Network))
            {
                off.flush(i18n);
            }
        },
        std::time::Duration::from_millis(u64::from(RETRY_MS)),
    );
    std::mem::forget(retry);
    // While the server does not answer, ask it every few seconds, so the bar (and the
    // pages waiting for it) know as soon as it is back, whether or not anything waits.
    let probe = set_interval_with_handle(
        move || {
            if navigator_online() && !api::server_reached() {
                spawn_local(api::probe());
            }
        },
        std::time::Duration::from_millis(u64::from(PROBE_MS)),
    );
    std::mem::forget(probe);
    still_alive();
    let alive = set_interval_with_handle(
        still_alive,
        std::time::Duration::from_millis(u64::from(ALIVE_MS)),
    );
    std::mem::forget(alive);
    // Sent as soon as the server says who is signed in.
    Effect::new(move |_| {
        if user.get().is_some() {
            off.flush(i18n);
        }
    });
    off
}

/// The [`Offline`] context. Panics if [`provide_offline`] was not called above.
pub fn use_offline() -> Offline {
    expect_context::<Offline>()
}

/// Whether a failed submission should go to the outbox: the server was not reached.
pub fn unreachable(f: &api::Failure) -> bool {
    f.status == 0
}

/// The i18n key of the notice for a submission just queued: offline, or only the
/// server out of reach.
pub fn queued_notice() -> Key {
    if offline_now() {
        key!("outbox.queued")
    } else {
        key!("outbox.queued_server")
    }
}

/// Whether to queue without trying: the browser knows it is offline.
pub fn offline_now() -> bool {
    !navigator_online()
}
