/*
 * test_pdf_doc.c — documents rendered from the party and the state
 * templates (report/pdf_doc.h), read back by poppler's own tools, not by
 * us: `pdftotext` must return the Vietnamese text exactly (header, date
 * with its leading zeros, type, subject, body, signature block,
 * recipients, the QR caption), `pdffonts` must list only embedded fonts;
 * a long body flows onto numbered pages; the room left for the signature
 * takes a real digital signature that verifies; bad input is refused with
 * the field named; QR codes as SVG, PNG and drawn matrices.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "report/pdf_doc.h"
#include "report/qr.h"
#include "sign/sign.h"
#include "test.h"
#include "test_doc_fixture.h"

/* Write pdf to a temporary file and run `cmd FILE tail` (cmd ends with
 * the options); the output with every whitespace run made one space. */
static char *pdf_tool(const char *cmd, const unsigned char *pdf, size_t n,
		      const char *tail)
{
	char path[] = "/tmp/cadre-pdfdoc-XXXXXX", line[1024];
	struct buf b;
	FILE *f, *p;
	int fd = mkstemp(path), space = 1;
	size_t got;
	buf_init(&b, 0);
	if (fd < 0 || !(f = fdopen(fd, "wb"))) {
		return buf_detach(&b, NULL);
	}
	fwrite(pdf, 1, n, f);
	fclose(f);
	snprintf(line, sizeof line, "%s %s %s 2>&1", cmd, path, tail);
	if ((p = popen(line, "r"))) {
		while ((got = fread(line, 1, sizeof line, p)) > 0) {
			for (size_t i = 0; i < got; i++) {
				char c = line[i];
				if (c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r') {
					if (!space) {
						buf_putc(&b, ' ');
					}
					space = 1;
				} else {
					buf_putc(&b, c);
					space = 0;
				}
			}
		}
		pclose(p);
	}
	unlink(path);
	return buf_detach(&b, NULL);
}

static char *pdf_text(const unsigned char *pdf, size_t n)
{
	return pdf_tool("pdftotext -enc UTF-8", pdf, n, "-");
}

/* The text s appears in t (both whitespace-normalized by the caller). */
#define CHECK_HAS(t, s)                                                        \
	do {                                                                   \
		if (!strstr((t), (s))) {                                       \
			test_fail(__FILE__, __LINE__, "text has: " s);         \
		}                                                              \
	} while (0)

static const char *const party_body[] = {
	"Căn cứ Điều lệ Đảng Cộng sản Việt Nam; căn cứ Quy chế làm việc của Ban "
	"Chấp hành Đảng bộ tỉnh khóa XVII, nhiệm kỳ 2025 – 2030;",
	"Ban Thường vụ Tỉnh ủy quyết nghị: đẩy mạnh ứng dụng công nghệ thông tin, "
	"số hóa văn bản, chữ ký số và quy trình văn bản chuẩn hóa.",
};
static const char *const party_rcpt[] = {"Ban Bí thư Trung ương Đảng,",
					 "Lưu Văn phòng Tỉnh ủy."};

static struct pdf_doc party_doc(void)
{
	struct pdf_doc d;
	memset(&d, 0, sizeof d);
	d.tpl = PDF_DOC_PARTY;
	d.superior = "ĐẢNG BỘ TỈNH QUẢNG TRỊ";
	d.issuer = "TỈNH ỦY";
	d.symbol = "04-NQ/TU";
	d.place = "Hà Nội";
	d.date = "2026-11-23";
	d.type = "NGHỊ QUYẾT";
	d.subject = "về chuyển đổi số";
	d.body = party_body;
	d.n_body = 2;
	d.authority = "T/M BAN THƯỜNG VỤ";
	d.title = "BÍ THƯ";
	d.signer = "Nguyễn Văn Ánh";
	d.recipients = party_rcpt;
	d.n_recipients = 2;
	return d;
}

TEST(pdf_doc_party_text_and_fonts)
{
	struct pdf_doc d = party_doc();
	struct err e = ERR_INIT;
	unsigned char *pdf = NULL;
	size_t n = 0;
	char *t, *fonts;
	d.qr = "https://cadre.example.vn/verify/482913004718265";
	CHECK(pdf_doc_render(&d, &pdf, &n, NULL, &e) == 0);
	CHECK(n > 1000 && memcmp(pdf, "%PDF-", 5) == 0);
	t = pdf_text(pdf, n);
	CHECK_HAS(t, "ĐẢNG BỘ TỈNH QUẢNG TRỊ");
	CHECK_HAS(t, "TỈNH ỦY");
	CHECK_HAS(t, "ĐẢNG CỘNG SẢN VIỆT NAM");
	CHECK_HAS(t, "Số 04-NQ/TU");
	CHECK_HAS(t, "Hà Nội, ngày 23 tháng 11 năm 2026");
	CHECK_HAS(t, "NGHỊ QUYẾT");
	CHECK_HAS(t, "về chuyển đổi số");
	CHECK_HAS(t, "Căn cứ Điều lệ Đảng Cộng sản Việt Nam; căn cứ Quy chế làm việc "
		     "của Ban Chấp hành Đảng bộ tỉnh khóa XVII, nhiệm kỳ 2025 – 2030;");
	CHECK_HAS(t, "số hóa văn bản, chữ ký số và quy trình văn bản chuẩn hóa.");
	CHECK_HAS(t, "T/M BAN THƯỜNG VỤ");
	CHECK_HAS(t, "BÍ THƯ");
	CHECK_HAS(t, "Nguyễn Văn Ánh");
	CHECK_HAS(t, "Nơi nhận:");
	CHECK_HAS(t, "- Ban Bí thư Trung ương Đảng,");
	CHECK_HAS(t, "- Lưu Văn phòng Tỉnh ủy.");
	CHECK_HAS(t, "https://cadre.example.vn/verify/482913004718265");
	CHECK(!strstr(t, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA"));
	/* Every font embedded (a subset), Noto Serif among them. */
	fonts = pdf_tool("pdffonts", pdf, n, "");
	CHECK(strstr(fonts, "NotoSerif-Regular") != NULL);
	CHECK(strstr(fonts, "NotoSerif-Bold") != NULL);
	CHECK(strstr(fonts, "NotoSerif-Italic") != NULL);
	CHECK(strstr(fonts, " no ") == NULL); /* no "emb no" nor "sub no" */
	CHECK(strstr(fonts, "yes yes yes") != NULL);
	free(fonts);
	free(t);
	free(pdf);
}

TEST(pdf_doc_state_header_and_marks)
{
	static const char *const body[] = {"Theo đề nghị của Chánh Văn phòng Sở."};
	struct pdf_doc d;
	struct err e = ERR_INIT;
	unsigned char *pdf = NULL;
	size_t n = 0;
	char *t;
	memset(&d, 0, sizeof d);
	d.tpl = PDF_DOC_STATE;
	d.superior = "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ";
	d.issuer = "SỞ NỘI VỤ";
	d.symbol = "123/QĐ-SNV";
	d.place = "Quảng Trị";
	d.date = "2026-01-05";
	d.type = "QUYẾT ĐỊNH";
	d.subject = "Về việc thành lập Tổ công tác";
	d.body = body;
	d.n_body = 1;
	d.authority = "KT. GIÁM ĐỐC";
	d.title = "PHÓ GIÁM ĐỐC";
	d.signer = "Trần Thị Bình";
	d.secrecy = "toi_mat";
	d.urgency = "hoa_toc";
	CHECK(pdf_doc_render(&d, &pdf, &n, NULL, &e) == 0);
	t = pdf_text(pdf, n);
	CHECK_HAS(t, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
	CHECK_HAS(t, "Độc lập - Tự do - Hạnh phúc");
	CHECK_HAS(t, "Số: 123/QĐ-SNV");
	/* Leading zeros: a day below 10, the months 1 and 2. */
	CHECK_HAS(t, "Quảng Trị, ngày 05 tháng 01 năm 2026");
	CHECK_HAS(t, "TỐI MẬT");
	CHECK_HAS(t, "HỎA TỐC");
	CHECK_HAS(t, "QUYẾT ĐỊNH");
	CHECK_HAS(t, "Về việc thành lập Tổ công tác");
	CHECK_HAS(t, "Theo đề nghị của Chánh Văn phòng Sở.");
	CHECK_HAS(t, "KT. GIÁM ĐỐC");
	CHECK_HAS(t, "Trần Thị Bình");
	CHECK(!strstr(t, "ĐẢNG CỘNG SẢN"));
	CHECK(!strstr(t, "verify"));
	free(t);
	free(pdf);
	/* March: no leading zero for the month. */
	d.date = "2026-03-09";
	CHECK(pdf_doc_render(&d, &pdf, &n, NULL, &e) == 0);
	t = pdf_text(pdf, n);
	CHECK_HAS(t, "Quảng Trị, ngày 09 tháng 3 năm 2026");
	free(t);
	free(pdf);
	/* A letter (no type): the subject under the number as V/v. */
	d.type = NULL;
	d.subject = "góp ý dự thảo";
	CHECK(pdf_doc_render(&d, &pdf, &n, NULL, &e) == 0);
	t = pdf_text(pdf, n);
	CHECK_HAS(t, "V/v góp ý dự thảo");
	free(t);
	free(pdf);
}

TEST(pdf_doc_long_body_flows_onto_numbered_pages)
{
	struct pdf_doc d = party_doc();
	const char *paras[60];
	struct err e = ERR_INIT;
	unsigned char *pdf = NULL;
	size_t n = 0;
	struct pdf_doc_place at;
	char *info, *t;
	for (int i = 0; i < 60; i++) {
		paras[i] = "Mỗi cơ quan, đơn vị xây dựng kế hoạch cụ thể, bảo đảm "
			   "tiến độ và chất lượng; người đứng đầu chịu trách nhiệm "
			   "trước Ban Thường vụ về kết quả thực hiện.";
	}
	d.body = paras;
	d.n_body = 60;
	CHECK(pdf_doc_render(&d, &pdf, &n, &at, &e) == 0);
	info = pdf_tool("pdfinfo", pdf, n, "");
	CHECK(strstr(info, "Pages: 1 ") == NULL);
	{
		char pages[32];
		snprintf(pages, sizeof pages, "Pages: %d ", at.page);
		CHECK(at.page >= 2 && strstr(info, pages) != NULL); /* the last */
	}
	CHECK(strstr(info, "Page size: 595.276 x 841.89 pts (A4)") != NULL);
	free(info);
	t = pdf_tool("pdftotext -enc UTF-8 -f 2 -l 2", pdf, n, "-");
	CHECK(strncmp(t, "2 ", 2) == 0); /* the page number on top */
	free(t);
	/* The signature block and recipients come last, whole. */
	t = pdf_text(pdf, n);
	CHECK_HAS(t, "Nguyễn Văn Ánh");
	free(t);
	free(pdf);
}

TEST(pdf_doc_long_recipient_list_flows)
{
	struct pdf_doc d = party_doc();
	const char *rcpt[PDF_DOC_RECIPIENTS_MAX];
	char lines[PDF_DOC_RECIPIENTS_MAX][48];
	struct pdf_doc_place at;
	struct err e = ERR_INIT;
	unsigned char *pdf = NULL;
	size_t n = 0;
	char *t, *info;
	for (int i = 0; i < PDF_DOC_RECIPIENTS_MAX; i++) {
		snprintf(lines[i], sizeof lines[i], "Đảng ủy xã số %d,", i + 1);
		rcpt[i] = lines[i];
	}
	d.recipients = rcpt;
	d.n_recipients = PDF_DOC_RECIPIENTS_MAX;
	CHECK(pdf_doc_render(&d, &pdf, &n, &at, &e) == 0);
	t = pdf_text(pdf, n);
	CHECK_HAS(t, "- Đảng ủy xã số 1,");
	CHECK_HAS(t, "- Đảng ủy xã số 200,");
	CHECK_HAS(t, "Nguyễn Văn Ánh");
	free(t);
	info = pdf_tool("pdfinfo", pdf, n, "");
	CHECK(strstr(info, "Pages: 1 ") == NULL && at.page == 1);
	free(info);
	free(pdf);
	/* The limit. */
	d.n_recipients = PDF_DOC_RECIPIENTS_MAX + 1;
	CHECK(pdf_doc_render(&d, &pdf, &n, NULL, &e) < 0);
	CHECK_STR(e.field, "recipients");
}

TEST(pdf_doc_refuses_bad_input)
{
	struct pdf_doc d = party_doc();
	struct err e = ERR_INIT;
	unsigned char *pdf = NULL;
	size_t n = 0;
	d.issuer = "";
	CHECK(pdf_doc_render(&d, &pdf, &n, NULL, &e) < 0 && e.code == ERR_INVALID);
	CHECK_STR(e.field, "issuer");
	CHECK(pdf == NULL && n == 0);
	d = party_doc();
	d.place = NULL;
	CHECK(pdf_doc_render(&d, &pdf, &n, NULL, &e) < 0);
	CHECK_STR(e.field, "place");
	d = party_doc();
	d.date = "2026-02-30";
	CHECK(pdf_doc_render(&d, &pdf, &n, NULL, &e) < 0);
	CHECK_STR(e.field, "date");
	d = party_doc();
	d.subject = "bad \xC3\x28 byte";
	CHECK(pdf_doc_render(&d, &pdf, &n, NULL, &e) < 0 && e.code == ERR_INVALID);
	CHECK_STR(e.field, "subject");
	d = party_doc();
	d.tpl = 0;
	CHECK(pdf_doc_render(&d, &pdf, &n, NULL, &e) < 0);
	CHECK_STR(e.field, "template");
	CHECK(pdf == NULL);
}

TEST(pdf_doc_from_json_reads_the_fields)
{
	struct pdf_doc d;
	struct err e = ERR_INIT;
	json_t *j = json_pack("{ss ss ss ss s[ss] s[s] ss}", "template", "state",
			      "issuer", "SỞ NỘI VỤ", "place", "Huế", "date",
			      "2026-02-01", "body", "một", "hai", "recipients", "Lưu: VT.",
			      "qr", "https://x.vn/verify/1");
	unsigned char *pdf = NULL;
	size_t n = 0;
	char *t;
	CHECK(pdf_doc_from_json(j, &d, &e) == 0);
	CHECK(d.tpl == PDF_DOC_STATE && d.n_body == 2 && d.n_recipients == 1);
	CHECK_STR(d.body[1], "hai");
	CHECK(pdf_doc_render(&d, &pdf, &n, NULL, &e) == 0);
	t = pdf_text(pdf, n);
	CHECK_HAS(t, "Huế, ngày 01 tháng 02 năm 2026");
	CHECK_HAS(t, "- Lưu: VT.");
	free(t);
	free(pdf);
	pdf_doc_json_free(&d);
	json_decref(j);
	/* A body given as one string. */
	j = json_pack("{ss ss ss}", "issuer", "X", "place", "Y", "body", "đoạn");
	CHECK(pdf_doc_from_json(j, &d, &e) == 0 && d.n_body == 1 && d.tpl == 0);
	pdf_doc_json_free(&d);
	json_decref(j);
	j = json_pack("{ss ss}", "issuer", "X", "colour", "red");
	CHECK(pdf_doc_from_json(j, &d, &e) < 0 && e.code == ERR_BAD_REQUEST);
	CHECK_STR(e.field, "colour");
	json_decref(j);
	j = json_pack("{ss si}", "issuer", "X", "body", 5);
	CHECK(pdf_doc_from_json(j, &d, &e) < 0);
	CHECK_STR(e.field, "body");
	json_decref(j);
	j = json_pack("{ss}", "template", "royal");
	CHECK(pdf_doc_from_json(j, &d, &e) < 0);
	CHECK_STR(e.field, "template");
	json_decref(j);
}

TEST(qr_svg_png_and_matrix)
{
	struct qr q;
	struct err e = ERR_INIT;
	unsigned char *png = NULL;
	size_t n = 0;
	char *svg;
	CHECK(qr_encode("https://cadre.example.vn/verify/482913004718265", &q, &e) == 0);
	/* Version 3 or 4 at level M for 48 bytes: 29 or 33 modules. */
	CHECK(q.width == 29 || q.width == 33);
	/* The three finder patterns: dark corners, a light separator. */
	CHECK(qr_at(&q, 0, 0) && qr_at(&q, q.width - 1, 0) && qr_at(&q, 0, q.width - 1));
	CHECK(!qr_at(&q, 7, 7) && !qr_at(&q, q.width - 1, q.width - 1 + 1));
	CHECK(qr_at(&q, 3, 3) && !qr_at(&q, 1, 1));
	svg = qr_svg(&q, 4);
	CHECK(svg && strncmp(svg, "<svg", 4) == 0);
	CHECK(svg && (strstr(svg, "viewBox=\"0 0 37 37\"") != NULL) == (q.width == 29));
	CHECK(svg && strstr(svg, "M4 4h7v1h-7z") != NULL); /* finder's top row */
	free(svg);
	CHECK(qr_png(&q, 4, 4, &png, &n, &e) == 0);
	CHECK(n > 100 && memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0);
	free(png);
	CHECK(qr_png(&q, 0, 4, &png, &n, &e) < 0 && png == NULL);
	qr_free(&q);
	CHECK(qr_encode("", &q, &e) < 0 && e.code == ERR_INVALID);
	qr_free(&q);
}

/* A rendered document signed in the room its layout left: the signature
 * verifies and its appearance is on the signature block's page. */
DB_TEST(pdf_doc_signed_where_the_block_says)
{
	struct docfx f;
	struct pdf_doc d = party_doc();
	struct pdf_doc_place at;
	struct sign_appearance ap;
	struct err e = ERR_INIT;
	struct cx signer;
	unsigned char *pdf = NULL, *signed_pdf = NULL;
	size_t n = 0, sn = 0;
	json_t *report = NULL;
	char *t;
	docfx_setup(db, &f, 1);
	setenv("CADRE_MASTER_KEY",
	       "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", 0);
	CHECK(sign_ca_init(&f.cx, f.vn, "CA thử nghiệm", NULL, 0, NULL, &e) == 0);
	CHECK(sign_ca_issue(&f.cx, f.signer1, NULL, 0, NULL, &e) == 0);
	CHECK(pdf_doc_render(&d, &pdf, &n, &at, &e) == 0);
	/* In the right column, below the title, above the name. */
	CHECK(at.page == 1);
	CHECK(at.x > 280 && at.x + at.w < 595 && at.w > 150);
	CHECK(at.h > 60 && at.y > 100 && at.y + at.h < 700);
	memset(&ap, 0, sizeof ap);
	ap.title = "Bí thư";
	ap.page = at.page;
	ap.x = at.x;
	ap.y = at.y;
	ap.w = at.w;
	ap.h = at.h;
	signer = docfx_as(db, "p1.chair");
	CHECK(sign_pdf(&signer, f.signer1, pdf, n, &ap, &signed_pdf, &sn, &e) == 0);
	if (e.code) {
		printf("    sign: %s\n", e.msg);
	}
	CHECK(signed_pdf && sign_verify_pdf(db, NULL, signed_pdf, sn, &report, &e) == 0);
	CHECK(json_is_true(json_object_get(report, "valid")));
	json_decref(report);
	/* The text of the document is unchanged by signing. */
	t = signed_pdf ? pdf_text(signed_pdf, sn) : NULL;
	CHECK(t && strstr(t, "Nguyễn Văn Ánh") != NULL);
	free(t);
	free(signed_pdf);
	free(pdf);
}
