/**
 * cog-schema: cog's OpenAPI schema of the predictor (planner/cog-schema), made at plan time, as the label
 * `run.cog.openapi_schema` and the file /src/.cog/openapi_schema.json. The file is a layer of its own, so it
 * changes only when the predictor's signature does, not with every code edit; it comes after the source
 * layer so a stale .cog/openapi_schema.json in the project cannot hide it. When the source names something
 * only the runtime knows, the plan says so (made_at "build") and warns, and the build runs cog's schema command on
 * the built image instead (src/buildkit/build/cog-build-labels.ts).
 */
import { cogOpenApiSchema } from '../planner/cog-schema';
import type { Project } from '../planner/project';
import { projectFileExists } from '../planner/project/fs-safe';
import tools from './data/tools.json';
import { stableJson } from './export-config';
import type { Block } from './support/block';
import { stage } from './support/stage';

export const OPENAPI_SCHEMA_FILE = '/src/.cog/openapi_schema.json';

function predictorKey(project: Project): 'run' | 'predict' | undefined {
  const d = project.cog?.data;
  return d?.run ? 'run' : d?.predict ? 'predict' : undefined;
}

export const cogSchema: Block = {
  name: 'cog-schema',
  detect: (project) => predictorKey(project) !== undefined,
  dependencies: () => [],
  plan(ctx, plan) {
    const cog = ctx.project.cog!;
    const key = predictorKey(ctx.project)!;
    const ref = (k: 'run' | 'predict' | 'train') => ({ ref: cog.data[k] as string, key: k, file: cog.file, line: cog.lineOf([k]) });
    // a predictor file that is not there fails cog's own schema step; cogpack builds the image without a schema
    for (const k of [key, ...(cog.data.train ? ['train' as const] : [])]) {
      const file = (cog.data[k] as string).split(':')[0];
      if (!projectFileExists(ctx.project.dir, file)) {
        ctx.warnings.push(
          `${cog.file}:${cog.lineOf([k])}: ${k}: "${cog.data[k]}" names ${file}, which does not exist, so the image gets no OpenAPI schema (create ${file} or fix ${k})`,
        );
        return;
      }
    }
    const result = cogOpenApiSchema({ root: ctx.project.dir, predict: ref(key), ...(cog.data.train ? { train: ref('train') } : {}) });
    if ('unresolved' in result) {
      const { where, reason } = result.unresolved;
      ctx.warnings.push(
        `${where}: cogpack cannot make the OpenAPI schema statically (${reason}); the build runs python -m cog.command.openapi_schema on the built image instead`,
      );
      plan.data.openapi_schema = { made_at: 'build', reason: `${where}: ${reason}` };
      return;
    }
    const json = stableJson(result.schema);
    plan.data.openapi_schema = { made_at: 'plan' };
    plan.data.export.labels[tools.labels.openapiSchema] = json;
    plan.addStage(
      'code',
      stage({
        id: 'code:cog-schema',
        name: `cog OpenAPI schema ${OPENAPI_SCHEMA_FILE}`,
        block: 'cog-schema',
        source: { type: 'scratch' },
        operations: [
          { op: 'mkdir', path: '/src/.cog', mode: 0o755, parents: true },
          { op: 'mkfile', path: OPENAPI_SCHEMA_FILE, data: `${json}\n`, mode: 0o644 },
        ],
        provides: ['cog-openapi-schema'],
      }),
    );
  },
};
