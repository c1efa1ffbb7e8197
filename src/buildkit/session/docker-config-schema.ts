/**
 * The zod schema of the docker config file (auths, credHelpers, credsStore) that the session's Auth
 * service reads. A module of its own so that zod loads only when the daemon asks for credentials.
 */
import { z } from 'zod';

const AuthEntry = z.object({
  auth: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  identitytoken: z.string().optional(),
});

export const DockerConfig = z.object({
  auths: z.record(z.string(), AuthEntry).optional(),
  credHelpers: z.record(z.string(), z.string()).optional(),
  credsStore: z.string().optional(),
});

export type DockerConfigData = z.infer<typeof DockerConfig>;
