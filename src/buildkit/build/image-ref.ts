/**
 * Image names as Docker accepts them (the distribution reference grammar): `[host[:port]/]path[:tag][@digest]`,
 * path components lowercase. `-t` and `name=` are checked with it before connecting, so a bad name is a usage
 * error (exit 64) and not a daemon-side failure after the whole build.
 */
import { UsageError } from '../../errors';

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*|\\[[0-9a-fA-F:]+\\])`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`);

/** Docker's limit on the repository part of a name. */
const MAX_NAME = 255;

/** Why `ref` is not a valid image name, or undefined when it is one. */
export function imageRefProblem(ref: string): string | undefined {
  if (ref === '') return 'it is empty';
  if (!REFERENCE.test(ref)) {
    const repo = ref.replace(/@.*$/, '').replace(/:[^/]*$/, '');
    if (repo !== repo.toLowerCase() && REFERENCE.test(ref.toLowerCase())) return 'the repository name must be lowercase';
    return 'it is not [HOST[:PORT]/]NAME[:TAG] (lowercase letters, digits, ".", "_", "-" and "/"; one ":" before the tag)';
  }
  const name = ref.replace(/@.*$/, '').replace(/:[\w][\w.-]*$/, '');
  if (name.length > MAX_NAME) return `the name is longer than ${MAX_NAME} characters`;
  return undefined;
}

/** Throws a usage error naming the flag for the first bad name. */
export function checkImageRefs(refs: readonly string[], flag: string): void {
  for (const ref of refs) {
    const why = imageRefProblem(ref);
    if (why)
      throw new UsageError('E_IMAGE_NAME', `${flag} "${ref}" is not a valid image name: ${why}`, {
        hint: 'e.g. -t my-model or -t registry.example:5000/team/my-model:1.0',
      });
  }
}
