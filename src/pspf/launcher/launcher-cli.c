/* FLAVOR_LAUNCHER_CLI=1 subcommands: info, verify, metadata, run ARGS…, help (the reference launcher's CLI). */
#include "launcher-cli.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

static const char *ops_name(uint64_t ops) {
  return ops == OPS_RAW ? "raw" : ops == OPS_GZIP ? "gzip" : ops == OPS_TAR ? "tar" : ops == OPS_TAR_GZ ? "tar.gz" : "?";
}

static int info(const pspf_pkg *pkg) {
  printf("package: %s %s\nformat: PSPF/2025 (0x%08x), %llu bytes, index checksum %08x\nsignature: %s\nslots: %u\n",
         pkg->name, pkg->version, rd32(pkg->index), (unsigned long long)pkg->file_size, pkg->index_checksum,
         pkg->signature_ok ? "valid" : "INVALID", pkg->slot_count);
  for (uint32_t i = 0; i < pkg->slot_count; i++) {
    const pspf_slot *s = &pkg->slots[i];
    printf("  [%u] %s: %s, %llu bytes stored, %llu original, target %s, lifecycle %s\n", i, s->id, ops_name(s->operations),
           (unsigned long long)s->size, (unsigned long long)s->original_size, s->target, s->lifecycle);
  }
  return 0;
}

int launcher_cli(const pspf_pkg *pkg, int *argc, char ***argv) {
  const char *cmd = *argc > 1 ? (*argv)[1] : "help";
  if (!strcmp(cmd, "run")) {
    (*argv)[1] = (*argv)[0]; /* drop "run", keep argv[0] */
    (*argv)++, (*argc)--;
    return -1;
  }
  if (!strcmp(cmd, "info")) return info(pkg);
  if (!strcmp(cmd, "metadata")) return printf("%s\n", pkg->json) < 0 ? EX_IO : 0;
  if (!strcmp(cmd, "verify")) {
    if (!pkg->signature_ok) die(EX_VERIFY, "metadata signature is invalid");
    pspf_verify_slots(pkg); /* dies on the first bad slot */
    printf("OK: index, metadata, signature and %u slot checksums verified\n", pkg->slot_count);
    return 0;
  }
  printf("usage: FLAVOR_LAUNCHER_CLI=1 %s info|verify|metadata|run [ARGS...]\n", pkg->path);
  return strcmp(cmd, "help") ? EX_ARGS : 0;
}
