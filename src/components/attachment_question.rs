//! The control of an attachment question (its label, hint and error come from
//! [`super::Question`]): choose files (the camera on a phone), each photo shrunk and
//! stripped in the browser, uploaded with a progress bar, listed with a "Remove" button.
//! The answer is the list of upload ids; names and sizes are kept in the draft for
//! display. The draft and the service come from the [`FilingContext`].

use leptos::prelude::*;
use leptos::task::spawn_local;
use nafitha_domain::form::Accept;
use serde_json::Value;
use wasm_bindgen::JsCast;

use crate::drafts::{Draft, UploadedFile};
use crate::i18n::tr;
use crate::state::use_locale;
use crate::uploads::{self, UploadError};

fn ids(draft: &Draft, field: &str) -> Vec<String> {
    match draft.answers.get(field) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// What an attachment control needs from the filing page around it.
#[derive(Clone, Copy)]
pub struct FilingContext {
    pub draft: RwSignal<Draft>,
    pub service_code: StoredValue<String>,
}

#[component]
pub fn AttachmentControl(
    /// The input's id (the question's label points at it).
    id: String,
    field_id: String,
    max_files: u8,
    accept: Accept,
    /// Ids of the hint and error that describe the input.
    #[prop(into)]
    described_by: Signal<Option<String>>,
) -> impl IntoView {
    let locale = use_locale();
    let FilingContext {
        draft,
        service_code,
    } = expect_context::<FilingContext>();
    let field_id = StoredValue::new(field_id);
    let progress = RwSignal::new(None::<(String, u32)>);
    let upload_error = RwSignal::new(None::<String>);
    let multiple = max_files > 1;
    let accept_attr = match accept {
        Accept::Images => "image/*",
        Accept::Pdf => "application/pdf",
        Accept::ImagesAndPdf => "image/*,application/pdf",
    };
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(list) = input.files() else { return };
        let chosen: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        input.set_value("");
        upload_error.set(None);
        let field = field_id.get_value();
        let already = draft.with_untracked(|d| ids(d, &field).len());
        if already + chosen.len() > usize::from(max_files) {
            upload_error.set(Some((locale.texts().form.too_many_files)(max_files)));
            return;
        }
        spawn_local(async move {
            let lang = locale.locale.get_untracked();
            for file in chosen {
                let name = file.name();
                progress.set(Some((name.clone(), 0)));
                let blob: web_sys::Blob = if file.type_().starts_with("image/") {
                    match uploads::shrink_photo(&file).await {
                        Some(jpeg) => jpeg,
                        None => file.clone().into(),
                    }
                } else {
                    file.clone().into()
                };
                let shown = name.clone();
                let result =
                    uploads::upload(&service_code.get_value(), &field, &blob, lang, move |p| {
                        progress.set(Some((shown.clone(), p)))
                    })
                    .await;
                progress.set(None);
                match result {
                    Ok(uploaded) => draft.update(|d| {
                        let mut list = ids(d, &field);
                        list.push(uploaded.id.clone());
                        d.answers.insert(
                            field.clone(),
                            Value::Array(list.into_iter().map(Value::String).collect()),
                        );
                        d.files.insert(
                            uploaded.id,
                            UploadedFile {
                                name: name.clone(),
                                size: uploaded.size,
                            },
                        );
                    }),
                    Err(UploadError::Network) => {
                        upload_error.set(Some(locale.texts().form.upload_offline.to_owned()));
                        break;
                    }
                    Err(UploadError::Refused(message)) => {
                        upload_error.set(Some(format!("{name}: {message}")));
                    }
                }
            }
        });
    };
    let remove = move |upload: String| {
        let field = field_id.get_value();
        draft.update(|d| {
            let list: Vec<Value> = ids(d, &field)
                .into_iter()
                .filter(|i| *i != upload)
                .map(Value::String)
                .collect();
            if list.is_empty() {
                d.answers.remove(&field);
            } else {
                d.answers.insert(field.clone(), Value::Array(list));
            }
            d.files.remove(&upload);
        });
    };
    let files = move || {
        draft.with(|d| {
            ids(d, &field_id.get_value())
                .into_iter()
                .map(|upload| {
                    let info = d.files.get(&upload).cloned().unwrap_or_default();
                    (upload, info)
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
            <input id=id class="file-input" type="file" accept=accept_attr multiple=multiple
                aria-describedby=described_by on:change=on_change/>
            {move || upload_error.get().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
            {move || progress.get().map(|(name, p)| view! {
                <div class="upload-progress" role="status">
                    <label>
                        {locale.texts().form.uploading} " " {name}
                        <progress max="100" value=p>{format!("{p}%")}</progress>
                    </label>
                </div>
            })}
            <ul class="file-list">
                {move || {
                    files()
                        .into_iter()
                        .map(|(upload, info)| {
                            let kb = info.size.div_ceil(1024);
                            let name = info.name.clone();
                            view! {
                                <li>
                                    <span class="file-name">{info.name}</span>
                                    <span class="file-size" dir="ltr">{format!("{kb} KB")}</span>
                                    <button type="button" class="link-button" on:click=move |_| remove(upload.clone())>
                                        {tr(|t| t.form.remove)}
                                        <span class="visually-hidden">" " {name.clone()}</span>
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
    }
}
