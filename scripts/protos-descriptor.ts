/**
 * Writes src/protobuf/protos.json, the descriptor of every file in proto/ that the CLI loads instead of
 * parsing .proto text at each start, and src/protobuf/proto-codecs-generated.ts, the precompiled codecs of
 * its message types (proto-codecs.ts). Run after editing proto/ or upgrading protobufjs; unit tests check
 * both files are current.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { version } from 'protobufjs/package.json';
import { codecsModuleText } from '../src/protobuf/proto-codecs';
import { descriptorJson } from '../src/protobuf/proto-files';
import { descriptorRoot } from '../src/protobuf/proto-root';

const dir = join(__dirname, '..', 'src', 'protobuf');
const json = descriptorJson();
writeFileSync(join(dir, 'protos.json'), json);
writeFileSync(join(dir, 'proto-codecs-generated.ts'), codecsModuleText(descriptorRoot(JSON.parse(json)), version));
