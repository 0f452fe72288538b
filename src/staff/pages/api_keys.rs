//! Channel partners' API keys (`/staff/api-keys`, admins): the agency's keys (never the
//! keys themselves: their first characters, partner, channel, services, last use, state),
//! a new secret or revocation for each live key, and the form to make one. A new key, or a
//! new secret, is shown here once, to copy into the partner's software.

use leptos::prelude::*;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::partner::{ApiKeyView, CreatedApiKey, NewApiKey, PARTNER_CHANNELS};
use nafitha_domain::{Locale, ServiceDetail};

use super::super::api;
use super::super::components::{desk_table, loaded, shown_once, Radios, TextField};
use super::super::use_staff;
use super::heading;
use crate::api::Loaded;
use crate::components::{ErrorSummary, PageHeading};
use crate::dates::format_moment;
use crate::i18n::{texts, tr};
use crate::state::{use_announcer, use_locale};

/// A key just made or given a new secret, with the partner's name.
#[derive(Clone)]
struct Shown {
    partner: String,
    made: CreatedApiKey,
}

/// The form to make a key; `shown` receives the key.
#[component]
fn AddForm(
    services: Loaded<Vec<ServiceDetail>>,
    errors: RwSignal<Vec<InvalidAnswer>>,
    shown: RwSignal<Option<Shown>>,
    on_done: Callback<()>,
) -> impl IntoView {
    let locale = use_locale();
    let staff = use_staff();
    let [partner, channel] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let chosen = RwSignal::new(Vec::<String>::new());
    let busy = RwSignal::new(false);
    let channels = Signal::derive(move || {
        let l = locale.locale.get();
        PARTNER_CHANNELS
            .iter()
            .map(|c| (c.code().to_owned(), c.label(l).to_owned()))
            .collect::<Vec<_>>()
    });
    // One checkbox per service of the agency (none for the operator: its keys serve all).
    let boxes = move || {
        let l = locale.locale.get();
        services.with(|s| match s {
            Some(Ok(all)) if !all.is_empty() => {
                let items = all
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let code = s.summary.code.clone();
                        let id = format!("key-service-{i}");
                        let (checked, toggled) = (code.clone(), code);
                        view! {
                            <div class="choice">
                                <input id=id.clone() type="checkbox"
                                    prop:checked=move || chosen.with(|c| c.contains(&checked))
                                    on:change=move |_| chosen.update(|c| {
                                        match c.iter().position(|x| *x == toggled) {
                                            Some(at) => { c.remove(at); }
                                            None => c.push(toggled.clone()),
                                        }
                                    })/>
                                <label for=id>{s.summary.name.get(l).to_owned()}</label>
                            </div>
                        }
                    })
                    .collect_view();
                Some(view! {
                    <fieldset class="fieldset" id="field-services">
                        <legend class="label">{texts(l).staff.key_services}</legend>
                        {items}
                    </fieldset>
                })
            }
            _ => None,
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = NewApiKey {
            partner: partner.get_untracked(),
            channel: channel.get_untracked(),
            services: chosen.get_untracked(),
        };
        let valid = match new.validate() {
            Ok(valid) => valid,
            Err(problems) => return errors.set(problems),
        };
        let lang = locale.locale.get_untracked();
        let change = async move {
            let made = api::add_api_key(&new, lang).await?;
            shown.try_set(Some(Shown {
                partner: valid.partner,
                made,
            }));
            Ok(())
        };
        staff.submit(busy, errors, "partner", change, move || {
            partner.set(String::new());
            channel.set(String::new());
            chosen.set(Vec::new());
            on_done.try_run(());
        });
    };
    view! {
        <form novalidate on:submit=submit>
            <h2>{tr(|t| t.staff.add_key)}</h2>
            <TextField name="partner" label=|t| t.staff.partner_name value=partner errors/>
            <Radios name="channel" label=|t| t.staff.key_channel value=channel options=channels errors/>
            {boxes}
            <button type="submit" class="button button-secondary" disabled=busy>{tr(|t| t.staff.add_key)}</button>
        </form>
    }
}

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let locale = use_locale();
    let announcer = use_announcer();
    let staff = use_staff();
    let keys = api::list_api_keys();
    let services = api::list_agency_services();
    let errors = RwSignal::new(Vec::<InvalidAnswer>::new());
    let shown = RwSignal::new(None::<Shown>);
    let busy = RwSignal::new(false);
    let changed = Callback::new(move |()| {
        announcer.announce(
            texts(locale.locale.get_untracked())
                .staff
                .api_keys_updated
                .to_owned(),
        );
        keys.refetch();
    });
    let table = move |all: &Vec<ApiKeyView>, l: Locale| {
        let t = &texts(l).staff;
        let rows = all
            .iter()
            .map(|k| {
                let (id, partner) = (k.id, k.partner.clone());
                let act = move |rotate: bool| {
                    let partner = partner.clone();
                    move |_| {
                        let (lang, partner) = (locale.locale.get_untracked(), partner.clone());
                        shown.set(None);
                        let change = async move {
                            if rotate {
                                let made = api::rotate_api_key(id, lang).await?;
                                shown.try_set(Some(Shown { partner, made }));
                                Ok(())
                            } else {
                                api::revoke_api_key(id, lang).await
                            }
                        };
                        staff.submit(busy, errors, "partner", change, move || {
                            changed.try_run(());
                        });
                    }
                };
                let actions = k.revoked_at.is_none().then(|| {
                    view! {
                        <button type="button" class="link-button" on:click=act(true) disabled=busy>
                            {t.rotate} " " <bdi>{k.partner.clone()}</bdi>
                        </button>
                        " "
                        <button type="button" class="link-button" on:click=act(false) disabled=busy>
                            {t.revoke} " " <bdi>{k.partner.clone()}</bdi>
                        </button>
                    }
                });
                let state = match &k.revoked_at {
                    Some(at) => format!("{} {}", t.key_revoked, format_moment(at, l)),
                    None => t.key_live.to_owned(),
                };
                let services = if k.services.is_empty() {
                    t.all_services.to_owned()
                } else {
                    k.services.join(texts(l).list_separator)
                };
                let used = k
                    .last_used_at
                    .as_deref()
                    .map_or_else(|| t.never_used.to_owned(), |at| format_moment(at, l));
                view! {
                    <tr>
                        <th scope="row"><code dir="ltr">{format!("{}…", k.prefix)}</code></th>
                        <td>{k.partner.clone()}</td>
                        <td>{k.channel.label(l)}</td>
                        <td dir="ltr">{services}</td>
                        <td>{used}</td>
                        <td>{state}</td>
                        <td>{actions}</td>
                    </tr>
                }
            })
            .collect_view();
        let heads = [
            t.key,
            t.partner,
            t.channel,
            t.services_column,
            t.last_used,
            t.account_state,
            t.actions,
        ];
        desk_table("keys-caption", t.api_keys_caption, &heads, rows)
    };
    let shown_key = move || {
        let t = &texts(locale.locale.get()).staff;
        shown.with(|s| {
            s.as_ref()
                .map(|s| shown_once(t.key_for, s.partner.clone(), s.made.key.clone(), t.key_once))
        })
    };
    view! {
        <PageHeading text=heading(|t| t.staff.api_keys_title) loading=Signal::derive(move || keys.with(Option::is_none)) error=Signal::derive(move || !errors.read().is_empty())/>
        <ErrorSummary errors/>
        {shown_key}
        {loaded(keys, |t| t.staff.not_allowed, table)}
        <AddForm services errors shown on_done=changed/>
    }
}
