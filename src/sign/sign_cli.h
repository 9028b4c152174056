/*
 * sign_cli.h — the terminal commands of the signature module, for the
 * command table in src/main.c (cli/cli.h belongs to the CLI's owner):
 *
 *   cadre ca init|issue|revoke|export|import|crl|list   (src/cli/cli_ca.c)
 *   cadre verify FILE.pdf [--db PATH] [--ca CA.pem]     (src/cli/cli_sign.c)
 *   cadre doc sign --db PATH --login USER --in IN.pdf --out OUT.pdf
 *                                                        (src/cli/cli_sign.c)
 *
 * cli_doc_sign() follows the command convention (argv[0] is "sign"): the
 * `doc` group of cli_doc.c lists it as {"sign", cli_doc_sign, "…"}.
 */
#ifndef CADRE_SIGN_CLI_H
#define CADRE_SIGN_CLI_H

#include <stddef.h>

int cmd_ca(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cli_doc_sign(int argc, char **argv);

/* Shared by cli_ca.c and cli_sign.c (defined in cli_sign.c).  Read a
 * whole file ("-" = stdin) of at most max bytes into *out (malloc'd,
 * caller frees; a NUL follows the bytes); write n bytes to path ("-" =
 * stdout) through a temporary file renamed into place, so a failure leaves
 * nothing behind.  Both print "cadre: …" and return CLI_FAIL on error,
 * CLI_OK otherwise. */
int sign_cli_read_file(const char *path, size_t max, unsigned char **out,
		       size_t *n);
int sign_cli_write_file(const char *path, const void *p, size_t n);

#endif
