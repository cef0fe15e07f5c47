"""Platform services a native shell supplies: a notifier shows the alert the
sync engine brought in, in the person's language; connectivity back makes
waiting sends go at once."""

import asyncio
import threading

import mycity_ffi
from conftest import admin
from mycity_ffi import Notifier, PlaceSourceRecord, ReportDraft
from test_alerts_and_air import CAP


class Shown(Notifier):
    def __init__(self):
        self.shown = []
        self.alert = threading.Event()

    def notify(self, notification):
        self.shown.append(notification)
        if notification.channel == "alerts":
            self.alert.set()


def test_an_alert_from_the_sync_engine_becomes_a_notification(tmp_path, server):
    core = mycity_ffi.MyCity.open(str(tmp_path / "data"), server)
    core.set_city("dong-ha")
    core.set_home_ward("19333")
    asyncio.run(core.refresh_alerts())
    admin(server, "POST", "/admin/cities/dong-ha/alerts", CAP, content_type="application/xml")
    shown = Shown()

    async def start():
        handle = await core.notify_through(shown)
        await core.start_sync()
        return handle

    handle = asyncio.run(start())
    assert shown.alert.wait(20), shown.shown
    n = next(n for n in shown.shown if n.channel == "alerts")
    assert "cảnh báo mới" in n.title.lower() and "Lê Duẩn" in n.body and n.interrupt, n
    handle.cancel()


def test_connectivity_back_sends_at_once(tmp_path, server):
    core = mycity_ffi.MyCity.open(str(tmp_path / "data"), server)
    core.network_changed(False)
    draft = ReportDraft(next(s for s in core.services() if not any(q.required for q in s.questions)).code)
    draft.set_description("Ổ gà")
    draft.set_place(core.city().center, PlaceSourceRecord.MAP)
    core.submit_report(draft)

    async def run():
        await core.start_sync()
        await asyncio.sleep(0.5)
        assert core.sync_state().waiting == 1, "offline: nothing goes"
        core.network_changed(True)
        for _ in range(100):
            if core.sync_state().waiting == 0:
                return True
            await asyncio.sleep(0.05)
        return False

    assert asyncio.run(run()), "sent within 5 s of the network coming back"
