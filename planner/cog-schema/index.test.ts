/**
 * The static schema of every fixture in testdata/cog-schema equals, as JSON, what cog 0.13.6's own
 * `python -m cog.command.openapi_schema` printed for it (<shape>.openapi.json, made with the SDK from
 * /work/shared/cog-runtime's wheelhouse in a venv on the host). The int test checks the same inside built images.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { cogOpenApiSchema } from './index';

const DIR = join(__dirname, '..', '..', 'testdata', 'cog-schema');
export const SHAPES = readdirSync(DIR)
  .filter((n) => statSync(join(DIR, n)).isDirectory())
  .sort();

export function schemaOf(root: string) {
  const cog = parse(readFileSync(join(root, 'cog.yaml'), 'utf8')) as { predict?: string; run?: string; train?: string };
  return cogOpenApiSchema({
    root,
    predict: { ref: (cog.predict ?? cog.run)!, file: 'cog.yaml' },
    ...(cog.train ? { train: { ref: cog.train, file: 'cog.yaml' } } : {}),
  });
}

describe('static cog OpenAPI schema', () => {
  it('has at least 20 predictor shapes', () => expect(SHAPES.length).toBeGreaterThanOrEqual(20));

  it.each(SHAPES)('%s equals the runtime schema', (shape) => {
    const expected = JSON.parse(readFileSync(join(DIR, `${shape}.openapi.json`), 'utf8'));
    const got = schemaOf(join(DIR, shape));
    expect(got).toEqual({ schema: expected });
  });
});
