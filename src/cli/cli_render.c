/*
 * cli_render.c — `cadre doc render --template party|state --in BODY.json
 * --out OUT.pdf [--qr URL]`: renders a document from a template as a PDF
 * (report/pdf_doc.h).  Reads the JSON file, calls pdf_doc_render once and
 * writes the PDF (never a partial file).  No database, no rules here.
 *
 * cmd_render follows the command convention (argv[0] is "render"), so the
 * same function serves `cadre render …` from the command table of main.c
 * and `cadre doc render …` from the doc group of cli_doc.c.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "report/pdf_doc.h"
#include "sign/sign_cli.h"

#define RENDER_JSON_MAX ((size_t)8 * 1024 * 1024)

int cmd_render(int argc, char **argv)
{
	const char *tpl = NULL, *in = NULL, *outp = NULL, *qr = NULL;
	const struct cli_opt opts[] = {
		{"template", CLI_STR, &tpl, "NAME",
		 "party (ĐẢNG CỘNG SẢN VIỆT NAM) or state (CỘNG HÒA XÃ HỘI CHỦ NGHĨA "
		 "VIỆT NAM); default: the file's \"template\"",
		 0},
		{"in", CLI_STR, &in, "BODY.json", "the document's fields (- = stdin)", 1},
		{"out", CLI_STR, &outp, "OUT.pdf", "the PDF to write (- = stdout)", 1},
		{"qr", CLI_STR, &qr, "URL",
		 "print a QR code of this link (overrides the file's \"qr\")", 0},
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"doc render", "cadre doc render --template party|state --in BODY.json --out OUT.pdf",
		"Render a document from a template as an A4 PDF with the standard\n"
		"header (party or state), the type and subject, the body, the\n"
		"signature block and the recipients; fonts embedded.  BODY.json:\n"
		"  {\"superior\": \"ĐẢNG BỘ TỈNH QUẢNG TRỊ\", \"issuer\": \"TỈNH ỦY\",\n"
		"   \"symbol\": \"04-NQ/TU\", \"place\": \"Hà Nội\", \"date\": \"2026-11-23\",\n"
		"   \"type\": \"NGHỊ QUYẾT\", \"subject\": \"về chuyển đổi số\",\n"
		"   \"body\": [\"paragraph\", …], \"authority\": \"T/M BAN THƯỜNG VỤ\",\n"
		"   \"title\": \"BÍ THƯ\", \"signer\": \"Nguyễn Văn A\",\n"
		"   \"recipients\": [\"Ban Bí thư,\", \"Lưu Văn phòng.\"],\n"
		"   \"secrecy\": \"mat\", \"urgency\": \"khan\", \"qr\": \"https://…/verify/…\"}",
		opts, 0, 0, NULL,
	};
	struct err e = ERR_INIT;
	struct pdf_doc_place at;
	struct pdf_doc d;
	json_error_t je;
	json_t *j = NULL;
	unsigned char *text = NULL, *pdf = NULL;
	size_t n = 0, pdf_n = 0;
	int rc;
	CLI_PARSE(&spec, argc, argv, NULL);
	if (tpl && !pdf_doc_template_named(tpl)) {
		return cli_errorf(CLI_USAGE, "--template: party or state, not '%s'", tpl);
	}
	if ((rc = sign_cli_read_file(in, RENDER_JSON_MAX, &text, &n)) != CLI_OK) {
		return rc;
	}
	j = json_loadb((const char *)text, n, JSON_REJECT_DUPLICATES, &je);
	free(text);
	if (!j) {
		return cli_errorf(CLI_FAIL, "%s: line %d column %d: %s", in, je.line,
				  je.column, je.text);
	}
	if (pdf_doc_from_json(j, &d, &e)) {
		json_decref(j);
		return cli_errorf(CLI_FAIL, "%s: %s%s%s", in, e.field,
				  e.field[0] ? ": " : "", e.msg);
	}
	if (tpl) {
		d.tpl = pdf_doc_template_named(tpl);
	}
	if (qr) {
		d.qr = qr;
	}
	if (!d.tpl) {
		rc = cli_errorf(CLI_USAGE, "--template: say party or state (or give "
					   "\"template\" in the file)");
	} else if (pdf_doc_render(&d, &pdf, &pdf_n, &at, &e)) {
		rc = cli_errorf(CLI_FAIL, "%s%s%s", e.field, e.field[0] ? ": " : "",
				e.msg);
	} else if ((rc = sign_cli_write_file(outp, pdf, pdf_n)) == CLI_OK &&
		   strcmp(outp, "-") != 0) {
		/* The room of the signature, as `cadre doc sign` takes it. */
		printf("rendered %s (%zu bytes)\n"
		       "signature room: --page %d --rect %.0f,%.0f,%.0f,%.0f\n",
		       outp, pdf_n, at.page, at.x, at.y, at.w, at.h);
	}
	pdf_doc_json_free(&d);
	json_decref(j);
	free(pdf);
	return rc;
}
