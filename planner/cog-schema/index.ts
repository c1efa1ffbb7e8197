/**
 * The OpenAPI document `python -m cog.command.openapi_schema` (cog 0.13.6) prints for a project, made
 * statically from predict.py/train.py at plan time: the fixed FastAPI routes and request/response models
 * (data/openapi-base.json) plus Input/Output (and TrainingInput/TrainingOutput) and the enums and models
 * they refer to. A signature cog refuses is a ConfigError; what needs the runtime is `{ unresolved }`.
 */
import base from './data/openapi-base.json';
import { Definitions, type JsonObject } from './json-schema';
import { PredictorReader, type PredictorRef } from './predictor';
import { ModuleSet, Unresolvable } from './resolve';
import { TypeReader } from './types';

export { Unresolvable } from './resolve';

export interface SchemaRequest {
  /** absolute project directory (cog's working directory) */
  root: string;
  predict: PredictorRef;
  train?: PredictorRef;
}

export type SchemaResult = { schema: JsonObject } | { unresolved: { where: string; reason: string } };

const FIXED = [...Object.keys(base.components), ...Object.keys(base.trainComponents)];

function sortedKeys(o: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}

export function cogOpenApiSchema(req: SchemaRequest): SchemaResult {
  const set = new ModuleSet(req.root);
  const types = new TypeReader(set);
  const reserved = [...FIXED, 'Input', 'Output', ...(req.train ? ['TrainingInput', 'TrainingOutput'] : [])];
  const defs = new Definitions(set, types, reserved);
  const reader = new PredictorReader(set, types, defs);
  try {
    const components: JsonObject = {
      ...(base.components as JsonObject),
      Input: reader.input(req.predict, 'predict'),
      Output: reader.output(req.predict, 'predict'),
    };
    let paths = base.predictPaths as JsonObject;
    if (req.train) {
      Object.assign(components, base.trainComponents, { TrainingInput: reader.input(req.train, 'train'), TrainingOutput: reader.output(req.train, 'train') });
      // FastAPI lists routes as they were added: /shutdown, then the training routes, then the rest
      const { '/shutdown': shutdown, ...rest } = paths;
      paths = { '/shutdown': shutdown, ...(base.trainPaths as JsonObject), ...rest };
    }
    for (const [name, d] of defs.schemas) if (!d.key.startsWith('reserved:')) components[name] = d.schema!;
    return { schema: { openapi: base.openapi, info: base.info, paths, components: { schemas: sortedKeys(components) } } };
  } catch (e) {
    if (e instanceof Unresolvable) return { unresolved: { where: e.where, reason: e.message } };
    throw e;
  }
}
