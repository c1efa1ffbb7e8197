/**
 * Writes src/buildkit/gateway/llbbridge.json, the LLBBridge message descriptor the frontend loads instead of parsing
 * proto/. Run `npm run frontend:descriptor` after editing proto/gateway.proto or what it imports (a unit test
 * checks that the file is current).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { protoRoot } from '../src/protobuf/protos';
import { descriptorText } from '../src/buildkit/gateway/bridge-descriptor';

writeFileSync(join(__dirname, '..', 'src', 'buildkit', 'gateway', 'llbbridge.json'), descriptorText(protoRoot()));
