//! Demo data for dossiers: a procedure catalogue per city built from tables
//! of real procedure names, fields and agencies (the national database lists
//! the same procedure once per level and action: "Cấp", "Cấp lại",
//! "Gia hạn"…), and demo dossiers in every status, overdue included.

use mycity_protocol::dossier::{DossierStatus, FilingWay, OnlineLevel, Paper, Payee, Procedure};

/// A city's one-stop setting: its province code (QCVN 102:2016 `Hxx`) and names.
pub(crate) struct CityDesk {
    pub slug: &'static str,
    /// Province code, e.g. `H15`.
    pub province: &'static str,
    /// The receiving unit's second-level group (`000.00.15.H15`).
    pub unit_group: &'static str,
    pub province_name: &'static str,
    pub city_name: &'static str,
}

pub(crate) const DESKS: [CityDesk; 5] = [
    CityDesk {
        slug: "ha-giang",
        province: "H60",
        unit_group: "15",
        province_name: "tỉnh Tuyên Quang",
        city_name: "phường Hà Giang 1",
    },
    CityDesk {
        slug: "dong-ha",
        province: "H50",
        unit_group: "19",
        province_name: "tỉnh Quảng Trị",
        city_name: "phường Đông Hà",
    },
    CityDesk {
        slug: "vinh",
        province: "H41",
        unit_group: "16",
        province_name: "tỉnh Nghệ An",
        city_name: "phường Thành Vinh",
    },
    CityDesk {
        slug: "gia-nghia",
        province: "H36",
        unit_group: "20",
        province_name: "tỉnh Lâm Đồng",
        city_name: "phường Bắc Gia Nghĩa",
    },
    CityDesk {
        slug: "da-nang",
        province: "H15",
        unit_group: "15",
        province_name: "thành phố Đà Nẵng",
        city_name: "phường Hải Châu",
    },
];

/// Where a procedure is done.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Province,
    Commune,
}

/// An object of procedures, with the actions the national database lists for it.
struct Family {
    field: &'static str,
    level: Level,
    /// Department (for the province level) or the commune's People's Committee.
    agency: &'static str,
    base_code: u32,
    /// (action prefix, object) → "Cấp lại" + " " + "giấy phép xây dựng".
    object: &'static str,
    actions: &'static [&'static str],
    days: u16,
    fee: &'static str,
    online: OnlineLevel,
    papers: &'static [(&'static str, Option<&'static str>)],
    result: &'static str,
    law: &'static str,
}

const FAMILIES: &[Family] = &[
    Family {
        field: "Hoạt động xây dựng",
        level: Level::Province,
        agency: "Sở Xây dựng",
        base_code: 2891,
        object: "giấy phép xây dựng",
        actions: &["Cấp", "Cấp lại", "Điều chỉnh", "Gia hạn", "Cấp theo giai đoạn"],
        days: 20,
        fee: "Lệ phí: 150.000 đồng/giấy phép",
        online: OnlineLevel::Partial,
        papers: &[
            ("Đơn đề nghị cấp giấy phép xây dựng", Some("Mẫu số 01 Phụ lục II Nghị định 15/2021/NĐ-CP")),
            ("Bản sao giấy tờ chứng minh quyền sử dụng đất", None),
            ("Hai bộ bản vẽ thiết kế xây dựng", None),
        ],
        result: "Giấy phép xây dựng",
        law: "Luật Xây dựng số 50/2014/QH13; Nghị định 15/2021/NĐ-CP",
    },
    Family {
        field: "Hoạt động xây dựng",
        level: Level::Commune,
        agency: "Ủy ban nhân dân cấp xã",
        base_code: 2892,
        object: "giấy phép xây dựng nhà ở riêng lẻ",
        actions: &["Cấp", "Cấp lại", "Điều chỉnh", "Gia hạn", "Cấp có thời hạn"],
        days: 15,
        fee: "Lệ phí: 75.000 đồng/giấy phép",
        online: OnlineLevel::Partial,
        papers: &[
            ("Đơn đề nghị cấp giấy phép xây dựng nhà ở riêng lẻ", Some("Mẫu số 01")),
            ("Bản sao giấy chứng nhận quyền sử dụng đất", None),
            ("Bản vẽ thiết kế mặt bằng, mặt cắt, mặt đứng", None),
        ],
        result: "Giấy phép xây dựng nhà ở riêng lẻ",
        law: "Luật Xây dựng số 50/2014/QH13; Nghị định 15/2021/NĐ-CP",
    },
    Family {
        field: "Hộ tịch",
        level: Level::Commune,
        agency: "Ủy ban nhân dân cấp xã",
        base_code: 193,
        object: "khai sinh",
        actions: &[
            "Đăng ký",
            "Đăng ký lại",
            "Đăng ký {} lưu động",
            "Đăng ký {} có yếu tố nước ngoài",
            "Đăng ký {} kết hợp nhận cha, mẹ, con",
        ],
        days: 1,
        fee: "Không",
        online: OnlineLevel::Full,
        papers: &[
            ("Tờ khai đăng ký khai sinh", Some("Mẫu Thông tư 04/2020/TT-BTP")),
            ("Giấy chứng sinh", None),
            ("Căn cước công dân của người đi đăng ký", None),
        ],
        result: "Giấy khai sinh (bản chính)",
        law: "Luật Hộ tịch số 60/2014/QH13; Nghị định 123/2015/NĐ-CP",
    },
    Family {
        field: "Hộ tịch",
        level: Level::Commune,
        agency: "Ủy ban nhân dân cấp xã",
        base_code: 894,
        object: "kết hôn",
        actions: &["Đăng ký", "Đăng ký lại", "Đăng ký {} lưu động", "Đăng ký {} có yếu tố nước ngoài"],
        days: 5,
        fee: "Không",
        online: OnlineLevel::Partial,
        papers: &[
            ("Tờ khai đăng ký kết hôn", Some("Mẫu Thông tư 04/2020/TT-BTP")),
            ("Giấy xác nhận tình trạng hôn nhân", None),
        ],
        result: "Giấy chứng nhận kết hôn",
        law: "Luật Hôn nhân và gia đình 2014; Luật Hộ tịch 2014",
    },
    Family {
        field: "Hộ tịch",
        level: Level::Commune,
        agency: "Ủy ban nhân dân cấp xã",
        base_code: 1022,
        object: "khai tử",
        actions: &["Đăng ký", "Đăng ký lại", "Đăng ký {} lưu động", "Đăng ký {} có yếu tố nước ngoài"],
        days: 1,
        fee: "Không",
        online: OnlineLevel::Full,
        papers: &[("Tờ khai đăng ký khai tử", Some("Mẫu Thông tư 04/2020/TT-BTP")), ("Giấy báo tử", None)],
        result: "Trích lục khai tử",
        law: "Luật Hộ tịch số 60/2014/QH13",
    },
    Family {
        field: "Hộ tịch",
        level: Level::Commune,
        agency: "Ủy ban nhân dân cấp xã",
        base_code: 4746,
        object: "giám hộ",
        actions: &["Đăng ký", "Đăng ký chấm dứt", "Đăng ký thay đổi", "Đăng ký {} có yếu tố nước ngoài"],
        days: 3,
        fee: "Không",
        online: OnlineLevel::Partial,
        papers: &[("Tờ khai đăng ký giám hộ", Some("Mẫu Thông tư 04/2020/TT-BTP")), ("Văn bản cử người giám hộ", None)],
        result: "Trích lục đăng ký giám hộ",
        law: "Bộ luật Dân sự 2015; Luật Hộ tịch 2014",
    },
    Family {
        field: "Chứng thực",
        level: Level::Commune,
        agency: "Ủy ban nhân dân cấp xã",
        base_code: 1009,
        object: "bản sao từ bản chính giấy tờ, văn bản",
        actions: &[
            "Chứng thực",
            "Cấp bản sao điện tử được chứng thực từ bản chính",
            "Chứng thực {} do cơ quan nước ngoài cấp",
        ],
        days: 1,
        fee: "Phí: 2.000 đồng/trang",
        online: OnlineLevel::Full,
        papers: &[("Bản chính giấy tờ, văn bản cần chứng thực", None), ("Bản sao cần chứng thực", None)],
        result: "Bản sao được chứng thực",
        law: "Nghị định 23/2015/NĐ-CP",
    },
    Family {
        field: "Chứng thực",
        level: Level::Commune,
        agency: "Ủy ban nhân dân cấp xã",
        base_code: 1016,
        object: "chữ ký",
        actions: &[
            "Chứng thực",
            "Chứng thực {} trong giấy tờ, văn bản bằng tiếng nước ngoài",
            "Chứng thực {} người dịch",
        ],
        days: 1,
        fee: "Phí: 10.000 đồng/trường hợp",
        online: OnlineLevel::None,
        papers: &[("Giấy tờ tùy thân còn giá trị", None), ("Giấy tờ, văn bản cần chứng thực chữ ký", None)],
        result: "Giấy tờ được chứng thực chữ ký",
        law: "Nghị định 23/2015/NĐ-CP",
    },
    Family {
        field: "Đường bộ",
        level: Level::Province,
        agency: "Sở Xây dựng",
        base_code: 2804,
        object: "giấy phép lái xe",
        actions: &[
            "Cấp đổi",
            "Cấp lại",
            "Cấp đổi do nước ngoài cấp",
            "Cấp mới sau sát hạch",
            "Cấp lại quá thời hạn sử dụng",
        ],
        days: 5,
        fee: "Lệ phí: 135.000 đồng/lần",
        online: OnlineLevel::Full,
        papers: &[
            ("Đơn đề nghị đổi, cấp lại giấy phép lái xe", Some("Mẫu Phụ lục XIX")),
            ("Giấy khám sức khỏe của người lái xe", None),
            ("Bản sao giấy phép lái xe", None),
        ],
        result: "Giấy phép lái xe",
        law: "Luật Trật tự, an toàn giao thông đường bộ 2024; Thông tư 35/2024/TT-BGTVT",
    },
    Family {
        field: "Đường bộ",
        level: Level::Province,
        agency: "Sở Xây dựng",
        base_code: 2811,
        object: "giấy phép liên vận",
        actions: &["Cấp", "Cấp lại", "Gia hạn"],
        days: 2,
        fee: "Lệ phí: 50.000 đồng/giấy",
        online: OnlineLevel::Full,
        papers: &[("Đơn đề nghị cấp giấy phép liên vận", Some("Mẫu số 01")), ("Bản sao giấy đăng ký xe", None)],
        result: "Giấy phép liên vận",
        law: "Nghị định 119/2021/NĐ-CP",
    },
    Family {
        field: "Đất đai",
        level: Level::Province,
        agency: "Văn phòng đăng ký đất đai",
        base_code: 1990,
        object: "giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        actions: &["Đăng ký, cấp", "Cấp đổi", "Cấp lại do bị mất", "Đính chính", "Đăng ký biến động"],
        days: 10,
        fee: "Lệ phí: 100.000 đồng/giấy",
        online: OnlineLevel::Partial,
        papers: &[
            ("Đơn đăng ký đất đai, tài sản gắn liền với đất", Some("Mẫu số 04/ĐK")),
            ("Giấy chứng nhận đã cấp (bản gốc)", None),
            ("Hợp đồng, văn bản về chuyển quyền (nếu có)", None),
        ],
        result: "Giấy chứng nhận quyền sử dụng đất",
        law: "Luật Đất đai số 31/2024/QH15; Nghị định 101/2024/NĐ-CP",
    },
    Family {
        field: "Đất đai",
        level: Level::Province,
        agency: "Văn phòng đăng ký đất đai",
        base_code: 2273,
        object: "thế chấp quyền sử dụng đất",
        actions: &["Đăng ký", "Đăng ký thay đổi", "Xóa đăng ký"],
        days: 3,
        fee: "Phí: 80.000 đồng/hồ sơ",
        online: OnlineLevel::Full,
        papers: &[("Phiếu yêu cầu đăng ký", Some("Mẫu số 01a")), ("Hợp đồng thế chấp", None)],
        result: "Xác nhận đăng ký thế chấp",
        law: "Nghị định 99/2022/NĐ-CP",
    },
    Family {
        field: "Thành lập và hoạt động của hộ kinh doanh",
        level: Level::Commune,
        agency: "Ủy ban nhân dân cấp xã",
        base_code: 1612,
        object: "hộ kinh doanh",
        actions: &[
            "Đăng ký thành lập",
            "Đăng ký thay đổi nội dung đăng ký",
            "Tạm ngừng kinh doanh",
            "Chấm dứt hoạt động",
            "Cấp lại giấy chứng nhận đăng ký",
        ],
        days: 3,
        fee: "Lệ phí: 100.000 đồng/lần",
        online: OnlineLevel::Full,
        papers: &[("Giấy đề nghị đăng ký hộ kinh doanh", Some("Phụ lục III-1")), ("Bản sao căn cước của chủ hộ", None)],
        result: "Giấy chứng nhận đăng ký hộ kinh doanh",
        law: "Nghị định 168/2025/NĐ-CP",
    },
    Family {
        field: "Thành lập và hoạt động doanh nghiệp",
        level: Level::Province,
        agency: "Sở Tài chính",
        base_code: 1590,
        object: "doanh nghiệp tư nhân",
        actions: &["Đăng ký thành lập", "Đăng ký thay đổi chủ", "Thông báo tạm ngừng kinh doanh", "Giải thể"],
        days: 3,
        fee: "Lệ phí: 50.000 đồng/lần",
        online: OnlineLevel::Full,
        papers: &[
            ("Giấy đề nghị đăng ký doanh nghiệp", Some("Phụ lục I-1")),
            ("Bản sao giấy tờ pháp lý của cá nhân", None),
        ],
        result: "Giấy chứng nhận đăng ký doanh nghiệp",
        law: "Luật Doanh nghiệp 2020",
    },
    Family {
        field: "Thành lập và hoạt động doanh nghiệp",
        level: Level::Province,
        agency: "Sở Tài chính",
        base_code: 1613,
        object: "công ty trách nhiệm hữu hạn một thành viên",
        actions: &[
            "Đăng ký thành lập",
            "Đăng ký thay đổi vốn điều lệ",
            "Đăng ký thay đổi người đại diện theo pháp luật",
            "Đăng ký thay đổi địa chỉ trụ sở chính",
        ],
        days: 3,
        fee: "Lệ phí: 50.000 đồng/lần",
        online: OnlineLevel::Full,
        papers: &[("Giấy đề nghị đăng ký doanh nghiệp", Some("Phụ lục I-2")), ("Điều lệ công ty", None)],
        result: "Giấy chứng nhận đăng ký doanh nghiệp",
        law: "Luật Doanh nghiệp 2020; Nghị định 168/2025/NĐ-CP",
    },
    Family {
        field: "An toàn thực phẩm",
        level: Level::Province,
        agency: "Sở Y tế",
        base_code: 1621,
        object: "giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        actions: &["Cấp", "Cấp lại", "Cấp lại do thay đổi địa điểm"],
        days: 20,
        fee: "Phí thẩm định: 700.000 đồng/lần",
        online: OnlineLevel::Partial,
        papers: &[("Đơn đề nghị cấp giấy chứng nhận", Some("Mẫu số 01")), ("Bản thuyết minh về cơ sở vật chất", None)],
        result: "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        law: "Luật An toàn thực phẩm 2010; Nghị định 15/2018/NĐ-CP",
    },
    Family {
        field: "Khám bệnh, chữa bệnh",
        level: Level::Province,
        agency: "Sở Y tế",
        base_code: 1907,
        object: "giấy phép hành nghề khám bệnh, chữa bệnh",
        actions: &["Cấp mới", "Cấp lại", "Gia hạn", "Điều chỉnh"],
        days: 30,
        fee: "Phí: 360.000 đồng/lần",
        online: OnlineLevel::Partial,
        papers: &[
            ("Đơn đề nghị cấp giấy phép hành nghề", Some("Mẫu 01 Phụ lục I")),
            ("Bản sao văn bằng chuyên môn", None),
        ],
        result: "Giấy phép hành nghề",
        law: "Luật Khám bệnh, chữa bệnh 2023",
    },
    Family {
        field: "Giáo dục và Đào tạo",
        level: Level::Province,
        agency: "Sở Giáo dục và Đào tạo",
        base_code: 5095,
        object: "bản sao văn bằng, chứng chỉ từ sổ gốc",
        actions: &["Cấp", "Chỉnh sửa nội dung", "Công nhận văn bằng do nước ngoài cấp"],
        days: 5,
        fee: "Không",
        online: OnlineLevel::Full,
        papers: &[
            ("Đơn đề nghị cấp bản sao", Some("Mẫu Thông tư 21/2019/TT-BGDĐT")),
            ("Căn cước của người đề nghị", None),
        ],
        result: "Bản sao văn bằng, chứng chỉ",
        law: "Thông tư 21/2019/TT-BGDĐT",
    },
    Family {
        field: "Bảo trợ xã hội",
        level: Level::Commune,
        agency: "Ủy ban nhân dân cấp xã",
        base_code: 1776,
        object: "trợ cấp xã hội hằng tháng",
        actions: &["Thực hiện", "Thực hiện điều chỉnh, thôi hưởng", "Thực hiện chi trả {} khi chuyển nơi cư trú"],
        days: 15,
        fee: "Không",
        online: OnlineLevel::Partial,
        papers: &[
            ("Tờ khai đề nghị trợ giúp xã hội", Some("Mẫu số 1a Nghị định 20/2021/NĐ-CP")),
            ("Bản sao giấy xác nhận khuyết tật (nếu có)", None),
        ],
        result: "Quyết định hưởng trợ cấp xã hội",
        law: "Nghị định 20/2021/NĐ-CP",
    },
    Family {
        field: "Người có công",
        level: Level::Commune,
        agency: "Ủy ban nhân dân cấp xã",
        base_code: 2305,
        object: "người có công với cách mạng",
        actions: &[
            "Giải quyết chế độ trợ cấp ưu đãi đối với",
            "Giải quyết chế độ mai táng phí đối với",
            "Giải quyết chế độ điều dưỡng phục hồi sức khỏe cho",
        ],
        days: 12,
        fee: "Không",
        online: OnlineLevel::Partial,
        papers: &[("Bản khai cá nhân", Some("Mẫu số 01 Nghị định 131/2021/NĐ-CP")), ("Giấy tờ chứng minh", None)],
        result: "Quyết định giải quyết chế độ",
        law: "Pháp lệnh Ưu đãi người có công với cách mạng 2020",
    },
    Family {
        field: "Lao động",
        level: Level::Province,
        agency: "Sở Nội vụ",
        base_code: 637,
        object: "giấy phép lao động cho người nước ngoài",
        actions: &["Cấp", "Cấp lại", "Gia hạn", "Xác nhận không thuộc diện cấp"],
        days: 10,
        fee: "Lệ phí: 600.000 đồng/giấy phép",
        online: OnlineLevel::Full,
        papers: &[
            ("Văn bản đề nghị cấp giấy phép lao động", Some("Mẫu số 11/PLI")),
            ("Giấy chứng nhận sức khỏe", None),
        ],
        result: "Giấy phép lao động",
        law: "Bộ luật Lao động 2019; Nghị định 152/2020/NĐ-CP",
    },
    Family {
        field: "Văn hóa",
        level: Level::Province,
        agency: "Sở Văn hóa, Thể thao và Du lịch",
        base_code: 1029,
        object: "lễ hội",
        actions: &["Đăng ký tổ chức", "Thông báo tổ chức", "Cấp giấy phép tổ chức"],
        days: 15,
        fee: "Không",
        online: OnlineLevel::Partial,
        papers: &[("Văn bản đề nghị", Some("Mẫu số 01")), ("Kịch bản, chương trình lễ hội", None)],
        result: "Văn bản chấp thuận",
        law: "Nghị định 110/2018/NĐ-CP",
    },
    Family {
        field: "Du lịch",
        level: Level::Province,
        agency: "Sở Văn hóa, Thể thao và Du lịch",
        base_code: 3812,
        object: "thẻ hướng dẫn viên du lịch",
        actions: &["Cấp", "Cấp đổi", "Cấp lại", "Thu hồi"],
        days: 10,
        fee: "Phí thẩm định: 650.000 đồng/thẻ",
        online: OnlineLevel::Full,
        papers: &[
            ("Đơn đề nghị cấp thẻ", Some("Mẫu Phụ lục II Thông tư 06/2017/TT-BVHTTDL")),
            ("Ảnh chân dung 3cm x 4cm", None),
        ],
        result: "Thẻ hướng dẫn viên du lịch",
        law: "Luật Du lịch 2017",
    },
    Family {
        field: "Môi trường",
        level: Level::Province,
        agency: "Sở Nông nghiệp và Môi trường",
        base_code: 10724,
        object: "giấy phép môi trường",
        actions: &["Cấp", "Cấp đổi", "Điều chỉnh", "Cấp lại"],
        days: 30,
        fee: "Phí thẩm định theo nghị quyết của Hội đồng nhân dân",
        online: OnlineLevel::Partial,
        papers: &[
            ("Văn bản đề nghị cấp giấy phép môi trường", Some("Mẫu Phụ lục VIII")),
            ("Báo cáo đề xuất cấp giấy phép", None),
        ],
        result: "Giấy phép môi trường",
        law: "Luật Bảo vệ môi trường 2020; Nghị định 08/2022/NĐ-CP",
    },
    Family {
        field: "Tư pháp",
        level: Level::Province,
        agency: "Sở Tư pháp",
        base_code: 1153,
        object: "phiếu lý lịch tư pháp",
        actions: &[
            "Cấp",
            "Cấp cho công dân Việt Nam, người nước ngoài đang cư trú",
            "Cấp cho cơ quan tiến hành tố tụng",
        ],
        days: 10,
        fee: "Phí: 200.000 đồng/lần/người",
        online: OnlineLevel::Full,
        papers: &[
            ("Tờ khai yêu cầu cấp phiếu lý lịch tư pháp", Some("Mẫu số 03/2013/TT-LLTP")),
            ("Bản chụp căn cước", None),
        ],
        result: "Phiếu lý lịch tư pháp",
        law: "Luật Lý lịch tư pháp 2009",
    },
    Family {
        field: "Cư trú",
        level: Level::Commune,
        agency: "Công an cấp xã",
        base_code: 8142,
        object: "",
        actions: &[
            "Đăng ký thường trú",
            "Đăng ký tạm trú",
            "Xóa đăng ký thường trú",
            "Gia hạn tạm trú",
            "Khai báo thông tin về cư trú",
        ],
        days: 7,
        fee: "Lệ phí: 20.000 đồng/lần",
        online: OnlineLevel::Full,
        papers: &[("Tờ khai thay đổi thông tin cư trú", Some("Mẫu CT01")), ("Giấy tờ chứng minh chỗ ở hợp pháp", None)],
        result: "Thông tin cư trú được cập nhật",
        law: "Luật Cư trú 2020",
    },
    Family {
        field: "Thủy lợi",
        level: Level::Province,
        agency: "Sở Nông nghiệp và Môi trường",
        base_code: 3402,
        object: "giấy phép hoạt động trong phạm vi bảo vệ công trình thủy lợi",
        actions: &["Cấp", "Cấp lại", "Gia hạn", "Điều chỉnh"],
        days: 20,
        fee: "Không",
        online: OnlineLevel::Partial,
        papers: &[("Đơn đề nghị cấp giấy phép", Some("Mẫu số 01")), ("Bản đồ vị trí hoạt động", None)],
        result: "Giấy phép",
        law: "Luật Thủy lợi 2017",
    },
    Family {
        field: "Thi đua, khen thưởng",
        level: Level::Commune,
        agency: "Ủy ban nhân dân cấp xã",
        base_code: 583,
        object: "",
        actions: &[
            "Tặng giấy khen theo công trạng",
            "Tặng giấy khen theo đợt",
            "Tặng giấy khen cho gia đình",
            "Tặng danh hiệu Lao động tiên tiến",
        ],
        days: 20,
        fee: "Không",
        online: OnlineLevel::None,
        papers: &[("Tờ trình đề nghị khen thưởng", None), ("Báo cáo thành tích", Some("Mẫu Nghị định 98/2023/NĐ-CP"))],
        result: "Quyết định khen thưởng",
        law: "Luật Thi đua, khen thưởng 2022",
    },
    Family {
        field: "Nuôi con nuôi",
        level: Level::Commune,
        agency: "Ủy ban nhân dân cấp xã",
        base_code: 1079,
        object: "nuôi con nuôi trong nước",
        actions: &["Đăng ký", "Đăng ký lại", "Ghi vào sổ việc nuôi con nuôi đã đăng ký ở nước ngoài"],
        days: 30,
        fee: "Lệ phí: 400.000 đồng/trường hợp",
        online: OnlineLevel::None,
        papers: &[("Đơn xin nhận con nuôi", Some("Mẫu TP/CN-2014/CN.01")), ("Giấy khám sức khỏe", None)],
        result: "Giấy chứng nhận nuôi con nuôi",
        law: "Luật Nuôi con nuôi 2010",
    },
    Family {
        field: "Phòng cháy, chữa cháy",
        level: Level::Province,
        agency: "Công an tỉnh",
        base_code: 9201,
        object: "thiết kế về phòng cháy và chữa cháy",
        actions: &["Thẩm duyệt", "Thẩm duyệt điều chỉnh", "Kiểm tra kết quả nghiệm thu"],
        days: 15,
        fee: "Phí thẩm duyệt theo tổng mức đầu tư",
        online: OnlineLevel::Partial,
        papers: &[("Văn bản đề nghị thẩm duyệt", Some("Mẫu PC06")), ("Hồ sơ thiết kế", None)],
        result: "Giấy chứng nhận thẩm duyệt thiết kế",
        law: "Luật Phòng cháy, chữa cháy và cứu nạn, cứu hộ 2024",
    },
    Family {
        field: "Quản lý công sản",
        level: Level::Province,
        agency: "Sở Tài chính",
        base_code: 5442,
        object: "tài sản công",
        actions: &["Quyết định thanh lý", "Quyết định điều chuyển", "Quyết định bán", "Quyết định tiêu hủy"],
        days: 30,
        fee: "Không",
        online: OnlineLevel::None,
        papers: &[("Văn bản đề nghị", None), ("Danh mục tài sản", Some("Mẫu Nghị định 151/2017/NĐ-CP"))],
        result: "Quyết định của cơ quan có thẩm quyền",
        law: "Luật Quản lý, sử dụng tài sản công 2017",
    },
];

fn level_text(l: Level) -> &'static str {
    match l {
        Level::Province => "Cấp tỉnh",
        Level::Commune => "Cấp xã",
    }
}

/// Joins an action and an object the way the catalogue writes names:
/// "Cấp lại" + "giấy phép xây dựng" → "Cấp lại giấy phép xây dựng".
fn name_of(action: &str, object: &str) -> String {
    if action.contains("{}") {
        action.replace("{}", object)
    } else if object.is_empty() {
        action.to_owned()
    } else {
        format!("{action} {object}")
    }
}

/// The catalogue of a city: every family's actions at its level, at least 150 records.
pub(crate) fn procedures(desk: &CityDesk) -> Vec<Procedure> {
    let mut out = Vec::new();
    // Each family yields its actions; communal families repeat at the province's
    // public administration service centre when filed there, so a city counts more.
    for f in FAMILIES {
        for (ai, action) in f.actions.iter().enumerate() {
            out.push(record(desk, f, ai, action, f.level));
        }
    }
    // The same procedures at the second level where the 2025 reform moved them
    // (province-level tasks delegated to communes): keep adding until ≥ 150.
    let mut k = 0;
    while out.len() < 160 {
        let f = &FAMILIES[k % FAMILIES.len()];
        let ai = (k / FAMILIES.len()) % f.actions.len();
        let other = match f.level {
            Level::Province => Level::Commune,
            Level::Commune => Level::Province,
        };
        let r = record(desk, f, ai + 10 * (1 + k / (FAMILIES.len() * 5)), f.actions[ai], other);
        if !out.iter().any(|p: &Procedure| p.code == r.code) {
            out.push(r);
        }
        k += 1;
        if k > 2000 {
            break;
        }
    }
    out
}

fn record(desk: &CityDesk, f: &Family, ai: usize, action: &str, level: Level) -> Procedure {
    let national = f.base_code * 10 + ai as u32;
    let level_part = match level {
        Level::Province => "000.00.00",
        Level::Commune => "000.00.15",
    };
    let agency = match level {
        Level::Province if f.level == Level::Province => format!("{} {}", f.agency, desk.province_name),
        Level::Province => format!("Trung tâm Phục vụ hành chính công {}", desk.province_name),
        Level::Commune => format!("Ủy ban nhân dân {}", desk.city_name),
    };
    let (time_limit, in_person_fee) = (format!("{} ngày làm việc", f.days), f.fee.to_owned());
    let mut ways =
        vec![FilingWay { way: "Trực tiếp".into(), time_limit: time_limit.clone(), fee: in_person_fee.clone() }];
    if !matches!(f.online, OnlineLevel::None) {
        ways.push(FilingWay {
            way: "Trực tuyến".into(), time_limit: time_limit.clone(), fee: in_person_fee.clone()
        });
    }
    ways.push(FilingWay { way: "Dịch vụ bưu chính".into(), time_limit, fee: in_person_fee });
    let papers = f
        .papers
        .iter()
        .enumerate()
        .map(|(i, (name, form))| Paper {
            name: (*name).into(),
            originals: if i == 0 { 1 } else { 0 },
            copies: if i == 0 { 0 } else { 1 },
            form: form.map(str::to_owned),
        })
        .collect();
    Procedure {
        code: format!("1.{national:06}.{level_part}.{}", desk.province),
        city: desk.slug.into(),
        name: name_of(action, f.object),
        field: f.field.into(),
        level: level_text(level).into(),
        agency,
        ways,
        papers,
        steps: vec![
            "Nộp hồ sơ tại Bộ phận Một cửa hoặc trên Cổng Dịch vụ công".into(),
            "Bộ phận Một cửa kiểm tra, tiếp nhận và trả giấy tiếp nhận, hẹn trả kết quả".into(),
            "Cơ quan có thẩm quyền thẩm định, giải quyết".into(),
            "Trả kết quả tại Bộ phận Một cửa, qua bưu chính hoặc trực tuyến".into(),
        ],
        result: f.result.into(),
        legal_basis: f.law.split("; ").map(str::to_owned).collect(),
        conditions: String::new(),
        online: f.online,
    }
}

/// The account a city's dossier fees are paid into. Demo values: a real
/// deployment takes the one-stop centre's collection account from its
/// configuration. The BIN is VietinBank's, where many provincial treasuries
/// hold theirs; the account numbers are made up.
pub(crate) fn payee(city: &str, code: &str) -> Payee {
    let (account, name) = match city {
        "ha-giang" => ("113000201001", "TRUNG TAM PHUC VU HANH CHINH CONG TINH HA GIANG"),
        "dong-ha" => ("113000201002", "TRUNG TAM PHUC VU HANH CHINH CONG TINH QUANG TRI"),
        "vinh" => ("113000201003", "TRUNG TAM PHUC VU HANH CHINH CONG TINH NGHE AN"),
        "gia-nghia" => ("113000201004", "TRUNG TAM PHUC VU HANH CHINH CONG TINH DAK NONG"),
        _ => ("113000201005", "TRUNG TAM PHUC VU HANH CHINH CONG TP DA NANG"),
    };
    Payee {
        bin: "970415".into(),
        bank: "VietinBank".into(),
        account: account.into(),
        account_name: name.into(),
        reference: code.into(),
    }
}

/// A demo dossier: status, days since received, days to the appointment
/// (negative: already past), its history and the note of the last step.
pub(crate) struct DemoDossier {
    pub seq: u16,
    pub secret: &'static str,
    pub applicant: &'static str,
    pub status: DossierStatus,
    pub received_days_ago: i64,
    pub appointment_in_days: i64,
    pub note: &'static str,
    pub missing: &'static [&'static str],
    pub amount_vnd: Option<i64>,
}

/// One demo per status, then one overdue (processing, appointment passed).
pub(crate) const DEMOS: [DemoDossier; 11] = [
    demo(1, "2468", "Nguyễn Văn An", DossierStatus::Registered, 0, 15, "Hồ sơ nộp trực tuyến, chờ tiếp nhận"),
    demo(2, "1357", "Trần Thị Bình", DossierStatus::Accepted, 1, 14, "Đã tiếp nhận, chuyển phòng chuyên môn"),
    demo(3, "8642", "Lê Văn Cường", DossierStatus::NotAccepted, 2, 13, "Hồ sơ không thuộc thẩm quyền giải quyết"),
    demo(4, "9753", "Phạm Thị Dung", DossierStatus::Processing, 5, 10, "Đang thẩm định hồ sơ"),
    DemoDossier {
        missing: &["Bản sao căn cước công dân", "Bản vẽ mặt bằng có chữ ký"],
        ..demo(5, "1122", "Hoàng Văn Em", DossierStatus::NeedsPapers, 6, 9, "Thiếu bản sao CCCD")
    },
    DemoDossier {
        amount_vnd: Some(150_000),
        ..demo(6, "3344", "Vũ Thị Giang", DossierStatus::NeedsPayment, 7, 8, "Nộp lệ phí 150.000 đồng")
    },
    demo(7, "5566", "Đặng Văn Hải", DossierStatus::Withdrawn, 8, 7, "Công dân đề nghị rút hồ sơ"),
    demo(8, "7788", "Bùi Thị Hoa", DossierStatus::Stopped, 9, 6, "Dừng xử lý theo đề nghị của cơ quan thuế"),
    demo(9, "9900", "Đỗ Văn Khánh", DossierStatus::Done, 10, 2, "Đã ký duyệt, chờ trả kết quả"),
    demo(10, "2244", "Ngô Thị Lan", DossierStatus::Returned, 12, -1, "Đã trả kết quả cho công dân"),
    demo(11, "6688", "Dương Văn Minh", DossierStatus::Processing, 20, -3, "Đang chờ ý kiến phối hợp"),
];

const fn demo(
    seq: u16,
    secret: &'static str,
    applicant: &'static str,
    status: DossierStatus,
    received_days_ago: i64,
    appointment_in_days: i64,
    note: &'static str,
) -> DemoDossier {
    DemoDossier {
        seq,
        secret,
        applicant,
        status,
        received_days_ago,
        appointment_in_days,
        note,
        missing: &[],
        amount_vnd: None,
    }
}

/// The receipt code of a dossier received on `date` (YYMMDD) with sequence `seq`.
pub(crate) fn code(desk: &CityDesk, date: &str, seq: u16) -> String {
    format!("000.00.{}.{}-{date}-{seq:04}", desk.unit_group, desk.province)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_city_has_at_least_150_distinct_procedures() {
        for desk in &DESKS {
            let all = procedures(desk);
            assert!(all.len() >= 150, "{}: {}", desk.slug, all.len());
            let codes: std::collections::HashSet<_> = all.iter().map(|p| &p.code).collect();
            assert_eq!(codes.len(), all.len(), "{}: codes repeat", desk.slug);
        }
        let hg = procedures(&DESKS[0]);
        assert!(hg.iter().any(|p| p.name == "Cấp giấy phép xây dựng"));
        assert!(hg.iter().any(|p| p.name == "Đăng ký khai sinh"));
        assert!(hg.iter().any(|p| p.name == "Cấp đổi giấy phép lái xe"));
    }

    #[test]
    fn demos_cover_every_status() {
        for s in DossierStatus::ALL {
            assert!(DEMOS.iter().any(|d| d.status == s), "{s:?}");
        }
        assert!(DEMOS.iter().any(|d| d.appointment_in_days < 0 && !d.status.is_final()));
    }
}
