import { attestRequestFromFrontendOpts, defaultProvenance, parseProvenanceFlag, parseSbomFlag } from './request';
import { UsageError } from '../errors';

describe('--provenance / --sbom values', () => {
  it.each([
    ['mode=min', 'min'],
    ['mode=max', 'max'],
    ['max', 'max'],
    ['min', 'min'],
    ['true', 'min'],
    ['1', 'min'],
    ['', 'min'],
    ['false', false],
    ['0', false],
    ['disabled=true', false],
    ['type=provenance,mode=max', 'max'],
    ['mode=max,disabled=false', 'max'],
  ])('--provenance %j → %j', (value, want) => {
    expect(parseProvenanceFlag(value)).toBe(want);
  });

  it.each(['mode=medium', 'banana', 'type=sbom', 'disabled=perhaps'])('--provenance %j is a usage error naming the value', (value) => {
    expect(() => parseProvenanceFlag(value)).toThrow(UsageError);
    expect(() => parseProvenanceFlag(value)).toThrow(value);
  });

  it('--sbom alone, true, false', () => {
    expect(parseSbomFlag(true)).toBe(true);
    expect(parseSbomFlag('true')).toBe(true);
    expect(parseSbomFlag('false')).toBe(false);
    expect(parseSbomFlag('disabled=true')).toBe(false);
  });

  it('provenance defaults to mode=min for a push only; an explicit false wins', () => {
    expect(defaultProvenance(undefined, true)).toBe('min');
    expect(defaultProvenance(undefined, false)).toBeUndefined();
    expect(defaultProvenance(false, true)).toBeUndefined();
    expect(defaultProvenance('max', false)).toBe('max');
  });
});

describe('frontend attest:* options (as buildx sends them)', () => {
  it('buildx --provenance=mode=max and --sbom=true', () => {
    // buildx 0.13 sends the attest value as typed after canonicalising: `type=sbom,disabled=false` for --sbom=true
    expect(attestRequestFromFrontendOpts({ 'attest:provenance': 'mode=max', 'attest:sbom': 'type=sbom,disabled=false' })).toEqual({
      provenance: 'max',
      sbom: true,
    });
  });

  it("buildx's default provenance is inline-only (images, not local/tar outputs)", () => {
    expect(attestRequestFromFrontendOpts({ 'attest:provenance': 'mode=min,inline-only=true' })).toEqual({
      provenance: 'min',
      inlineOnly: { provenance: true },
    });
  });

  it('disabled, absent, and the build-arg spelling', () => {
    expect(attestRequestFromFrontendOpts({ 'attest:provenance': 'disabled=true' })).toEqual({});
    expect(attestRequestFromFrontendOpts({})).toEqual({});
    expect(attestRequestFromFrontendOpts({ 'build-arg:BUILDKIT_ATTEST_PROVENANCE': 'mode=max', 'attest:sbom': '' })).toEqual({ provenance: 'max', sbom: true });
  });

  it('a malformed value is a usage error', () => {
    expect(() => attestRequestFromFrontendOpts({ 'attest:provenance': 'mode=everything' })).toThrow(UsageError);
  });
});
