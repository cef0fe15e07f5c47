"""The sync engine seen from a native shell: an observer hears it until its
handle is cancelled."""

import asyncio
import threading
import time

import mycity_ffi
from mycity_ffi import PlaceSourceRecord, ReportDraft, SyncObserver


class Heard(SyncObserver):
    def __init__(self):
        self.changes = []
        self.sent = threading.Event()

    def on_change(self, change):
        self.changes.append(change)
        if change.is_outbox_changed() and change.sent == 1:
            self.sent.set()


def test_the_engine_sends_on_its_own_and_tells_the_observer(tmp_path, server):
    core = mycity_ffi.MyCity.open(str(tmp_path / "data"), server)
    heard = Heard()

    async def run():
        handle = await core.observe_sync(heard)
        await core.start_sync()
        return handle

    handle = asyncio.run(run())
    draft = ReportDraft(core.services()[0].code)
    draft.set_description("Nắp cống mất")
    draft.set_place(core.city().center, PlaceSourceRecord.MAP)
    for q in core.services()[0].questions:
        if q.required:
            draft.answer(q.code, q.choices[0].key if q.choices else "1")
    core.submit_report(draft)
    assert heard.sent.wait(15), heard.changes
    assert core.sync_state().running and core.sync_state().waiting == 0
    handle.cancel()
    count = len(heard.changes)
    core.set_foreground(True)
    core.network_changed(False)
    core.network_changed(True)
    time.sleep(0.5)
    assert len(heard.changes) == count, "a cancelled observer hears nothing more"
