//! The city's categories and questions come in the language the person
//! chose: the core asks the reference server per language (Open311 has no
//! language field) and keeps each answer, so switching back works offline.

use mycity_core::Lang;
use mycity_tests::{core, server};

fn pothole_question(core: &mycity_core::MyCity) -> (String, String) {
    let services = core.services().unwrap();
    let pothole = services.iter().find(|s| s.code == "pothole").expect("pothole category");
    let size = pothole.questions.iter().find(|q| q.code == "size").expect("size question");
    (pothole.name.clone(), size.description.clone())
}

#[tokio::test]
async fn categories_and_questions_follow_the_chosen_language_and_stay_offline() {
    let srv = server().await;
    let (_d, core) = core(Some(format!("http://{}", srv.addr)));
    core.set_city("da-nang").unwrap();

    core.refresh_city().await.unwrap();
    let (name, question) = pothole_question(&core);
    assert_eq!(question, "Kích thước ổ gà");
    assert!(!name.is_empty());

    core.set_lang(Lang::En).unwrap();
    core.refresh_city().await.unwrap();
    let (name, question) = pothole_question(&core);
    assert_eq!(question, "Size of the pothole");
    assert!(name.is_ascii(), "an English category name, got {name:?}");
    let size = core.services().unwrap().into_iter().find(|s| s.code == "pothole").unwrap();
    let choices: Vec<String> = size.questions[0].values.iter().map(|v| v.name.clone()).collect();
    assert!(choices.iter().any(|c| c.starts_with("Small")), "{choices:?}");

    // Offline, each language keeps its own answer.
    srv.shutdown().await.unwrap();
    core.set_lang(Lang::Vi).unwrap();
    assert_eq!(pothole_question(&core).1, "Kích thước ổ gà");
    core.set_lang(Lang::En).unwrap();
    assert_eq!(pothole_question(&core).1, "Size of the pothole");
}

#[tokio::test]
async fn the_server_takes_a_locale_parameter_as_well_as_accept_language() {
    let srv = server().await;
    let base = format!("http://{}", srv.addr);
    let http = reqwest::Client::new();
    let url = format!("{base}/open311/v2/services/pothole.json?jurisdiction_id=da-nang");
    let vi: serde_json::Value = http.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(vi["attributes"][0]["description"], "Kích thước ổ gà");
    let en: serde_json::Value = http.get(format!("{url}&locale=en")).send().await.unwrap().json().await.unwrap();
    assert_eq!(en["attributes"][0]["description"], "Size of the pothole");
    let en: serde_json::Value =
        http.get(&url).header("Accept-Language", "en-GB,en;q=0.9").send().await.unwrap().json().await.unwrap();
    assert_eq!(en["attributes"][0]["description"], "Size of the pothole");
    srv.shutdown().await.unwrap();
}
