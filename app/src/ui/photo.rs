//! Picking photos. The file input's bytes reach Rust through an eval channel
//! in chunks, which works the same in the desktop webview and in the browser
//! mode (where Dioxus liveview delivers no files from an `<input type=file>`).

use base64::Engine;
use dioxus::prelude::*;
use mycity_core::photos::{Processed, MAX_INPUT_BYTES};

use super::{Services, Ui};

/// Bytes per message: well under the websocket frame limit once base64-encoded.
const CHUNK: usize = 512 * 1024;

/// Draws a frame of a picked video with the platform's own decoder (a
/// `<video>` element), as a JPEG for the clip's poster; nothing when it cannot.
const POSTER_JS: &str = r#"
const posterOf = async (file) => {
  const url = URL.createObjectURL(file);
  try {
    const v = document.createElement("video");
    v.muted = true; v.playsInline = true; v.preload = "auto"; v.src = url;
    await new Promise((ok, bad) => { v.onloadeddata = ok; v.onerror = bad; setTimeout(bad, 5000); });
    const at = Number.isFinite(v.duration) && v.duration > 0 ? Math.min(0.5, v.duration / 2) : 0;
    if (at > 0) { v.currentTime = at; await new Promise((ok) => { v.onseeked = ok; setTimeout(ok, 2000); }); }
    if (!v.videoWidth) return null;
    const c = document.createElement("canvas");
    c.width = 320; c.height = Math.max(1, Math.round(320 * v.videoHeight / v.videoWidth));
    c.getContext("2d").drawImage(v, 0, 0, c.width, c.height);
    const blob = await new Promise((r) => c.toBlob(r, "image/jpeg", 0.85));
    return blob ? new Uint8Array(await blob.arrayBuffer()) : null;
  } catch (e) { return null; } finally { URL.revokeObjectURL(url); }
};
"#;

pub(super) fn picker_js(id: &str, max_bytes: usize) -> String {
    picker_js_with(id, max_bytes, false)
}

fn picker_js_with(id: &str, max_bytes: usize, poster: bool) -> String {
    let (poster_fn, send_poster) = if poster {
        (POSTER_JS, "const poster = await posterOf(file); if (poster) dioxus.send({ poster: b64(poster) });")
    } else {
        ("", "")
    };
    format!(
        r#"{poster_fn}
const input = document.getElementById("{id}");
const b64 = (bytes) => {{
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
}};
while (input) {{
  const file = await new Promise((r) => input.addEventListener("change", () => r(input.files[0]), {{ once: true }}));
  if (!file) continue;
  if (file.size > {max_bytes}) {{ dioxus.send({{ too_large: file.size }}); input.value = ""; continue; }}
  {send_poster}
  const bytes = new Uint8Array(await file.arrayBuffer());
  dioxus.send({{ start: bytes.length }});
  for (let i = 0; i < bytes.length; i += {CHUNK}) dioxus.send({{ chunk: b64(bytes.subarray(i, i + {CHUNK})) }});
  dioxus.send({{ end: true }});
  input.value = "";
}}
"#
    )
}

/// A file button (`<input type=file>` styled as a button). The picked file's
/// bytes, at most `max_bytes` ([`MAX_INPUT_BYTES`] unless said; a larger file
/// is refused with `too_large`'s message), go to `on_bytes`; `busy` turns true
/// while they arrive and the receiver sets it back once it has dealt with
/// them. One path for every picked picture (report photos, receipts, site
/// posters), in the desktop webview and in browser mode alike.
#[component]
pub fn FilePick(
    id: String,
    testid: String,
    accept: String,
    /// Ask phones to open the back camera rather than the gallery.
    #[props(default)]
    camera: bool,
    label: String,
    busy_label: String,
    busy: Signal<bool>,
    #[props(default = MAX_INPUT_BYTES)] max_bytes: usize,
    #[props(default = "photo-too-large".to_owned())] too_large: String,
    /// For videos: a frame drawn by the platform's decoder goes to `on_poster` first.
    on_poster: Option<EventHandler<Vec<u8>>>,
    on_bytes: EventHandler<Vec<u8>>,
    on_error: EventHandler<String>,
) -> Element {
    let ui = use_context::<Ui>();
    let mut busy = busy;
    let js = picker_js_with(&id, max_bytes, on_poster.is_some());
    let refuse = move |size: u64| {
        let (mb, max) = ((size / (1024 * 1024)).to_string(), (max_bytes / (1024 * 1024)).to_string());
        on_error.call(ui.texts.peek().args(&too_large, &[("mb", &mb), ("max", &max)]));
    };
    use_future(move || {
        let (js, refuse) = (js.clone(), refuse.clone());
        async move {
            let mut channel = document::eval(&js);
            let mut buf: Vec<u8> = Vec::new();
            let mut over = false;
            while let Ok(msg) = channel.recv::<serde_json::Value>().await {
                if let Some(size) = msg["too_large"].as_u64() {
                    refuse(size);
                } else if let (Some(p), Some(on_poster)) = (msg["poster"].as_str(), on_poster) {
                    // A frame is at most a few hundred KB; anything larger is no poster of ours.
                    match base64::engine::general_purpose::STANDARD.decode(p) {
                        Ok(jpeg) if jpeg.len() <= MAX_INPUT_BYTES => on_poster.call(jpeg),
                        _ => tracing::warn!("poster frame dropped"),
                    }
                } else if let Some(n) = msg["start"].as_u64() {
                    busy.set(true);
                    // The page says how big the file is; in browser mode that page is
                    // anyone's, so the buffer never takes more than a picture may be.
                    buf = Vec::with_capacity((n as usize).min(max_bytes));
                    over = false;
                } else if let Some(c) = msg["chunk"].as_str() {
                    match base64::engine::general_purpose::STANDARD.decode(c) {
                        Ok(bytes) if buf.len() + bytes.len() <= max_bytes => buf.extend(bytes),
                        Ok(_) => {
                            over = true;
                            buf = Vec::new();
                        }
                        Err(e) => tracing::warn!(%e, "file chunk"),
                    }
                } else if msg["end"].as_bool() == Some(true) && over {
                    busy.set(false);
                    refuse(max_bytes as u64 + 1);
                } else if msg["end"].as_bool() == Some(true) {
                    on_bytes.call(std::mem::take(&mut buf));
                }
            }
        }
    });
    rsx! {
        label { class: "photo-pick",
            input { id: "{id}", r#type: "file", accept: "{accept}", "data-testid": "{testid}",
                "capture": if camera { "environment" } }
            span { class: "secondary button-like", if busy() { "{busy_label}" } else { "{label}" } }
        }
    }
}

/// A photo button; each chosen photo is prepared by the core (upright,
/// shrunk, metadata stripped) and handed to `on_photo`.
#[component]
pub fn PhotoPicker(id: String, on_photo: EventHandler<Processed>, on_error: EventHandler<String>) -> Element {
    let core = use_context::<Services>().core;
    let ui = use_context::<Ui>();
    let mut busy = use_signal(|| false);
    let on_bytes = use_callback(move |bytes: Vec<u8>| {
        let core = core.clone();
        spawn(async move {
            let done = core.prepare_photo_async(bytes).await;
            busy.set(false);
            match done {
                Ok(p) => on_photo.call(p),
                Err(e) => on_error.call(ui.texts.peek().error(&e)),
            }
        });
    });
    let t = ui.texts.read();
    rsx! {
        FilePick { id, testid: "photo-input", accept: "image/jpeg,image/png,image/webp",
            label: t.get("photo-add"), busy_label: t.get("photo-working"), busy, on_bytes, on_error }
    }
}

/// A prepared photo as an `<img>` source.
pub fn data_url(jpeg: &[u8]) -> String {
    format!("data:image/jpeg;base64,{}", base64::engine::general_purpose::STANDARD.encode(jpeg))
}
