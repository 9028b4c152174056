/*
 * demo_data.c — the constant tables of the demo datasets (see demo_data.h).
 *
 * demo_provinces was generated once from ../shared/domain/provinces-2025.csv
 * (old_code, old_name, new_name, new_kind; the pre-2025 kind added: the five
 * centrally-run cities 01, 31, 48, 79, 92 are "city") and is kept here so
 * the binary never reads that file.  The district and commune names below
 * are real places, but which communes merged into which on 2025-07-01 is
 * simplified (whole communes only) and illustrative.  Owns no state.
 */
#include "domain/demo_data.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

const struct demo_province demo_provinces[] = {
	{"01", "Thành phố Hà Nội", "city",
	 "Thành phố Hà Nội", "city"},
	{"04", "Tỉnh Cao Bằng", "province",
	 "Tỉnh Cao Bằng", "province"},
	{"11", "Tỉnh Điện Biên", "province",
	 "Tỉnh Điện Biên", "province"},
	{"12", "Tỉnh Lai Châu", "province",
	 "Tỉnh Lai Châu", "province"},
	{"14", "Tỉnh Sơn La", "province",
	 "Tỉnh Sơn La", "province"},
	{"20", "Tỉnh Lạng Sơn", "province",
	 "Tỉnh Lạng Sơn", "province"},
	{"22", "Tỉnh Quảng Ninh", "province",
	 "Tỉnh Quảng Ninh", "province"},
	{"38", "Tỉnh Thanh Hóa", "province",
	 "Tỉnh Thanh Hóa", "province"},
	{"40", "Tỉnh Nghệ An", "province",
	 "Tỉnh Nghệ An", "province"},
	{"42", "Tỉnh Hà Tĩnh", "province",
	 "Tỉnh Hà Tĩnh", "province"},
	{"46", "Tỉnh Thừa Thiên Huế", "province",
	 "Thành phố Huế", "city"},
	{"02", "Tỉnh Hà Giang", "province",
	 "Tỉnh Tuyên Quang", "province"},
	{"08", "Tỉnh Tuyên Quang", "province",
	 "Tỉnh Tuyên Quang", "province"},
	{"10", "Tỉnh Lào Cai", "province",
	 "Tỉnh Lào Cai", "province"},
	{"15", "Tỉnh Yên Bái", "province",
	 "Tỉnh Lào Cai", "province"},
	{"06", "Tỉnh Bắc Kạn", "province",
	 "Tỉnh Thái Nguyên", "province"},
	{"19", "Tỉnh Thái Nguyên", "province",
	 "Tỉnh Thái Nguyên", "province"},
	{"17", "Tỉnh Hòa Bình", "province",
	 "Tỉnh Phú Thọ", "province"},
	{"25", "Tỉnh Phú Thọ", "province",
	 "Tỉnh Phú Thọ", "province"},
	{"26", "Tỉnh Vĩnh Phúc", "province",
	 "Tỉnh Phú Thọ", "province"},
	{"24", "Tỉnh Bắc Giang", "province",
	 "Tỉnh Bắc Ninh", "province"},
	{"27", "Tỉnh Bắc Ninh", "province",
	 "Tỉnh Bắc Ninh", "province"},
	{"33", "Tỉnh Hưng Yên", "province",
	 "Tỉnh Hưng Yên", "province"},
	{"34", "Tỉnh Thái Bình", "province",
	 "Tỉnh Hưng Yên", "province"},
	{"30", "Tỉnh Hải Dương", "province",
	 "Thành phố Hải Phòng", "city"},
	{"31", "Thành phố Hải Phòng", "city",
	 "Thành phố Hải Phòng", "city"},
	{"35", "Tỉnh Hà Nam", "province",
	 "Tỉnh Ninh Bình", "province"},
	{"36", "Tỉnh Nam Định", "province",
	 "Tỉnh Ninh Bình", "province"},
	{"37", "Tỉnh Ninh Bình", "province",
	 "Tỉnh Ninh Bình", "province"},
	{"44", "Tỉnh Quảng Bình", "province",
	 "Tỉnh Quảng Trị", "province"},
	{"45", "Tỉnh Quảng Trị", "province",
	 "Tỉnh Quảng Trị", "province"},
	{"48", "Thành phố Đà Nẵng", "city",
	 "Thành phố Đà Nẵng", "city"},
	{"49", "Tỉnh Quảng Nam", "province",
	 "Thành phố Đà Nẵng", "city"},
	{"51", "Tỉnh Quảng Ngãi", "province",
	 "Tỉnh Quảng Ngãi", "province"},
	{"62", "Tỉnh Kon Tum", "province",
	 "Tỉnh Quảng Ngãi", "province"},
	{"52", "Tỉnh Bình Định", "province",
	 "Tỉnh Gia Lai", "province"},
	{"64", "Tỉnh Gia Lai", "province",
	 "Tỉnh Gia Lai", "province"},
	{"56", "Tỉnh Khánh Hòa", "province",
	 "Tỉnh Khánh Hòa", "province"},
	{"58", "Tỉnh Ninh Thuận", "province",
	 "Tỉnh Khánh Hòa", "province"},
	{"60", "Tỉnh Bình Thuận", "province",
	 "Tỉnh Lâm Đồng", "province"},
	{"67", "Tỉnh Đắk Nông", "province",
	 "Tỉnh Lâm Đồng", "province"},
	{"68", "Tỉnh Lâm Đồng", "province",
	 "Tỉnh Lâm Đồng", "province"},
	{"54", "Tỉnh Phú Yên", "province",
	 "Tỉnh Đắk Lắk", "province"},
	{"66", "Tỉnh Đắk Lắk", "province",
	 "Tỉnh Đắk Lắk", "province"},
	{"74", "Tỉnh Bình Dương", "province",
	 "Thành phố Hồ Chí Minh", "city"},
	{"77", "Tỉnh Bà Rịa - Vũng Tàu", "province",
	 "Thành phố Hồ Chí Minh", "city"},
	{"79", "Thành phố Hồ Chí Minh", "city",
	 "Thành phố Hồ Chí Minh", "city"},
	{"70", "Tỉnh Bình Phước", "province",
	 "Tỉnh Đồng Nai", "province"},
	{"75", "Tỉnh Đồng Nai", "province",
	 "Tỉnh Đồng Nai", "province"},
	{"72", "Tỉnh Tây Ninh", "province",
	 "Tỉnh Tây Ninh", "province"},
	{"80", "Tỉnh Long An", "province",
	 "Tỉnh Tây Ninh", "province"},
	{"92", "Thành phố Cần Thơ", "city",
	 "Thành phố Cần Thơ", "city"},
	{"93", "Tỉnh Hậu Giang", "province",
	 "Thành phố Cần Thơ", "city"},
	{"94", "Tỉnh Sóc Trăng", "province",
	 "Thành phố Cần Thơ", "city"},
	{"83", "Tỉnh Bến Tre", "province",
	 "Tỉnh Vĩnh Long", "province"},
	{"84", "Tỉnh Trà Vinh", "province",
	 "Tỉnh Vĩnh Long", "province"},
	{"86", "Tỉnh Vĩnh Long", "province",
	 "Tỉnh Vĩnh Long", "province"},
	{"82", "Tỉnh Tiền Giang", "province",
	 "Tỉnh Đồng Tháp", "province"},
	{"87", "Tỉnh Đồng Tháp", "province",
	 "Tỉnh Đồng Tháp", "province"},
	{"95", "Tỉnh Bạc Liêu", "province",
	 "Tỉnh Cà Mau", "province"},
	{"96", "Tỉnh Cà Mau", "province",
	 "Tỉnh Cà Mau", "province"},
	{"89", "Tỉnh An Giang", "province",
	 "Tỉnh An Giang", "province"},
	{"91", "Tỉnh Kiên Giang", "province",
	 "Tỉnh An Giang", "province"},
};
const int demo_provinces_n =
	(int)(sizeof demo_provinces / sizeof demo_provinces[0]);

const struct demo_org demo_orgs[] = {
	{"TU", "party_committee", "Tỉnh ủy ", "Thành ủy "},
	{"MT", "front_committee", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh ",
	 "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố "},
	{"DTN", "youth_union", "Tỉnh đoàn ", "Thành đoàn "},
	{"HPN", "womens_union", "Hội Liên hiệp Phụ nữ tỉnh ",
	 "Hội Liên hiệp Phụ nữ thành phố "},
	{"HND", "farmers_association", "Hội Nông dân tỉnh ",
	 "Hội Nông dân thành phố "},
	{"HCCB", "veterans_association", "Hội Cựu chiến binh tỉnh ",
	 "Hội Cựu chiến binh thành phố "},
	{"LDLD", "labour_federation", "Liên đoàn Lao động tỉnh ",
	 "Liên đoàn Lao động thành phố "},
};
const int demo_orgs_n = (int)(sizeof demo_orgs / sizeof demo_orgs[0]);

/* --- Thành phố Hà Nội (01) --- */
static const char *const hn_districts[] = {
	"Quận Ba Đình", "Quận Hoàn Kiếm", "Huyện Ba Vì", "Huyện Sóc Sơn", NULL};
static const struct demo_commune hn_communes[] = {
	{1, "ward", "Phường Phúc Xá", 0},
	{1, "ward", "Phường Trúc Bạch", 1},
	{1, "ward", "Phường Vĩnh Phúc", 2},
	{1, "ward", "Phường Cống Vị", 2},
	{1, "ward", "Phường Liễu Giai", 2},
	{1, "ward", "Phường Quán Thánh", 1},
	{1, "ward", "Phường Ngọc Hà", 2},
	{1, "ward", "Phường Điện Biên", 1},
	{1, "ward", "Phường Đội Cấn", 0},
	{1, "ward", "Phường Kim Mã", 3},
	{1, "ward", "Phường Giảng Võ", 3},
	{1, "ward", "Phường Thành Công", 3},
	{2, "ward", "Phường Hàng Bạc", 4},
	{2, "ward", "Phường Hàng Bồ", 4},
	{2, "ward", "Phường Hàng Đào", 4},
	{2, "ward", "Phường Hàng Gai", 4},
	{2, "ward", "Phường Hàng Trống", 4},
	{2, "ward", "Phường Lý Thái Tổ", 4},
	{2, "ward", "Phường Tràng Tiền", 5},
	{2, "ward", "Phường Cửa Nam", 5},
	{3, "commune", "Thị trấn Tây Đằng", 10},
	{3, "commune", "Xã Tản Lĩnh", 0},
	{3, "commune", "Xã Ba Trại", 10},
	{3, "commune", "Xã Ba Vì", 6},
	{3, "commune", "Xã Khánh Thượng", 6},
	{3, "commune", "Xã Minh Quang", 6},
	{3, "commune", "Xã Yên Bài", 7},
	{3, "commune", "Xã Vân Hòa", 7},
	{4, "commune", "Thị trấn Sóc Sơn", 8},
	{4, "commune", "Xã Phù Linh", 8},
	{4, "commune", "Xã Tiên Dược", 8},
	{4, "commune", "Xã Mai Đình", 9},
	{4, "commune", "Xã Phù Lỗ", 9},
	{4, "commune", "Xã Minh Phú", 0},
	{4, "commune", "Xã Minh Trí", 0},
	{4, "commune", "Xã Hồng Kỳ", 0},
	{0, NULL, NULL, 0}};
static const struct demo_new_commune hn_merged[] = {
	{"ward", "Phường Ba Đình"},	{"ward", "Phường Ngọc Hà"},
	{"ward", "Phường Giảng Võ"},	{"ward", "Phường Hoàn Kiếm"},
	{"ward", "Phường Cửa Nam"},	{"commune", "Xã Ba Vì"},
	{"commune", "Xã Yên Bài"},	{"commune", "Xã Sóc Sơn"},
	{"commune", "Xã Nội Bài"},	{"commune", "Xã Quảng Oai"},
	{NULL, NULL}};

/* --- Tỉnh Hà Giang (02) --- */
static const char *const hg_districts[] = {
	"Thành phố Hà Giang", "Huyện Đồng Văn", "Huyện Mèo Vạc", NULL};
static const struct demo_commune hg_communes[] = {
	{1, "ward", "Phường Minh Khai", 1},
	{1, "ward", "Phường Trần Phú", 1},
	{1, "ward", "Phường Ngọc Hà", 1},
	{1, "ward", "Phường Nguyễn Trãi", 2},
	{1, "ward", "Phường Quang Trung", 2},
	{1, "commune", "Xã Phương Thiện", 2},
	{1, "commune", "Xã Phương Độ", 0},
	{2, "commune", "Thị trấn Đồng Văn", 6},
	{2, "commune", "Thị trấn Phố Bảng", 7},
	{2, "commune", "Xã Lũng Cú", 3},
	{2, "commune", "Xã Ma Lé", 3},
	{2, "commune", "Xã Lũng Táo", 3},
	{2, "commune", "Xã Sà Phìn", 4},
	{2, "commune", "Xã Sủng Là", 4},
	{3, "commune", "Thị trấn Mèo Vạc", 5},
	{3, "commune", "Xã Pải Lủng", 5},
	{3, "commune", "Xã Giàng Chu Phìn", 5},
	{3, "commune", "Xã Tả Lủng", 5},
	{3, "commune", "Xã Sơn Vĩ", 0},
	{3, "commune", "Xã Xín Cái", 0},
	{0, NULL, NULL, 0}};
static const struct demo_new_commune hg_merged[] = {
	{"ward", "Phường Hà Giang 1"},	{"ward", "Phường Hà Giang 2"},
	{"commune", "Xã Lũng Cú"},	{"commune", "Xã Sà Phìn"},
	{"commune", "Xã Mèo Vạc"},	{"commune", "Xã Đồng Văn"},
	{"commune", "Xã Phố Bảng"},	{NULL, NULL}};

/* --- Tỉnh Tuyên Quang (08) --- */
static const char *const tq_districts[] = {
	"Thành phố Tuyên Quang", "Huyện Sơn Dương", "Huyện Na Hang", NULL};
static const struct demo_commune tq_communes[] = {
	{1, "ward", "Phường Phan Thiết", 1},
	{1, "ward", "Phường Minh Xuân", 1},
	{1, "ward", "Phường Tân Quang", 1},
	{1, "ward", "Phường Ỷ La", 0},
	{1, "ward", "Phường Hưng Thành", 2},
	{1, "commune", "Xã An Tường", 2},
	{1, "ward", "Phường Nông Tiến", 3},
	{1, "ward", "Phường Tân Hà", 3},
	{2, "commune", "Thị trấn Sơn Dương", 4},
	{2, "commune", "Xã Hợp Thành", 4},
	{2, "commune", "Xã Tân Trào", 5},
	{2, "commune", "Xã Minh Thanh", 5},
	{2, "commune", "Xã Trung Yên", 5},
	{2, "commune", "Xã Kháng Nhật", 0},
	{2, "commune", "Xã Sơn Nam", 0},
	{2, "commune", "Xã Đại Phú", 0},
	{3, "commune", "Thị trấn Na Hang", 6},
	{3, "commune", "Xã Năng Khả", 6},
	{3, "commune", "Xã Thượng Nông", 7},
	{3, "commune", "Xã Côn Lôn", 7},
	{3, "commune", "Xã Sơn Phú", 0},
	{3, "commune", "Xã Thanh Tương", 0},
	{0, NULL, NULL, 0}};
static const struct demo_new_commune tq_merged[] = {
	{"ward", "Phường Minh Xuân"},	{"ward", "Phường An Tường"},
	{"ward", "Phường Nông Tiến"},	{"commune", "Xã Sơn Dương"},
	{"commune", "Xã Tân Trào"},	{"commune", "Xã Na Hang"},
	{"commune", "Xã Thượng Nông"},	{NULL, NULL}};

/* --- Tỉnh Thừa Thiên Huế (46) --- */
static const char *const hue_districts[] = {"Huyện Phú Vang", NULL};
static const struct demo_commune hue_communes[] = {
	{1, "commune", "Thị trấn Thuận An", 1},
	{1, "commune", "Xã Phú Thuận", 1},
	{1, "commune", "Xã Phú Hải", 1},
	{1, "commune", "Xã Phú Diên", 2},
	{1, "commune", "Xã Vinh Xuân", 2},
	{1, "commune", "Xã Vinh Thanh", 2},
	{1, "commune", "Xã Phú Mỹ", 0},
	{0, NULL, NULL, 0}};
static const struct demo_new_commune hue_merged[] = {
	{"ward", "Phường Thuận An"}, {"commune", "Xã Phú Vinh"}, {NULL, NULL}};

/* --- Tỉnh Quảng Trị (45) --- */
static const char *const qt_districts[] = {
	"Thành phố Đông Hà", "Huyện Vĩnh Linh", "Huyện Hải Lăng", NULL};
static const struct demo_commune qt_communes[] = {
	{1, "ward", "Phường 1", 1},
	{1, "ward", "Phường 2", 2},
	{1, "ward", "Phường 3", 1},
	{1, "ward", "Phường 4", 0},
	{1, "ward", "Phường 5", 1},
	{1, "ward", "Phường Đông Giang", 1},
	{1, "ward", "Phường Đông Thanh", 1},
	{1, "ward", "Phường Đông Lễ", 2},
	{1, "ward", "Phường Đông Lương", 2},
	{2, "commune", "Thị trấn Hồ Xá", 3},
	{2, "commune", "Xã Vĩnh Long", 3},
	{2, "commune", "Thị trấn Cửa Tùng", 4},
	{2, "commune", "Xã Vĩnh Giang", 4},
	{2, "commune", "Xã Vĩnh Thái", 0},
	{2, "commune", "Xã Vĩnh Tú", 0},
	{2, "commune", "Xã Vĩnh Hà", 0},
	{3, "commune", "Thị trấn Diên Sanh", 5},
	{3, "commune", "Xã Hải Quy", 5},
	{3, "commune", "Xã Hải Định", 5},
	{3, "commune", "Xã Hải An", 0},
	{3, "commune", "Xã Hải Khê", 0},
	{3, "commune", "Xã Hải Ba", 0},
	{0, NULL, NULL, 0}};
static const struct demo_new_commune qt_merged[] = {
	{"ward", "Phường Đông Hà"},	{"ward", "Phường Nam Đông Hà"},
	{"commune", "Xã Vĩnh Linh"},	{"commune", "Xã Cửa Tùng"},
	{"commune", "Xã Hải Lăng"},	{NULL, NULL}};

/* --- Tỉnh Đắk Lắk (66) --- */
static const char *const dl_districts[] = {
	"Thành phố Buôn Ma Thuột", "Huyện Lắk", "Huyện Buôn Đôn", NULL};
static const struct demo_commune dl_communes[] = {
	{1, "ward", "Phường Thắng Lợi", 1},
	{1, "ward", "Phường Thành Công", 1},
	{1, "ward", "Phường Tự An", 1},
	{1, "ward", "Phường Tân An", 2},
	{1, "ward", "Phường Tân Hòa", 2},
	{1, "ward", "Phường Tân Lập", 2},
	{1, "ward", "Phường Thành Nhất", 0},
	{1, "ward", "Phường Ea Tam", 0},
	{1, "commune", "Xã Hòa Thắng", 0},
	{1, "commune", "Xã Cư Êbur", 0},
	{2, "commune", "Thị trấn Liên Sơn", 3},
	{2, "commune", "Xã Yang Tao", 3},
	{2, "commune", "Xã Bông Krang", 3},
	{2, "commune", "Xã Đắk Liêng", 4},
	{2, "commune", "Xã Buôn Tría", 4},
	{2, "commune", "Xã Buôn Triết", 4},
	{2, "commune", "Xã Krông Nô", 0},
	{2, "commune", "Xã Nam Ka", 0},
	{3, "commune", "Xã Krông Na", 5},
	{3, "commune", "Xã Ea Huar", 5},
	{3, "commune", "Xã Ea Wer", 5},
	{3, "commune", "Xã Tân Hòa", 0},
	{3, "commune", "Xã Cuôr Knia", 0},
	{3, "commune", "Xã Ea Bar", 0},
	{3, "commune", "Xã Ea Nuôl", 0},
	{0, NULL, NULL, 0}};
static const struct demo_new_commune dl_merged[] = {
	{"ward", "Phường Buôn Ma Thuột"}, {"ward", "Phường Tân An"},
	{"commune", "Xã Liên Sơn Lắk"},	 {"commune", "Xã Đắk Liêng"},
	{"commune", "Xã Buôn Đôn"},	 {NULL, NULL}};

static const char *const no_districts[] = {NULL};
static const struct demo_commune no_communes[] = {{0, NULL, NULL, 0}};
static const struct demo_new_commune no_merged[] = {{NULL, NULL}};

/* Order matters only for numbering: new communes of one successor are
 * numbered X101, X102, … across its detailed provinces in this order. */
const struct demo_detail demo_details[] = {
	{"01", 1, hn_districts, hn_communes, hn_merged},
	{"02", 1, hg_districts, hg_communes, hg_merged},
	{"08", 1, tq_districts, tq_communes, tq_merged},
	{"44", 1, no_districts, no_communes, no_merged},
	{"45", 1, qt_districts, qt_communes, qt_merged},
	{"46", 1, hue_districts, hue_communes, hue_merged},
	{"66", 1, dl_districts, dl_communes, dl_merged},
};
const int demo_details_n = (int)(sizeof demo_details / sizeof demo_details[0]);

const char *const demo_villages[] = {
	"Đông",	    "Tây",	 "Nam",	     "Bắc",	  "Trung",
	"Thượng",   "Hạ",	 "Tân Lập",  "Đoàn Kết",  "Quyết Tiến",
	"Đồng Tâm", "Thống Nhất", "Hòa Bình", "Tiền Phong", "Xuân Mai",
	"Phú Lợi",  "An Khang",  "Làng Mới", "Bản Chiềng", "Khe Cát",
};
const int demo_villages_n =
	(int)(sizeof demo_villages / sizeof demo_villages[0]);

const char *const demo_syllables[] = {
	"An",	 "Bình",  "Châu", "Đại",   "Đông",  "Gia",   "Hải",	 "Hòa",
	"Hưng",	 "Kim",	  "Lâm",  "Long",  "Minh",  "Mỹ",    "Nam",	 "Ngọc",
	"Phong", "Phú",	  "Phước", "Quang", "Sơn",   "Tân",   "Thạnh", "Thanh",
	"Thuận", "Tiến",  "Trung", "Vĩnh",  "Xuân",  "Yên",   "Lộc",   "Hiệp",
};
const int demo_syllables_n =
	(int)(sizeof demo_syllables / sizeof demo_syllables[0]);

/* ---- codes and names ---- */

/* Format a unit code into out[DEMO_CODE_BUF] (a longer one is cut, and then
 * refused by the domain as too long). */
void demo_codef(char *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out, DEMO_CODE_BUF, fmt, ap);
	va_end(ap);
}

/* "Tỉnh Tuyên Quang" → "Tuyên Quang"; "Thành phố Huế" → "Huế". */
const char *demo_short_name(const char *name)
{
	static const char *const prefixes[] = {"Tỉnh ", "Thành phố "};
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
		size_t n = strlen(prefixes[i]);
		if (strncmp(name, prefixes[i], n) == 0) {
			return name + n;
		}
	}
	return name;
}

int demo_province_index(const char *code)
{
	for (int i = 0; i < demo_provinces_n; i++) {
		if (strcmp(demo_provinces[i].code, code) == 0) {
			return i;
		}
	}
	return -1;
}

/* How many old provinces share province i's successor. */
int demo_group_size(int i)
{
	int n = 0;
	for (int k = 0; k < demo_provinces_n; k++) {
		n += strcmp(demo_provinces[k].new_name, demo_provinces[i].new_name) == 0;
	}
	return n;
}

/* Code of the unit province i belongs to from 2025-07-01 (docs/api.md):
 * itself when alone in its group (renamed or not), else VN-N<code of the
 * member whose name the new province took, or the smallest code>. */
void demo_successor_code(int i, char out[DEMO_CODE_BUF])
{
	const struct demo_province *p = &demo_provinces[i];
	const char *pick = NULL;
	if (demo_group_size(i) == 1) {
		demo_codef(out, "VN-%s", p->code);
		return;
	}
	for (int k = 0; k < demo_provinces_n; k++) {
		const struct demo_province *q = &demo_provinces[k];
		if (strcmp(q->new_name, p->new_name) != 0) {
			continue;
		}
		if (strcmp(q->name, q->new_name) == 0) {
			pick = q->code;
			break;
		}
		if (!pick || strcmp(q->code, pick) < 0) {
			pick = q->code;
		}
	}
	demo_codef(out, "VN-N%s", pick);
}

void demo_org_name(const struct demo_org *o, int city, const char *province,
		   char out[DEMO_NAME_BUF])
{
	snprintf(out, DEMO_NAME_BUF, "%s%s", city ? o->city_prefix : o->prefix,
		 demo_short_name(province));
}

/* The place part of a commune's name: "Xã Tân Trào" → "Tân Trào",
 * "Thị trấn Na Hang" → "Na Hang"; "Phường 1" stays whole. */
const char *demo_place_of(const char *name)
{
	static const char *const prefixes[] = {"Xã ", "Thị trấn ", "Phường "};
	for (size_t k = 0; k < sizeof prefixes / sizeof prefixes[0]; k++) {
		size_t len = strlen(prefixes[k]);
		if (strncmp(name, prefixes[k], len) == 0 &&
		    !(name[len] >= '0' && name[len] <= '9')) {
			return name + len;
		}
	}
	return name;
}

/* The j-th grassroots unit of a commune (0-based) and its kind: mostly the
 * party cells of villages (residential groups in a ward), and every sixth
 * a public body of the commune (a state grassroots unit). */
const char *demo_grassroots_name(int j, const char *commune, int ward,
				 char out[DEMO_NAME_BUF])
{
	static const char *const bodies[] = {
		"Trường Tiểu học", "Trường Mầm non", "Trường THCS",
		"Trạm Y tế",	   "Hợp tác xã",     "Bưu điện văn hóa",
	};
	int v = j - j / 6; /* how many party cells come before */
	if (j % 6 == 5) {
		snprintf(out, DEMO_NAME_BUF, "%s %s", bodies[(j / 6) % 6],
			 demo_place_of(commune));
		return "grassroots";
	}
	if (ward) {
		snprintf(out, DEMO_NAME_BUF, "Chi bộ tổ dân phố số %d", v + 1);
	} else if (v < demo_villages_n) {
		snprintf(out, DEMO_NAME_BUF, "Chi bộ thôn %s", demo_villages[v]);
	} else {
		snprintf(out, DEMO_NAME_BUF, "Chi bộ thôn %d", v - demo_villages_n + 1);
	}
	return "party_cell";
}

int demo_detail_index(const char *code)
{
	for (int k = 0; k < demo_details_n; k++) {
		if (strcmp(demo_details[k].code, code) == 0) {
			return k;
		}
	}
	return -1;
}

/* Is province i the first row of its group (the row that acts for it)? */
int demo_group_first(int i)
{
	for (int k = 0; k < i; k++) {
		if (strcmp(demo_provinces[k].new_name, demo_provinces[i].new_name) == 0) {
			return 0;
		}
	}
	return 1;
}

/* Must the group of province i be prepared before it merges?  org_reorg
 * changes a unit at most once per date (each event must come strictly
 * after the unit's last change), and a merge moves the sources' children.
 * So where the members have districts (dissolved on 2025-07-01) or two of
 * them have organizations (merged on 2025-07-01), the new province is
 * created first, the districts and organizations are dealt with under it,
 * and the old provinces are then merged into that existing unit.  Other
 * groups merge into a new unit in one event. */
int demo_group_needs_prep(int i)
{
	int with_orgs = 0, with_districts = 0;
	for (int k = 0; k < demo_provinces_n; k++) {
		int d;
		if (strcmp(demo_provinces[k].new_name, demo_provinces[i].new_name) != 0 ||
		    (d = demo_detail_index(demo_provinces[k].code)) < 0) {
			continue;
		}
		with_orgs += demo_details[d].orgs;
		with_districts += demo_details[d].districts[0] != NULL;
	}
	return demo_group_size(i) > 1 && (with_districts > 0 || with_orgs > 1);
}

/* First number (after 100) of detail `di`'s new communes: its successor's
 * new communes are numbered across the detailed provinces in table order. */
int demo_first_new_commune(int di)
{
	char mine[DEMO_CODE_BUF], other[DEMO_CODE_BUF];
	int n = 101;
	demo_successor_code(demo_province_index(demo_details[di].code), mine);
	for (int k = 0; k < di; k++) {
		demo_successor_code(demo_province_index(demo_details[k].code), other);
		if (strcmp(mine, other) == 0) {
			for (int m = 0; demo_details[k].merged[m].kind; m++) {
				n++;
			}
		}
	}
	return n;
}

/* A made-up but plausible name for the k-th new commune of a province:
 * two distinct syllables, never repeated within the province. */
void demo_commune_name(int k, int seed, int ward, char out[DEMO_NAME_BUF])
{
	int ns = demo_syllables_n, pairs = ns * (ns - 1);
	int m = (int)(((long)k * 37 + seed) % pairs), a = m / (ns - 1),
	    b = m % (ns - 1);
	if (b >= a) {
		b++;
	}
	snprintf(out, DEMO_NAME_BUF, "%s %s %s", ward ? "Phường" : "Xã",
		 demo_syllables[a], demo_syllables[b]);
}
