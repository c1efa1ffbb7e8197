/**
 * Writes src/buildkit/protos.json, the descriptor of every file in proto/ that the CLI loads instead of
 * parsing .proto text at each start (run after editing proto/; a unit test checks the file is current).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { descriptorJson } from '../src/buildkit/proto-files';

writeFileSync(join(__dirname, '..', 'src', 'buildkit', 'protos.json'), descriptorJson());
