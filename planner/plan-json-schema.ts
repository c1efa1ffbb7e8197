/**
 * Generates planner/plan.schema.json (the published JSON Schema of the Plan) from the zod contract.
 * Run `npm run schema:plan` after changing plan-schema.ts; a test fails while the file is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PlanSchema } from './plan-schema';

export const PLAN_SCHEMA_PATH = join(__dirname, 'plan.schema.json');

export function planJsonSchema(): string {
  const schema = { title: 'cogpack Plan', ...z.toJSONSchema(PlanSchema) };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (require.main === module) writeFileSync(PLAN_SCHEMA_PATH, planJsonSchema());
