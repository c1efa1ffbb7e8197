import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildInput, parseInputFlags, type OpenApi } from './inputs';

/** The Input schema cog 0.13.6 serves for a predictor with these parameters (choices as an allOf $ref). */
const API: OpenApi = {
  components: {
    schemas: {
      Input: {
        properties: {
          prompt: { type: 'string' },
          steps: { type: 'integer' },
          scale: { type: 'number' },
          hd: { type: 'boolean' },
          image: { type: 'string', format: 'uri' },
          tags: { type: 'array', items: { type: 'string' } },
          sizes: { type: 'array', items: { type: 'integer' } },
          mode: { allOf: [{ $ref: '#/components/schemas/mode' }] },
          level: { allOf: [{ $ref: '#/components/schemas/level' }] },
        },
      },
      mode: { type: 'string', enum: ['fast', 'slow'] },
      level: { type: 'integer', enum: [1, 2] },
    },
  },
};

const typed = (flags: string[], cwd?: string) => buildInput(parseInputFlags(flags), API, cwd);

describe('-i inputs', () => {
  it('splits name=value at the first = and refuses a flag without one', () => {
    expect(parseInputFlags(['a=b=c', 'e='])).toEqual([
      { name: 'a', value: 'b=c' },
      { name: 'e', value: '' },
    ]);
    expect(() => parseInputFlags(['novalue'])).toThrow(expect.objectContaining({ code: 'E_INPUT_FLAG', exitCode: 64 }));
    expect(() => parseInputFlags(['=x'])).toThrow(expect.objectContaining({ code: 'E_INPUT_FLAG' }));
  });

  it('types values by the schema: ints, floats, bools, strings, choices through $ref, lists from repeated flags', () => {
    expect(typed(['prompt=42', 'steps=30', 'scale=7.5', 'hd=true', 'mode=fast', 'level=2', 'tags=a', 'tags=b', 'sizes=1', 'sizes=2'])).toEqual({
      prompt: '42',
      steps: 30,
      scale: 7.5,
      hd: true,
      mode: 'fast',
      level: 2,
      tags: ['a', 'b'],
      sizes: [1, 2],
    });
    expect(typed(['hd=False', 'scale=-1e3'])).toEqual({ hd: false, scale: -1000 });
  });

  it('refuses a value that is not of the input type, and a name the model does not have', () => {
    expect(() => typed(['steps=3.5'])).toThrow(/input steps: "3.5" is not an integer/);
    expect(() => typed(['scale=abc'])).toThrow(/input scale: "abc" is not a number/);
    expect(() => typed(['hd=maybe'])).toThrow(/input hd: "maybe" is not true or false/);
    expect(() => typed(['sizes=x'])).toThrow(/input sizes: "x" is not an integer/);
    expect(() => typed(['promt=x'])).toThrow(expect.objectContaining({ code: 'E_INPUT_UNKNOWN', hint: expect.stringContaining('prompt, steps') }));
  });

  it('reads name=@file as a data URL with the type from the extension; a missing file is named', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inputs-'));
    fs.writeFileSync(path.join(dir, 'p.png'), Buffer.from([0x89, 0x50]));
    fs.writeFileSync(path.join(dir, 'blob'), 'x');
    expect(typed(['image=@p.png', 'tags=@blob'], dir)).toEqual({ image: 'data:image/png;base64,iVA=', tags: ['data:application/octet-stream;base64,eA=='] });
    expect(() => typed(['image=@nope.png'], dir)).toThrow(expect.objectContaining({ code: 'E_INPUT_FILE', message: 'input file nope.png does not exist' }));
    fs.rmSync(dir, { recursive: true });
  });

  it('without a schema every value is a string', () => {
    expect(buildInput(parseInputFlags(['n=3', 'anything=x']), undefined)).toEqual({ n: '3', anything: 'x' });
  });
});
