"""Public transport through the bindings, offline: next buses at the stop
nearest a position in Đà Nẵng on a Monday morning, and a plain no-feed answer
in a city without buses."""

import mycity_ffi

MONDAY_0705_DA_NANG = 1_796_083_500  # 2026-11-30 00:05 UTC


def test_next_buses_at_the_nearest_stop(tmp_path):
    core = mycity_ffi.MyCity.open(str(tmp_path / "data"), None)
    assert not core.next_departures(None, None).has_feed
    core.set_city("da-nang")
    view = core.next_departures(mycity_ffi.LatLonRecord(lat=16.0681, lon=108.2237), MONDAY_0705_DA_NANG)
    assert view.has_feed and view.approximate and not view.from_centre
    stop = view.stops[0]
    assert stop.id == "CHOHAN" and stop.distance_m < 50
    r15 = [l for l in stop.lines if l.route.number == "R15" and l.headsign == "Thọ Quang"][0]
    assert r15.minutes[0] <= 20 and r15.times[0].startswith("07:")
    assert {r.number for r in view.routes} == {"02", "R15", "R16", "R6A"}
    assert core.route_stop_count("R16") >= 8
