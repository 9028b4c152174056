/*
 * embed.c — build tool: turns files into a C array table so that the cadre
 * binary carries its migrations and web assets.  Usage:
 *   embed NAME STRIP_PREFIX FILE... > out.c
 * emits `const struct embed_file NAME[]` (path without STRIP_PREFIX) and
 * `const size_t NAME_count`.  Never part of cadre itself.
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	size_t strip;
	if (argc < 3) {
		fprintf(stderr, "usage: embed NAME STRIP_PREFIX FILE...\n");
		return 2;
	}
	strip = strlen(argv[2]);
	printf("#include \"base/embed.h\"\n");
	for (int i = 3; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		int c;
		size_t n = 0;
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		printf("static const unsigned char %s_%d[] = {", argv[1], i);
		while ((c = fgetc(f)) != EOF) {
			printf("%s%d,", n++ % 24 ? "" : "\n", c);
		}
		printf("0};\n");
		fclose(f);
	}
	printf("const struct embed_file %s[] = {\n", argv[1]);
	for (int i = 3; i < argc; i++) {
		const char *p = argv[i];
		if (strncmp(p, argv[2], strip) == 0) {
			p += strip;
		}
		printf("\t{\"%s\", %s_%d, sizeof %s_%d - 1},\n", p, argv[1], i,
		       argv[1], i);
	}
	printf("\t{0, 0, 0}\n};\nconst size_t %s_count = %d;\n", argv[1],
	       argc - 3);
	return 0;
}
