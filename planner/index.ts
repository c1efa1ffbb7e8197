/** The planner's public face: parsing and printing plans, and the cog SDK option. Planning a project is stacks/plan-project.ts. */
export { parsePlan, serializePlan } from './plan';

export { parseCogSdk } from './cog-sdk-source';
