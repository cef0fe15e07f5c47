//! Personal values never reach a log or a public answer. The reference
//! server and the core run in this process with every log line of every
//! crate captured (TRACE, through one global subscriber); reports carry a
//! name, e-mail and phone (from the core and from a third-party Open311
//! client), dossiers are looked up with their secrets (right and wrong), a
//! place is rated with a comment and a survey answered in free text. Then
//! none of those values may appear in the captured log, in the public lists
//! and pages of reports (JSON and XML), in the served photo (no EXIF), or in
//! the city's pack (which carries rating sums, not comments).

use std::{
    io::Write,
    sync::{Arc, Mutex},
};

use mycity_core::{
    protocol::consult::{Answer as SurveyAnswer, Given},
    reports::SendState,
    Contact,
};
use serde_json::Value;

/// Every log line written so far.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned()
    }
}

const NAME: &str = "Trần Thị Kín Đáo";
const EMAIL: &str = "kin.dao.private@example.vn";
const PHONE: &str = "0912 345 678";
const THIRD_EMAIL: &str = "third.party.private@example.vn";
const THIRD_PHONE: &str = "0987-654-321";
const THIRD_FIRST: &str = "Bí";
const THIRD_LAST: &str = "MậtHọTên";
const DEVICE: &str = "device-private-7f3a";
const WRONG_SECRET: &str = "864213";
const COMMENT: &str = "góp ý riêng zxq-comment-77";
const SURVEY_TEXT: &str = "ý kiến riêng zxq-survey-88";

fn admin() -> reqwest::Client {
    reqwest::Client::new()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn personal_values_stay_out_of_logs_and_public_answers() {
    let log = Captured::default();
    let writer = log.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .without_time()
        .with_writer(move || writer.clone())
        .init();

    let srv = mycity_tests::server().await;
    let base = format!("http://{}", srv.addr);
    let (_dir, core) = mycity_tests::core(Some(base.clone()));
    core.set_city("da-nang").unwrap();

    // A report with contact details and a phone photo with GPS and a serial, from the core.
    let mut draft = mycity_tests::pothole("privacy check", None, 0);
    draft.contact = Some(Contact { name: NAME.into(), email: EMAIL.into(), phone: PHONE.into() });
    let mut photo = mycity_tests::photo(&[]);
    photo.jpeg = mycity_tests::jpeg_with_gps(120, 80);
    draft.photos = vec![photo];
    core.submit_report(&draft).unwrap();

    // A rating with a comment and a survey answered in free text.
    core.rate_place("da-nang-cau-rong", 4, COMMENT).unwrap();
    core.refresh_consultations().await.unwrap();
    let answers = vec![
        SurveyAnswer { question: "gio".into(), given: Given::Choice(1) },
        SurveyAnswer { question: "ung-ho".into(), given: Given::Scale(4) },
        SurveyAnswer { question: "gop-y".into(), given: Given::Text(SURVEY_TEXT.into()) },
    ];
    core.answer_survey("da-nang-cho-dem", answers).unwrap();
    let flush = core.flush_outbox().await.unwrap();
    assert_eq!((flush.waiting, flush.rejected), (0, 0), "{flush:?}");
    let mine = core.my_reports().unwrap();
    assert_eq!(mine[0].send, SendState::Sent);
    let id = mine[0].server_id.clone().unwrap();

    // A third-party Open311 client sends every personal field the standard has.
    let form = [
        ("api_key", "demo-key"),
        ("jurisdiction_id", "da-nang"),
        ("service_code", "pothole"),
        ("lat", "16.0612"),
        ("long", "108.2272"),
        ("description", "third party"),
        ("attribute[size]", "small"),
        ("attribute[traffic_blocked]", "no"),
        ("email", THIRD_EMAIL),
        ("phone", THIRD_PHONE),
        ("first_name", THIRD_FIRST),
        ("last_name", THIRD_LAST),
        ("device_id", DEVICE),
    ];
    let r = admin().post(format!("{base}/open311/v2/requests.json")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let third: Value = r.json().await.unwrap();
    let third_id = third[0]["service_request_id"].as_str().unwrap().to_owned();

    // Dossier look-ups with the right secret and a wrong one.
    let code = mycity_tests::demo_dossier(&base, 4).await;
    core.lookup_dossier(&code, Some("9753")).await.unwrap();
    let refused = core.lookup_dossier(&code, Some(WRONG_SECRET)).await.unwrap_err();
    // The app logs the errors it shows (`i18n`): they must not repeat the secret.
    assert!(!format!("{refused} {refused:?}").contains(WRONG_SECRET), "{refused:?}");
    core.watch_dossier(&code, "9753").unwrap();
    core.refresh_watched_dossiers().await.unwrap();

    // What anyone can read.
    let o = format!("{base}/open311/v2");
    let j = "jurisdiction_id=da-nang";
    let mut public = String::new();
    for url in [
        format!("{o}/requests.json?{j}"),
        format!("{o}/requests.xml?{j}"),
        format!("{o}/requests/{id}.json?{j}"),
        format!("{o}/requests/{id}.xml?{j}"),
        format!("{o}/requests/{third_id}.json?{j}"),
        format!("{o}/servicerequestupdates.json?{j}"),
        format!("{base}/api/v1/cities/da-nang/pack"),
        format!("{base}/api/v1/cities/da-nang/surveys"),
    ] {
        let r = admin().get(&url).send().await.unwrap();
        assert!(r.status().is_success(), "{url}: {}", r.status());
        public.push_str(&r.text().await.unwrap());
    }
    let one: Value = admin().get(format!("{o}/requests/{id}.json?{j}")).send().await.unwrap().json().await.unwrap();
    let media = one[0]["media_url"].as_str().expect("the photo is served");
    let photo = admin().get(media).send().await.unwrap().bytes().await.unwrap();
    assert!(!mycity_tests::has_metadata(&photo), "the served photo has no EXIF, GPS or serial");
    assert!(public.contains("privacy check") && public.contains("third party"), "the public lists were read");

    srv.shutdown().await.unwrap();
    let logged = log.text();
    eprintln!("{} log lines captured", logged.lines().count());
    assert!(logged.lines().count() > 20, "the log was captured: {logged}");
    let private = [
        NAME,
        EMAIL,
        PHONE,
        "0912345678",
        THIRD_EMAIL,
        THIRD_PHONE,
        THIRD_LAST,
        DEVICE,
        "9753",
        WRONG_SECRET,
        COMMENT,
        SURVEY_TEXT,
        mycity_tests::EXIF_SERIAL,
    ];
    for value in private {
        if let Some(line) = logged.lines().find(|l| l.contains(value)) {
            panic!("the log shows {value:?}: {line}");
        }
        assert!(!public.contains(value), "a public answer shows {value:?}");
        assert!(!photo.windows(value.len()).any(|w| w == value.as_bytes()), "the photo holds {value:?}");
    }
}
