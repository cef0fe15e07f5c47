"""Alerts, announcements, consultations and air quality through the
bindings, against the reference server: an alert published by staff reaches
the person, and the air index of each station reads offline."""

import asyncio

import mycity_ffi
from conftest import admin
from mycity_ffi import AlertLevel, SurveyAnswer

CAP = """<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>py-flood-1</identifier><sender>pctt@quangtri.example</sender>
  <sent>2026-11-29T07:00:00+07:00</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
  <info><language>vi-VN</language><category>Safety</category><event>Ngập úng</event><urgency>Immediate</urgency>
    <severity>Extreme</severity><certainty>Observed</certainty><expires>2099-01-01T00:00:00+07:00</expires>
    <headline>Ngập sâu đường Lê Duẩn</headline><instruction>Không đi qua khu vực ngập.</instruction>
    <area><areaDesc>Phường Đông Hà</areaDesc><geocode><valueName>ward</valueName><value>19333</value></geocode></area></info>
</alert>"""


def test_an_alert_published_by_staff_reaches_the_person_of_that_ward(tmp_path, server):
    core = mycity_ffi.MyCity.open(str(tmp_path / "data"), server)
    core.set_city("dong-ha")
    core.set_home_ward("19333")
    assert core.home_ward() == "19333"
    asyncio.run(core.refresh_alerts())
    before = {a.id for a in core.alerts(None).alerts}

    admin(server, "POST", "/admin/cities/dong-ha/alerts", CAP, content_type="application/xml")
    assert asyncio.run(core.refresh_alerts()) == 1
    alerts = core.alerts(None)
    new = [a for a in alerts.alerts if a.id not in before]
    assert [a.headline for a in new] == ["Ngập sâu đường Lê Duẩn"]
    flood = new[0]
    assert flood.relevant and flood.level == AlertLevel.DANGER and flood.interrupt
    assert flood.instruction == "Không đi qua khu vực ngập." and flood.colour.startswith("#")
    assert alerts.checked_at is not None and alerts.last_error is None
    assert core.top_alert(None).id == flood.id

    core.set_home_ward(None)
    core.set_home_ward("19351")
    assert not any(a.relevant and a.id == flood.id for a in core.alerts(None).alerts), "another ward"


def test_announcements_and_a_consultation_answered(tmp_path, server):
    core = mycity_ffi.MyCity.open(str(tmp_path / "data"), server)
    assert asyncio.run(core.refresh_consultations())
    news = core.announcements("")
    assert news and all(a.title for a in news)
    surveys = [s for s in core.surveys() if s.open]
    assert surveys
    survey = surveys[0]
    answers = []
    for q in survey.questions:
        if q.kind == "single":
            answers.append(SurveyAnswer.CHOICE(question=q.id, index=0))
        elif q.kind == "multiple":
            answers.append(SurveyAnswer.CHOICES(question=q.id, indexes=[0]))
        elif q.kind == "scale":
            answers.append(SurveyAnswer.SCALE(question=q.id, value=q.max))
        else:
            answers.append(SurveyAnswer.TEXT(question=q.id, text="Nên thêm cây xanh"))
    core.answer_survey(survey.id, answers)
    assert next(s for s in core.surveys() if s.id == survey.id).my_answer == "queued"
    flushed = asyncio.run(core.flush_outbox())
    assert flushed.sent == 1
    assert next(s for s in core.surveys() if s.id == survey.id).my_answer == "sent"


def test_air_quality_of_every_station(tmp_path, server):
    core = mycity_ffi.MyCity.open(str(tmp_path / "data"), server)
    core.set_city("da-nang")
    offline = core.air_quality(None)
    assert offline.fetched_at is None and all(s.aqi is None for s in offline.stations)
    assert asyncio.run(core.refresh_air())
    assert not asyncio.run(core.refresh_air()), "an unchanged hour costs a 304"
    q = core.air_quality(core.city().center)
    indexed = [s for s in q.stations if s.aqi is not None]
    assert indexed, [s.no_index for s in q.stations]
    s = indexed[0]
    assert s.band and s.band_label and s.advice and s.colour.startswith("#") and s.dominant
    assert [x.distance_m for x in q.stations] == sorted(x.distance_m for x in q.stations)
