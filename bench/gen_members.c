/*
 * bench/gen_members.c — writes a realistic member file for the import
 * benchmark to stdout: the Vietnamese column headers a clerk's spreadsheet
 * has, dd/mm/yyyy dates, names with diacritics, citizen IDs consistent
 * with gender and birth year (unique), phone numbers, and units taken in
 * turn from a list of unit codes.  Deterministic (fixed seed).
 *
 *   bench_gen_members N UNITS_FILE [--bad PER_MILLE] > members.csv
 *
 * UNITS_FILE holds one unit code per line (party cells of the database the
 * file will be imported into).  --bad makes that many rows in a thousand
 * invalid (a citizen ID one digit short), for --skip-invalid runs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_UNITS 200000

static const char *const family[] = {"Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Lê", "Phạm",
				     "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
				     "Đỗ", "Hồ", "Ngô", "Dương", "Lý"};
static const char *const middle_m[] = {"Văn", "Văn", "Hữu", "Đức", "Minh", "Quốc", "Công"};
static const char *const middle_f[] = {"Thị", "Thị", "Ngọc", "Thu", "Thanh", "Hồng"};
static const char *const given_m[] = {"An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Huy",
				      "Long", "Nam", "Phong", "Quang", "Sơn", "Thắng", "Tuấn",
				      "Việt", "Vinh", "Đạt", "Hiếu"};
static const char *const given_f[] = {"Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng",
				      "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Thảo",
				      "Trang", "Vân", "Yến"};
static const char *const ethnic[] = {"Kinh", "Kinh", "Kinh", "Kinh", "Kinh", "Kinh", "Tày",
				     "Thái", "Mường", "Khmer", "Hoa", "Nùng"};
static const char *const provinces[] = {"001", "002", "008", "022", "024", "026", "030",
					"031", "036", "038", "040", "044", "045", "046",
					"048", "049", "051", "052", "066", "079", "092"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t state = 0x853C49E6748FEA9Bull;

static uint32_t rnd(uint32_t n)
{
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return (uint32_t)((state * 0x2545F4914F6CDD1Dull) >> 33) % n;
}

int main(int argc, char **argv)
{
	static char *units[MAX_UNITS];
	static char line[256];
	long n, bad = 0;
	int n_units = 0;
	FILE *f;
	if (argc < 3) {
		fprintf(stderr, "usage: %s N UNITS_FILE [--bad PER_MILLE]\n", argv[0]);
		return 2;
	}
	n = atol(argv[1]);
	if (argc == 5 && strcmp(argv[3], "--bad") == 0) {
		bad = atol(argv[4]);
	}
	if (!(f = fopen(argv[2], "r"))) {
		perror(argv[2]);
		return 1;
	}
	while (n_units < MAX_UNITS && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0]) {
			units[n_units++] = strdup(line);
		}
	}
	fclose(f);
	if (!n_units) {
		fprintf(stderr, "%s: no unit codes\n", argv[2]);
		return 1;
	}
	printf("STT,Họ và tên,Giới tính,Ngày sinh,Số CCCD,Dân tộc,Tôn giáo,Quê quán,"
	       "Số điện thoại,Mã đơn vị,Số thẻ đảng viên,Ngày vào Đảng,Ngày chính thức\n");
	for (long i = 0; i < n; i++) {
		int female = rnd(100) < 38;
		int year = 1950 + (int)rnd(55), bm = 1 + (int)rnd(12), bd = 1 + (int)rnd(28);
		int jy = year + 19 + (int)rnd(2024 - year - 19 > 0 ? 2024 - year - 19 : 1);
		int jm = 1 + (int)rnd(12), jd = 1 + (int)rnd(28);
		char cid[16], official[16] = "";
		snprintf(cid, sizeof cid, "%s%d%02d%06ld", provinces[rnd(N(provinces))],
			 (year >= 2000 ? 2 : 0) + female, year % 100, i % 1000000);
		/* Unique: the serial is i; past a million, the gender digit of
		 * a later "century" block keeps it unique. */
		if (i >= 1000000) {
			cid[6] = (char)('0' + (i / 1000000) % 10);
		}
		if (bad && rnd(1000) < bad) {
			cid[11] = '\0';
		}
		if (jy < 2025) {
			snprintf(official, sizeof official, "%02d/%02d/%d", jd, jm, jy + 1);
		}
		printf("%ld,%s %s %s,%s,%02d/%02d/%d,%s,%s,%s,\"Xã %s, Tỉnh %s\",09%08u,%s,"
		       "%06ld,%02d/%02d/%d,%s\n",
		       i + 1, family[rnd(N(family))],
		       female ? middle_f[rnd(N(middle_f))] : middle_m[rnd(N(middle_m))],
		       female ? given_f[rnd(N(given_f))] : given_m[rnd(N(given_m))],
		       female ? "Nữ" : "Nam", bd, bm, year, cid, ethnic[rnd(N(ethnic))],
		       rnd(10) ? "Không" : "Phật giáo", given_m[rnd(N(given_m))],
		       family[rnd(N(family))], rnd(100000000), units[i % n_units], i + 1, jd, jm,
		       jy, official);
	}
	return 0;
}
