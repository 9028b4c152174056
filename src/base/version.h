/*
 * version.h — the one version string of cadre (CLI --version, /health).
 */
#ifndef CADRE_VERSION_H
#define CADRE_VERSION_H

#define CADRE_VERSION "0.1.0"

#endif
