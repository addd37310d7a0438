import { runSubgraphMain } from '@mission-graph/service-kit';
import { fileCheckpointSink } from './checkpoints/sink.js';
import { checkpointFile, readAuditEnv, signingKeyFromEnv } from './config.js';
import { createService } from './service.js';

runSubgraphMain(4005, async (options) => {
  const env = readAuditEnv();
  return createService({
    ...options,
    migrationDatabaseUrl: env.DATABASE_MIGRATION_URL,
    signingKey: signingKeyFromEnv(env.AUDIT_SIGNING_KEY),
    checkpointSink: fileCheckpointSink(checkpointFile(env)),
    checkpointEveryEvents: env.AUDIT_CHECKPOINT_EVERY,
    checkpointEverySeconds: env.AUDIT_CHECKPOINT_SECONDS,
    denialLimits: { perWindow: env.AUDIT_DENIED_PER_WINDOW, windowSeconds: env.AUDIT_DENIED_WINDOW_SECONDS },
    requireLeastPrivilege: env.NODE_ENV === 'production',
  });
});
