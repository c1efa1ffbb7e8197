import { loadProtos, protoRoot } from '../../protobuf/protos';
import { decodePacket, encodeBytesMessage, decodeBytesMessage, encodePacket, PacketType, serviceDefinition } from './wire';

describe('session protos and codecs', () => {
  it('load through the shared loader with the services and fields the daemon calls', () => {
    const p = loadProtos();
    expect(Object.keys(p.moby.filesync.v1)).toEqual(expect.arrayContaining(['FileSync', 'FileSend', 'Auth', 'BytesMessage']));
    expect(p.moby.buildkit.secrets.v1.Secrets).toBeDefined();
    expect(p.grpc.health.v1.Health).toBeDefined();
    expect(p.google.rpc.Status).toBeDefined();
    const stat = protoRoot().lookupType('fsutil.types.Stat');
    expect(stat.fieldsArray.map((f) => `${f.id}:${f.name}`)).toEqual([
      '1:path',
      '2:mode',
      '3:uid',
      '4:gid',
      '5:size',
      '6:modTime',
      '7:linkname',
      '8:devmajor',
      '9:devminor',
      '10:xattrs',
    ]);
    expect(Object.keys(serviceDefinition('moby.filesync.v1.Auth'))).toEqual(['Credentials', 'FetchToken', 'GetTokenAuthority', 'VerifyTokenAuthority']);
  });

  it('encodes DATA packets by hand exactly as protobufjs does', () => {
    const T = protoRoot().lookupType('fsutil.types.Packet');
    for (const [id, n] of [
      [0, 0],
      [0, 5],
      [1, 0],
      [300, 40000],
      [2 ** 31 + 5, 200],
    ]) {
      const data = n ? Buffer.alloc(n, 9) : undefined;
      const ref = Buffer.from(T.encode(T.fromObject({ type: 2, ...(id ? { ID: id } : {}), ...(data ? { data } : {}) })).finish());
      expect(encodePacket({ type: PacketType.DATA, ID: id, data }).equals(ref)).toBe(true);
    }
  });

  it('round-trips STAT packets with ns mtimes and leaves type 0 off the wire', () => {
    const stat = { path: 'a/b', mode: 2 ** 31 + 0o755, modTime: '1700000000123456789', size: '12', xattrs: { 'user.k': Buffer.from('v') } };
    expect(decodePacket(encodePacket({ type: PacketType.STAT, stat }))).toEqual({ type: PacketType.STAT, stat });
    expect(encodePacket({ type: PacketType.STAT }).length).toBe(0);
    expect(decodeBytesMessage(encodeBytesMessage(Buffer.from('x'))).toString()).toBe('x');
  });

  it('sends a path and link target that are not UTF-8 as their exact bytes', () => {
    const pathBytes = Buffer.from('d\xff/caf\xe9', 'latin1');
    const linknameBytes = Buffer.from('t\x80', 'latin1');
    const wire = encodePacket({
      type: PacketType.STAT,
      stat: { path: pathBytes.toString('utf8'), mode: 0o644, modTime: '5', linkname: 'x', pathBytes, linknameBytes },
    });
    expect(wire.includes(Buffer.concat([Buffer.from([0x0a, pathBytes.length]), pathBytes]))).toBe(true);
    expect(wire.includes(Buffer.concat([Buffer.from([0x3a, linknameBytes.length]), linknameBytes]))).toBe(true);
    expect(wire.includes(Buffer.from('\ufffd'))).toBe(false);
    const back = decodePacket(wire);
    expect(back.stat).toMatchObject({ mode: 0o644, modTime: '5' });
  });

  it("receives a path and link target that are not UTF-8 with their exact bytes (the local exporter's side)", () => {
    const pathBytes = Buffer.from('d\xff/caf\xe9', 'latin1');
    const linknameBytes = Buffer.from('t\x80', 'latin1');
    const back = decodePacket(encodePacket({ type: PacketType.STAT, stat: { path: 'ignored', mode: 0o120777, linkname: 'x', pathBytes, linknameBytes } }));
    expect(back.stat?.pathBytes).toEqual(pathBytes);
    expect(back.stat?.linknameBytes).toEqual(linknameBytes);
    expect(decodePacket(encodePacket({ type: PacketType.STAT, stat: { path: 'caf\u00e9', mode: 0o644 } })).stat).toEqual({ path: 'caf\u00e9', mode: 0o644 });
  });
});
