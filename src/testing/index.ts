/** Test helpers shared by every helper's tests: the local daemon, the docker CLI, and hand-made wheels. */
export { daemonEnv, daemonAnswers, describeWithDaemon, localImageMap, NO_DAEMON_MESSAGE, REPO_ROOT, type DaemonEnv } from './daemon';
export { docker, dockerTry, type DockerRunResult } from './docker-cli';
export { frontendImage, frontendBuildArgs } from './frontend-image';
export { buildWheel, wheelStem, type BuiltWheel, type WheelSpec } from './wheel';
export { incompressiblePayload } from './payload';
export { testRegistry, registryManifest, registryImageManifest, NO_REGISTRY_MESSAGE } from './registry';
export { probeGrpcUpgrade, type H2cProbe } from './h2c-probe';
export { writeZip, type ZipEntry, type StreamedContent } from './zip';
export { cogSdkWheel, cogWheelhouse, COG_SDK_VERSION } from './cog-runtime';
