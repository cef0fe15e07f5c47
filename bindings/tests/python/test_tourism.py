"""Tourism through the bindings: browse by kind and nearest first, a place's
page, its QR code back to the place, a visit planned, a rating sent."""

import asyncio
import time

import mycity_ffi
import pytest
from mycity_ffi import BrowseQuery, MyCityError, PlanQuery, TravelMode


def test_browse_by_kind_and_nearest_first(core):
    core.set_city("da-nang")
    everything = core.browse(BrowseQuery(query="", kind=None, open_now=False, near=None, offset=0, limit=100))
    assert everything.total == len(everything.rows) > 3
    kind = everything.rows[0].place.kind
    assert kind in core.place_kinds()
    same = core.browse(BrowseQuery(query="", kind=kind, open_now=False, near=None, offset=0, limit=100))
    assert same.rows and all(r.place.kind == kind for r in same.rows)
    centre = core.city().center
    near = core.browse(BrowseQuery(query="", kind=None, open_now=False, near=centre, offset=0, limit=5))
    distances = [r.distance_m for r in near.rows]
    assert distances == sorted(distances) and near.next_offset == 5
    found = core.browse(BrowseQuery(query="cau rong", kind=None, open_now=False, near=None, offset=0, limit=5))
    assert found.rows[0].place.name == "Cầu Rồng"


def test_a_place_page_and_its_qr_code(core):
    first = core.browse(BrowseQuery(query="", kind=None, open_now=False, near=None, offset=0, limit=1)).rows[0]
    page = core.place_detail(first.place.id)
    assert page.place.id == first.place.id and page.visit_minutes > 0 and page.narration
    assert core.site_from_qr(page.qr_payload).id == first.place.id
    assert core.site_from_qr(page.web_link).id == first.place.id
    with pytest.raises(MyCityError.Invalid):
        core.site_from_qr("https://example.com/not-a-site")
    with pytest.raises(MyCityError.Invalid):
        core.place_detail("no-such-place")


def test_plan_a_visit(core):
    start = core.city().center
    query = PlanQuery(
        start=start,
        start_at=int(time.time()),
        minutes=240,
        interests=[],
        mode=TravelMode.MOTORBIKE,
        round_trip=True,
    )
    plan = core.plan_visit(query)
    assert plan.stops and plan.minutes <= 240
    times = [t for s in plan.stops for t in (s.arrive, s.begin, s.leave)]
    assert times == sorted(times) and plan.ends_at >= times[-1]
    query.minutes = 5
    with pytest.raises(MyCityError.Invalid) as e:
        core.plan_visit(query)
    assert e.value.code == "plan-budget" and e.value.field == "minutes"


def test_a_rating_is_queued_and_sent(tmp_path, server):
    core = mycity_ffi.MyCity.open(str(tmp_path / "data"), server)
    place = core.browse(BrowseQuery(query="", kind=None, open_now=False, near=None, offset=0, limit=1)).rows[0].place
    with pytest.raises(MyCityError.Invalid):
        core.rate_place(place.id, 6, "")
    core.rate_place(place.id, 5, "Đẹp quá")
    assert core.place_detail(place.id).my_stars == 5
    flushed = asyncio.run(core.flush_outbox())
    assert flushed.sent == 1 and flushed.waiting == 0
