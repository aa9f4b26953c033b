//! A list edited in the page and saved whole with a reason (the emergency plans, the
//! routing rules): rows moved up and down, changed through the page's form and
//! deleted, each row's errors under it, changed rows marked, and one save that the
//! server checks. The rows of a form's own lists (a plan's departments, a rule set's
//! stage rules) move with the same buttons ([`RowMoves`]).

use duban_text::Key;
use duban_text::key;
use std::future::Future;

use duban_api::ApiError;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::Failure;
use crate::components::field_errors::{ApiFieldErrors, OtherErrors, local_error};
use crate::i18n::{I18n, Lang, use_i18n};
use crate::session::use_current_user;

/// Which item the page's form changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Editing {
    /// An item added at the end of the list.
    New,
    /// The item at this position.
    At(usize),
}

/// A change to the order of a list, by position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reorder {
    Up(usize),
    Down(usize),
    Delete(usize),
}

impl Reorder {
    pub fn apply<T>(self, all: &mut Vec<T>) {
        match self {
            Reorder::Up(i) if i > 0 && i < all.len() => all.swap(i - 1, i),
            Reorder::Down(i) if i + 1 < all.len() => all.swap(i, i + 1),
            Reorder::Delete(i) if i < all.len() => {
                all.remove(i);
            }
            _ => {}
        }
    }
}

/// A list's state: the items as edited and as the server holds them, the open form
/// (which item, and its draft `D`), the reason, the errors of the last check or save.
pub struct ListEdit<T: Send + Sync + 'static, D: Send + Sync + 'static> {
    pub items: RwSignal<Vec<T>>,
    pub saved: RwSignal<Vec<T>>,
    pub loaded: RwSignal<bool>,
    /// Errors of the last save, by the server's field paths.
    pub errors: RwSignal<Vec<ApiError>>,
    pub editing: RwSignal<Option<(Editing, D)>>,
    pub reason: RwSignal<String>,
    pub busy: RwSignal<bool>,
    pub notice: RwSignal<Option<Key>>,
    pub dirty: Memo<bool>,
}

// Signals are `Copy` whatever they hold; a derive would ask `T: Copy`.
impl<T: Send + Sync + 'static, D: Send + Sync + 'static> Clone for ListEdit<T, D> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static, D: Send + Sync + 'static> Copy for ListEdit<T, D> {}

impl<T, D> ListEdit<T, D>
where
    T: Clone + PartialEq + Send + Sync + 'static,
    D: Clone + Send + Sync + 'static,
{
    pub fn new() -> Self {
        let items = RwSignal::new(Vec::<T>::new());
        let saved = RwSignal::new(Vec::<T>::new());
        ListEdit {
            items,
            saved,
            loaded: RwSignal::new(false),
            errors: RwSignal::new(Vec::new()),
            editing: RwSignal::new(None),
            reason: RwSignal::new(String::new()),
            busy: RwSignal::new(false),
            notice: RwSignal::new(None),
            dirty: Memo::new(move |_| items.with(|r| saved.with(|s| r != s))),
        }
    }

    /// The list as the server holds it now, edited from there.
    pub fn set_saved(self, list: Vec<T>) {
        self.saved.set(list.clone());
        self.items.set(list);
    }

    /// Opens the form on a draft.
    pub fn edit(self, mode: Editing, draft: D) {
        self.notice.set(None);
        self.editing.set(Some((mode, draft)));
    }

    /// Moving or deleting renumbers the items: the old errors no longer point right.
    pub fn reorder(self, op: Reorder) {
        self.notice.set(None);
        self.editing.set(None);
        self.errors.set(Vec::new());
        self.items.update(|all| op.apply(all));
    }
}

impl<T, D> Default for ListEdit<T, D>
where
    T: Clone + PartialEq + Send + Sync + 'static,
    D: Clone + Send + Sync + 'static,
{
    fn default() -> Self {
        Self::new()
    }
}

/// What a list is called in the page: the ids and classes the style sheet and the
/// browser stories know it by, and its texts.
#[derive(Clone, Copy)]
pub struct ListNames {
    /// One item (`plan`): row buttons `plan-up`, the error row `plan-errors`.
    pub one: &'static str,
    /// The list (`plans`): the server's error path, `plans-table`, `save-plans` ...
    pub many: &'static str,
    /// The fields the save form shows errors of itself: the reason and the list.
    pub fields: &'static [&'static str],
    /// i18n keys: the page's title, its add button, its hint, the note for readers
    /// who may not edit; unsaved changes, the empty list, nothing changed (also the
    /// error code), saved.
    pub title: Key,
    pub add: Key,
    pub hint: Key,
    pub readonly: Key,
    pub unsaved: Key,
    pub empty: Key,
    pub no_change: &'static str,
    pub saved: Key,
}

/// What the page's row needs besides the item.
pub struct RowState {
    pub i: usize,
    /// Not as the server holds it.
    pub changed: bool,
    pub has_errors: bool,
    /// The form is open on this row.
    pub editing: bool,
    /// The cell of the row's buttons (administrators only), the row's last.
    pub actions: Option<AnyView>,
}

/// The up, down, (edit) and delete buttons of row `i` of `count`, classed
/// `{prefix}-up` and so on.
#[component]
pub fn RowMoves(
    prefix: &'static str,
    i: usize,
    #[prop(into)] count: Signal<usize>,
    on_move: Callback<Reorder>,
    #[prop(optional)] on_edit: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button type="button" class=format!("btn btn-small {prefix}-up") disabled={i == 0}
            title=move || i18n.t(key!("routing.up")) on:click=move |_| on_move.run(Reorder::Up(i))>"↑"</button>
        <button type="button" class=format!("btn btn-small {prefix}-down") disabled=move || { i + 1 >= count.get() }
            title=move || i18n.t(key!("routing.down")) on:click=move |_| on_move.run(Reorder::Down(i))>"↓"</button>
        {on_edit.map(|edit| view! {
            <button type="button" class=format!("btn btn-small {prefix}-edit")
                on:click=move |_| edit.run(())>{move || i18n.t(key!("admin.edit"))}</button>
        })}
        <button type="button" class=format!("btn btn-small {prefix}-delete")
            on:click=move |_| on_move.run(Reorder::Delete(i))>{move || i18n.t(key!("routing.delete"))}</button>
    }
}

/// The page's head: title, add button (administrators), hint, the read-only note
/// (everyone else signed in), the load errors and the notice of the last save.
#[component]
pub fn ListHead<T, D>(
    list: ListEdit<T, D>,
    names: ListNames,
    #[prop(into)] admin: Signal<bool>,
    load_errors: RwSignal<Vec<ApiError>>,
    new_draft: fn() -> D,
) -> impl IntoView
where
    T: Clone + PartialEq + Send + Sync + 'static,
    D: Clone + Send + Sync + 'static,
{
    let i18n = use_i18n();
    let user = use_current_user();
    view! {
        <div class="page-head">
            <h1>{move || i18n.t(names.title)}</h1>
            <Show when=move || admin.get()>
                <div class="actions">
                    <button type="button" class="btn btn-primary" id=format!("add-{}", names.one)
                        on:click=move |_| list.edit(Editing::New, new_draft())>
                        {move || i18n.t(names.add)}
                    </button>
                </div>
            </Show>
        </div>
        <p class="hint">{move || i18n.t(names.hint)}</p>
        <Show when=move || !admin.get() && user.role().is_some()>
            <p class="hint" id=format!("{}-readonly", names.many)>{move || i18n.t(names.readonly)}</p>
        </Show>
        <OtherErrors fields=&[] errors=load_errors/>
        {move || list.notice.get().map(|n| view! { <p class="banner banner-ok" id="admin-notice">{move || i18n.t(n)}</p> })}
    }
}

/// The table of the list (its header cells are the children; `columns` counts them)
/// and, for administrators, the save form. `row` draws an item's `<tr>`; `draft`
/// opens an item in the page's form; `error_index` and `error_text` place and word
/// the server's errors; `save` sends the list with the reason and answers the list
/// as saved; `on_saved` runs after.
#[component]
pub fn ListEditor<T, D, R, IV, S, Fut>(
    list: ListEdit<T, D>,
    names: ListNames,
    #[prop(into)] admin: Signal<bool>,
    columns: usize,
    draft: fn(&T) -> D,
    error_index: fn(&str) -> Option<usize>,
    error_text: fn(I18n, &ApiError, &[T]) -> String,
    row: R,
    save: S,
    #[prop(optional)] on_saved: Option<Callback<()>>,
    children: Children,
) -> impl IntoView
where
    T: Clone + PartialEq + Send + Sync + 'static,
    D: Clone + Send + Sync + 'static,
    R: Fn(&T, RowState) -> IV + Send + Sync + 'static,
    IV: IntoView + 'static,
    S: Fn(Vec<T>, String, Lang) -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = Result<Vec<T>, Failure>> + 'static,
{
    let i18n = use_i18n();
    let columns = move || if admin.get() { columns + 1 } else { columns };
    let (one, many) = (names.one, names.many);

    let on_save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if list.busy.get_untracked() {
            return;
        }
        list.notice.set(None);
        let mut local = Vec::new();
        if !list.dirty.get_untracked() {
            local.push(local_error(i18n, "", names.no_change));
        }
        if list.reason.with_untracked(|r| r.trim().is_empty()) {
            local.push(local_error(i18n, "reason", "reason.required"));
        }
        if !local.is_empty() {
            list.errors.set(local);
            return;
        }
        let items = list.items.get_untracked();
        let reason = list.reason.get_untracked().trim().to_owned();
        let lang = i18n.lang_untracked();
        list.busy.set(true);
        spawn_local(async move {
            match save(items, reason, lang).await {
                Ok(saved) => {
                    list.set_saved(saved);
                    list.errors.set(Vec::new());
                    list.reason.set(String::new());
                    list.editing.set(None);
                    list.notice.set(Some(names.saved));
                    if let Some(done) = on_saved {
                        done.run(());
                    }
                }
                Err(f) => list.errors.set(f.errors().to_vec()),
            }
            list.busy.set(false);
        });
    };

    let rows = move || {
        let all = list.items.get();
        let count = all.len();
        let errs = list.errors.get();
        let before = list.saved.get();
        let open = list.editing.with(|e| e.as_ref().map(|(m, _)| *m));
        let can_edit = admin.get();
        all.iter()
            .enumerate()
            .map(|(i, item)| {
                let changed = !before.iter().any(|b| b == item);
                let row_errors: Vec<ApiError> = errs
                    .iter()
                    .filter(|e| error_index(&e.field) == Some(i))
                    .cloned()
                    .collect();
                let has_errors = !row_errors.is_empty();
                let actions = can_edit.then(|| {
                    let draft = draft(item);
                    let on_move = Callback::new(move |op| list.reorder(op));
                    let on_edit = Callback::new(move |()| list.edit(Editing::At(i), draft.clone()));
                    view! {
                        <td class="nowrap rule-actions">
                            <RowMoves prefix=one i count on_move on_edit/>
                        </td>
                    }
                    .into_any()
                });
                let state = RowState {
                    i,
                    changed,
                    has_errors,
                    editing: open == Some(Editing::At(i)),
                    actions,
                };
                view! {
                    {row(item, state)}
                    {has_errors.then(|| view! {
                        <tr class=format!("{one}-errors") data-index=i>
                            <td colspan=columns()>
                                {row_errors.iter().map(|e| view! {
                                    <p class="field-error" data-field=e.field.clone() data-code=e.code.clone()>
                                        {error_text(i18n, e, &all)}
                                    </p>
                                }).collect_view()}
                            </td>
                        </tr>
                    })}
                }
            })
            .collect_view()
    };

    view! {
        <table class=format!("data-table {many}-list") id=format!("{many}-table")>
            <thead>
                <tr>
                    {children()}
                    <Show when=move || admin.get()><th>{move || i18n.t(key!("admin.col.actions"))}</th></Show>
                </tr>
            </thead>
            <tbody>
                {rows}
                <Show when=move || list.loaded.get() && list.items.with(Vec::is_empty)>
                    <tr><td class="empty" colspan=columns>{move || i18n.t(names.empty)}</td></tr>
                </Show>
            </tbody>
        </table>
        <Show when=move || admin.get()>
            <form class="form action-panel rules-save" id=format!("{many}-save") novalidate on:submit=on_save>
                <Show when=move || list.dirty.get()>
                    <p class="banner banner-warn" id=format!("{many}-dirty")>{move || i18n.t(names.unsaved)}</p>
                </Show>
                <label class="field field-wide">
                    <span class="label">{move || i18n.t(key!("admin.reason"))}</span>
                    <input type="text" name="reason" id=format!("{many}-reason") maxlength="200"
                        prop:value=move || list.reason.get()
                        on:input=move |ev| list.reason.set(event_target_value(&ev))/>
                    <ApiFieldErrors field="reason" errors=list.errors/>
                </label>
                {move || {
                    let shown: Vec<ApiError> = list.errors.get().into_iter().filter(|e| e.field.starts_with(many)).collect();
                    (!shown.is_empty()).then(|| {
                        let all = list.items.get();
                        view! {
                            <div class="banner banner-error" id=format!("{one}-errors")>
                                {shown.into_iter().map(|e| {
                                    let text = error_text(i18n, &e, &all);
                                    view! { <p data-field=e.field data-code=e.code>{text}</p> }
                                }).collect_view()}
                            </div>
                        }
                    })
                }}
                <OtherErrors fields=names.fields errors=list.errors/>
                <div class="actions">
                    <button type="submit" class="btn btn-primary" id=format!("save-{many}") disabled=move || list.busy.get()>
                        {move || if list.busy.get() { i18n.t(key!("common.saving")) } else { i18n.t(key!("admin.save")) }}
                    </button>
                    <button type="button" class="btn" id=format!("discard-{many}") disabled=move || !list.dirty.get() || list.busy.get()
                        on:click=move |_| {
                            list.editing.set(None);
                            list.errors.set(Vec::new());
                            list.items.set(list.saved.get_untracked());
                        }>
                        {move || i18n.t(key!("routing.discard"))}
                    </button>
                </div>
            </form>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reorder_moves_and_deletes() {
        let mut v = vec![1, 2, 3];
        Reorder::Up(2).apply(&mut v);
        assert_eq!(v, [1, 3, 2]);
        Reorder::Down(0).apply(&mut v);
        assert_eq!(v, [3, 1, 2]);
        Reorder::Delete(1).apply(&mut v);
        assert_eq!(v, [3, 2]);
        Reorder::Up(0).apply(&mut v);
        Reorder::Down(5).apply(&mut v);
        assert_eq!(v, [3, 2]);
    }
}
