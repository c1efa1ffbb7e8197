/**
 * A prediction's `output` → what the user sees: strings and other values printed, files (cog sends them
 * as data URLs when no upload URL is given) written to `-o PATH` or `output[.N].EXT` in the current directory;
 * with `-o` and no file in the output, the printed value goes to that file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { OutputError } from '../buildkit/errors';

const EXT: Record<string, string> = {
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
  'image/webp': '.webp',
  'image/bmp': '.bmp',
  'image/svg+xml': '.svg',
  'audio/wav': '.wav',
  'audio/x-wav': '.wav',
  'audio/mpeg': '.mp3',
  'audio/flac': '.flac',
  'audio/ogg': '.ogg',
  'video/mp4': '.mp4',
  'video/webm': '.webm',
  'text/plain': '.txt',
  'application/json': '.json',
  'text/csv': '.csv',
  'application/pdf': '.pdf',
  'application/zip': '.zip',
};

interface DataUrl {
  mime: string;
  bytes: Buffer;
}

export function parseDataUrl(s: string): DataUrl | undefined {
  const m = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(s);
  if (!m) return undefined;
  const base64 = m[2].split(';').includes('base64');
  return { mime: m[1] || 'application/octet-stream', bytes: base64 ? Buffer.from(m[3], 'base64') : Buffer.from(decodeURIComponent(m[3]), 'utf8') };
}

export interface Shown {
  /** what goes to stdout (may be empty) */
  stdout: string;
  /** files written, in order */
  files: string[];
}

/** Where file number `i` of `count` goes: `-o` as given for one file, `-o` with `.i` before its extension for several. */
function destination(i: number, count: number, mime: string, out: string | undefined, cwd: string): string {
  const ext = EXT[mime.split(';')[0].trim().toLowerCase()] ?? '.bin';
  if (!out) return path.join(cwd, count === 1 ? `output${ext}` : `output.${i}${ext}`);
  const full = path.resolve(cwd, out);
  if (count === 1) return full;
  const e = path.extname(full);
  return `${full.slice(0, full.length - e.length)}.${i}${e || ext}`;
}

function write(file: string, bytes: Buffer): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, bytes);
  } catch (e) {
    throw new OutputError('E_OUTPUT_WRITE', `cannot write ${file}: ${(e as Error).message}`, { hint: 'pass -o with a writable path' });
  }
}

/** Writes the output's files and returns what to print: a string as is, anything else as JSON with files replaced by their paths. */
export function showOutput(output: unknown, out: string | undefined, cwd = process.cwd()): Shown {
  const urls: DataUrl[] = [];
  const collect = (v: unknown): void => {
    if (typeof v === 'string') {
      const d = parseDataUrl(v);
      if (d) urls.push(d);
    } else if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object') Object.values(v).forEach(collect);
  };
  collect(output);
  const files: string[] = [];
  const replace = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const d = parseDataUrl(v);
      if (!d) return v;
      const file = destination(files.length, urls.length, d.mime, out, cwd);
      write(file, d.bytes);
      files.push(file);
      return path.relative(cwd, file) || file;
    }
    if (Array.isArray(v)) return v.map(replace);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replace(x)]));
    return v;
  };
  const shown = replace(output);
  if (shown === null || shown === undefined) return { stdout: '', files };
  if (typeof output === 'string' && files.length === 1) return { stdout: '', files };
  const text = typeof shown === 'string' ? `${shown}\n` : `${JSON.stringify(shown, null, 2)}\n`;
  if (out && files.length === 0) {
    // -o with no file in the output: the printed value goes to that file instead
    const file = path.resolve(cwd, out);
    write(file, Buffer.from(text));
    return { stdout: '', files: [file] };
  }
  return { stdout: text, files };
}
