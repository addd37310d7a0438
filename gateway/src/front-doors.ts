/**
 * The front doors of the gateway (issue 11), for main.ts and the tests: the client
 * registry, rate limits, trusted documents, CORS and the explorer's personas.
 */
export * from './clients/admission.js';
export * from './clients/registry.js';
export * from './cors.js';
export * from './documents/manifest.js';
export * from './documents/trusted-documents.js';
export * from './explorer/personas.js';
export * from './rate-limit/rate-limiter.js';
export * from './rate-limit/redis-store.js';
export * from './rate-limit/token-bucket.js';
export * from './documents/check.js';
