//! Browser mode: the same components over Dioxus liveview on axum, so
//! end-to-end tests drive the real UI and core in a real browser.

use std::{net::SocketAddr, process::ExitCode, sync::Arc};

use axum::{response::Html, routing::get, Router};
use dioxus::prelude::*;
use dioxus_liveview::LiveviewRouter;
use mycity_core::MyCity;

use crate::{platform::Browser, ui};

fn page() -> String {
    format!(
        r#"<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>MyCity</title>
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<style>html,body{{margin:0;padding:0;background:#eef2f7}}</style></head>
<body><div id="main"></div>{}</body></html>"#,
        dioxus_liveview::interpreter_glue("/ws")
    )
}

/// Serves the app at `addr` until Ctrl-C.
pub fn run(addr: SocketAddr, core: Arc<MyCity>) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("mycity-app: tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    rt.block_on(async move {
        let browser = Arc::new(Browser);
        let html = page();
        let tiles = core.clone();
        // `with_virtual_dom("/")` serves only `/{*route}`, which never matches `/` itself.
        let app = Router::new()
            .with_virtual_dom("/", move || {
                let services = ui::Services { core: core.clone(), platform: browser.clone() };
                VirtualDom::new(ui::App).with_root_context(services)
            })
            .route("/", get(move || std::future::ready(Html(html.clone()))))
            .route("/health", get(|| std::future::ready("ok")))
            .route(
                "/tiles/{*path}",
                get(move |uri: axum::http::Uri| async move { ui::tile_response(&tiles, uri.path()).await }),
            );
        let listener = match tokio::net::TcpListener::bind(addr).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("mycity-app: cannot bind {addr}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let bound = listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
        println!("mycity-app web mode on http://{bound}/");
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await;
        match served {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("mycity-app: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
