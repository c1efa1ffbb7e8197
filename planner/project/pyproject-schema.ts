/**
 * The zod schemas of pyproject.toml's `[tool.cogpack]` table (strict) and PEP 621 `[project]` table
 * (loose: other PEP 621 keys are allowed). Kept apart from pyproject.ts so the plan bundle can answer
 * them without loading zod (src/startup/schema-stub.ts).
 */
import { z } from 'zod';

export const ToolCogpackSchema = z
  .object({
    python: z
      .string()
      .regex(/^3\.\d+(\.\d+)?$/, 'expected a version like "3.11"')
      .optional(),
    gpu: z.boolean().optional(),
    system_packages: z.array(z.string().regex(/^[a-z0-9][a-z0-9+.=:~-]*$/)).optional(),
    /** the image's CMD; defaults to the only [project.scripts] entry, else the one named like the project */
    cmd: z.array(z.string()).min(1).optional(),
    environment: z.array(z.string()).optional(),
    /** project-relative files or directories that are model weights */
    weights: z.array(z.string().min(1)).optional(),
    /** files at least this large are treated as weights (default 10) */
    weights_threshold_mb: z.number().positive().optional(),
  })
  .strict();
export type ToolCogpack = z.infer<typeof ToolCogpackSchema>;

export const ProjectSchema = z
  .object({
    name: z.string().min(1),
    version: z.string().optional(),
    dependencies: z.array(z.string()).optional(),
    'requires-python': z.string().optional(),
    scripts: z.record(z.string(), z.string().regex(/^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$/, 'expected "module:function"')).optional(),
  })
  .loose();
