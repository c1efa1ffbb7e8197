/**
 * Writes src/frontend/llbbridge.json, the LLBBridge message descriptor the frontend loads instead of parsing
 * proto/. Run `npm run frontend:descriptor` after editing proto/gateway.proto or what it imports (a unit test
 * checks that the file is current).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { protoRoot } from '../src/buildkit/protos';
import { descriptorText } from '../src/frontend/bridge-descriptor';

writeFileSync(join(__dirname, '..', 'src', 'frontend', 'llbbridge.json'), descriptorText(protoRoot()));
