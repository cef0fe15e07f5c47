// A native shell's journeys through the generated Kotlin bindings, on the host
// JVM against the reference server: open, switch city, search, a refused draft
// with the reason in the person's language, submit, flush (async), the city's
// answer, a sync observer that stops when its handle is cancelled, a planned
// visit with a place's QR code read back, and a dossier looked up and watched.
// scripts/kotlin-check.sh compiles it with the generated mycity_ffi.kt and runs
// it: `java -Djna.library.path=<dir of libmycity_ffi.so> JourneysKt <data dir> <server>`.
// With `bench` as a third argument it prints the median cost of one cached
// search instead.

import java.net.HttpURLConnection
import java.net.URL
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking
import uniffi.mycity_ffi.*

fun check(ok: Boolean, what: String) {
    if (!ok) throw AssertionError(what)
    println("ok - $what")
}

fun staffUpdate(server: String, id: String, status: String, note: String) {
    val c = URL("$server/admin/requests/$id/updates").openConnection() as HttpURLConnection
    c.requestMethod = "POST"
    c.doOutput = true
    c.setRequestProperty("Content-Type", "application/json")
    c.setRequestProperty("X-Admin-Key", "demo-admin")
    c.outputStream.use { it.write("{\"status\":\"$status\",\"description\":\"$note\"}".toByteArray()) }
    check(c.responseCode in 200..201, "staff update answered ${c.responseCode}")
}

fun adminGet(server: String, path: String): String {
    val c = URL("$server$path").openConnection() as HttpURLConnection
    c.setRequestProperty("X-Admin-Key", "demo-admin")
    return c.inputStream.use { String(it.readBytes()) }
}

class Heard : SyncObserver {
    val changes = java.util.Collections.synchronizedList(mutableListOf<SyncChange>())
    val queued = CountDownLatch(1)
    override fun onChange(change: SyncChange) {
        changes.add(change)
        if (change is SyncChange.OutboxChanged && change.waiting == 1u) queued.countDown()
    }
}

fun bench(core: MyCity) {
    core.setCity("da-nang")
    repeat(2_000) { core.searchPlaces("cau rong", 5u) }
    val times = LongArray(20_000) {
        val t = System.nanoTime()
        core.searchPlaces("cau rong", 5u)
        System.nanoTime() - t
    }
    times.sort()
    println("kotlin search_places median_ns=${times[times.size / 2]}")
}

fun main(args: Array<String>) = runBlocking {
    val core = MyCity.open(args[0], args.getOrNull(1))
    if (args.getOrNull(2) == "bench") return@runBlocking bench(core)
    val server = args[1]

    check(core.citySlug() == "ha-giang", "opens on Hà Giang")
    check(core.setCity("da-nang").name == "Đà Nẵng", "switches to Đà Nẵng")
    check(core.searchPlaces("cau rong", 5u).first().name == "Cầu Rồng", "folded search finds Cầu Rồng")
    check(core.hotlines().any { it.telUri == "tel:113" }, "emergency numbers")

    val service = core.services().first { s -> s.questions.none { it.required } }
    val draft = ReportDraft(service.code)
    val vi = try { core.submitReport(draft); null } catch (e: MyCityException.Invalid) { e }
    check(vi?.code == "report-empty" && vi.field == "description", "an empty draft is refused: ${vi?.reason}")
    core.setLanguage("en")
    val en = try { core.submitReport(draft); null } catch (e: MyCityException.Invalid) { e }
    check(en != null && en.reason != vi!!.reason && en.message!!.isNotEmpty(), "the reason is in English now: ${en?.reason}")
    core.setLanguage("vi")

    val heard = Heard()
    val handle = core.observeSync(heard)
    draft.setDescription("Đèn đường hỏng")
    draft.setPlace(core.city().center, PlaceSourceRecord.MAP)
    val id = core.submitReport(draft)
    check(core.myReports().first().id == id && core.syncState().waiting == 1u, "submitted and waiting")

    val flushed = core.flushOutbox()
    check(flushed.sent == 1u && flushed.waiting == 0u, "flush sent it (async call)")
    check(heard.queued.await(10, TimeUnit.SECONDS), "the observer heard the report queued")
    val serverId = core.myReports().first().serverId!!

    staffUpdate(server, serverId, "in_progress", "Đã nhận")
    val changes = core.refreshReports()
    check(changes.single().status == "in_progress", "the city's answer came back")
    check(core.myReports().first().statusLabel == "Đang xử lý", "status in Vietnamese")

    val centre = core.city().center
    val page = core.browse(BrowseQuery("", "museum", false, centre, 0u, 10u))
    check(page.rows.all { it.place.kind == "museum" }, "browse by kind, nearest first (${page.rows.size} museums)")
    val plan = core.planVisit(PlanQuery(centre, System.currentTimeMillis() / 1000, 180u, listOf(), TravelMode.WALK, true))
    check(plan.stops.isNotEmpty() && plan.minutes <= 180u, "a 3-hour walk planned: ${plan.stops.map { it.place.name }}")
    val first = plan.stops.first().place
    check(core.siteFromQr(core.placeDetail(first.id).qrPayload).id == first.id, "a site's QR code leads back to it")

    core.setCity("ha-giang")
    val code = Regex("\"code\"\\s*:\\s*\"([^\"]+-0001)\"").find(adminGet(server, "/admin/dossiers?city=ha-giang"))!!.groupValues[1]
    val wrong = try { core.lookupDossier(code, "1111"); null } catch (e: MyCityException.Invalid) { e }
    check(wrong?.code == "dossier-not-found", "a wrong secret reads like an unknown code: ${wrong?.reason}")
    val dossier = core.lookupDossier(code, "2468")
    check(dossier.code == code && dossier.history.isNotEmpty(), "dossier looked up (async): ${dossier.statusLabel}")
    core.watchDossier(code, "2468")
    check(core.watchedDossiers().single().watched, "dossier watched")
    core.setCity("da-nang")

    handle.cancel()
    val heardBefore = heard.changes.size
    core.startSync()
    Thread.sleep(500)
    check(heard.changes.size == heardBefore, "a cancelled observer hears nothing")
    handle.close()
    println("kotlin journeys: all passed")
}
