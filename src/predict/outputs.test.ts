import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseDataUrl, showOutput } from './outputs';

const png = `data:image/png;base64,${Buffer.from('PNG!').toString('base64')}`;
const wav = `data:audio/wav;base64,${Buffer.from('WAV').toString('base64')}`;

describe('showOutput', () => {
  let cwd: string;
  beforeEach(() => (cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'outputs-'))));
  afterEach(() => fs.rmSync(cwd, { recursive: true }));
  const read = (f: string) => fs.readFileSync(path.join(cwd, f), 'utf8');

  it('prints a string as it is and other values as JSON, writing nothing', () => {
    expect(showOutput('hello', undefined, cwd)).toEqual({ stdout: 'hello\n', files: [] });
    expect(showOutput({ n: 1, ok: true }, undefined, cwd).stdout).toBe('{\n  "n": 1,\n  "ok": true\n}\n');
    expect(showOutput(null, undefined, cwd)).toEqual({ stdout: '', files: [] });
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  it('writes one file to output.EXT (EXT from its type), or to -o as given', () => {
    expect(showOutput(png, undefined, cwd)).toEqual({ stdout: '', files: [path.join(cwd, 'output.png')] });
    expect(read('output.png')).toBe('PNG!');
    expect(showOutput(png, 'sub/x.jpeg', cwd).files).toEqual([path.join(cwd, 'sub', 'x.jpeg')]);
    expect(read('sub/x.jpeg')).toBe('PNG!');
  });

  it('writes several files numbered, and prints the structure with their paths', () => {
    const shown = showOutput({ images: [png, png], audio: wav, caption: 'hi' }, undefined, cwd);
    expect(shown.files.map((f) => path.basename(f))).toEqual(['output.0.png', 'output.1.png', 'output.2.wav']);
    expect(JSON.parse(shown.stdout)).toEqual({ images: ['output.0.png', 'output.1.png'], audio: 'output.2.wav', caption: 'hi' });
    expect(showOutput([png, wav], 'r.png', cwd).files.map((f) => path.basename(f))).toEqual(['r.0.png', 'r.1.png']);
  });

  it('-o with no file in the output writes the printed value there', () => {
    expect(showOutput('text', 'out.txt', cwd)).toEqual({ stdout: '', files: [path.join(cwd, 'out.txt')] });
    expect(read('out.txt')).toBe('text\n');
  });

  it('reads base64 and percent-encoded data URLs; an unknown type is .bin', () => {
    expect(parseDataUrl('data:text/plain,a%20b')).toEqual({ mime: 'text/plain', bytes: Buffer.from('a b') });
    expect(parseDataUrl('https://example.com/x.png')).toBeUndefined();
    expect(showOutput('data:application/x-thing;base64,eA==', undefined, cwd).files).toEqual([path.join(cwd, 'output.bin')]);
  });
});
