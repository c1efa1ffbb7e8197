import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Writable } from 'stream';
import { decodeDefinition, validateDefinition } from '../../llb';
import { samplePlan } from '../testing/sample-plan';
import { serializePlan } from '../../planner/plan';
import { runLlb } from './llb';

class Sink extends Writable {
  chunks: Buffer[] = [];
  isTTY?: boolean;
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    cb();
  }
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

describe('cogpack llb', () => {
  let planFile: string;
  beforeAll(() => {
    planFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cogpack-llb-')), 'plan.json');
    fs.writeFileSync(planFile, serializePlan(samplePlan()));
  });

  it('writes a valid marshalled Definition, the same bytes every run', async () => {
    const a = new Sink();
    const b = new Sink();
    await runLlb('.', { plan: planFile }, a);
    await runLlb('.', { plan: planFile }, b);
    expect(a.bytes.length).toBeGreaterThan(100);
    expect(a.bytes.equals(b.bytes)).toBe(true);
    expect(validateDefinition(a.bytes)).toBe(decodeDefinition(a.bytes).def.length);
  });

  it('--json dumps every op with digest, kind, inputs, platform and description', async () => {
    const out = new Sink();
    await runLlb('.', { plan: planFile, json: true }, out);
    const doc = JSON.parse(out.bytes.toString('utf8'));
    expect(doc.stage_layers).toEqual(['system:apt', 'deps:pip', 'app:source']);
    expect(doc.ops.length).toBeGreaterThan(5);
    for (const op of doc.ops) expect(Object.keys(op)).toEqual(['digest', 'kind', 'inputs', 'platform', 'description']);
    expect(doc.ops[doc.ops.length - 1]).toMatchObject({ digest: doc.result, kind: 'merge', platform: null, description: 'image' });
    expect(doc.ops.find((o: { kind: string }) => o.kind === 'exec').platform).toBe('linux/amd64');
  });

  it('plans a project directory and matches its --json snapshot', async () => {
    const dir = path.join(__dirname, '..', '..', 'testdata', 'cpu-minimal');
    const out = new Sink();
    await runLlb(dir, { json: true }, out, {});
    const snapshot = path.join(__dirname, '..', '..', 'snapshots', 'cpu-minimal.llb.json');
    expect(out.bytes.toString('utf8')).toBe(fs.readFileSync(snapshot, 'utf8'));
  });

  it('applies --image-map to the base images', async () => {
    const dir = path.join(__dirname, '..', '..', 'testdata', 'cpu-minimal');
    const out = new Sink();
    await runLlb(dir, { json: true, imageMap: ['python:3.11-slim=cogpack.local/debian-python:bookworm'] }, out, {});
    const doc = JSON.parse(out.bytes.toString('utf8'));
    const sources = doc.ops.filter((o: { kind: string }) => o.kind === 'source').map((o: { description: string }) => o.description);
    expect(sources).toContain('docker-image://cogpack.local/debian-python:bookworm');
    expect(sources.join(' ')).not.toContain('python:3.11-slim');
  });

  it('refuses to write binary to a terminal', async () => {
    const tty = new Sink();
    tty.isTTY = true;
    await expect(runLlb('.', { plan: planFile }, tty)).rejects.toThrow(/binary LLB to a terminal/);
  });

  it('reports a missing plan file as a usage error', async () => {
    await expect(runLlb('.', { plan: '/nonexistent/plan.json' }, new Sink())).rejects.toMatchObject({ code: 'E_PLAN_FILE' });
  });
});
