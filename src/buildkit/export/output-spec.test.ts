import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkOutputWritable, parseCacheSpec, parseOutputSpec } from './output-spec';
import { UsageError } from '../../errors';
import { OutputError } from '../errors';

describe('output specs', () => {
  it('parses the buildx forms', () => {
    expect(parseOutputSpec('type=docker')).toEqual({ type: 'docker', dest: undefined, attrs: {} });
    expect(parseOutputSpec('type=oci,dest=out.tar')).toEqual({ type: 'oci', dest: 'out.tar', attrs: {} });
    expect(parseOutputSpec('type=image,"name=a:1,b:2",push=true')).toEqual({ type: 'image', dest: undefined, attrs: { name: 'a:1,b:2', push: 'true' } });
    expect(parseOutputSpec('type=registry,name=r/x')).toEqual({ type: 'image', attrs: { name: 'r/x', push: 'true' } });
    expect(parseOutputSpec('out/dir')).toEqual({ type: 'local', dest: 'out/dir', attrs: {} });
  });

  it('rejects unknown types, missing dest and malformed fields as usage errors', () => {
    expect(() => parseOutputSpec('type=zip,dest=x')).toThrow(UsageError);
    expect(() => parseOutputSpec('type=local')).toThrow(/needs dest/);
    expect(() => parseOutputSpec('type=oci,dest')).toThrow(/not key=value/);
  });

  it('parses cache specs with the bare-ref shorthand', () => {
    expect(parseCacheSpec('127.0.0.1:5000/c:1', '--cache-from')).toEqual({ type: 'registry', attrs: { ref: '127.0.0.1:5000/c:1' } });
    expect(parseCacheSpec('type=registry,ref=r/c,mode=max', '--cache-to')).toEqual({ type: 'registry', attrs: { ref: 'r/c', mode: 'max' } });
    expect(parseCacheSpec('type=local,src=d', '--cache-from')).toEqual({ type: 'local', attrs: { src: 'd' } });
  });

  it('refuses unwritable or wrong-kind destinations with exit 73, creating nothing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'out-'));
    const file = path.join(dir, 'f');
    fs.writeFileSync(file, '');
    const bad = [
      parseOutputSpec(`type=oci,dest=${dir}`), // a directory where a file is wanted
      parseOutputSpec(`type=local,dest=${file}`), // a file where a directory is wanted
      parseOutputSpec(`type=oci,dest=${file}/sub/x.tar`), // a parent that is a file
      parseOutputSpec('type=oci,dest=/proc/cogpack/x.tar'), // a parent that is not writable
    ];
    for (const out of bad) {
      const err = (() => {
        try {
          checkOutputWritable(out);
        } catch (e) {
          return e;
        }
        return undefined;
      })() as OutputError;
      expect(err).toBeInstanceOf(OutputError);
      expect(err.exitCode).toBe(73);
    }
    expect(() => checkOutputWritable(parseOutputSpec(`type=local,dest=${dir}/new/deeper`))).not.toThrow();
    expect(fs.existsSync(`${dir}/new`)).toBe(false);
    fs.writeFileSync(`${dir}/again.tar`, 'an earlier build'); // a second build to the same file replaces it
    expect(() => checkOutputWritable(parseOutputSpec(`type=oci,dest=${dir}/again.tar`))).not.toThrow();
    fs.rmSync(dir, { recursive: true });
  });
});
