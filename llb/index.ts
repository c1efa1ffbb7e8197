/** Public API of llb/ (filled in below as modules land). */
export { State } from './state';
