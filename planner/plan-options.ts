/** The planner's options once resolved (where the cog SDK comes from, the image map), as every stack and block receives them. */

/**
 * Where the cog SDK comes from: PyPI, nowhere, or a wheel (project-relative path, POSIX; `version` from its
 * file name; `wheelhouse` when its directory holds other wheels too, which the SDK's dependencies come from).
 */
export type CogSdkSource = { kind: 'pypi' } | { kind: 'none' } | { kind: 'wheel'; path: string; version: string; wheelhouse: boolean };

export interface PlanOptionsResolved {
  cogSdk: CogSdkSource;
  imageMap: Record<string, string>;
}
