"""Dossiers through the bindings: look one up with the receipt's secret,
watch it, see the office's next step arrive; the catalogue searched offline."""

import asyncio

import mycity_ffi
import pytest
from conftest import admin
from mycity_ffi import MyCityError, StandingRecord


def demo_code(server, seq):
    """The seeded Hà Giang dossier with sequence `seq` (its secret: 1 → 2468)."""
    listed = admin(server, "GET", "/admin/dossiers?city=ha-giang")
    return next(d["code"] for d in listed if d["code"].endswith(f"-{seq:04}"))


def test_look_up_watch_and_hear_the_next_step(tmp_path, server):
    core = mycity_ffi.MyCity.open(str(tmp_path / "data"), server)
    code = demo_code(server, 1)
    assert core.check_dossier_code(code.lower()) == code
    assert core.parse_receipt(f"Mã hồ sơ: {code}").code == code
    assert core.dossier_cached(code) is None

    with pytest.raises(MyCityError.Invalid) as e:
        asyncio.run(core.lookup_dossier(code, "1111"))
    assert e.value.code == "dossier-not-found" and e.value.reason

    d = asyncio.run(core.lookup_dossier(code, "2468"))
    assert d.code == code and d.status_label and d.history and not d.watched
    assert d.standing in (StandingRecord.ON_TIME, StandingRecord.OVERDUE, StandingRecord.CLOSED)
    assert core.dossier_cached(code).code == code, "the last state reads offline"

    core.watch_dossier(code, "2468")
    assert [w.code for w in core.watched_dossiers()] == [code]
    assert asyncio.run(core.refresh_watched_dossiers()) == 0, "nothing moved yet"

    admin(
        server,
        "POST",
        f"/admin/dossiers/{code}/advance",
        {"status": 5, "note": "Thiếu bản sao CCCD", "unit": "Bộ phận một cửa", "missing_papers": ["Bản sao CCCD"]},
    )
    assert asyncio.run(core.refresh_watched_dossiers()) == 1
    watched = core.watched_dossiers()[0]
    assert watched.status == 5 and watched.missing_papers == ["Bản sao CCCD"] and watched.unseen == 1
    assert core.dossier_news() == 1
    core.mark_dossier_seen(code)
    assert core.dossier_news() == 0
    core.unwatch_dossier(code)
    assert core.watched_dossiers() == []


def test_a_receipt_photo_without_a_qr_code_is_refused(core):
    from conftest import png

    with pytest.raises(MyCityError.Invalid) as e:
        asyncio.run(core.scan_receipt(png()))
    assert e.value.code == "receipt-no-qr" and e.value.field == "receipt"


def test_the_catalogue_is_searched_offline_without_diacritics(tmp_path, server):
    core = mycity_ffi.MyCity.open(str(tmp_path / "data"), server)
    assert asyncio.run(core.refresh_procedures()) > 0
    assert asyncio.run(core.refresh_procedures()) == 0, "an unchanged catalogue is not downloaded again"
    fields = core.procedure_fields()
    assert fields and all(f.count > 0 for f in fields)
    found = core.search_procedures("giay phep", "", 5)
    assert found and all("giấy phép" in p.name.lower() or p.papers for p in found)
    one = core.procedure(found[0].code)
    assert one.code == found[0].code and one.online in ("full", "partial", "none")
    assert core.search_procedures("", fields[0].name, 100)


def test_a_fee_to_pay_comes_with_its_vietqr(tmp_path, server):
    core = mycity_ffi.MyCity.open(str(tmp_path / "data"), server)
    code = demo_code(server, 6)
    d = asyncio.run(core.lookup_dossier(code, "3344"))
    assert d.status == 6 and d.amount_vnd == 150_000
    fee = d.fee
    assert fee is not None and fee.amount_words == "Một trăm năm mươi nghìn đồng"
    assert fee.payload.startswith("000201010212") and "5406150000" in fee.payload and code in fee.payload
    assert fee.svg.startswith("<svg") and fee.account in fee.details
    assert asyncio.run(core.lookup_dossier(demo_code(server, 4), "9753")).fee is None
