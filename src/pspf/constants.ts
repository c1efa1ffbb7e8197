/** Fixed numbers of the PSPF/2025 format (sizes, magics, field values the reference writer uses). */

export const PSPF_VERSION = 0x20250001;
export const TRAILER_SIZE = 8200;
export const INDEX_SIZE = 8192;
export const DESCRIPTOR_SIZE = 64;
export const START_MAGIC = Buffer.from('f09f93a6', 'hex'); // 📦
export const END_MAGIC = Buffer.from('f09faa84', 'hex'); // 🪄
/** The reference's default page size on a Linux build host (a macOS host would use 16384). */
export const PAGE_SIZE = 4096;
export const CAP_MMAP = 0x1;
export const CAP_PAGE_ALIGNED = 0x2;
export const CAP_SIGNED = 0x80;
/** What the Python reference writes into the index besides the structural fields. */
export const INDEX_DEFAULTS = {
  access_mode: 2,
  cache_strategy: 1,
  page_size: 4096,
  max_memory: 134217728,
  min_memory: 8388608,
  stream_chunk_size: 65536,
  compatibility: PSPF_VERSION,
  protocol_version: 1,
} as const;
/** Reader limits: metadata JSON is small; anything bigger is hostile. */
export const MAX_METADATA_JSON = 16 * 1024 * 1024;
/** The launcher's slot table limit (launcher/pspf.h PSPF_MAX_SLOTS); the writer keeps to it too. */
export const MAX_SLOTS = 1024;
