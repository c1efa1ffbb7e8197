import * as fs from 'node:fs';
import * as path from 'node:path';
import * as light from 'protobufjs/light';
import { protoRoot, protoType } from '../../protobuf/protos';
import { BRIDGE_SERVICE, descriptorText, reachableTypes } from './bridge-descriptor';

const FILE = path.join(__dirname, 'llbbridge.json');

describe('LLBBridge descriptor', () => {
  it('llbbridge.json is what proto/ gives (else run: npm run frontend:descriptor)', () => {
    expect(fs.readFileSync(FILE, 'utf8')).toBe(descriptorText(protoRoot()));
  });

  it('holds every request/response type of the service and what they reach, and nothing of other services', () => {
    const names = reachableTypes(protoRoot());
    for (const m of protoRoot().lookupService(BRIDGE_SERVICE).methodsArray) {
      expect(names).toContain(`moby.buildkit.v1.frontend.${m.requestType}`);
      expect(names).toContain(`moby.buildkit.v1.frontend.${m.responseType}`);
    }
    expect(names).toContain('pb.Definition');
    expect(names).toContain('fsutil.types.Stat');
    expect(names).toContain('google.rpc.Status');
    expect(names).not.toContain('moby.buildkit.v1.StatusResponse');
    expect(names).not.toContain('pb.ExecOp');
  });

  it('encodes the same bytes as the full proto/ root and decodes them back', () => {
    const lightRoot = light.Root.fromJSON(JSON.parse(fs.readFileSync(FILE, 'utf8')));
    const samples: [string, Record<string, unknown>][] = [
      ['ResolveImageConfigRequest', { Ref: 'docker.io/library/x:1', Platform: { OS: 'linux', Architecture: 'amd64' }, SessionID: 's' }],
      ['ReturnRequest', { result: { ref: { id: 'r1' }, metadata: { 'containerimage.config': Buffer.from('{}') } } }],
      ['ReturnRequest', { error: { code: 2, message: 'cogpack: error: x' } }],
      ['ReadDirResponse', { entries: [{ path: 'a', mode: 2147484141, size: '12', modTime: '1700000000000000000' }] }],
      ['PongResponse', { LLBCaps: [{ ID: 'mergeop', Enabled: true }] }],
      ['WarnRequest', { digest: 'sha256:00', level: 1, short: Buffer.from('w'), detail: [Buffer.from('d')] }],
    ];
    for (const [name, obj] of samples) {
      const full = protoType(`moby.buildkit.v1.frontend.${name}`);
      const lt = lightRoot.lookupType(`moby.buildkit.v1.frontend.${name}`);
      const bytes = lt.encode(lt.fromObject(obj)).finish();
      expect(Buffer.from(bytes)).toEqual(Buffer.from(full.encode(full.fromObject(obj)).finish()));
      expect(lt.toObject(lt.decode(bytes), { longs: String, oneofs: true })).toEqual(full.toObject(full.decode(bytes), { longs: String, oneofs: true }));
    }
  });
});
