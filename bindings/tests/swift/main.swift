// Smoke run of the generated Swift bindings (scripts/swift-check.sh compiles
// it with mycity_ffi.swift in a Debian trixie chroot and runs it): open, switch
// city, search, a refused draft with its reason in the person's language, a
// queued report, async calls, an observer and its cancel; a planned visit, a
// site's QR code, the air index and alerts read offline, a dossier code checked.
import Foundation

func check(_ ok: Bool, _ what: String) {
    if !ok {
        print("not ok - \(what)")
        exit(1)
    }
    print("ok - \(what)")
}

final class Heard: SyncObserver, @unchecked Sendable {
    var count = 0
    func onChange(change: SyncChange) { count += 1 }
}

let dir = NSTemporaryDirectory() + "mycity-swift-\(getpid())"
let core = try MyCity.open(dataDir: dir, serverUrl: nil)
check(core.citySlug() == "ha-giang", "opens on Hà Giang")
check(try core.setCity(slug: "da-nang").name == "Đà Nẵng", "switches to Đà Nẵng")
check(try core.searchPlaces(query: "cau rong", limit: 5).first?.name == "Cầu Rồng", "folded search")
check(try core.hotlines().contains { $0.telUri == "tel:113" }, "emergency numbers")

let service = try core.services().first { s in !s.questions.contains { $0.required } }!
let draft = ReportDraft(serviceCode: service.code)
do {
    _ = try core.submitReport(draft: draft)
    check(false, "an empty draft is refused")
} catch MyCityError.Invalid(let code, let field, let reason, _) {
    check(code == "report-empty" && field == "description" && !reason.isEmpty, "refused: \(reason)")
}
draft.setDescription(text: "Đèn đường hỏng")
draft.setPlace(position: try core.city().center, source: .map)
let id = try core.submitReport(draft: draft)
check(try core.myReports().first?.id == id, "queued as \(id)")

let heard = Heard()
let handle = try await core.observeSync(observer: heard)
let flushed = try await core.flushOutbox()
check(flushed.sent == 0 && flushed.waiting == 1, "without a server the report waits (async flush)")
do {
    _ = try await core.refreshCity()
    check(false, "refresh without a server fails")
} catch MyCityError.NoServer(let reason, _) {
    check(!reason.isEmpty, "no server: \(reason)")
}
handle.cancel()

let centre = try core.city().center
let plan = try core.planVisit(q: PlanQuery(start: centre, startAt: Int64(Date().timeIntervalSince1970),
    minutes: 180, interests: [], mode: .walk, roundTrip: true))
check(!plan.stops.isEmpty, "a 3-hour walk planned: \(plan.stops.count) stops")
let first = plan.stops[0].place
check(try core.siteFromQr(text: core.placeDetail(id: first.id).qrPayload).id == first.id, "a site's QR code")
check(try !core.airQuality(at: centre).stations.isEmpty, "air stations listed offline")
check(try core.alerts(position: nil).alerts.allSatisfy { !$0.headline.isEmpty }, "alerts read offline")
do {
    _ = try core.checkDossierCode(input: "x")
    check(false, "a malformed dossier code is refused")
} catch MyCityError.Invalid(let code, _, let reason, _) {
    check(!code.isEmpty && !reason.isEmpty, "dossier code refused: \(reason)")
}
print("swift smoke: all passed")
