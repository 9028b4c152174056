/*
 * cli_serve.c — `cadre serve`: check the flags, then hand over to the HTTP
 * face (http_serve), which owns the server until SIGINT or SIGTERM.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "http/http.h"

int cmd_serve(int argc, char **argv)
{
	struct http_config cfg;
	struct err e = ERR_INIT;
	const char *url = NULL, *listen = "127.0.0.1:8080", *web = NULL;
	int threads = 0, no_warm = 0;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"listen", CLI_STR, &listen, "ADDR:PORT",
		 "address and port to listen on (default 127.0.0.1:8080)", 0},
		{"web", CLI_STR, &web, "DIR",
		 "serve the web UI from this directory instead of the copy "
		 "built into the binary (for UI development)",
		 0},
		{"threads", CLI_INT, &threads, "N",
		 "worker threads (default 0: one per CPU)", 0},
		{"no-warm", CLI_BOOL, &no_warm, NULL,
		 "do not build the member totals at start (the first statistics "
		 "question builds them)",
		 0},
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"serve",
		"cadre serve --db PATH [--listen 127.0.0.1:8080] [--web DIR] "
		"[--threads N] [--no-warm]",
		"Run the web UI and the JSON API (/api/v1) until interrupted "
		"(Ctrl-C, SIGTERM).\nCreate the database first with 'cadre "
		"init'.",
		opts, 0, 0, NULL,
	};
	CLI_PARSE(&spec, argc, argv, NULL);
	if (threads < 0 || threads > 1024) {
		return cli_errorf(CLI_USAGE, "--threads: must be 0..1024");
	}
	if (!strchr(listen, ':')) {
		return cli_errorf(CLI_USAGE,
				  "--listen: expected ADDR:PORT, got \"%s\"",
				  listen);
	}
	if (web && access(web, R_OK | X_OK) != 0) {
		return cli_errorf(CLI_FAIL, "--web: %s: not a readable "
					    "directory", web);
	}
	if (cli_need_db(url) != CLI_OK) {
		return CLI_FAIL;
	}
	memset(&cfg, 0, sizeof cfg);
	cfg.db_url = url;
	cfg.listen = listen;
	cfg.web_dir = web;
	cfg.threads = threads;
	cfg.no_warm = no_warm;
	if (http_serve(&cfg, &e) < 0) {
		return cli_fail(&spec, &e);
	}
	return CLI_OK;
}
