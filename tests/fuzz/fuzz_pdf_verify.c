/*
 * fuzz_pdf_verify.c — libFuzzer target for the PDF signature verifier
 * (sign_verify_pdf, src/sign/verify.c): any bytes as a PDF, without a
 * database, trusting the CA certificate in $FUZZ_CA_PEM when set (so that
 * the seeds' signatures reach the chain and digest checks).  Must never
 * crash, leak or read out of bounds; whatever it answers must be a report
 * with "valid" (0) or a refusal with a message (<0).
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "sign/sign.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *ca_pem;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *path = getenv("FUZZ_CA_PEM");
	FILE *fp = path ? fopen(path, "rb") : NULL;
	(void)argc;
	(void)argv;
	if (fp) {
		size_t n = 0;
		ca_pem = calloc(1, 65536);
		if (ca_pem) {
			n = fread(ca_pem, 1, 65535, fp);
			ca_pem[n] = 0;
		}
		fclose(fp);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *report = NULL;
	struct err e = ERR_INIT;
	int rc = sign_verify_pdf(NULL, ca_pem, data, size, &report, &e);
	if (rc == 0 && (!report || !json_is_boolean(json_object_get(report, "valid")))) {
		abort();
	}
	if (rc < 0 && !e.msg[0]) {
		abort();
	}
	json_decref(report);
	return 0;
}
