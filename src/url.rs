//! Address components, coded by `encodeURIComponent`'s rule: in the WASM by the browser's
//! own functions, on the server by the domain's (`nafitha_domain::url`, the same rule,
//! tested against Node's), so an API path is spelled alike on both sides and a page's
//! preloaded answer is found under the path the app asks for. Calling the browser's
//! functions made the citizens' WASM 0.7 KB smaller than compiling the domain's into it
//! (decision 0018).

/// `encodeURIComponent`.
pub fn encode_component(text: &str) -> String {
    #[cfg(target_family = "wasm")]
    return js_sys::encode_uri_component(text).into();
    #[cfg(not(target_family = "wasm"))]
    return nafitha_domain::url::encode_component(text);
}

/// `decodeURIComponent`; `None` for malformed escapes.
pub fn decode_component(text: &str) -> Option<String> {
    #[cfg(target_family = "wasm")]
    return js_sys::decode_uri_component(text).ok().map(String::from);
    #[cfg(not(target_family = "wasm"))]
    return nafitha_domain::url::decode_component(text);
}
