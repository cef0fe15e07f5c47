"""Opening the core, switching city and language, finding places."""

import mycity_ffi
import pytest
from mycity_ffi import LatLonRecord, MyCityError


def test_opens_on_the_default_city_and_switches(core):
    assert core.city_slug() == "ha-giang"
    assert len(core.cities()) == 5 and "da-nang" in [c.slug for c in core.cities()]
    city = core.set_city("da-nang")
    assert city.name == "Đà Nẵng" and city.origin == mycity_ffi.PackOrigin.BUNDLED
    police_vi = core.hotlines()[0].name
    core.set_language("en")
    assert core.language() == "en"
    assert core.hotlines()[0].name != police_vi


def test_the_city_and_language_survive_a_restart(tmp_path):
    data = str(tmp_path / "data")
    first = mycity_ffi.MyCity.open(data, None)
    first.set_city("da-nang")
    first.set_language("en")
    del first
    again = mycity_ffi.MyCity.open(data, None)
    assert (again.city_slug(), again.language()) == ("da-nang", "en")


def test_an_unknown_city_is_refused_in_the_persons_language(core):
    with pytest.raises(MyCityError.UnknownCity) as vi:
        core.set_city("atlantis")
    core.set_language("en")
    with pytest.raises(MyCityError.UnknownCity) as en:
        core.set_city("atlantis")
    assert vi.value.reason != en.value.reason
    assert "atlantis" in en.value.detail
    assert core.city_slug() == "ha-giang"


def test_search_is_folded_and_an_empty_one_says_why(core):
    core.set_city("da-nang")
    found = core.search_places("cau rong", 5)
    assert found and found[0].name == "Cầu Rồng"
    assert core.search_places("CẦU RỒNG", 5)[0].id == found[0].id
    with pytest.raises(MyCityError.Invalid) as e:
        core.search_places("   ", 5)
    assert e.value.code and e.value.reason and e.value.reason != e.value.detail


def test_places_near_a_point_and_its_ward(core):
    core.set_city("da-nang")
    first = core.browse_places("", 3)[0]
    near = core.places_near(first.position, 2_000.0, 10)
    assert near[0].place.id == first.id and near[0].distance_m < 1.0
    assert all(a.distance_m <= b.distance_m for a, b in zip(near, near[1:]))
    assert core.ward_at(core.city().center)
    assert core.ward_at(LatLonRecord(lat=0.0, lon=0.0)) is None


def test_settings_name_the_server_and_refuse_a_bad_one(core):
    assert core.sync_status().server is None
    with pytest.raises(MyCityError.Invalid):
        core.set_server("mycity.vn")
    core.set_server("https://mycity.hagiang.gov.vn/")
    status = core.sync_status()
    assert status.server == "https://mycity.hagiang.gov.vn"
    assert status.server_origin == mycity_ffi.ServerOriginRecord.CHOSEN
