"""A report's whole journey through the bindings, against the reference server:
a photo prepared by the core, the outbox flushed, the city's answer seen."""

import asyncio
import json
import os
import subprocess
import urllib.request

import mycity_ffi
import pytest
from conftest import png, staff_update
from mycity_ffi import MyCityError, PlaceSourceRecord, ReportDraft


def simple_service(core):
    """A category whose questions are all optional."""
    return next(s for s in core.services() if not any(q.required for q in s.questions))


def test_a_draft_is_checked_by_the_core(core):
    draft = ReportDraft(simple_service(core).code)
    with pytest.raises(MyCityError.Invalid) as e:
        core.submit_report(draft)
    assert e.value.code == "report-empty" and e.value.field == "description"
    draft.set_description("Ổ gà giữa đường")
    with pytest.raises(MyCityError.Invalid) as e:
        core.submit_report(draft)
    assert e.value.field == "place"
    draft.set_place(mycity_ffi.LatLonRecord(lat=0.0, lon=0.0), PlaceSourceRecord.MAP)
    with pytest.raises(MyCityError.Invalid) as e:
        core.submit_report(draft)
    assert e.value.code == "report-outside-city"
    assert core.outbox() == []


def test_a_picture_that_is_no_picture_is_refused(core):
    with pytest.raises(MyCityError.Invalid) as e:
        asyncio.run(core.prepare_photo(b"not an image"))
    assert e.value.field == "photos"


def test_report_with_photo_is_sent_and_the_citys_answer_comes_back(tmp_path, server):
    core = mycity_ffi.MyCity.open(str(tmp_path / "data"), server)
    core.set_city("da-nang")
    draft = ReportDraft(simple_service(core).code)
    draft.set_description("Đèn đường hỏng trước số 12")
    photo = asyncio.run(core.prepare_photo(png()))
    assert (photo.width(), photo.height()) == (64, 48) and photo.jpeg()[:2] == b"\xff\xd8"
    assert core.add_photo(draft, photo) is False, "a PNG has no GPS to place the report"
    draft.set_place(core.city().center, PlaceSourceRecord.GPS)
    report_id = core.submit_report(draft)

    mine = core.my_reports()
    assert [r.id for r in mine] == [report_id]
    assert mine[0].status == "queued" and mine[0].photos == 1
    assert core.sync_state().waiting == 1

    flushed = asyncio.run(core.flush_outbox())
    assert (flushed.sent, flushed.rejected, flushed.waiting) == (1, 0, 0)
    sent = core.my_reports()[0]
    assert sent.server_id and sent.send == mycity_ffi.SendStateRecord.SENT and sent.status == "open"

    staff_update(server, sent.server_id, "in_progress", "Đội điện đã nhận việc")
    changes = asyncio.run(core.refresh_reports())
    assert [(c.report, c.status) for c in changes] == [(report_id, "in_progress")]
    now = core.my_reports()[0]
    assert now.status == "in_progress" and now.status_label == "Đang xử lý"
    assert now.deadline.startswith("Hạn xử lý ") and not now.overdue, now.deadline
    assert now.events[-1].description == "Đội điện đã nhận việc"
    assert core.report_news() == 1
    core.mark_reports_seen()
    assert core.report_news() == 0

    staff_update(server, sent.server_id, "fixed", "Đã thay bóng đèn")
    asyncio.run(core.refresh_reports())
    assert core.my_reports()[0].can_reopen
    assert core.my_reports()[0].deadline == "Đã xử lý sau 1 ngày"
    assert core.my_reports()[0].feedback.ask, "the city says fixed: is it really?"
    with pytest.raises(MyCityError.Invalid) as e:
        core.give_feedback(report_id, True, 0, "", None)
    assert e.value.code == "feedback-rating" and e.value.field == "rating", e.value
    core.give_feedback(report_id, False, 2, "Đèn vẫn tắt", photo)
    after = core.my_reports()[0]
    assert after.status == "reopen" and not after.can_reopen, "a no reopens it, once"
    assert (after.feedback.ask, after.feedback.fixed, after.feedback.rating) == (False, False, 2)
    core.me_too(sent.server_id, "Tôi cũng thấy")
    flushed = asyncio.run(core.flush_outbox())
    assert (flushed.sent, flushed.waiting) == (3, 0), "the answers, the reopen, the me-too"
    assert core.my_reports()[0].feedback.sent


def test_a_clip_is_stripped_kept_and_sent_before_its_report(tmp_path, server):
    raw = tmp_path / "VID_0001.mp4"
    subprocess.run([os.environ["MYCITY_CLIP_FIXTURE"], str(raw), "3", "12"], check=True)
    core = mycity_ffi.MyCity.open(str(tmp_path / "data"), server)
    core.set_city("da-nang")
    draft = ReportDraft(simple_service(core).code)
    draft.set_description("Nước tràn qua đường, xem video")
    clip = asyncio.run(core.prepare_clip(str(raw)))
    assert clip.duration_ms() == 12_000 and clip.bytes() < raw.stat().st_size, "place and device boxes are gone"
    assert core.set_clip(draft, clip) is True, "a clip filmed in the city places the report"
    assert draft.has_clip() and draft.place().source == PlaceSourceRecord.PHOTO
    core.set_clip_poster(draft, png())  # a frame the platform decoded
    report_id = core.submit_report(draft)
    queued = core.my_reports()[0].clip
    assert (queued.duration_ms, queued.bytes, queued.sent_bytes, queued.percent) == (12_000, clip.bytes(), 0, 0)
    assert core.my_reports()[0].photos == 0, "the poster is the card's picture, not a photo"

    flushed = asyncio.run(core.flush_outbox())
    assert (flushed.sent, flushed.waiting) == (1, 0)
    sent = core.my_reports()[0]
    assert sent.id == report_id and sent.clip.percent == 100 and sent.clip.sent_bytes == clip.bytes()
    with urllib.request.urlopen(f"{server}/open311/v2/requests/{sent.server_id}.json?jurisdiction_id=da-nang") as r:
        media = json.load(r)[0]["media_url"]
    with urllib.request.urlopen(urllib.request.Request(media, headers={"Range": "bytes=0-7"})) as r:
        assert r.status == 206 and r.read()[4:8] == b"ftyp"

    too_long = tmp_path / "long.mp4"
    subprocess.run([os.environ["MYCITY_CLIP_FIXTURE"], str(too_long), "1", "45"], check=True)
    with pytest.raises(MyCityError.Invalid) as e:
        asyncio.run(core.prepare_clip(str(too_long)))
    assert e.value.code == "clip-too-long" and e.value.field == "clip", e.value
    assert "45" in e.value.reason and "30" in e.value.reason, e.value.reason


def test_nearby_open_reports_offer_me_too(tmp_path, server):
    core = mycity_ffi.MyCity.open(str(tmp_path / "data"), server)
    core.set_city("da-nang")
    service = simple_service(core)
    draft = ReportDraft(service.code)
    draft.set_description("Rác chưa thu gom")
    draft.set_place(core.city().center, PlaceSourceRecord.MAP)
    core.submit_report(draft)
    asyncio.run(core.flush_outbox())
    near = asyncio.run(core.nearby_open(service.code, core.city().center))
    assert near and near[0].server_id == core.my_reports()[0].server_id


def test_without_a_server_the_report_waits_and_the_error_says_so(core):
    draft = ReportDraft(simple_service(core).code)
    draft.set_description("Cây đổ")
    draft.set_place(core.city().center, PlaceSourceRecord.MAP)
    core.submit_report(draft)
    flushed = asyncio.run(core.flush_outbox())
    assert flushed.sent == 0 and flushed.waiting == 1
    with pytest.raises(MyCityError.NoServer) as e:
        asyncio.run(core.refresh_city())
    assert e.value.reason
