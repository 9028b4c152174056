/*
 * cli_demo.c — `cadre demo`: make sure the database exists and is
 * bootstrapped (as `cadre init` does), then load a demo dataset through the
 * domain: the 2025 provinces (demo_load) or a national-size tree for
 * benchmarks (demo_national).  What the datasets contain is demo.c's
 * business; this file only chooses one and reports.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/demo.h"

int cmd_demo(int argc, char **argv)
{
	const char *url = NULL, *scale = "provinces";
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"scale", CLI_STR, &scale, "SCALE",
		 "provinces (default): 63 provinces merged into 34 on "
		 "2025-07-01, with some units below; national: ~100,000 "
		 "units for benchmarks", 0},
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"demo", "cadre demo --db PATH [--scale provinces|national]",
		"Load a demo dataset, creating and bootstrapping the database "
		"first if needed.\nAn admin created now gets a one-time "
		"password, printed once.",
		opts, 0, 0, NULL,
	};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	char pw[17];
	int national, rc;
	CLI_PARSE(&spec, argc, argv, NULL);
	national = strcmp(scale, "national") == 0;
	if (!national && strcmp(scale, "provinces") != 0) {
		return cli_errorf(CLI_USAGE, "--scale: expected provinces or "
					     "national, got \"%s\"", scale);
	}
	if ((rc = cli_open(&c, url, NULL, CLI_OPEN_CREATE)) != CLI_OK) {
		return rc;
	}
	rc = cli_bootstrap(&c, url, pw);
	if (rc == CLI_OK) {
		int r = national ? demo_national(&c.cx, &e)
				 : demo_load(&c.cx, &e);
		if (r < 0) {
			rc = cli_errorf(CLI_FAIL, "demo: %s", e.msg);
		} else {
			printf("demo:      %s dataset loaded\n", scale);
		}
	}
	if (pw[0]) {
		cli_print_admin(url, pw);
	}
	cli_close(&c);
	return rc;
}
