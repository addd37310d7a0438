-- Idempotency keys move to the one table every subgraph keeps (the kit's mechanism):
-- the keys recordExchangeRequest has taken so far stay valid, with the same client,
-- key and payload hash, now naming the operation and the request they recorded.
INSERT INTO "police_cooperation"."idempotency_keys" (client, key, operation, payload_hash, result_id, created_at)
SELECT client, key, 'recordExchangeRequest', payload_hash, request_id::text, created_at
FROM "police_cooperation"."exchange_request_idempotency_keys"
ON CONFLICT DO NOTHING;
