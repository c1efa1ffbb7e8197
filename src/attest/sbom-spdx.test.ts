import { spdxDocument, spdxTime, type SbomInventory } from './sbom-spdx';
import { spdxProblems } from './sbom-spdx-check';

function inventory(): SbomInventory {
  return {
    name: 'docker.io/library/model:latest',
    tool: 'Tool: cogpack-0.1.0',
    epoch: 1_700_000_000,
    base: { ref: 'docker.io/library/python:3.11-slim', digest: `sha256:${'b'.repeat(64)}`, distro: 'debian' },
    stages: [
      { id: 'system:apt', name: 'apt-get install jq' },
      { id: 'deps:pip', name: 'pip install' },
      { id: 'weights:weights:w.bin', name: 'weights' },
    ],
    debs: [
      { pkg: { name: 'libc6', version: '2.36-9', architecture: 'amd64', source: 'glibc' }, layer: 'base' },
      { pkg: { name: 'jq', version: '1.6-2.1', architecture: 'amd64' }, layer: 'system:apt' },
    ],
    python: [
      {
        dist: { name: 'pip', version: '24.0', license: 'MIT', installer: 'pip', path: '/usr/local/lib/python3.11/site-packages/pip-24.0.dist-info' },
        layer: 'base',
      },
      {
        dist: {
          name: 'Hello_World',
          version: '1.0',
          license: 'NOASSERTION',
          licenseText: 'custom',
          installer: 'pip',
          sha256: 'c'.repeat(64),
          url: 'https://h/x.whl',
          path: '/usr/local/lib/python3.11/site-packages/Hello_World-1.0.dist-info',
        },
        layer: 'deps:pip',
      },
    ],
    toolkits: [{ name: 'cuda', version: '12.1.1', source: '/usr/local/cuda/version.json', layer: 'base' }],
    files: [{ path: '/src/w.bin', size: 5, sha256: 'd'.repeat(64), layer: 'weights:weights:w.bin' }],
  };
}

describe('spdxDocument', () => {
  const doc = spdxDocument(inventory());

  it('has every field SPDX 2.3 requires', () => {
    expect(spdxProblems(doc)).toEqual([]);
    expect(doc.creationInfo.created).toBe(spdxTime(1_700_000_000));
    expect(doc.creationInfo.created).toBe('2023-11-14T22:13:20Z');
  });

  it('says which layer brought each package', () => {
    const byName = new Map(doc.packages.map((p) => [p.name, p.SPDXID]));
    const container = (name: string) =>
      doc.relationships
        .filter((r) => r.relatedSpdxElement === byName.get(name) && r.relationshipType === 'CONTAINS')
        .map((r) => doc.packages.find((p) => p.SPDXID === r.spdxElementId)?.name);
    expect(container('libc6')).toEqual(['docker.io/library/python:3.11-slim']);
    expect(container('jq')).toEqual(['system:apt']);
    expect(container('Hello_World')).toEqual(['deps:pip']);
    expect(container('/src/w.bin')).toEqual(['weights:weights:w.bin']);
    expect(container('deps:pip')).toEqual(['docker.io/library/model:latest']);
    expect(doc.relationships[0]).toEqual({ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-Image' });
  });

  it('carries purls, the wheel hash and the declared license', () => {
    const hello = doc.packages.find((p) => p.name === 'Hello_World')!;
    expect(hello).toMatchObject({
      versionInfo: '1.0',
      downloadLocation: 'https://h/x.whl',
      licenseDeclared: 'NOASSERTION',
      licenseComments: 'License: custom',
      checksums: [{ algorithm: 'SHA256', checksumValue: 'c'.repeat(64) }],
    });
    expect(hello.externalRefs?.[0].referenceLocator).toBe('pkg:pypi/hello-world@1.0');
    expect(doc.packages.find((p) => p.name === 'libc6')?.externalRefs?.[0].referenceLocator).toBe('pkg:deb/debian/libc6@2.36-9?arch=amd64&upstream=glibc');
    expect(doc.packages.find((p) => p.name === 'cuda')?.versionInfo).toBe('12.1.1');
  });

  it('is byte-identical for the same inventory in any order, and the namespace follows the content', () => {
    const shuffled = inventory();
    shuffled.debs.reverse();
    shuffled.python.reverse();
    expect(JSON.stringify(spdxDocument(shuffled))).toBe(JSON.stringify(doc));
    const other = inventory();
    other.debs[1].pkg.version = '1.7';
    expect(spdxDocument(other).documentNamespace).not.toBe(doc.documentNamespace);
  });

  it('the checker finds what is missing', () => {
    const bad = {
      ...doc,
      dataLicense: 'MIT',
      packages: [...doc.packages, { ...doc.packages[3] }],
      relationships: [...doc.relationships, { spdxElementId: 'SPDXRef-Image', relationshipType: 'CONTAINS', relatedSpdxElement: 'SPDXRef-nope' }],
    };
    expect(spdxProblems(bad)).toEqual(
      expect.arrayContaining(['dataLicense is not CC0-1.0', `SPDXID ${doc.packages[3].SPDXID} twice`, expect.stringMatching(/unknown element/)]),
    );
  });
});
