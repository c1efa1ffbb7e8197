/**
 * Writes src/frontend/llbbridge.json, the LLBBridge message descriptor the frontend loads instead of
 * parsing proto/ (`npm run frontend:descriptor` after editing proto/gateway.proto or what it imports; a unit test checks it is current).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { protoRoot } from '../src/buildkit/protos';
import { descriptorText } from '../src/frontend/bridge-descriptor';

writeFileSync(join(__dirname, '..', 'src', 'frontend', 'llbbridge.json'), descriptorText(protoRoot()));
