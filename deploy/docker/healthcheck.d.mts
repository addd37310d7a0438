/** Default port of each service (the container healthcheck's fallback when PORT is unset). */
export declare const DEFAULT_PORTS: Record<string, number>;
