"""The emergency directory and the SOS message."""

from mycity_ffi import FixRecord


def test_every_city_lists_the_national_numbers_first(core):
    for city in core.cities():
        core.set_city(city.slug)
        numbers = [h.number for h in core.hotlines()]
        assert {"113", "114", "115"} <= set(numbers), city.slug
        assert all(h.tel_uri == "tel:" + h.number for h in core.hotlines())
    core.set_city("da-nang")
    assert any(h.number == "1022" and h.kind == "city" for h in core.hotlines())


def test_the_sos_message_carries_the_position_and_ward(core):
    core.set_city("da-nang")
    centre = core.city().center
    ward = core.ward_at(centre)
    msg = core.sos_message(FixRecord(position=centre, accuracy_m=8.0), "")
    assert msg.uri.startswith("sms:") and ward in msg.text
    assert f"{centre.lat:.5f}" in msg.text
    assert core.sos_message(None, "113").uri.startswith("sms:113")
