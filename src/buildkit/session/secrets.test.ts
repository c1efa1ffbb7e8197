import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UsageError } from '../../errors';
import { parseSecretSpec, parseSecretSpecs, readSecret } from './secrets';

describe('parseSecretSpec', () => {
  it.each([
    ['id=tok,src=/run/tok.txt', { id: 'tok', type: 'file', src: '/run/tok.txt' }],
    ['id=tok,source=./t', { id: 'tok', type: 'file', src: './t' }],
    ['id=tok,env=HF_TOKEN', { id: 'tok', type: 'env', env: 'HF_TOKEN' }],
    ['type=env,id=HF_TOKEN', { id: 'HF_TOKEN', type: 'env', env: 'HF_TOKEN' }],
    ['id=k,src=a=b', { id: 'k', type: 'file', src: 'a=b' }],
  ])('%s', (spec, expected) => {
    expect(parseSecretSpec(spec)).toEqual(expected);
  });

  it.each([
    ['src=/x', 'missing id='],
    ['id=x', 'missing src='],
    ['id=x,src=a,env=B', 'not both'],
    ['id=x,path=/a', 'unknown key "path"'],
    ['id=x,type=ssh,src=a', 'type must be file or env'],
    ['justtext', 'is not key=value'],
  ])('rejects %s as a usage error naming the flag', (spec, why) => {
    let err: unknown;
    try {
      parseSecretSpec(spec);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(64);
    expect((err as UsageError).toOneLine()).toContain(`--secret "${spec}"`);
    expect((err as UsageError).message).toContain(why);
  });

  it('rejects a repeated id across flags', () => {
    expect(() => parseSecretSpecs(['id=a,env=X', 'id=a,src=f'])).toThrow('given twice');
  });

  it('reads values from files and the given environment only when asked', async () => {
    const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-secret-')), 's');
    fs.writeFileSync(f, 'file-value');
    expect((await readSecret({ id: 'a', type: 'file', src: f }, {}))!.toString()).toBe('file-value');
    expect((await readSecret({ id: 'b', type: 'env', env: 'V' }, { V: 'env-value' }))!.toString()).toBe('env-value');
    expect(await readSecret({ id: 'c', type: 'env', env: 'MISSING' }, {})).toBeUndefined();
    expect(await readSecret({ id: 'd', type: 'file', src: f + '.none' }, {})).toBeUndefined();
  });
});
