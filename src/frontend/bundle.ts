/**
 * The entry of the frontend's one-file bundle (scripts/build-frontend-bundle.ts): `main` runs a build,
 * `warm` runs sample projects so the image build can write the bundle's V8 code cache.
 */
export { main } from './main';
export { warm } from './warm';
