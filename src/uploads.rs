//! Getting a file to the server: photos are downscaled and re-encoded as JPEG on a canvas
//! first (smaller on slow networks, and re-encoding drops the photo's metadata: location,
//! device, time), then sent with `XMLHttpRequest`, whose upload progress `fetch` lacks.

use nafitha_domain::{ErrorBody, Locale};
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Longest side of an uploaded photo, in pixels.
const MAX_SIDE: f64 = 1600.0;
/// JPEG quality for re-encoded photos.
const QUALITY: f64 = 0.85;

/// The server's answer to an upload.
#[derive(Clone, Debug, Deserialize)]
pub struct Uploaded {
    pub id: String,
    pub size: u64,
}

/// Why an upload failed.
#[derive(Clone, Debug)]
pub enum UploadError {
    /// No answer: offline or unreachable.
    Network,
    /// The server refused the file; the message is in the asked language.
    Refused(String),
}

/// Re-encodes an image file as a JPEG no larger than [`MAX_SIDE`]; `None` when the
/// browser cannot read it as an image (the server then judges the original).
pub async fn shrink_photo(file: &web_sys::File) -> Option<web_sys::Blob> {
    let window = web_sys::window()?;
    let bitmap: web_sys::ImageBitmap =
        JsFuture::from(window.create_image_bitmap_with_blob(file).ok()?)
            .await
            .ok()?
            .dyn_into()
            .ok()?;
    let (w, h) = (f64::from(bitmap.width()), f64::from(bitmap.height()));
    let scale = (MAX_SIDE / w.max(h)).min(1.0);
    let (tw, th) = ((w * scale).round().max(1.0), (h * scale).round().max(1.0));
    let canvas: web_sys::HtmlCanvasElement = window
        .document()?
        .create_element("canvas")
        .ok()?
        .dyn_into()
        .ok()?;
    canvas.set_width(tw as u32);
    canvas.set_height(th as u32);
    let context: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d").ok()??.dyn_into().ok()?;
    context
        .draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, tw, th)
        .ok()?;
    bitmap.close();
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let on_blob = resolve.clone();
        let callback = Closure::once_into_js(move |blob: JsValue| {
            let _ = on_blob.call1(&JsValue::NULL, &blob);
        });
        if canvas
            .to_blob_with_type_and_encoder_options(
                callback.unchecked_ref(),
                "image/jpeg",
                &JsValue::from_f64(QUALITY),
            )
            .is_err()
        {
            let _ = resolve.call1(&JsValue::NULL, &JsValue::NULL);
        }
    });
    JsFuture::from(promise).await.ok()?.dyn_into().ok()
}

/// Sends `blob` for question `field` of `service`, reporting progress in whole percent
/// (integers: formatting floats would add kilobytes of code to the WASM).
pub async fn upload(
    service: &str,
    field: &str,
    blob: &web_sys::Blob,
    locale: Locale,
    on_progress: impl Fn(u32) + 'static,
) -> Result<Uploaded, UploadError> {
    let xhr = web_sys::XmlHttpRequest::new().map_err(|_| UploadError::Network)?;
    let url = format!(
        "/api/v1/uploads?service={}&field={}",
        String::from(js_sys::encode_uri_component(service)),
        String::from(js_sys::encode_uri_component(field))
    );
    xhr.open_with_async("POST", &url, true)
        .map_err(|_| UploadError::Network)?;
    let _ = xhr.set_request_header("Accept-Language", locale.tag());
    let content_type = blob.type_();
    if !content_type.is_empty() {
        let _ = xhr.set_request_header("Content-Type", &content_type);
    }
    let progress =
        Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |event: web_sys::ProgressEvent| {
            if event.length_computable() && event.total() > 0.0 {
                on_progress((event.loaded() / event.total() * 100.0).clamp(0.0, 100.0) as u32);
            }
        });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    }
    let done = js_sys::Promise::new(&mut |resolve, _reject| {
        let on_end = Closure::<dyn Fn()>::new(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        xhr.set_onloadend(Some(on_end.as_ref().unchecked_ref()));
        on_end.forget();
    });
    xhr.send_with_opt_blob(Some(blob))
        .map_err(|_| UploadError::Network)?;
    let _ = JsFuture::from(done).await;
    drop(progress);
    let status = xhr.status().unwrap_or(0);
    let text = xhr.response_text().ok().flatten().unwrap_or_default();
    match status {
        0 => Err(UploadError::Network),
        201 => serde_json::from_str(&text).map_err(|_| UploadError::Network),
        _ => {
            let body: Option<ErrorBody> = serde_json::from_str(&text).ok();
            let message = body
                .map(|b| b.fields.first().map_or(b.message, |f| f.message.clone()))
                .unwrap_or_else(|| crate::i18n::texts(locale).load_failed.to_owned());
            Err(UploadError::Refused(message))
        }
    }
}
