#!/usr/bin/env python3
"""Generates Đà Nẵng's GTFS static feed (assets/cities/da-nang/gtfs/*.txt).

The routes are Đà Nẵng's public bus routes as published (route numbers, end
points and the main streets they take); stop positions are approximate and
the timetable is built here from published headways and service hours, not
from the operator's own timetable, so agency.txt and feed_info.txt say so.

Run from the repository root: `python3 scripts/gtfs_da_nang.py`. The output is
deterministic, so a re-run that changes nothing leaves git clean.
"""

import math
import os

OUT = os.path.join("assets", "cities", "da-nang", "gtfs")

# stop_id: (name, lat, lon). Positions approximate (within a block or two).
STOPS = {
    "BXTT": ("Bến xe Trung tâm Đà Nẵng", 16.0600, 108.1720),
    "NBHUE": ("Ngã ba Huế", 16.0613, 108.1785),
    "CV293": ("Công viên 29/3", 16.0630, 108.2000),
    "CHOCON": ("Chợ Cồn", 16.0681, 108.2141),
    "CHOHAN": ("Chợ Hàn", 16.0680, 108.2238),
    "TTHC": ("Trung tâm Hành chính thành phố", 16.0772, 108.2232),
    "CAUSH": ("Cầu Sông Hàn (Ngô Quyền)", 16.0722, 108.2335),
    "ANHAI": ("Chợ An Hải", 16.0690, 108.2360),
    "MANTHAI": ("Chợ Mân Thái", 16.0930, 108.2445),
    "THOQUANG": ("Thọ Quang", 16.1050, 108.2500),
    "NVL29": ("Nguyễn Văn Linh – đường 2/9", 16.0597, 108.2165),
    "TIENSON": ("Cầu Tiên Sơn", 16.0360, 108.2215),
    "LVHIEN": ("Lê Văn Hiến – Trần Đại Nghĩa", 16.0150, 108.2420),
    "NHSON": ("Danh thắng Ngũ Hành Sơn", 16.0035, 108.2634),
    "DIENNGOC": ("Điện Ngọc", 15.9700, 108.2720),
    "BXHOIAN": ("Bến xe Hội An", 15.8870, 108.3250),
    "CUADAI": ("Cửa Đại", 15.8790, 108.3770),
    "KIMLIEN": ("Kim Liên", 16.1210, 108.1300),
    "HHNAM": ("Hòa Hiệp Nam", 16.1000, 108.1400),
    "DHBK": ("Đại học Bách khoa", 16.0755, 108.1495),
    "HOAKHANH": ("Chợ Hòa Khánh", 16.0700, 108.1560),
    "HOACAM": ("Cầu vượt Hòa Cầm", 16.0260, 108.1950),
    "HOAXUAN": ("Cầu Hòa Xuân", 16.0210, 108.2170),
    "LANGDH": ("Làng Đại học", 15.9850, 108.2430),
    "VIETHAN": ("Cao đẳng Việt Hàn", 15.9760, 108.2530),
}

# route_id: (short name, long name, colour, stops one way, weekday headway
# minutes, weekend headway minutes, first departure, last departure).
ROUTES = {
    "02": ("02", "Bến xe Trung tâm – Hội An (Cửa Đại)", "E53935",
           ["BXTT", "NBHUE", "CV293", "CHOCON", "TTHC", "NVL29", "TIENSON", "LVHIEN", "NHSON",
            "DIENNGOC", "BXHOIAN", "CUADAI"], 20, 30, "05:30", "18:30"),
    "R15": ("R15", "Bến xe Trung tâm – Thọ Quang", "1E88E5",
            ["BXTT", "NBHUE", "CV293", "CHOCON", "CHOHAN", "TTHC", "CAUSH", "ANHAI", "MANTHAI", "THOQUANG"],
            20, 30, "05:30", "19:00"),
    "R16": ("R16", "Kim Liên – Cao đẳng Việt Hàn", "43A047",
            ["KIMLIEN", "HHNAM", "DHBK", "HOAKHANH", "BXTT", "NBHUE", "HOACAM", "HOAXUAN", "LANGDH", "VIETHAN"],
            20, 30, "05:30", "18:30"),
    "R6A": ("R6A", "Bến xe Trung tâm – Khu du lịch Non Nước", "FB8C00",
            ["BXTT", "NBHUE", "CV293", "CHOCON", "CHOHAN", "NVL29", "TIENSON", "LVHIEN", "NHSON"],
            30, 40, "05:45", "18:15"),
}

SPEED_KMH = 20.0  # average including traffic
DWELL_S = 30


def km(a, b):
    (_, la1, lo1), (_, la2, lo2) = STOPS[a], STOPS[b]
    dlat = (la2 - la1) * 111.2
    dlon = (lo2 - lo1) * 111.2 * math.cos(math.radians((la1 + la2) / 2))
    # Streets are not straight lines: 1.3 is a usual detour factor.
    return math.hypot(dlat, dlon) * 1.3


def hms(s):
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def minutes(t):
    h, m = t.split(":")
    return int(h) * 60 + int(m)


def write(name, header, rows):
    with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(quote(str(v)) for v in r) + "\n")


def quote(v):
    return f'"{v}"' if ("," in v or '"' in v) else v


def main():
    os.makedirs(OUT, exist_ok=True)
    write("agency.txt", ["agency_id", "agency_name", "agency_url", "agency_timezone", "agency_lang", "agency_phone"],
          [["DNBUS", "Xe buýt Đà Nẵng (lịch chạy gần đúng / approximate timetable)",
            "https://sgtvt.danang.gov.vn", "Asia/Ho_Chi_Minh", "vi", "02363822222"]])
    write("feed_info.txt", ["feed_publisher_name", "feed_publisher_url", "feed_lang", "feed_start_date",
                            "feed_end_date", "feed_version"],
          [["MyCity (approximate: stops placed by hand, times from published headways)",
            "https://github.com/mycity", "vi", "20260101", "20271231", "2026.11-approx"]])
    write("stops.txt", ["stop_id", "stop_name", "stop_lat", "stop_lon"],
          [[k, n, f"{la:.4f}", f"{lo:.4f}"] for k, (n, la, lo) in STOPS.items()])
    write("routes.txt", ["route_id", "agency_id", "route_short_name", "route_long_name", "route_type", "route_color",
                         "route_text_color"],
          [[k, "DNBUS", s, l, 3, c, "FFFFFF"] for k, (s, l, c, *_ ) in ROUTES.items()])
    write("calendar.txt", ["service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                           "start_date", "end_date"],
          [["WD", 1, 1, 1, 1, 1, 0, 0, "20260101", "20271231"], ["WE", 0, 0, 0, 0, 0, 1, 1, "20260101", "20271231"]])
    # Quốc khánh (2/9) runs the weekend timetable; the first day of Tết 2027 has no service.
    write("calendar_dates.txt", ["service_id", "date", "exception_type"],
          [["WD", "20260902", 2], ["WE", "20260902", 1], ["WE", "20270206", 2]])
    trips, stop_times, shapes = [], [], []
    for rid, (short, _long, _c, stops, wd, we, first, last) in ROUTES.items():
        for direction, seq in ((0, stops), (1, list(reversed(stops)))):
            shape = f"{rid}-{direction}"
            for i, s in enumerate(seq):
                shapes.append([shape, f"{STOPS[s][1]:.4f}", f"{STOPS[s][2]:.4f}", i + 1])
            # Offsets from the first stop, in seconds, rounded to the minute like a printed timetable.
            offsets, t = [0], 0.0
            for a, b in zip(seq, seq[1:]):
                t += km(a, b) / SPEED_KMH * 3600 + DWELL_S
                offsets.append(int(round(t / 60)) * 60)
            headsign = STOPS[seq[-1]][0]
            for service, headway in (("WD", wd), ("WE", we)):
                start = minutes(first)
                n = 0
                while start <= minutes(last):
                    n += 1
                    trip = f"{rid}-{direction}-{service}-{n:02d}"
                    trips.append([rid, service, trip, headsign, direction, shape])
                    for i, (s, off) in enumerate(zip(seq, offsets)):
                        at = hms(start * 60 + off)
                        stop_times.append([trip, at, at, s, i + 1])
                    start += headway
    write("trips.txt", ["route_id", "service_id", "trip_id", "trip_headsign", "direction_id", "shape_id"], trips)
    write("stop_times.txt", ["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"], stop_times)
    write("shapes.txt", ["shape_id", "shape_pt_lat", "shape_pt_lon", "shape_pt_sequence"], shapes)
    print(f"{len(STOPS)} stops, {len(ROUTES)} routes, {len(trips)} trips, {len(stop_times)} stop times")


if __name__ == "__main__":
    main()
