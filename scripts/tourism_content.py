#!/usr/bin/env python3
"""Grows the city packs' tourism layer (issue 10). Idempotent: places, events
and tours already present (by id) are left alone; run from the repo root.
Facts are from public knowledge; coordinates, hours and prices of the places
added here are marked `approximate: true`."""
import json, pathlib

# kind → typical minutes at the site (when a place does not say)
VISIT = {"museum": 60, "relic": 45, "nature": 60, "market": 45, "food": 40, "lodging": 0,
         "craft-village": 60, "viewpoint": 20, "landmark": 20, "religious": 30, "park": 30,
         "beach": 90, "hospital": 0, "police": 0, "admin": 0, "other": 0}

def P(id, kind, vi, en, lat, lon, hours, price, dvi, den, nvi=None, nen=None, minutes=None, address=None):
    return {"id": id, "kind": kind, "name": {"vi": vi, "en": en}, "description": {"vi": dvi, "en": den},
            "lat": lat, "lon": lon, "address": address, "opening_hours": hours, "ticket_price_vnd": price,
            "qr_id": None, "narration": {"vi": nvi or dvi, "en": nen or den}, "photo": None,
            "visit_minutes": minutes or VISIT[kind], "approximate": True}

HG = [
 P("ha-giang-cong-vien-dia-chat-dong-van", "nature", "Công viên địa chất toàn cầu Cao nguyên đá Đồng Văn", "Đồng Văn Karst Plateau Global Geopark",
   23.2790, 105.3600, "Mo-Su 07:30-17:00", 0,
   "Công viên địa chất toàn cầu UNESCO đầu tiên của Việt Nam (2010), trải trên bốn huyện Quản Bạ, Yên Minh, Đồng Văn, Mèo Vạc; nhà trưng bày ở thị trấn Đồng Văn giới thiệu đá vôi, hóa thạch và văn hóa các dân tộc.",
   "Việt Nam's first UNESCO Global Geopark (2010), spanning Quản Bạ, Yên Minh, Đồng Văn and Mèo Vạc; the exhibition house in Đồng Văn town explains the limestone, fossils and highland cultures.",
   "Bạn đang ở Công viên địa chất toàn cầu Cao nguyên đá Đồng Văn. Hơn tám mươi phần trăm diện tích nơi đây là đá vôi, với những lớp đá ghi lại lịch sử trái đất hàng trăm triệu năm. Người Mông, Lô Lô, Dao, Tày vẫn trồng ngô trong từng hốc đá.",
   "You are in the Đồng Văn Karst Plateau Global Geopark. Over eighty percent of it is limestone, whose layers record hundreds of millions of years of the Earth's history. Hmông, Lô Lô, Dao and Tày farmers still grow maize in pockets of soil between the rocks.", 45),
 P("ha-giang-ruong-bac-thang-hoang-su-phi", "nature", "Ruộng bậc thang Hoàng Su Phì", "Hoàng Su Phì rice terraces",
   22.7000, 104.6800, "24/7", 0,
   "Di tích danh thắng quốc gia: những thửa ruộng bậc thang của người Dao, Nùng, La Chí, đẹp nhất mùa nước đổ (tháng 5–6) và mùa lúa chín (tháng 9–10).",
   "A national scenic site: terraces built by Dao, Nùng and La Chí farmers, best when flooded (May–June) and at harvest (September–October).", minutes=90),
 P("ha-giang-cho-phien-meo-vac", "market", "Chợ phiên Mèo Vạc", "Mèo Vạc Sunday market",
   23.1590, 105.4080, "Su 05:00-12:00", 0,
   "Chợ phiên Chủ nhật ở thị trấn Mèo Vạc, nơi người Mông, Lô Lô, Dao dắt bò, bán ngô, vải lanh và thắng cố.",
   "The Sunday market of Mèo Vạc town, where Hmông, Lô Lô and Dao people trade cattle, maize, hemp cloth and thắng cố stew."),
 P("ha-giang-cho-tinh-khau-vai", "landmark", "Chợ tình Khâu Vai", "Khâu Vai love market",
   23.1150, 105.4980, "24/7", 0,
   "Phiên chợ họp mỗi năm một lần ngày 27 tháng Ba âm lịch, gắn với truyền thuyết đôi trai gái yêu nhau không thành; di sản văn hóa phi vật thể quốc gia.",
   "A market held once a year on the 27th of the third lunar month, born of a legend of star-crossed lovers; national intangible heritage.", minutes=30),
 P("ha-giang-nha-cua-pao", "landmark", "Nhà của Pao", "Pao's House",
   23.2330, 105.2670, "Mo-Su 07:00-18:00", 20000,
   "Ngôi nhà trình tường của người Mông ở Sủng Là, bối cảnh phim “Chuyện của Pao” (2006).",
   "A rammed-earth Hmông house in Sủng Là, the set of the film “Pao's Story” (2006).", minutes=30),
 P("ha-giang-lang-van-hoa-lung-cam", "craft-village", "Làng văn hóa Lũng Cẩm", "Lũng Cẩm cultural village",
   23.2360, 105.2700, "Mo-Su 07:00-18:00", 0,
   "Làng Mông ở thung lũng Sủng Là với nhà trình tường, hàng rào đá và ruộng hoa theo mùa.",
   "A Hmông village in the Sủng Là valley with rammed-earth houses, stone walls and seasonal flower fields.", minutes=45),
 P("ha-giang-htx-det-lanh-lung-tam", "craft-village", "Hợp tác xã dệt lanh Lùng Tám", "Lùng Tám hemp-weaving cooperative",
   23.0490, 105.0330, "Mo-Su 07:30-17:00", 0,
   "Phụ nữ Mông ở Lùng Tám (Quản Bạ) trồng lanh, se sợi, dệt và vẽ sáp ong nhuộm chàm; khách xem và mua vải tại chỗ.",
   "Hmông women in Lùng Tám (Quản Bạ) grow hemp, spin, weave and batik it with beeswax and indigo; visitors watch and buy cloth on site.", minutes=45),
 P("ha-giang-lang-nam-dam", "lodging", "Làng du lịch cộng đồng Nậm Đăm", "Nậm Đăm community homestays",
   23.0800, 104.9960, "24/7", None,
   "Bản người Dao dưới chân núi Cô Tiên (Quản Bạ) với nhà trình tường làm homestay, tắm lá thuốc và múa dân gian buổi tối.",
   "A Dao hamlet below the Fairy Mountains (Quản Bạ) whose rammed-earth houses are homestays, with herbal baths and evening dances.", minutes=60),
 P("ha-giang-pho-cao", "market", "Chợ phiên Phố Cáo", "Phố Cáo market",
   23.1980, 105.1800, "Mo-Su 05:00-12:00", 0,
   "Chợ phiên họp theo chu kỳ sáu ngày ở xã Phố Cáo (Đồng Văn), giữa những nhà trình tường và hàng rào đá.",
   "A market held every sixth day in Phố Cáo (Đồng Văn) among rammed-earth houses and stone walls.", minutes=40),
 P("ha-giang-doc-tham-ma", "viewpoint", "Dốc Thẩm Mã", "Thẩm Mã slope",
   23.1400, 105.1760, "24/7", 0,
   "Con dốc uốn lượn trên Quốc lộ 4C giữa Yên Minh và Đồng Văn, nơi trẻ em thường ôm giỏ hoa chào khách.",
   "A winding climb on National Road 4C between Yên Minh and Đồng Văn, where children often pose with flower baskets."),
 P("ha-giang-lang-lo-lo-chai", "craft-village", "Làng văn hóa Lô Lô Chải", "Lô Lô Chải cultural village",
   23.3610, 105.3180, "24/7", 0,
   "Làng người Lô Lô dưới chân cột cờ Lũng Cú, nhà trình tường mái ngói âm dương, nhiều nhà làm homestay.",
   "A Lô Lô village below the Lũng Cú flag tower with rammed-earth, tile-roofed houses, many of them homestays.", minutes=45),
 P("ha-giang-hang-lung-khuy", "nature", "Hang Lùng Khúy", "Lùng Khúy cave",
   23.0640, 104.9650, "Mo-Su 07:30-17:00", 80000,
   "Hang động đá vôi nhiều nhũ đá ở Quản Bạ, đi bộ khoảng 1 km từ bản vào cửa hang.",
   "A limestone cave full of stalactites in Quản Bạ, about 1 km on foot from the hamlet to its mouth.", minutes=75),
 P("ha-giang-rung-thong-yen-minh", "nature", "Rừng thông Yên Minh", "Yên Minh pine forest",
   23.1130, 105.1140, "24/7", 0,
   "Rừng thông trên sườn đồi ven Quốc lộ 4C trước thị trấn Yên Minh, điểm dừng nghỉ mát của cung đường.",
   "Pine woods on the hills by National Road 4C before Yên Minh town, a cool stop on the loop.", minutes=20),
 P("ha-giang-don-cao-dong-van", "relic", "Đồn Cao Đồng Văn", "Đồng Văn hilltop fort",
   23.2800, 105.3630, "24/7", 0,
   "Đồn lính Pháp xây đầu thế kỷ 20 trên núi Cấm sau phố cổ Đồng Văn; từ đây nhìn bao quát thị trấn.",
   "An early-20th-century French fort on the hill behind Đồng Văn old quarter, overlooking the town.", minutes=45),
 P("ha-giang-hem-tu-san", "viewpoint", "Hẻm Tu Sản", "Tu Sản canyon",
   23.2400, 105.4050, "24/7", 0,
   "Hẻm vực sông Nho Quế dưới đèo Mã Pí Lèng, được xem là một trong những hẻm vực sâu nhất Đông Nam Á.",
   "The Nho Quế river canyon below Mã Pí Lèng pass, counted among the deepest canyons in Southeast Asia.", minutes=30),
 P("ha-giang-banh-cuon-trung", "food", "Bánh cuốn trứng Hà Giang", "Hà Giang egg rice rolls",
   22.8270, 104.9840, "Mo-Su 06:00-10:00", None,
   "Món sáng đặc trưng của Hà Giang: bánh cuốn tráng mỏng kèm trứng, ăn với nước canh xương; nhiều quán quanh chợ trung tâm.",
   "Hà Giang's own breakfast: thin rice rolls with an egg, dipped in bone broth; many stalls around the central market.", minutes=30),
 P("ha-giang-thang-co-dong-van", "food", "Thắng cố chợ Đồng Văn", "Thắng cố at Đồng Văn market",
   23.2770, 105.3610, "Su 06:00-12:00", None,
   "Món hầm truyền thống của người Mông từ thịt và nội tạng ngựa, bò với thảo quả, ăn trong các lều chợ phiên Chủ nhật.",
   "The Hmông stew of horse or beef meat and offal with black cardamom, served in the Sunday market's stalls.", minutes=40),
 P("ha-giang-chao-au-tau", "food", "Cháo ấu tẩu", "Ấu tẩu rice porridge",
   22.8250, 104.9810, "Mo-Su 17:00-23:00", None,
   "Cháo nấu từ củ ấu tẩu (đã khử độc), gạo nếp và chân giò, món ăn tối ấm bụng của phố núi.",
   "Porridge of detoxified ấu tẩu root, sticky rice and pork knuckle, the town's warming evening dish.", minutes=30),
 P("ha-giang-lang-du-gia", "lodging", "Làng Du Già", "Du Già village",
   22.9550, 105.1920, "24/7", None,
   "Thung lũng người Tày, Dao ở Yên Minh với nhà sàn homestay giữa ruộng lúa, điểm nghỉ đêm ngoài Quốc lộ 4C.",
   "A Tày and Dao valley in Yên Minh with stilt-house homestays among rice fields, an overnight stop off National Road 4C.", minutes=60),
 P("ha-giang-thac-du-gia", "nature", "Thác Du Già", "Du Già waterfall",
   22.9600, 105.1950, "24/7", 0,
   "Thác nước nhỏ gần bản Du Già, có vũng tắm mát vào mùa hè.",
   "A small waterfall near Du Già village with a cool bathing pool in summer.", minutes=40),
 P("ha-giang-lang-pa-vi", "craft-village", "Làng văn hóa Pả Vi", "Pả Vi cultural village",
   23.1750, 105.4000, "24/7", 0,
   "Làng Mông ven đèo Mã Pí Lèng phía Mèo Vạc, có nghề rèn, dệt và homestay nhà trình tường.",
   "A Hmông village by Mã Pí Lèng on the Mèo Vạc side, with blacksmiths, weavers and rammed-earth homestays.", minutes=45),
]

DH = [
 P("dong-ha-can-cu-con-tien", "relic", "Căn cứ Cồn Tiên", "Cồn Tiên base", 16.9450, 107.0450, "24/7", 0,
   "Di tích căn cứ quân sự cũ trên đồi đất đỏ ở Gio Linh, một trong các cứ điểm của hàng rào điện tử McNamara.",
   "A former military base on red-earth hills in Gio Linh, one strongpoint of the McNamara line."),
 P("dong-ha-cau-dong-ha", "landmark", "Cầu Đông Hà", "Đông Hà bridge", 16.8220, 107.1000, "24/7", 0,
   "Cầu trên Quốc lộ 1 qua sông Hiếu, cửa ngõ phía bắc thành phố.", "The National Road 1 bridge over the Hiếu river, the city's northern gateway."),
 P("dong-ha-cong-vien-le-duan", "landmark", "Tượng đài Tổng Bí thư Lê Duẩn", "General Secretary Lê Duẩn monument", 16.8170, 107.1000, "24/7", 0,
   "Tượng đài và công viên ở trung tâm Đông Hà tưởng nhớ Tổng Bí thư Lê Duẩn, người con của Quảng Trị.",
   "A monument and park in central Đông Hà honouring General Secretary Lê Duẩn, a son of Quảng Trị."),
 P("dong-ha-banh-uot-thit-heo", "food", "Bánh ướt cuốn thịt heo", "Rice sheets with pork", 16.8190, 107.0990, "Mo-Su 06:00-21:00", None,
   "Món quen của Quảng Trị: bánh ướt mỏng cuốn thịt heo luộc, rau sống, chấm nước mắm ớt; nhiều quán quanh chợ Đông Hà.",
   "A Quảng Trị favourite: thin rice sheets rolled with boiled pork and herbs, dipped in chilli fish sauce; many stalls around Đông Hà market."),
 P("dong-ha-nha-luu-niem-le-duan", "relic", "Nhà lưu niệm Tổng Bí thư Lê Duẩn", "Lê Duẩn memorial house", 16.7900, 107.1700, "Mo-Su 07:00-17:00", 0,
   "Khu lưu niệm tại quê hương Tổng Bí thư Lê Duẩn ở làng Bích La (Triệu Phong).", "The memorial site in Lê Duẩn's home village of Bích La (Triệu Phong)."),
 P("dong-ha-bien-cua-tung", "beach", "Biển Cửa Tùng", "Cửa Tùng beach", 17.0170, 107.1090, "24/7", 0,
   "Bãi biển cát trắng ở cửa sông Bến Hải, từng được gọi là “nữ hoàng của các bãi tắm”.",
   "A white-sand beach at the mouth of the Bến Hải river, once called “the queen of beaches”."),
 P("dong-ha-khu-luu-tru-cua-viet", "lodging", "Khu lưu trú biển Cửa Việt", "Cửa Việt beach lodgings", 16.9000, 107.1800, "24/7", None,
   "Nhà nghỉ và khách sạn ven biển Cửa Việt, cách trung tâm Đông Hà khoảng 15 km.", "Guesthouses and hotels on Cửa Việt beach, about 15 km from central Đông Hà.", minutes=60),
]

VINH = [
 P("vinh-cho-dem-vinh", "food", "Chợ đêm Vinh", "Vinh night market", 18.6720, 105.6830, "Mo-Su 18:00-23:00", 0,
   "Dãy hàng ăn, quần áo, đồ lưu niệm buổi tối cạnh chợ Vinh.", "Evening food, clothes and souvenir stalls beside Vinh market."),
 P("vinh-sup-luon", "food", "Súp lươn Vinh", "Vinh eel soup", 18.6760, 105.6800, "Mo-Su 06:00-22:00", None,
   "Đặc sản xứ Nghệ: súp lươn xào nghệ ăn với bánh mì hoặc bánh đa; nhiều quán trong trung tâm.", "The Nghệ An speciality: eel stir-fried with turmeric in a thick soup, eaten with bread or rice crackers; many shops downtown."),
 P("vinh-den-cuong", "relic", "Đền Cuông", "Cuông temple", 19.0500, 105.6100, "Mo-Su 07:00-17:00", 0,
   "Đền thờ An Dương Vương trên núi Mộ Dạ (Diễn Châu), di tích quốc gia đặc biệt; lễ hội rằm tháng Hai âm lịch.",
   "Temple of King An Dương Vương on Mộ Dạ mountain (Diễn Châu), a special national relic; festival on the 15th of the second lunar month."),
 P("vinh-khu-luu-niem-phan-boi-chau", "relic", "Khu lưu niệm Phan Bội Châu", "Phan Bội Châu memorial", 18.6920, 105.5130, "Mo-Su 07:00-17:00", 0,
   "Nơi sinh và lớn lên của nhà yêu nước Phan Bội Châu ở Nam Đàn.", "The birthplace of the patriot Phan Bội Châu in Nam Đàn."),
 P("vinh-lang-nuoc-mam-van-phan", "craft-village", "Làng nghề nước mắm Vạn Phần", "Vạn Phần fish-sauce village", 18.9800, 105.6200, "Mo-Su 07:00-17:00", 0,
   "Làng ven biển Diễn Châu làm nước mắm, ruốc, cá khô theo lối truyền thống.", "A Diễn Châu coastal village making fish sauce, shrimp paste and dried fish the old way."),
 P("vinh-bien-cua-hoi", "beach", "Biển Cửa Hội", "Cửa Hội beach", 18.7580, 105.7560, "24/7", 0,
   "Bãi biển ở cửa sông Lam, yên tĩnh hơn Cửa Lò, nổi tiếng hải sản.", "A beach at the mouth of the Lam river, quieter than Cửa Lò and known for seafood."),
 P("vinh-den-ong-hoang-muoi", "religious", "Đền Ông Hoàng Mười", "Ông Hoàng Mười temple", 18.6500, 105.6900, "Mo-Su 06:00-18:00", 0,
   "Đền thờ Ông Hoàng Mười bên sông Lam (Hưng Nguyên), nơi hát văn và lễ hội tháng Mười âm lịch.", "Temple of the Tenth Prince by the Lam river (Hưng Nguyên), with chầu văn singing and a festival in the tenth lunar month."),
 P("vinh-ho-goong", "park", "Công viên hồ Goong", "Goong lake park", 18.6780, 105.6950, "24/7", 0,
   "Hồ nước và công viên ở phía đông thành phố, nơi người dân đi dạo buổi chiều.", "A lake and park in the city's east where people stroll in the evening."),
 P("vinh-khu-luu-tru-cua-lo", "lodging", "Khu lưu trú biển Cửa Lò", "Cửa Lò beach hotels", 18.8150, 105.7200, "24/7", None,
   "Dải khách sạn, nhà nghỉ dọc đường Bình Minh ven biển Cửa Lò, cách Vinh khoảng 16 km.", "Hotels and guesthouses along Bình Minh seafront road in Cửa Lò, about 16 km from Vinh.", minutes=60),
]

GN = [
 P("gia-nghia-cong-vien-dia-chat-dak-nong", "nature", "Công viên địa chất toàn cầu UNESCO Đắk Nông", "Đắk Nông UNESCO Global Geopark", 12.0000, 107.6900, "24/7", 0,
   "Công viên địa chất toàn cầu UNESCO (2020) với hệ thống hang động núi lửa, thác nước và di chỉ khảo cổ.",
   "A UNESCO Global Geopark (2020) of volcanic caves, waterfalls and archaeological sites.", minutes=30),
 P("gia-nghia-thac-dak-glun", "nature", "Thác Đắk G'Lun", "Đắk G'Lun waterfall", 12.0300, 107.4800, "Mo-Su 07:00-17:00", None,
   "Thác nước giữa rừng ở Quảng Tân, có đường mòn và điểm cắm trại.", "A forest waterfall in Quảng Tân with trails and camping spots.", minutes=90),
 P("gia-nghia-thac-dray-sap", "nature", "Thác Đray Sáp", "Dray Sap waterfall", 12.5500, 107.9200, "Mo-Su 07:00-17:00", 30000,
   "Thác “khói” trên sông Sêrêpốk, cụm thác Đray Sáp – Gia Long, thuộc công viên địa chất.", "The “smoke” falls on the Sêrêpốk river, part of the Dray Sap – Gia Long cluster in the geopark.", minutes=90),
 P("gia-nghia-thac-trinh-nu", "nature", "Thác Trinh Nữ", "Trinh Nữ waterfall", 12.6900, 107.9300, "Mo-Su 07:00-17:00", 20000,
   "Thác trên dòng Sêrêpốk ở Cư Jút với các cột đá bazan hình lăng trụ.", "Falls on the Sêrêpốk in Cư Jút with prismatic basalt columns.", minutes=75),
 P("gia-nghia-di-tich-no-trang-long", "relic", "Khu di tích N'Trang Lơng", "N'Trang Lơng relic site", 12.2200, 107.4500, "Mo-Su 07:00-17:00", 0,
   "Di tích căn cứ của phong trào kháng Pháp do thủ lĩnh người M'Nông N'Trang Lơng lãnh đạo (1912–1936).", "Base of the resistance against the French led by the M'Nông chief N'Trang Lơng (1912–1936)."),
 P("gia-nghia-nha-nguc-dak-mil", "relic", "Nhà ngục Đắk Mil", "Đắk Mil prison", 12.4500, 107.6200, "Mo-Su 07:00-17:00", 0,
   "Nhà ngục do Pháp xây năm 1940 giam giữ chiến sĩ cách mạng, di tích quốc gia.", "A prison built by the French in 1940 to hold revolutionaries, a national relic."),
 P("gia-nghia-doi-thong", "park", "Đồi thông Gia Nghĩa", "Gia Nghĩa pine hills", 12.0050, 107.6950, "24/7", 0,
   "Những rừng thông xen phố trên các đồi của Gia Nghĩa, nơi dạo mát buổi sáng.", "Pine groves among the streets on Gia Nghĩa's hills, for a cool morning walk."),
 P("gia-nghia-com-lam-ga-nuong", "food", "Cơm lam gà nướng", "Bamboo rice and grilled chicken", 12.0020, 107.6880, "Mo-Su 10:00-21:00", None,
   "Cơm nếp nướng trong ống tre và gà nướng kiểu Tây Nguyên, kèm muối é; nhiều quán quanh trung tâm.", "Sticky rice roasted in bamboo tubes with Central Highlands grilled chicken and basil salt; many eateries downtown."),
 P("gia-nghia-khu-luu-tru-ho-thien-nga", "lodging", "Khu lưu trú quanh hồ Thiên Nga", "Lodgings around Swan Lake", 12.0010, 107.6920, "24/7", None,
   "Khách sạn, nhà nghỉ quanh hồ Thiên Nga ở trung tâm Gia Nghĩa.", "Hotels and guesthouses around Swan Lake in central Gia Nghĩa.", minutes=60),
]

DN = [
 P("da-nang-bao-tang-da-nang", "museum", "Bảo tàng Đà Nẵng", "Đà Nẵng Museum", 16.0767, 108.2214, "Mo-Su 07:30-17:00", 20000,
   "Bảo tàng lịch sử, văn hóa thành phố trong khuôn viên thành Điện Hải.", "The city's history and culture museum inside Điện Hải citadel.", minutes=75),
 P("da-nang-bao-tang-my-thuat", "museum", "Bảo tàng Mỹ thuật Đà Nẵng", "Đà Nẵng Fine Arts Museum", 16.0680, 108.2196, "Mo-Su 08:00-17:00", 20000,
   "Tranh, tượng của các họa sĩ miền Trung và hiện vật văn hóa các dân tộc.", "Paintings and sculpture by Central Việt Nam artists and ethnic crafts.", minutes=60),
 P("da-nang-lang-co-tuy-loan", "craft-village", "Làng cổ Túy Loan", "Túy Loan old village", 15.9950, 108.1230, "24/7", 0,
   "Làng cổ hơn 500 năm với đình làng, nghề làm bánh tráng và mì Quảng.", "A village over 500 years old with its communal house, rice-paper making and mì Quảng noodles."),
 P("da-nang-mi-quang", "food", "Mì Quảng", "Mì Quảng noodles", 16.0660, 108.2150, "Mo-Su 06:00-21:00", None,
   "Món mì sợi to vàng nghệ, ít nước, với tôm, thịt, trứng cút, bánh tráng nướng; có mặt khắp phố.", "Turmeric-yellow wide noodles in a little broth with shrimp, pork, quail eggs and a grilled rice cracker, found all over town."),
 P("da-nang-khu-luu-tru-my-khe", "lodging", "Khu lưu trú ven biển Mỹ Khê", "Mỹ Khê beachfront hotels", 16.0630, 108.2460, "24/7", None,
   "Khách sạn dọc đường Võ Nguyên Giáp và các phố sau biển Mỹ Khê.", "Hotels along Võ Nguyên Giáp road and the streets behind Mỹ Khê beach.", minutes=60),
]

def E(id, vi, en, dvi, den, starts, ends, place=None, repeat=None, approximate=False):
    """An event; `repeat` is "weekly" or "yearly"."""
    e = {"id": id, "name": {"vi": vi, "en": en}, "description": {"vi": dvi, "en": den}, "starts": starts, "ends": ends}
    if repeat:
        e["repeat"] = repeat
    if place:
        e["place_id"] = place
    if approximate:
        e["approximate"] = True
    return e

def T(id, vi, en, dvi, den, minutes, transport, stops, event=None):
    """A tour: `stops` as (place id, minutes) pairs."""
    t = {"id": id, "transport": transport, "name": {"vi": vi, "en": en}, "description": {"vi": dvi, "en": den},
         "duration_min": minutes, "stops": [{"place_id": p, "minutes": m} for p, m in stops]}
    if event:
        t["event_id"] = event
    return t

# Events: `repeat` weekly/yearly makes "what is on" answer every week; dates here are 2026–2027 (+07:00).
EV = {
 "ha-giang": [
  E("ha-giang-cho-phien-dong-van-weekly", "Chợ phiên Đồng Văn (Chủ nhật)", "Đồng Văn Sunday market",
    "Chợ phiên họp mỗi sáng Chủ nhật ở phố cổ Đồng Văn.", "Held every Sunday morning in Đồng Văn old quarter.",
    "2026-01-04T05:00:00+07:00", "2026-01-04T12:00:00+07:00", place="ha-giang-cho-dong-van", repeat="weekly"),
  E("ha-giang-cho-phien-meo-vac-weekly", "Chợ phiên Mèo Vạc (Chủ nhật)", "Mèo Vạc Sunday market",
    "Chợ phiên họp mỗi sáng Chủ nhật ở thị trấn Mèo Vạc.", "Held every Sunday morning in Mèo Vạc town.",
    "2026-01-04T05:00:00+07:00", "2026-01-04T12:00:00+07:00", place="ha-giang-cho-phien-meo-vac", repeat="weekly"),
  E("ha-giang-hoa-dao-hoa-man-2027", "Mùa hoa đào, hoa mận cao nguyên đá 2027", "Peach and plum blossom season 2027",
    "Đào, mận nở trắng hồng các bản Mông quanh Tết (ngày dự kiến).", "Peach and plum trees bloom around the Hmông villages near Tết (indicative dates).",
    "2027-01-20T00:00:00+07:00", "2027-02-28T23:59:00+07:00", approximate=True),
  E("ha-giang-mua-nuoc-do-2027", "Mùa nước đổ Hoàng Su Phì 2027", "Hoàng Su Phì flooded-terrace season 2027",
    "Ruộng bậc thang được dẫn nước, soi bóng trời (ngày dự kiến).", "The terraces are flooded and mirror the sky (indicative dates).",
    "2027-05-01T00:00:00+07:00", "2027-06-15T23:59:00+07:00", place="ha-giang-ruong-bac-thang-hoang-su-phi", approximate=True),
 ],
 "dong-ha": [
  E("dong-ha-cho-dem-weekend", "Phố đi bộ cuối tuần ven sông Hiếu", "Weekend riverside walking street",
    "Tối thứ Bảy, Chủ nhật có hàng ăn và biểu diễn ven sông Hiếu (ngày dự kiến).", "Saturday and Sunday evenings bring food stalls and shows by the Hiếu river (indicative).",
    "2026-01-03T18:00:00+07:00", "2026-01-04T22:00:00+07:00", place="dong-ha-song-hieu", repeat="weekly", approximate=True),
 ],
 "vinh": [
  E("vinh-den-cuong-2027", "Lễ hội Đền Cuông 2027", "Cuông temple festival 2027",
    "Lễ hội rằm tháng Hai âm lịch tưởng nhớ An Dương Vương.", "Festival on the 15th of the second lunar month honouring King An Dương Vương.",
    "2027-03-22T06:00:00+07:00", "2027-03-24T18:00:00+07:00", place="vinh-den-cuong", approximate=True),
  E("vinh-pho-di-bo-weekend", "Phố đi bộ ven sông Vinh cuối tuần", "Weekend walking street",
    "Tối cuối tuần có ẩm thực và âm nhạc ở trung tâm (ngày dự kiến).", "Weekend evenings with food and music downtown (indicative).",
    "2026-01-03T18:00:00+07:00", "2026-01-04T22:00:00+07:00", place="vinh-quang-truong-ho-chi-minh", repeat="weekly", approximate=True),
 ],
 "gia-nghia": [
  E("gia-nghia-le-hoi-ca-phe-2027", "Ngày hội văn hóa các dân tộc 2027", "Ethnic culture festival 2027",
    "Cồng chiêng, ẩm thực và nghề truyền thống M'Nông, Mạ (ngày dự kiến).", "Gongs, food and crafts of the M'Nông and Mạ peoples (indicative dates).",
    "2027-03-10T08:00:00+07:00", "2027-03-12T21:00:00+07:00", place="gia-nghia-quang-truong-trung-tam", approximate=True),
  E("gia-nghia-cho-phien-weekend", "Chợ phiên cuối tuần Gia Nghĩa", "Gia Nghĩa weekend market",
    "Nông sản, cà phê, mật ong của bà con các bon vào sáng Chủ nhật (ngày dự kiến).", "Produce, coffee and honey from the villages on Sunday mornings (indicative).",
    "2026-01-04T06:00:00+07:00", "2026-01-04T11:00:00+07:00", place="gia-nghia-cho-gia-nghia", repeat="weekly", approximate=True),
 ],
 "da-nang": [
  E("da-nang-cau-rong-phun-lua", "Cầu Rồng phun lửa, phun nước", "Dragon Bridge fire and water show",
    "Tối thứ Bảy, Chủ nhật lúc 21:00, đầu rồng phun lửa và phun nước.", "Saturday and Sunday at 21:00 the dragon's head breathes fire and water.",
    "2026-01-03T21:00:00+07:00", "2026-01-03T21:20:00+07:00", place="da-nang-cau-rong", repeat="weekly"),
  E("da-nang-cau-rong-phun-lua-su", "Cầu Rồng phun lửa (Chủ nhật)", "Dragon Bridge show (Sunday)",
    "Chủ nhật lúc 21:00.", "Sunday at 21:00.",
    "2026-01-04T21:00:00+07:00", "2026-01-04T21:20:00+07:00", place="da-nang-cau-rong", repeat="weekly"),
 ],
}

TOURS = {
 "ha-giang": [
  T("ha-giang-sunday-market-tour", "Sáng Chủ nhật ở Đồng Văn", "Sunday morning in Đồng Văn",
    "Chợ phiên Đồng Văn, thắng cố, phố cổ, rồi Đồn Cao và đèo Mã Pí Lèng.", "Đồng Văn market, thắng cố, the old quarter, the hilltop fort and Mã Pí Lèng pass.",
    300, "motorbike", [("ha-giang-cho-dong-van", 60), ("ha-giang-thang-co-dong-van", 40), ("ha-giang-pho-co-dong-van", 45), ("ha-giang-don-cao-dong-van", 45), ("ha-giang-deo-ma-pi-leng", 30)], event="ha-giang-cho-phien-dong-van-weekly"),
  T("ha-giang-craft-villages", "Làng nghề và bản văn hóa Quản Bạ", "Quản Bạ craft villages",
    "Cổng Trời, dệt lanh Lùng Tám, bản Nậm Đăm và hang Lùng Khúy.", "Heaven Gate, Lùng Tám hemp weaving, Nậm Đăm and Lùng Khúy cave.",
    360, "motorbike", [("ha-giang-cong-troi-quan-ba", 20), ("ha-giang-htx-det-lanh-lung-tam", 45), ("ha-giang-lang-nam-dam", 60), ("ha-giang-hang-lung-khuy", 75)]),
 ],
 "da-nang": [
  T("da-nang-weekend-night", "Tối cuối tuần bên sông Hàn", "Weekend evening on the Hàn river",
    "Chợ Hàn, cầu Tình yêu, xem Cầu Rồng phun lửa lúc 21:00.", "Hàn market, the Love Bridge, then the Dragon Bridge show at 21:00.",
    150, "walk", [("da-nang-cho-han", 45), ("da-nang-cau-tinh-yeu", 20), ("da-nang-cau-rong", 30)], event="da-nang-cau-rong-phun-lua"),
 ],
 "vinh": [
  T("vinh-food-evening", "Ẩm thực tối ở Vinh", "An evening of Vinh food",
    "Chợ đêm Vinh và súp lươn.", "Vinh night market and eel soup.",
    120, "walk", [("vinh-cho-dem-vinh", 60), ("vinh-sup-luon", 40)]),
 ],
 "gia-nghia": [
  T("gia-nghia-sunday-market", "Sáng Chủ nhật Gia Nghĩa", "Sunday morning in Gia Nghĩa",
    "Chợ phiên, hồ Thiên Nga, cơm lam gà nướng.", "The market, Swan Lake and bamboo rice with grilled chicken.",
    210, "motorbike", [("gia-nghia-cho-gia-nghia", 60), ("gia-nghia-ho-thien-nga", 40), ("gia-nghia-com-lam-ga-nuong", 60)], event="gia-nghia-cho-phien-weekend"),
 ],
 "dong-ha": [
  T("dong-ha-weekend-river", "Tối cuối tuần Đông Hà", "Weekend evening in Đông Hà",
    "Tượng đài Lê Duẩn, bánh ướt thịt heo và phố đi bộ ven sông Hiếu.", "The Lê Duẩn monument, rice sheets with pork and the riverside walking street.",
    150, "walk", [("dong-ha-cong-vien-le-duan", 20), ("dong-ha-banh-uot-thit-heo", 40), ("dong-ha-song-hieu", 60)], event="dong-ha-cho-dem-weekend"),
 ],
}

NEW = {"ha-giang": HG, "dong-ha": DH, "vinh": VINH, "gia-nghia": GN, "da-nang": DN}

for slug, new in NEW.items():
    path = pathlib.Path(f"assets/cities/{slug}/pack.json")
    pack = json.loads(path.read_text())
    have = {p["id"] for p in pack["places"]}
    for p in new:
        if p["id"] not in have:
            pack["places"].append(p)
    for i, p in enumerate(pack["places"]):
        p.setdefault("visit_minutes", VISIT.get(p["kind"], 0))
        p["qr_id"] = p.get("qr_id") or f"MC-{slug.upper()}-{i + 1}"
    qrs = [p["qr_id"] for p in pack["places"]]
    assert len(set(qrs)) == len(qrs), slug
    ev_have = {e["id"] for e in pack.get("events", [])}
    pack.setdefault("events", []).extend(e for e in EV.get(slug, []) if e["id"] not in ev_have)
    tour_have = {t["id"] for t in pack.get("tours", [])}
    pack.setdefault("tours", []).extend(t for t in TOURS.get(slug, []) if t["id"] not in tour_have)
    ids = {p["id"] for p in pack["places"]}
    for t in pack["tours"]:
        for s in t["stops"]:
            assert s["place_id"] in ids, (slug, s)
    for e in pack["events"]:
        assert e.get("place_id") is None or e["place_id"] in ids, (slug, e["id"])
    pack["version"] = max(pack["version"], 2)
    if "public knowledge (tourism layer, approximate where marked)" not in pack["sources"]:
        pack["sources"].append("public knowledge (tourism layer, approximate where marked)")
    path.write_text(json.dumps(pack, ensure_ascii=False, indent=2) + "\n")
    print(slug, len(pack["places"]), "places", len(pack["tours"]), "tours", len(pack["events"]), "events")
